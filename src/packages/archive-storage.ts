import { randomBytes } from 'node:crypto';
import { constants, Dirent } from 'node:fs';
import { access, copyFile, mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { NotFoundError } from '../common/domain-error';

/** Injection token for the configured ArchiveStorage. */
export const ARCHIVE_STORAGE = Symbol('ARCHIVE_STORAGE');

/**
 * Where package archives live. Keys are relative, slash-separated names such as
 * `vendor/package/ver_abc.zip`; an implementation never lets one reach outside its own space.
 */
export interface ArchiveStorage {
  /** Stores a copy of the local file `path` under `key`; readers never see a partly written archive. */
  put(key: string, path: string): Promise<void>;
  /** A stream of the archive. Rejects with ArchiveNotStoredError when there is none. */
  open(key: string): Promise<Readable>;
  /** Removes the archive; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Rejects when archives can be neither stored nor read (readiness check). */
  healthCheck?(): Promise<void>;
  /** Every stored archive with its last change, for the sweep of archives no version references. */
  list(): AsyncIterable<StoredArchive>;
  /**
   * Where a client may fetch the archive itself for a short while (object storage). Storages
   * without it stream the archive through Packyard.
   */
  downloadUrl?(key: string, fileName: string): Promise<string>;
}

export interface StoredArchive {
  key: string;
  modifiedAt: Date;
}

export class ArchiveNotStoredError extends NotFoundError {
  constructor(key: string) {
    super('archive_not_stored', `No stored archive "${key}"`);
  }
}

export class InvalidStorageKeyError extends Error {
  constructor(key: string) {
    super(`Invalid archive storage key ${JSON.stringify(key)}`);
  }
}

const KEY_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
export const MAX_STORAGE_KEY_LENGTH = 300;

/** Only plain segments (no `.`, `..`, empty or hidden ones, no backslashes) can ever form a key. */
export function isValidStorageKey(key: string): boolean {
  return (
    key.length > 0 &&
    key.length <= MAX_STORAGE_KEY_LENGTH &&
    key.split('/').every((segment) => KEY_SEGMENT.test(segment))
  );
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

export class FilesystemArchiveStorage implements ArchiveStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, path: string): Promise<void> {
    const target = this.pathOf(key);
    // A concurrent delete may prune the (then empty) folder between mkdir and the write; try again.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await mkdir(dirname(target), { recursive: true });
        await this.copyAtomically(path, target);
        return;
      } catch (error) {
        if (!isMissing(error) || attempt === 3) throw error;
      }
    }
  }

  async open(key: string): Promise<Readable> {
    try {
      const handle = await open(this.pathOf(key), 'r');
      return handle.createReadStream();
    } catch (error) {
      if (isMissing(error)) throw new ArchiveNotStoredError(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const target = this.pathOf(key);
    await rm(target, { force: true });
    await this.pruneEmptyFolders(dirname(target));
  }

  async healthCheck(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.R_OK | constants.W_OK);
  }

  private pathOf(key: string): string {
    if (!isValidStorageKey(key)) throw new InvalidStorageKeyError(key);
    const path = resolve(this.root, ...key.split('/'));
    const inside = relative(this.root, path);
    if (inside === '' || inside.startsWith('..') || inside.startsWith(sep)) throw new InvalidStorageKeyError(key);
    return path;
  }

  async *list(): AsyncIterable<StoredArchive> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const key = relative(this.root, path).split(sep).join('/');
      // `.partial` leftovers of a copy the process did not live to finish are listed too: no version references them.
      try {
        yield { key, modifiedAt: (await stat(path)).mtime };
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
  }

  private async copyAtomically(source: string, target: string): Promise<void> {
    const temporary = `${target}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await copyFile(source, temporary, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  private async pruneEmptyFolders(folder: string): Promise<void> {
    let current = folder;
    while (current !== this.root && current.startsWith(this.root + sep)) {
      try {
        await rmdir(current);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Not empty (or already gone): the folders above are in use too.
        if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return;
        throw error;
      }
      current = dirname(current);
    }
  }
}

/** The provider PackagesModule registers; `root` is `$DATA_DIR/archives`. */
export function archivesRoot(dataDir: string): string {
  return join(dataDir, 'archives');
}
