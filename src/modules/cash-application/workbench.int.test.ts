import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { receiptDraft } from '../../../test/support/receipt-draft.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { AppError } from '../../core/errors.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { checkLedger } from '../integrity/index.ts';
import { createReceivablesService, type ReceiptDraft } from '../receivables/index.ts';
import { type ApplicationExportRow, exportApplications } from '../reporting/index.ts';
import { runCashApplication } from './apply-cash.ts';
import {
  applyManually,
  confirmSuggestion,
  listOpenReceipts,
  moveApplication,
  putOnAccount,
  refund,
  rejectSuggestion,
  unapply,
} from './workbench.ts';

const TODAY = '2026-06-30' as LocalDate;
const NORTHWIND = '111000025:7007';
const ZENITH = '026009593:5551234';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ today: TODAY });
  await importCsv(
    t.ctx,
    'customers',
    csv([
      'account_number,name',
      'A1,Alder Medical Group',
      'B1,Birch Dental Partners',
      'X1,Cedar Pharmacy Services',
      'Y1,Dogwood Clinic',
      'M1,Elm Orthopedics',
      'M2,Fir Vision Care',
      'H1,Hazel Care Network',
      'K1,Juniper Rehab',
      'N1,Larch Family Practice',
      'O1,Maple Imaging',
      'Z1,Zenith Claims Services',
      'Q1,Quince Labs',
    ]),
  );
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,amount',
      'A-1001,A1,invoice,2026-05-01,1234.00',
      'B-2001,B1,invoice,2026-05-02,800.00',
      'X-3001,X1,invoice,2026-02-01,100.00',
      'X-3002,X1,invoice,2026-03-01,110.00',
      'X-3003,X1,invoice,2026-05-03,500.00',
      'Y-3101,Y1,invoice,2026-03-02,120.00',
      'Y-3102,Y1,invoice,2026-05-04,500.00',
      'M-4001,M1,invoice,2026-05-05,300.00',
      'M-4101,M2,invoice,2026-05-06,450.00',
      'M-4102,M2,credit_memo,2026-05-07,50.00',
      'H-5001,H1,invoice,2026-05-08,600.00',
      'K-5101,K1,invoice,2026-05-09,600.00',
      'N-6001,N1,invoice,2026-05-10,250.00',
      'N-6002,N1,invoice,2026-05-11,250.00',
      'ZA-4001,Z1,invoice,2026-05-12,1111.11',
      'ZA-5001,Z1,invoice,2026-05-13,2222.22',
      'QB-5001,Q1,invoice,2026-05-14,3333.33',
    ]),
  );
  // A third-party administrator that history shows paying for X1 (twice) and Y1 (once), by account.
  await importCsv(
    t.ctx,
    'history',
    csv([
      'receipt_reference,receipt_date,receipt_amount,currency,payer_name,payer_bank_account,method,account_number,invoice_number,kind,applied_amount',
      `NW-H1,2026-03-05,100.00,USD,NORTHWIND TPA,${NORTHWIND},ach,X1,X-3001,invoice,100.00`,
      `NW-H2,2026-04-05,110.00,USD,NORTHWIND TPA,${NORTHWIND},ach,X1,X-3002,invoice,110.00`,
      `NW-H3,2026-04-06,120.00,USD,NORTHWIND TPA,${NORTHWIND},ach,Y1,Y-3101,invoice,120.00`,
    ]),
  );
  const entity = await t.database.db.selectFrom('entities').select('id').executeTakeFirstOrThrow();
  const receipt = (
    id: string,
    reference: string,
    date: string,
    amountMinor: bigint,
    payerName: string,
    payerAccount: string | null = null,
    memo: string | null = null,
  ): ReceiptDraft => ({
    id,
    reference,
    entityId: entity.id,
    currency: 'USD' as never,
    receiptDate: date as LocalDate,
    amountMinor,
    payerName,
    payerAccount,
    method: 'ach',
    memo,
    remittanceText: null,
    customerId: null,
    source: 'bank',
    importId: null,
  });
  await createReceivablesService(t.ctx).postReceipts(t.database.db, [
    // Named like A1 only: suggested, not applied.
    receipt('rct_ra', 'RA', '2026-06-10', 123400n, 'ALDER MEDICAL GROUP'),
    receipt('rct_rb1', 'RB1', '2026-06-11', 80000n, 'BIRCH DENTAL PARTNERS'),
    receipt('rct_rb2', 'RB2', '2026-06-12', 80000n, 'BDP OPERATING'),
    // The TPA's account: X1 and Y1 both have 500.00 open; history favours X1.
    receipt('rct_rx', 'RX', '2026-06-13', 50000n, 'NORTHWIND TPA', NORTHWIND),
    receipt('rct_rm', 'RM', '2026-06-14', 70000n, 'GINKGO HEALTH ADMIN'),
    receipt('rct_rc', 'RC', '2026-06-15', 60000n, 'HAZEL CARE NETWORK'),
    receipt('rct_rn', 'RN', '2026-06-16', 25000n, 'LFP PAYABLES'),
    receipt('rct_ro', 'RO', '2026-06-17', 12345n, 'OAK STREET TRUST'),
    receipt('rct_rr', 'RR', '2026-06-18', 7500n, 'SENT IN ERROR LLC'),
    // An account unknown to the customer master; the first receipt's name resembles Z1.
    receipt('rct_rz1', 'RZ1', '2026-06-19', 111111n, 'ZENITH CLAIMS SERVICES', ZENITH),
    // Same account, a name that says nothing, and a number that two customers' invoices share.
    receipt('rct_rz2', 'RZ2', '2026-06-20', 222222n, 'ZCS DISBURSEMENT', ZENITH, 'PMT 5001'),
    receipt('rct_dup1', 'DUP-1', '2026-06-21', 1000n, 'UNKNOWN ONE'),
    receipt('rct_dup2', 'DUP-1', '2026-06-22', 2000n, 'UNKNOWN TWO'),
  ]);
});

