import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { markRowSecurity } from './row-security.ts';
import { statisticsKeeper } from './statistics.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.database.exec('create table stats_probe (n integer, ref text)');
});
afterAll(() => t.close());

const analyzedRows = async (ex: typeof t.database.db) =>
  Number(
    (
      await sql<{
        n: number;
      }>`select reltuples::float8 as n from pg_class where oid = 'stats_probe'::regclass`.execute(ex)
    ).rows[0]?.n,
  );

const fill = (ex: typeof t.database.db, from: number, count: number) =>
  sql`insert into stats_probe select g, 'ref-' || g from generate_series(${from}::integer, ${from + count - 1}::integer) g`.execute(
    ex,
  );

describe('statisticsKeeper', () => {
  it("analyzes the table inside the transaction each time the rows written reach its analyzed size, counting the transaction's own rows", async () => {
    const seen = await t.database.db.transaction().execute(async (tx) => {
      const keep = statisticsKeeper(tx, 'stats_probe');
      const sizes: number[] = [];
      await fill(tx, 0, 600);
      await keep(600);
      sizes.push(await analyzedRows(tx)); // below 1,000 written: not analyzed
      await fill(tx, 600, 600);
      await keep(600);
      sizes.push(await analyzedRows(tx)); // 1,200 written: analyzed, the new rows counted
      await fill(tx, 1200, 800);
      await keep(800);
      sizes.push(await analyzedRows(tx)); // 2,000 written, next at 2,400: unchanged
      await fill(tx, 2000, 600);
      await keep(600);
      sizes.push(await analyzedRows(tx)); // 2,600 written: analyzed again
      return sizes;
    });
    expect(seen[0]).toBeLessThanOrEqual(0);
    expect(seen[1]).toBe(1200);
    expect(seen[2]).toBe(1200);
    expect(seen[3]).toBe(2600);
  });

  it('does nothing under row-level security (an API request does not own the tables)', async () => {
    await sql`truncate stats_probe`.execute(t.database.db);
    await sql`analyze stats_probe`.execute(t.database.db);
    const after = await t.database.db.transaction().execute(async (tx) => {
      markRowSecurity(tx);
      const keep = statisticsKeeper(tx, 'stats_probe');
      await fill(tx, 0, 1500);
      await keep(1500);
      return analyzedRows(tx);
    });
    expect(after).toBe(0);
  });
});
