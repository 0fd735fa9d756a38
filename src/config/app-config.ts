import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The whole runtime configuration, read once from the environment and validated at start.
 * Services receive it through DI (APP_CONFIG) instead of reading process.env themselves.
 */
export interface AppConfig {
  nodeEnv: string;
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  /** Unset: an embedded PostgreSQL is started under `${dataDir}/postgres`. */
  databaseUrl: string | undefined;
  adminToken: string;
  /** True when the admin token was generated on this start and must be shown to the operator once. */
  adminTokenGenerated: boolean;
  maxArchiveBytes: number;
  /** Memory for archive bytes served again without reading storage (filesystem storage); 0: always read. */
  archiveMemoryCacheBytes: number;
  /** Customers whose Composer views are loaded at start and after a full cache flush (most recently active first); 0: none. */
  warmUpCustomers: number;
  accessDeniedContact: string;
  /** How often the expiry sweep records lapsed subscriptions; 0 disables the timer. */
  expirySweepSeconds: number;
  /** Days a past-due subscription keeps access before billing suspends the customer (per-customer override possible). */
  billingGraceDays: number;
  /** Unset: the Stripe webhook receiver answers 404. */
  stripeWebhookSecret: string | undefined;
  /** Unset: the Paddle webhook receiver answers 404. */
  paddleWebhookSecret: string | undefined;
  /** Express's "trust proxy": which proxies may tell the client address (X-Forwarded-For); false: none. */
  trustProxy: boolean | number | string;
  /** Failed authentications tolerated per window, per client address and per token prefix. */
  authFailures: {
    perAddress: number;
    perTokenPrefix: number;
    windowSeconds: number;
    /** memory: one instance; postgres: counters shared by every instance on the database. */
    store: 'memory' | 'postgres';
  };
  portal: {
    title: string;
    logoUrl: string | undefined;
    /** A URL (https:, http: or mailto:), or undefined. */
    supportUrl: string | undefined;
    /** 32 bytes sealing the portal's session cookies. */
    sessionKey: Buffer;
    sessionIdleMinutes: number;
    /** Global switch for customers creating and revoking their own tokens (each customer has one too). */
    tokenSelfService: boolean;
  };
  /** Seals stored secrets (Git credentials, webhook secrets); unset: derived from ADMIN_TOKEN. */
  secretsKey: string | undefined;
  /** How often every Git repository is synced; 0 disables the timer. */
  repositorySyncMinutes: number;
  /** Largest Git repository (packed objects) a sync accepts. */
  repositoryMaxBytes: number;
  /** Limit on every Git command (ls-remote, fetch, archive, …). */
  gitTimeoutSeconds: number;
  /** How often archives and upload files no version references are looked for; 0 disables the timer. */
  archiveSweepMinutes: number;
  /** Where archives live: `$DATA_DIR/archives` (default) or an S3-compatible bucket. */
  archiveStorage: { kind: 'filesystem' } | ({ kind: 's3' } & S3Config);
  /** Unset: events are not published to NATS (webhooks still are). Also the NATS microservice transport's server. */
  natsUrl: string | undefined;
  /** Events go to `<prefix>.<type>`; message patterns to `<prefix>.rpc.<pattern>`. */
  natsSubjectPrefix: string;
  /** The JetStream stream that keeps published events for durable consumers. */
  natsStream: string;
  /** How often the relay looks for events committed elsewhere (it is also woken by each local commit). */
  relayPollMs: number;
  webhookRetryBaseMs: number;
  webhookRetryHours: number;
  webhookTimeoutMs: number;
  /** `none`: HTTP only; otherwise Packyard also answers message patterns on this transport. */
  microserviceTransport: 'none' | 'tcp' | 'nats';
  microservicePort: number;
  logLevel: LogLevel;
  /** `pretty` for people at a terminal, `json` (one object per line) for log collectors. */
  logFormat: 'json' | 'pretty';
  /** Bearer token that unlocks /metrics on the main port; unset: /metrics there answers 404. */
  metricsToken: string | undefined;
  /** A separate port serving only /metrics, without authentication (keep it off the public network). */
  metricsPort: number | undefined;
  /** How long a SIGTERM waits for requests and downloads in flight before closing anyway. */
  shutdownTimeoutSeconds: number;
}

export interface S3Config {
  bucket: string;
  /** Unset: AWS S3 itself. */
  endpoint: string | undefined;
  /** The endpoint customers reach the store at, for presigned URLs; unset: `endpoint`. */
  publicEndpoint: string | undefined;
  region: string;
  /** Unset: the AWS SDK's default credential chain (environment, instance role, …). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  forcePathStyle: boolean;
  /** How long a presigned download URL stays valid. */
  downloadUrlSeconds: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  constructor(
    public readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${url.protocol}"`);
  }
  return raw;
}

