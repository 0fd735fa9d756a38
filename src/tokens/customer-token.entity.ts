import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Customer } from '../customers/customer.entity';

@Entity({ name: 'customer_tokens' })
@Index('customer_tokens_customer_id_idx', ['customerId', 'createdAt'])
export class CustomerToken {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 32, primaryKeyConstraintName: 'customer_tokens_pkey' })
  id: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 32 })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'customer_tokens_customer_fk' })
  customer?: Customer;

  /** SHA-256 of the plaintext: a leaked database does not leak working credentials. */
  @Index('customer_tokens_token_hash_key', { unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Column({ name: 'prefix', type: 'varchar', length: 16 })
  prefix: string;

  @Column({ name: 'label', type: 'varchar', length: 200, nullable: true })
  label: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;
}
