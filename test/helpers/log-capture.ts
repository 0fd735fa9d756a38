import { DestinationStream } from 'pino';

export interface LogLine {
  level: string;
  msg: string;
  context?: string;
  reqId?: string;
  req?: { method: string; url: string; route: string };
  res?: { statusCode: number };
  [field: string]: unknown;
}

/** Receives an app's log output (pass `stream` to createTestApp), as raw text and as parsed lines. */
export class LogCapture {
  private readonly raw: string[] = [];
  readonly stream: DestinationStream = { write: (line: string) => void this.raw.push(line) };

  get text(): string {
    return this.raw.join('');
  }

  get lines(): LogLine[] {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);
  }

  /** Everything except the one access line per request. */
  get events(): LogLine[] {
    return this.lines.filter((line) => line.res === undefined);
  }

  clear(): void {
    this.raw.length = 0;
  }
}
