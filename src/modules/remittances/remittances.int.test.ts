import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { type AppError, isAppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { createX12_820Parser } from '../edi/index.ts';
import { createReceivablesService } from '../receivables/index.ts';
import { writeXlsx } from '../tabular/index.ts';
import { getDefaultEntity } from '../tenancy/index.ts';
import { importRemittanceFile } from './import-remittance.ts';
import { linkAdvices } from './link-advices.ts';
import { recordAdvices } from './record-advices.ts';
import { insertImport } from './remittances.repo.ts';

const USD = 'USD' as CurrencyCode;
const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/remittance');
const fixture = (name: string) => join(FIXTURES, name);

let t: TestDatabase;
let entityId: string;
let dir: string;
let n = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  entityId = (await getDefaultEntity(t.database.db, t.ctx.tenantId)).id;
  dir = await mkdtemp(join(tmpdir(), 'arbor-remittance-'));
});
afterAll(async () => {
  await t?.close();
});

const HEADER =
  'remittance_id,payer_name,payment_reference,payment_date,payment_amount,currency,invoice_number,paid_amount';
async function csvFile(rows: string[]): Promise<string> {
  const path = join(dir, `remittance-${++n}.csv`);
  await writeFile(path, `${[HEADER, ...rows].join('\n')}\n`);
  return path;
}

interface ReceiptInput {
  reference: string;
  date: string;
  amountMinor: bigint;
  payer?: string;
  memo?: string;
  remittanceText?: string;
  endToEndId?: string;
  checkNumber?: string;
}

async function postReceipts(receipts: ReceiptInput[]): Promise<string[]> {
  const drafts = receipts.map((r) => ({
    id: newId('receipt'),
    entityId,
    reference: r.reference,
    receiptDate: r.date as LocalDate,
    currency: USD,
    amountMinor: r.amountMinor,
    payerName: r.payer ?? null,
    payerAccount: null,
    method: r.checkNumber ? 'lockbox' : 'ach',
    memo: r.memo ?? null,
    remittanceText: r.remittanceText ?? null,
    customerId: null,
    source: 'bank' as const,
    importId: null,
    endToEndId: r.endToEndId ?? null,
    checkNumber: r.checkNumber ?? null,
  }));
  await t.database.db.transaction().execute((tx) => createReceivablesService(t.ctx).postReceipts(tx, drafts));
  return drafts.map((d) => d.id);
}

const advice = (remittanceId: string) =>
  t.database.db
    .selectFrom('remittance_advices')
    .selectAll()
    .where('advice_id', '=', remittanceId)
    .executeTakeFirstOrThrow();

const linesOf = (id: string) =>
  t.database.db
    .selectFrom('remittance_lines')
    .selectAll()
    .where('advice_id', '=', id)
    .orderBy('line_no')
    .execute();

