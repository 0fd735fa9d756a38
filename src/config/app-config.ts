import { randomBytes } from 'node:crypto';
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
  accessDeniedContact: string;
  /** How often the expiry sweep records lapsed subscriptions; 0 disables the timer. */
  expirySweepSeconds: number;
  /** Unset: the Stripe webhook receiver answers 404. */
  stripeWebhookSecret: string | undefined;
  /** Unset: the Paddle webhook receiver answers 404. */
  paddleWebhookSecret: string | undefined;
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

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  constructor(public readonly variable: string, problem: string) {
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

function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${raw}"`);
  return raw as T;
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
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters long');
  const metricsPort = env.METRICS_PORT ? readInteger(env, 'METRICS_PORT', 0, 1, 65535) : undefined;
  if (metricsPort !== undefined && metricsPort === port) throw new ConfigError('METRICS_PORT', `must differ from PORT (${port})`);
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
    accessDeniedContact,
    expirySweepSeconds,
    stripeWebhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
    paddleWebhookSecret: env.PADDLE_WEBHOOK_SECRET || undefined,
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: readChoice(env, 'LOG_FORMAT', ['json', 'pretty'] as const, nodeEnv === 'development' ? 'pretty' : 'json'),
    metricsToken,
    metricsPort,
    shutdownTimeoutSeconds: readInteger(env, 'SHUTDOWN_TIMEOUT_SECONDS', 25, 0, 3600),
  };
}
