import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { readXlsxRows, writeXlsx } from '../../src/modules/tabular/index.ts';
import { SMALL } from '../support/small-portfolio.ts';

/** Runs `arbor ARGS` in-process against an embedded database directory; captures output and exit code. */
async function arbor(args: string[], env: Record<string, string> = {}) {
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
  const code = await main(['--db', dbDir, ...args], {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: { ARBOR_TODAY: '2026-06-30', ARBOR_USER: 'e2e', ...env },
  });
  return { code, out, err };
}

let dir: string;
let dbDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-e2e-'));
  dbDir = join(dir, 'db');
});

describe('arbor command line', () => {
  it('init creates the tenant and is idempotent; a different currency is a conflict', async () => {
    const first = await arbor(['init']);
    expect(first).toMatchObject({ code: 0, out: expect.stringMatching(/initialized .*entity MAIN \(USD\)/) });
    const again = await arbor(['init']);
    expect(again).toMatchObject({ code: 0, out: expect.stringMatching(/up to date/) });
    const eur = await arbor(['init', '--currency', 'EUR']);
    expect(eur.code).toBe(4);
    expect(eur.err).toMatch(/already exists with currency USD/);
  });

  it('imports the small portfolio, refuses it twice with exit 4, and reports bad rows with exit 2', async () => {
    for (const kind of ['entities', 'customers', 'parties', 'invoices', 'history']) {
      const r = await arbor(['import', kind, join(SMALL, `${kind}.csv`)]);
      expect(r, r.err).toMatchObject({ code: 0 });
    }
    const twice = await arbor(['import', 'invoices', join(SMALL, 'invoices.csv')]);
    expect(twice.code).toBe(4);
    expect(twice.err).toMatch(/already imported/);
    const bad = join(dir, 'bad.csv');
    await writeFile(
      bad,
      'invoice_number,account_number,issue_date,amount\nZ-1,C1,2026-13-01,10\nZ-2,C9,2026-06-01,1e3\n',
    );
    const r = await arbor(['import', 'invoices', bad]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n').filter((l) => l.startsWith(bad))).toEqual([
      `${bad}:2: issue_date: "2026-13-01" is not a date (YYYY-MM-DD)`,
      `${bad}:3: account_number: unknown customer "C9"; import customers first`,
    ]);
    const missing = await arbor(['import', 'invoices', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(3);
  });

  it('reads the same formats from XLSX, reporting rows as FILE:ROW', async () => {
    const path = join(dir, 'more.xlsx');
    await writeXlsx(path, [
      {
        name: 'invoices',
        columns: [
          { name: 'invoice_number' },
          { name: 'account_number' },
          { name: 'issue_date', type: 'date' },
          { name: 'amount', type: 'amount' },
        ],
        rows: [
          ['X-1', 'C3', '2026-06-28', '123.45'],
          ['X-2', 'C3', '2026-06-29', '10.00'],
        ],
      },
    ]);
    const r = await arbor(['import', 'invoices', path]);
    expect(r, r.err).toMatchObject({ code: 0, out: expect.stringMatching(/imported 2 invoices/) });
    const rows = [];
    for await (const row of readXlsxRows(path)) rows.push(row);
    expect(rows[1]?.fields).toEqual(['X-1', 'C3', '2026-06-28', '123.45']);
  });

  it('prints the aging in every format, as of any date', async () => {
    const table = await arbor(['report', 'aging']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/Aging as of 2026-06-30 by due date/);
    expect(table.out).toMatch(/TOTAL +2 accounts +USD +433\.45 +1,200\.00/);
    const json = JSON.parse((await arbor(['report', 'aging', '--format', 'json'])).out);
    expect(json.totals).toEqual([
      expect.objectContaining({ currency: 'USD', balance: '1633.45', unapplied: '-700.00', net: '933.45' }),
    ]);
    const csvOut = (await arbor(['report', 'aging', '--format', 'csv', '--as-of', '2026-05-31'])).out;
    expect(csvOut.split('\r\n')[0]).toBe(
      'account_number,name,parent_account_number,currency,current,1_30,31_60,61_90,91_120,over_120,credits,balance,unapplied,net',
    );
    const xlsx = join(dir, 'aging.xlsx');
    expect((await arbor(['report', 'aging', '--format', 'xlsx', '--output', xlsx])).code).toBe(0);
    expect((await readFile(xlsx)).subarray(0, 2).toString()).toBe('PK');
    // A collector's own customers only: bjones works C3, asmith C1 and C2.
    const mine = JSON.parse(
      (await arbor(['report', 'aging', '--collector', 'bjones', '--format', 'json'])).out,
    );
    expect(mine.rows.map((r: { account_number: string }) => r.account_number)).toEqual(['C3']);
    const theirs = JSON.parse(
      (await arbor(['report', 'aging', '--collector', 'asmith', '--by', 'parent', '--format', 'json'])).out,
    );
    expect(theirs.rows.map((r: { account_number: string }) => r.account_number)).toEqual(['C1']);
    const bad = await arbor(['report', 'aging', '--as-of', '30/06/2026']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--as-of must be a date/);
  });

  it('prints a statement and exports applications per the contract', async () => {
    const s = await arbor([
      'report',
      'statement',
      'C3',
      '--from',
      '2026-05-01',
      '--to',
      '2026-06-30',
      '--format',
      'json',
    ]);
    expect(s.code).toBe(0);
    const st = JSON.parse(s.out);
    expect(st.balances[0]).toMatchObject({ currency: 'USD', opening: '0.00', closing: '633.45' });
    const unknown = await arbor(['report', 'statement', 'NOPE']);
    expect(unknown.code).toBe(3);
    const exp = await arbor(['export', 'applications']);
    const lines = exp.out.trim().split('\r\n');
    expect(lines[0]).toBe(
      'receipt_reference,receipt_date,receipt_amount,currency,account_number,target,kind,amount,reason_code,status,confidence,explanation',
    );
    expect(lines).toContain('R-2,2026-03-08,980.00,USD,C2,,discount,-20.00,,history,,');
    const json = JSON.parse(
      (await arbor(['export', 'applications', '--format', 'json', '--status', 'open'])).out,
    );
    expect(json).toEqual([
      expect.objectContaining({ receipt_reference: 'R-3', kind: 'invoice' }),
      expect.objectContaining({ receipt_reference: 'R-3', kind: 'deduction' }),
      expect.objectContaining({
        receipt_reference: 'R-3',
        kind: 'unapplied',
        amount: '700.00',
        status: 'open',
      }),
    ]);
  });

  it('locks a period: imports dated in it are refused as a conflict until it is reopened', async () => {
    expect((await arbor(['period', 'lock', '2026-06'])).out).toMatch(/locked 2026-06 of entity MAIN/);
    const file = join(dir, 'june.csv');
    await writeFile(file, 'invoice_number,account_number,issue_date,amount\nJ-1,C1,2026-06-15,10.00\n');
    const refused = await arbor(['import', 'invoices', file]);
    expect(refused.code).toBe(4);
    expect(refused.err).toMatch(/period 2026-06 of entity .* is locked/);
    expect((await arbor(['period', 'unlock', '2026-06'])).code).toBe(0);
    expect((await arbor(['import', 'invoices', file])).code).toBe(0);
    expect((await arbor(['period', 'lock', '2026-6'])).code).toBe(2);
  });

  it('check passes with exit 0', async () => {
    const r = await arbor(['check']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/all 11 checks passed/);
  });

  it('answers usage errors with exit 2', async () => {
    expect((await arbor(['frobnicate'])).code).toBe(2);
    expect((await arbor(['report', 'aging', '--colour'])).code).toBe(2);
    expect((await arbor(['import', 'widgets', 'x.csv'])).code).toBe(2);
    expect((await arbor(['--help'])).out).toMatch(/usage: arbor/);
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
