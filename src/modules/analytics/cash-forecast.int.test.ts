import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { addDays, type LocalDate } from '../../core/local-date.ts';
import { buildCashForecast, type CashForecast, runForecastBacktest } from './index.ts';

/**
 * History (monthly 1,000.00 invoices issued 2025-10-01 … 2026-05-01, NET30): F1 always pays 10 days
 * after the due date, Y1 3 days after, F5 30 days after. Open at 2026-06-30:
 * - F1-OPEN 1,000 due 07-05 (F1 pays +10: 07-15, week 3);
 * - INV-F2 2,000 due 06-15 with an open promise of 1,500 for 07-03 (week 1);
 * - INV-F3 1,500 due 06-09, 500 paid 06-15, under a plan: instalments 06-15 (paid), 07-10, 08-10;
 * - INV-F7 800 due 06-10 with a promise for 06-20 still open (overdue: not believed);
 * - INV-F4 and INV-F6 1,000 due 07-01: F4 is paid for by the TPA that pays F5 (30 days late), F6 has
 *   no payer; both are in Y1's segment and have no history of their own.
 */
let t: TestDatabase;
const asOf = '2026-06-30' as LocalDate;

const history: { account: string; lag: number; segment: string }[] = [
  { account: 'F1', lag: 10, segment: 's1' },
  { account: 'Y1', lag: 3, segment: 's2' },
  { account: 'F5', lag: 30, segment: 's3' },
];
const MONTHS = ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05'];

beforeAll(async () => {
  t = await createTestDatabase({ today: asOf });
  await importCsv(
    t.ctx,
    'customers',
    csv([
      'account_number,name,segment,collector,terms',
      ...history.map((h) => `${h.account},${h.account} Co,${h.segment},x,NET30`),
      'F2,F2 Co,s1,x,NET30',
      'F3,F3 Co,s1,x,NET30',
      'F7,F7 Co,s1,x,NET30',
      'F4,F4 Co,s2,c4,NET30',
      'F6,F6 Co,s2,c6,NET30',
    ]),
  );
  await importCsv(
    t.ctx,
    'parties',
    csv([
      'party_id,party_name,party_kind,account_number,roles',
      'P1,Paying TPA,tpa,F5,payer',
      'P1,Paying TPA,tpa,F4,payer',
    ]),
  );
  const invoices = ['invoice_number,account_number,issue_date,due_date,amount'];
  const receipts = [
    'receipt_reference,receipt_date,receipt_amount,currency,account_number,invoice_number,applied_amount',
  ];
  for (const h of history) {
    for (const m of MONTHS) {
      const issue = `${m}-01` as LocalDate;
      const due = addDays(issue, 30);
      const number = `${h.account}-${m}`;
      invoices.push(`${number},${h.account},${issue},${due},1000.00`);
      const paid = addDays(due, h.lag);
      if (paid <= asOf) receipts.push(`R-${number},${paid},1000.00,USD,${h.account},${number},1000.00`);
    }
  }
  invoices.push(
    'F1-OPEN,F1,2026-06-05,2026-07-05,1000.00',
    'INV-F2,F2,2026-05-16,2026-06-15,2000.00',
    'INV-F3,F3,2026-05-10,2026-06-09,1500.00',
    'INV-F7,F7,2026-05-11,2026-06-10,800.00',
    'INV-F4,F4,2026-06-01,2026-07-01,1000.00',
    'INV-F6,F6,2026-06-01,2026-07-01,1000.00',
  );
  receipts.push('R-F3,2026-06-15,500.00,USD,F3,INV-F3,500.00');
  await importCsv(t.ctx, 'invoices', csv(invoices));
  await importCsv(t.ctx, 'history', csv(receipts));

  const ids = new Map(
    (
      await t.database.db
        .selectFrom('customers')
        .select(['id', 'account_number'])
        .where('tenant_id', '=', t.ctx.tenantId)
        .execute()
    ).map((c) => [c.account_number, c.id]),
  );
  const itemId = async (number: string) =>
    (
      await t.database.db
        .selectFrom('items')
        .select('id')
        .where('tenant_id', '=', t.ctx.tenantId)
        .where('number', '=', number)
        .executeTakeFirstOrThrow()
    ).id;
  const base = { tenant_id: t.ctx.tenantId, currency: 'USD', created_by: 'test' };
  await t.database.db
    .insertInto('promises')
    .values([
      {
        ...base,
        id: 'ptp_f2',
        customer_id: ids.get('F2') as string,
        amount_minor: 150_000n,
        promised_date: '2026-07-03',
        item_ids: [await itemId('INV-F2')],
        made_on: '2026-06-25',
      },
      {
        ...base,
        id: 'ptp_f7',
        customer_id: ids.get('F7') as string,
        amount_minor: 80_000n,
        promised_date: '2026-06-20',
        made_on: '2026-06-12',
      },
    ])
    .execute();
  await t.database.db
    .insertInto('payment_plans')
    .values({
      ...base,
      id: 'pln_f3',
      customer_id: ids.get('F3') as string,
      total_minor: 150_000n,
      item_ids: [await itemId('INV-F3')],
      starts_on: '2026-06-01',
    })
    .execute();
  await t.database.db
    .insertInto('plan_instalments')
    .values([
      {
        tenant_id: t.ctx.tenantId,
        plan_id: 'pln_f3',
        seq: 1,
        due_date: '2026-06-15',
        amount_minor: 50_000n,
        paid_minor: 50_000n,
        status: 'paid',
      },
      { tenant_id: t.ctx.tenantId, plan_id: 'pln_f3', seq: 2, due_date: '2026-07-10', amount_minor: 50_000n },
      { tenant_id: t.ctx.tenantId, plan_id: 'pln_f3', seq: 3, due_date: '2026-08-10', amount_minor: 50_000n },
    ])
    .execute();
});
afterAll(() => t.close());

