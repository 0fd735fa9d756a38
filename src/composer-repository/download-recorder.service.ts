import { SchedulerRegistry } from '@nestjs/schedule';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DownloadRecord, DownloadRepository } from './download.repository';

export interface DownloadRecorderLimits {
  flushIntervalMs: number;
  /** A buffer this deep is flushed at once instead of waiting for the timer. */
  flushAtRows: number;
  /** Rows per INSERT statement when a backlog is written. */
  rowsPerStatement: number;
  /**
   * While the database is down the buffer keeps growing; past this many rows the oldest are
   * dropped (and that is logged), so an outage cannot exhaust the memory of the instance.
   */
  maxBufferedRows: number;
  /** How long shutdown keeps retrying a database that does not answer. */
  shutdownRetryMs: number;
}

export const DEFAULT_DOWNLOAD_RECORDER_LIMITS: DownloadRecorderLimits = {
  flushIntervalMs: 1000,
  // One statement per full batch: at thousands of downloads a second, a write every 500 would be dozens a second.
  flushAtRows: 5000,
  rowsPerStatement: 5000,
  maxBufferedRows: 500_000,
  shutdownRetryMs: 10_000,
};

/**
 * Records served dist downloads without making the download wait for the database: each one is
 * buffered in memory and written with many others in one multi-row INSERT, every second or every
 * `flushAtRows` rows. A failed write keeps its rows for the next attempt (the database may be
 * briefly down); graceful shutdown writes what is left. Downloads of a customer deleted in the
 * meantime are kept with no customer (DownloadRepository.insertBatch).
 */
@Injectable()
export class DownloadRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DownloadRecorder.name);
  private buffer: DownloadRecord[] = [];
  /** The batch an INSERT is writing; back to the front of the buffer if it fails. */
  private writing: DownloadRecord[] = [];
  private flushing?: Promise<void>;
  private failingSince?: number;
  private droppedSinceLastLog = 0;
  limits: DownloadRecorderLimits = { ...DEFAULT_DOWNLOAD_RECORDER_LIMITS };

  constructor(
    private readonly downloads: DownloadRepository,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  /** Downloads served but not yet written to the database (for a metrics gauge). */
  get depth(): number {
    return this.buffer.length + this.writing.length;
  }

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.flush(), this.limits.flushIntervalMs);
    timer.unref();
    this.scheduler.addInterval('downloads.flush', timer);
  }

  /** Runs after the HTTP server stopped accepting and in-flight requests ended, before the pool closes. */
  async onApplicationShutdown(): Promise<void> {
    const deadline = Date.now() + this.limits.shutdownRetryMs;
    for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
      await this.flush();
      if (this.depth === 0) return;
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    this.logger.error(
      `Shutting down with ${this.depth} download(s) not recorded: the database did not accept them within ${this.limits.shutdownRetryMs} ms`,
    );
  }

  record(download: Omit<DownloadRecord, 'downloadedAt'>): void {
    this.buffer.push({ ...download, downloadedAt: this.clock.now() });
    if (this.depth > this.limits.maxBufferedRows) this.dropOldest();
    if (this.depth >= this.limits.flushAtRows && !this.flushing) void this.flush();
  }

  /**
   * Writes every buffered download (those recorded while a write runs included). Never rejects:
   * rows that could not be written stay buffered for the next attempt.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    this.flushing = this.writeBuffered().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /**
   * Writes the rows buffered when it starts. Downloads served meanwhile wait for the next flush:
   * chasing them would turn a busy minute into a stream of small INSERTs, one per write's duration.
   */
  private async writeBuffered(): Promise<void> {
    let due = this.buffer.length;
    while (due > 0 && this.buffer.length > 0) {
      this.writing = this.buffer.splice(0, Math.min(due, this.limits.rowsPerStatement));
      due -= this.writing.length;
      try {
        await this.downloads.insertBatch(this.writing);
      } catch (error) {
        this.buffer = this.writing.concat(this.buffer);
        this.writing = [];
        if (this.depth > this.limits.maxBufferedRows) this.dropOldest();
        this.noteFailure(error);
        return;
      }
      this.writing = [];
      this.noteSuccess();
    }
  }

  /** Rows an INSERT is writing are not dropped: that INSERT may still succeed. */
  private dropOldest(): void {
    const excess = Math.min(this.depth - this.limits.maxBufferedRows, this.buffer.length);
    if (excess <= 0) return;
    this.buffer.splice(0, excess);
    if (this.droppedSinceLastLog === 0) {
      this.logger.error(
        `Download buffer full (${this.limits.maxBufferedRows} rows) while the database is not accepting writes: the oldest downloads are no longer recorded`,
      );
    }
    this.droppedSinceLastLog += excess;
  }

  private noteFailure(error: unknown): void {
    if (this.failingSince !== undefined) return;
    this.failingSince = Date.now();
    this.logger.warn(
      `Recording downloads failed, keeping ${this.depth} in memory and retrying: ${(error as Error).message}`,
    );
  }

  private noteSuccess(): void {
    if (this.failingSince === undefined && this.droppedSinceLastLog === 0) return;
    const dropped = this.droppedSinceLastLog ? `; ${this.droppedSinceLastLog} download(s) were dropped` : '';
    this.logger.log(
      `Recording downloads again after ${((Date.now() - (this.failingSince ?? Date.now())) / 1000).toFixed(1)} s${dropped}`,
    );
    this.failingSince = undefined;
    this.droppedSinceLastLog = 0;
  }
}
