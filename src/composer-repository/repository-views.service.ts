import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { gzipSync } from 'node:zlib';
import { DataSource, EntityMetadata } from 'typeorm';
import { GrantRule, VersionRef, decideAccess } from '../access/visibility';
import { Principal } from '../auth/auth.decorators';
import { ChangeBus } from '../changes/change-bus.service';
import { ChangeKeys } from '../changes/change-keys';
import { Metrics } from '../observability/metrics.service';
import { Clock } from '../common/clock';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { CustomerAccessState } from '../access/visibility';
import { hasLapsed } from '../customers/customer-status';
import { PackageVersion } from '../packages/package-version.entity';
import { sortNewestFirst } from '../packages/packages.service';
import { p2Document, rootDocument } from './composer-metadata';

export interface CatalogPackage {
  name: string;
  contentsChangedAt: Date;
  /** Newest first, the order Composer metadata lists them in. */
  versions: PackageVersion[];
}

export interface VisiblePackage {
  name: string;
  versions: PackageVersion[];
  lastModified: Date;
  /** Encoded p2 documents once asked for (null: no such versions); dropped with the view. */
  documents: { tagged?: EncodedDocument | null; dev?: EncodedDocument | null };
}

/** `validUntil` (epoch ms): when the view stops being true by the passage of time alone. */
export type RepositoryView =
  | { kind: 'denied'; status: 'suspended' | 'expired'; validUntil?: number }
  | { kind: 'allowed'; packages: Map<string, VisiblePackage>; root: EncodedDocument; validUntil?: number };

export interface EncodedDocument {
  body: Buffer;
  gzipped: Buffer;
}

function encode(json: string): EncodedDocument {
  const body = Buffer.from(json, 'utf8');
  return { body, gzipped: gzipSync(body) };
}

/** What decides one customer's view, as stored in PostgreSQL (their row, grants and pins). */
interface CustomerAccess extends CustomerAccessState {
  id: string;
  accessChangedAt: Date;
  grants: GrantRule[];
  pins: VersionRef[];
}

const ADMIN_KEY = 'admin';
const MAX_CACHED_ACCESS = 100_000;
const MAX_CATALOG_ENTRIES = 20_000;
const VIEW_CACHE_BYTES = 256 * 1024 * 1024;
const DOCUMENT_CACHE_BYTES = 256 * 1024 * 1024;

function viewSize(view: RepositoryView): number {
  if (view.kind === 'denied') return 64;
  return view.root.body.length + view.root.gzipped.length + 128 * view.packages.size + 64;
}

/**
 * What each principal may see in the Composer repository, and the encoded documents for it.
 *
 * Three caches over PostgreSQL, each dropped by key when a change commits (ChangeBus):
 * - a customer's access (row, grants, pins), dropped when that customer changes;
 * - a package's catalog entry (its versions), dropped when that package changes;
 * - the derived view (visible versions, root document), recomputed in memory from the two above
 *   when either changes: a publish costs one catalog load, not a re-read of every customer.
 * Entries read from the database are stored only if nothing they depend on changed while they
 * were read, so a change is visible on the very next request. Warm requests touch no database.
 * A cold view costs one round trip (customer, grants, pins and any uncached catalog entries in one
 * query). p2 documents are shared by every customer who sees the same versions of a package.
 */
