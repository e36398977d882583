import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openDatabase } from '../../src/db/database.ts';
import { parseCsv } from '../../src/modules/tabular/index.ts';
import { SMALL } from '../support/small-portfolio.ts';

/** Runs `arbor ARGS` in-process against the test's database; captures output and exit code. */
async function arbor(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const code = await main(['--db', target, ...args], {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: { ARBOR_TODAY: '2026-06-30', ARBOR_USER: 'e2e' },
  });
  return { code, out, err };
}

/** Runs one statement as a superuser could, behind the application's back. */
async function tamper(statement: string): Promise<void> {
  const database = await openDatabase(target);
  try {
    // Through Kysely (not `exec`), whose close also ends the server pool's connections.
    await database.db.transaction().execute(async (tx) => {
      await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
      await sql.raw(statement).execute(tx);
      await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
    });
  } finally {
    await database.close();
  }
}

let dir: string;
/** An embedded database directory, or a fresh database on the server when the suite runs there. */
let target: string;
let dropServerDatabase: (() => Promise<void>) | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-audit-e2e-'));
  target = join(dir, 'db');
  const templateUrl = inject('pgTemplateUrl');
  if (templateUrl) {
    const name = `arbor_t_${randomBytes(5).toString('hex')}`;
    const adminUrl = templateUrl.replace(/\/[^/]*$/, '/postgres');
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name} template ${new URL(templateUrl).pathname.slice(1)}`);
    await admin.end();
    target = templateUrl.replace(/\/[^/]*$/, `/${name}`);
    dropServerDatabase = async () => {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  }
});
afterAll(async () => {
  await dropServerDatabase?.();
  await rm(dir, { recursive: true, force: true });
});

describe('arbor audit', () => {
  it('verifies the chain that init and imports wrote', async () => {
    expect((await arbor(['init'])).code).toBe(0);
    for (const kind of ['customers', 'invoices']) {
      const r = await arbor(['import', kind, join(SMALL, `${kind}.csv`)]);
      expect(r, r.err).toMatchObject({ code: 0 });
    }
    const r = await arbor(['audit', 'verify']);
    expect(r, r.err).toMatchObject({ code: 0 });
    expect(r.out).toMatch(
      /^audit chain verified: \d+ rows \(0 before the chain began\), head \d+ [0-9a-f]{16}\n$/,
    );
    const json = JSON.parse((await arbor(['audit', 'verify', '--format', 'json'])).out);
    expect(json).toMatchObject({ ok: true, failure_count: 0, legacy_rows: '0' });
    expect(json.head_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.out).toContain(`head ${json.head_seq} ${json.head_hash.slice(0, 16)}`);
  });

  it('exports every row with its position and hash, as JSON lines, JSON or CSV', async () => {
    const lines = (await arbor(['audit', 'export'])).out.trimEnd().split('\n');
    const rows = lines.map((l) => JSON.parse(l));
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => String(i + 1)));
    expect(rows[0]).toMatchObject({ actor: 'e2e', action: 'entity.created', prev_hash: '0'.repeat(64) });
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect(rows.some((r) => r.action === 'import.invoices')).toBe(true);

    const array = JSON.parse((await arbor(['audit', 'export', '--format', 'json'])).out);
    expect(array).toEqual(rows);

    const file = join(dir, 'audit.csv');
    expect((await arbor(['audit', 'export', '--format', 'csv', '--output', file])).code).toBe(0);
    const csv: string[][] = [];
    const text = await readFile(file, 'utf8');
    for await (const rec of parseCsv(
      (async function* () {
        yield text;
      })(),
    )) {
      if ('error' in rec) throw new Error(rec.error);
      csv.push(rec.fields);
    }
    expect(csv[0]).toEqual([
      'seq',
      'id',
      'at',
      'actor',
      'action',
      'object_type',
      'object_id',
      'before',
      'after',
      'request_id',
      'source',
      'prev_hash',
      'hash',
      'lane',
    ]);
    expect(rows.every((r) => r.lane === 0)).toBe(true);
    expect(csv.length).toBe(rows.length + 1);
    expect(JSON.parse(csv[1]?.[8] ?? '')).toEqual(rows[0].after);
    // The text that was hashed: keys sorted (jsonb gives them back shortest first).
    expect(csv[1]?.[8]).toBe('{"code":"MAIN","country":null,"currency":"USD","name":"Main entity"}');

    const today = new Date().toISOString().slice(0, 10);
    expect((await arbor(['audit', 'export', '--from', today, '--to', today])).out).toBe(
      `${lines.join('\n')}\n`,
    );
    expect((await arbor(['audit', 'export', '--to', '2000-01-01'])).out).toBe('');
    expect((await arbor(['audit', 'export', '--from', '2026-07-01', '--to', '2026-06-01'])).code).toBe(2);
    expect((await arbor(['audit', 'export', '--format', 'xml'])).code).toBe(2);
  });

  it('checks heads recorded earlier in a file, and names a file it cannot use', async () => {
    const file = join(dir, 'heads.json');
    await writeFile(file, (await arbor(['audit', 'verify', '--format', 'json'])).out);
    const again = await arbor(['audit', 'verify', '--expect', file]);
    expect(again, again.err).toMatchObject({ code: 0 });
    expect(again.out).toMatch(/\nthe 1 head\(s\) recorded in heads\.json are still there, unchanged\n$/);

    const recorded = JSON.parse(await readFile(file, 'utf8'));
    const forged = join(dir, 'forged.json');
    await writeFile(
      forged,
      JSON.stringify({ lanes: [{ lane: 0, seq: recorded.lanes[0].seq, hash: 'a'.repeat(64) }] }),
    );
    const r = await arbor(['audit', 'verify', '--expect', forged]);
    expect(r.code).toBe(5);
    expect(r.out).toContain(`seq ${recorded.lanes[0].seq} (aud_`);
    expect(r.out).toContain('the trail was rewritten since');

    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"lanes": [{"lane": 0, "seq": "x"}]}');
    const b = await arbor(['audit', 'verify', '--expect', bad]);
    expect(b.code).toBe(2);
    expect(b.err).toContain('bad.json: lanes[0]: seq "x" is not a whole number');
    const missing = await arbor(['audit', 'verify', '--expect', join(dir, 'nowhere.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('nowhere.json: no such file');
  });

  it('fails with exit 5 and names the row changed directly in the database', async () => {
    const rows = (await arbor(['audit', 'export'])).out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const victim = rows.find((r) => r.action === 'import.invoices');
    await tamper(`update audit_log set after = jsonb_set(after, '{rows}', '1') where id = '${victim.id}'`);
    const r = await arbor(['audit', 'verify']);
    expect(r.code).toBe(5);
    expect(r.out).toBe(
      `FAIL  seq ${victim.seq} (${victim.id}): content does not match its hash: the row was changed\n` +
        `audit chain FAILED: 1 problem(s) in ${rows.length} rows\n`,
    );
  });
});
