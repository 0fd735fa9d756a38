import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { ArchiveNotStoredError, FilesystemArchiveStorage, InvalidStorageKeyError, isValidStorageKey } from './archive-storage';

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

  it('stores, streams and deletes an archive, leaving no temporary file', async () => {
    await storage.put('acme/widget/ver_1.zip', Buffer.from('zip bytes'));
    expect(readdirSync(join(root, 'acme', 'widget'))).toEqual(['ver_1.zip']);
    expect(await text(await storage.open('acme/widget/ver_1.zip'))).toBe('zip bytes');
    await storage.delete('acme/widget/ver_1.zip');
    await expect(storage.open('acme/widget/ver_1.zip')).rejects.toBeInstanceOf(ArchiveNotStoredError);
  });

  it('prunes the folders a delete empties, but not the root or folders still in use', async () => {
    await storage.put('acme/widget/ver_1.zip', Buffer.from('1'));
    await storage.put('acme/gadget/ver_2.zip', Buffer.from('2'));
    await storage.delete('acme/widget/ver_1.zip');
    expect(existsSync(join(root, 'acme', 'widget'))).toBe(false);
    expect(existsSync(join(root, 'acme', 'gadget', 'ver_2.zip'))).toBe(true);
    await storage.delete('acme/gadget/ver_2.zip');
    expect(readdirSync(root)).toEqual([]);
  });

  it('treats deleting a missing archive as done', async () => {
    await expect(storage.delete('acme/widget/none.zip')).resolves.toBeUndefined();
  });

  it.each([['../outside.zip'], ['acme/../../outside.zip'], ['/etc/passwd'], ['acme//x.zip'], ['.'], ['acme/.hidden'], ['a\\..\\b'], [''], ['x'.repeat(301)]])(
    'never lets the key %p reach outside its root',
    async (key) => {
      writeFileSync(join(base, 'outside.zip'), 'secret');
      expect(isValidStorageKey(key)).toBe(false);
      await expect(storage.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.open(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      expect(existsSync(join(base, 'outside.zip'))).toBe(true);
    },
  );
});
