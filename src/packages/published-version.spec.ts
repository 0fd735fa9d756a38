import { normalizePublishedVersion, resolvePublishedVersion } from './published-version';

describe('normalizePublishedVersion', () => {
  it.each([
    ['1.0.0', '1.0.0.0', false],
    ['v1.0.0', '1.0.0.0', false],
    [' 1.2 ', '1.2.0.0', false],
    ['1.2.3.4', '1.2.3.4', false],
    ['1.0.0-beta2', '1.0.0.0-beta2', false],
    ['2.0.0-RC1', '2.0.0.0-RC1', false],
    ['1.0.0-patch1', '1.0.0.0-patch1', false],
    ['dev-main', 'dev-main', true],
    ['dev-feature/login', 'dev-feature/login', true],
    ['1.x-dev', '1.9999999.9999999.9999999-dev', true],
    ['2.1.x-dev', '2.1.9999999.9999999-dev', true],
  ])('%p is %p (dev: %p)', (raw, normalized, isDev) => {
    expect(normalizePublishedVersion(raw)).toEqual({ version: raw.trim(), versionNormalized: normalized, isDev });
  });

  it.each([[''], ['latest'], ['1.0.0.0.0'], ['1.0 as 2.0'], ['1.0.0@beta'], ['^1.0'], ['1.0.0'.padEnd(101, '0')]])('refuses %p', (raw) => {
    expect(() => normalizePublishedVersion(raw)).toThrow(expect.objectContaining({ code: 'invalid_version', status: 422 }));
  });
});

describe('resolvePublishedVersion', () => {
  it('takes the form field when composer.json has no version', () => {
    expect(resolvePublishedVersion('acme/widget', 'v2.0.0', {}).version).toBe('v2.0.0');
  });

  it("takes composer.json's version when no field is sent", () => {
    expect(resolvePublishedVersion('acme/widget', undefined, { version: '1.5.0' }).versionNormalized).toBe('1.5.0.0');
  });

  it('accepts both when they are the same version, keeping the field spelling', () => {
    expect(resolvePublishedVersion('acme/widget', 'v1.5', { version: '1.5.0' }).version).toBe('v1.5');
  });

  it('refuses two different versions', () => {
    expect(() => resolvePublishedVersion('acme/widget', '2.0.0', { version: '1.5.0' })).toThrow(
      expect.objectContaining({ code: 'version_mismatch' }),
    );
  });

  it('refuses when neither gives a version', () => {
    expect(() => resolvePublishedVersion('acme/widget', undefined, {})).toThrow(expect.objectContaining({ code: 'version_missing' }));
  });

  it('refuses a composer.json version that is not a string', () => {
    expect(() => resolvePublishedVersion('acme/widget', undefined, { version: 1.5 })).toThrow(
      expect.objectContaining({ code: 'invalid_version' }),
    );
  });
});
