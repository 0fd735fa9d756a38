import { branchVersion, checkComposerJson, tagVersion, unsafeRefName } from './ref-versions';

describe('tagVersion (Composer VcsRepository::validateTag)', () => {
  it.each([
    ['v2.3.0', 'v2.3.0', '2.3.0.0'],
    ['2.3.0', '2.3.0', '2.3.0.0'],
    ['2.3', '2.3', '2.3.0.0'],
    ['2.3.0-beta1', '2.3.0-beta1', '2.3.0.0-beta1'],
    ['v2.3.0-RC2', 'v2.3.0-RC2', '2.3.0.0-RC2'],
    ['1.2.3.4', '1.2.3.4', '1.2.3.4'],
    ['release-1.0.0', '1.0.0', '1.0.0.0'],
    ['1.0.0-patch1', '1.0.0-patch1', '1.0.0.0-patch1'],
  ])('%s is version %s (%s)', (tag, version, versionNormalized) => {
    expect(tagVersion(tag)).toEqual({ ok: true, value: { version, versionNormalized, isDev: false } });
  });

  it.each([
    ['not-a-version', 'not a Composer version'],
    ['latest', 'not a Composer version'],
    ['1.0.0-dev', 'dev version'],
    ['dev-main', 'dev version'],
    ['v1.0"', 'unsafe tag name'],
    ['-1.0.0', 'unsafe tag name'],
  ])('%s is skipped (%s)', (tag, reason) => {
    const result = tagVersion(tag);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});

describe('branchVersion (Composer VcsRepository branch rules)', () => {
  it.each([
    ['main', 'dev-main', 'dev-main'],
    ['master', 'dev-master', 'dev-master'],
    ['feature/login', 'dev-feature/login', 'dev-feature/login'],
    ['2.x', '2.x-dev', '2.9999999.9999999.9999999-dev'],
    ['2.1', '2.1.x-dev', '2.1.9999999.9999999-dev'],
    ['v3.x', 'v3.x-dev', '3.9999999.9999999.9999999-dev'],
    ['1.2.x', '1.2.x-dev', '1.2.9999999.9999999-dev'],
  ])('%s is %s (%s)', (branch, version, versionNormalized) => {
    expect(branchVersion(branch)).toEqual({ ok: true, value: { version, versionNormalized, isDev: true } });
  });

  it.each(['bad%name', 'quote"d', 'a..b', 'x'.repeat(91), 'café'])('skips the unsafe branch %s', (branch) => {
    const result = branchVersion(branch);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('unsafe branch name');
  });
});

describe('unsafeRefName', () => {
  it.each(['main', 'v1.0.0', 'feature/x-y_z', 'hotfix+1'])('accepts %s', (name) =>
    expect(unsafeRefName(name)).toBeUndefined(),
  );
  it.each(['', '/x', 'x/', 'a//b', 'x.lock', '%41', 'a b'])('refuses %j', (name) =>
    expect(unsafeRefName(name)).toBeDefined(),
  );
});

describe('checkComposerJson', () => {
  const tag = { version: 'v2.3.0', versionNormalized: '2.3.0.0', isDev: false };
  const branch = { version: 'dev-main', versionNormalized: 'dev-main', isDev: true };

  it.each([
    ['tag, no version field', 'tag', tag, { name: 'acme/widget' }, 'v2.3.0'],
    ['tag, agreeing version field', 'tag', tag, { name: 'acme/widget', version: '2.3.0' }, '2.3.0'],
    ['tag, version field with -dev', 'tag', tag, { name: 'acme/widget', version: '2.3.0-dev' }, '2.3.0'],
    ['branch, any version field', 'branch', branch, { name: 'acme/widget', version: '9.9.9' }, 'dev-main'],
  ] as const)('%s: published as %s', (_case, kind, ref, composerJson, version) => {
    expect(checkComposerJson(kind, ref, composerJson, 'acme/widget')).toEqual({ ok: true, value: { ...ref, version } });
  });

  it.each([
    ['another name', 'tag', tag, { name: 'acme/other' }, 'names the package "acme/other"'],
    ['no name', 'branch', branch, {}, 'names the package null'],
    [
      'contradicting version',
      'tag',
      tag,
      { name: 'acme/widget', version: '2.2.0' },
      'does not match the version (2.2.0.0)',
    ],
    ['version not a string', 'tag', tag, { name: 'acme/widget', version: 2 }, 'not a string'],
    ['version not a version', 'tag', tag, { name: 'acme/widget', version: 'soon' }, 'not a Composer version'],
  ] as const)('%s is skipped', (_case, kind, ref, composerJson, reason) => {
    const result = checkComposerJson(kind, ref, composerJson, 'acme/widget');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
