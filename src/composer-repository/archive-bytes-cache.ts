/**
 * The bytes of small archives, least recently used evicted first, bounded by total size. An
 * archive never changes under its storage key (a new upload gets a new key), so an entry can
 * only become unused, never wrong.
 */
export class ArchiveBytesCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(
    /** Archives larger than this are always streamed. */
    readonly maxEntryBytes: number,
    private readonly maxTotalBytes: number,
  ) {}

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  get(key: string): Buffer | undefined {
    const bytes = this.entries.get(key);
    if (bytes) {
      this.entries.delete(key);
      this.entries.set(key, bytes);
    }
    return bytes;
  }

  set(key: string, bytes: Buffer): void {
    if (bytes.length > this.maxEntryBytes || bytes.length > this.maxTotalBytes) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= previous.length;
    }
    this.entries.set(key, bytes);
    this.bytes += bytes.length;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxTotalBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.length;
    }
  }
}
