import { DataSource } from 'typeorm';
import { RepositoryViews } from '../src/composer-repository/repository-views.service';
import { startChildInstance } from './helpers/child-instance';
import { basicAuth, createCustomer, publish } from './helpers/catalog';
import { ADMIN_TOKEN, createTestApp, TestApp } from './helpers/test-app';

/**
 * A change committed through one instance reaches every other instance through PostgreSQL's
 * NOTIFY, sent inside the committing transaction, and drops only what it touched there.
 */
describe('Changes across instances', () => {
  let a: TestApp;
  let b: TestApp;
  /** Delays (ms) until instance B answered a change made through A, for the report at the end. */
  const delays: number[] = [];

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp();
  });
  afterAll(async () => {
    // The bound README promises; printed so a run shows what this machine achieved.
    if (delays.length > 0) console.log(`cross-instance delays (ms): ${delays.map((d) => d.toFixed(1)).join(', ')}`);
    await b.close();
    await a.close();
  });
  beforeEach(async () => {
    await a.reset();
    await publish(a, 'acme/widget', '1.0.0');
    await publish(a, 'acme/widget', '2.0.0');
  });

  const p2 = (t: TestApp, token: string) => t.http().get('/p2/acme/widget.json').set('Authorization', basicAuth(token));
  const versionsOf = async (t: TestApp, token: string): Promise<string[] | number> => {
    const res = await p2(t, token);
    return res.status === 200
      ? res.body.packages['acme/widget'].map((v: { version: string }) => v.version)
      : res.status;
  };

  /** Polls B until `check` holds; returns how long that took. */
  async function untilOnB(check: () => Promise<boolean>): Promise<number> {
    const started = performance.now();
    while (performance.now() - started < 5000) {
      if (await check()) return performance.now() - started;
    }
    throw new Error('instance B never saw the change');
  }

  const cases: Array<[string, (changed: { id: string; token: string }) => Promise<unknown>, string[] | number]> = [
    ['a suspension', (c) => a.admin.post(`/api/v1/customers/${c.id}/suspend`, { reason: 'unpaid' }).expect(200), 403],
    [
      'a narrowed grant',
      (c) =>
        a.admin.post(`/api/v1/customers/${c.id}/packages`, { package: 'acme/widget', constraint: '^1.0' }).expect(200),
      ['1.0.0'],
    ],
    ['a revoked grant', (c) => a.admin.delete(`/api/v1/customers/${c.id}/packages/acme%2Fwidget`).expect(204), 404],
    [
      'a revoked token',
      async (c) => {
        const tokens = (await a.admin.get(`/api/v1/customers/${c.id}/tokens`).expect(200)).body as Array<{
          id: string;
        }>;
        await a.admin.delete(`/api/v1/customers/${c.id}/tokens/${tokens[0].id}`).expect(204);
      },
      401,
    ],
    ['a published version', () => publish(a, 'acme/widget', '2.1.0'), ['2.1.0', '2.0.0', '1.0.0']],
    ['a deleted version', () => a.admin.delete('/api/v1/packages/acme/widget/versions/2.0.0').expect(204), ['1.0.0']],
  ];

  it.each(cases)(
    '%s is seen at once on the same instance, within the notification delay on another, and nowhere else',
    async (name, change, expected) => {
      const changed = await createCustomer(a, { 'acme/widget': '*' }, 'Changed');
      const bystander = await createCustomer(a, { 'acme/widget': '^1.0' }, 'Bystander');
      for (const t of [a, b]) for (const c of [changed, bystander]) await p2(t, c.token).expect(200);
      const builds = b.app.get(RepositoryViews).viewBuilds;

      await change(changed);
      // Read-your-writes on the instance that made the change: the very next request.
      expect(await versionsOf(a, changed.token)).toEqual(expected);
      delays.push(
        await untilOnB(async () => JSON.stringify(await versionsOf(b, changed.token)) === JSON.stringify(expected)),
      );

      // The bystander's view on B was never rebuilt from the database; only the changed customer's was
      // (a package change rebuilds no customer: their documents are recomputed from memory).
      expect(await versionsOf(b, bystander.token)).toEqual(['1.0.0']);
      const rebuilt = b.app.get(RepositoryViews).viewBuilds - builds;
      // A token belongs to its customer, so revoking one reloads that customer's access too (ahead of
      // their next request, as every customer change does), and no one else's.
      expect(rebuilt).toBe(name.includes('version') ? 0 : 1);
    },
  );

  it('loses no change when the instance that made it is killed right after answering', async () => {
    const databaseUrl = (a.app.get(DataSource).options as { url: string }).url;
    const child = await startChildInstance(databaseUrl);
    try {
      const customer = await createCustomer(a, { 'acme/widget': '*' });
      await p2(b, customer.token).expect(200);
      await p2(b, customer.token).expect(200);

      const revoked = await fetch(`${child.url}/api/v1/customers/${customer.id}/packages/acme%2Fwidget`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(revoked.status).toBe(204);
      child.process.kill('SIGKILL');
      delays.push(await untilOnB(async () => (await p2(b, customer.token)).status === 404));
    } finally {
      await child.stop('SIGKILL');
    }
  });
});