/** TRUST_PROXY as Express understands it: true/false, a hop count, or addresses/subnets ("loopback", "10.0.0.0/8"). */
function readTrustProxy(env: Env): boolean | number | string {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || /^false$/i.test(raw)) return false;
  if (/^true$/i.test(raw)) return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!/^[\w.:/, -]+$/.test(raw))
    throw new ConfigError('TRUST_PROXY', `must be true, false, a number of hops or a list of addresses, got "${raw}"`);
  return raw;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** A support link: a URL, or an email address (turned into a mailto: link). */
function readSupportUrl(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (/^[^\s@:/]+@[^\s@/]+\.[^\s@/]+$/.test(raw)) return `mailto:${raw}`;
  return readUrl(env, name, ['http:', 'https:', 'mailto:']);
}

/**
 * The key sealing portal session cookies: PORTAL_SESSION_SECRET when set (every instance must
 * share it), else derived from ADMIN_TOKEN, so changing either signs every customer out.
 */
function portalSessionKey(env: Env, adminToken: string): Buffer {
  const secret = env.PORTAL_SESSION_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < 32) {
    throw new ConfigError('PORTAL_SESSION_SECRET', 'must be at least 32 characters long');
  }
  return createHash('sha256')
    .update(`packyard portal session v1\0${secret || adminToken}`, 'utf8')
    .digest();
}

/** S3 bucket names: 3–63 lowercase letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function readArchiveStorage(env: Env): AppConfig['archiveStorage'] {
  const kind = env.ARCHIVE_STORAGE || 'filesystem';
  if (kind === 'filesystem') return { kind };
  if (kind !== 's3') throw new ConfigError('ARCHIVE_STORAGE', `must be "filesystem" or "s3", got "${kind}"`);
  const bucket = env.S3_BUCKET;
  if (!bucket) throw new ConfigError('S3_BUCKET', 'is required when ARCHIVE_STORAGE=s3');
  if (!BUCKET_NAME.test(bucket)) throw new ConfigError('S3_BUCKET', `is not a valid bucket name: "${bucket}"`);
  const accessKeyId = env.S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY || undefined;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new ConfigError(
      accessKeyId ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID',
      'must be set together with the other S3 key variable',
    );
  }
  return {
    kind,
    bucket,
    endpoint: readUrl(env, 'S3_ENDPOINT', ['http:', 'https:']),
    publicEndpoint: readUrl(env, 'S3_PUBLIC_ENDPOINT', ['http:', 'https:']),
    region: env.S3_REGION || 'us-east-1',
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    forcePathStyle: readBoolean(env, 'S3_FORCE_PATH_STYLE', false),
    downloadUrlSeconds: readInteger(env, 'S3_DOWNLOAD_URL_SECONDS', 300, 10, 86400),
  };
}

function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw))
    throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${raw}"`);
  return raw as T;
}

function readName(env: Env, name: string, pattern: RegExp, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!pattern.test(raw)) throw new ConfigError(name, `must match ${pattern.source}, got "${raw}"`);
  return raw;
}

const ADMIN_TOKEN_FILE = 'admin-token';

/**
 * Outside production an operator should not have to invent a secret to try Packyard, so one is
 * generated on first start and kept in DATA_DIR; later starts reuse it.
 */
