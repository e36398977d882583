import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from './schema.ts';

export type SqlArrayType = 'text' | 'bigint' | 'integer' | 'date' | 'boolean' | 'numeric' | 'jsonb';

export interface BulkColumn {
  readonly name: string;
  readonly type: SqlArrayType;
}

/** Rows per statement: large enough to amortize the round trip, small enough to bound memory. */
export const BULK_CHUNK = 5000;

// Unit and record separators (ASCII 31, 30): never found in the data Arbor stores, so a column can
// travel as one delimited string that PostgreSQL splits in C, instead of as an array whose every
// element the driver must quote and escape in JavaScript (the larger cost on bulk inserts).
const SEP = '\u001f';
const NULL = '\u001e';

/**
 * One column as a SQL array expression. Values are joined into one string and split by
 * `string_to_array` in the database; a column holding the separator (or the null marker itself)
 * falls back to an ordinary array parameter, so any text round-trips exactly.
 */
export function columnArray(values: readonly unknown[], type: SqlArrayType): RawBuilder<unknown> {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      parts[i] = NULL;
      continue;
    }
    const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (s.includes(SEP) || s === NULL) return sql`${values}::${sql.raw(type)}[]`;
    parts[i] = s;
  }
  // string_to_array('') is an empty array, not one empty string.
  if (parts.length === 1 && parts[0] === '') return sql`${values}::${sql.raw(type)}[]`;
  return sql`string_to_array(${parts.join(SEP)}::text, ${SEP}, ${NULL})::${sql.raw(type)}[]`;
}

/**
 * Inserts many rows with one `INSERT … SELECT FROM unnest(…)` per chunk: one round trip and one
 * parse per few thousand rows, on both engines (on PGlite it is faster than COPY). `rows` are
 * arrays in column order.
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
    await insertColumns(
      ex,
      table,
      columns,
      columns.map((_, c) => part.map((r) => r[c] ?? null)),
      options.onConflict,
    );
  }
}

/** Column-oriented variant: the caller already holds one array per column (no per-row arrays). */
export async function insertColumns(
  ex: Kysely<DB>,
  table: string,
  columns: readonly BulkColumn[],
  data: readonly (readonly unknown[])[],
  onConflict?: string,
): Promise<number> {
  if ((data[0]?.length ?? 0) === 0) return 0;
  const result = await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c.name)))})
    select * from unnest(${sql.join(data.map((a, c) => columnArray(a, columns[c]?.type ?? 'text')))})
    ${onConflict ? sql.raw(onConflict) : sql``}`.execute(ex);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * `= any($1::text[])`: one array parameter instead of thousands of `in ($1, …, $5000)` parameters,
 * which both engines bind and plan far more slowly. Use as `.where('id', '=', anyText(ids))`.
 */
export function anyText(values: readonly string[]): RawBuilder<string> {
  return sql<string>`any(${columnArray(values, 'text')})`;
}
