import { DataSource } from 'typeorm';
import { ChangeDoor } from '../src/changes/change-door.service';
import { createCustomer, publish } from './helpers/catalog';
import { createTestApp, TestApp } from './helpers/test-app';

/** The suite's guard against writes that bypass the one door (see helpers/door-guard.ts). */
describe('The change door guard', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('refuses a write to an access table made outside a unit of work', async () => {
    const { id } = await createCustomer(t);
    await publish(t, 'acme/widget', '1.0.0');
    await expect(
      db.query(
        `INSERT INTO "access_grants" ("customer_id", "package_name", "constraint") VALUES ($1, 'acme/widget', '*')`,
        [id],
      ),
    ).rejects.toThrow(/outside the change door/);
    await expect(db.query(`UPDATE "customers" SET "status" = 'suspended' WHERE "id" = $1`, [id])).rejects.toThrow(
      /outside the change door/,
    );
    await expect(db.query(`DELETE FROM "package_versions"`)).rejects.toThrow(/outside the change door/);
  });

  it('lets the same write through the door, and lets token use be recorded outside it', async () => {
    const { id } = await createCustomer(t);
    await t.app.get(ChangeDoor).run(async (unit) => {
      await unit.manager.query(`UPDATE "customers" SET "name" = 'Renamed' WHERE "id" = $1`, [id]);
    });
    await db.query(`UPDATE "customer_tokens" SET "last_used_at" = now() WHERE "customer_id" = $1`, [id]);
    expect((await t.admin.get(`/api/v1/customers/${id}`).expect(200)).body.name).toBe('Renamed');
  });
});
