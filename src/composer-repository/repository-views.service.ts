import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { gzipSync } from 'node:zlib';
import { CustomerAccess, CustomerAccessRepository } from '../access/customer-access.repository';
import { decideAccess } from '../access/visibility';
import { Principal } from '../auth/auth.decorators';
import { ChangeBus } from '../changes/change-bus.service';
import { ChangeKeys } from '../changes/change-keys';
import { Metrics } from '../observability/metrics.service';
import { Clock } from '../common/clock';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { hasLapsed } from '../customers/customer-status';
import { CatalogRepository, CatalogRows } from '../packages/catalog.repository';
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
export type RepositoryView = { kind: 'denied'; status: 'suspended' | 'expired'; validUntil?: number } | AllowedView;

export interface AllowedView {
  kind: 'allowed';
  packages: Map<string, VisiblePackage>;
  root: EncodedDocument;
  validUntil?: number;
  /** Packages changed since the view was derived: only these are derived again, the rest is kept. */
  staleFor?: Set<string>;
}

/**
 * A JSON document as sent: the bytes, and their gzip form made on the first request that accepts it.
 * Compressing a small document costs more than building it (zlib's set-up), and many are never asked
 * for compressed (a warm-up builds thousands of root documents ahead of any request).
 */
export class EncodedDocument {
  private compressed?: Buffer;

  constructor(readonly body: Buffer) {}

  get gzipped(): Buffer {
    return (this.compressed ??= gzipSync(this.body));
  }

  /** Memory it holds, counting the gzip form as if made (it is smaller than the JSON, bar a header). */
  get sizeBytes(): number {
    return this.body.length * 2 + 64;
  }
}

function encode(json: string): EncodedDocument {
  return new EncodedDocument(Buffer.from(json, 'utf8'));
}

const ADMIN_KEY = 'admin';
/** Views derived between two turns of the event loop while warming up (each takes tens of µs). */
const WARM_SLICE = 50;
const MAX_CACHED_ACCESS = 100_000;
const MAX_CATALOG_ENTRIES = 20_000;
const VIEW_CACHE_BYTES = 256 * 1024 * 1024;
const DOCUMENT_CACHE_BYTES = 256 * 1024 * 1024;

