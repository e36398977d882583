import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import {
  binaryTypesMatch,
  insertColumns,
  insertMany,
  preparedStatement,
  prepareInsert,
  runInserts,
} from './bulk.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.database.exec('create table bulk_probe (n integer, s text, b bigint, d date)');
  await t.database.exec('create table bulk_other (n integer primary key, j jsonb, ok boolean)');
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

describe('insertColumns on the engine it runs on (COPY on a server, INSERT on PGlite)', () => {
  const columns = [
    { name: 'n', type: 'integer' },
    { name: 's', type: 'text' },
    { name: 'b', type: 'bigint' },
    { name: 'd', type: 'date' },
  ] as const;

  it('round-trips any text, nulls, bigints and dates exactly, and columns of one repeated value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.option(
              fc.oneof(
                fc.string({ unit: 'grapheme' }),
                fc.constantFrom(
                  '\t',
                  '\n',
                  '\r\n',
                  '\\',
                  '\\N',
                  '\\.',
                  'a\tb\\c',
                  '\u001f',
                  '\u001e',
                  '',
                  'NULL',
                ),
              ),
            ),
            fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
            fc.option(
              fc.oneof(
                fc.constantFrom(
                  '2026-01-31',
                  '1999-12-31',
                  '2000-01-01',
                  '2024-02-29',
                  '2000-02-29',
                  '1900-03-01',
                ),
                fc
                  .date({
                    min: new Date('0100-01-01T00:00:00Z'),
                    max: new Date('9999-12-31T00:00:00Z'),
                    noInvalidDate: true,
                  })
                  .map((d) => d.toISOString().slice(0, 10)),
              ),
            ),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        fc.boolean(),
        async (rows, repeat) => {
          await sql`truncate bulk_probe`.execute(t.database.db);
          // Half the runs give every row the same text, to exercise columns sent once.
          const data = rows.map((r, i) => [
            i,
            repeat ? (rows[0]?.[0] ?? null) : (r[0] ?? null),
            r[1] ?? null,
            r[2] ?? null,
          ]);
          const inserted = await insertColumns(
            t.database.db,
            'bulk_probe',
            columns,
            columns.map((_, c) => data.map((r) => r[c])),
            { engine: t.database.kind },
          );
          expect(inserted).toBe(rows.length);
          const back = await sql<{ n: number; s: string | null; b: bigint | null; d: string | null }>`
            select * from bulk_probe order by n`.execute(t.database.db);
          expect(back.rows.map((r) => [r.n, r.s, r.b, r.d])).toEqual(data);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("sends rows in COPY's binary form when every value has one, and as text otherwise, with the same result", async () => {
    const all = [
      { name: 'n', type: 'integer' },
      { name: 'j', type: 'jsonb' },
      { name: 'ok', type: 'boolean' },
    ] as const;
    const binary = prepareInsert(
      'bulk_other',
      all,
      [
        [1, 2],
        [{ a: 'é\t"' }, null],
        [true, false],
      ],
      {
        engine: 'postgres',
      },
    );
    // A number in a text column, a numeric column: no binary form here, so the rows go as text.
    const asText = prepareInsert('bulk_probe', columns, [[1], [42], [1n], ['2026-01-31']], {
      engine: 'postgres',
    });
    const numeric = prepareInsert('t', [{ name: 'x', type: 'numeric' }], [['1.5']], { engine: 'postgres' });
    const impossible = prepareInsert('t', [{ name: 'd', type: 'date' }], [['2023-02-29']], {
      engine: 'postgres',
    });
    const statements = [binary, asText, numeric, impossible].map((p) =>
      p.write.kind === 'copy' ? p.write.binary !== null : null,
    );
    expect(statements).toEqual([true, false, false, false]);
    if (t.database.kind !== 'postgres') return;
    await sql`truncate bulk_other`.execute(t.database.db);
    await sql`truncate bulk_probe`.execute(t.database.db);
    await runInserts(t.database.db, [binary, asText]);
    const other = await sql<{
      n: number;
      j: unknown;
      ok: boolean;
    }>`select * from bulk_other order by n`.execute(t.database.db);
    expect(other.rows).toEqual([
      { n: 1, j: { a: 'é\t"' }, ok: true },
      { n: 2, j: null, ok: false },
    ]);
    const probe = await sql<{ s: string }>`select s from bulk_probe`.execute(t.database.db);
    expect(probe.rows).toEqual([{ s: '42' }]);
    // The server still refuses a date that does not exist, sent as text.
    await expect(
      runInserts(t.database.db, [
        prepareInsert('bulk_probe', [{ name: 'd', type: 'date' }], [['2023-02-29']], { engine: 'postgres' }),
      ]),
    ).rejects.toThrow(/date/);
    await sql`truncate bulk_other`.execute(t.database.db);
  });

  it('sends text, not binary, to columns not of the declared type: array, bytea and timestamp literals, a bigint declared integer', async () => {
    // Values in COPY's text form for columns declared `text` are a server-only path (the dunning
    // run's writeRows); on PGlite those rows go by an ordinary INSERT of typed values.
    if (t.database.kind !== 'postgres') return;
    await t.database.exec(
      'create table if not exists bulk_typed (n bigint, tags text[], content bytea, at timestamptz, note text)',
    );
    await sql`truncate bulk_typed`.execute(t.database.db);
    // As the dunning run writes its documents and emails: each value in the text form COPY reads.
    const rows = 250;
    const data = [
      Array.from({ length: rows }, (_, i) => i),
      Array.from({ length: rows }, (_, i) => `{"a${i}@example.com","b\\"c"}`),
      Array.from({ length: rows }, (_, i) => `\\x25504446${i.toString(16).padStart(4, '0')}`),
      Array.from({ length: rows }, (_, i) => new Date(Date.UTC(2026, 10, 30, 12, 0, i % 60)).toISOString()),
      Array.from({ length: rows }, (_, i) => `note ${i}`),
    ];
    const prepared = prepareInsert(
      'bulk_typed',
      [
        { name: 'n', type: 'integer' },
        { name: 'tags', type: 'text' },
        { name: 'content', type: 'text' },
        { name: 'at', type: 'text' },
        { name: 'note', type: 'text' },
      ],
      data,
      { engine: t.database.kind },
    );
    // Every value has a binary form as declared; only the catalog says the columns are not text.
    expect(prepared.write.kind === 'copy' && prepared.write.binary !== null).toBe(true);
    await runInserts(t.database.db, [prepared]);
    const back = await sql<{ n: bigint; tags: string[]; content: Uint8Array; at: Date; note: string }>`
      select n, tags, content, at, note from bulk_typed order by n`.execute(t.database.db);
    expect(back.rows).toHaveLength(rows);
    back.rows.forEach((r, i) => {
      expect(r.n).toBe(BigInt(i));
      expect(r.tags).toEqual([`a${i}@example.com`, 'b"c']);
      expect(Buffer.from(r.content).toString('hex')).toBe(`25504446${i.toString(16).padStart(4, '0')}`);
      expect(new Date(r.at).toISOString()).toBe(data[3]?.[i]);
      expect(r.note).toBe(`note ${i}`);
    });
    // The same rows in a table of exactly the declared types do go in binary form.
    await t.database.exec('create table if not exists bulk_plain (n integer, note text)');
    await sql`truncate bulk_plain`.execute(t.database.db);
    await runInserts(t.database.db, [
      prepareInsert(
        'bulk_plain',
        [
          { name: 'n', type: 'integer' },
          { name: 'note', type: 'text' },
        ],
        [data[0] ?? [], data[4] ?? []],
        { engine: t.database.kind },
      ),
    ]);
    const plain = await sql<{ n: number; note: string }>`select n, note from bulk_plain order by n`.execute(
      t.database.db,
    );
    expect(plain.rows.map((r) => r.note)).toEqual(data[4]);
  });

  it('sends binary to char(n) and varchar columns declared text (the currencies), which apply their length', async () => {
    if (t.database.kind !== 'postgres') return;
    await t.database.exec(
      'create table if not exists bulk_chars (n integer, currency char(3), code varchar(5), tags text[])',
    );
    await sql`truncate bulk_chars`.execute(t.database.db);
    const db = t.database.db;
    const text = (name: string) => ({ name, type: 'text' as const });
    expect(
      await binaryTypesMatch(db, 'bulk_chars', [
        { name: 'n', type: 'integer' },
        text('currency'),
        text('code'),
      ]),
    ).toBe(true);
    // An array is not: its binary form is not a string's bytes.
    expect(await binaryTypesMatch(db, 'bulk_chars', [text('currency'), text('tags')])).toBe(false);
    const rows = (currencies: string[], codes: string[]) =>
      prepareInsert(
        'bulk_chars',
        [{ name: 'n', type: 'integer' }, text('currency'), text('code')],
        [currencies.map((_, i) => i), currencies, codes],
        { engine: t.database.kind },
      );
    await runInserts(db, [rows(['USD', 'EU'], ['A', 'BCDE'])]);
    const back = await sql<{
      currency: string;
      code: string;
    }>`select currency, code from bulk_chars order by n`.execute(db);
    // char(3) pads as its text input does.
    expect(back.rows).toEqual([
      { currency: 'USD', code: 'A' },
      { currency: 'EU ', code: 'BCDE' },
    ]);
    await expect(runInserts(db, [rows(['USDX'], ['A'])])).rejects.toThrow(/too long/);
    await expect(runInserts(db, [rows(['USD'], ['ABCDEF'])])).rejects.toThrow(/too long/);
  });

  it('writes several tables in one run, in order, inside the transaction; a failing one undoes all', async () => {
    await sql`truncate bulk_probe`.execute(t.database.db);
    const engine = t.database.kind;
    const probe = (n: number) =>
      prepareInsert('bulk_probe', columns, [[n], ['x'], [1n], ['2026-01-01']], { engine });
    const other = (ns: number[]) =>
      prepareInsert(
        'bulk_other',
        [
          { name: 'n', type: 'integer' },
          { name: 'j', type: 'jsonb' },
          { name: 'ok', type: 'boolean' },
        ],
        [ns, ns.map((n) => ({ n, text: 'tab\there' })), ns.map((n) => n % 2 === 0)],
        { engine },
      );
    const counts = await t.database.db
      .transaction()
      .execute((tx) =>
        runInserts(tx, [
          probe(1),
          other([1, 2, 3]),
          prepareInsert('bulk_probe', columns, [[], [], [], []]),
          probe(2),
        ]),
      );
    expect(counts).toEqual([1, 3, 0, 1]);
    const j = await sql<{ j: unknown; ok: boolean }>`select j, ok from bulk_other where n = 2`.execute(
      t.database.db,
    );
    expect(j.rows).toEqual([{ j: { n: 2, text: 'tab\there' }, ok: true }]);
    // bulk_other.n is a primary key: the second write fails, and nothing of the transaction stays.
    await expect(
      t.database.db.transaction().execute((tx) => runInserts(tx, [probe(3), other([4, 4]), probe(5)])),
    ).rejects.toMatchObject({ code: '23505' });
    const after = await sql<{ n: number }>`select n from bulk_probe order by n`.execute(t.database.db);
    expect(after.rows.map((r) => r.n)).toEqual([1, 2]);
    // The connection is usable again after the failure.
    expect(
      await insertColumns(t.database.db, 'bulk_other', [{ name: 'n', type: 'integer' }], [[9]], { engine }),
    ).toBe(1);
  });
});

describe('runInserts with statements (INSERT or UPDATE) in a row', () => {
  const n = [{ name: 'n', type: 'integer' as const }];
  beforeAll(async () => {
    await t.database.exec(`create table bulk_parent (n integer primary key, hits integer not null default 0);
      create table bulk_child (n integer not null);
      create function bulk_child_check() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from new_children c where not exists (select 1 from bulk_parent p where p.n = c.n)) then
          raise exception 'bulk_child without its parent' using errcode = '23503';
        end if;
        return null;
      end $$;
      create trigger bulk_child_checked after insert on bulk_child
        referencing new table as new_children for each statement execute function bulk_child_check();`);
  });

  it('sends them as one statement, counts each, and checks run once all have written', async () => {
    const counts = await t.database.db.transaction().execute((tx) =>
      runInserts(tx, [
        prepareInsert('bulk_parent', n, [[1, 2, 3]]),
        prepareInsert('bulk_child', n, [[]]),
        // The children's check runs at the end of the statement, when their parents are written.
        prepareInsert('bulk_child', n, [[1, 1, 3]]),
        preparedStatement('bulk_parent', sql`update bulk_parent set hits = hits + 1 where n >= ${2}`),
      ]),
    );
    expect(counts).toEqual([3, 0, 3, 0]);
    const parents = await sql<{
      n: number;
      hits: number;
    }>`select n, hits from bulk_parent order by n`.execute(t.database.db);
    // The update ran on the parents as they were before the statement: none of the new ones.
    expect(parents.rows).toEqual([
      { n: 1, hits: 0 },
      { n: 2, hits: 0 },
      { n: 3, hits: 0 },
    ]);
    await sql`update bulk_parent set hits = 0`.execute(t.database.db);
    const again = await t.database.db
      .transaction()
      .execute((tx) =>
        runInserts(tx, [
          preparedStatement('bulk_parent', sql`update bulk_parent set hits = hits + 1 where n >= ${2}`),
          prepareInsert('bulk_child', n, [[2]]),
        ]),
      );
    // An UPDATE counts the rows it changed.
    expect(again).toEqual([2, 1]);
    expect(
      (await sql<{ s: number }>`select sum(hits)::integer as s from bulk_parent`.execute(t.database.db))
        .rows[0]?.s,
    ).toBe(2);
  });

  it('writes nothing of any of them when one fails', async () => {
    const before = await sql<{ c: number }>`select count(*)::integer as c from bulk_child`.execute(
      t.database.db,
    );
    await expect(
      t.database.db.transaction().execute((tx) =>
        runInserts(tx, [
          prepareInsert('bulk_child', n, [[1]]),
          // No parent 99: the check refuses the whole statement.
          prepareInsert('bulk_child', n, [[99]]),
          preparedStatement('bulk_parent', sql`update bulk_parent set hits = 100`),
        ]),
      ),
    ).rejects.toMatchObject({ code: '23503' });
    const after = await sql<{ c: number }>`select count(*)::integer as c from bulk_child`.execute(
      t.database.db,
    );
    expect(after.rows[0]?.c).toBe(before.rows[0]?.c);
    const hits = await sql<{ m: number }>`select max(hits)::integer as m from bulk_parent`.execute(
      t.database.db,
    );
    expect(hits.rows[0]?.m).toBeLessThan(100);
  });
});
