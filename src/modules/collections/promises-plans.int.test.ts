import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { fixedClock } from '../../core/clock.ts';
import type { ServiceContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { type Money, money } from '../../core/money.ts';
import { applyManually, unapply } from '../cash-application/index.ts';
import { checkLedger } from '../integrity/index.ts';
import { createReceivablesService } from '../receivables/index.ts';
import {
  cancelPaymentPlan,
  cancelPromise,
  createPaymentPlan,
  evaluateCollections,
  evaluatePromises,
  findCollectionsState,
  findPausedCustomers,
  getPaymentPlan,
  listActivities,
  listPromises,
  makePromise,
} from './index.ts';

/**
 * Promises and payment plans decided from real cash: history imported as of its dates, and
 * receipts applied by hand in the cash-application workbench.
 */
const TODAY = '2026-06-30' as LocalDate;
const usd = (minor: bigint): Money => money(minor, 'USD');
let t: TestDatabase;
const on = (date: string): ServiceContext => ({ ...t.ctx, clock: fixedClock(date as LocalDate) });
const d = (s: string) => s as LocalDate;
let ids: Record<string, string> = {};

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const promiseRow = (id: string) =>
  t.database.db
    .selectFrom('promises')
    .select(['status', 'paid_minor', 'resolved_on'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const audits = (objectId: string) =>
  t.database.db
    .selectFrom('audit_log')
    .select(['action', 'before', 'after'])
    .where('object_id', '=', objectId)
    .orderBy('seq')
    .execute();

beforeAll(async () => {
  t = await createTestDatabase({ today: TODAY });
  await importCsv(
    t.ctx,
    'customers',
    csv([
      'account_number,name,collector',
      'P1,Pine Health,asmith',
      'P2,Poplar Clinic,asmith',
      'P3,Palm Labs,bjones',
      'L1,Linden Care,asmith',
      'L2,Locust Dental,asmith',
      'L3,Larch Group,bjones',
    ]),
  );
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,issue_date,due_date,amount',
      'P-1,P1,2026-04-01,2026-05-01,1000.00',
      'P-2,P1,2026-04-01,2026-05-01,500.00',
      'W-1,P2,2026-05-15,2026-06-14,800.00',
      'Q-1,P3,2026-05-15,2026-06-14,400.00',
      'L-1,L1,2026-04-01,2026-05-01,900.00',
      'M-1,L2,2026-04-01,2026-05-01,200.00',
      'N-1,L3,2026-04-01,2026-05-01,300.00',
    ]),
  );
  const rows = await t.database.db.selectFrom('customers').select(['id', 'account_number']).execute();
  ids = Object.fromEntries(rows.map((r) => [r.account_number, r.id]));
});
afterAll(() => t?.close());

