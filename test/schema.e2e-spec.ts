import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from './helpers/test-app';

describe('Database schema', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is exactly what the entities describe once the migrations have run (no drift to forget a migration for)', async () => {
    const pending = await t.app.get(DataSource).driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('has no migration left to run', async () => {
    expect(await t.app.get(DataSource).showMigrations()).toBe(false);
  });
});
