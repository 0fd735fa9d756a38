import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Customer } from '../customers/customer.entity';

/** One dist archive served. Rows outlive their customer (customer_id becomes NULL) so package counts stay true. */
@Entity({ name: 'downloads' })
@Index('downloads_customer_id_idx', ['customerId', 'downloadedAt'])
@Index('downloads_package_name_idx', ['packageName', 'downloadedAt'])
export class Download {
  @PrimaryGeneratedColumn('identity', { name: 'id', type: 'bigint', primaryKeyConstraintName: 'downloads_pkey' })
  id: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 32, nullable: true })
  customerId: string | null;

  @ManyToOne(() => Customer, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'downloads_customer_fk' })
  customer?: Customer;

  @Column({ name: 'token_id', type: 'varchar', length: 32, nullable: true })
  tokenId: string | null;

  @Column({ name: 'package_name', type: 'varchar', length: 200 })
  packageName: string;

  @Column({ name: 'version', type: 'varchar', length: 100 })
  version: string;

  @Column({ name: 'version_normalized', type: 'varchar', length: 100 })
  versionNormalized: string;

  @Column({ name: 'downloaded_at', type: 'timestamptz', default: () => 'now()' })
  downloadedAt: Date;
}
