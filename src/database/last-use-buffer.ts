import { Logger } from '@nestjs/common';
import { DatabaseState } from './database-state.service';

type Query = (sql: string, parameters: unknown[]) => Promise<unknown>;

/**
 * `last_used_at` of credentials (customer tokens, API keys), written in batches so that
 * authenticating never waits on a write: one UPDATE for the whole batch per flush. During a
 * database outage the uses wait for the next flush; the outage itself is logged once elsewhere.
 */
export class LastUseBuffer {
  private readonly pending = new Map<string, Date>();
  private readonly logger: Logger;

  /** `table` is a constant of the calling module, never input. */
  constructor(
    private readonly table: string,
    private readonly database: DatabaseState,
    private readonly what: string,
  ) {
    this.logger = new Logger(`LastUse:${table}`);
  }

  record(id: string, usedAt: Date): void {
    this.pending.set(id, usedAt);
  }

  async flush(query: Query): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = new Map(this.pending);
    this.pending.clear();
    try {
      await query(
        `UPDATE "${this.table}" AS t SET "last_used_at" = v.used_at
           FROM unnest($1::varchar[], $2::timestamptz[]) AS v(id, used_at)
          WHERE t."id" = v.id`,
        [[...batch.keys()], [...batch.values()]],
      );
    } catch (error) {
      if (this.database.reportFailure(error)) {
        // A use recorded since then is newer: it wins.
        for (const [id, usedAt] of batch) if (!this.pending.has(id)) this.pending.set(id, usedAt);
        return;
      }
      this.logger.warn(`Could not record ${this.what} use: ${(error as Error).message}`);
    }
  }
}
