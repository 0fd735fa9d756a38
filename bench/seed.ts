/**
 * A realistic catalog and customer base, generated deterministically (fixed PRNG seed, so every run
 * serves the same documents) and written with a few multi-row `INSERT … SELECT unnest(…)` statements.
 * Only the token secrets come from a CSPRNG; they are known to the driver and stored hashed, exactly
 * as the server stores them.
 */
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { isDevVersion, normalizeVersion } from '../src/composer-semver';
import { generateTokenSecret, hashToken, visiblePrefix } from '../src/tokens/token-secret';

/** mulberry32: tiny, fast, good enough to make plausible data reproducible. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const base62 = (random: Random, length: number) =>
  Array.from({ length }, () => BASE62[Math.floor(random() * 62)]).join('');
const title = (word: string) => word.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
const DAY = 86_400_000;
/** Whole seconds, like every timestamp the server itself writes for Last-Modified. */
const wholeSecond = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

export interface SeedVersion {
  id: string;
  version: string;
  versionNormalized: string;
  isDev: boolean;
  composerJson: Record<string, unknown>;
  shasum: string;
  sizeBytes: number;
  storageKey: string;
  releasedAt: Date;
}

export interface SeedPackage {
  name: string;
  createdAt: Date;
  contentsChangedAt: Date;
  versions: SeedVersion[];
}

export interface SeedCustomer {
  id: string;
  name: string;
  email: string;
  externalId: string;
  status: 'active' | 'suspended' | 'expired';
  statusReason: string | null;
  createdAt: Date;
  accessChangedAt: Date;
  tokens: Array<{ id: string; secret: string; label: string; expiresAt: Date | null }>;
  grants: Array<{ packageName: string; constraint: string }>;
}

const VENDORS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'tyrell', 'cyberdyne', 'soylent'];
/** Vendors that tag their releases "v1.2.3" rather than "1.2.3". */
const V_PREFIXED = new Set(['globex', 'stark', 'tyrell']);
const WORDS = [
  'http',
  'cache',
  'queue',
  'mailer',
  'billing',
  'invoice',
  'auth',
  'oauth',
  'search',
  'pdf',
  'image',
  'storage',
  'logger',
  'metrics',
  'router',
  'forms',
  'validator',
  'i18n',
  'payments',
  'shipping',
  'inventory',
  'reports',
  'export',
  'import',
  'sync',
  'webhooks',
  'scheduler',
  'crm',
  'seo',
  'sitemap',
  'cms',
  'blocks',
  'theme',
  'admin',
];
const SUFFIXES = ['', '', '-bundle', '-client', '-sdk', '-pro', '-bridge', '-plugin'];
const PHP_BY_MAJOR = ['>=7.4', '>=7.4', '>=8.0', '>=8.1', '>=8.2'];

/** A 0.x–4.x release history of `count` tagged versions, oldest first, with betas/RCs before majors. */
function versionHistory(random: Random, count: number): string[] {
  const out: string[] = [];
  let major = random() < 0.5 ? 0 : 1;
  let minor = major === 0 ? 1 : 0;
  let patch = 0;
  while (out.length < count) {
    out.push(`${major}.${minor}.${patch}`);
    const roll = random();
    if (roll < 0.09 && major < 4) {
      major += 1;
      minor = 0;
      patch = 0;
      if (out.length < count - 2) out.push(`${major}.0.0-beta1`);
      if (out.length < count - 2 && random() < 0.6) out.push(`${major}.0.0-RC1`);
    } else if (roll < 0.3) {
      minor += 1;
      patch = 0;
    } else {
      patch += 1;
    }
  }
  return out.slice(0, count);
}

