import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Customer } from '../customers/customer.entity';

/** While a customer is frozen, these (package, version) pairs are all they may install. */
@Entity({ name: 'frozen_versions' })
export class FrozenVersion {
  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 32, primaryKeyConstraintName: 'frozen_versions_pkey' })
  customerId: string;

  @PrimaryColumn({
    name: 'package_name',
    type: 'varchar',
    length: 200,
    primaryKeyConstraintName: 'frozen_versions_pkey',
  })
  packageName: string;

  @PrimaryColumn({
    name: 'version_normalized',
    type: 'varchar',
    length: 100,
    primaryKeyConstraintName: 'frozen_versions_pkey',
  })
  versionNormalized: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'frozen_versions_customer_fk' })
  customer?: Customer;

  @Column({ name: 'version', type: 'varchar', length: 100 })
  version: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
