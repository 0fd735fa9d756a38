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

  it.each([[''], ['latest'], ['1.0.0.0.0'], ['1.0 as 2.0'], ['1.0.0@beta'], ['^1.0'], ['1.0.0'.padEnd(101, '0')]])(
    'refuses %p',
    (raw) => {
      expect(() => normalizePublishedVersion(raw)).toThrow(
        expect.objectContaining({ code: 'invalid_version', status: 422 }),
      );
    },
  );
});

describe('normalizePublishedVersion at the 100-character limit', () => {
  it('accepts a version of exactly 100 characters', () => {
    const raw = `dev-${'a'.repeat(96)}`;
    expect(normalizePublishedVersion(raw)).toEqual({ version: raw, versionNormalized: raw, isDev: true });
  });

  it('refuses a version of 101 characters, saying why', () => {
    expect(() => normalizePublishedVersion(`dev-${'a'.repeat(97)}`)).toThrow(
      expect.objectContaining({
        code: 'invalid_version',
        message: expect.stringContaining('it is longer than 100 characters'),
      }),
    );
  });

  it('accepts a version whose normalized form is exactly 100 characters', () => {
    const raw = `1.0.${'0'.repeat(94)}`;
    expect(normalizePublishedVersion(raw).versionNormalized).toHaveLength(100);
  });

  it('refuses a version over 100 characters even when its normalized form is short (build metadata)', () => {
    expect(() => normalizePublishedVersion(`1.0.0+${'a'.repeat(100)}`)).toThrow(
      expect.objectContaining({
        code: 'invalid_version',
        message: expect.stringContaining('it is longer than 100 characters'),
      }),
    );
  });

  it('refuses a short version whose normalized form is longer than 100 characters', () => {
    expect(() => normalizePublishedVersion(`1.0.${'0'.repeat(95)}`)).toThrow(
      expect.objectContaining({
        code: 'invalid_version',
        message: expect.stringContaining('it is longer than 100 characters'),
      }),
    );
  });
});

describe('normalizePublishedVersion refusals name the reason', () => {
  it.each([
    ['', 'it is empty'],
    ['   ', 'it is empty'],
    ['1.0 as 2.0', 'it contains whitespace'],
    ['1.0\t2.0', 'it contains whitespace'],
    ['1.0.0@stable', 'a stability flag belongs in a constraint'],
    ['1.0.0@RC', 'a stability flag belongs in a constraint'],
    ['1.0.0@beta', 'a stability flag belongs in a constraint'],
    ['1.0.0@Alpha', 'a stability flag belongs in a constraint'],
    ['1.0.0@dev', 'a stability flag belongs in a constraint'],
    ['latest', 'Invalid version string "latest"'],
  ])('%j: %s', (raw, reason) => {
    expect(() => normalizePublishedVersion(raw)).toThrow(
      expect.objectContaining({
        code: 'invalid_version',
        status: 422,
        message: expect.stringContaining(reason),
        details: { version: raw },
      }),
    );
  });

  it('does not mistake a flag-like word inside a version for a stability flag', () => {
    expect(() => normalizePublishedVersion('1.0.0@beta1')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('stability flag') }),
    );
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

  it('checks the composer.json version even when the field is given', () => {
    expect(() => resolvePublishedVersion('acme/widget', '1.5.0', { version: 'not a version' })).toThrow(
      expect.objectContaining({ code: 'invalid_version' }),
    );
  });

  it('returns the whole resolved version', () => {
    expect(resolvePublishedVersion('acme/widget', undefined, { version: 'dev-main' })).toEqual({
      version: 'dev-main',
      versionNormalized: 'dev-main',
      isDev: true,
    });
  });

  it('refuses when neither gives a version', () => {
    expect(() => resolvePublishedVersion('acme/widget', undefined, {})).toThrow(
      expect.objectContaining({ code: 'version_missing', status: 422 }),
    );
  });

  it('refuses a composer.json version that is not a string', () => {
    expect(() => resolvePublishedVersion('acme/widget', undefined, { version: 1.5 })).toThrow(
      expect.objectContaining({
        code: 'invalid_version',
        message: '"1.5" is not a valid Composer version: the "version" in composer.json must be a string',
      }),
    );
  });
});
