import { ChangeDoor } from '../src/changes/change-door.service';
import { newId } from '../src/common/ids';
import { CustomerRepository } from '../src/customers/customer.repository';
import { CUSTOMER_STATUSES, effectiveStatus, hasLapsed, ON_EXPIRY_ACTIONS } from '../src/customers/customer-status';
import { createTestApp, TestApp } from './helpers/test-app';

const HOUR = 3600_000;

/** CustomerRepository's SQL form of the expiry rule answers as customer-status.ts does, case by case. */
describe('The expiry rule in SQL', () => {
  let t: TestApp;
  let customers: CustomerRepository;
  const now = new Date('2030-06-01T12:00:00.000Z');
  const rows = CUSTOMER_STATUSES.flatMap((status) =>
    ON_EXPIRY_ACTIONS.flatMap((onExpiry) =>
      [null, new Date(now.getTime() - HOUR), now, new Date(now.getTime() + HOUR)].map((expiresAt) => ({
        id: newId('cust'),
        status,
        onExpiry,
        expiresAt,
      })),
    ),
  );

  beforeAll(async () => {
    t = await createTestApp();
    customers = t.app.get(CustomerRepository);
    await t.app.get(ChangeDoor).run(async () => {
      for (const row of rows) await customers.insert({ ...row, name: row.id, email: 'dev@acme.com' });
    });
  });
  afterAll(() => t.close());

  it.each(CUSTOMER_STATUSES)('lists as %s exactly the customers whose status in force is that', async (status) => {
    const [found] = await customers.search({ status, now, limit: rows.length, offset: 0 });
    const expected = rows.filter((row) => effectiveStatus(row, now) === status).map((row) => row.id);
    expect(found.map((customer) => customer.id).sort()).toEqual(expected.sort());
  });

  it('finds as expired exactly the customers whose subscription end has lapsed', async () => {
    const found = await customers.listExpiredBefore(now, rows.length);
    const expected = rows.filter((row) => hasLapsed(row, now)).map((row) => row.id);
    expect(found.map((customer) => customer.id).sort()).toEqual(expected.sort());
  });
});
