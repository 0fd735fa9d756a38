import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import * as yauzl from 'yauzl';
import { UnprocessableError } from '../common/domain-error';
import { excerpt, stringProblem } from '../common/input-guard';
import { isValidPackageName, PACKAGE_NAME_RULE } from './package-name';

export class ArchiveNotZipError extends UnprocessableError {
  constructor(reason: string) {
    super('archive_not_zip', `The archive is not a readable zip file: ${reason}`);
  }
}

export class ArchiveCorruptError extends UnprocessableError {
  constructor(reason: string) {
    super('archive_corrupt', `The zip archive is damaged: ${reason}`);
  }
}

export class UnsafeArchivePathError extends UnprocessableError {
  constructor(entry: string, reason: string) {
    super(
      'archive_unsafe_path',
      `The zip entry "${entry}" ${reason}; archives may only hold relative paths inside the package`,
      {
        entry,
      },
    );
  }
}

export class ZipBombError extends UnprocessableError {
  constructor(message: string, details: Record<string, unknown>) {
    super('archive_zip_bomb', message, details);
  }
}

export class ComposerJsonMissingError extends UnprocessableError {
  constructor(reason: string) {
    super('composer_json_missing', `No composer.json in the archive: ${reason}`);
  }
}

export class ComposerJsonInvalidError extends UnprocessableError {
  constructor(path: string, reason: string) {
    super('composer_json_invalid', `${path} is invalid: ${reason}`, { path });
  }
}

export class PackageNameMissingError extends UnprocessableError {
  constructor(path: string) {
    super('package_name_missing', `${path} has no "name"; a published package needs one`, { path });
  }
}

export class PackageNameInvalidError extends UnprocessableError {
  constructor(path: string, name: unknown) {
    super(
      'package_name_invalid',
      `${path} has the invalid name ${excerpt(JSON.stringify(name) ?? String(name))}: ${PACKAGE_NAME_RULE}`,
      { path, name: typeof name === 'string' ? excerpt(name) : null },
    );
  }
}

export interface ArchiveLimits {
  /** Sum of the uncompressed sizes, as declared by the central directory and as actually inflated. */
  maxUncompressedBytes: number;
  /** Inflated bytes per byte of archive, over the whole archive (with INFLATION_ALLOWANCE_BYTES as a floor). */
  maxInflationRatio: number;
  maxEntries: number;
  maxComposerJsonBytes: number;
}

export const MAX_ARCHIVE_ENTRIES = 50_000;
export const MAX_EXPANSION_FACTOR = 20;
/** Source code deflates 3 to 10 times; a hundredfold is already a file of one repeated byte. */
export const MAX_INFLATION_RATIO = 100;
/** Small archives may always inflate this far, whatever their ratio. */
export const INFLATION_ALLOWANCE_BYTES = 10 * 1024 * 1024;
export const MAX_COMPOSER_JSON_BYTES = 1024 * 1024;
/** Deeper than any real composer.json, shallow enough for PostgreSQL's jsonb and our own walk. */
const MAX_JSON_DEPTH = 64;

export function archiveLimitsFor(maxArchiveBytes: number): ArchiveLimits {
  return {
    maxUncompressedBytes: maxArchiveBytes * MAX_EXPANSION_FACTOR,
    maxInflationRatio: MAX_INFLATION_RATIO,
    maxEntries: MAX_ARCHIVE_ENTRIES,
    maxComposerJsonBytes: MAX_COMPOSER_JSON_BYTES,
  };
}

export type ComposerJson = Record<string, unknown>;

export interface ArchiveInspection {
  composerJson: ComposerJson;
  name: string;
  /** The package's README as text (Markdown or plain), for the customer portal; null when absent or too large. */
  readme: string | null;
  stats: {
    /** Where composer.json was found: `composer.json` or `<top-level folder>/composer.json`. */
    composerJsonPath: string;
    entryCount: number;
    uncompressedBytes: number;
  };
}

/**
 * Reads a package zip the way Composer will (composer.json at the root, or in the single top-level
 * folder, like Composer's Util/Zip) and refuses anything a registry should not serve: non-zips,
 * unsafe entry paths, archives that expand absurdly, and a missing or invalid composer.json.
 * Nothing is extracted, but every entry is inflated once (and thrown away) to check its CRC-32,
 * as Composer's unzip will, and to count the real inflated size against the limits.
 */
