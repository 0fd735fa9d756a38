import { ArchiveBytesCache } from './archive-bytes-cache';

const bytes = (n: number) => Buffer.alloc(n, 1);

describe('ArchiveBytesCache', () => {
  it('returns what it holds and nothing else', () => {
    const cache = new ArchiveBytesCache(10, 100);
    cache.set('a', bytes(5));
    expect(cache.get('a')).toEqual(bytes(5));
    expect(cache.get('b')).toBeUndefined();
  });

  it('never holds an archive over the entry limit', () => {
    const cache = new ArchiveBytesCache(10, 100);
    cache.set('big', bytes(11));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });

  it('evicts the least recently used archives to stay within its total', () => {
    const cache = new ArchiveBytesCache(10, 25);
    cache.set('a', bytes(10));
    cache.set('b', bytes(10));
    cache.get('a');
    cache.set('c', bytes(10));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map((entry) => entry?.length)).toEqual([10, undefined, 10]);
    expect(cache.size).toEqual({ entries: 2, bytes: 20 });
  });

  it('counts a replaced entry once', () => {
    const cache = new ArchiveBytesCache(10, 25);
    cache.set('a', bytes(10));
    cache.set('a', bytes(4));
    expect(cache.size).toEqual({ entries: 1, bytes: 4 });
  });
});
