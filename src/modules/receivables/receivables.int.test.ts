import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { newId } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { anyText } from '../../db/bulk.ts';
import { checkLedger } from '../integrity/index.ts';
import { getDefaultEntity } from '../tenancy/index.ts';
import { createReceivablesService, findItemIdsByNumber } from './index.ts';

const USD = 'USD' as CurrencyCode;
let t: TestDatabase;
let entityId: string;
let customerId: string;
let ids: Map<string, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  entityId = (await getDefaultEntity(t.database.db, t.ctx.tenantId)).id;
  await importCsv(t.ctx, 'customers', csv(['account_number,name', 'C1,One', 'C2,Two']));
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,amount',
      'A-1,C1,invoice,2026-06-01,100.00',
      'A-2,C1,invoice,2026-06-02,50.00',
      'A-CM,C1,credit_memo,2026-06-03,30.00',
      'B-1,C2,invoice,2026-06-01,70.00',
      'A-LATE,C1,invoice,2026-06-25,10.00',
    ]),
  );
  ids = await findItemIdsByNumber(t.database.db, t.ctx.tenantId, ['A-1', 'A-2', 'A-CM', 'B-1', 'A-LATE']);
  customerId = (
    await t.database.db
      .selectFrom('customers')
      .select('id')
      .where('account_number', '=', 'C1')
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => t.close());

const id = (n: string) => ids.get(n) as string;
const open = async (n: string) =>
  (
    await t.database.db
      .selectFrom('items')
      .select('open_minor')
      .where('number', '=', n)
      .executeTakeFirstOrThrow()
  ).open_minor;

async function receipt(amount: bigint, date = '2026-06-10', customer: string | null = null) {
  const r = createReceivablesService(t.ctx);
  const rid = newId('receipt');
  await r.postReceipts(t.database.db, [
    {
      id: rid,
      entityId,
      reference: `REF-${rid.slice(-6)}`,
      receiptDate: date as LocalDate,
      currency: USD,
      amountMinor: amount,
      payerName: 'Payer',
      payerAccount: null,
      method: 'ach',
      memo: null,
      remittanceText: null,
      customerId: customer,
      source: 'manual',
      importId: null,
    },
  ]);
  return rid;
}

async function expectInvariants() {
  const results = await checkLedger(t.ctx);
  expect(results.filter((x) => !x.ok)).toEqual([]);
}

