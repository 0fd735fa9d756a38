import { SchedulerRegistry } from '@nestjs/schedule';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { uploadsDir } from '../common/upload-spool';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { ARCHIVE_STORAGE, ArchiveStorage } from './archive-storage';
import { PackagesService } from './packages.service';

/** Older than this, an archive no version references is an orphan, not an upload about to commit. */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;
const KEYS_PER_QUERY = 1000;

export interface SweepResult {
  orphanArchives: number;
  temporaryFiles: number;
}

/**
 * A publish stores the archive before its version row commits and removes it again when the
 * commit fails; only a process that dies in between leaves an archive no row references, or a
 * spooled upload in `$DATA_DIR/uploads`. This removes both once they are older than the grace
 * period, at start and every ARCHIVE_SWEEP_MINUTES.
 */
@Injectable()
export class ArchiveSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ArchiveSweeper.name);
  private running?: Promise<SweepResult>;

  constructor(
    @Inject(ARCHIVE_STORAGE) private readonly storage: ArchiveStorage,
    private readonly packages: PackagesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.archiveSweepMinutes === 0) return;
    const run = () =>
      void this.sweep().catch((error: Error) => this.logger.error(`Archive sweep failed: ${error.message}`));
    const timer = setInterval(run, this.config.archiveSweepMinutes * 60_000);
    timer.unref();
    this.scheduler.addInterval('packages.archiveSweep', timer);
    setImmediate(run);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** Removes orphans last changed before `olderThan` (default: the grace period ago). */
  sweep(olderThan = new Date(Date.now() - ORPHAN_GRACE_MS)): Promise<SweepResult> {
    this.running ??= this.sweepAll(olderThan).finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepAll(olderThan: Date): Promise<SweepResult> {
    const result = {
      orphanArchives: await this.sweepStorage(olderThan),
      temporaryFiles: await this.sweepUploads(olderThan),
    };
    if (result.orphanArchives + result.temporaryFiles > 0) {
      this.logger.log(
        `Removed ${result.orphanArchives} archive(s) no version references and ${result.temporaryFiles} abandoned upload file(s)`,
      );
    }
    return result;
  }

  private async sweepStorage(olderThan: Date): Promise<number> {
    let removed = 0;
    let candidates: string[] = [];
    const removeUnreferenced = async () => {
      const referenced = await this.packages.referencedStorageKeys(candidates);
      for (const key of candidates) {
        if (referenced.has(key)) continue;
        await this.storage.delete(key);
        removed += 1;
      }
      candidates = [];
    };
    for await (const archive of this.storage.list()) {
      if (archive.modifiedAt >= olderThan) continue;
      candidates.push(archive.key);
      if (candidates.length === KEYS_PER_QUERY) await removeUnreferenced();
    }
    if (candidates.length > 0) await removeUnreferenced();
    return removed;
  }

  private async sweepUploads(olderThan: Date): Promise<number> {
    const folder = uploadsDir(this.config.dataDir);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let removed = 0;
    for (const name of names) {
      const path = join(folder, name);
      try {
        if ((await stat(path)).mtime >= olderThan) continue;
        await rm(path, { force: true });
        removed += 1;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return removed;
  }
}