/** `archive`: the zip's bytes, or the path of a file holding them (read piecewise, never loaded whole). */
export async function inspectArchive(archive: Buffer | string, limits: ArchiveLimits): Promise<ArchiveInspection> {
  const zip = await openZip(archive);
  try {
    if (zip.entryCount > limits.maxEntries) throw tooManyEntries(zip.entryCount, limits);
    const entries = await readCentralDirectory(zip, limits);
    for (const entry of entries) await assertSafeLocalName(zip, entry);
    const path = locateComposerJson(entries.map((entry) => entry.name));
    const matches = entries.filter((entry) => entry.name === path);
    if (matches.length > 1)
      throw new ComposerJsonInvalidError(path, 'the archive holds more than one entry with this name');
    const composerJson = parseComposerJson(
      path,
      await readEntry(zip, matches[0].entry, limits.maxComposerJsonBytes, path),
    );
    const name = packageNameOf(path, composerJson);
    const archiveBytes = typeof archive === 'string' ? (await stat(archive)).size : archive.length;
    await verifyEntries(zip, entries, inflationBudget(archiveBytes, limits));
    return {
      composerJson,
      name,
      readme: await readReadme(zip, entries, path),
      stats: {
        composerJsonPath: path,
        entryCount: entries.length,
        uncompressedBytes: entries.reduce((sum, entry) => sum + entry.entry.uncompressedSize, 0),
      },
    };
  } finally {
    zip.close();
  }
}

interface NamedEntry {
  name: string;
  entry: yauzl.Entry;
}

async function openZip(archive: Buffer | string): Promise<yauzl.ZipFile> {
  try {
    // decodeStrings: false so that entry names reach our own path checks instead of yauzl's untyped errors.
    const options = { decodeStrings: false, validateEntrySizes: true };
    // autoClose: false keeps the file open after the central directory is read, until inspectArchive closes it.
    return typeof archive === 'string'
      ? await yauzl.openPromise(archive, { ...options, autoClose: false })
      : await yauzl.fromBufferPromise(archive, options);
  } catch (error) {
    throw new ArchiveNotZipError((error as Error).message);
  }
}

async function readCentralDirectory(zip: yauzl.ZipFile, limits: ArchiveLimits): Promise<NamedEntry[]> {
  const entries: NamedEntry[] = [];
  let declaredBytes = 0;
  const iterator = zip.eachEntry();
  for (;;) {
    let next: IteratorResult<yauzl.Entry>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw new ArchiveCorruptError((error as Error).message);
    }
    if (next.done) break;
    const entry = next.value;
    const name = checkedName(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields);
    if (isSymlink(entry)) throw new UnsafeArchivePathError(name, 'is a symbolic link');
    declaredBytes += entry.uncompressedSize;
    if (declaredBytes > limits.maxUncompressedBytes) {
      throw new ZipBombError(
        `The archive expands to more than ${limits.maxUncompressedBytes} bytes (${MAX_EXPANSION_FACTOR} times MAX_ARCHIVE_MB)`,
        { max_uncompressed_bytes: limits.maxUncompressedBytes },
      );
    }
    entries.push({ name, entry });
    if (entries.length > limits.maxEntries) throw tooManyEntries(entries.length, limits);
  }
  return entries;
}

const UNIX_FILE_TYPE = 0o170000;
const UNIX_SYMLINK = 0o120000;

/**
 * A link entry becomes a real symlink when unpacked by unzip and other tools; pointing outside the
 * package, it would let a later entry or an autoloader reach any file on the customer's machine.
 */
function isSymlink(entry: yauzl.Entry): boolean {
  const madeByUnix = entry.versionMadeBy >> 8 === 3;
  return madeByUnix && ((entry.externalFileAttributes >>> 16) & UNIX_FILE_TYPE) === UNIX_SYMLINK;
}

function tooManyEntries(count: number, limits: ArchiveLimits): ZipBombError {
  return new ZipBombError(`The archive has ${count} entries; at most ${limits.maxEntries} are accepted`, {
    entries: count,
    max_entries: limits.maxEntries,
  });
}

