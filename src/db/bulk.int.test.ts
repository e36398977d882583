import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { insertMany } from './bulk.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.database.exec('create table bulk_probe (n integer, s text, b bigint, d date)');
});
afterAll(() => t.close());

describe('insertMany', () => {
  it('round-trips any text, nulls, bigints and dates exactly, separators included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.option(
              fc.oneof(
                fc.string({ unit: 'grapheme' }),
                fc.constantFrom('\u001f', '\u001e', 'a\u001fb', '', '\\N', 'NULL'),
              ),
            ),
            fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
            fc.option(fc.constantFrom('2026-01-31', '1999-12-31')),
          ),
          { maxLength: 30 },
        ),
        async (rows) => {
          await sql`truncate bulk_probe`.execute(t.database.db);
          const data = rows.map((r, i) => [i, ...r.map((v) => v ?? null)]);
          await insertMany(
            t.database.db,
            'bulk_probe',
            [
              { name: 'n', type: 'integer' },
              { name: 's', type: 'text' },
              { name: 'b', type: 'bigint' },
              { name: 'd', type: 'date' },
            ],
            data,
            { chunk: 7 },
          );
          const back = await sql<{ n: number; s: string | null; b: bigint | null; d: string | null }>`
            select * from bulk_probe order by n`.execute(t.database.db);
          expect(back.rows.map((r) => [r.n, r.s, r.b, r.d])).toEqual(data);
        },
      ),
      { numRuns: 60 },
    );
  });
});
