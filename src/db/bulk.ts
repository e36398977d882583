import { CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import type { Connection, Submittable } from 'pg';
import { isLocalDate, toDayNumber } from '../core/local-date.ts';
import type { DatabaseKind } from './database.ts';
import { isUnderRowSecurity } from './row-security.ts';
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
    } else if (typeof v === 'bigint' || typeof v === 'number') {
      // Digits, a sign, a point or an exponent: never a separator.
      parts[i] = String(v);
    } else {
      const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
      if (s.includes(SEP) || s === NULL) return sql`${values}::${sql.raw(type)}[]`;
      parts[i] = s;
    }
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

export interface InsertColumnsOptions {
  /** An `on conflict …` clause for the statement (rows then go by INSERT, never by COPY). */
  readonly onConflict?: string | undefined;
  /**
   * The engine `ex` runs on. On a PostgreSQL server rows go by `COPY … FROM STDIN`, which the server
   * takes in faster than the arrays of an INSERT; on the embedded engine the INSERT is faster (a COPY
   * there goes through a file). Unknown: INSERT.
   */
  readonly engine?: DatabaseKind | undefined;
}

/**
 * Column-oriented variant: the caller already holds one array per column (no per-row arrays).
 * Returns how many rows were inserted.
 */
export async function insertColumns(
  ex: Kysely<DB>,
  table: string,
  columns: readonly BulkColumn[],
  data: readonly (readonly unknown[])[],
  options: string | InsertColumnsOptions = {},
): Promise<number> {
  const [count] = await runInserts(ex, [prepareInsert(table, columns, data, options)]);
  return count ?? 0;
}

/**
 * The rows of one statement, encoded and ready to be written by `runInserts`. Encoding is the
 * JavaScript half of a bulk write and writing the database's half: preparing a batch apart from
 * writing it lets a caller encode the next batch while the database writes this one.
 */
export interface PreparedInsert {
  readonly table: string;
  readonly rows: number;
  readonly write:
    | { readonly kind: 'none' }
    /**
     * An INSERT (or another data-modifying statement: an UPDATE that goes with a posting) without a
     * RETURNING clause; consecutive ones are sent together (see runInserts).
     */
    | { readonly kind: 'insert'; readonly statement: RawBuilder<unknown> }
    | {
        readonly kind: 'copy';
        readonly columns: readonly BulkColumn[];
        /** `COPY … FROM STDIN` without a format: the text format. */
        readonly statement: string;
        /**
         * The rows in COPY's binary format, or null when some value has no binary form here. Sent only
         * when the table's columns are of the types declared (see binaryTypesMatch): a value encoded
         * for a `text` column that is in fact an array, bytea or timestamp column would otherwise be
         * stored as its literal bytes, or refused.
         */
        readonly binary: Buffer | null;
        /** The rows in COPY's text format, which the server reads with each column's own input function. */
        readonly text: () => Buffer;
        /** The same rows as an INSERT, for a transaction where COPY is refused (row-level security). */
        readonly asInsert: () => PreparedInsert;
      };
}

/**
 * Any data-modifying statement (an UPDATE, an INSERT) for `runInserts`, to be sent together with
 * the statements around it when it and they are small; `rows` is how many rows it writes, about.
 * It must not have a RETURNING clause.
 */
export function preparedStatement(table: string, statement: RawBuilder<unknown>, rows = 1): PreparedInsert {
  return { table, rows, write: { kind: 'insert', statement } };
}

/**
 * Encodes rows (one array per column) for one statement, so that statement-level triggers see them
 * all at once: a COPY on a PostgreSQL server, else an `INSERT … SELECT FROM unnest(…)`. A column
 * whose values are all the same (the tenant, the entity of a batch, a column left empty) goes to the
 * INSERT once, as a scalar, instead of once per row: less to encode, send and split.
 */