/** Extractors may use the local header's name rather than the central directory's, so both must be safe. */
async function assertSafeLocalName(zip: yauzl.ZipFile, named: NamedEntry): Promise<void> {
  let header: yauzl.LocalFileHeader;
  try {
    header = await zip.readLocalFileHeaderPromise(named.entry);
  } catch (error) {
    throw new ArchiveCorruptError(`entry "${named.name}": ${(error as Error).message}`);
  }
  checkedName(header.generalPurposeBitFlag, header.fileName, yauzl.parseExtraFields(header.extraField));
}

/**
 * The entry name as an extractor would use it, after refusing absolute paths and `..` segments in
 * every reading of it: the raw bytes and the Info-ZIP Unicode Path extra field unzip prefers.
 */
function checkedName(flags: number, raw: Buffer, extraFields: yauzl.ExtraField[]): string {
  const decoded = yauzl.getFileNameLowLevel(flags, raw, extraFields, false);
  for (const candidate of [decoded, raw.toString('latin1')]) {
    const problem = pathProblem(candidate);
    if (problem) throw new UnsafeArchivePathError(candidate, problem);
  }
  return decoded.replace(/\\/g, '/');
}

/** Exported for unit tests: why an entry name is unsafe, or undefined. Backslashes count as separators. */
export function pathProblem(name: string): string | undefined {
  if (name === '') return 'has an empty name';
  if (name.includes('\0')) return 'contains a NUL byte';
  const path = name.replace(/\\/g, '/');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return 'is an absolute path';
  if (path.split('/').includes('..')) return 'climbs out of the archive with ".."';
  return undefined;
}

/**
 * Composer's Util/Zip::locateFile: the root composer.json, else the one in the single top-level
 * folder (`__MACOSX` resource forks ignored). Exported for unit tests.
 */
export function locateComposerJson(names: string[]): string {
  if (names.includes('composer.json')) return 'composer.json';
  const topLevel = new Set<string>();
  for (const name of names) {
    if (name.includes('__MACOSX')) continue;
    const slash = name.indexOf('/');
    topLevel.add(slash === -1 || slash === name.length - 1 ? name : `${name.slice(0, slash)}/`);
  }
  if (topLevel.size > 1) {
    const shown = [...topLevel].slice(0, 5).join(', ');
    throw new ComposerJsonMissingError(
      `it is neither at the root nor in a single top-level folder (top-level entries: ${shown}${topLevel.size > 5 ? ', …' : ''})`,
    );
  }
  const [folder] = [...topLevel];
  if (folder?.endsWith('/') && names.includes(`${folder}composer.json`)) return `${folder}composer.json`;
  throw new ComposerJsonMissingError('expected composer.json at the root or inside the single top-level folder');
}

export const MAX_README_BYTES = 512 * 1024;
const README_NAMES = [/^readme\.(md|markdown)$/i, /^readme$/i, /^readme\.txt$/i];

/**
 * Exported for unit tests: the README next to composer.json (GitHub's preference: Markdown first),
 * or undefined.
 */
export function locateReadme(names: string[], composerJsonPath: string): string | undefined {
  const folder = composerJsonPath.slice(0, composerJsonPath.length - 'composer.json'.length);
  const siblings = names.filter((name) => name.startsWith(folder) && !name.slice(folder.length).includes('/'));
  for (const pattern of README_NAMES) {
    const found = siblings.find((name) => pattern.test(name.slice(folder.length)));
    if (found) return found;
  }
  return undefined;
}

/** A README is a courtesy: one that is too large or unreadable is left out rather than refusing the release. */
async function readReadme(zip: yauzl.ZipFile, entries: NamedEntry[], composerJsonPath: string): Promise<string | null> {
  const path = locateReadme(
    entries.map((entry) => entry.name),
    composerJsonPath,
  );
  const entry = path === undefined ? undefined : entries.find((candidate) => candidate.name === path);
  if (!entry || entry.entry.uncompressedSize > MAX_README_BYTES) return null;
  try {
    const bytes = await readEntry(zip, entry.entry, MAX_README_BYTES, entry.name);
    // PostgreSQL text cannot hold NUL; invalid UTF-8 becomes U+FFFD rather than losing the text.
    return new TextDecoder('utf-8').decode(bytes).replace(/\0/g, '');
  } catch (error) {
    if (error instanceof ComposerJsonInvalidError || error instanceof ArchiveCorruptError) return null;
    throw error;
  }
}

