import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Not } from 'typeorm';
import { ID_PATTERN, newId } from '../common/ids';
import { GitSync, RefReport, SyncTrigger } from './git-sync.entity';

const PENDING: GitSync['status'][] = ['queued', 'running'];

/**
 * The `git_syncs` table, which is also the sync queue: a partial unique index allows one queued
 * and one running sync per repository. Always on the pool, like GitSourceRepository.
 */
@Injectable()
export class GitSyncRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get rows() {
    return this.dataSource.getRepository(GitSync);
  }

  /** Fails with a unique violation when the repository already has a queued sync. */
  insertQueued(sourceId: string, trigger: SyncTrigger): Promise<GitSync> {
    return this.rows.save(
      this.rows.create({ id: newId('sync'), sourceId, status: 'queued', trigger, requestedAt: new Date(), refs: [] }),
    );
  }

  findQueued(sourceId: string): Promise<GitSync | null> {
    return this.rows.findOneBy({ sourceId, status: 'queued' });
  }

  async listQueuedSourceIds(): Promise<string[]> {
    const rows: { source_id: string }[] = await this.dataSource.query(
      `SELECT source_id FROM git_syncs WHERE status = 'queued'`,
    );
    return rows.map((row) => row.source_id);
  }

  findOfSource(sourceId: string, syncId: string): Promise<GitSync | null> {
    return ID_PATTERN.test(syncId) ? this.rows.findOneBy({ id: syncId, sourceId }) : Promise.resolve(null);
  }

  /** The last sync that ended, and the one queued or running (the oldest). */
  async latestOf(sourceId: string): Promise<{ last: GitSync | null; pending: GitSync | null }> {
    const last = await this.rows.findOne({
      where: { sourceId, status: Not(In(PENDING)) },
      order: { finishedAt: 'DESC' },
    });
    const pending = await this.rows.findOne({
      where: { sourceId, status: In(PENDING) },
      order: { requestedAt: 'ASC' },
    });
    return { last, pending };
  }

  /**
   * queued → running; null when nothing is queued, and a unique violation when this repository's
   * sync is already running (here or on another instance).
   */
  async claimQueued(sourceId: string): Promise<GitSync | null> {
    const rows: { id: string }[] = await this.dataSource.query(
      `UPDATE git_syncs SET status = 'running', started_at = now()
        WHERE id = (SELECT id FROM git_syncs WHERE source_id = $1 AND status = 'queued' LIMIT 1)
        RETURNING id`,
      [sourceId],
    );
    const claimed = Array.isArray(rows[0]) ? (rows[0] as { id: string }[]) : rows;
    if (claimed.length === 0) return null;
    return this.rows.findOneBy({ id: claimed[0].id });
  }

  async finish(id: string, error: string | null, refs: RefReport[]): Promise<void> {
    await this.rows.update({ id }, { status: error ? 'failed' : 'succeeded', finishedAt: new Date(), error, refs });
  }

  /** Fails syncs marked running for longer than `staleSeconds`: their process stopped. */
  async failInterrupted(staleSeconds: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE git_syncs SET status = 'failed', finished_at = now(), error = 'interrupted: the server stopped during the sync'
        WHERE status = 'running' AND started_at < now() - make_interval(secs => $1)`,
      [staleSeconds],
    );
  }
}
