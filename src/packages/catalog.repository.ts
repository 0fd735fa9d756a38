import { Injectable } from '@nestjs/common';
import { EntityManager, EntityMetadata } from 'typeorm';
import { ChangeDoor } from '../changes/change-door.service';
import { PackageVersion } from './package-version.entity';

/** One package as the Composer views read it: when its contents last changed, and every version. */
export interface CatalogRows {
  name: string;
  contentsChangedAt: Date;
  versions: PackageVersion[];
}

/** The two JSON columns a catalog read returns: packages and their versions, as json_agg arrays. */
export interface RawCatalog {
  packages: Array<{ name: string; contentsChangedAt: string }>;
  versions: Record<string, unknown>[];
}

/**
 * The `packages` and `package_versions` tables read as the Composer catalog: many packages in one
 * round trip, as JSON, so a cold view costs one query. The SQL is offered to other reads too (a
 * customer's access and the versions of their packages come back together, see CustomerAccessRepository).
 */
@Injectable()
export class CatalogRepository {
  private readonly versionColumns: EntityMetadata;
  /** The version columns the catalog needs as one JSON object (large ones such as the README stay out). */
  private readonly versionJson: string;

  constructor(private readonly door: ChangeDoor) {
    this.versionColumns = door.manager.connection.getMetadata(PackageVersion);
    this.versionJson = `json_build_object(${this.versionColumns.columns
      .filter((column) => column.isSelect)
      .map((column) => `'${column.databaseName}', v."${column.databaseName}"`)
      .join(', ')})`;
  }

  private get manager(): EntityManager {
    return this.door.manager;
  }

  /** Every package name, sorted (the admin's view lists them all). */
  async names(): Promise<string[]> {
    const rows: Array<{ name: string }> = await this.manager.query(`SELECT "name" FROM "packages" ORDER BY "name"`);
    return rows.map((row) => row.name);
  }

  /** These packages (absent ones are left out of the map). */
  async entries(names: string[]): Promise<Map<string, CatalogRows>> {
    const [row]: RawCatalog[] = await this.manager.query(`SELECT ${this.selectSql('= ANY($1::varchar[])')}`, [names]);
    return this.hydrate(row);
  }

  /** The select list reading the packages whose name satisfies `condition` (SQL after `name`), as RawCatalog. */
  selectSql(condition: string): string {
    return `(SELECT coalesce(json_agg(json_build_object('name', p."name", 'contentsChangedAt', p."contents_changed_at")), '[]')
               FROM "packages" p WHERE p."name" ${condition}) AS packages,
            (SELECT coalesce(json_agg(${this.versionJson}), '[]')
               FROM "package_versions" v WHERE v."package_name" ${condition}) AS versions`;
  }

  /** The JSON objects have column names and JSON values; the entity's metadata maps them back. */
  hydrate(raw: RawCatalog): Map<string, CatalogRows> {
    const entries = new Map<string, CatalogRows>();
    for (const pkg of raw.packages)
      entries.set(pkg.name, { name: pkg.name, contentsChangedAt: new Date(pkg.contentsChangedAt), versions: [] });
    for (const rawVersion of raw.versions) {
      const version = this.hydrateVersion(rawVersion);
      entries.get(version.packageName)?.versions.push(version);
    }
    return entries;
  }

  private hydrateVersion(raw: Record<string, unknown>): PackageVersion {
    const version = new PackageVersion();
    for (const column of this.versionColumns.columns) {
      if (!column.isSelect) continue;
      let value = raw[column.databaseName];
      if (value !== null && value !== undefined) {
        if (column.type === 'timestamptz' || column.type === 'timestamp with time zone')
          value = new Date(value as string);
        else if (column.type === 'bigint') value = Number(value);
      }
      (version as unknown as Record<string, unknown>)[column.propertyName] = value;
    }
    return version;
  }
}
