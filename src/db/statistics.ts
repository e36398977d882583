import { type Kysely, sql } from 'kysely';
import { isUnderRowSecurity } from './row-security.ts';
import type { DB } from './schema.ts';

/** A table smaller than this plans well enough without statistics. */
const FIRST_ANALYZE_ROWS = 1000;

/**
 * Keeps a table's planner statistics in step with a long transaction that fills it and reads it as
 * it goes (an import that looks up, chunk by chunk, what earlier chunks wrote). Without statistics
 * (a fresh tenant, or autovacuum not yet come by; autovacuum never sees a transaction's own rows)
 * PostgreSQL guesses a handful of rows and may pick any index that matches the leading columns: a
 * bank import's look-up of 1,000 references went through the booking-date index and read every
 * transaction of the account, 190 ms a chunk at 100,000 rows, so that a 102,000-entry camt.053
 * import took 166 s. `ANALYZE` inside the transaction counts its own new rows, so each time the rows
 * written since the transaction began reach the table's size as last analyzed (at least 1,000), the
 * table is analyzed again: a handful of times over an import however large, never for an import
 * small next to the table.
 *
 * Returns a function to call with the number of rows each write added. Under row-level security (an
 * API request, whose role does not own the tables) it does nothing.
 */
export function statisticsKeeper(ex: Kysely<DB>, table: string): (rows: number) => Promise<void> {
  let next: number | null = null;
  let written = 0;
  return async (rows) => {
    if (rows <= 0 || isUnderRowSecurity(ex)) return;
    if (next === null) {
      const r = await sql<{ n: number }>`select greatest(reltuples, 0)::float8 as n from pg_class
        where oid = to_regclass(${table})`.execute(ex);
      next = Math.max(FIRST_ANALYZE_ROWS, Number(r.rows[0]?.n ?? 0));
    }
    written += rows;
    if (written < next) return;
    await sql`analyze ${sql.table(table)}`.execute(ex);
    next = written * 2;
  };
}
