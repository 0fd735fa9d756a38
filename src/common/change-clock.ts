import { EntityManager } from 'typeorm';

/**
 * Composer revalidates metadata with If-Modified-Since at one-second resolution, and a customer's
 * Last-Modified is the later of their own access change and the package's last change. For a
 * change to always move that maximum forward, every change takes its time from one clock that
 * strictly increases by whole seconds across all customers and packages. The row lock also orders
 * concurrent changes; it is held only until the surrounding transaction commits.
 */
export async function nextChangeStamp(manager: EntityManager): Promise<Date> {
  // Wrapped in a SELECT because TypeORM returns [rows, count] for a bare UPDATE … RETURNING.
  const rows: Array<{ stamp: Date }> = await manager.query(
    `WITH advanced AS (
       UPDATE "change_clock"
          SET "last_stamp" = GREATEST(date_trunc('second', now()) + interval '1 second', "last_stamp" + interval '1 second')
        WHERE "id" = 1
        RETURNING "last_stamp"
     )
     SELECT "last_stamp" AS "stamp" FROM advanced`,
  );
  return rows[0].stamp;
}
