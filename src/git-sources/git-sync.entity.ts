import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { GitSource } from './git-source.entity';

export const SYNC_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export const SYNC_TRIGGERS = ['created', 'manual', 'webhook', 'schedule'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

export const REF_OUTCOMES = ['published', 'updated', 'unchanged', 'removed', 'skipped', 'failed'] as const;
export type RefOutcome = (typeof REF_OUTCOMES)[number];

export interface RefReport {
  /** Full ref name (refs/tags/v1.0.0), or the version for a removed one whose ref is gone. */
  ref: string;
  version: string | null;
  outcome: RefOutcome;
  message: string | null;
}

/**
 * One sync of a repository. At most one is queued and one running per repository (partial unique
 * indexes), which is what coalesces bursts of pushes and keeps two instances from syncing at once.
 */
@Entity({ name: 'git_syncs' })
@Check('git_syncs_status_check', `"status" IN ('queued', 'running', 'succeeded', 'failed')`)
@Check('git_syncs_trigger_check', `"trigger" IN ('created', 'manual', 'webhook', 'schedule')`)
@Index('git_syncs_one_queued_key', ['sourceId'], { unique: true, where: `"status" = 'queued'` })
@Index('git_syncs_one_running_key', ['sourceId'], { unique: true, where: `"status" = 'running'` })
@Index('git_syncs_source_id_idx', ['sourceId', 'requestedAt'])
export class GitSync {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 32, primaryKeyConstraintName: 'git_syncs_pkey' })
  id: string;

  @Column({ name: 'source_id', type: 'varchar', length: 32 })
  sourceId: string;

  @ManyToOne(() => GitSource, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'source_id', foreignKeyConstraintName: 'git_syncs_source_fk' })
  source?: GitSource;

  @Column({ name: 'status', type: 'varchar', length: 16 })
  status: SyncStatus;

  @Column({ name: 'trigger', type: 'varchar', length: 16 })
  trigger: SyncTrigger;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  /** Why the whole sync failed (fetch, size, credentials); null when it ran through. */
  @Column({ name: 'error', type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'refs', type: 'jsonb', default: () => "'[]'" })
  refs: RefReport[];
}
