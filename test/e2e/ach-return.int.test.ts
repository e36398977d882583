import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { nachaFile } from '../support/nacha-writer.ts';
import { SMALL } from '../support/small-portfolio.ts';

let dir: string;
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
  const code = await main(['--db', join(dir, 'db'), ...args], {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: { ARBOR_TODAY: '2026-07-10', ARBOR_USER: 'e2e' },
  });
  return { code, out, err };
}

async function c1Balance(asOf: string): Promise<string> {
  const r = await arbor(['report', 'aging', '--as-of', asOf, '--format', 'json']);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.out) as { rows: { account_number: string; balance: string }[] };
  return doc.rows.find((row) => row.account_number === 'C1')?.balance ?? '0.00';
}

const DRAWN_TRACE = '091000010000001';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-ach-'));
  for (const kind of ['customers', 'parties', 'invoices', 'history'])
    expect((await arbor(['import', kind, join(SMALL, `${kind}.csv`)])).code).toBe(0);
});

/**
 * Acceptance (issue 4): a return file for a receipt applied earlier reopens the invoices, the aging
 * shows them again, and `arbor check` passes — with real NACHA files: a direct debit drawn from
 * C1's known account for INV-4, then the bank's R01 return of that entry.
 */
describe('an ACH return of a receipt applied earlier', () => {
  it('reopens the invoice, the aging shows it again, and check passes', async () => {
    const pay = join(dir, 'drawn.ach');
    await writeFile(
      pay,
      nachaFile({
        companyName: 'ARBOR DEMO CO',
        companyId: '1999999999',
        sec: 'CCD',
        effective: '260701',
        entries: [
          {
            transactionCode: '27',
            routing: '021000021',
            account: '111222333',
            amountCents: 30000,
            name: 'ACME HOLDINGS',
            trace: DRAWN_TRACE,
            addenda: ['INV-4'],
          },
        ],
      }),
    );
    const imported = await arbor(['import', 'bank', pay]);
    expect(imported.err).not.toMatch(/arbor:/);
    expect(imported.out).toMatch(/receipts: 1 \(300\.00 USD\)/);
    const applied = await arbor(['cash', 'apply', '--as-of', '2026-07-01']);
    expect(applied.out).toMatch(/1 applied automatically \(300\.00 USD\)/);
    expect(await c1Balance('2026-07-01')).toBe('0.00');

    const ret = join(dir, 'return.ach');
    await writeFile(
      ret,
      nachaFile({
        companyName: 'ARBOR DEMO CO',
        companyId: '1999999999',
        sec: 'CCD',
        effective: '260706',
        entries: [
          {
            transactionCode: '26',
            routing: '021000021',
            account: '111222333',
            amountCents: 30000,
            name: 'ACME HOLDINGS',
            trace: '021000020000009',
            returnOf: { code: 'R01', originalTrace: DRAWN_TRACE },
          },
        ],
      }),
    );
    const returned = await arbor(['import', 'bank', ret]);
    expect(returned.err).not.toMatch(/arbor:/);
    expect(returned.out).toMatch(
      /returns: 1 matched to their receipts \(1 application\(s\) reversed\), 0 to identify/,
    );
    expect(await c1Balance('2026-07-10')).toBe('300.00');
    // The ledger as it stood before the return still shows INV-4 paid.
    expect(await c1Balance('2026-07-05')).toBe('0.00');
    const check = await arbor(['check']);
    expect(check.code).toBe(0);
    const exported = await arbor(['export', 'applications', '--format', 'json']);
    const rows = JSON.parse(exported.out) as { receipt_reference: string }[];
    expect(rows.some((r) => r.receipt_reference === DRAWN_TRACE)).toBe(false);
  });
});