describe('promises to pay', () => {
  it('is kept by cash applied in time and broken without it, from imported history', async () => {
    const made = on('2026-06-01');
    const account = await makePromise(made, {
      customer: { account: 'P1' },
      amount: usd(60_000n),
      promisedDate: d('2026-06-10'),
    });
    const items = await makePromise(made, {
      customer: { account: 'P1' },
      amount: usd(50_000n),
      promisedDate: d('2026-06-05'),
      items: ['P-2'],
    });
    expect(account).toMatchObject({ status: 'open', madeOn: '2026-06-01', paid: usd(0n) });
    expect(items.itemIds).toHaveLength(1);
    // 600.00 arrives on 8 June for P-1: the account's promise is kept, the promise for P-2 is not.
    await importCsv(
      t.ctx,
      'history',
      csv([
        'receipt_reference,receipt_date,receipt_amount,currency,account_number,invoice_number,kind,applied_amount',
        'PAY-P1,2026-06-08,600.00,USD,P1,P-1,invoice,600.00',
      ]),
    );
    const early = await evaluatePromises(on('2026-06-07'), d('2026-06-07'));
    expect(early.promises).toEqual({ evaluated: 2, kept: 0, broken: 0 });

    const r = await evaluatePromises(on('2026-06-20'), d('2026-06-20'));
    expect(r.promises).toEqual({ evaluated: 2, kept: 1, broken: 1 });
    expect(await promiseRow(account.id)).toEqual({
      status: 'kept',
      paid_minor: 60_000n,
      resolved_on: '2026-06-08',
    });
    // Due 5 June + 3 grace days = 8 June; broken the day after.
    expect(await promiseRow(items.id)).toEqual({
      status: 'broken',
      paid_minor: 0n,
      resolved_on: '2026-06-09',
    });
    expect(r.changes.join('\n')).toMatch(/kept on 2026-06-08: 600.00 USD paid of 600.00 USD/);

    expect((await audits(account.id)).map((a) => a.action)).toEqual([
      'collections.promise_made',
      'collections.promise_kept',
    ]);
    expect((await audits(items.id))[1]).toMatchObject({
      action: 'collections.promise_broken',
      before: { status: 'open' },
      after: { status: 'broken', resolved_on: '2026-06-09' },
    });
    const history = await listActivities(
      t.database.db,
      t.ctx.tenantId,
      { account: 'P1' },
      { kinds: ['promise'] },
    );
    expect(history.map((a) => a.outcomeCode).sort()).toEqual(['broken', 'kept', 'made', 'made']);

    // Running again changes nothing.
    expect((await evaluatePromises(on('2026-06-21'), d('2026-06-21'))).promises).toEqual({
      evaluated: 0,
      kept: 0,
      broken: 0,
    });
  });

  it('counts money received before the promise but applied by hand after it; a reversal takes it back', async () => {
    const entity = await t.database.db.selectFrom('entities').select('id').executeTakeFirstOrThrow();
    await createReceivablesService(t.ctx).postReceipts(t.database.db, [
      {
        id: 'rct_w1',
        reference: 'CHK-W1',
        entityId: entity.id,
        currency: 'USD' as never,
        receiptDate: d('2026-06-24'),
        amountMinor: 80_000n,
        payerName: 'POPLAR CLINIC',
        payerAccount: null,
        method: 'check',
        memo: null,
        remittanceText: null,
        customerId: null,
        source: 'bank',
        importId: null,
      },
    ]);
    // "The check is in the mail": promised on the 25th for the 28th.
    const p = await makePromise(on('2026-06-25'), {
      customer: { account: 'P2' },
      amount: usd(80_000n),
      promisedDate: d('2026-06-28'),
      items: ['W-1'],
    });
    expect((await evaluatePromises(on('2026-06-26'), d('2026-06-26'))).promises.kept).toBe(0);
    await applyManually(on('2026-06-27'), { receipt: 'CHK-W1', rows: [{ kind: 'item', number: 'W-1' }] });
    const r = await evaluatePromises(on('2026-06-27'), d('2026-06-27'), { customerIds: [ids.P2 as string] });
    expect(r.promises).toEqual({ evaluated: 1, kept: 1, broken: 0 });
    // Dated on the day it was made: the check came before the promise.
    expect(await promiseRow(p.id)).toEqual({
      status: 'kept',
      paid_minor: 80_000n,
      resolved_on: '2026-06-25',
    });

    // A promise whose cash is applied and then unapplied before its deadline is broken.
    const q = await makePromise(on('2026-06-27'), {
      customer: { account: 'P2' },
      amount: usd(10_000n),
      promisedDate: d('2026-06-28'),
    });
    await unapply(on('2026-06-28'), { receipt: 'CHK-W1', applicationIds: [], items: [] });
    expect((await evaluatePromises(on('2026-07-01'), d('2026-07-01'))).promises).toMatchObject({
      kept: 0,
      broken: 0,
    });
    const after = await evaluatePromises(on('2026-07-02'), d('2026-07-02'));
    expect(after.promises.broken).toBe(1);
    expect(await promiseRow(q.id)).toEqual({ status: 'broken', paid_minor: 0n, resolved_on: '2026-07-02' });
  });

  it('refuses a promise in the past or of nothing, cancels an open one once, and lists them', async () => {
    expect(
      (
        await failure(
          makePromise(t.ctx, {
            customer: { account: 'P3' },
            amount: usd(100n),
            promisedDate: d('2026-06-29'),
          }),
        )
      ).kind,
    ).toBe('invalid');
    expect(
      (
        await failure(
          makePromise(t.ctx, { customer: { account: 'P3' }, amount: usd(0n), promisedDate: TODAY }),
        )
      ).kind,
    ).toBe('invalid');
    expect(
      (
        await failure(
          makePromise(t.ctx, {
            customer: { account: 'P3' },
            amount: usd(100n),
            promisedDate: TODAY,
            items: ['P-1'],
          }),
        )
      ).message,
    ).toMatch(/P-1 belongs to another customer than P3/);
    const p = await makePromise(t.ctx, {
      customer: { account: 'P3' },
      amount: usd(40_000n),
      promisedDate: d('2026-07-15'),
    });
    const paused = await findPausedCustomers(
      t.database.db,
      t.ctx.tenantId,
      [ids.P3 as string, ids.P1 as string],
      TODAY,
    );
    expect(paused.get(ids.P3 as string)).toBe(`promise ${p.id} to pay 400.00 USD by 2026-07-15`);
    expect(paused.has(ids.P1 as string)).toBe(false); // its promises are kept and broken
    const state = await findCollectionsState(
      t.database.db,
      t.ctx.tenantId,
      [ids.P3 as string, ids.P1 as string],
      TODAY,
    );
    expect(state.get(ids.P3 as string)?.openPromises).toEqual({
      count: 1,
      amounts: [usd(40_000n)],
      dueWithin7Days: 0,
      nextPromisedDate: '2026-07-15',
    });
    expect(state.get(ids.P1 as string)?.brokenPromises90Days).toBe(1);

    const cancelled = await cancelPromise(t.ctx, p.id, { reason: 'replaced by a plan' });
    expect(cancelled).toMatchObject({ status: 'cancelled', resolvedOn: TODAY });
    expect((await failure(cancelPromise(t.ctx, p.id))).code).toBe('collections.promise_closed');
    expect((await findPausedCustomers(t.database.db, t.ctx.tenantId, [ids.P3 as string], TODAY)).size).toBe(
      0,
    );
    expect(
      (await listPromises(t.database.db, t.ctx.tenantId, { customerId: ids.P1 as string }))
        .map((x) => x.status)
        .sort(),
    ).toEqual(['broken', 'kept']);
    expect(
      (await listPromises(t.database.db, t.ctx.tenantId, { status: 'open', portfolioOf: 'bjones' })).length,
    ).toBe(0);
  });
});

