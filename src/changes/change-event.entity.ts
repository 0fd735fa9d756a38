import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One committed change, written by the change door in the same transaction as the change itself:
 * the outbox that the event relay publishes (NATS, outbound webhooks). A row exists if and only if
 * its change committed. `sequence` orders the changes of one customer (their row lock serializes
 * them); `id` is the stable identity consumers deduplicate on.
 */
@Entity({ name: 'change_events' })
@Index('change_events_id_key', ['id'], { unique: true })
@Index('change_events_customer_idx', ['customerId', 'sequence'])
@Index('change_events_unpublished_idx', ['sequence'], { where: `"published_at" IS NULL` })
export class ChangeEvent {
  @PrimaryGeneratedColumn('identity', {
    name: 'sequence',
    type: 'bigint',
    primaryKeyConstraintName: 'change_events_pkey',
  })
  sequence: string;

  @Column({ name: 'id', type: 'varchar', length: 32 })
  id: string;

  @Column({ name: 'type', type: 'varchar', length: 64 })
  type: string;

  @Column({ name: 'actor', type: 'varchar', length: 80 })
  actor: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'customer_id', type: 'varchar', length: 32, nullable: true })
  customerId: string | null;

  @Column({ name: 'package_name', type: 'varchar', length: 200, nullable: true })
  packageName: string | null;

  @Column({ name: 'data', type: 'jsonb' })
  data: Record<string, unknown>;

  /** Set by the relay once every configured sink (NATS) has the event. */
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;
}