async function count(
  table: 'remittance_advices' | 'remittance_lines' | 'imports' | 'audit_log',
): Promise<number> {
  const r = await t.database.db
    .selectFrom(table)
    .select((e) => e.fn.countAll<bigint>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function linkAudits(adviceId: string) {
  return t.database.db
    .selectFrom('audit_log')
    .select(['action', 'after'])
    .where('object_id', '=', adviceId)
    .where('action', '=', 'remittance.link')
    .execute();
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error('expected the import to fail');
}

describe('arbor import remittance', () => {
  it('keeps an advice that comes before its money unlinked, and links it when the receipt arrives', async () => {
    const r = await importRemittanceFile(t.ctx, fixture('advice-before-money.csv'));
    expect(r).toMatchObject({ format: 'csv', advices: 2, lines: 4, linked: 0, unlinked: 2, warnings: [] });

    const globex = await advice('RA-1001');
    expect(globex).toMatchObject({
      source_format: 'csv',
      payer_name: 'Globex Corporation',
      payment_reference: 'PAY-20260610-01',
      payment_date: '2026-06-10',
      payment_amount_minor: 142500n,
      currency: 'USD',
      line: 2,
      receipt_id: null,
      linked_by: null,
      import_id: r.importId,
    });
    const lines = await linesOf(globex.id);
    expect(
      lines.map((l) => [
        l.invoice_number,
        l.document_type,
        l.paid_minor,
        l.gross_minor,
        l.discount_minor,
        l.deduction_minor,
        l.deduction_reason,
      ]),
    ).toEqual([
      ['INV-1001', 'invoice', 98000n, 100000n, 2000n, null, null],
      ['INV-1002', 'invoice', 50000n, 57500n, null, 7500n, 'PRICING'],
      ['CM-2001', 'credit_memo', -5500n, -5500n, null, null, null],
    ]);
    expect(lines[1]?.adjustments).toEqual([{ code: 'PRICING', amount: '-75.00' }]);

    // The money arrives: one receipt quotes the payment reference, the other is from the same payer.
    const [globexReceipt, initechReceipt, otherReceipt] = await postReceipts([
      { reference: 'BNK-7781', date: '2026-06-11', amountMinor: 142500n, endToEndId: 'PAY2026061001' },
      { reference: 'BNK-7782', date: '2026-06-13', amountMinor: 30000n, payer: 'INITECH' },
      { reference: 'BNK-7783', date: '2026-06-13', amountMinor: 30001n, payer: 'INITECH' },
    ]);
    const linked = await t.database.db
      .transaction()
      .execute((tx) =>
        linkAdvices(tx, t.ctx, { receiptIds: [globexReceipt, initechReceipt, otherReceipt] as string[] }),
      );
    expect(linked.links).toHaveLength(2);

    expect(await advice('RA-1001')).toMatchObject({
      receipt_id: globexReceipt,
      linked_by: 'reference+amount+date',
    });
    expect(await advice('RA-1002')).toMatchObject({
      receipt_id: initechReceipt,
      linked_by: 'amount+payer+date',
    });
    const audits = await linkAudits(globex.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]?.after).toMatchObject({ receipt_id: globexReceipt, receipt_reference: 'BNK-7781' });

    // Linking again changes nothing: one advice per receipt.
    const again = await t.database.db
      .transaction()
      .execute((tx) => linkAdvices(tx, t.ctx, { receiptIds: [globexReceipt, initechReceipt] as string[] }));
    expect(again.links).toEqual([]);
    expect(await linkAudits(globex.id)).toHaveLength(1);
  });

  it('links an advice that comes after its money at once, to the receipt the evidence points to', async () => {
    const [hooli, vandelay] = await postReceipts([
      {
        reference: 'BNK-8001',
        date: '2026-06-15',
        amountMinor: 200000n,
        payer: 'HOOLI INC',
        remittanceText: 'INV-3001 INV-3002',
      },
      { reference: 'BNK-8002', date: '2026-06-15', amountMinor: 200000n, payer: 'VANDELAY IMPORTS' },
    ]);
    const r = await importRemittanceFile(t.ctx, fixture('advice-after-money.csv'));
    expect(r).toMatchObject({ advices: 1, lines: 2, linked: 1, unlinked: 0 });
    const a = await advice('RA-3000');
    expect(a).toMatchObject({ receipt_id: hooli, linked_by: 'amount+payer+invoices+date', currency: 'USD' });
    expect(a.receipt_id).not.toBe(vandelay);
    expect(await linkAudits(a.id)).toHaveLength(1);
  });

  it('leaves an advice unlinked when two receipts of its amount fit equally', async () => {
    const [first, second] = await postReceipts([
      { reference: 'BNK-9001', date: '2026-06-20', amountMinor: 64000n },
      { reference: 'BNK-9002', date: '2026-06-22', amountMinor: 64000n },
    ]);
    const r = await importRemittanceFile(t.ctx, fixture('ambiguous.csv'));
    expect(r).toMatchObject({ advices: 1, linked: 0, unlinked: 1 });
    const a = await advice('RA-4000');
    expect(a.receipt_id).toBeNull();

    const tried = await t.database.db
      .transaction()
      .execute((tx) => linkAdvices(tx, t.ctx, { receiptIds: [first, second] as string[] }));
    expect(tried.links).toEqual([]);
    expect(tried.undecided.get(a.id)).toMatch(/equally/);
    expect(await linkAudits(a.id)).toHaveLength(0);
  });

  it('reports every bad row with its line and column, and writes nothing', async () => {
    const before = {
      advices: await count('remittance_advices'),
      lines: await count('remittance_lines'),
      imports: await count('imports'),
      audit: await count('audit_log'),
    };
    const e = await failure(importRemittanceFile(t.ctx, fixture('bad-rows.csv')));
    expect(e.code).toBe('remittances.invalid_rows');
    expect(e.kind).toBe('invalid');
    expect(e.issues.map((i) => [i.line, i.column])).toEqual([
      [3, 'payer_name'],
      [4, 'paid_amount'],
      [5, 'currency'],
      [6, 'invoice_number'],
      [7, 'payment_date'],
      [8, 'discount_amount'],
      [9, 'deduction_reason'],
      [10, 'payment_amount'],
    ]);
    expect(e.issues.every((i) => i.file === fixture('bad-rows.csv'))).toBe(true);
    expect(e.issues[0]?.message).toMatch(/differs from line 2/);
    expect(e.issues[7]?.message).toMatch(/more than 2 decimal places/);
    expect({
      advices: await count('remittance_advices'),
      lines: await count('remittance_lines'),
      imports: await count('imports'),
      audit: await count('audit_log'),
    }).toEqual(before);
  });

  it('refuses the same file twice, and an advice already imported from another file', async () => {
    const path = await csvFile(['RD-1,Stark Industries,WIRE-778,2026-06-25,77.70,USD,INV-7701,77.70']);
    const first = await importRemittanceFile(t.ctx, path);
    expect(first.advices).toBe(1);
    const advices = await count('remittance_advices');
    const imports = await count('imports');

    const again = await failure(importRemittanceFile(t.ctx, path));
    expect(again.code).toBe('remittances.duplicate_file');
    expect(again.kind).toBe('conflict');
    const copy = join(dir, 'renamed.csv');
    await copyFile(path, copy);
    expect((await failure(importRemittanceFile(t.ctx, copy))).kind).toBe('conflict');

    // Other bytes, same payer's advice: refused too; a different payer may reuse the id.
    const resent = await csvFile([
      'RD-1,STARK INDUSTRIES INC,WIRE-778,2026-06-25,77.70,USD,INV-7701,77.70',
      'RD-2,Stark Industries,WIRE-779,2026-06-25,12.00,USD,INV-7702,12.00',
    ]);
    const dup = await failure(importRemittanceFile(t.ctx, resent));
    expect(dup.code).toBe('remittances.duplicate_advice');
    expect(dup.issues.map((i) => i.line)).toEqual([2]);
    expect({ advices: await count('remittance_advices'), imports: await count('imports') }).toEqual({
      advices,
      imports,
    });
    const otherPayer = await importRemittanceFile(
      t.ctx,
      await csvFile(['RD-1,Wayne Enterprises,,2026-06-25,88.80,USD,INV-8801,88.80']),
    );
    expect(otherPayer.advices).toBe(1);
  });

  it('warns, and keeps the advice as stated, when the payment amount differs from its lines', async () => {
    const r = await importRemittanceFile(
      t.ctx,
      await csvFile([
        'RW-1,Cyberdyne Systems,,2026-06-05,500.00,USD,INV-6001,300.00',
        'RW-1,Cyberdyne Systems,,2026-06-05,500.00,USD,INV-6002,150.00',
      ]),
    );
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ line: 2 });
    expect(r.warnings[0]?.message).toMatch(/500\.00 differs from the sum of its paid_amounts 450\.00/);
    expect((await advice('RW-1')).payment_amount_minor).toBe(50000n);
  });

  it('links only inside the date window, which the caller may widen', async () => {
    const [late] = await postReceipts([
      { reference: 'BNK-5551', date: '2026-06-14', amountMinor: 55555n, payer: 'Tyrell Corp' },
    ]);
    const r = await importRemittanceFile(
      t.ctx,
      await csvFile(['RL-1,Tyrell Corporation,,2026-06-01,555.55,USD,INV-5551,555.55']),
    );
    expect(r.linked).toBe(0);
    const a = await advice('RL-1');
    const narrow = await t.database.db
      .transaction()
      .execute((tx) => linkAdvices(tx, t.ctx, { adviceIds: [a.id] }));
    expect(narrow.links).toEqual([]);
    const wide = await t.database.db
      .transaction()
      .execute((tx) =>
        linkAdvices(tx, t.ctx, { adviceIds: [a.id], window: { daysBefore: 7, daysAfter: 14 } }),
      );
    expect(wide.links).toEqual([{ adviceId: a.id, receiptId: late, linkedBy: 'amount+payer+date' }]);
  });

  it('does not link to a receipt the bank has returned', async () => {
    const [returned] = await postReceipts([
      { reference: 'BNK-8121', date: '2026-06-08', amountMinor: 81200n, payer: 'Oscorp' },
    ]);
    await t.database.db
      .updateTable('receipts')
      .set({ returned_minor: 81200n, unapplied_minor: 0n, returned_on: '2026-06-09', return_reason: 'R01' })
      .where('id', '=', returned as string)
      .execute();
    const r = await importRemittanceFile(
      t.ctx,
      await csvFile(['RR-1,Oscorp,,2026-06-08,812.00,USD,INV-8121,812.00']),
    );
    expect(r).toMatchObject({ linked: 0, unlinked: 1 });
  });

  it('reads an X12 820, keeps its adjustments as deductions, and links it by check number', async () => {
    const [check] = await postReceipts([
      { reference: 'LBX-12-3', date: '2026-06-22', amountMinor: 325000n, checkNumber: '47110' },
    ]);
    const r = await importRemittanceFile(t.ctx, fixture('tpa-820.edi'), { x12Parser: createX12_820Parser });
    expect(r).toMatchObject({
      format: 'x12-820',
      advices: 1,
      lines: 3,
      linked: 1,
      unlinked: 0,
      warnings: [],
    });
    const a = await advice('0000047110');
    expect(a).toMatchObject({
      source_format: 'x12-820',
      payer_name: 'ACME BENEFITS TPA',
      payment_reference: '0000047110',
      payment_date: '2026-06-18',
      payment_amount_minor: 325000n,
      receipt_id: check,
      linked_by: 'reference+amount+date',
    });
    const lines = await linesOf(a.id);
    expect(
      lines.map((l) => [
        l.invoice_number,
        l.account_number,
        l.paid_minor,
        l.gross_minor,
        l.deduction_minor,
        l.deduction_reason,
      ]),
    ).toEqual([
      ['INV-5001', 'C-1001', 100000n, 100000n, null, null],
      ['INV-5002', 'C-1001', 125000n, 140000n, 15000n, 'CS'],
      ['INV-5101', 'C-2002', 100000n, 100000n, null, null],
    ]);
    expect(lines[1]?.adjustments).toEqual([
      { code: 'CS', amount: '-100.00' },
      { code: '01', amount: '-50.00' },
    ]);
  });

  it('reads the same format from the first sheet of an XLSX workbook', async () => {
    const path = join(dir, 'remittance.xlsx');
    await writeXlsx(path, [
      {
        name: 'advices',
        columns: HEADER.split(',').map((name) => ({ name })),
        rows: [
          ['RX-1', 'Soylent Corp', 'ACH-31', '2026-06-27', '31.00', 'USD', 'INV-3101', '31.00'],
          ['RX-1', 'Soylent Corp', 'ACH-31', '2026-06-27', '31.00', 'USD', 'INV-3102', 'ten'],
        ],
      },
    ]);
    const e = await failure(importRemittanceFile(t.ctx, path));
    expect(e.issues.map((i) => [i.line, i.column])).toEqual([[3, 'paid_amount']]);
  });

  it('refuses a file that is neither X12 nor a table', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'hello\n');
    expect((await failure(importRemittanceFile(t.ctx, path))).code).toBe('remittances.unsupported_file');
    expect((await failure(importRemittanceFile(t.ctx, join(dir, 'missing.csv')))).kind).toBe('not_found');
  });
});

