import { MirrorRef } from './git-mirror';
import { RefReport } from './git-sync.entity';
import { branchVersion, RefVersion, tagVersion } from './ref-versions';

/** What the package has now, as far as a sync cares. */
export interface CurrentVersion {
  version: string;
  versionNormalized: string;
  gitReference: string | null;
  defaultBranch: boolean;
}

export interface PlannedRef {
  ref: MirrorRef;
  commit: string;
  committedAt: Date;
  target: RefVersion;
  defaultBranch: boolean;
}

export interface SyncPlan {
  /** Refs whose version is new, or whose commit (or default-branch flag) changed: archive and publish. */
  build: PlannedRef[];
  unchanged: PlannedRef[];
  /** Refs that give no version, with the reason. */
  skipped: RefReport[];
  /** Versions whose tag or branch is gone. */
  remove: CurrentVersion[];
}

export function refName(ref: Pick<MirrorRef, 'kind' | 'name'>): string {
  return `refs/${ref.kind === 'tag' ? 'tags' : 'heads'}/${ref.name}`;
}

/**
 * Decides, from the mirror's refs and the package's current versions, what a sync must do, by
 * Composer's VCS repository rules. A version is removed only when no ref gives it any more: a ref
 * that is still there but fails to build keeps its previous version.
 */
export function planSync(refs: MirrorRef[], current: CurrentVersion[], defaultBranch: string | null): SyncPlan {
  const plan: SyncPlan = { build: [], unchanged: [], skipped: [], remove: [] };
  const claimed = new Map<string, MirrorRef>();
  const byNormalized = new Map(current.map((version) => [version.versionNormalized, version]));
  const ordered = [...refs].sort((a, b) =>
    a.kind === b.kind ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.kind === 'tag' ? -1 : 1,
  );

  for (const ref of ordered) {
    const skip = (message: string) =>
      plan.skipped.push({ ref: refName(ref), version: null, outcome: 'skipped', message });
    const resolved = ref.kind === 'tag' ? tagVersion(ref.name) : branchVersion(ref.name);
    if (!resolved.ok) {
      skip(resolved.reason);
      continue;
    }
    if (!ref.commit || !ref.committedAt) {
      skip('it does not point to a commit');
      continue;
    }
    const target = resolved.value;
    const earlier = claimed.get(target.versionNormalized);
    if (earlier) {
      skip(`it conflicts with ${refName(earlier)}: both are version ${target.versionNormalized}`);
      continue;
    }
    claimed.set(target.versionNormalized, ref);
    const planned: PlannedRef = {
      ref,
      commit: ref.commit,
      committedAt: ref.committedAt,
      target,
      defaultBranch: ref.kind === 'branch' && ref.name === defaultBranch,
    };
    const existing = byNormalized.get(target.versionNormalized);
    const same = existing && existing.gitReference === ref.commit && existing.defaultBranch === planned.defaultBranch;
    (same ? plan.unchanged : plan.build).push(planned);
  }
  plan.remove = current.filter((version) => !claimed.has(version.versionNormalized));
  return plan;
}