@Injectable()
export class RepositoryViews {
  private readonly access = new LRUCache<string, CustomerAccess>({ max: MAX_CACHED_ACCESS });
  private readonly catalog = new LRUCache<string, { entry: CatalogPackage | null }>({ max: MAX_CATALOG_ENTRIES });
  private readonly views = new LRUCache<string, RepositoryView>({
    maxSize: VIEW_CACHE_BYTES,
    sizeCalculation: viewSize,
  });
  /** Which cached views were derived from a package's catalog entry. */
  private readonly holders = new Map<string, Set<string>>();
  private readonly documents = new LRUCache<string, EncodedDocument>({
    maxSize: DOCUMENT_CACHE_BYTES,
    sizeCalculation: (document) => document.body.length + document.gzipped.length + 64,
  });
  private readonly versionColumns: EntityMetadata;
  /** The version columns the catalog needs as one JSON object (large ones such as the README stay out). */
  private readonly versionJson: string;
  private builds = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bus: ChangeBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
    this.versionColumns = dataSource.getMetadata(PackageVersion);
    this.versionJson = `json_build_object(${this.versionColumns.columns
      .filter((column) => column.isSelect)
      .map((column) => `'${column.databaseName}', v."${column.databaseName}"`)
      .join(', ')})`;
    bus.subscribe((keys) => this.forget(keys));
  }

  /** Views built from the database since start (for metrics and tests). */
  get viewBuilds(): number {
    return this.builds;
  }

  async viewFor(principal: Principal): Promise<RepositoryView> {
    const cached = this.cachedViewFor(principal);
    // The fast path counts its own hits (Metrics.fastPathAnswered): this is the routed requests' share.
    this.metrics.cacheLookup('view', cached !== undefined);
    if (cached) return cached;
    if (principal.kind === 'admin') return this.buildAdminView();
    return this.buildCustomerView(principal.customerId);
  }

  /** The view from memory alone; undefined when it has to be built from the database. */
  cachedViewFor(principal: Principal): RepositoryView | undefined {
    if (!this.bus.cacheable) return undefined;
    const cached = this.views.get(principal.kind === 'admin' ? ADMIN_KEY : principal.customerId);
    if (cached && (cached.validUntil === undefined || cached.validUntil > this.clock.now().getTime())) return cached;
    return undefined;
  }

  /**
   * The p2 document for one package file of a view, encoded once per distinct content (shared by
   * every customer who sees the same versions) and then remembered on the view itself.
   */
  p2For(visible: VisiblePackage, dev: boolean): EncodedDocument | undefined {
    const flavour = dev ? 'dev' : 'tagged';
    const remembered = visible.documents[flavour];
    if (remembered !== undefined) return remembered ?? undefined;
    const versions = visible.versions.filter((version) => version.isDev === dev);
    let document: EncodedDocument | undefined;
    if (versions.length > 0) {
      const key = `${visible.name}|${flavour}|${versions.map((version) => version.id).join(',')}`;
      document = this.documents.get(key);
      this.metrics.cacheLookup('document', document !== undefined);
      if (!document) {
        document = encode(p2Document(visible.name, versions, this.config.publicUrl));
        if (this.bus.cacheable) this.documents.set(key, document);
      }
    }
    visible.documents[flavour] = document ?? null;
    return document;
  }

  private forget(keys: ChangeKeys): void {
    if (keys.all) {
      this.access.clear();
      this.catalog.clear();
      this.views.clear();
      this.holders.clear();
      this.documents.clear();
      return;
    }
    for (const id of keys.customers) {
      this.access.delete(id);
      this.views.delete(id);
    }
    for (const name of keys.packages) {
      this.catalog.delete(name);
      for (const holder of this.holders.get(name) ?? []) this.views.delete(holder);
      this.holders.delete(name);
      // A new package name must appear in the admin's root document.
      this.views.delete(ADMIN_KEY);
      for (const key of this.documents.keys()) if (key.startsWith(`${name}|`)) this.documents.delete(key);
    }
  }

  private async buildAdminView(): Promise<RepositoryView> {
    const stamp = this.bus.stamp();
    this.builds += 1;
    this.metrics.viewBuilt('admin');
    const rows: Array<{ name: string }> = await this.dataSource.query(`SELECT "name" FROM "packages" ORDER BY "name"`);
    const names = rows.map((row) => row.name);
    const catalog = await this.loadCatalog(names);
    const packages = new Map<string, VisiblePackage>();
    for (const entry of catalog.values()) {
      if (entry && entry.versions.length > 0) {
        packages.set(entry.name, {
          name: entry.name,
          versions: entry.versions,
          lastModified: entry.contentsChangedAt,
          documents: {},
        });
      }
    }
    const view = this.allowedView(packages);
    // Any package change drops the admin view (see forget), so only a flush can make it stale here.
    if (this.bus.unchangedSince(stamp, [], names)) this.views.set(ADMIN_KEY, view);
    return view;
  }

  private async buildCustomerView(customerId: string): Promise<RepositoryView> {
    const stamp = this.bus.stamp();
    let access = this.access.get(customerId);
    if (!access || !this.bus.cacheable) {
      this.builds += 1;
      this.metrics.viewBuilt('customer');
      const loaded = await this.loadCustomerAccess(customerId);
      // A token always belongs to an existing customer (ON DELETE CASCADE); a race with deletion sees nothing.
      if (!loaded) return this.allowedView(new Map());
      access = loaded;
      if (this.bus.unchangedSince(stamp, [customerId], [])) this.access.set(customerId, access);
    }
    const names = [...new Set([...access.grants.map((g) => g.packageName), ...access.pins.map((p) => p.packageName)])];
    const catalog = await this.loadCatalog(names);
    const view = this.derive(access, catalog);
    if (this.bus.unchangedSince(stamp, [customerId], names)) {
      this.views.set(customerId, view);
      for (const name of names) {
        let set = this.holders.get(name);
        if (!set) this.holders.set(name, (set = new Set()));
        set.add(customerId);
      }
    }
    return view;
  }

  /** The rule itself is decideAccess; this adds what Composer needs (Last-Modified, documents). */
  private derive(access: CustomerAccess, catalog: Map<string, CatalogPackage | null>): RepositoryView {
    const now = this.clock.now();
    const decision = decideAccess(
      access,
      now,
      access.grants,
      access.pins,
      (name: string) => catalog.get(name)?.versions ?? [],
    );
    // Time alone changes access when the subscription ends; such a view must not outlive that instant.
    const validUntil = access.expiresAt && access.expiresAt > now ? access.expiresAt.getTime() : undefined;
    if (decision.kind === 'denied') return { ...decision, validUntil };

    // Metadata a client cached before the end must not be revalidated as unchanged after it.
    const lapsedAt =
      hasLapsed(access, now) && access.expiresAt
        ? new Date(Math.ceil(access.expiresAt.getTime() / 1000) * 1000)
        : new Date(0);
    const packages = new Map<string, VisiblePackage>();
    for (const [name, versions] of decision.versions) {
      const contentsChangedAt = catalog.get(name)?.contentsChangedAt ?? new Date(0);
      const lastModified = new Date(
        Math.max(access.accessChangedAt.getTime(), contentsChangedAt.getTime(), lapsedAt.getTime()),
      );
      packages.set(name, { name, versions, lastModified, documents: {} });
    }
    return this.allowedView(packages, validUntil);
  }

  private allowedView(packages: Map<string, VisiblePackage>, validUntil?: number): RepositoryView {
    const names = [...packages.keys()].sort();
    return { kind: 'allowed', packages, root: encode(rootDocument(this.config.publicUrl, names)), validUntil };
  }

  /**
   * One round trip: the customer's row, grants and pins, and the catalog entries of their packages
   * that are not in memory yet (stored in the catalog cache on the way).
   */
  private async loadCustomerAccess(customerId: string): Promise<CustomerAccess | null> {
    const stamp = this.bus.stamp();
    const known = this.bus.cacheable ? [...this.catalog.keys()] : [];
    const [row]: Array<{
      customer: RawCustomer | null;
      grants: GrantRule[];
      pins: VersionRef[];
      packages: RawPackage[];
      versions: Record<string, unknown>[];
    }> = await this.dataSource.query(
      `WITH names AS (
           SELECT "package_name" FROM "access_grants" WHERE "customer_id" = $1
           UNION SELECT "package_name" FROM "frozen_versions" WHERE "customer_id" = $1
         ), wanted AS (SELECT "package_name" FROM names WHERE NOT ("package_name" = ANY($2::varchar[])))
         SELECT
           (SELECT json_build_object('id', c."id", 'status', c."status", 'expiresAt', c."expires_at", 'onExpiry', c."on_expiry",
                                     'accessChangedAt', c."access_changed_at")
              FROM "customers" c WHERE c."id" = $1) AS customer,
           (SELECT coalesce(json_agg(json_build_object('packageName', g."package_name", 'constraint', g."constraint")), '[]')
              FROM "access_grants" g WHERE g."customer_id" = $1) AS grants,
           (SELECT coalesce(json_agg(json_build_object('packageName', f."package_name", 'versionNormalized', f."version_normalized")), '[]')
              FROM "frozen_versions" f WHERE f."customer_id" = $1) AS pins,
           (SELECT coalesce(json_agg(json_build_object('name', p."name", 'contentsChangedAt', p."contents_changed_at")), '[]')
              FROM "packages" p WHERE p."name" IN (SELECT "package_name" FROM wanted)) AS packages,
           (SELECT coalesce(json_agg(${this.versionJson}), '[]')
              FROM "package_versions" v WHERE v."package_name" IN (SELECT "package_name" FROM wanted)) AS versions`,
      [customerId, known],
    );
    if (!row.customer) return null;
    const loadedNames = new Set(row.packages.map((pkg) => pkg.name));
    const wanted = [
      ...new Set([...row.grants.map((g) => g.packageName), ...row.pins.map((p) => p.packageName)]),
    ].filter((name) => !known.includes(name));
    this.storeCatalog(wanted, row.packages, row.versions, stamp, loadedNames);
    const customer = row.customer;
    return {
      id: customer.id,
      status: customer.status,
      onExpiry: customer.onExpiry,
      expiresAt: customer.expiresAt ? new Date(customer.expiresAt) : null,
      accessChangedAt: new Date(customer.accessChangedAt),
      grants: row.grants,
      pins: row.pins,
    };
  }

  /** Catalog entries for these names, from memory where present, else in one query. */
  private async loadCatalog(names: string[]): Promise<Map<string, CatalogPackage | null>> {
    const result = new Map<string, CatalogPackage | null>();
    const missing: string[] = [];
    const usable = this.bus.cacheable;
    for (const name of names) {
      const cached = usable ? this.catalog.get(name) : undefined;
      if (cached) result.set(name, cached.entry);
      else missing.push(name);
    }
    this.metrics.cacheLookup('catalog', true, result.size);
    this.metrics.cacheLookup('catalog', false, missing.length);
    if (missing.length === 0) return result;
    const stamp = this.bus.stamp();
    const [row]: Array<{ packages: RawPackage[]; versions: Record<string, unknown>[] }> = await this.dataSource.query(
      `SELECT
         (SELECT coalesce(json_agg(json_build_object('name', p."name", 'contentsChangedAt', p."contents_changed_at")), '[]')
            FROM "packages" p WHERE p."name" = ANY($1::varchar[])) AS packages,
         (SELECT coalesce(json_agg(${this.versionJson}), '[]') FROM "package_versions" v WHERE v."package_name" = ANY($1::varchar[])) AS versions`,
      [missing],
    );
    const loaded = this.storeCatalog(
      missing,
      row.packages,
      row.versions,
      stamp,
      new Set(row.packages.map((pkg) => pkg.name)),
    );
    for (const [name, entry] of loaded) result.set(name, entry);
    return result;
  }

  private storeCatalog(
    names: string[],
    packages: RawPackage[],
    rawVersions: Record<string, unknown>[],
    stamp: number,
    existing: Set<string>,
  ): Map<string, CatalogPackage | null> {
    const byPackage = new Map<string, PackageVersion[]>();
    for (const raw of rawVersions) {
      const version = this.hydrateVersion(raw);
      const list = byPackage.get(version.packageName) ?? [];
      list.push(version);
      byPackage.set(version.packageName, list);
    }
    const changedAt = new Map(packages.map((pkg) => [pkg.name, new Date(pkg.contentsChangedAt)]));
    const result = new Map<string, CatalogPackage | null>();
    for (const name of names) {
      // A fixed input order keeps Composer's sort stable for pairs of dev branches, which it does not order.
      const versions = (byPackage.get(name) ?? []).sort((a, b) => (a.versionNormalized < b.versionNormalized ? -1 : 1));
      const entry: CatalogPackage | null = existing.has(name)
        ? { name, contentsChangedAt: changedAt.get(name)!, versions: sortNewestFirst(versions) }
        : null;
      result.set(name, entry);
      if (this.bus.unchangedSince(stamp, [], [name])) this.catalog.set(name, { entry });
    }
    return result;
  }

  /** The JSON object has column names and JSON values; the entity's metadata maps them back. */
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

interface RawCustomer {
  id: string;
  status: CustomerAccess['status'];
  onExpiry: CustomerAccess['onExpiry'];
  expiresAt: string | null;
  accessChangedAt: string;
}

interface RawPackage {
  name: string;
  contentsChangedAt: string;
}
