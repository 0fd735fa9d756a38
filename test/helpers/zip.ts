import { crc32, deflateRawSync } from 'node:zlib';
import { ZipFile } from 'yazl';

/** Builds a well-formed zip with yazl; string contents are UTF-8. Directories end with "/". */
export function buildZip(files: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(files)) {
    if (name.endsWith('/')) zip.addEmptyDirectory(name);
    else zip.addBuffer(typeof content === 'string' ? Buffer.from(content) : content, name);
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

export interface PackageZipOptions {
  /** Put everything inside this top-level folder, as GitHub's zipballs do. */
  folder?: string;
  files?: Record<string, string | Buffer>;
}

/** A package zip: composer.json (object, or raw text) plus a source file. */
export function packageZip(composerJson: object | string, options: PackageZipOptions = {}): Promise<Buffer> {
  const prefix = options.folder ? `${options.folder}/` : '';
  const text = typeof composerJson === 'string' ? composerJson : JSON.stringify(composerJson, null, 2);
  const files: Record<string, string | Buffer> = {
    [`${prefix}composer.json`]: text,
    [`${prefix}src/Widget.php`]: '<?php\nnamespace Acme;\nfinal class Widget {}\n',
    ...Object.fromEntries(Object.entries(options.files ?? {}).map(([name, content]) => [`${prefix}${name}`, content])),
  };
  return buildZip(files);
}

export interface RawEntry {
  /** Written byte for byte, so it may be anything yazl would refuse (`../evil.php`, `/etc/x`). */
  name: string | Buffer;
  data?: Buffer | string;
  method?: 'store' | 'deflate';
  /** Lie about the uncompressed size in both headers. */
  declaredSize?: number;
  /** Name written in the local header when it should differ from the central directory's. */
  localName?: string;
  /** Unix mode in the central directory (default a regular file, 0o100644; 0o120777 is a symlink). */
  mode?: number;
  /** A CRC-32 to state instead of the data's own (a damaged archive). */
  crc?: number;
}

/**
 * Writes local headers, central directory and end record by hand (no zip64), so tests can build
 * archives no zip library would: unsafe names, lying sizes, huge entry counts.
 */
export function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.isBuffer(entry.name) ? entry.name : Buffer.from(entry.name);
    const localName = entry.localName !== undefined ? Buffer.from(entry.localName) : name;
    const data =
      entry.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data);
    const deflate = entry.method === 'deflate';
    const stored = deflate ? deflateRawSync(data) : data;
    const crc = entry.crc ?? crc32(data);
    const size = entry.declaredSize ?? data.length;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, localName, stored);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + localName.length + stored.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
}

export const validComposerJson = (overrides: object = {}) =>
  JSON.stringify({ name: 'acme/widget', type: 'library', autoload: { 'psr-4': { 'Acme\\': 'src/' } }, ...overrides });

/** A package zip that also holds one file at an unsafe path. */
export function zipWithEntry(name: string | Buffer, options: { localName?: string } = {}): Buffer {
  return rawZip([
    { name: 'composer.json', data: validComposerJson() },
    { name, data: '<?php echo "pwned";', localName: options.localName },
  ]);
}

/** An honest bomb: `bytes` of zeros deflate to about a thousandth of that. */
export function zerosBomb(bytes: number): Buffer {
  return rawZip([
    { name: 'composer.json', data: validComposerJson() },
    { name: 'zeros.bin', data: Buffer.alloc(bytes), method: 'deflate' },
  ]);
}

/** A small zip whose central directory declares `declaredSize` uncompressed bytes for one entry. */
export function declaredSizeBomb(declaredSize: number): Buffer {
  return rawZip([
    { name: 'composer.json', data: validComposerJson() },
    { name: 'huge.bin', data: 'tiny', method: 'deflate', declaredSize },
  ]);
}

/** A package zip with `count` entries in total. */
export function manyEntries(count: number): Buffer {
  const entries: RawEntry[] = [{ name: 'composer.json', data: validComposerJson() }];
  for (let i = 1; i < count; i += 1) entries.push({ name: `f/${i}` });
  return rawZip(entries);
}

/** composer.json claims a few bytes but inflates to `actual` bytes of JSON whitespace. */
export function lyingComposerJson(actual: number): Buffer {
  const json = Buffer.from(validComposerJson() + ' '.repeat(actual));
  return rawZip([{ name: 'composer.json', data: json, method: 'deflate', declaredSize: 64 }]);
}

export const notAZip = (): Buffer => Buffer.from('%PDF-1.4 this is not a zip archive at all\n'.repeat(20));
