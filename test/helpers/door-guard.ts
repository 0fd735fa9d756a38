import { DataSource } from 'typeorm';
import { UNIT_SETTING } from '../../src/changes/change-door.service';

/**
 * Tables whose rows decide what a customer may install, and the columns that may change outside
 * the change door (token use is bookkeeping, not access).
 */
const GUARDED: Array<{ table: string; updatableOutside?: string }> = [
  { table: 'customers' },
  { table: 'customer_tokens', updatableOutside: 'last_used_at' },
  { table: 'access_grants' },
  { table: 'frozen_versions' },
  { table: 'packages' },
  { table: 'package_versions' },
];

/**
 * Installs triggers that make PostgreSQL refuse every write to an access table made outside a
 * unit of work (ChangeDoor.run). Every e2e test runs with them, so a write path that bypasses
 * the door — and so skips cache invalidation, history and events — fails the suite.
 */
export async function installDoorGuard(dataSource: DataSource): Promise<void> {
  await dataSource.query(`
    CREATE OR REPLACE FUNCTION packyard_test_require_door() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF coalesce(current_setting('${UNIT_SETTING}', true), '') <> 'on' THEN
        RAISE EXCEPTION 'write to "%" outside the change door (ChangeDoor.run)', TG_TABLE_NAME;
      END IF;
      RETURN NULL;
    END $$`);
  for (const { table, updatableOutside } of GUARDED) {
    const columns: Array<{ column_name: string }> = await dataSource.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const guardedColumns = columns.map((c) => `"${c.column_name}"`).filter((c) => c !== `"${updatableOutside}"`);
    await dataSource.query(`DROP TRIGGER IF EXISTS packyard_test_door_guard ON "${table}"`);
    await dataSource.query(
      `CREATE TRIGGER packyard_test_door_guard AFTER INSERT OR DELETE OR UPDATE OF ${guardedColumns.join(', ')} ON "${table}"
       FOR EACH STATEMENT EXECUTE FUNCTION packyard_test_require_door()`,
    );
  }
}
