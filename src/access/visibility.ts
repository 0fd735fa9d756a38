import { Constraint, parseConstraints } from '../composer-semver';
import { CustomerStatus, hasLapsed, OnExpiry } from '../customers/customer-status';

export interface VersionRef {
  packageName: string;
  versionNormalized: string;
  releasedAt?: Date;
}

export interface GrantRule {
  packageName: string;
  constraint: string;
}

export type AccessDecision<V extends VersionRef> =
  { kind: 'denied'; status: 'suspended' | 'expired' } | { kind: 'allowed'; versions: Map<string, V[]> };

const parsedConstraints = new Map<string, Constraint>();

/** Grants are few and repeat across customers; parsing each distinct constraint once is enough. */
function constraintFor(text: string): Constraint {
  let parsed = parsedConstraints.get(text);
  if (!parsed) {
    parsed = parseConstraints(text);
    if (parsedConstraints.size > 10_000) parsedConstraints.clear();
    parsedConstraints.set(text, parsed);
  }
  return parsed;
}

/**
 * What a constraint matches in one package's version list, remembered per list. The caches hand out
 * the same list to every customer granted the package and replace it (never change it) when the
 * package changes, so rebuilding thousands of customers' views after a change matches nothing twice.
 */
const matchesByList = new WeakMap<readonly VersionRef[], Map<string, VersionRef[]>>();

function versionsMatching<V extends VersionRef>(versions: V[], constraintText: string): V[] {
  let byConstraint = matchesByList.get(versions);
  if (!byConstraint) matchesByList.set(versions, (byConstraint = new Map()));
  let matching = byConstraint.get(constraintText) as V[] | undefined;
  if (!matching) {
    const constraint = constraintFor(constraintText);
    matching = versions.filter((version) => constraint.matchesVersion(version.versionNormalized));
    byConstraint.set(constraintText, matching);
  }
  return matching;
}

/**
 * Versions each grant's Composer constraint lets through: what an active customer may install.
 * With `releasedBefore` (a subscription's end), only versions released before that instant.
 */
export function versionsAllowedByGrants<V extends VersionRef>(
  grants: GrantRule[],
  catalog: (packageName: string) => V[],
  releasedBefore?: Date,
): Map<string, V[]> {
  const visible = new Map<string, V[]>();
  for (const grant of grants) {
    const matching = versionsMatching(catalog(grant.packageName), grant.constraint).filter(
      (version) =>
        releasedBefore === undefined || (version.releasedAt !== undefined && version.releasedAt < releasedBefore),
    );
    if (matching.length > 0) visible.set(grant.packageName, matching);
  }
  return visible;
}

/** Exactly the pinned pairs that still exist in the catalog: what a frozen customer may install. */
export function versionsPinned<V extends VersionRef>(
  pins: VersionRef[],
  catalog: (packageName: string) => V[],
): Map<string, V[]> {
  const wanted = new Map<string, Set<string>>();
  for (const pin of pins) {
    const set = wanted.get(pin.packageName) ?? new Set<string>();
    set.add(pin.versionNormalized);
    wanted.set(pin.packageName, set);
  }
  const visible = new Map<string, V[]>();
  for (const [packageName, normalized] of wanted) {
    const matching = catalog(packageName).filter((version) => normalized.has(version.versionNormalized));
    if (matching.length > 0) visible.set(packageName, matching);
  }
  return visible;
}

export interface CustomerAccessState {
  status: CustomerStatus;
  expiresAt: Date | null;
  onExpiry: OnExpiry;
}

/**
 * The single rule deciding what a customer sees at `now`, from their status, subscription end,
 * grants and frozen pins. A passed expires_at counts from its instant, before any job records it:
 * frozen-on-expiry then means what the grants allowed among versions released before the end.
 */
export function decideAccess<V extends VersionRef>(
  customer: CustomerAccessState,
  now: Date,
  grants: GrantRule[],
  pins: VersionRef[],
  catalog: (packageName: string) => V[],
): AccessDecision<V> {
  if (hasLapsed(customer, now)) {
    return customer.onExpiry === 'expire'
      ? { kind: 'denied', status: 'expired' }
      : { kind: 'allowed', versions: versionsAllowedByGrants(grants, catalog, customer.expiresAt ?? undefined) };
  }
  switch (customer.status) {
    case 'active':
      return { kind: 'allowed', versions: versionsAllowedByGrants(grants, catalog) };
    case 'frozen':
      return { kind: 'allowed', versions: versionsPinned(pins, catalog) };
    case 'suspended':
    case 'expired':
      return { kind: 'denied', status: customer.status };
  }
}
