import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import {
  ArchiveNotStoredError,
  FilesystemArchiveStorage,
  InvalidStorageKeyError,
  isValidStorageKey,
} from './archive-storage';

describe('FilesystemArchiveStorage', () => {
  let base: string;
  let root: string;
  let storage: FilesystemArchiveStorage;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'packyard-storage-'));
    root = join(base, 'archives');
    storage = new FilesystemArchiveStorage(root);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  /** A local file with these contents, as an upload is spooled before it is stored. */
  function localFile(contents: string): string {
    const path = join(base, `upload-${Math.random().toString(36).slice(2)}`);
    writeFileSync(path, contents);
    return path;
  }

  it('stores, streams and deletes an archive, leaving no temporary file', async () => {
    await storage.put('acme/widget/ver_1.zip', localFile('zip bytes'));
    expect(readdirSync(join(root, 'acme', 'widget'))).toEqual(['ver_1.zip']);
    expect(await text(await storage.open('acme/widget/ver_1.zip'))).toBe('zip bytes');
    await storage.delete('acme/widget/ver_1.zip');
    await expect(storage.open('acme/widget/ver_1.zip')).rejects.toBeInstanceOf(ArchiveNotStoredError);
  });

  it('prunes the folders a delete empties, but not the root or folders still in use', async () => {
    await storage.put('acme/widget/ver_1.zip', localFile('1'));
    await storage.put('acme/gadget/ver_2.zip', localFile('2'));
    await storage.delete('acme/widget/ver_1.zip');
    expect(existsSync(join(root, 'acme', 'widget'))).toBe(false);
    expect(existsSync(join(root, 'acme', 'gadget', 'ver_2.zip'))).toBe(true);
    await storage.delete('acme/gadget/ver_2.zip');
    expect(readdirSync(root)).toEqual([]);
  });

  it('lists what it holds, with the time each archive was written', async () => {
    expect(await keys()).toEqual([]);
    const before = Date.now() - 1000;
    await storage.put('acme/widget/ver_1.zip', localFile('1'));
    await storage.put('acme/gadget/ver_2.zip', localFile('2'));
    const listed = [];
    for await (const archive of storage.list()) listed.push(archive);
    expect(listed.map((archive) => archive.key).sort()).toEqual(['acme/gadget/ver_2.zip', 'acme/widget/ver_1.zip']);
    for (const archive of listed) expect(archive.modifiedAt.getTime()).toBeGreaterThan(before);
  });

  async function keys(): Promise<string[]> {
    const found: string[] = [];
    for await (const archive of storage.list()) found.push(archive.key);
    return found;
  }

  it('treats deleting a missing archive as done', async () => {
    await expect(storage.delete('acme/widget/none.zip')).resolves.toBeUndefined();
  });

  it.each([
    ['../outside.zip'],
    ['acme/../../outside.zip'],
    ['/etc/passwd'],
    ['acme//x.zip'],
    ['.'],
    ['acme/.hidden'],
    ['a\\..\\b'],
    [''],
    ['x'.repeat(301)],
  ])('never lets the key %p reach outside its root', async (key) => {
    writeFileSync(join(base, 'outside.zip'), 'secret');
    expect(isValidStorageKey(key)).toBe(false);
    await expect(storage.put(key, localFile('x'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(storage.open(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(storage.delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    expect(existsSync(join(base, 'outside.zip'))).toBe(true);
  });
});
