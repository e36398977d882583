import type { Executor } from '../../core/context.ts';
import { type BulkColumn, insertColumns } from '../../db/bulk.ts';
import type { DatabaseKind } from '../../db/database.ts';

/**
 * Writes a run's rows to a table in one statement per chunk. On a PostgreSQL server they go by
 * `COPY … FROM STDIN` (db/bulk.ts), far cheaper than a multi-row INSERT for the tens of thousands of
 * messages, activities, emails and documents of a first run; arrays travel as array literals and
 * bytes as `\x…` hex, which COPY reads with the column's own input function. The embedded engine
 * takes an ordinary multi-row INSERT (`fallback`), which it handles well.
 */
export const COPY_FROM_ROWS = 200;

export async function writeRows<R>(
  ex: Executor,
  engine: DatabaseKind,
  table: string,
  columns: readonly (BulkColumn & { readonly value: (row: R) => unknown })[],
  rows: readonly R[],
  fallback: (chunk: readonly R[]) => Promise<void>,
  chunk = 500,
): Promise<void> {
  if (rows.length === 0) return;
  // A handful of rows (a statement sent from a request) go by INSERT: COPY is refused under row-level
  // security, which an API request acts under; runs with many rows come from the worker or the CLI.
  if (engine !== 'postgres' || rows.length < COPY_FROM_ROWS) {
    for (let i = 0; i < rows.length; i += chunk) await fallback(rows.slice(i, i + chunk));
    return;
  }
  const size = Math.max(chunk, 5000);
  for (let i = 0; i < rows.length; i += size) {
    const part = rows.slice(i, i + size);
    await insertColumns(
      ex,
      table,
      columns,
      columns.map((c) => part.map((r) => copyable(c.value(r)))),
      { engine: 'postgres' },
    );
  }
}

/** A value as COPY's text format reads it: arrays as literals, bytes as hex, instants as ISO text. */
function copyable(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array)
    return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  if (Array.isArray(v)) return `{${v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  return v;
}