describe('payment plans', () => {
  it('tracks instalments oldest first and breaks automatically when one is missed past its grace days', async () => {
    const plan = await createPaymentPlan(on('2026-05-25'), {
      customer: { account: 'L1' },
      schedule: { kind: 'equal', count: 3, everyDays: 30, firstDueDate: d('2026-06-01') },
      graceDays: 5,
    });
    // The total defaults to what is open: 900.00 in three.
    expect(plan.total).toEqual(usd(90_000n));
    expect(plan.instalments.map((i) => [i.dueDate, i.amountMinor])).toEqual([
      ['2026-06-01', 30_000n],
      ['2026-07-01', 30_000n],
      ['2026-07-31', 30_000n],
    ]);
    expect(
      (
        await failure(
          createPaymentPlan(on('2026-05-25'), {
            customer: { account: 'L1' },
            schedule: { kind: 'equal', count: 2, everyDays: 30, firstDueDate: d('2026-06-01') },
          }),
        )
      ).code,
    ).toBe('collections.plan_active');
    await importCsv(
      t.ctx,
      'history',
      csv([
        'receipt_reference,receipt_date,receipt_amount,currency,account_number,invoice_number,kind,applied_amount',
        'PAY-L1,2026-06-03,350.00,USD,L1,L-1,invoice,350.00',
      ]),
    );
    const june = await evaluateCollections(on('2026-06-30'), TODAY);
    expect(june.plans).toMatchObject({ evaluated: 1, completed: 0, broken: 0 });
    const active = await getPaymentPlan(t.database.db, t.ctx.tenantId, plan.id);
    expect(active.instalments.map((i) => [i.paidMinor, i.status])).toEqual([
      [30_000n, 'paid'],
      [5_000n, 'due'],
      [0n, 'due'],
    ]);
    expect(
      (await findPausedCustomers(t.database.db, t.ctx.tenantId, [ids.L1 as string], TODAY)).get(
        ids.L1 as string,
      ),
    ).toBe(`payment plan ${plan.id} active`);
    const state = (await findCollectionsState(t.database.db, t.ctx.tenantId, [ids.L1 as string], TODAY)).get(
      ids.L1 as string,
    );
    expect(state?.activePlan).toEqual({
      id: plan.id,
      total: usd(90_000n),
      nextDueDate: '2026-07-01',
      nextDueMinor: 25_000n,
    });

    // Instalment 2, due 1 July, still short on 6 July (the last grace day): active; on the 7th, broken.
    expect((await evaluateCollections(on('2026-07-06'), d('2026-07-06'))).plans.broken).toBe(0);
    const july = await evaluateCollections(on('2026-07-07'), d('2026-07-07'));
    expect(july.plans).toEqual({ evaluated: 1, completed: 0, broken: 1 });
    const broken = await getPaymentPlan(t.database.db, t.ctx.tenantId, plan.id);
    expect(broken).toMatchObject({ status: 'broken', endedOn: '2026-07-07' });
    expect(broken.instalments.map((i) => i.status)).toEqual(['paid', 'missed', 'due']);
    expect((await audits(plan.id)).map((a) => a.action)).toEqual([
      'collections.plan_created',
      'collections.plan_broken',
    ]);
    expect(
      (await findPausedCustomers(t.database.db, t.ctx.tenantId, [ids.L1 as string], d('2026-07-07'))).size,
    ).toBe(0);
    // Final: a new plan may be made now.
    expect((await evaluateCollections(on('2026-07-08'), d('2026-07-08'))).plans.evaluated).toBe(0);
  });

  it('completes when every instalment is paid', async () => {
    const plan = await createPaymentPlan(on('2026-06-01'), {
      customer: { account: 'L2' },
      schedule: {
        kind: 'list',
        instalments: [
          { dueDate: d('2026-06-05'), amount: usd(10_000n) },
          { dueDate: d('2026-06-20'), amount: usd(10_000n) },
        ],
      },
    });
    expect(plan).toMatchObject({ graceDays: 5, startsOn: '2026-06-01', total: usd(20_000n) });
    await importCsv(
      t.ctx,
      'history',
      csv([
        'receipt_reference,receipt_date,receipt_amount,currency,account_number,invoice_number,kind,applied_amount',
        'PAY-L2A,2026-06-04,100.00,USD,L2,M-1,invoice,100.00',
        'PAY-L2B,2026-06-18,100.00,USD,L2,M-1,invoice,100.00',
      ]),
    );
    const r = await evaluateCollections(on('2026-06-30'), TODAY, { customerIds: [ids.L2 as string] });
    expect(r.plans).toEqual({ evaluated: 1, completed: 1, broken: 0 });
    expect(await getPaymentPlan(t.database.db, t.ctx.tenantId, plan.id)).toMatchObject({
      status: 'completed',
      endedOn: '2026-06-18',
      paid: usd(20_000n),
    });
  });

  it('refuses a plan for more than is open, with bad instalments, or starting after its first instalment; cancels one', async () => {
    expect(
      (
        await failure(
          createPaymentPlan(t.ctx, {
            customer: { account: 'L3' },
            total: usd(30_001n),
            schedule: { kind: 'equal', count: 2, everyDays: 14, firstDueDate: d('2026-07-01') },
          }),
        )
      ).code,
    ).toBe('collections.exceeds_open');
    const bad = await failure(
      createPaymentPlan(t.ctx, {
        customer: { account: 'L3' },
        schedule: {
          kind: 'list',
          instalments: [
            { dueDate: d('2026-07-10'), amount: usd(100n) },
            { dueDate: d('2026-07-01'), amount: usd(100n) },
          ],
        },
      }),
    );
    expect(bad.message).toMatch(/instalment 2: due 2026-07-01, not after instalment 1/);
    expect(
      (
        await failure(
          createPaymentPlan(t.ctx, {
            customer: { account: 'L3' },
            startsOn: d('2026-07-02'),
            schedule: { kind: 'equal', count: 1, everyDays: 1, firstDueDate: d('2026-07-01') },
          }),
        )
      ).kind,
    ).toBe('invalid');
    const plan = await createPaymentPlan(t.ctx, {
      customer: { account: 'L3' },
      schedule: { kind: 'equal', count: 2, everyDays: 14, firstDueDate: d('2026-07-01') },
    });
    const cancelled = await cancelPaymentPlan(t.ctx, plan.id, { reason: 'customer paid in full instead' });
    expect(cancelled).toMatchObject({ status: 'cancelled', endedOn: TODAY });
    expect((await failure(cancelPaymentPlan(t.ctx, plan.id))).code).toBe('collections.plan_closed');
    expect(
      (await failure(getPaymentPlan(t.database.db, t.ctx.tenantId, plan.id, { portfolioOf: 'asmith' }))).code,
    ).toBe('collections.plan_not_found');
  });

  it('leaves the ledger consistent', async () => {
    expect((await checkLedger(t.ctx)).filter((c) => !c.ok)).toEqual([]);
  });
});