describe('applications', () => {
  it('settles items and uses the receipt, netting a credit memo and taking a deduction', async () => {
    const r = createReceivablesService(t.ctx);
    const rid = await receipt(10000n, '2026-06-10', customerId);
    // 100.00 received for A-1 (100) + A-2 (50) − A-CM (30) with a 20.00 deduction: 100 + 50 − 30 − 20 = 100.
    await r.applyBatches(t.database.db, [
      {
        entityId,
        currency: USD,
        appliedDate: '2026-06-10' as LocalDate,
        receiptId: rid,
        status: 'manual',
        rows: [
          { kind: 'invoice', amountMinor: 10000n, itemId: id('A-1'), customerId: null },
          { kind: 'invoice', amountMinor: 5000n, itemId: id('A-2'), customerId: null },
          { kind: 'credit_memo', amountMinor: -3000n, itemId: id('A-CM'), customerId: null },
          {
            kind: 'deduction',
            amountMinor: -2000n,
            itemId: id('A-2'),
            customerId,
            reasonCode: 'pricing_dispute',
          },
        ],
      },
    ]);
    expect([await open('A-1'), await open('A-2'), await open('A-CM')]).toEqual([0n, 0n, 0n]);
    const ded = await t.database.db
      .selectFrom('items')
      .select(['type', 'amount_minor', 'open_minor', 'reason_code'])
      .where('number', '=', 'DED-000001')
      .executeTakeFirstOrThrow();
    expect(ded).toEqual({
      type: 'deduction',
      amount_minor: 2000n,
      open_minor: 2000n,
      reason_code: 'pricing_dispute',
    });
    const rec = await t.database.db
      .selectFrom('receipts')
      .select('unapplied_minor')
      .where('id', '=', rid)
      .executeTakeFirstOrThrow();
    expect(rec.unapplied_minor).toBe(0n);
    await expectInvariants();
  });

  it('refuses over-application, items of the future, wrong signs and other customers — and writes nothing', async () => {
    const r = createReceivablesService(t.ctx);
    const rid = await receipt(50000n, '2026-06-20');
    const base = {
      entityId,
      currency: USD,
      appliedDate: '2026-06-20' as LocalDate,
      receiptId: rid,
      status: 'manual' as const,
    };
    await expect(
      r.applyBatches(t.database.db, [
        { ...base, rows: [{ kind: 'invoice', amountMinor: 7001n, itemId: id('B-1'), customerId: null }] },
      ]),
    ).rejects.toMatchObject({
      code: 'receivables.over_application',
      message: expect.stringMatching(/B-1 has 70\.00 open/),
    });
    await expect(
      r.applyBatches(t.database.db, [
        { ...base, rows: [{ kind: 'invoice', amountMinor: 1000n, itemId: id('A-LATE'), customerId: null }] },
      ]),
    ).rejects.toThrow(/issued on 2026-06-25, after the application date/);
    await expect(
      r.applyBatches(t.database.db, [
        { ...base, rows: [{ kind: 'discount', amountMinor: 100n, itemId: id('B-1'), customerId: null }] },
      ]),
    ).rejects.toThrow(/must be negative/);
    await expect(
      r.applyBatches(t.database.db, [
        { ...base, rows: [{ kind: 'invoice', amountMinor: 100n, itemId: id('B-1'), customerId }] },
      ]),
    ).rejects.toThrow(/belongs to another customer/);
    await expect(
      r.applyBatches(t.database.db, [
        {
          ...base,
          receiptId: null,
          rows: [{ kind: 'invoice', amountMinor: 100n, itemId: id('B-1'), customerId: null }],
        },
      ]),
    ).rejects.toThrow(/sum to zero/);
    // Two batches that are each fine but together exceed the item.
    await expect(
      r.applyBatches(t.database.db, [
        { ...base, rows: [{ kind: 'invoice', amountMinor: 4000n, itemId: id('B-1'), customerId: null }] },
        { ...base, rows: [{ kind: 'invoice', amountMinor: 4000n, itemId: id('B-1'), customerId: null }] },
      ]),
    ).rejects.toThrow(/B-1 has 30\.00 open; cannot apply 40\.00/);
    expect(await open('B-1')).toBe(7000n);
    await expectInvariants();
  });

  it('the database keeps posted items frozen and applications pointing at real rows', async () => {
    await expect(
      sql`update items set number = 'B-1-RENAMED' where tenant_id = ${t.ctx.tenantId} and number = 'B-1'`.execute(
        t.database.db,
      ),
    ).rejects.toThrow(/B-1 is posted/);
    await expect(sql`delete from items where number = 'B-1'`.execute(t.database.db)).rejects.toThrow(
      /append-only/,
    );
    const entry = await t.database.db
      .selectFrom('journal_entries')
      .select('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    await expect(
      sql`insert into applications (tenant_id, id, entity_id, journal_entry_id, receipt_id, kind, currency, amount_minor,
          status, applied_date, created_by)
        values (${t.ctx.tenantId}, 'app_x', ${entityId}, ${entry.id}, 'rct_nowhere', 'on_account', 'USD', 1, 'manual',
          '2026-06-01', 'test')`.execute(t.database.db),
    ).rejects.toThrow(/rct_nowhere, which does not exist/);
  });

  it('the database refuses an over-application that bypasses the service', async () => {
    await expect(
      sql`update items set open_minor = -1 where tenant_id = ${t.ctx.tenantId} and number = 'B-1'`.execute(
        t.database.db,
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('reverses applications: items reopen, created items close, the receipt gets its money back, once', async () => {
    const r = createReceivablesService(t.ctx);
    const rid = await receipt(9000n, '2026-06-21', null);
    const applied = await r.applyBatches(t.database.db, [
      {
        entityId,
        currency: USD,
        appliedDate: '2026-06-21' as LocalDate,
        receiptId: rid,
        status: 'manual',
        rows: [
          { kind: 'invoice', amountMinor: 7000n, itemId: id('B-1'), customerId: null },
          {
            kind: 'on_account',
            amountMinor: 2000n,
            itemId: null,
            customerId: (
              await t.database.db
                .selectFrom('customers')
                .select('id')
                .where('account_number', '=', 'C2')
                .executeTakeFirstOrThrow()
            ).id,
          },
        ],
      },
    ]);
    expect(await open('B-1')).toBe(0n);
    expect(await open('OA-000001')).toBe(-2000n);
    // Not as of a day before the applications: B-1 would be open twice over on the days between.
    const entriesBefore = await t.database.db.selectFrom('journal_entries').select('id').execute();
    await expect(
      r.reverseApplications(t.database.db, {
        applicationIds: applied.applicationIds,
        date: '2026-06-20' as LocalDate,
        reason: 'dated too early',
      }),
    ).rejects.toMatchObject({ code: 'receivables.reversal_before_application' });
    expect(await t.database.db.selectFrom('journal_entries').select('id').execute()).toEqual(entriesBefore);
    expect(await open('B-1')).toBe(0n);
    // An analyst's undo (dated today) of rows dated later goes on the rows' date instead.
    const undone = await r.reverseApplications(t.database.db, {
      applicationIds: applied.applicationIds,
      date: '2026-06-20' as LocalDate,
      notBeforeRows: true,
      reason: 'wrong customer',
    });
    expect(undone.date).toBe('2026-06-21');
    const reversalDates = await t.database.db
      .selectFrom('applications')
      .select('applied_date')
      .where('id', '=', anyText(undone.reversalIds))
      .execute();
    expect(reversalDates.map((x) => x.applied_date)).toEqual(['2026-06-21', '2026-06-21']);
    const reversalEntries = await t.database.db
      .selectFrom('journal_entries')
      .select('entry_date')
      .where('id', '=', anyText(undone.entryIds))
      .execute();
    expect(reversalEntries.map((x) => x.entry_date)).toEqual(['2026-06-21']);
    expect(await open('B-1')).toBe(7000n);
    expect(await open('OA-000001')).toBe(0n);
    const rec = await t.database.db
      .selectFrom('receipts')
      .select('unapplied_minor')
      .where('id', '=', rid)
      .executeTakeFirstOrThrow();
    expect(rec.unapplied_minor).toBe(9000n);
    await expect(
      r.reverseApplications(t.database.db, {
        applicationIds: applied.applicationIds,
        date: '2026-06-22' as LocalDate,
        reason: 'again',
      }),
    ).rejects.toMatchObject({ code: 'receivables.already_reversed' });
    await expectInvariants();
  });

  it('reverses one row of a receipt batch on its own, and refuses to unbalance a netting', async () => {
    const r = createReceivablesService(t.ctx);
    const rid = await receipt(7000n, '2026-06-23');
    const applied = await r.applyBatches(t.database.db, [
      {
        entityId,
        currency: USD,
        appliedDate: '2026-06-23' as LocalDate,
        receiptId: rid,
        status: 'manual',
        rows: [
          { kind: 'invoice', amountMinor: 3000n, itemId: id('B-1'), customerId: null },
          { kind: 'invoice', amountMinor: 4000n, itemId: id('B-1'), customerId: null },
        ],
      },
    ]);
    await r.reverseApplications(t.database.db, {
      applicationIds: [applied.applicationIds[0] as string],
      date: '2026-06-24' as LocalDate,
      reason: 'split wrong',
    });
    expect(await open('B-1')).toBe(3000n);
    await expectInvariants();
    // A credit memo netted against an invoice without a receipt: one half alone would unbalance.
    await importCsv(
      t.ctx,
      'invoices',
      csv([
        'invoice_number,account_number,type,issue_date,amount,applies_to',
        'B-CM,C2,credit_memo,2026-06-24,10.00,B-1',
      ]),
    );
    const netting = await t.database.db
      .selectFrom('applications')
      .select('id')
      .where('item_id', '=', id('B-1'))
      .where('receipt_id', 'is', null)
      .executeTakeFirstOrThrow();
    await expect(
      r.reverseApplications(t.database.db, {
        applicationIds: [netting.id],
        date: '2026-06-25' as LocalDate,
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'receivables.unbalanced_batch' });
    await expectInvariants();
  });

  it('refuses to reverse an application whose deduction has been resolved since', async () => {
    const r = createReceivablesService(t.ctx);
    const app = await t.database.db
      .selectFrom('applications')
      .select('id')
      .where('kind', '=', 'deduction')
      .executeTakeFirstOrThrow();
    // Resolve DED-000001 by netting a credit memo against it.
    await importCsv(
      t.ctx,
      'invoices',
      csv([
        'invoice_number,account_number,type,issue_date,amount,applies_to',
        'D-CM,C1,credit_memo,2026-06-26,20.00,DED-000001',
      ]),
    );
    await expect(
      r.reverseApplications(t.database.db, {
        applicationIds: [app.id],
        date: '2026-06-27' as LocalDate,
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'receivables.created_item_in_use' });
  });
});
