import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

const base = () => ({
  ADMIN_TOKEN: 'admin-token-0123456789',
  DATA_DIR: mkdtempSync(join(tmpdir(), 'packyard-config-')),
});

describe('loadConfig: portal and failed-auth settings', () => {
  it('has working defaults', () => {
    const config = loadConfig(base());
    expect(config.portal).toMatchObject({
      title: 'Packyard',
      logoUrl: undefined,
      supportUrl: undefined,
      sessionIdleMinutes: 30,
      tokenSelfService: true,
    });
    expect(config.authFailures).toEqual({ perAddress: 30, perTokenPrefix: 10, windowSeconds: 300, store: 'memory' });
    expect(config.trustProxy).toBe(false);
  });

  it.each([
    ['support@acme.test', 'mailto:support@acme.test'],
    ['https://acme.test/help', 'https://acme.test/help'],
    ['mailto:help@acme.test', 'mailto:help@acme.test'],
  ])('takes PORTAL_SUPPORT_URL %s as %s', (value, expected) => {
    expect(loadConfig({ ...base(), PORTAL_SUPPORT_URL: value }).portal.supportUrl).toBe(expected);
  });

  it.each([
    ['TRUST_PROXY', '1', 1],
    ['TRUST_PROXY', 'true', true],
    ['TRUST_PROXY', 'loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
    ['PORTAL_TOKEN_SELF_SERVICE', 'false', false],
  ])('reads %s=%s', (name, value, expected) => {
    const config = loadConfig({ ...base(), [name]: value });
    const actual = name === 'TRUST_PROXY' ? config.trustProxy : config.portal.tokenSelfService;
    expect(actual).toEqual(expected);
  });

  it.each([
    ['PORTAL_SUPPORT_URL', 'javascript:alert(1)'],
    ['PORTAL_LOGO_URL', 'data:image/png;base64,AAAA'],
    ['PORTAL_SESSION_SECRET', 'too-short'],
    ['PORTAL_SESSION_IDLE_MINUTES', '0'],
    ['PORTAL_TOKEN_SELF_SERVICE', 'maybe'],
    ['AUTH_FAILURE_STORE', 'redis'],
    ['AUTH_FAILURES_PER_ADDRESS', '0'],
    ['TRUST_PROXY', '$(rm -rf)'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ ...base(), [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base(), [name]: value })).toThrow(name);
  });

  it('derives a different session key from PORTAL_SESSION_SECRET than from ADMIN_TOKEN', () => {
    const derived = loadConfig(base()).portal.sessionKey;
    const own = loadConfig({ ...base(), PORTAL_SESSION_SECRET: 'x'.repeat(32) }).portal.sessionKey;
    expect(own.equals(derived)).toBe(false);
    expect(own).toHaveLength(32);
  });
});