const usd = (f: CashForecast) => {
  const c = f.currencies.find((x) => x.currency === 'USD');
  if (!c) throw new Error('no USD');
  return c;
};

describe('cash forecast', () => {
  it('puts plans and open promises on their dates, and the rest of each item where its payer’s history says', async () => {
    const f = await buildCashForecast(t.ctx, { asOf, items: true });
    const c = usd(f);
    expect(c.weeks.map((w) => [w.week, w.from, w.to]).slice(0, 2)).toEqual([
      [1, '2026-07-01', '2026-07-07'],
      [2, '2026-07-08', '2026-07-14'],
    ]);
    expect(c.weeks.map((w) => w.fromPromises)).toEqual([150_000n, ...new Array(12).fill(0n)]);
    expect(c.weeks.map((w) => w.fromPlans)).toEqual([
      0n,
      50_000n,
      0n,
      0n,
      0n,
      50_000n,
      ...new Array(7).fill(0n),
    ]);
    // Every open cent is somewhere: in a week, or later/never.
    expect(c.weeks.reduce((s, w) => s + w.expected, 0n) + c.beyond).toBe(c.open);
    expect(c.open).toBe(100_000n + 200_000n + 100_000n + 80_000n + 100_000n + 100_000n);
    const item = (n: string) => f.items?.find((i) => i.number === n);
    expect(item('INV-F2')).toMatchObject({ committed: 150_000n });
    expect(item('INV-F3')).toMatchObject({ committed: 100_000n, expectedInHorizon: 100_000n });
    // The overdue promise is not believed: the model dates all of INV-F7.
    expect(item('INV-F7')).toMatchObject({ committed: 0n });
    // F1 pays 10 days late: the median of its item is 07-15, and most of it lands in week 3.
    expect(item('F1-OPEN')?.predictedDate).toBe('2026-07-15');
  });

  it('leans on the paying party’s history for a customer without its own', async () => {
    const f4 = usd(await buildCashForecast(t.ctx, { asOf, collector: 'c4' }));
    const f6 = usd(await buildCashForecast(t.ctx, { asOf, collector: 'c6' }));
    // Due 07-01: the TPA pays 30 days late (07-31, week 5); Y1's segment pays 3 days late (week 1).
    expect(f4.open).toBe(100_000n);
    expect(f4.weeks[4]?.expected).toBeGreaterThan((f6.weeks[4]?.expected ?? 0n) + 20_000n);
    expect(f6.weeks[0]?.expected).toBeGreaterThan(f4.weeks[0]?.expected ?? 0n);
  });

  it('the naive forecast puts each item at its due date plus the customer’s average days late', async () => {
    const f = await buildCashForecast(t.ctx, { asOf, model: 'naive', items: true });
    const c = usd(f);
    const item = (n: string) => f.items?.find((i) => i.number === n);
    expect(item('F1-OPEN')?.predictedDate).toBe('2026-07-15');
    // No history, overdue: expected at once.
    expect(item('INV-F7')?.predictedDate).toBe('2026-07-01');
    // Week 1: the promise (1,500), F2's other 500 and F7's 800 (overdue), F4 and F6 (due 07-01, no history).
    expect(c.weeks[0]?.expected).toBe(150_000n + 50_000n + 80_000n + 100_000n + 100_000n);
    expect(c.weeks[2]?.fromItems).toBe(100_000n);
  });
});

describe('forecast backtest', () => {
  it('forecasts each past date from what was known then and scores both models against the cash received', async () => {
    const b = await runForecastBacktest(t.ctx, { to: asOf, months: 1, everyWeeks: 2, weeks: 2 });
    expect(b.asOfDates).toEqual(['2026-05-30', '2026-06-13']);
    const c = b.currencies.find((x) => x.currency === 'USD');
    // Week 1 received: as of 05-30, Y1's May invoice (06-03) and F5's April one (due 05-01 + 30 days:
    // 05-31); as of 06-13, the 500 paid on INV-F3 (06-15). Week 2: as of 05-30, F1's May invoice (06-10).
    expect(c?.weeks.map((w) => [w.week, w.compared, w.actual])).toEqual([
      [1, 2, 250_000n],
      [2, 2, 100_000n],
    ]);
    // Naive week 1: as of 05-30 exactly those two (2,000, no error); as of 06-13 INV-F2 (due 06-15, no
    // history) 2,000, the plan's 06-15 instalment 500 and F7's promise for 06-20 (believed then) 800,
    // against 500 received: |2,000 − 2,000| + |3,300 − 500| = 2,800 over 2,500.
    expect(c?.weeks[0]?.scores.naive).toMatchObject({
      forecast: 530_000n,
      absoluteError: 280_000n,
      error: 1.12,
    });
    for (const w of c?.weeks ?? [])
      for (const s of Object.values(w.scores))
        expect(s.error).toBeCloseTo(Number(s.absoluteError) / Number(w.actual), 6);
    expect(c?.overall.actual).toBe(350_000n);
  });
});