/** How many bytes the archive may inflate to in total: by ratio to its own size, never above the absolute limit. */
export function inflationBudget(archiveBytes: number, limits: ArchiveLimits): number {
  return Math.min(
    limits.maxUncompressedBytes,
    Math.max(INFLATION_ALLOWANCE_BYTES, archiveBytes * limits.maxInflationRatio),
  );
}

/**
 * Inflates every entry, counting the bytes against `budget` (stopping as soon as it is spent)
 * and comparing each entry's CRC-32 with the one its headers state: an archive Composer could not
 * extract, or one that expands absurdly, is refused before it is stored.
 */
async function verifyEntries(zip: yauzl.ZipFile, entries: NamedEntry[], budget: number): Promise<void> {
  let inflated = 0;
  for (const { name, entry } of entries) {
    let stream: Readable;
    try {
      stream = await zip.openReadStreamPromise(entry);
    } catch (error) {
      throw new ArchiveCorruptError(`entry "${excerpt(name)}" cannot be read: ${(error as Error).message}`);
    }
    let crc = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        inflated += chunk.length;
        if (inflated > budget) {
          throw new ZipBombError(
            `The archive inflates to more than ${budget} bytes (at most ${MAX_INFLATION_RATIO} times its own size, ` +
              `${INFLATION_ALLOWANCE_BYTES} bytes for small archives, and ${MAX_EXPANSION_FACTOR} times MAX_ARCHIVE_MB)`,
            { max_inflated_bytes: budget },
          );
        }
        crc = crc32(chunk, crc);
      }
    } catch (error) {
      if (error instanceof ZipBombError) throw error;
      throw new ArchiveCorruptError(`entry "${excerpt(name)}" cannot be read: ${(error as Error).message}`);
    } finally {
      stream.destroy();
    }
    if (crc >>> 0 !== entry.crc32 >>> 0) {
      throw new ArchiveCorruptError(
        `entry "${excerpt(name)}" fails its CRC-32 check; unzip would refuse to extract it`,
      );
    }
  }
}

/** Reads at most `maxBytes + 1` bytes whatever the entry declares, so a lying size cannot inflate memory. */
async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number, path: string): Promise<Buffer> {
  const tooLarge = () => new ComposerJsonInvalidError(path, `it is larger than ${maxBytes} bytes`);
  if (entry.uncompressedSize > maxBytes) throw tooLarge();
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw new ArchiveCorruptError(`${path} cannot be read: ${(error as Error).message}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ComposerJsonInvalidError) throw error;
    throw new ArchiveCorruptError(`${path} cannot be read: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, size);
}

/** Exported for unit tests. Composer itself refuses a BOM and invalid UTF-8 in composer.json. */
export function parseComposerJson(path: string, bytes: Buffer): ComposerJson {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ComposerJsonInvalidError(path, 'it is not UTF-8 text');
  }
  if (text.startsWith('\uFEFF'))
    throw new ComposerJsonInvalidError(path, 'it starts with a byte-order mark, which Composer refuses');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ComposerJsonInvalidError(path, `invalid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ComposerJsonInvalidError(path, 'it must be a JSON object');
  }
  const problem = storageProblem(value, 0);
  if (problem) throw new ComposerJsonInvalidError(path, problem);
  return value as ComposerJson;
}

/**
 * PostgreSQL's jsonb refuses NUL characters, lone surrogates (`"\ud800"`) and very deep nesting;
 * say so instead of failing later.
 */
function storageProblem(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    return problem ? `a string in it ${problem}` : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_JSON_DEPTH) return `it is nested deeper than ${MAX_JSON_DEPTH} levels`;
  const children = Array.isArray(value) ? value : Object.entries(value).flat();
  for (const child of children) {
    const problem = storageProblem(child, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

function packageNameOf(path: string, composerJson: ComposerJson): string {
  const name = composerJson.name;
  if (name === undefined) throw new PackageNameMissingError(path);
  if (typeof name !== 'string' || !isValidPackageName(name)) throw new PackageNameInvalidError(path, name);
  return name;
}
