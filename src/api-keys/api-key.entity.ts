import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A named credential for another service, limited to its scopes. Only the secret's hash is kept. */
@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 32, primaryKeyConstraintName: 'api_keys_pkey' })
  id: string;

  /** Shown in history as `key:<name>`, so it is unique and shaped like an identifier. */
  @Index('api_keys_name_key', { unique: true })
  @Column({ name: 'name', type: 'varchar', length: 64 })
  name: string;

  @Column({ name: 'scopes', type: 'text', array: true })
  scopes: string[];

  @Index('api_keys_key_hash_key', { unique: true })
  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash: string;

  @Column({ name: 'prefix', type: 'varchar', length: 16 })
  prefix: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