export function generateCatalog(packageCount: number, versionsPerPackage: number, now = Date.now()): SeedPackage[] {
  const random = prng(0x9ac1a4d);
  const names: string[] = [];
  const seen = new Set<string>();
  while (names.length < packageCount) {
    const name = `${pick(random, VENDORS)}/${pick(random, WORDS)}${pick(random, SUFFIXES)}`;
    if (seen.has(name)) continue;
    names.push(name);
    seen.add(name);
  }
  return names.map((name) => {
    const [vendor, project] = name.split('/');
    const type = project.endsWith('-bundle')
      ? 'symfony-bundle'
      : project.endsWith('-plugin')
        ? 'wordpress-plugin'
        : 'library';
    const license = random() < 0.8 ? ['proprietary'] : ['MIT'];
    // 1–3 other seeded packages it depends on.
    const deps = new Set<string>();
    for (let wanted = int(random, 1, 3); deps.size < wanted;) {
      const dep = pick(random, names);
      if (dep !== name) deps.add(dep);
    }
    const history = versionHistory(random, versionsPerPackage);
    // Newest release 1–60 days ago, earlier ones 3–40 days apart.
    let released = now - int(random, 1, 60) * DAY - int(random, 0, DAY);
    const dates: Date[] = [];
    for (let i = history.length - 1; i >= 0; i -= 1) {
      dates[i] = wholeSecond(released);
      released -= int(random, 3, 40) * DAY + int(random, 0, DAY);
    }
    const namespace = `${title(vendor)}\\${title(project)}\\`;
    const versions = history.map((plain, i): SeedVersion => {
      const version = V_PREFIXED.has(vendor) ? `v${plain}` : plain;
      const major = Number(plain.split('.')[0]);
      const require: Record<string, string> = { php: PHP_BY_MAJOR[major] };
      if (major >= 1) require['ext-json'] = '*';
      for (const dep of deps) require[dep] = major >= 2 ? '^2.0 || ^3.0' : '^1.0';
      const composerJson: Record<string, unknown> = {
        name,
        description: `${title(project).replace(/-/g, ' ')} for ${title(vendor)} applications: the supported, commercial edition.`,
        type,
        license,
        keywords: [vendor, ...project.split('-'), 'php'],
        homepage: `https://${vendor}.example.com/products/${project}`,
        authors: [{ name: `${title(vendor)} Engineering`, email: `engineering@${vendor}.example.com` }],
        require,
        'require-dev': { 'phpunit/phpunit': major >= 3 ? '^10.5' : '^9.6', 'phpstan/phpstan': '^1.10' },
        autoload: { 'psr-4': { [namespace]: 'src/' } },
        ...(major >= 2 ? { 'autoload-dev': { 'psr-4': { [`${namespace}Tests\\`]: 'tests/' } } } : {}),
        ...(type === 'symfony-bundle' ? { extra: { symfony: { require: major >= 3 ? '^6.4 || ^7.0' : '^5.4' } } } : {}),
      };
      const id = `ver_${base62(random, 20)}`;
      return {
        id,
        version,
        versionNormalized: normalizeVersion(version),
        isDev: isDevVersion(version),
        composerJson,
        shasum: createHash('sha1').update(`${name}@${version}`).digest('hex'),
        sizeBytes: int(random, 20_000, 1_500_000),
        storageKey: `${name}/${id}.zip`,
        releasedAt: dates[i],
      };
    });
    return {
      name,
      createdAt: versions[0].releasedAt,
      contentsChangedAt: versions[versions.length - 1].releasedAt,
      versions,
    };
  });
}

const CONSTRAINTS = ['*', '*', '^1.0', '^1.0', '~2.1', '>=1.0 <3.0', '^2.0 || ^3.0', '^2.0 || ^3.0'];
const ADJECTIVES = ['Blue', 'Northern', 'Bright', 'Rapid', 'Silver', 'Urban', 'Clever', 'Quiet', 'Golden', 'Open'];
const NOUNS = ['Harbor', 'Pixel', 'Summit', 'Forge', 'Orchard', 'Beacon', 'Canvas', 'Signal', 'Meadow', 'Anchor'];
const FORMS = ['GmbH', 'Ltd', 'Inc.', 'SAS', 'BV', 'AB', 'LLC'];

/**
 * `count` customers; customer 0 ("A", the one the load is generated for) is always active and
 * sees `benchPackage` with "*". The same seed gives the same customers whatever `count` is, so the
 * first five are identical in the 5- and the 5,000-customer runs.
 */
export function generateCustomers(
  count: number,
  catalog: SeedPackage[],
  benchPackage: string,
  now = Date.now(),
): SeedCustomer[] {
  const random = prng(0xc057);
  const names = catalog.map((p) => p.name);
  const customers: SeedCustomer[] = [];
  for (let i = 0; i < count; i += 1) {
    const createdAt = wholeSecond(now - int(random, 30, 1000) * DAY - int(random, 0, DAY));
    const accessChangedAt = wholeSecond(createdAt.getTime() + random() * (now - DAY - createdAt.getTime()));
    const roll = random();
    const status = i === 0 || roll < 0.92 ? 'active' : roll < 0.96 ? 'suspended' : 'expired';
    const grantCount = i === 0 ? 12 : int(random, 3, 20);
    const granted = new Set<string>(i === 0 ? [benchPackage] : []);
    while (granted.size < grantCount) granted.add(pick(random, names));
    const company = `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)} ${FORMS[i % FORMS.length]}`;
    const tokens = [
      {
        id: `tkn_${base62(random, 20)}`,
        secret: generateTokenSecret(),
        label: 'default',
        expiresAt: null as Date | null,
      },
    ];
    if (random() < 0.2) {
      tokens.push({
        id: `tkn_${base62(random, 20)}`,
        secret: generateTokenSecret(),
        label: 'CI',
        expiresAt: new Date(now + 365 * DAY),
      });
    }
    customers.push({
      id: `cust_${base62(random, 20)}`,
      name: `${company} #${i + 1}`,
      email: `dev@customer-${i + 1}.example.com`,
      externalId: `cus_${base62(random, 14)}`,
      status,
      statusReason: status === 'suspended' ? 'Payment failed' : status === 'expired' ? 'Subscription ended' : null,
      createdAt,
      accessChangedAt,
      tokens,
      grants: [...granted].map((packageName) => ({
        packageName,
        constraint: i === 0 && packageName === benchPackage ? '*' : pick(random, CONSTRAINTS),
      })),
    });
  }
  return customers;
}