export function prepareInsert(
  table: string,
  columns: readonly BulkColumn[],
  data: readonly (readonly unknown[])[],
  options: string | InsertColumnsOptions = {},
): PreparedInsert {
  const { onConflict, engine } = typeof options === 'string' ? { onConflict: options } : options;
  const rows = data[0]?.length ?? 0;
  if (rows === 0) return { table, rows, write: { kind: 'none' } };
  if (engine === 'postgres' && !onConflict) {
    const names = columns.map((c) => quoteIdent(c.name)).join(', ');
    // Binary rows when every value has a binary form here: the server then takes each field as it
    // is, instead of splitting lines and parsing text (about a tenth of its work on an import).
    return {
      table,
      rows,
      write: {
        kind: 'copy',
        columns,
        statement: `copy ${quoteIdent(table)} (${names}) from stdin`,
        binary: copyBinary(columns, data, rows),
        text: () => Buffer.from(copyText(data, rows), 'utf8'),
        asInsert: () => prepareInsert(table, columns, data, {}),
      },
    };
  }
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
  const statement = sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c.name)))})
    select ${sql.join(select)} from ${from}
    ${onConflict ? sql.raw(onConflict) : sql``}`;
  return { table, rows, write: { kind: 'insert', statement } };
}

/** Statements of at most this many rows each are sent together (see runInserts). */
const TOGETHER_MAX_ROWS = 1000;

/**
 * Writes prepared statements in order; returns how many rows each inserted. Consecutive COPYs go
 * to the server as one message with all their rows, one round trip for all of them.
 */
export async function runInserts(ex: Kysely<DB>, inserts: readonly PreparedInsert[]): Promise<number[]> {
  // PostgreSQL refuses COPY FROM for a role under row-level security (the API's requests): INSERT.
  if (isUnderRowSecurity(ex))
    inserts = inserts.map((p) => (p.write.kind === 'copy' ? p.write.asInsert() : p));
  const counts: number[] = [];
  for (let i = 0; i < inserts.length; ) {
    const write = inserts[i]?.write ?? { kind: 'none' };
    if (write.kind === 'copy') {
      const copies: { statement: string; payload: Buffer }[] = [];
      for (let p = inserts[i]; p?.write.kind === 'copy'; p = inserts[++i]) {
        const w = p.write;
        const binary = w.binary !== null && (await binaryTypesMatch(ex, p.table, w.columns));
        if (w.binary !== null && !binary) textCopyTables.add(p.table);
        copies.push(
          binary && w.binary
            ? { statement: `${w.statement} with (format binary)`, payload: w.binary }
            : { statement: w.statement, payload: w.text() },
        );
      }
      counts.push(...(await copyBatch(ex, copies)));
      continue;
    }
    // Consecutive statements (and empty ones between them) go as one statement, each a data-modifying
    // `WITH` part: one round trip instead of one each. Their statement-level checks run at its end,
    // when all of them have written, as foreign keys would.
    const group: { at: number; rows: number; statement: RawBuilder<unknown> }[] = [];
    for (let p = inserts[i]; p !== undefined && p.write.kind !== 'copy'; p = inserts[++i]) {
      if (p.write.kind === 'insert')
        group.push({ at: counts.length, rows: p.rows, statement: p.write.statement });
      counts.push(0);
    }
    if (group.length === 1 || group.some((g) => g.rows > TOGETHER_MAX_ROWS)) {
      // Bulk statements one by one: a round trip is nothing next to their work, and together they
      // were slower (a 1M-invoice import on PGlite: 113 s against 93 s).
      for (const g of group) {
        const result = await g.statement.execute(ex);
        counts[g.at] = Number(result.numAffectedRows ?? 0n);
      }
    } else if (group.length > 1) {
      const together = await sql<Record<string, string | number | bigint>>`with ${sql.join(
        group.map((g, n) => sql`${sql.ref(`w${n}`)} as (${g.statement} returning 1)`),
      )} select ${sql.join(group.map((_, n) => sql`(select count(*) from ${sql.ref(`w${n}`)})::integer as ${sql.ref(`c${n}`)}`))}`.execute(
        ex,
      );
      const row = together.rows[0] ?? {};
      group.forEach((g, n) => {
        counts[g.at] = Number(row[`c${n}`] ?? 0);
      });
    }
  }
  return counts;
}

/**
 * Tables whose rows had a binary form but went as text in this process, because the catalog's column
 * types are not the declared ones (see binaryTypesMatch). Tests read it: a table of an import that
 * falls back to text makes every import of it slower, silently (a `char(3)` currency did, until the
 * types below were taken as alike).
 */
const textCopyTables = new Set<string>();

/** The tables written as text although their rows had a binary form, since the last call; clears them. */
export function takeTextCopyTables(): string[] {
  const tables = [...textCopyTables].sort();
  textCopyTables.clear();
  return tables;
}

/**
 * Each table's column types as the catalog names them, read once per process: the schema is the
 * migrations', which a process applies before it writes.
 */
const columnTypes = new Map<string, Promise<Map<string, string>>>();

/**
 * Whether every declared column is of its declared type in the database, so that its binary fields
 * mean what they were written to mean. A caller that declares `text` for a value it has written as
 * an array or bytea literal, or as a timestamp, gets the text format, which the server parses.
 */
export async function binaryTypesMatch(
  ex: Kysely<DB>,
  table: string,
  columns: readonly BulkColumn[],
): Promise<boolean> {
  let types = columnTypes.get(table);
  if (!types) {
    types = sql<{ name: string; type: string }>`select attname as name, format_type(atttypid, null) as type
      from pg_attribute where attrelid = to_regclass(${table}) and attnum > 0 and not attisdropped`
      .execute(ex)
      .then((r) => new Map(r.rows.map((c) => [c.name, c.type])));
    // A failed read is not kept: the next statement asks again.
    types.catch(() => columnTypes.delete(table));
    columnTypes.set(table, types);
  }
  const actual = await types;
  return columns.every((c) => {
    const type = actual.get(c.name);
    return type === c.type || (type !== undefined && BINARY_ALIKE.get(type) === c.type);
  });
}

/**
 * Catalog types whose binary fields are those of another declared type: `character` (the
 * currencies' `char(3)`) and `character varying` take a string's bytes, as `text` does, and their
 * receive functions apply the column's length as their text input does.
 */
const BINARY_ALIKE = new Map([
  ['character', 'text'],
  ['character varying', 'text'],
]);

/** Runs COPYs on the connection of `ex` (so inside its transaction); returns each one's row count. */
async function copyBatch(
  ex: Kysely<DB>,
  copies: readonly { statement: string; payload: Buffer }[],
): Promise<number[]> {
  const batch = new CopyBatch(copies);
  // Kysely's pg connection hands the query object to the driver as it is, and pg runs an object
  // with a `submit` method as a query of its own making (what pg-copy-streams relies on too).
  await ex.executeQuery({ ...CompiledQuery.raw('copy'), sql: batch as unknown as string });
  return batch.counts;
}

const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]);

/**
 * `COPY … FROM STDIN` statements sent as one simple query, each followed at once by its rows and
 * its end marker (the server reads a COPY's data from the messages after the query, whether or not
 * it has answered yet). If a statement fails the server skips the rest of the query and ignores the
 * copy messages still on their way, as the protocol has it; the error rejects the batch.
 */
class CopyBatch implements Submittable, PromiseLike<number[]> {
  readonly counts: number[] = [];
  readonly #copies: readonly { statement: string; payload: Buffer }[];
  readonly #done: Promise<number[]>;
  #ok: (counts: number[]) => void = () => {};
  #fail: (e: unknown) => void = () => {};

  constructor(copies: readonly { statement: string; payload: Buffer }[]) {
    this.#copies = copies;
    this.#done = new Promise((ok, fail) => {
      this.#ok = ok;
      this.#fail = fail;
    });
  }

  submit(connection: Connection): void {
    connection.query(this.#copies.map((c) => c.statement).join(';\n'));
    for (const { payload } of this.#copies) {
      const header = Buffer.alloc(5);
      header[0] = 0x64; // CopyData
      header.writeUInt32BE(payload.length + 4, 1);
      connection.stream.write(header);
      connection.stream.write(payload);
      connection.stream.write(COPY_DONE);
    }
  }

  handleCommandComplete(message: { text?: string }): void {
    const m = /^COPY (\d+)/.exec(message.text ?? '');
    this.counts.push(m ? Number(m[1]) : 0);
  }

  handleReadyForQuery(): void {
    this.#ok(this.counts);
  }

  handleError(error: unknown): void {
    this.#fail(error);
  }

  // The rows are already on their way when the server asks for them; nothing else comes back.
  handleCopyInResponse(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  // biome-ignore lint/suspicious/noThenProperty: Kysely awaits what the driver returns, which is this object
  then<A = number[], B = never>(
    onfulfilled?: ((value: number[]) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    return this.#done.then(onfulfilled, onrejected);
  }
}

/** Rows in COPY's text format: tab-separated, one line each, `\\N` for null, specials escaped. */
function copyText(data: readonly (readonly unknown[])[], rows: number): string {
  // A column of one value is encoded once. Lines are joined from arrays rather than appended to
  // one string: appending leaves a rope node per value for the collector.
  const constant = data.map((values) => (isConstant(values, rows) ? copyValue(values[0]) : undefined));
  const fields = new Array<string>(data.length);
  const lines = new Array<string>(rows + 1);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < data.length; c++)
      fields[c] = constant[c] ?? copyValue((data[c] as readonly unknown[])[i]);
    lines[i] = fields.join('\t');
  }
  lines[rows] = '';
  return lines.join('\n');
}

/** Days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for dates. */
const PG_EPOCH_DAYS = 10957;
const BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Node's Buffer has `utf8Write(string, offset)`, unchecked, beside the documented `write`. */
type Utf8Writable = Buffer & { utf8Write(s: string, offset: number): number };

/** A growing buffer for COPY's binary format (big-endian integers, length-prefixed fields). */
class BinaryWriter {
  buf: Buffer;
  at = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  /** Writes without checking room: callers reserve it first. */
  int32(v: number): void {
    const b = this.buf;
    let at = this.at;
    b[at++] = (v >>> 24) & 0xff;
    b[at++] = (v >>> 16) & 0xff;
    b[at++] = (v >>> 8) & 0xff;
    b[at++] = v & 0xff;
    this.at = at;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  /**
   * A field of UTF-8 text, its length first. Short ASCII text (ids, numbers, codes: most of an
   * import's) is copied byte by byte; other text goes through Buffer's own `utf8Write`, which
   * `buf.write(s, offset, 'utf8')` calls after checking its arguments (in a CPU profile of a
   * 1M-invoice import that checking took 2.7 s, the encoding 0.4 s). The byte-by-byte copy and
   * `utf8Write` for all text measured the same on that import.
   */
  text(s: string): void {
    this.room(4 + 3 * s.length);
    const start = this.at + 4;
    const length = s.length;
    if (length <= 64) {
      const b = this.buf;
      let i = 0;
      for (; i < length; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        b[start + i] = c;
      }
      if (i === length) {
        this.int32(length);
        this.at = start + length;
        return;
      }
    }
    const n = (this.buf as Utf8Writable).utf8Write(s, start);
    this.int32(n);
    this.at = start + n;
  }
}

/**
 * `YYYY-MM-DD` as days since 2000-01-01 (PostgreSQL's epoch for dates), or null if not such a date.
 * Dates repeat across a statement's rows (a day's invoices), so each is worked out once per batch.
 */
function pgDays(s: string, seen: Map<string, number>): number | null {
  const known = seen.get(s);
  if (known !== undefined) return known;
  if (!isLocalDate(s)) return null;
  const days = toDayNumber(s) - PG_EPOCH_DAYS;
  seen.set(s, days);
  return days;
}

/**
 * One column value as a binary COPY field (length and bytes), or undefined when it has no binary
 * form here (a numeric column, a value not of its column's kind): the caller then sends text.
 */
function binaryField(v: unknown, type: SqlArrayType): Buffer | undefined {
  const w = new BinaryWriter(16);
  return writeBinaryField(w, v, type, new Map()) ? w.buf.subarray(0, w.at) : undefined;
}

const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;

function writeBinaryField(
  w: BinaryWriter,
  v: unknown,
  type: SqlArrayType,
  dates: Map<string, number>,
): boolean {
  if (v === null || v === undefined) {
    w.room(4);
    w.int32(-1);
    return true;
  }
  switch (type) {
    case 'text':
      if (typeof v !== 'string') return false;
      w.text(v);
      return true;
    case 'bigint': {
      const n =
        typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : null;
      if (n === null || n > INT64_MAX || n < INT64_MIN) return false;
      w.room(12);
      w.int32(8);
      w.at = w.buf.writeBigInt64BE(n, w.at);
      return true;
    }
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v) || v > 0x7fffffff || v < -0x80000000) return false;
      w.room(8);
      w.int32(4);
      w.int32(v);
      return true;
    case 'date': {
      const days = typeof v === 'string' ? pgDays(v, dates) : null;
      if (days === null) return false;
      w.room(8);
      w.int32(4);
      w.int32(days);
      return true;
    }
    case 'boolean':
      if (typeof v !== 'boolean') return false;
      w.room(5);
      w.int32(1);
      w.buf[w.at++] = v ? 1 : 0;
      return true;
    case 'jsonb': {
      const s = typeof v === 'string' ? v : JSON.stringify(v);
      if (typeof s !== 'string') return false;
      // Version 1 of jsonb's binary form: the byte 1, then the JSON text.
      w.room(5 + 3 * s.length);
      const n = w.buf.write(s, w.at + 5, 'utf8');
      w.int32(n + 1);
      w.buf[w.at++] = 1;
      w.at += n;
      return true;
    }
    default:
      return false;
  }
}

/**
 * Rows in COPY's binary format, or null when some value has no binary form here (see binaryField).
 * A column of one value is encoded once and copied into each row.
 */
function copyBinary(
  columns: readonly BulkColumn[],
  data: readonly (readonly unknown[])[],
  rows: number,
): Buffer | null {
  const constant: (Buffer | undefined)[] = [];
  for (let c = 0; c < columns.length; c++) {
    const values = data[c] ?? [];
    const type = columns[c]?.type ?? 'text';
    if (type === 'numeric') return null;
    if (isConstant(values, rows)) {
      const field = binaryField(values[0], type);
      if (!field) return null;
      constant[c] = field;
    } else constant[c] = undefined;
  }
  const dates = new Map<string, number>();
  const w = new BinaryWriter(64 + rows * 16 * columns.length);
  w.bytes(BINARY_SIGNATURE);
  w.room(8);
  w.int32(0); // flags
  w.int32(0); // header extension
  const fieldCount = [(columns.length >>> 8) & 0xff, columns.length & 0xff];
  for (let i = 0; i < rows; i++) {
    w.room(2);
    w.buf[w.at++] = fieldCount[0] as number;
    w.buf[w.at++] = fieldCount[1] as number;
    for (let c = 0; c < columns.length; c++) {
      const field = constant[c];
      if (field) w.bytes(field);
      else if (
        !writeBinaryField(w, (data[c] as readonly unknown[])[i], (columns[c] as BulkColumn).type, dates)
      )
        return null;
    }
  }
  w.room(2);
  w.buf[w.at++] = 0xff; // trailer: a field count of -1
  w.buf[w.at++] = 0xff;
  return w.buf.subarray(0, w.at);
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return COPY_SPECIAL.test(s) ? s.replace(COPY_SPECIALS, (m) => COPY_ESCAPES[m] ?? m) : s;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
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
