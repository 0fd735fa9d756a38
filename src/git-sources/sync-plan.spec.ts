import { MirrorRef } from './git-mirror';
import { CurrentVersion, planSync } from './sync-plan';

const at = new Date('2024-01-01T00:00:00Z');
const tag = (name: string, commit: string | null = `c-${name}`): MirrorRef => ({
  kind: 'tag',
  name,
  commit,
  committedAt: commit ? at : null,
});
const branch = (name: string, commit = `c-${name}`): MirrorRef => ({ kind: 'branch', name, commit, committedAt: at });
const current = (
  version: string,
  versionNormalized: string,
  gitReference: string,
  defaultBranch = false,
): CurrentVersion => ({
  version,
  versionNormalized,
  gitReference,
  defaultBranch,
});

describe('planSync', () => {
  it('builds new refs, keeps unchanged ones and removes versions whose ref is gone', () => {
    const plan = planSync(
      [tag('v1.0.0'), tag('v1.1.0', 'moved'), branch('main')],
      [
        current('v1.0.0', '1.0.0.0', 'c-v1.0.0'),
        current('v1.1.0', '1.1.0.0', 'c-v1.1.0'),
        current('v0.9.0', '0.9.0.0', 'c-v0.9.0'),
      ],
      'main',
    );
    expect(plan.unchanged.map((p) => p.target.version)).toEqual(['v1.0.0']);
    expect(plan.build.map((p) => [p.target.version, p.commit, p.defaultBranch])).toEqual([
      ['v1.1.0', 'moved', false],
      ['dev-main', 'c-main', true],
    ]);
    expect(plan.remove.map((v) => v.version)).toEqual(['v0.9.0']);
  });

  it('rebuilds a branch whose default-branch flag changed, even on the same commit', () => {
    const plan = planSync(
      [branch('main'), branch('develop')],
      [current('dev-main', 'dev-main', 'c-main', true)],
      'develop',
    );
    expect(plan.build.map((p) => [p.target.version, p.defaultBranch])).toEqual([
      ['dev-develop', true],
      ['dev-main', false],
    ]);
  });

  it('skips refs that give no version, and the second of two tags with the same version', () => {
    const plan = planSync([tag('1.0.0'), tag('v1.0.0'), tag('nightly'), tag('v2.0.0', null), branch('a%b')], [], null);
    expect(plan.build.map((p) => p.ref.name)).toEqual(['1.0.0']);
    expect(plan.skipped.map((s) => [s.ref, s.message])).toEqual([
      ['refs/tags/nightly', expect.stringContaining('not a Composer version')],
      ['refs/tags/v1.0.0', expect.stringContaining('conflicts with refs/tags/1.0.0')],
      ['refs/tags/v2.0.0', 'it does not point to a commit'],
      ['refs/heads/a%b', expect.stringContaining('unsafe branch name')],
    ]);
  });

  it('keeps the version of a ref that still exists, whatever happens when it is built', () => {
    const plan = planSync([tag('v1.0.0', 'new')], [current('v1.0.0', '1.0.0.0', 'old')], null);
    expect(plan.remove).toEqual([]);
    expect(plan.build).toHaveLength(1);
  });
});
