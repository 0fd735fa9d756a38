import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An outbound webhook: where to POST which events, and the secret they are signed with. */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpoint {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 32, primaryKeyConstraintName: 'webhook_endpoints_pkey' })
  id: string;

  @Column({ name: 'url', type: 'varchar', length: 2000 })
  url: string;

  /** Event types, or `*` for all. */
  @Column({ name: 'events', type: 'text', array: true })
  events: string[];

  /** Kept readable: every delivery is signed with it. */
  @Column({ name: 'secret', type: 'varchar', length: 200 })
  secret: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