afterAll(async () => {
  await t?.close();
});

const run = () => runCashApplication(t.ctx, { asOf: TODAY });

async function openOf(number: string): Promise<bigint> {
  const r = await t.database.db
    .selectFrom('items')
    .select('open_minor')
    .where('number', '=', number)
    .executeTakeFirstOrThrow();
  return r.open_minor;
}

async function unappliedOf(id: string): Promise<bigint> {
  const r = await t.database.db
    .selectFrom('receipts')
    .select('unapplied_minor')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return r.unapplied_minor;
}

async function suggestionsOf(receiptId: string) {
  return t.database.db
    .selectFrom('cash_suggestions')
    .select(['id', 'rank', 'status', 'allocation', 'created_at'])
    .where('receipt_id', '=', receiptId)
    .orderBy('created_at')
    .orderBy('rank')
    .execute();
}

const customersOf = (allocation: unknown): string[] =>
  (allocation as { customer_id: string | null }[]).flatMap((r) => (r.customer_id ? [r.customer_id] : []));

async function customerId(number: string): Promise<string> {
  const c = await t.database.db
    .selectFrom('customers')
    .select('id')
    .where('account_number', '=', number)
    .executeTakeFirstOrThrow();
  return c.id;
}

async function liveApplications(receiptId: string) {
  return t.database.db
    .selectFrom('applications as a')
    .leftJoin('items as i', (j) => j.onRef('i.id', '=', 'a.item_id'))
    .select(['a.id', 'a.kind', 'a.amount_minor', 'a.status', 'a.customer_id', 'i.number'])
    .where('a.receipt_id', '=', receiptId)
    .where('a.reversal_of', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('applications as x').select('x.id').whereRef('x.reversal_of', '=', 'a.id')),
      ),
    )
    .orderBy('a.id')
    .execute();
}

async function auditActions(receiptId: string): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('audit_log')
    .select(['action'])
    .where('object_type', '=', 'receipt')
    .where('object_id', '=', receiptId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}

