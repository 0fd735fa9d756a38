import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AsyncResource } from 'node:async_hooks';
import { join } from 'node:path';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { PackagesService } from '../packages/packages.service';
import { GitCommandError } from './git-command';
import { ComposerJsonProblem, GitCredentials, GitMirror } from './git-mirror';
import { RepositoryTooLargeError } from './git-sources.errors';
import { GitSource } from './git-source.entity';
import { GitSourceRepository } from './git-source.repository';
import { GitSync, RefReport, SyncTrigger } from './git-sync.entity';
import { GitSyncRepository } from './git-sync.repository';
import { parseGitUrl } from './git-url';
import { checkComposerJson } from './ref-versions';
import { SecretBox } from './secret-box';
import { PlannedRef, planSync, refName } from './sync-plan';

/** Ends a sync as failed, with a message for the admin; the package keeps its versions. */
class SyncFailure extends Error {}

interface Worker {
  controller: AbortController;
  /** Another sync was requested while this worker ran: look for a queued one before stopping. */
  again: boolean;
  done: Promise<void>;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

export const PERIODIC_SYNC = 'git-sources-periodic-sync';

/**
 * Runs syncs in the background. The database is the queue: a partial unique index allows one
 * queued and one running sync per repository, so a burst of pushes joins the queued sync, and only
 * one instance runs a repository's sync at a time.
 */
@Injectable()
export class GitSyncRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GitSyncRunner.name);
  private readonly workers = new Map<string, Worker>();
  private stopping = false;
  /**
   * The async context workers run in, taken when no request is running. A sync requested inside a
   * unit of work (an idempotent POST) would otherwise inherit that unit and go on using its
   * transaction after it committed.
   */
  private readonly outsideRequests = new AsyncResource('GitSyncWorker');

  constructor(
    private readonly sources: GitSourceRepository,
    private readonly syncs: GitSyncRepository,
    private readonly packages: PackagesService,
    private readonly secrets: SecretBox,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  mirrorFor(sourceId: string, signal?: AbortSignal): GitMirror {
    return new GitMirror(join(this.config.dataDir, 'repositories', `${sourceId}.git`), this.limits, signal);
  }

  get limits() {
    return { timeoutMs: this.config.gitTimeoutSeconds * 1000, maxArchiveBytes: this.config.maxArchiveBytes };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.recoverInterrupted();
    for (const sourceId of await this.syncs.listQueuedSourceIds()) this.kick(sourceId);
    if (this.config.repositorySyncMinutes > 0) {
      const timer = setInterval(() => {
        this.syncAll().catch((error: Error) => this.logger.error(`Periodic repository sync failed: ${error.message}`));
      }, this.config.repositorySyncMinutes * 60_000);
      timer.unref();
      this.scheduler.addInterval(PERIODIC_SYNC, timer);
    }
  }

  /** Cancels running Git commands and waits for the syncs to record how they ended. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const worker of this.workers.values()) worker.controller.abort();
    await Promise.all([...this.workers.values()].map((worker) => worker.done));
  }

  /** Queues a sync, or joins the one already queued; returns it. */
  async request(sourceId: string, trigger: SyncTrigger): Promise<GitSync> {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      try {
        const created = await this.syncs.insertQueued(sourceId, trigger);
        this.kick(sourceId);
        return created;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const queued = await this.syncs.findQueued(sourceId);
      if (queued) {
        this.kick(sourceId);
        return queued;
      }
    }
    throw new Error(`Could not queue a sync of ${sourceId}`);
  }

  /** Stops this instance's sync of the repository (it is being deleted) and waits for it. */
  async cancel(sourceId: string): Promise<void> {
    const worker = this.workers.get(sourceId);
    if (!worker) return;
    worker.controller.abort();
    await worker.done;
  }

  /** Requests a sync of every repository (the periodic catch-up for missed webhooks). */
  async syncAll(): Promise<void> {
    await this.recoverInterrupted();
    for (const sourceId of await this.sources.listIds()) await this.request(sourceId, 'schedule');
  }

  private kick(sourceId: string): void {
    if (this.stopping) return;
    const existing = this.workers.get(sourceId);
    if (existing) {
      existing.again = true;
      return;
    }
    const worker: Worker = { controller: new AbortController(), again: false, done: Promise.resolve() };
    this.workers.set(sourceId, worker);
    worker.done = this.outsideRequests
      .runInAsyncScope(() => this.drain(sourceId, worker))
      .catch((error: Error) => this.logger.error(`Sync worker for ${sourceId} stopped: ${error.message}`))
      .finally(() => this.workers.delete(sourceId));
  }

  private async drain(sourceId: string, worker: Worker): Promise<void> {
    for (;;) {
      worker.again = false;
      if (worker.controller.signal.aborted) return;
      const sync = await this.claim(sourceId);
      if (sync) {
        await this.run(sync, worker.controller.signal);
        continue;
      }
      if (!worker.again) return;
    }
  }

  /** queued → running, unless this repository's sync is already running (here or on another instance). */
  private async claim(sourceId: string): Promise<GitSync | null> {
    try {
      return await this.syncs.claimQueued(sourceId);
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  private async run(sync: GitSync, signal: AbortSignal): Promise<void> {
    const source = await this.sources.findById(sync.sourceId);
    if (!source) return;
    const refs: RefReport[] = [];
    let error: string | null = null;
    try {
      await this.syncSource(source, signal, refs);
    } catch (failure) {
      if (failure instanceof SyncFailure) {
        error = failure.message;
      } else {
        this.logger.error(
          `Sync ${sync.id} of ${source.id} failed unexpectedly: ${(failure as Error).stack ?? String(failure)}`,
        );
        error = `internal error: ${(failure as Error).message}`;
      }
    }
    await this.syncs.finish(sync.id, error, refs);
  }

  /** `reports` is filled as refs are done, so a sync that fails later still says what it did. */
  private async syncSource(source: GitSource, signal: AbortSignal, reports: RefReport[]): Promise<void> {
    const url = parseGitUrl(source.url);
    if ('problem' in url) throw new SyncFailure(`The repository URL is refused: ${url.problem}`);
    const credentials = this.openCredentials(source);
    const mirror = this.mirrorFor(source.id, signal);

    let defaultBranch: string | null;
    try {
      // Servers that do not advertise HEAD (dumb HTTP) keep the default branch found when it was added.
      defaultBranch = (await mirror.fetch(url, credentials)) ?? source.defaultBranch;
    } catch (error) {
      if (error instanceof GitCommandError)
        throw new SyncFailure(`fetch failed, previous versions kept: ${error.message}`);
      throw error;
    }
    const size = await this.gitStep(() => mirror.sizeBytes());
    if (size > this.config.repositoryMaxBytes) {
      await mirror.remove();
      throw new SyncFailure(new RepositoryTooLargeError(size, this.config.repositoryMaxBytes).message);
    }
    if (defaultBranch !== source.defaultBranch) {
      await this.sources.update(source.id, { defaultBranch });
    }

    const owner = await this.packages.findPackage(source.packageName);
    if (owner && owner.gitSourceId !== source.id) {
      throw new SyncFailure(
        `${source.packageName} is published ${owner.gitSourceId ? `from the repository ${owner.gitSourceId}` : 'by upload'}; nothing was synced`,
      );
    }
    const current = owner ? await this.packages.listVersions(source.packageName) : [];
    const plan = planSync(await this.gitStep(() => mirror.refs()), current, defaultBranch);

    reports.push(...plan.skipped);
    for (const planned of plan.unchanged) {
      reports.push({ ref: refName(planned.ref), version: planned.target.version, outcome: 'unchanged', message: null });
    }
    const existing = new Set(current.map((version) => version.versionNormalized));
    for (const planned of plan.build) {
      if (signal.aborted)
        throw new SyncFailure('the sync was cancelled (repository deleted or server stopping); finished refs are kept');
      reports.push(await this.buildRef(source, mirror, planned, existing.has(planned.target.versionNormalized)));
    }
    if (plan.remove.length > 0) {
      if (!(await this.stillExists(source.id))) throw new SyncFailure('the repository was deleted during the sync');
      await this.packages.removeGitVersions(
        source.packageName,
        source.id,
        plan.remove.map((version) => version.versionNormalized),
      );
      for (const version of plan.remove) {
        reports.push({
          ref: version.version,
          version: version.version,
          outcome: 'removed',
          message: 'its tag or branch is gone',
        });
      }
    }
  }

  /** One ref, all or nothing: its version is replaced only once composer.json, archive and publish all succeeded. */
  private async buildRef(
    source: GitSource,
    mirror: GitMirror,
    planned: PlannedRef,
    replacing: boolean,
  ): Promise<RefReport> {
    const report = (outcome: RefReport['outcome'], message: string | null): RefReport => ({
      ref: refName(planned.ref),
      version: planned.target.version,
      outcome,
      message,
    });
    try {
      const composerJson = await mirror.composerJson(planned.commit);
      if (!composerJson) {
        return replacing
          ? report('failed', 'no composer.json at the root of this ref; the previous version is kept')
          : report('skipped', 'no composer.json at the root of this ref');
      }
      const checked = checkComposerJson(planned.ref.kind, planned.target, composerJson, source.packageName);
      if (!checked.ok)
        return report(
          replacing ? 'failed' : 'skipped',
          `${checked.reason}${replacing ? '; the previous version is kept' : ''}`,
        );
      const archive = await mirror.archive(planned.commit);
      if (!(await this.stillExists(source.id))) throw new SyncFailure('the repository was deleted during the sync');
      await this.packages.putGitVersion({
        packageName: source.packageName,
        gitSourceId: source.id,
        archive,
        version: checked.value.version,
        versionNormalized: checked.value.versionNormalized,
        isDev: checked.value.isDev,
        releasedAt: planned.committedAt,
        reference: planned.commit,
        defaultBranch: planned.defaultBranch,
      });
      return { ...report(replacing ? 'updated' : 'published', null), version: checked.value.version };
    } catch (error) {
      if (error instanceof ComposerJsonProblem || error instanceof GitCommandError || error instanceof DomainError) {
        if (error instanceof GitCommandError && error.kind === 'aborted')
          throw new SyncFailure('the sync was cancelled');
        return report('failed', `${error.message}${replacing ? '; the previous version is kept' : ''}`);
      }
      throw error;
    }
  }

  private async gitStep<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof GitCommandError) throw new SyncFailure(`reading the mirror failed: ${error.message}`);
      throw error;
    }
  }

  private openCredentials(source: GitSource): GitCredentials | null {
    if (!source.credentialsSealed) return null;
    const opened = this.secrets.open(source.credentialsSealed);
    if (opened === undefined) {
      throw new SyncFailure(
        'the stored credentials cannot be decrypted (SECRETS_KEY or ADMIN_TOKEN changed): set them again',
      );
    }
    return JSON.parse(opened) as GitCredentials;
  }

  private async stillExists(sourceId: string): Promise<boolean> {
    return this.sources.exists(sourceId);
  }

  /**
   * A sync left running by a stopped process would block its repository forever. Every Git command
   * has a timeout, so a sync far older than that is no longer running anywhere.
   */
  private async recoverInterrupted(): Promise<void> {
    const staleSeconds = Math.max(this.config.gitTimeoutSeconds * 6, 900);
    await this.syncs.failInterrupted(staleSeconds);
  }
}
