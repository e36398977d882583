import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nachaFile } from '../../../test/support/nacha-writer.ts';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { parseBankCsvMapping } from '../bank-files/index.ts';
import { runCashApplication } from '../cash-application/index.ts';
import { checkLedger } from '../integrity/index.ts';
import { createReceivablesService } from '../receivables/index.ts';
import { buildAgingReport } from '../reporting/index.ts';
import { importBankFile } from './import-bank-file.ts';

const USD = 'USD' as CurrencyCode;
const mapping = parseBankCsvMapping(
  JSON.stringify({
    account: '000123456789',
    currency: 'USD',
    columns: {
      booking_date: 'date',
      amount: 'amount',
      reference: 'ref',
      counterparty_name: 'payer',
      counterparty_account: 'payer_account',
      remittance_text: 'memo',
      return_reason: 'return',
    },
  }),
  'test.mapping.json',
);
const HEADER = 'date,amount,ref,payer,payer_account,memo,return';

let t: TestDatabase;
let dir: string;
let n = 0;
async function bankFile(rows: string[]): Promise<string> {
  const path = join(dir, `bank-${++n}.csv`);
  await writeFile(path, `${[HEADER, ...rows].join('\n')}\n`);
  return path;
}
const importFile = (path: string, accept = false) =>
  importBankFile(t.ctx, path, { mapping, progress: false, acceptControlMismatch: accept });

async function counts() {
  const db = t.database.db;
  const one = async (
    table: 'receipts' | 'bank_transactions' | 'bank_statements' | 'journal_entries' | 'imports',
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((e) => e.fn.countAll<bigint>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    receipts: await one('receipts'),
    transactions: await one('bank_transactions'),
    statements: await one('bank_statements'),
    entries: await one('journal_entries'),
    imports: await one('imports'),
  };
}
const receiptByRef = (reference: string) =>
  t.database.db
    .selectFrom('receipts')
    .selectAll()
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow();
const openOf = async (number: string) =>
  (
    await t.database.db
      .selectFrom('items')
      .select('open_minor')
      .where('number', '=', number)
      .executeTakeFirstOrThrow()
  ).open_minor;

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'arbor-bank-'));
  await loadSmallPortfolio(t.ctx);
});
afterAll(async () => {
  await t?.close();
});

