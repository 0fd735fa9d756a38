/**
 * What an API key may do. Each admin route declares the one scope it needs (@RequireScope); a
 * route that declares none is for the root key (ADMIN_TOKEN) alone.
 */
export const SCOPES = [
  'customers:read',
  'customers:write',
  'access:write',
  'tokens:write',
  'packages:read',
  'packages:write',
  'events:read',
  'webhooks:manage',
  'api-keys:manage',
] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** The scope a route needs that the caller lacks, or undefined when the call is allowed. */
export function missingScope(
  granted: ReadonlySet<Scope> | 'all',
  required: Scope | undefined,
): Scope | 'root' | undefined {
  if (granted === 'all') return undefined;
  if (required === undefined) return 'root';
  return granted.has(required) ? undefined : required;
}
