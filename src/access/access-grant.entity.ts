import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Customer } from '../customers/customer.entity';

@Entity({ name: 'access_grants' })
@Index('access_grants_package_name_idx', ['packageName'])
export class AccessGrant {
  @PrimaryColumn({ name: 'customer_id', type: 'varchar', length: 32, primaryKeyConstraintName: 'access_grants_pkey' })
  customerId: string;

  @PrimaryColumn({ name: 'package_name', type: 'varchar', length: 200, primaryKeyConstraintName: 'access_grants_pkey' })
  packageName: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'access_grants_customer_fk' })
  customer?: Customer;

  @Column({ name: 'constraint', type: 'varchar', length: 500 })
  constraint: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
