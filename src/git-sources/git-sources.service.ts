import { Inject, Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { newId, randomBase62 } from '../common/ids';
import { Page, PaginationQueryDto } from '../common/pagination.dto';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { isValidPackageName, PACKAGE_NAME_RULE } from '../packages/package-name';
import { PackagesService } from '../packages/packages.service';
import {
  CreatedGitSourceDto,
  CreateGitSourceDto,
  GitCredentialsDto,
  GitSourceDto,
  GitSyncDto,
  UpdateGitSourceDto,
  GitWebhookDeliveryDto,
  WebhookSecretDto,
} from './dto/git-source.dto';
import { GitCommandError } from './git-command';
import { ComposerJsonProblem, GitCredentials, GitMirror } from './git-mirror';
import {
  GitSourceNotFoundError,
  GitSyncNotFoundError,
  InvalidGitCredentialsError,
  InvalidGitUrlError,
  InvalidGitWebhookSignatureError,
  PackageNameTakenError,
  RepositoryComposerJsonError,
  RepositoryTooLargeError,
  RepositoryUnreachableError,
} from './git-sources.errors';
import { GitSource } from './git-source.entity';
import { GitSourceRepository } from './git-source.repository';
import { GitSync } from './git-sync.entity';
import { GitSyncRepository } from './git-sync.repository';
import { GitSyncRunner } from './git-sync-runner.service';
import { parseGitUrl, ParsedGitUrl } from './git-url';
import { SecretBox } from './secret-box';
import { isPingEvent, verifyGitWebhook, WebhookHeaders } from './webhook-signature';

const DEFAULT_HTTPS_USERNAME = 'x-access-token';

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

export function toSyncDto(sync: GitSync): GitSyncDto {
  return {
    id: sync.id,
    repository_id: sync.sourceId,
    status: sync.status,
    trigger: sync.trigger,
    requested_at: sync.requestedAt.toISOString(),
    started_at: sync.startedAt?.toISOString() ?? null,
    finished_at: sync.finishedAt?.toISOString() ?? null,
    error: sync.error,
    refs: sync.refs,
  };
}

/** Credentials as given, checked against the URL's transport: a token for https, a key for ssh. */
function credentialsFor(dto: GitCredentialsDto | null | undefined, url: ParsedGitUrl): GitCredentials | null {
  if (!dto) return null;
  if ((dto.password === undefined) === (dto.ssh_key === undefined)) {
    throw new InvalidGitCredentialsError(
      'credentials need exactly one of "password" (an HTTPS token or password) and "ssh_key"',
    );
  }
  if (dto.password !== undefined) {
    if (url.transport !== 'http')
      throw new InvalidGitCredentialsError('a password or token is only used with an https:// URL');
    return { kind: 'password', username: dto.username ?? DEFAULT_HTTPS_USERNAME, password: dto.password };
  }
  if (dto.username !== undefined)
    throw new InvalidGitCredentialsError('"username" goes with "password"; for SSH put the user in the URL');
  if (url.transport !== 'ssh')
    throw new InvalidGitCredentialsError('an SSH key is only used with an ssh:// or git@host:path URL');
  return { kind: 'ssh_key', privateKey: dto.ssh_key as string };
}

@Injectable()
export class GitSourcesService {
  constructor(
    private readonly sources: GitSourceRepository,
    private readonly syncs: GitSyncRepository,
    private readonly packages: PackagesService,
    private readonly runner: GitSyncRunner,
    private readonly secrets: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Fetches the repository once, to learn the package name from composer.json on its default
   * branch, then records it and queues the first sync. Nothing is kept when it is refused.
   */
  async create(dto: CreateGitSourceDto): Promise<CreatedGitSourceDto> {
    const url = parseGitUrl(dto.url);
    if ('problem' in url) throw new InvalidGitUrlError(dto.url, url.problem);
    const credentials = credentialsFor(dto.credentials, url);
    const id = newId('repo');
    const mirror = this.runner.mirrorFor(id);
    const webhookSecret = `whs_${randomBase62(32)}`;
    let source: GitSource;
    try {
      const { packageName, defaultBranch } = await this.inspect(mirror, url, credentials);
      await this.assertNameFree(packageName);
      const row = {
        id,
        url: url.url,
        packageName,
        defaultBranch,
        credentialsKind: credentials?.kind ?? null,
        credentialsSealed: credentials ? this.secrets.seal(JSON.stringify(credentials)) : null,
        webhookSecretSealed: this.secrets.seal(webhookSecret),
      };
      try {
        source = await this.sources.insert(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw new PackageNameTakenError(packageName, 'from another repository');
        throw error;
      }
    } catch (error) {
      await mirror.remove();
      throw error;
    }
    await this.runner.request(id, 'created');
    return { ...(await this.toDto(source)), webhook_secret: webhookSecret };
  }

  async list(query: PaginationQueryDto): Promise<Page<GitSourceDto>> {
    const [sources, total] = await this.sources.page(query.limit, query.offset);
    const data: GitSourceDto[] = [];
    for (const source of sources) data.push(await this.toDto(source));
    return { data, total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<GitSourceDto> {
    return this.toDto(await this.find(id));
  }

  async updateCredentials(id: string, dto: UpdateGitSourceDto): Promise<GitSourceDto> {
    const source = await this.find(id);
    const url = parseGitUrl(source.url);
    if ('problem' in url) throw new InvalidGitUrlError(source.url, url.problem);
    const credentials = credentialsFor(dto.credentials, url);
    await this.sources.update(id, {
      credentialsKind: credentials?.kind ?? null,
      credentialsSealed: credentials ? this.secrets.seal(JSON.stringify(credentials)) : null,
    });
    return this.get(id);
  }

  /** Deletes the repository, its package's versions (as deleting them by hand would) and its mirror. */
  async remove(id: string): Promise<void> {
    const source = await this.find(id);
    await this.sources.delete(id);
    await this.runner.cancel(id);
    await this.packages.deleteGitPackage(source.packageName, id);
    await this.runner.mirrorFor(id).remove();
  }

  async requestSync(id: string): Promise<GitSyncDto> {
    await this.find(id);
    return toSyncDto(await this.runner.request(id, 'manual'));
  }

  async getSync(id: string, syncId: string): Promise<GitSyncDto> {
    await this.find(id);
    const sync = await this.syncs.findOfSource(id, syncId);
    if (!sync) throw new GitSyncNotFoundError(id, syncId);
    return toSyncDto(sync);
  }

  async rotateWebhookSecret(id: string): Promise<WebhookSecretDto> {
    await this.find(id);
    const webhookSecret = `whs_${randomBase62(32)}`;
    await this.sources.update(id, { webhookSecretSealed: this.secrets.seal(webhookSecret) });
    return { repository_id: id, webhook_url: this.webhookUrl(id), webhook_secret: webhookSecret };
  }

  /** A push delivery: verified against the repository's secret, then joins (or queues) a sync. */
  async receiveWebhook(id: string, headers: WebhookHeaders, body: Buffer): Promise<GitWebhookDeliveryDto> {
    const source = await this.find(id);
    const secret = this.secrets.open(source.webhookSecretSealed);
    if (secret === undefined) {
      throw new InvalidGitWebhookSignatureError(
        'The webhook secret cannot be decrypted (SECRETS_KEY or ADMIN_TOKEN changed): rotate it',
      );
    }
    const verdict = verifyGitWebhook(headers, body, secret);
    if (!verdict.ok) throw new InvalidGitWebhookSignatureError(verdict.problem);
    if (isPingEvent(headers)) return { received: true, sync_id: null };
    const sync = await this.runner.request(id, 'webhook');
    return { received: true, sync_id: sync.id };
  }

  private async find(id: string): Promise<GitSource> {
    const source = await this.sources.findById(id);
    if (!source) throw new GitSourceNotFoundError(id);
    return source;
  }

  private async inspect(
    mirror: GitMirror,
    url: ParsedGitUrl,
    credentials: GitCredentials | null,
  ): Promise<{ packageName: string; defaultBranch: string | null }> {
    let refs;
    let defaultBranch: string | null;
    try {
      defaultBranch = await mirror.fetch(url, credentials);
      const size = await mirror.sizeBytes();
      if (size > this.config.repositoryMaxBytes)
        throw new RepositoryTooLargeError(size, this.config.repositoryMaxBytes);
      refs = await mirror.refs();
    } catch (error) {
      if (error instanceof GitCommandError) throw new RepositoryUnreachableError(error.message);
      throw error;
    }
    const branches = refs.filter((ref) => ref.kind === 'branch');
    const head =
      branches.find((ref) => ref.name === defaultBranch) ??
      branches.find((ref) => ref.name === 'main') ??
      branches.find((ref) => ref.name === 'master') ??
      branches[0];
    if (!head?.commit)
      throw new RepositoryComposerJsonError(
        'repository_empty',
        'The repository has no branch to read composer.json from',
      );
    let composerJson;
    try {
      composerJson = await mirror.composerJson(head.commit);
    } catch (error) {
      if (error instanceof ComposerJsonProblem)
        throw new RepositoryComposerJsonError('composer_json_invalid', `On branch ${head.name}: ${error.message}`);
      if (error instanceof GitCommandError) throw new RepositoryUnreachableError(error.message);
      throw error;
    }
    if (!composerJson) {
      throw new RepositoryComposerJsonError(
        'composer_json_missing',
        `The default branch ${head.name} has no composer.json at its root`,
      );
    }
    const name = composerJson.name;
    if (typeof name !== 'string' || !isValidPackageName(name)) {
      throw new RepositoryComposerJsonError(
        'package_name_missing',
        `composer.json on ${head.name} has ${name === undefined ? 'no "name"' : `the invalid name ${JSON.stringify(name)}`}: ${PACKAGE_NAME_RULE}`,
      );
    }
    return { packageName: name, defaultBranch: defaultBranch ?? head.name };
  }

  private async assertNameFree(packageName: string): Promise<void> {
    const other = await this.sources.findByPackageName(packageName);
    if (other) throw new PackageNameTakenError(packageName, `from the repository ${other.id}`);
    const pkg = await this.packages.findPackage(packageName);
    if (pkg)
      throw new PackageNameTakenError(
        packageName,
        pkg.gitSourceId ? `from the repository ${pkg.gitSourceId}` : 'by upload',
      );
  }

  private webhookUrl(id: string): string {
    return `${this.config.publicUrl}/webhooks/git/${id}`;
  }

  private async toDto(source: GitSource): Promise<GitSourceDto> {
    const { last: lastSync, pending: pendingSync } = await this.syncs.latestOf(source.id);
    return {
      id: source.id,
      url: source.url,
      package: source.packageName,
      default_branch: source.defaultBranch,
      credentials: source.credentialsKind,
      webhook_url: this.webhookUrl(source.id),
      created_at: source.createdAt.toISOString(),
      last_sync: lastSync ? toSyncDto(lastSync) : null,
      pending_sync: pendingSync ? toSyncDto(pendingSync) : null,
    };
  }
}