describe('importing bank files', () => {
  it('books credits as receipts that keep the bank’s details, and keeps other transactions unbooked', async () => {
    const r = await importFile(
      await bankFile([
        '2026-06-20,300.00,BNK-1,Acme Holdings,021000021:111222333,INV-4,',
        '2026-06-21,50.00,BNK-2,Somebody,,,',
        '2026-06-22,-12.00,FEE-1,Bank,,service charge,',
      ]),
    );
    expect(r).toMatchObject({
      format: 'csv',
      statements: 1,
      transactions: 3,
      receipts: { count: 2, amounts: { USD: '350.00' } },
      other: 1,
      duplicates: 0,
      newBankAccounts: ['000123456789 USD → MAIN'],
    });
    const bnk1 = await receiptByRef('BNK-1');
    expect(bnk1).toMatchObject({
      amount_minor: 30000n,
      unapplied_minor: 30000n,
      payer_name: 'Acme Holdings',
      payer_account: '021000021:111222333',
      remittance_text: 'INV-4',
      source: 'bank',
      receipt_date: '2026-06-20',
    });
    expect(bnk1.bank_account_id).not.toBeNull();
    const fee = await t.database.db
      .selectFrom('bank_transactions')
      .selectAll()
      .where('reference', '=', 'FEE-1')
      .executeTakeFirstOrThrow();
    expect(fee).toMatchObject({
      disposition: 'other',
      direction: 'debit',
      amount_minor: 1200n,
      receipt_id: null,
    });
    expect((await checkLedger(t.ctx)).filter((c) => !c.ok)).toEqual([]);
  });

  it('a return takes its receipt back: applications reversed, invoices reopened, aging shows them, check passes', async () => {
    const receivables = createReceivablesService(t.ctx);
    const bnk1 = await receiptByRef('BNK-1');
    const inv4 = await t.database.db
      .selectFrom('items')
      .select(['id', 'customer_id'])
      .where('number', '=', 'INV-4')
      .executeTakeFirstOrThrow();
    await receivables.applyBatches(t.database.db, [
      {
        entityId: bnk1.entity_id,
        currency: USD,
        appliedDate: '2026-06-20' as LocalDate,
        receiptId: bnk1.id,
        status: 'manual',
        rows: [{ kind: 'invoice', amountMinor: 30000n, itemId: inv4.id, customerId: null }],
      },
    ]);
    expect(await openOf('INV-4')).toBe(0n);
    const before = await counts();

    const r = await importFile(
      await bankFile([
        '2026-06-25,-300.00,RET-1,Acme Holdings,021000021:111222333,,R01',
        '2026-06-26,-77.00,RET-2,Nobody,,,R03',
        '2026-06-21,50.00,BNK-2,Somebody,,,',
      ]),
    );
    expect(r).toMatchObject({
      receipts: { count: 0 },
      returns: { matched: 1, unmatched: 1, applicationsReversed: 1 },
      duplicates: 1,
    });
    expect(await openOf('INV-4')).toBe(30000n);
    expect(await receiptByRef('BNK-1')).toMatchObject({
      unapplied_minor: 0n,
      returned_minor: 30000n,
      returned_on: '2026-06-25',
      return_reason: 'R01',
    });
    const rows = await t.database.db
      .selectFrom('bank_transactions')
      .select(['reference', 'disposition', 'receipt_id', 'note'])
      .where('import_id', '=', r.importId)
      .orderBy('line')
      .execute();
    expect(rows.map((x) => [x.reference, x.disposition, x.receipt_id === bnk1.id])).toEqual([
      ['RET-1', 'return', true],
      ['RET-2', 'return', false],
      ['BNK-2', 'duplicate', false],
    ]);
    expect(rows[1]?.note).toMatch(/no receipt found/);
    // One return entry, one reversal of the application: two journal entries, no new receipt.
    const after = await counts();
    expect(after.receipts).toBe(before.receipts);
    expect(after.entries - before.entries).toBe(2);

    const aging = await buildAgingReport(t.ctx, { asOf: '2026-06-30' as LocalDate });
    const c1 = aging.rows.find((row) => row.accountNumber === 'C1');
    expect(c1?.balance).toBe(30000n);
    const fromLedger = await buildAgingReport(t.ctx, { asOf: '2026-06-30' as LocalDate, fromLedger: true });
    expect(fromLedger.rows.find((row) => row.accountNumber === 'C1')?.balance).toBe(30000n);
    // As of the day before the return, the ledger still showed INV-4 paid.
    const dayBefore = await buildAgingReport(t.ctx, { asOf: '2026-06-24' as LocalDate, fromLedger: true });
    expect(dayBefore.rows.find((row) => row.accountNumber === 'C1')?.balance ?? 0n).toBe(0n);
    expect((await checkLedger(t.ctx)).filter((c) => !c.ok)).toEqual([]);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'object_id'])
      .where('action', '=', 'receipt.return')
      .execute();
    expect(audit).toEqual([{ action: 'receipt.return', object_id: bnk1.id }]);
  });

  it('a return booked before the cash was applied is posted on the application’s date, so no day shows an item open twice', async () => {
    const receivables = createReceivablesService(t.ctx);
    await importFile(await bankFile(['2026-07-01,40.00,BNK-7,Zeta Corp,026009593:999888777,,']));
    const bnk7 = await receiptByRef('BNK-7');
    const inv3 = await t.database.db
      .selectFrom('items')
      .select(['id'])
      .where('number', '=', 'INV-3')
      .executeTakeFirstOrThrow();
    const c3 = async (asOf: string) =>
      (await buildAgingReport(t.ctx, { asOf: asOf as LocalDate, fromLedger: true })).rows.find(
        (row) => row.accountNumber === 'C3',
      )?.balance;
    const base = await c3('2026-07-04');
    const openBefore = await openOf('INV-3');
    // Applied with the date of 6 July, after the bank's return of 3 July (read in a later file).
    await receivables.applyBatches(t.database.db, [
      {
        entityId: bnk7.entity_id,
        currency: USD,
        appliedDate: '2026-07-06' as LocalDate,
        receiptId: bnk7.id,
        status: 'manual',
        rows: [{ kind: 'invoice', amountMinor: 4000n, itemId: inv3.id, customerId: null }],
      },
    ]);
    const r = await importFile(
      await bankFile(['2026-07-03,-40.00,RET-7,Zeta Corp,026009593:999888777,,R01']),
    );
    expect(r).toMatchObject({ returns: { matched: 1, applicationsReversed: 1 } });
    expect(await openOf('INV-3')).toBe(openBefore);
    expect(await receiptByRef('BNK-7')).toMatchObject({
      unapplied_minor: 0n,
      returned_minor: 4000n,
      returned_on: '2026-07-03',
    });
    const entries = await t.database.db
      .selectFrom('journal_entries')
      .select('entry_date')
      .where('import_id', '=', r.importId)
      .execute();
    const reversal = await t.database.db
      .selectFrom('applications')
      .select(['applied_date'])
      .where('receipt_id', '=', bnk7.id)
      .where('reversal_of', 'is not', null)
      .execute();
    expect([...entries.map((e) => e.entry_date), ...reversal.map((a) => a.applied_date)]).toEqual(
      Array(entries.length + reversal.length).fill('2026-07-06'),
    );
    expect(entries.length).toBeGreaterThan(0);
    const note = await t.database.db
      .selectFrom('bank_transactions')
      .select('note')
      .where('import_id', '=', r.importId)
      .executeTakeFirstOrThrow();
    expect(note.note).toMatch(/posted on 2026-07-06, the date of its latest application/);
    // Between the bank's date and the application's, C3 is as it was: INV-3 neither paid nor reopened
    // beyond its amount.
    expect(await c3('2026-07-04')).toBe(base);
    expect(await c3('2026-07-06')).toBe(base);
    expect((await checkLedger(t.ctx)).filter((c) => !c.ok)).toEqual([]);
  });

  it('refuses the same file twice, and a file with warnings unless told to accept them, changing nothing', async () => {
    const path = await bankFile(['2026-06-27,10.00,BNK-3,X,,,']);
    await importFile(path);
    const before = await counts();
    await expect(importFile(path)).rejects.toMatchObject({
      code: 'banking.duplicate_file',
      kind: 'conflict',
    });
    const bad = await bankFile(['2026-06-28,20.00,BNK-4,X,,,', 'not a date,5.00,BNK-5,X,,,']);
    await expect(importFile(bad)).rejects.toMatchObject({
      code: 'banking.file_warnings',
      issues: [expect.objectContaining({ line: 3, message: expect.stringMatching(/not a date/) })],
    });
    expect(await counts()).toEqual(before);
    const accepted = await importFile(bad, true);
    expect(accepted.receipts.count).toBe(1);
    expect(accepted.warnings).toHaveLength(1);
  });

  it('refuses an amount the currency cannot hold, naming the line, and writes nothing', async () => {
    const before = await counts();
    const path = await bankFile(['2026-06-28,1.00,BNK-6,X,,,', '2026-06-28,1.001,BNK-7,X,,,']);
    await expect(importFile(path)).rejects.toMatchObject({
      code: 'banking.file_warnings',
      issues: [expect.objectContaining({ line: 3, message: expect.stringMatching(/amount/) })],
    });
    expect(await counts()).toEqual(before);
  });

  it('reads an 820 advice carried in CTX addenda, links it to its receipt, and the engine applies by it', async () => {
    const advice =
      'ST*820*0001~BPR*C*300*C*ACH*CTX*01*021000021*DA*111222333*1999999999**01*091000019*DA*999*20260629~' +
      'TRN*1*CTX-0001*1999999999~N1*PR*ACME HOLDINGS~ENT*1~RMR*IV*INV-4**300~SE*7*0001~';
    const pieces = advice.match(/.{1,80}/g) ?? [];
    const path = join(dir, 'ctx.ach');
    await writeFile(
      path,
      nachaFile({
        companyName: 'ACME HOLDINGS',
        companyId: '1999999999',
        sec: 'CTX',
        effective: '260629',
        entries: [
          {
            transactionCode: '22',
            routing: '091000019',
            account: '999',
            amountCents: 30000,
            name: 'ARBOR DEMO CO',
            trace: '091000010000777',
            addenda: pieces,
          },
        ],
      }),
    );
    expect(await openOf('INV-4')).toBe(30000n);
    const r = await importBankFile(t.ctx, path, { progress: false, account: 'OPERATING' });
    expect(r).toMatchObject({ format: 'nacha', receipts: { count: 1 }, advices: 1, advicesLinked: 1 });
    const receipt = await receiptByRef('091000010000777');
    expect(receipt.payer_name).toBe('ACME HOLDINGS');
    const linked = await t.database.db
      .selectFrom('remittance_advices')
      .select(['receipt_id', 'linked_by', 'source_format'])
      .where('receipt_id', '=', receipt.id)
      .executeTakeFirstOrThrow();
    expect(linked).toEqual({ receipt_id: receipt.id, linked_by: 'same-file', source_format: 'ach-addenda' });
    await runCashApplication(t.ctx, { asOf: '2026-06-30' as LocalDate });
    expect(await openOf('INV-4')).toBe(0n);
    const rows = await t.database.db
      .selectFrom('applications')
      .select(['kind', 'status', 'explanation'])
      .where('receipt_id', '=', receipt.id)
      .execute();
    expect(rows).toEqual([
      { kind: 'invoice', status: 'auto', explanation: expect.stringMatching(/remittance advice/) },
    ]);
    expect((await checkLedger(t.ctx)).filter((c) => !c.ok)).toEqual([]);
  });
});
