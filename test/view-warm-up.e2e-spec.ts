import { DataSource } from 'typeorm';
import { RepositoryViews } from '../src/composer-repository/repository-views.service';
import { ViewWarmUp } from '../src/composer-repository/view-warm-up.service';
import { TokensService } from '../src/tokens/tokens.service';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * An instance that starts (or loses its change channel) with empty caches loads the Composer views
 * of the customers most likely to ask before they do, so thousands of first requests are answered
 * from memory instead of each costing its own database round trips.
 */
describe('Composer views warmed up before the first request', () => {
  let a: TestApp;
  let b: TestApp | undefined;
  let idle: { id: string; token: string };
  let active: { id: string; token: string };

  const p2 = (t: TestApp, token: string) =>
    t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token)).expect(200);

  beforeAll(async () => {
    a = await createTestApp();
    await publish(a, 'acme/widget', '1.0.0');
    idle = await createCustomer(a, { 'acme/widget': '*' }, 'Idle');
    active = await createCustomer(a, { 'acme/widget': '*' }, 'Active');
    // Only the active customer has installed lately (recorded as the token's last use).
    await p2(a, active.token);
    await a.app.get(TokensService).flushLastUsed();
  });
  afterEach(async () => {
    await b?.close();
    b = undefined;
  });
  afterAll(() => a.close());

  it('loads the most recently active customers at start, up to WARM_UP_CUSTOMERS', async () => {
    b = await createTestApp({ WARM_UP_CUSTOMERS: '1' }, { keepData: true });
    await b.app.get(ViewWarmUp).idle();
    const views = b.app.get(RepositoryViews);
    const tokens = b.app.get(TokensService);

    expect(tokens.authenticateFromCache(active.token)).toEqual(expect.objectContaining({ customerId: active.id }));
    expect(tokens.authenticateFromCache(idle.token)).toBeUndefined();
    await p2(b, active.token);
    expect(views.viewBuilds).toBe(0);
    await p2(b, idle.token);
    expect(views.viewBuilds).toBe(1);
  });

  it('loads again, after the change channel was lost, the customers it had in memory', async () => {
    b = await createTestApp({ WARM_UP_CUSTOMERS: '100' }, { keepData: true });
    const warmUp = b.app.get(ViewWarmUp);
    await warmUp.idle();
    const views = b.app.get(RepositoryViews);
    await p2(b, idle.token);
    await p2(b, active.token);
    expect(views.viewBuilds).toBe(0);

    // The listening connection dies: the instance flushes everything and, listening again, reloads.
    const runs = warmUp.completedRuns;
    await b.app
      .get(DataSource)
      .query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
      );
    const deadline = Date.now() + 10_000;
    while (warmUp.completedRuns < runs + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await warmUp.idle();
    expect(warmUp.completedRuns).toBeGreaterThan(runs);

    await p2(b, idle.token);
    await p2(b, active.token);
    expect(views.viewBuilds).toBe(0);
  });

  it('leaves the caches cold when WARM_UP_CUSTOMERS is 0', async () => {
    b = await createTestApp({ WARM_UP_CUSTOMERS: '0' }, { keepData: true });
    await b.app.get(ViewWarmUp).idle();
    await p2(b, active.token);
    expect(b.app.get(RepositoryViews).viewBuilds).toBe(1);
  });
});