function viewSize(view: RepositoryView): number {
  if (view.kind === 'denied') return 64;
  return view.root.sizeBytes + 128 * view.packages.size;
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
    sizeCalculation: (document) => document.sizeBytes,
  });
  private builds = 0;
  /**
   * Loads in flight, joined by every request that needs the same entry meanwhile: after a publish,
   * hundreds of customers' views want the package's new versions at once, and one query serves them.
   * A change to the key drops its load from here, so a request never joins one that began before it.
   */
  private readonly catalogLoads = new Map<string, Promise<Map<string, CatalogPackage | null>>>();
  private readonly accessLoads = new Map<string, Promise<CustomerAccess | null>>();
  /** Whose access was in memory when the last full flush dropped it, most recently used first. */
  private flushed: string[] = [];

  constructor(
    private readonly accessRows: CustomerAccessRepository,
    private readonly catalogRows: CatalogRepository,
    private readonly bus: ChangeBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
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
    const current = cached && (cached.validUntil === undefined || cached.validUntil > this.clock.now().getTime());
    if (current && !(cached.kind === 'allowed' && cached.staleFor)) return cached;
    if (principal.kind !== 'customer') return undefined;
    return this.viewFromMemory(principal.customerId, current && cached.kind === 'allowed' ? cached : undefined);
  }

  /**
   * Re-derives a dropped view when its inputs are still in memory: a publish drops the views of the
   * package's holders but not their access, so once the package's catalog entry is back (one query,
   * started by the change itself) their next requests are answered before routing again.
   */
  private viewFromMemory(customerId: string, stale?: AllowedView): RepositoryView | undefined {
    const access = this.access.get(customerId);
    if (!access) return undefined;
    const names = packageNamesOf(access);
    const catalog = new Map<string, CatalogPackage | null>();
    for (const name of stale?.staleFor ?? names) {
      const cached = this.catalog.get(name);
      if (!cached) return undefined;
      catalog.set(name, cached.entry);
    }
    // All from memory that is current now (changes drop entries synchronously): nothing to re-check.
    return this.keepView(customerId, this.derive(access, catalog, stale), names);
  }

  private keepView(customerId: string, view: RepositoryView, names: string[]): RepositoryView {
    this.views.set(customerId, view);
    for (const name of names) {
      let set = this.holders.get(name);
      if (!set) this.holders.set(name, (set = new Set()));
      set.add(customerId);
    }
    return view;
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
      if (this.access.size > 0) this.flushed = [...this.access.keys()];
      this.access.clear();
      this.catalog.clear();
      this.views.clear();
      this.holders.clear();
      this.documents.clear();
      this.catalogLoads.clear();
      this.accessLoads.clear();
      return;
    }
    const reload: string[] = [];
    for (const id of keys.customers) {
      if (this.access.delete(id)) reload.push(id);
      this.views.delete(id);
      this.accessLoads.delete(id);
    }
    const refetch: string[] = [];
    for (const name of keys.packages) {
      this.catalog.delete(name);
      this.catalogLoads.delete(name);
      const holders = this.holders.get(name);
      if (holders?.size) refetch.push(name);
      // The holders' access is unchanged: their views keep every other package as derived.
      for (const holder of holders ?? []) {
        const view = this.views.peek(holder);
        if (view?.kind === 'allowed') (view.staleFor ??= new Set()).add(name);
      }
      this.holders.delete(name);
      // A new package name must appear in the admin's root document.
      this.views.delete(ADMIN_KEY);
      // Its documents stay: they are keyed by the exact version rows they show, which are only ever
      // inserted or deleted, never edited, so none can be served for another set of versions. Those
      // no view asks for any more age out of the LRU (scanning every key here cost each publish ~2 ms).
    }
    // Reloaded now, in the background, what customers were using: their next requests then find it
    // in memory (or join the load) instead of each asking PostgreSQL.
    if (!this.bus.cacheable) return;
    if (refetch.length > 0) this.prefetch(this.loadCatalog(refetch));
    for (const id of reload) this.prefetch(this.customerAccess(id));
  }

  /** A failed prefetch is only a missed head start: the request that needs the entry loads it and reports. */
  private prefetch(load: Promise<unknown>): void {
    load.catch(() => undefined);
  }

  private async buildAdminView(): Promise<RepositoryView> {
    const stamp = this.bus.stamp();
    this.builds += 1;
    this.metrics.viewBuilt('admin');
    const names = await this.catalogRows.names();
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
    const access = await this.customerAccess(customerId);
    // A token always belongs to an existing customer (ON DELETE CASCADE); a race with deletion sees nothing.
    if (!access) return this.allowedView(new Map());
    const names = packageNamesOf(access);
    const catalog = await this.loadCatalog(names);
    const view = this.derive(access, catalog);
    return this.bus.unchangedSince(stamp, [customerId], names) ? this.keepView(customerId, view, names) : view;
  }

  /** The customer's access from memory, else from the load in flight, else loaded (and kept if still current). */
  private customerAccess(customerId: string): Promise<CustomerAccess | null> {
    const usable = this.bus.cacheable;
    const cached = usable ? this.access.get(customerId) : undefined;
    if (cached) return Promise.resolve(cached);
    const inFlight = usable ? this.accessLoads.get(customerId) : undefined;
    if (inFlight) return inFlight;
    const stamp = this.bus.stamp();
    this.builds += 1;
    this.metrics.viewBuilt('customer');
    const load = this.loadCustomerAccess(customerId).then((access) => {
      if (access && this.bus.unchangedSince(stamp, [customerId], [])) this.access.set(customerId, access);
      return access;
    });
    if (usable) this.track(this.accessLoads, [customerId], load);
    return load;
  }

  /** Registers a load under its keys until it settles (unless a change has dropped or replaced it). */
  private track<T>(loads: Map<string, Promise<T>>, keys: string[], load: Promise<T>): void {
    for (const key of keys) loads.set(key, load);
    const untrack = () => {
      for (const key of keys) if (loads.get(key) === load) loads.delete(key);
    };
    load.then(untrack, untrack);
  }

  /** Who to load again after a full flush (those in memory before it), once; empty when nobody was. */
  takeFlushedCustomers(): string[] {
    const flushed = this.flushed;
    this.flushed = [];
    return flushed;
  }

  /**
   * Loads these customers' access and views ahead of their requests: one query for their rows,
   * grants and pins, one for the catalog entries not in memory. Kept only if nothing they depend on
   * changed meanwhile, exactly like views built for a request.
   */
  async warm(customerIds: string[]): Promise<void> {
    if (!this.bus.cacheable || customerIds.length === 0) return;
    const stamp = this.bus.stamp();
    const accesses = await this.accessRows.loadMany(customerIds);
    const catalog = await this.loadCatalog([...new Set(accesses.flatMap((access) => packageNamesOf(access)))]);
    for (const [index, access] of accesses.entries()) {
      // Requests arriving meanwhile are answered between slices, not after the whole batch.
      if (index > 0 && index % WARM_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      if (!this.bus.unchangedSince(stamp, [access.id], [])) continue;
      this.access.set(access.id, access);
      const names = packageNamesOf(access);
      if (this.bus.unchangedSince(stamp, [access.id], names))
        this.keepView(access.id, this.derive(access, catalog), names);
    }
  }

  /**
   * The rule itself is decideAccess; this adds what Composer needs (Last-Modified, documents). Given
   * a stale view, only its changed packages are decided again (their catalog entries suffice); the
   * others keep their versions and encoded documents.
   */
  private derive(
    access: CustomerAccess,
    catalog: Map<string, CatalogPackage | null>,
    stale?: AllowedView,
  ): RepositoryView {
    const now = this.clock.now();
    const changed = stale?.staleFor;
    const ruling = <T extends { packageName: string }>(rules: T[]): T[] =>
      changed ? rules.filter((rule) => changed.has(rule.packageName)) : rules;
    const decision = decideAccess(
      access,
      now,
      ruling(access.grants),
      ruling(access.pins),
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
    for (const [name, visible] of stale?.packages ?? []) if (!changed?.has(name)) packages.set(name, visible);
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
    return { kind: 'allowed', packages, root: this.rootFor([...packages.keys()].sort()), validUntil };
  }

  /** packages.json lists only names: customers who see the same packages share one encoded document. */
  private rootFor(names: string[]): EncodedDocument {
    const key = `root|${names.join(',')}`;
    let document = this.documents.get(key);
    if (!document) {
      document = encode(rootDocument(this.config.publicUrl, names));
      if (this.bus.cacheable) this.documents.set(key, document);
    }
    return document;
  }

  /**
   * One round trip: the customer's row, grants and pins, and the catalog entries of their packages
   * that are not in memory yet (stored in the catalog cache on the way).
   */
  private async loadCustomerAccess(customerId: string): Promise<CustomerAccess | null> {
    const stamp = this.bus.stamp();
    const known = this.bus.cacheable ? [...this.catalog.keys()] : [];
    const loaded = await this.accessRows.loadWithCatalog(customerId, known);
    if (!loaded) return null;
    const cachedNames = new Set(known);
    this.storeCatalog(
      packageNamesOf(loaded.access).filter((name) => !cachedNames.has(name)),
      loaded.catalog,
      stamp,
    );
    return loaded.access;
  }

  /** Catalog entries for these names: from memory, from loads in flight, and the rest in one query. */
  private async loadCatalog(names: string[]): Promise<Map<string, CatalogPackage | null>> {
    const result = new Map<string, CatalogPackage | null>();
    const missing: string[] = [];
    const joined = new Set<Promise<Map<string, CatalogPackage | null>>>();
    const usable = this.bus.cacheable;
    for (const name of names) {
      const cached = usable ? this.catalog.get(name) : undefined;
      const inFlight = usable && !cached ? this.catalogLoads.get(name) : undefined;
      if (cached) result.set(name, cached.entry);
      else if (inFlight) joined.add(inFlight);
      else missing.push(name);
    }
    this.metrics.cacheLookup('catalog', true, result.size);
    this.metrics.cacheLookup('catalog', false, names.length - result.size);
    const loads = [...joined];
    if (missing.length > 0) {
      const load = this.queryCatalog(missing);
      if (usable) this.track(this.catalogLoads, missing, load);
      loads.push(load);
    }
    for (const loaded of await Promise.all(loads))
      for (const name of names) if (loaded.has(name)) result.set(name, loaded.get(name)!);
    return result;
  }

  private async queryCatalog(names: string[]): Promise<Map<string, CatalogPackage | null>> {
    const stamp = this.bus.stamp();
    return this.storeCatalog(names, await this.catalogRows.entries(names), stamp);
  }

  /** Keeps the loaded entries (and the absence of the others) unless a change came in meanwhile. */
  private storeCatalog(
    names: string[],
    loaded: Map<string, CatalogRows>,
    stamp: number,
  ): Map<string, CatalogPackage | null> {
    const result = new Map<string, CatalogPackage | null>();
    for (const name of names) {
      // An entry in memory is current (a change drops it at once). Concurrent cold loads each read
      // the packages nobody had cached yet; keeping the first copy lets every view share it, where
      // each view holding its own copy of the versions once tripled the memory after a cold start.
      const kept = this.bus.cacheable ? this.catalog.peek(name) : undefined;
      if (kept) {
        result.set(name, kept.entry);
        continue;
      }
      const rows = loaded.get(name);
      // A fixed input order keeps Composer's sort stable for pairs of dev branches, which it does not order.
      const entry: CatalogPackage | null = rows
        ? {
            name,
            contentsChangedAt: rows.contentsChangedAt,
            versions: sortNewestFirst(
              rows.versions.sort((a, b) => (a.versionNormalized < b.versionNormalized ? -1 : 1)),
            ),
          }
        : null;
      result.set(name, entry);
      if (this.bus.unchangedSince(stamp, [], [name])) this.catalog.set(name, { entry });
    }
    return result;
  }
}

/** The packages a customer's view is derived from: granted or pinned. */
function packageNamesOf(access: Pick<CustomerAccess, 'grants' | 'pins'>): string[] {
  return [...new Set([...access.grants.map((g) => g.packageName), ...access.pins.map((p) => p.packageName)])];
}