/** Inserts rows column-wise: one round trip per `chunk` rows, whatever the row count. */
async function insertColumns(
  client: Client,
  table: string,
  columns: Array<[name: string, type: string]>,
  rows: unknown[][],
  chunk = 5000,
): Promise<void> {
  const list = columns.map(([name]) => `"${name}"`).join(', ');
  const params = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const sql = `INSERT INTO "${table}" (${list}) SELECT * FROM unnest(${params})`;
  for (let start = 0; start < rows.length; start += chunk) {
    const slice = rows.slice(start, start + chunk);
    await client.query(
      sql,
      columns.map((_, c) => slice.map((row) => row[c])),
    );
  }
}

export async function seedCatalog(client: Client, catalog: SeedPackage[]): Promise<void> {
  await client.query('BEGIN');
  await insertColumns(
    client,
    'packages',
    [
      ['name', 'varchar'],
      ['created_at', 'timestamptz'],
      ['contents_changed_at', 'timestamptz'],
    ],
    catalog.map((p) => [p.name, p.createdAt.toISOString(), p.contentsChangedAt.toISOString()]),
  );
  await insertColumns(
    client,
    'package_versions',
    [
      ['id', 'varchar'],
      ['package_name', 'varchar'],
      ['version', 'varchar'],
      ['version_normalized', 'varchar'],
      ['is_dev', 'boolean'],
      ['composer_json', 'jsonb'],
      ['shasum', 'bpchar'],
      ['size_bytes', 'bigint'],
      ['storage_key', 'varchar'],
      ['released_at', 'timestamptz'],
      ['created_at', 'timestamptz'],
    ],
    catalog.flatMap((p) =>
      p.versions.map((v) => [
        v.id,
        p.name,
        v.version,
        v.versionNormalized,
        v.isDev,
        JSON.stringify(v.composerJson),
        v.shasum,
        v.sizeBytes,
        v.storageKey,
        v.releasedAt.toISOString(),
        v.releasedAt.toISOString(),
      ]),
    ),
    2000,
  );
  await bumpChangeClock(client);
  await client.query('COMMIT');
}

export async function seedCustomers(client: Client, customers: SeedCustomer[]): Promise<void> {
  await client.query('BEGIN');
  await insertColumns(
    client,
    'customers',
    [
      ['id', 'varchar'],
      ['name', 'varchar'],
      ['email', 'varchar'],
      ['external_id', 'varchar'],
      ['status', 'varchar'],
      ['status_reason', 'varchar'],
      ['status_changed_at', 'timestamptz'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
      ['access_changed_at', 'timestamptz'],
    ],
    customers.map((c) => {
      const changed = c.accessChangedAt.toISOString();
      return [
        c.id,
        c.name,
        c.email,
        c.externalId,
        c.status,
        c.statusReason,
        c.statusReason ? changed : null,
        c.createdAt.toISOString(),
        changed,
        changed,
      ];
    }),
  );
  await insertColumns(
    client,
    'customer_tokens',
    [
      ['id', 'varchar'],
      ['customer_id', 'varchar'],
      ['token_hash', 'bpchar'],
      ['prefix', 'varchar'],
      ['label', 'varchar'],
      ['created_at', 'timestamptz'],
      ['expires_at', 'timestamptz'],
    ],
    customers.flatMap((c) =>
      c.tokens.map((t) => [
        t.id,
        c.id,
        hashToken(t.secret),
        visiblePrefix(t.secret),
        t.label,
        c.createdAt.toISOString(),
        t.expiresAt?.toISOString() ?? null,
      ]),
    ),
  );
  await insertColumns(
    client,
    'access_grants',
    [
      ['customer_id', 'varchar'],
      ['package_name', 'varchar'],
      ['constraint', 'varchar'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
    customers.flatMap((c) =>
      c.grants.map((g) => [
        c.id,
        g.packageName,
        g.constraint,
        c.createdAt.toISOString(),
        c.accessChangedAt.toISOString(),
      ]),
    ),
  );
  await bumpChangeClock(client);
  await client.query('COMMIT');
}

/** Keeps the server's invariant: the change clock is never behind a stamp already stored. */
async function bumpChangeClock(client: Client): Promise<void> {
  await client.query(`
    UPDATE "change_clock" SET "last_stamp" = GREATEST("last_stamp",
      (SELECT COALESCE(MAX("contents_changed_at"), '-infinity') FROM "packages"),
      (SELECT COALESCE(MAX("access_changed_at"), '-infinity') FROM "customers"))
    WHERE "id" = 1`);
}

/** Fresh statistics and visibility map, so autovacuum has nothing to do (and count) while we measure. */
export async function vacuumAnalyze(client: Client): Promise<void> {
  await client.query('VACUUM (ANALYZE)');
}