function resolveAdminToken(env: Env, nodeEnv: string, dataDir: string): { token: string; generated: boolean } {
  const configured = env.ADMIN_TOKEN;
  if (configured !== undefined && configured !== '') {
    if (configured.length < 16) throw new ConfigError('ADMIN_TOKEN', 'must be at least 16 characters long');
    return { token: configured, generated: false };
  }
  if (nodeEnv === 'production') throw new ConfigError('ADMIN_TOKEN', 'is required when NODE_ENV=production');
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 16) return { token: stored, generated: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = `adm_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, generated: true };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = env.NODE_ENV || 'development';
  const port = readInteger(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST || '0.0.0.0';
  const publicUrl = (readUrl(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const dataDir = resolve(env.DATA_DIR || './var');
  const databaseUrl = readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const admin = resolveAdminToken(env, nodeEnv, dataDir);
  const maxArchiveMb = readInteger(env, 'MAX_ARCHIVE_MB', 100, 1, 10240);
  const accessDeniedContact = env.ACCESS_DENIED_CONTACT || 'Please contact the package vendor to restore access.';
  const expirySweepSeconds = readInteger(env, 'EXPIRY_SWEEP_SECONDS', 60, 0, 86400);
  const authFailureStore = env.AUTH_FAILURE_STORE || 'memory';
  if (authFailureStore !== 'memory' && authFailureStore !== 'postgres') {
    throw new ConfigError('AUTH_FAILURE_STORE', `must be "memory" or "postgres", got "${authFailureStore}"`);
  }
  const portalTitle = (env.PORTAL_TITLE ?? '').trim() || 'Packyard';
  if (portalTitle.length > 100) throw new ConfigError('PORTAL_TITLE', 'must be at most 100 characters long');
  const billingGraceDays = readInteger(env, 'BILLING_GRACE_DAYS', 0, 0, 365);
  const secretsKey = env.SECRETS_KEY || undefined;
  if (secretsKey !== undefined && secretsKey.length < 16)
    throw new ConfigError('SECRETS_KEY', 'must be at least 16 characters long');
  const natsUrl = readUrl(env, 'NATS_URL', ['nats:', 'tls:']);
  const microserviceTransport = readChoice(env, 'MICROSERVICE_TRANSPORT', ['none', 'tcp', 'nats'] as const, 'none');
  if (microserviceTransport === 'nats' && !natsUrl)
    throw new ConfigError('MICROSERVICE_TRANSPORT', 'is "nats" but NATS_URL is not set');
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16)
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters long');
  const metricsPort = env.METRICS_PORT ? readInteger(env, 'METRICS_PORT', 0, 1, 65535) : undefined;
  if (metricsPort !== undefined && metricsPort === port)
    throw new ConfigError('METRICS_PORT', `must differ from PORT (${port})`);
  return {
    nodeEnv,
    port,
    host,
    publicUrl,
    dataDir,
    databaseUrl,
    adminToken: admin.token,
    adminTokenGenerated: admin.generated,
    maxArchiveBytes: maxArchiveMb * 1024 * 1024,
    archiveMemoryCacheBytes: readInteger(env, 'ARCHIVE_MEMORY_CACHE_MB', 128, 0, 65536) * 1024 * 1024,
    warmUpCustomers: readInteger(env, 'WARM_UP_CUSTOMERS', 20_000, 0, 1_000_000),
    accessDeniedContact,
    expirySweepSeconds,
    billingGraceDays,
    stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
    paddleWebhookSecret: env.PADDLE_WEBHOOK_SECRET || undefined,
    trustProxy: readTrustProxy(env),
    authFailures: {
      perAddress: readInteger(env, 'AUTH_FAILURES_PER_ADDRESS', 30, 1, 1_000_000),
      perTokenPrefix: readInteger(env, 'AUTH_FAILURES_PER_TOKEN_PREFIX', 10, 1, 1_000_000),
      windowSeconds: readInteger(env, 'AUTH_FAILURE_WINDOW_SECONDS', 300, 1, 86400),
      store: authFailureStore,
    },
    portal: {
      title: portalTitle,
      logoUrl: readUrl(env, 'PORTAL_LOGO_URL', ['http:', 'https:']),
      supportUrl: readSupportUrl(env, 'PORTAL_SUPPORT_URL'),
      sessionKey: portalSessionKey(env, admin.token),
      sessionIdleMinutes: readInteger(env, 'PORTAL_SESSION_IDLE_MINUTES', 30, 1, 10080),
      tokenSelfService: readBoolean(env, 'PORTAL_TOKEN_SELF_SERVICE', true),
    },
    secretsKey,
    repositorySyncMinutes: readInteger(env, 'REPOSITORY_SYNC_MINUTES', 60, 0, 10080),
    repositoryMaxBytes: readInteger(env, 'REPOSITORY_MAX_MB', 1024, 1, 1048576) * 1024 * 1024,
    gitTimeoutSeconds: readInteger(env, 'GIT_TIMEOUT_SECONDS', 300, 1, 86400),
    archiveSweepMinutes: readInteger(env, 'ARCHIVE_SWEEP_MINUTES', 60, 0, 10080),
    archiveStorage: readArchiveStorage(env),
    natsUrl,
    natsSubjectPrefix: readName(env, 'NATS_SUBJECT_PREFIX', /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'packyard'),
    natsStream: readName(env, 'NATS_STREAM', /^[A-Za-z0-9_-]{1,64}$/, 'PACKYARD'),
    relayPollMs: readInteger(env, 'RELAY_POLL_MS', 1000, 50, 600_000),
    webhookRetryBaseMs: readInteger(env, 'WEBHOOK_RETRY_BASE_MS', 10_000, 10, 3_600_000),
    webhookRetryHours: readInteger(env, 'WEBHOOK_RETRY_HOURS', 24, 1, 720),
    webhookTimeoutMs: readInteger(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    microserviceTransport,
    microservicePort: readInteger(env, 'MICROSERVICE_PORT', 4000, 0, 65535),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: readChoice(
      env,
      'LOG_FORMAT',
      ['json', 'pretty'] as const,
      nodeEnv === 'development' ? 'pretty' : 'json',
    ),
    metricsToken,
    metricsPort,
    shutdownTimeoutSeconds: readInteger(env, 'SHUTDOWN_TIMEOUT_SECONDS', 25, 0, 3600),
  };
}
