import { UNIT_SETTING } from '../src/changes/change-door.service';
import { CHANGE_CHANNEL } from '../src/changes/change-keys';
import { Client } from 'pg';
import { TokensService } from '../src/tokens/tokens.service';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { LogCapture } from './helpers/log-capture';
import { OwnPostgres } from './helpers/own-postgres';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * PostgreSQL stops under load and comes back. This test runs its own cluster and stops it; the
 * suite's server is never touched.
 */
describe('A database outage', () => {
  let postgres: OwnPostgres;
  let t: TestApp;
  const logs = new LogCapture();

  beforeAll(async () => {
    postgres = await OwnPostgres.start();
    t = await createTestApp({ LOG_LEVEL: 'info' }, { databaseUrl: postgres.url, logDestination: logs.stream });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await postgres?.destroy();
  }, 60_000);

  /** Warm Composer reads, as many CI runners installing at once would send them. */
  function composerLoad(token: string, workers: number) {
    const statuses = new Map<number, number>();
    let running = true;
    const paths = ['/packages.json', '/p2/acme/widget.json'];
    const loops = Array.from({ length: workers }, async (_unused, worker) => {
      for (let i = worker; running; i += 1) {
        const res = await fetch(`${t.url}${paths[i % paths.length]}`, { headers: { Authorization: basicAuth(token) } });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    });
    return {
      statuses,
      stop: async () => {
        running = false;
        await Promise.all(loops);
      },
    };
  }

  async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  it('keeps answering warm Composer reads from memory, refuses what needs the database with 503, and recovers', async () => {
    await publish(t, 'acme/widget', '1.0.0');
    await publish(t, 'acme/widget', '1.1.0');
    const warm = await createCustomer(t, { 'acme/widget': '^1.0' }, 'Warm Ltd');
    const cold = await createCustomer(t, { 'acme/widget': '^1.0' }, 'Cold Ltd');
    for (const path of ['/packages.json', '/p2/acme/widget.json']) {
      await t.http().get(path).set('Authorization', basicAuth(warm.token)).expect(200);
    }
    const before = await t.admin.get('/api/v1/customers').expect(200);
    expect(before.body.total).toBe(2);
    logs.clear();

    const load = composerLoad(warm.token, 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const outageStarted = new Date();
    await postgres.stop();

    // While the database is down: warm reads from memory, everything else a clear 503.
    const create = await t.admin.post('/api/v1/customers', { name: 'Lost Ltd', email: 'lost@example.com' });
    expect(create.status).toBe(503);
    expect(create.body).toEqual({ statusCode: 503, error: 'database_unavailable', message: expect.any(String) });
    expect(Number(create.headers['retry-after'])).toBeGreaterThan(0);
    const suspend = await t.admin.post(`/api/v1/customers/${warm.id}/suspend`, { reason: 'during the outage' });
    expect(suspend.status).toBe(503);
    await t.admin.get('/api/v1/customers').expect(503);
    const coldRead = await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(cold.token));
    expect(coldRead.status).toBe(503);
    expect(coldRead.headers['content-type']).toBe('application/json');
    expect(coldRead.body.error).toBe('database_unavailable');
    await t.http().get('/health').expect(503);
    await t.http().get('/health/live').expect(200);
    const ready = await t.http().get('/health/ready').expect(503);
    expect(ready.body.error.database.status).toBe('down');
    await t.app.get(TokensService).flushLastUsed(); // the periodic flush, during the outage
    await new Promise((resolve) => setTimeout(resolve, 2000));

    await postgres.restart();
    expect(await waitFor(async () => (await t.http().get('/health/ready')).status === 200, 15_000)).toBe(true);
    await load.stop();

    const served = [...load.statuses.entries()];
    expect(served.filter(([status]) => status !== 200)).toEqual([]);
    expect(load.statuses.get(200)).toBeGreaterThan(50);

    // One line when the outage starts, one when it ends; no stack trace per request.
    const events = logs.events;
    expect(events.filter((line) => line.msg.startsWith('database unreachable'))).toHaveLength(1);
    expect(events.filter((line) => /^database back after \d+(\.\d+)? s$/.test(line.msg))).toHaveLength(1);
    expect(logs.lines.filter((line) => line.level === 'error')).toEqual([]);
    expect(events.length).toBeLessThanOrEqual(6);

    // Nothing refused during the outage was stored, nothing committed before it is lost.
    const after = await t.admin.get('/api/v1/customers').expect(200);
    expect(after.body.data.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['Warm Ltd', 'active'],
      ['Cold Ltd', 'active'],
    ]);
    await t.admin.post('/api/v1/customers', { name: 'After Ltd', email: 'after@example.com' }).expect(201);
    await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(cold.token)).expect(200);

    // Token use seen during the outage is written once the database is back.
    await t.app.get(TokensService).flushLastUsed();
    const tokens = await t.admin.get(`/api/v1/customers/${warm.id}/tokens`).expect(200);
    expect(new Date(tokens.body[0].last_used_at).getTime()).toBeGreaterThanOrEqual(outageStarted.getTime());
  }, 120_000);

  it('drops what it had in memory once the database is back, so a change committed elsewhere is seen', async () => {
    await t.reset();
    await publish(t, 'acme/widget', '1.0.0');
    const customer = await createCustomer(t, { 'acme/widget': '*' });
    await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(customer.token)).expect(200);
    await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(customer.token)).expect(200);

    await postgres.stop();
    await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(customer.token)).expect(200);
    await postgres.restart();
    // Another instance revokes the grant as soon as the database is back, before or after this one listens again.
    const other = new Client({ connectionString: postgres.url });
    await other.connect();
    try {
      // As another instance's change door would: one unit of work with its notification inside.
      await other.query('BEGIN');
      await other.query(`SELECT set_config('${UNIT_SETTING}', 'on', true)`);
      await other.query('DELETE FROM "access_grants" WHERE "customer_id" = $1', [customer.id]);
      await other.query('SELECT pg_notify($1, $2)', [
        CHANGE_CHANNEL,
        JSON.stringify({ i: 'another-instance', c: [customer.id], p: [] }),
      ]);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    const revoked = await waitFor(
      async () =>
        (await t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(customer.token))).status === 404,
      5000,
    );
    expect(revoked).toBe(true);
  }, 120_000);
});
