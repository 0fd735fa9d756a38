import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FailedAuthLimiter } from '../src/auth-guard/failed-auth-limiter';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { ComposerProject } from './helpers/composer';
import { createTestApp, TestApp } from './helpers/test-app';

const guess = () => `tok_${randomBytes(30).toString('base64url').replace(/[-_]/g, 'x').slice(0, 40)}`;

function burstLogLines(spy: jest.SpyInstance): number {
  return spy.mock.calls.filter(([message]) => String(message).startsWith('Too many failed authentications')).length;
}

describe('Failed-auth limits per client address', () => {
  let t: TestApp;
  let valid: string;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    t = await createTestApp({
      AUTH_FAILURES_PER_ADDRESS: '5',
      AUTH_FAILURES_PER_TOKEN_PREFIX: '1000',
      AUTH_FAILURE_WINDOW_SECONDS: '60',
    });
    await publish(t, 'acme/widget', '1.0.0');
    valid = (await createCustomer(t, { 'acme/widget': '^1.0' })).token;
    warn = jest.spyOn(Logger.prototype, 'warn');
  });
  afterAll(async () => {
    warn.mockRestore();
    await t.close();
  });

  it('answers a brute-force loop 429 with Retry-After after the limit, while a valid token keeps working', async () => {
    const statuses: number[] = [];
    let lastLimited: { headers: Record<string, string>; body: Record<string, unknown>; type: string } | undefined;
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const wrong = await t.http().get('/packages.json').set('Authorization', basicAuth(guess()));
      statuses.push(wrong.status);
      if (wrong.status === 429) lastLimited = wrong;
      // The valid customer shares the address (think of an office behind one NAT) and is never refused.
      await t.http().get('/packages.json').set('Authorization', basicAuth(valid)).expect(200);
      await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(valid)).expect(200);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(15).fill(429));
    expect(lastLimited?.type).toBe('application/json');
    expect(Number(lastLimited?.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(lastLimited?.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(lastLimited?.body).toMatchObject({ statusCode: 429, error: 'too_many_failed_authentications' });
    expect(t.app.get(FailedAuthLimiter).rejectedCount).toBe(15);
    // One log line for the burst, not one per refused request.
    expect(burstLogLines(warn)).toBe(1);
  });

  it('keeps serving the real Composer client with a valid token from the blocked address', async () => {
    const project = new ComposerProject(t.url, valid);
    try {
      expect(await project.availableVersions('acme/widget')).toEqual(['1.0.0']);
      const install = await project.run('require', 'acme/widget:^1.0');
      expect(install.code).toBe(0);
    } finally {
      project.remove();
    }
  });

  it('limits failed admin API and dist authentications from the same address too', async () => {
    await t.http().get('/api/v1/customers').set('Authorization', 'Bearer not-the-admin-token-at-all').expect(429);
    await t.http().get('/dists/acme/widget/1.0.0.0/x.zip').set('Authorization', basicAuth(guess())).expect(429);
    await t.admin.get('/api/v1/customers').expect(200);
  });

  it('does not count requests without credentials (Composer asking first) as failures', async () => {
    const fresh = await createTestApp({ AUTH_FAILURES_PER_ADDRESS: '2' });
    try {
      for (let i = 0; i < 5; i += 1) await fresh.http().get('/packages.json').expect(401);
    } finally {
      await fresh.close();
    }
  });
});

describe('Failed-auth limits per token prefix', () => {
  let t: TestApp;
  let valid: string;

  beforeAll(async () => {
    t = await createTestApp({
      AUTH_FAILURES_PER_ADDRESS: '1000',
      AUTH_FAILURES_PER_TOKEN_PREFIX: '3',
      AUTH_FAILURE_WINDOW_SECONDS: '60',
    });
    await publish(t, 'acme/widget', '1.0.0');
    valid = (await createCustomer(t, { 'acme/widget': '^1.0' })).token;
  });
  afterAll(() => t.close());

  it('refuses guesses at one token after a few, and never the token itself', async () => {
    const prefix = valid.slice(0, 10);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const forged = `${prefix}${guess().slice(10)}`;
      statuses.push((await t.http().get('/packages.json').set('Authorization', basicAuth(forged))).status);
      await t.http().get('/packages.json').set('Authorization', basicAuth(valid)).expect(200);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    // Guesses with other prefixes from the same address are still plain 401s.
    await t.http().get('/packages.json').set('Authorization', basicAuth(guess())).expect(401);
  });
});

describe('Failed-auth limits shared through PostgreSQL (AUTH_FAILURE_STORE=postgres)', () => {
  it('counts failures of two instances against one budget', async () => {
    const env = { AUTH_FAILURE_STORE: 'postgres', AUTH_FAILURES_PER_ADDRESS: '4', AUTH_FAILURE_WINDOW_SECONDS: '60' };
    const a = await createTestApp(env);
    const b = await createTestApp(env);
    try {
      await a.app.get(DataSource).query('DELETE FROM "auth_failures"');
      const statuses: number[] = [];
      for (const instance of [a, b, a, b, a, b]) {
        statuses.push((await instance.http().get('/packages.json').set('Authorization', basicAuth(guess()))).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('Failed-auth limits behind a reverse proxy (TRUST_PROXY)', () => {
  it('counts per client address from X-Forwarded-For when the proxy is trusted', async () => {
    const t = await createTestApp({ TRUST_PROXY: 'loopback', AUTH_FAILURES_PER_ADDRESS: '2' });
    try {
      const attempt = (client: string) =>
        t.http().get('/packages.json').set('X-Forwarded-For', client).set('Authorization', basicAuth(guess()));
      expect([
        (await attempt('203.0.113.7')).status,
        (await attempt('203.0.113.7')).status,
        (await attempt('203.0.113.7')).status,
      ]).toEqual([401, 401, 429]);
      expect((await attempt('198.51.100.1')).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
