import { type Kysely, sql } from 'kysely';
import type { DB } from './schema.ts';

export type SqlArrayType = 'text' | 'bigint' | 'integer' | 'date' | 'boolean' | 'numeric' | 'jsonb';

export interface BulkColumn {
  readonly name: string;
  readonly type: SqlArrayType;
}

/** Rows per statement: large enough to amortize the round trip, small enough to bound memory. */
export const BULK_CHUNK = 5000;

/**
 * Inserts many rows with one `INSERT … SELECT FROM unnest($1::text[], $2::bigint[], …)` per chunk:
 * one round trip and one parse per few thousand rows, on both engines (on PGlite it is faster than
 * COPY). `rows` are arrays in column order.
 */
export async function insertMany(
  ex: Kysely<DB>,
  table: string,
  columns: readonly BulkColumn[],
  rows: readonly (readonly unknown[])[],
  options: { onConflict?: string; chunk?: number } = {},
): Promise<void> {
  const chunk = options.chunk ?? BULK_CHUNK;
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk);
    const arrays = columns.map((_, c) => part.map((r) => r[c] ?? null));
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c.name)))})
      select * from unnest(${sql.join(arrays.map((a, c) => sql`${a}::${sql.raw(columns[c]?.type ?? 'text')}[]`))})
      ${options.onConflict ? sql.raw(options.onConflict) : sql``}`.execute(ex);
  }
}

/** Column-oriented variant: the caller already holds one array per column (no per-row arrays). */
export async function insertColumns(
  ex: Kysely<DB>,
  table: string,
  columns: readonly BulkColumn[],
  data: readonly (readonly unknown[])[],
): Promise<void> {
  if ((data[0]?.length ?? 0) === 0) return;
  await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c.name)))})
    select * from unnest(${sql.join(data.map((a, c) => sql`${a}::${sql.raw(columns[c]?.type ?? 'text')}[]`))})`.execute(
    ex,
  );
}
