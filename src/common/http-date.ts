const SECOND = 1000;
const MAX_REMEMBERED = 4096;
const remembered = new Map<number, string>();

/**
 * A date as HTTP writes it (IMF-fixdate, whole seconds). Every warm Composer answer carries two;
 * Date#toUTCString costs about a microsecond each, so the text of each second is remembered.
 */
export function httpDate(date: Date): string {
  const second = Math.floor(date.getTime() / SECOND);
  let text = remembered.get(second);
  if (text === undefined) {
    // Few distinct seconds recur (now, and each package's last change): clearing is cheap enough.
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    text = date.toUTCString();
    remembered.set(second, text);
  }
  return text;
}
