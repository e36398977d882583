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
    if (typeof v === 'bigint' || typeof v === 'number') {
      // Digits, a sign, a point or an exponent: never a separator.
      parts[i] = String(v);
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

/**
 * Column-oriented variant: the caller already holds one array per column (no per-row arrays). A
 * column whose values are all the same (the tenant, the entity of a batch, a column left empty) is
 * sent once as a scalar instead of once per row: less to encode, send and split.
 */
export async function insertColumns(
  ex: Kysely<DB>,
  table: string,
  columns: readonly BulkColumn[],
  data: readonly (readonly unknown[])[],
  onConflict?: string,
): Promise<number> {
  const rows = data[0]?.length ?? 0;
  if (rows === 0) return 0;
  const select: RawBuilder<unknown>[] = [];
  const arrays: RawBuilder<unknown>[] = [];
  const names: string[] = [];
  for (let c = 0; c < columns.length; c++) {
    const type = columns[c]?.type ?? 'text';
    const values = data[c] ?? [];
    if (isConstant(values, rows)) {
      select.push(scalar(values[0], type));
    } else {
      const name = `c${c}`;
      names.push(name);
      arrays.push(columnArray(values, type));
      select.push(sql.ref(`u.${name}`));
    }
  }
  const from =
    arrays.length > 0
      ? sql`unnest(${sql.join(arrays)}) as u(${sql.raw(names.join(', '))})`
      : sql`generate_series(1, ${rows}::integer)`;
  const result = await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c.name)))})
    select ${sql.join(select)} from ${from}
    ${onConflict ? sql.raw(onConflict) : sql``}`.execute(ex);
  return Number(result.numAffectedRows ?? 0n);
}

/** Whether every one of the first `rows` values is the first one (bigints compare by value). */
function isConstant(values: readonly unknown[], rows: number): boolean {
  if (values.length !== rows) return false;
  const first = values[0] ?? null;
  if (first !== null && typeof first === 'object') return false;
  for (let i = 1; i < rows; i++) if ((values[i] ?? null) !== first) return false;
  return true;
}

/** One value as a typed SQL scalar, converted from text exactly as `columnArray` converts it. */
function scalar(value: unknown, type: SqlArrayType): RawBuilder<unknown> {
  if (value === null || value === undefined) return sql`null::${sql.raw(type)}`;
  const s = typeof value === 'string' ? value : String(value);
  return sql`cast(${s}::text as ${sql.raw(type)})`;
}

/**
 * `= any($1::text[])`: one array parameter instead of thousands of `in ($1, …, $5000)` parameters,
 * which both engines bind and plan far more slowly. Use as `.where('id', '=', anyText(ids))`.
 */
export function anyText(values: readonly string[]): RawBuilder<string> {
  return sql<string>`any(${columnArray(values, 'text')})`;
}
