import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { gzipSync } from 'node:zlib';
import { DataSource, In } from 'typeorm';
import { AccessGrant } from '../access/access-grant.entity';
import { FrozenVersion } from '../access/frozen-version.entity';
import { decideAccess } from '../access/visibility';
import { Principal } from '../auth/auth.decorators';
import { AccessVersion } from '../common/access-version.service';
import { Clock } from '../common/clock';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { Metrics } from '../observability/metrics.service';
import { hasLapsed } from '../customers/customer-status';
import { Customer } from '../customers/customer.entity';
import { Package } from '../packages/package.entity';
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

const MAX_CACHED_VIEWS = 20_000;
const MAX_CACHED_DOCUMENTS = 50_000;

/**
 * What each principal may see in the Composer repository, and the encoded documents for it.
 *
 * Everything here is a cache over PostgreSQL: entries are stamped with the AccessVersion value read
 * before the database was queried and thrown away as soon as any committed change bumps it, so a
 * change is visible on the very next request. Warm requests touch no database at all. p2 documents
 * are keyed by their content (package, file, exact version list), so customers with the same view
 * share one encoded copy and the cost of a p2 request does not grow with the number of customers.
 */
@Injectable()
export class RepositoryViews {
  private generation = -1;
  private readonly catalog = new Map<string, CatalogPackage | null>();
  private readonly views = new Map<string, RepositoryView>();
  private readonly documents = new Map<string, EncodedDocument>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessVersion: AccessVersion,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  private dropIfStale(): void {
    if (this.generation === this.accessVersion.value) return;
    this.catalog.clear();
    this.views.clear();
    this.documents.clear();
    this.generation = this.accessVersion.value;
  }

  private storeIfCurrent<K, V>(cache: Map<K, V>, key: K, value: V, stamp: number, limit: number): void {
    if (stamp !== this.accessVersion.value) return;
    if (cache.size >= limit) cache.clear();
    cache.set(key, value);
  }

  async viewFor(principal: Principal): Promise<RepositoryView> {
    const cached = this.cachedViewFor(principal);
    this.metrics.cacheLookup('view', cached !== undefined);
    if (cached) return cached;
    const key = principal.kind === 'admin' ? 'admin' : principal.customerId;
    const stamp = this.accessVersion.value;
    const view = principal.kind === 'admin' ? await this.buildAdminView(stamp) : await this.buildCustomerView(principal.customerId, stamp);
    this.metrics.viewBuilt(principal.kind);
    this.storeIfCurrent(this.views, key, view, stamp, MAX_CACHED_VIEWS);
    return view;
  }

  /** The view from memory alone; undefined when it has to be built from the database. */
  cachedViewFor(principal: Principal): RepositoryView | undefined {
    this.dropIfStale();
    const cached = this.views.get(principal.kind === 'admin' ? 'admin' : principal.customerId);
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
        this.storeIfCurrent(this.documents, key, document, this.generation, MAX_CACHED_DOCUMENTS);
      }
    }
    visible.documents[flavour] = document ?? null;
    return document;
  }

  private async buildAdminView(stamp: number): Promise<RepositoryView> {
    const names = (await this.dataSource.manager.find(Package, { select: { name: true }, order: { name: 'ASC' } })).map((p) => p.name);
    const catalog = await this.loadCatalog(names, stamp);
    const packages = new Map<string, VisiblePackage>();
    for (const entry of catalog.values()) {
      if (entry && entry.versions.length > 0) {
        packages.set(entry.name, { name: entry.name, versions: entry.versions, lastModified: entry.contentsChangedAt, documents: {} });
      }
    }
    return this.allowedView(packages);
  }

  private async buildCustomerView(customerId: string, stamp: number): Promise<RepositoryView> {
    const manager = this.dataSource.manager;
    const customer = await manager.findOneBy(Customer, { id: customerId });
    // A token always belongs to an existing customer (ON DELETE CASCADE); a race with deletion sees nothing.
    if (!customer) return this.allowedView(new Map());
    const now = this.clock.now();
    const [grants, pins] = await Promise.all([
      manager.findBy(AccessGrant, { customerId }),
      customer.status === 'frozen' ? manager.findBy(FrozenVersion, { customerId }) : Promise.resolve([]),
    ]);
    const names = [...new Set([...grants.map((g) => g.packageName), ...pins.map((p) => p.packageName)])];
    const catalog = await this.loadCatalog(names, stamp);
    const decision = decideAccess(customer, now, grants, pins, (name: string) => catalog.get(name)?.versions ?? []);
    // Time alone changes access when the subscription ends; such a view must not outlive that instant.
    const validUntil = customer.expiresAt && customer.expiresAt > now ? customer.expiresAt.getTime() : undefined;
    if (decision.kind === 'denied') return { ...decision, validUntil };

    // Metadata a client cached before the end must not be revalidated as unchanged after it.
    const lapsedAt = hasLapsed(customer, now) && customer.expiresAt ? new Date(Math.ceil(customer.expiresAt.getTime() / 1000) * 1000) : new Date(0);
    const packages = new Map<string, VisiblePackage>();
    for (const [name, versions] of decision.versions) {
      const contentsChangedAt = catalog.get(name)?.contentsChangedAt ?? new Date(0);
      const lastModified = new Date(Math.max(customer.accessChangedAt.getTime(), contentsChangedAt.getTime(), lapsedAt.getTime()));
      packages.set(name, { name, versions, lastModified, documents: {} });
    }
    return this.allowedView(packages, validUntil);
  }

  private allowedView(packages: Map<string, VisiblePackage>, validUntil?: number): RepositoryView {
    const names = [...packages.keys()].sort();
    return { kind: 'allowed', packages, root: encode(rootDocument(this.config.publicUrl, names)), validUntil };
  }

  /** Loads (or reuses) the catalog entries for these package names in one query. */
  private async loadCatalog(names: string[], stamp: number): Promise<Map<string, CatalogPackage | null>> {
    const result = new Map<string, CatalogPackage | null>();
    const missing: string[] = [];
    for (const name of names) {
      const cached = this.catalog.get(name);
      if (cached !== undefined) result.set(name, cached);
      else missing.push(name);
    }
    this.metrics.cacheLookup('catalog', true, result.size);
    this.metrics.cacheLookup('catalog', false, missing.length);
    if (missing.length === 0) return result;
    const packages = await this.dataSource.manager.findBy(Package, { name: In(missing) });
    const versions = await this.dataSource.manager.findBy(PackageVersion, { packageName: In(missing) });
    const byPackage = new Map<string, PackageVersion[]>();
    for (const version of versions) {
      const list = byPackage.get(version.packageName) ?? [];
      list.push(version);
      byPackage.set(version.packageName, list);
    }
    const found = new Map(packages.map((p) => [p.name, p]));
    for (const name of missing) {
      const pkg = found.get(name);
      const entry: CatalogPackage | null = pkg
        ? { name, contentsChangedAt: pkg.contentsChangedAt, versions: sortNewestFirst(byPackage.get(name) ?? []) }
        : null;
      result.set(name, entry);
      this.storeIfCurrent(this.catalog, name, entry, stamp, Number.MAX_SAFE_INTEGER);
    }
    return result;
  }
}
