import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, DeepPartial } from 'typeorm';
import { ID_PATTERN } from '../common/ids';
import { GitSource } from './git-source.entity';

/**
 * The `git_sources` table. Git sources decide no customer's access, so their writes never join a
 * unit of work: they always run on the pool (a sync queued during a request runs after it).
 */
@Injectable()
export class GitSourceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get rows() {
    return this.dataSource.getRepository(GitSource);
  }

  /** Null for an unknown id or one no source can have. */
  findById(id: string): Promise<GitSource | null> {
    return ID_PATTERN.test(id) ? this.rows.findOneBy({ id }) : Promise.resolve(null);
  }

  findByPackageName(packageName: string): Promise<GitSource | null> {
    return this.rows.findOneBy({ packageName });
  }

  exists(id: string): Promise<boolean> {
    return this.rows.existsBy({ id });
  }

  /** Oldest first. */
  page(limit: number, offset: number): Promise<[GitSource[], number]> {
    return this.rows.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take: limit, skip: offset });
  }

  async listIds(): Promise<string[]> {
    return (await this.rows.find({ select: { id: true } })).map((source) => source.id);
  }

  /** Returns the row as stored; a unique violation means the package name is taken. */
  insert(source: DeepPartial<GitSource>): Promise<GitSource> {
    return this.rows.save(this.rows.create(source));
  }

  async update(
    id: string,
    fields: Partial<Pick<GitSource, 'credentialsKind' | 'credentialsSealed' | 'webhookSecretSealed' | 'defaultBranch'>>,
  ): Promise<void> {
    await this.rows.update({ id }, fields);
  }

  async delete(id: string): Promise<void> {
    await this.rows.delete({ id });
  }
}