describe('recordAdvices', () => {
  it('links an advice that came with its money at once, and only one advice per receipt', async () => {
    const [receiptId] = await postReceipts([
      { reference: 'CAMT-1', date: '2026-06-26', amountMinor: 12345n },
    ]);
    const importId = newId('import');
    const remittance = {
      id: 'E2E-1',
      payer: 'Massive Dynamic',
      payment_reference: 'E2E-1',
      payment_date: '2026-06-26',
      payment_amount: '123.45',
      currency: null,
      lines: [
        {
          invoice_number: 'INV-1',
          document_type: null,
          account: null,
          paid: '123.45',
          gross: null,
          discount: null,
          adjustments: [],
        },
      ],
      receiptId: receiptId as string,
      line: 40,
    };
    const r = await t.database.db.transaction().execute(async (tx) => {
      await insertImport(tx, t.ctx.tenantId, {
        id: importId,
        fileName: 'camt.xml',
        hash: importId,
        actor: 'test',
      });
      return recordAdvices(tx, t.ctx, { importId, format: 'camt', advices: [remittance] });
    });
    expect(r).toMatchObject({ lines: 1, linked: 1 });
    const a = await advice('E2E-1');
    // No currency in the advice: the default entity's.
    expect(a).toMatchObject({ receipt_id: receiptId, linked_by: 'same-file', currency: 'USD', line: 40 });
    expect(await linkAudits(a.id)).toHaveLength(1);

    const second = await failure(
      t.database.db.transaction().execute((tx) =>
        recordAdvices(tx, t.ctx, {
          importId,
          format: 'camt',
          advices: [{ ...remittance, id: 'E2E-2' }],
          file: 'camt.xml',
        }),
      ),
    );
    expect(second.code).toBe('remittances.invalid_advice');
    expect(second.issues[0]).toMatchObject({ file: 'camt.xml', line: 40 });
    expect(second.issues[0]?.message).toMatch(/already explained/);
  });
});