async function links(source: string) {
  return t.database.db
    .selectFrom('payer_links as l')
    .innerJoin('customers as c', (j) => j.onRef('c.id', '=', 'l.customer_id'))
    .select(['l.payer_key', 'c.account_number', 'l.weight', 'l.last_seen'])
    .where('l.source', '=', source as never)
    .orderBy('l.payer_key')
    .orderBy('c.account_number')
    .execute();
}

async function expectLedgerTies() {
  expect((await checkLedger(t.ctx)).filter((c) => !c.ok)).toEqual([]);
}

async function exported(reference: string): Promise<ApplicationExportRow[]> {
  const rows: ApplicationExportRow[] = [];
  for await (const r of exportApplications(t.ctx)) if (r.receipt_reference === reference) rows.push(r);
  return rows;
}

describe('cash-application workbench', () => {
  it('lists receipts with money unapplied and their open suggestions, by status', async () => {
    await run();
    const all = await listOpenReceipts(t.ctx);
    const ra = all.find((r) => r.reference === 'RA');
    expect(ra?.unappliedMinor).toBe(123400n);
    expect(ra?.suggestions.map((s) => [s.rank, s.summary])).toEqual([[1, 'A1: A-1001 1234.00']]);
    expect(Number(ra?.suggestions[0]?.confidence)).toBeLessThan(0.995);
    expect(ra?.explanation).toMatch(/^not sure enough to apply/);
    const rm = all.find((r) => r.reference === 'RM');
    expect(rm?.suggestions).toEqual([]);
    expect(rm?.explanation).toBe('payer not identified and no reference found');
    // History settled NW-H1..3 in full: they are not listed.
    expect(all.some((r) => r.reference.startsWith('NW-H'))).toBe(false);

    const suggested = (await listOpenReceipts(t.ctx, { status: 'suggested' })).map((r) => r.reference);
    const unapplied = (await listOpenReceipts(t.ctx, { status: 'unapplied' })).map((r) => r.reference);
    expect(suggested).toContain('RA');
    expect(suggested).not.toContain('RM');
    expect(unapplied).toContain('RM');
    expect(unapplied).not.toContain('RA');
    expect([...suggested, ...unapplied].sort()).toEqual(all.map((r) => r.reference).sort());
    const two = await listOpenReceipts(t.ctx, { limit: 2 });
    expect(two.map((r) => r.reference)).toEqual(all.slice(0, 2).map((r) => r.reference));
  });

  it('confirms a suggestion after a run: applied as confirmed, the others superseded, the payer learned', async () => {
    await run();
    const before = await suggestionsOf('rct_ra');
    expect(before.filter((s) => s.status === 'open').map((s) => s.rank)).toEqual([1]);
    const r = await confirmSuggestion(t.ctx, { receipt: 'RA' });
    expect(r.unappliedMinor).toBe(0n);
    expect(r.rows.map((x) => [x.kind, x.target, x.customer, x.amountMinor])).toEqual([
      ['invoice', 'A-1001', 'A1', 123400n],
    ]);
    expect(await openOf('A-1001')).toBe(0n);
    const apps = await liveApplications('rct_ra');
    expect(apps.map((a) => [a.kind, a.number, a.status, a.amount_minor])).toEqual([
      ['invoice', 'A-1001', 'confirmed', 123400n],
    ]);
    const after = await suggestionsOf('rct_ra');
    expect(after.find((s) => s.id === before.at(-1)?.id)?.status).toBe('confirmed');
    expect(after.some((s) => s.status === 'open')).toBe(false);
    expect((await links('confirmed')).filter((l) => l.account_number === 'A1')).toEqual([
      { payer_key: 'name:ALDER MEDICAL GROUP', account_number: 'A1', weight: 1, last_seen: '2026-06-10' },
    ]);
    expect(r.learned).toEqual([{ customer: 'A1', source: 'confirmed' }]);
    expect(await auditActions('rct_ra')).toEqual(['cash.suggestion_confirmed']);
    const rows = await exported('RA');
    expect(rows.map((x) => [x.kind, x.target, x.account_number, x.amount, x.status])).toEqual([
      ['invoice', 'A-1001', 'A1', '1234.00', 'confirmed'],
    ]);
    // Once confirmed, there is nothing open to confirm again.
    await expect(confirmSuggestion(t.ctx, { receipt: 'RA' })).rejects.toMatchObject({
      code: 'cash.suggestion_closed',
    });
    await expectLedgerTies();
  });

  it('refuses to confirm when an item of the suggestion was settled meanwhile, changing nothing', async () => {
    await run();
    expect((await suggestionsOf('rct_rb1')).filter((s) => s.status === 'open')).toHaveLength(1);
    // Another receipt settles B-2001 by hand before the analyst gets to RB1.
    await applyManually(t.ctx, { receipt: 'RB2', rows: [{ kind: 'item', number: 'B-2001' }] });
    expect(await openOf('B-2001')).toBe(0n);
    await expect(confirmSuggestion(t.ctx, { receipt: 'RB1', rank: 1 })).rejects.toMatchObject({
      code: 'cash.suggestion_stale',
      kind: 'conflict',
      message: expect.stringMatching(
        /B-2001 has changed since the suggestion was made \(0\.00 open now; applied by receipt RB2/,
      ),
    });
    expect(await unappliedOf('rct_rb1')).toBe(80000n);
    expect(await liveApplications('rct_rb1')).toEqual([]);
    expect((await suggestionsOf('rct_rb1')).filter((s) => s.status === 'open')).toHaveLength(1);
    expect(await auditActions('rct_rb1')).toEqual([]);
    await expectLedgerTies();
  });

  it('a rejection counts against the customer: the next run suggests the other customer first', async () => {
    const x1 = await customerId('X1');
    const y1 = await customerId('Y1');
    await run();
    const open = (await suggestionsOf('rct_rx')).filter((s) => s.status === 'open');
    expect(open.map((s) => [s.rank, customersOf(s.allocation)])).toEqual([
      [1, [x1]],
      [2, [y1]],
    ]);
    const r = await rejectSuggestion(t.ctx, { receipt: 'RX', rank: 1 });
    expect(r.learned).toEqual([{ customer: 'X1', source: 'rejected' }]);
    expect(await links('rejected')).toEqual([
      { payer_key: `account:${NORTHWIND}`, account_number: 'X1', weight: 1, last_seen: '2026-06-13' },
      { payer_key: 'name:NORTHWIND TPA', account_number: 'X1', weight: 1, last_seen: '2026-06-13' },
    ]);
    expect(await auditActions('rct_rx')).toEqual(['cash.suggestion_rejected']);
    // Rejecting it twice is refused: it is no longer open.
    await expect(rejectSuggestion(t.ctx, { receipt: 'RX', rank: 1 })).rejects.toMatchObject({
      code: 'cash.suggestion_closed',
    });

    await run();
    const all = await suggestionsOf('rct_rx');
    expect(all.filter((s) => s.status === 'rejected').map((s) => customersOf(s.allocation))).toEqual([[x1]]);
    const next = all.filter((s) => s.status === 'open');
    expect(next[0]?.rank).toBe(1);
    expect(customersOf(next[0]?.allocation)).toEqual([y1]);
    expect(next.some((s) => customersOf(s.allocation).includes(x1))).toBe(false);
    expect(await unappliedOf('rct_rx')).toBe(50000n);
  });

  it('refuses bad rows all at once, and over-application by the rules, changing nothing', async () => {
    const bad = applyManually(t.ctx, {
      receipt: 'RM',
      rows: [
        { kind: 'item', number: 'NOPE-1' },
        { kind: 'on_account', customer: 'ZZ9', amount: '1.00' },
        { kind: 'item', number: 'M-4001', amount: '12.345' },
        { kind: 'deduction', item: 'M-4101', amount: '5.00', reason: ' ' },
      ],
    });
    await expect(bad).rejects.toMatchObject({ code: 'cash.invalid_rows', kind: 'invalid' });
    const error = (await bad.catch((e: unknown) => e)) as AppError;
    expect(error.issues.map((i) => i.column)).toEqual([
      'NOPE-1',
      'on_account ZZ9',
      'M-4001',
      'deduction M-4101',
    ]);
    expect(error.issues[0]?.message).toBe('no item numbered "NOPE-1"');
    await expect(
      applyManually(t.ctx, { receipt: 'RM', rows: [{ kind: 'item', number: 'M-4001', amount: '301.00' }] }),
    ).rejects.toMatchObject({
      code: 'receivables.over_application',
      message: expect.stringMatching(/M-4001 has 300\.00 open; cannot apply 301\.00/),
    });
    await expect(
      applyManually(t.ctx, {
        receipt: 'RM',
        rows: [
          { kind: 'item', number: 'M-4001' },
          { kind: 'item', number: 'M-4101' },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'receivables.over_application',
      message: expect.stringMatching(/700\.00/),
    });
    expect(await unappliedOf('rct_rm')).toBe(70000n);
    expect(await openOf('M-4001')).toBe(30000n);
    expect(await liveApplications('rct_rm')).toEqual([]);
  });

  it("applies one receipt by hand across two customers' invoices and a credit", async () => {
    const r = await applyManually(t.ctx, {
      receipt: 'RM',
      rows: [
        { kind: 'item', number: 'M-4001' },
        { kind: 'item', number: 'M-4101', amount: '450.00' },
        { kind: 'item', number: 'M-4102' },
      ],
    });
    expect(r.unappliedMinor).toBe(0n);
    expect(r.learned).toEqual([]);
    const apps = await liveApplications('rct_rm');
    expect(apps.map((a) => [a.kind, a.number, a.status, a.amount_minor])).toEqual([
      ['invoice', 'M-4001', 'manual', 30000n],
      ['invoice', 'M-4101', 'manual', 45000n],
      ['credit_memo', 'M-4102', 'manual', -5000n],
    ]);
    expect(new Set(apps.map((a) => a.customer_id)).size).toBe(2);
    expect([await openOf('M-4001'), await openOf('M-4101'), await openOf('M-4102')]).toEqual([0n, 0n, 0n]);
    expect((await exported('RM')).map((x) => [x.account_number, x.target, x.amount, x.status])).toEqual([
      ['M1', 'M-4001', '300.00', 'manual'],
      ['M2', 'M-4101', '450.00', 'manual'],
      ['M2', 'M-4102', '-50.00', 'manual'],
    ]);
    expect(await auditActions('rct_rm')).toEqual(['cash.applied_manually']);
    await expectLedgerTies();
  });

  it('records a correction when the analyst applies elsewhere than the engine suggested', async () => {
    await run();
    const h1 = await customerId('H1');
    const open = (await suggestionsOf('rct_rc')).filter((s) => s.status === 'open');
    expect(open.map((s) => customersOf(s.allocation))).toEqual([[h1]]);
    const r = await applyManually(t.ctx, { receipt: 'RC', rows: [{ kind: 'item', number: 'K-5101' }] });
    expect(r.learned).toEqual([{ customer: 'K1', source: 'corrected' }]);
    expect(await links('corrected')).toEqual([
      { payer_key: 'name:HAZEL CARE NETWORK', account_number: 'K1', weight: 1, last_seen: '2026-06-15' },
    ]);
    expect((await suggestionsOf('rct_rc')).map((s) => s.status)).not.toContain('open');
    expect(await openOf('H-5001')).toBe(60000n);
    expect(await openOf('K-5101')).toBe(0n);
  });

  it('unapplies all or some of a receipt: the items reopen and the books still tie', async () => {
    const r = await unapply(t.ctx, { receipt: 'RM' });
    expect(r.reversalIds).toHaveLength(3);
    expect(r.unappliedMinor).toBe(70000n);
    expect([await openOf('M-4001'), await openOf('M-4101'), await openOf('M-4102')]).toEqual([
      30000n,
      45000n,
      -5000n,
    ]);
    expect(await liveApplications('rct_rm')).toEqual([]);
    expect((await exported('RM')).map((x) => [x.kind, x.amount, x.status])).toEqual([
      ['unapplied', '700.00', 'open'],
    ]);
    await expectLedgerTies();

    await applyManually(t.ctx, {
      receipt: 'RM',
      rows: [
        { kind: 'item', number: 'M-4001' },
        { kind: 'item', number: 'M-4101', amount: '400.00' },
      ],
    });
    const rowOnM4001 = (await liveApplications('rct_rm')).find((a) => a.number === 'M-4001');
    await expect(unapply(t.ctx, { receipt: 'RM', applicationIds: ['app_NOT_THERE'] })).rejects.toMatchObject({
      code: 'cash.application_not_found',
    });
    const some = await unapply(t.ctx, { receipt: 'RM', applicationIds: [rowOnM4001?.id as string] });
    expect(some.reversalIds).toHaveLength(1);
    expect(some.rows.map((x) => [x.applicationId, x.target])).toEqual([[rowOnM4001?.id, 'M-4001']]);
    await expect(unapply(t.ctx, { receipt: 'RM', items: ['M-4001'] })).rejects.toMatchObject({
      code: 'cash.application_not_found',
    });
    expect(await unappliedOf('rct_rm')).toBe(30000n);
    expect(await openOf('M-4001')).toBe(30000n);
    expect(await openOf('M-4101')).toBe(5000n);
    expect(await auditActions('rct_rm')).toEqual([
      'cash.applied_manually',
      'cash.unapplied',
      'cash.applied_manually',
      'cash.unapplied',
    ]);
    const reversals = await t.database.db
      .selectFrom('applications')
      .select(['applied_date'])
      .where('receipt_id', '=', 'rct_rm')
      .where('reversal_of', 'is not', null)
      .execute();
    expect(reversals.map((x) => x.applied_date)).toEqual([TODAY, TODAY, TODAY, TODAY]);
    await expectLedgerTies();
  });

  it('moves an application from one item to another in one step', async () => {
    await applyManually(t.ctx, { receipt: 'RN', rows: [{ kind: 'item', number: 'N-6001' }] });
    expect(await openOf('N-6001')).toBe(0n);
    const r = await moveApplication(t.ctx, { receipt: 'RN', from: 'N-6001', to: 'N-6002' });
    expect(r.reversalIds).toHaveLength(1);
    expect(r.unappliedMinor).toBe(0n);
    expect(await openOf('N-6001')).toBe(25000n);
    expect(await openOf('N-6002')).toBe(0n);
    expect((await liveApplications('rct_rn')).map((a) => [a.number, a.amount_minor, a.status])).toEqual([
      ['N-6002', 25000n, 'manual'],
    ]);
    // Onto an item with less open than the amount: refused, nothing changed.
    await expect(
      moveApplication(t.ctx, { receipt: 'RN', from: 'N-6002', to: 'M-4101' }),
    ).rejects.toMatchObject({
      code: 'receivables.over_application',
    });
    await expect(
      moveApplication(t.ctx, { receipt: 'RN', from: 'N-6001', to: 'N-6002' }),
    ).rejects.toMatchObject({
      code: 'cash.application_not_found',
    });
    expect(await openOf('N-6002')).toBe(0n);
    expect(await openOf('M-4101')).toBe(5000n);
    expect(await auditActions('rct_rn')).toEqual(['cash.applied_manually', 'cash.moved']);
    await expectLedgerTies();
  });

  it("puts money on a customer's account, part then the rest", async () => {
    const o1 = await customerId('O1');
    const first = await putOnAccount(t.ctx, { receipt: 'RO', customer: 'O1', amount: '100.00' });
    expect(first.unappliedMinor).toBe(2345n);
    const rest = await putOnAccount(t.ctx, { receipt: 'RO', customer: 'O1' });
    expect(rest.rows.map((x) => [x.kind, x.customer, x.amountMinor])).toEqual([['on_account', 'O1', 2345n]]);
    expect(rest.unappliedMinor).toBe(0n);
    const credits = await t.database.db
      .selectFrom('items')
      .select(['type', 'amount_minor', 'open_minor'])
      .where('customer_id', '=', o1)
      .orderBy('number')
      .execute();
    expect(credits).toEqual([
      { type: 'on_account', amount_minor: -10000n, open_minor: -10000n },
      { type: 'on_account', amount_minor: -2345n, open_minor: -2345n },
    ]);
    await expect(putOnAccount(t.ctx, { receipt: 'RO', customer: 'O1' })).rejects.toMatchObject({
      code: 'cash.nothing_unapplied',
    });
    // Undone by the credit's own number: the credit closes and the money is unapplied again.
    const created = await t.database.db
      .selectFrom('items')
      .select(['number'])
      .where('customer_id', '=', o1)
      .where('amount_minor', '=', -2345n)
      .executeTakeFirstOrThrow();
    const undone = await unapply(t.ctx, { receipt: 'RO', items: [created.number] });
    expect(undone.rows.map((x) => [x.kind, x.target, x.amountMinor])).toEqual([
      ['on_account', created.number, 2345n],
    ]);
    expect(await unappliedOf('rct_ro')).toBe(2345n);
    expect(await openOf(created.number)).toBe(0n);
    expect(await auditActions('rct_ro')).toEqual([
      'cash.put_on_account',
      'cash.put_on_account',
      'cash.unapplied',
    ]);
    await expectLedgerTies();
  });

  it('refunds a receipt: cash goes out, unapplied cash falls, and the books tie', async () => {
    await expect(refund(t.ctx, { receipt: 'RR', amount: '80.00' })).rejects.toMatchObject({
      code: 'receivables.over_application',
    });
    const r = await refund(t.ctx, { receipt: 'RR' });
    expect(r.rows.map((x) => [x.kind, x.amountMinor])).toEqual([['refund', 7500n]]);
    expect(await unappliedOf('rct_rr')).toBe(0n);
    const cash = await t.database.db
      .selectFrom('journal_lines as l')
      .innerJoin('gl_accounts as a', (j) => j.onRef('a.id', '=', 'l.account_id'))
      .select(['a.role', 'l.amount_minor', 'l.entry_date'])
      .where('l.receipt_id', '=', 'rct_rr')
      .orderBy('l.entry_date')
      .orderBy('a.role')
      .execute();
    // Received (cash debit, unapplied credit), then refunded today (unapplied debit, cash credit).
    expect(cash.map((l) => [l.role, l.amount_minor, l.entry_date])).toEqual([
      ['cash', 7500n, '2026-06-18'],
      ['unapplied_cash', -7500n, '2026-06-18'],
      ['cash', -7500n, TODAY],
      ['unapplied_cash', 7500n, TODAY],
    ]);
    expect((await exported('RR')).map((x) => [x.kind, x.amount, x.status])).toEqual([
      ['refund', '75.00', 'manual'],
    ]);
    expect(await auditActions('rct_rr')).toEqual(['cash.refunded']);
    await expectLedgerTies();
  });

  it('names a receipt by id or reference, and refuses a reference that names several', async () => {
    const ambiguous = confirmSuggestion(t.ctx, { receipt: 'DUP-1' });
    await expect(ambiguous).rejects.toMatchObject({
      code: 'cash.ambiguous_receipt',
      message: expect.stringMatching(/names 2 receipts: rct_dup1 .*; rct_dup2 .*name one by its id/),
    });
    await expect(refund(t.ctx, { receipt: 'NO-SUCH' })).rejects.toMatchObject({
      code: 'cash.receipt_not_found',
    });
    const r = await refund(t.ctx, { receipt: 'rct_dup2', amount: 500n });
    expect(r.reference).toBe('DUP-1');
    expect(await unappliedOf('rct_dup2')).toBe(1500n);
    expect(await unappliedOf('rct_dup1')).toBe(1000n);
  });

  it('learns from a confirmation: the next receipt from that account is applied automatically', async () => {
    const first = await run();
    expect(first.applied).toBe(0);
    // Before: the account is unknown and 5001 is ambiguous between ZA-5001 (Z1) and QB-5001 (Q1).
    expect((await suggestionsOf('rct_rz2')).filter((s) => s.status === 'open')).toEqual([]);
    expect(await unappliedOf('rct_rz2')).toBe(222222n);
    const z1 = (await suggestionsOf('rct_rz1')).filter((s) => s.status === 'open');
    expect(z1.map((s) => [s.rank, customersOf(s.allocation)])).toEqual([[1, [await customerId('Z1')]]]);

    await confirmSuggestion(t.ctx, { receipt: 'RZ1' });
    expect((await links('confirmed')).filter((l) => l.account_number === 'Z1')).toEqual([
      { payer_key: `account:${ZENITH}`, account_number: 'Z1', weight: 1, last_seen: '2026-06-19' },
      { payer_key: 'name:ZENITH CLAIMS SERVICES', account_number: 'Z1', weight: 1, last_seen: '2026-06-19' },
    ]);

    const second = await run();
    expect(second.applied).toBe(1);
    expect(await unappliedOf('rct_rz2')).toBe(0n);
    expect((await liveApplications('rct_rz2')).map((a) => [a.number, a.status, a.amount_minor])).toEqual([
      ['ZA-5001', 'auto', 222222n],
    ]);
    expect(await openOf('QB-5001')).toBe(333333n);
    await expectLedgerTies();
  });

  it('undoes and moves rows dated after today on their own date, never before it', async () => {
    const entity = await t.database.db.selectFrom('entities').select('id').executeTakeFirstOrThrow();
    const receivables = createReceivablesService(t.ctx);
    // A receipt dated ahead of today (2026-06-30), applied on its date.
    await receivables.postReceipts(t.database.db, [
      receiptDraft(entity.id, {
        id: 'rct_rfut',
        reference: 'RFUT',
        amountMinor: 10000n,
        date: '2026-07-05',
        payerName: 'DATED AHEAD LLC',
      }),
    ]);
    const items = await t.database.db
      .selectFrom('items')
      .select(['id', 'number'])
      .where('type', '=', 'invoice')
      .where('open_minor', '>=', 10000n)
      .orderBy('number')
      .limit(2)
      .execute();
    const [from, to] = items;
    if (!from || !to) throw new Error('two open invoices expected');
    const applyAhead = () =>
      receivables.applyBatches(t.database.db, [
        {
          entityId: entity.id,
          currency: 'USD' as never,
          appliedDate: '2026-07-05' as LocalDate,
          receiptId: 'rct_rfut',
          status: 'manual',
          rows: [{ kind: 'invoice', amountMinor: 10000n, itemId: from.id, customerId: null }],
        },
      ]);
    const datesOf = async (ids: readonly string[]) =>
      (
        await t.database.db
          .selectFrom('applications')
          .select('applied_date')
          .where('id', 'in', [...ids])
          .execute()
      ).map((a) => a.applied_date);

    await applyAhead();
    const undone = await unapply(t.ctx, { receipt: 'RFUT' });
    expect(await datesOf(undone.reversalIds)).toEqual(['2026-07-05']);

    await applyAhead();
    const moved = await moveApplication(t.ctx, { receipt: 'RFUT', from: from.number, to: to.number });
    expect(await datesOf(moved.reversalIds)).toEqual(['2026-07-05']);
    expect((await liveApplications('rct_rfut')).map((a) => [a.number, a.amount_minor])).toEqual([
      [to.number, 10000n],
    ]);
    const live = await t.database.db
      .selectFrom('applications')
      .select('applied_date')
      .where('receipt_id', '=', 'rct_rfut')
      .where('item_id', '=', to.id)
      .execute();
    expect(live.map((a) => a.applied_date)).toEqual(['2026-07-05']);
    await expectLedgerTies();
  });
});
