import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { Clock } from '../common/clock';
import { accessDeniedMessage } from '../composer-repository/access-denied';
import { ComposerRepositoryService } from '../composer-repository/composer-repository.service';
import { DownloadsService } from '../composer-repository/downloads.service';
import { parseStability, Stability } from '../composer-semver';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { CustomerStatus, effectiveStatus } from '../customers/customer-status';
import { Customer } from '../customers/customer.entity';
import { CustomersService } from '../customers/customers.service';
import { PackagesService } from '../packages/packages.service';
import { PackageVersion } from '../packages/package-version.entity';
import { TokenDto } from '../tokens/dto/token.dto';
import { TokensService } from '../tokens/tokens.service';

/** A token as the portal's pages show it. */
export interface PortalToken {
  id: string;
  label: string | null;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

function portalToken(token: TokenDto): PortalToken {
  return {
    id: token.id,
    label: token.label,
    prefix: token.prefix,
    createdAt: new Date(token.created_at),
    lastUsedAt: token.last_used_at ? new Date(token.last_used_at) : null,
    expiresAt: token.expires_at ? new Date(token.expires_at) : null,
  };
}

export interface SignedIn {
  customer: Customer;
  tokenId: string;
}

export interface VersionLine {
  version: string;
  releasedAt: Date;
  stability: Stability;
}

export interface PackageAccess {
  name: string;
  /** null: not granted, only pinned by a freeze. */
  constraint: string | null;
  /** What this customer may install now, newest first (the Composer repository's own view). */
  versions: VersionLine[];
}

export interface AccessOverview {
  status: CustomerStatus;
  /** The sentence Composer prints to a refused customer; never the admin's reason. */
  deniedMessage: string | null;
  expiresAt: Date | null;
  packages: PackageAccess[];
}

export interface PackageDetails {
  name: string;
  constraint: string | null;
  versions: VersionLine[];
  /** The newest version the customer may install (tagged releases before dev branches), or null. */
  newest: {
    version: string;
    description: string | null;
    license: string[];
    require: Record<string, string>;
    readme: string | null;
  } | null;
}

export interface DownloadLine {
  packageName: string;
  version: string;
  downloadedAt: Date;
  token: string;
}

const RECENT_DOWNLOADS = 50;

/**
 * What a signed-in customer may read and do in the portal, assembled from the owning services:
 * access comes from the same per-customer view the Composer repository serves, so the portal can
 * never list a version Composer would refuse, nor hide one it would install.
 */
@Injectable()
export class PortalService {
  constructor(
    private readonly customers: CustomersService,
    private readonly access: AccessService,
    private readonly tokens: TokensService,
    private readonly packages: PackagesService,
    private readonly repository: ComposerRepositoryService,
    private readonly downloads: DownloadsService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The signed-in customer, or null when the session's token no longer works (revoked, expired, customer deleted). */
  async resume(customerId: string, tokenId: string): Promise<SignedIn | null> {
    const token = await this.tokens.findUsable(customerId, tokenId);
    if (!token) return null;
    return { customer: await this.customers.find(customerId), tokenId };
  }

  /** A pasted token's customer, or null; the caller counts failures. */
  async signIn(secret: string): Promise<{ customerId: string; tokenId: string } | null> {
    const token = await this.tokens.authenticate(secret);
    if (!token) return null;
    this.tokens.recordUse(token.tokenId);
    return token;
  }

  async overview(who: SignedIn): Promise<AccessOverview> {
    const { customer } = who;
    const status = effectiveStatus(customer, this.clock.now());
    const [grants, view] = await Promise.all([this.access.list(customer.id), this.repository.view(principalOf(who))]);
    const visible = view.kind === 'allowed' ? view.packages : new Map<string, { versions: PackageVersion[] }>();
    const packages: PackageAccess[] = grants.map((grant) => ({
      name: grant.package,
      constraint: grant.constraint,
      versions: (visible.get(grant.package)?.versions ?? []).map(versionLine),
    }));
    // A frozen customer keeps pinned versions of packages whose grant was revoked since.
    for (const [name, entry] of visible) {
      if (!grants.some((grant) => grant.package === name))
        packages.push({ name, constraint: null, versions: entry.versions.map(versionLine) });
    }
    packages.sort((a, b) => a.name.localeCompare(b.name));
    return {
      status,
      deniedMessage: view.kind === 'denied' ? accessDeniedMessage(view.status, this.config.accessDeniedContact) : null,
      expiresAt: customer.expiresAt,
      packages,
    };
  }

  /** null for a package the customer has no grant or pin for: the same as one that does not exist. */
  async packageDetails(who: SignedIn, packageName: string): Promise<PackageDetails | null> {
    const [grants, view] = await Promise.all([
      this.access.list(who.customer.id),
      this.repository.view(principalOf(who)),
    ]);
    const grant = grants.find((candidate) => candidate.package === packageName);
    const versions = view.kind === 'allowed' ? (view.packages.get(packageName)?.versions ?? []) : [];
    if (!grant && versions.length === 0) return null;
    const newest = versions.find((version) => !version.isDev) ?? versions[0];
    return {
      name: packageName,
      constraint: grant?.constraint ?? null,
      versions: versions.map(versionLine),
      newest: newest
        ? {
            version: newest.version,
            description: typeof newest.composerJson.description === 'string' ? newest.composerJson.description : null,
            license: licensesOf(newest.composerJson.license),
            require: requirementsOf(newest.composerJson.require),
            readme: await this.packages.readmeOf(newest.id),
          }
        : null,
    };
  }

  async listTokens(who: SignedIn): Promise<PortalToken[]> {
    return (await this.tokens.list(who.customer.id)).map(portalToken);
  }

  /** Self-service needs both the global switch and the customer's own. */
  canManageTokens(who: SignedIn): boolean {
    return this.config.portal.tokenSelfService && who.customer.portalTokenSelfService;
  }

  async issueToken(
    who: SignedIn,
    label: string,
    expiresAt: Date | undefined,
  ): Promise<{ record: PortalToken; secret: string }> {
    const issued = await this.tokens.issue(who.customer.id, label, expiresAt);
    return { record: portalToken(issued), secret: issued.token };
  }

  revokeToken(who: SignedIn, tokenId: string): Promise<void> {
    return this.tokens.revoke(who.customer.id, tokenId);
  }

  async recentDownloads(who: SignedIn): Promise<DownloadLine[]> {
    const [page, tokens] = await Promise.all([
      this.downloads.forCustomer(who.customer.id, RECENT_DOWNLOADS, 0),
      this.tokens.list(who.customer.id),
    ]);
    const names = new Map(
      tokens.map((token) => [token.id, token.label ? `${token.label} (${token.prefix}…)` : `${token.prefix}…`]),
    );
    return page.data.map((download) => ({
      packageName: download.package,
      version: download.version,
      downloadedAt: new Date(download.downloaded_at),
      token: download.token_id ? (names.get(download.token_id) ?? 'a revoked token') : '—',
    }));
  }
}

function principalOf(who: SignedIn) {
  return { kind: 'customer' as const, customerId: who.customer.id, tokenId: who.tokenId };
}

function versionLine(version: PackageVersion): VersionLine {
  return { version: version.version, releasedAt: version.releasedAt, stability: parseStability(version.version) };
}

function licensesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function requirementsOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
