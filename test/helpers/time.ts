import { DataSource } from 'typeorm';
import { Clock } from '../../src/common/clock';
import { TestApp } from './test-app';

/**
 * Moves the app's Clock past the change clock's latest stamp. Changes are stamped ahead of the
 * wall clock (one second per change), and a Last-Modified that is still ahead is announced as now
 * and never confirmed by a 304; tests of revalidation start from a change that lies in the past.
 */
export async function passChangeClock(t: TestApp): Promise<void> {
  const rows: Array<{ stamp: Date }> = await t.app
    .get(DataSource)
    .query(`SELECT "last_stamp" AS "stamp" FROM "change_clock" WHERE "id" = 1`);
  const clock = t.app.get(Clock);
  const ahead = (rows[0]?.stamp.getTime() ?? 0) - clock.now().getTime();
  if (ahead > -1000) clock.travel(ahead + 1000);
}
