import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { main } from '../../cli/main.ts';
import { fixedClock } from '../../core/clock.ts';
import type { ServiceContext } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { type Database, openDatabase } from '../../db/database.ts';
import { buildAgingReport } from '../reporting/index.ts';
import { DEFAULT_TENANT, initTenant } from '../tenancy/index.ts';
import { buildKpiReport, type KpiGroup, type KpiReport, toFixedOrNull } from './index.ts';

/**
 * Every worked example of DOMAIN.md ("Key performance indicators"), built as invoices and receipts
 * imported through the real import and posting paths, one example per customer segment, and read
 * back through the real report: the service, and `arbor report kpis --format json`.
 *
 * - ex_dso, April 2026 (30 days): AR 15,000, current 4,000, sales 10,000 → DSO 45, BPDSO 12, ADD 33.
 * - ex_countback, to 2026-06-30: AR 212,000 over 100,000 (June), 80,000 (May), 70,000 (April) →
 *   73.71 days in 30-day months (--month-days 30), 74.71 in calendar days (May has 31).
 * - ex_cei, Q1 2026 (N = 3): beginning 400,000, sales 1,200,000, ending 350,000, current 280,000 → 86.54 %.
 * - ex_dtp, May 2026: 100 paid in 10 days and 1,000 in 20 → 15.00 and 19.09; promises 3 kept, 1 broken →
 *   75 %; disputes resolved in 15 and 10 days → 12.50.
 */
const TODAY = '2026-07-15' as LocalDate;
let database: Database;
let ctx: ServiceContext;
/** What `arbor --db` takes: a PGlite directory, or the server database's URL. */
let target: string;
let dir: string | null = null;
let closed = false;

async function openTarget(): Promise<void> {
  if (inject('pgTemplateUrl')) {
    const t = await createTestDatabase({ today: TODAY });
    database = t.database;
    ctx = t.ctx;
    target = database.target;
    dropServer = t.close;
    return;
  }
  // Embedded: a data directory from the migrated snapshot, so the CLI can open it after us.
  dir = await mkdtemp(join(tmpdir(), 'arbor-kpis-'));
  const path = inject('pgliteSnapshot');
  if (!path) throw new Error('no test database snapshot');
  database = await openDatabase(join(dir, 'db'), { snapshot: new Blob([await readFile(path)]) });
  const clock = fixedClock(TODAY);
  const init = await initTenant(database, clock, { slug: DEFAULT_TENANT, currency: 'USD', actor: 'test' });
  ctx = { database, clock, tenantId: init.tenantId, actor: 'test' };
  target = join(dir, 'db');
}
let dropServer: (() => Promise<void>) | null = null;

beforeAll(async () => {
  await openTarget();
  await importCsv(
    ctx,
    'customers',
    csv([
      'account_number,name,segment,collector,terms',
      'K-DSO1,Dso One,ex_dso,asmith,NET30',
      'K-DSO2,Dso Two,ex_dso,asmith,NET30',
      'K-CB,Countback Co,ex_countback,bjones,NET30',
      'K-CEI,Cei Co,ex_cei,bjones,NET30',
      'K-DTP,Days To Pay Co,ex_dtp,asmith,NET30',
    ]),
  );
  await importCsv(
    ctx,
    'invoices',
    csv([
      'invoice_number,account_number,issue_date,due_date,amount',
      // DSO / BPDSO / ADD
      'DSO-1,K-DSO1,2026-03-01,2026-03-31,8000.00',
      'DSO-2,K-DSO1,2026-04-01,2026-04-15,6000.00',
      'DSO-3,K-DSO2,2026-04-20,2026-05-20,4000.00',
      // Countback: March paid in full, April part-paid, May and June open.
      'CB-MAR,K-CB,2026-03-10,2026-04-09,90000.00',
      'CB-APR,K-CB,2026-04-10,2026-05-10,70000.00',
      'CB-MAY,K-CB,2026-05-10,2026-06-09,80000.00',
      'CB-JUN,K-CB,2026-06-10,2026-07-10,100000.00',
      // CEI: December open at the start; Q1 sales 400,000 + 400,000 + 120,000 + 280,000.
      'CEI-D,K-CEI,2025-12-01,2025-12-31,400000.00',
      'CEI-J,K-CEI,2026-01-10,2026-02-09,400000.00',
      'CEI-F,K-CEI,2026-02-10,2026-03-12,400000.00',
      'CEI-M1,K-CEI,2026-03-01,2026-03-31,120000.00',
      'CEI-M2,K-CEI,2026-03-15,2026-04-14,280000.00',
      // Days to pay
      'DTP-1,K-DTP,2026-05-01,2026-05-31,100.00',
      'DTP-2,K-DTP,2026-05-01,2026-05-31,1000.00',
    ]),
  );
  await importCsv(
    ctx,
    'history',
    csv([
      'receipt_reference,receipt_date,receipt_amount,currency,account_number,invoice_number,applied_amount',
      'R-DSO-1,2026-04-10,3000.00,USD,K-DSO1,DSO-1,3000.00',
      'R-CB-1,2026-04-09,90000.00,USD,K-CB,CB-MAR,90000.00',
      'R-CB-2,2026-05-15,38000.00,USD,K-CB,CB-APR,38000.00',
      'R-CEI-1,2026-01-20,400000.00,USD,K-CEI,CEI-D,400000.00',
      'R-CEI-2,2026-02-15,400000.00,USD,K-CEI,CEI-J,400000.00',
      'R-CEI-3,2026-03-20,330000.00,USD,K-CEI,CEI-F,330000.00',
      'R-CEI-4,2026-03-25,120000.00,USD,K-CEI,CEI-M1,120000.00',
      'R-DTP-1,2026-05-11,100.00,USD,K-DTP,DTP-1,100.00',
      'R-DTP-2,2026-05-21,1000.00,USD,K-DTP,DTP-2,1000.00',
    ]),
  );
  // Promises and disputes (the collections tables): inserted as rows, as the services would leave them.
  const dtp = await database.db
    .selectFrom('customers')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('account_number', '=', 'K-DTP')
    .executeTakeFirstOrThrow();
  const promise = (id: string, status: 'open' | 'kept' | 'broken', promised: string) => ({
    tenant_id: ctx.tenantId,
    id,
    customer_id: dtp.id,
    currency: 'USD',
    amount_minor: 10_000n,
    promised_date: promised,
    status,
    made_on: '2026-04-25',
    resolved_on: status === 'open' ? null : promised,
    created_by: 'test',
  });
  await database.db
    .insertInto('promises')
    .values([
      promise('ptp_1', 'kept', '2026-05-05'),
      promise('ptp_2', 'kept', '2026-05-12'),
      promise('ptp_3', 'kept', '2026-05-31'),
      promise('ptp_4', 'broken', '2026-05-20'),
      promise('ptp_5', 'open', '2026-05-28'),
      promise('ptp_6', 'broken', '2026-06-02'),
    ])
    .execute();
  const dispute = (id: string, opened: string, resolved: string | null) => ({
    tenant_id: ctx.tenantId,
    id,
    customer_id: dtp.id,
    currency: 'USD',
    amount_minor: 5_000n,
    reason_code: 'pricing_dispute',
    status: resolved ? ('resolved' as const) : ('open' as const),
    opened_on: opened,
    resolved_on: resolved,
    created_by: 'test',
  });
  await database.db
    .insertInto('disputes')
    .values([
      dispute('dsp_1', '2026-04-20', '2026-05-05'),
      dispute('dsp_2', '2026-05-01', '2026-05-11'),
      dispute('dsp_3', '2026-05-01', '2026-06-03'),
      dispute('dsp_4', '2026-05-02', null),
    ])
    .execute();
});

afterAll(async () => {
  if (!closed) await database.close();
  if (dropServer) await dropServer();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const group = (r: KpiReport, name: string): KpiGroup => {
  const g = r.groups.find((x) => x.group === name);
  if (!g) throw new Error(`no group ${name} in ${r.groups.map((x) => x.group).join(', ')}`);
  return g;
};
const k = toFixedOrNull;

describe('the KPI report reproduces DOMAIN.md’s worked examples from imported invoices and receipts', () => {
  it('DSO 45, BPDSO 12, ADD 33 (AR 15,000, current 4,000, sales 10,000 in 30 days)', async () => {
    const r = await buildKpiReport(ctx, {
      from: '2026-04-01' as LocalDate,
      to: '2026-04-30' as LocalDate,
      by: 'segment',
    });
    expect(r.days).toBe(30);
    const g = group(r, 'ex_dso');
    expect(g).toMatchObject({
      currency: 'USD',
      endingAr: 1_500_000n,
      endingCurrentAr: 400_000n,
      creditSales: 1_000_000n,
      beginningAr: 800_000n,
      cashCollected: 300_000n,
    });
    expect([k(g.dso), k(g.bpdso), k(g.add)]).toEqual([45, 12, 33]);
    // DSO-1 was current on 03-31 (due that day) and 30 days late on 04-30, 5,000 still open.
    expect(g.rollRates[0]).toMatchObject({ startBalance: 800_000n, rolled: 500_000n });
    expect(k(g.rollRates[0]?.rate ?? null)).toBe(62.5);
    expect(k(g.pctCurrent)).toBe(26.67);
    // The AR figures are the aging's as of the same dates, rebuilt from the ledger.
    const aging = await buildAgingReport(ctx, { asOf: '2026-04-30' as LocalDate, fromLedger: true });
    const dsoRows = aging.rows.filter((row) => row.accountNumber.startsWith('K-DSO'));
    expect(dsoRows.reduce((s, row) => s + row.balance, 0n)).toBe(g.endingAr);
    expect(dsoRows.reduce((s, row) => s + (row.buckets[0] ?? 0n), 0n)).toBe(g.endingCurrentAr);
  });

  it('countback DSO 73.71 (212,000 over 100,000, 80,000, 70,000 in 30-day months)', async () => {
    const thirty = await buildKpiReport(ctx, {
      from: '2026-06-01' as LocalDate,
      to: '2026-06-30' as LocalDate,
      by: 'segment',
      monthDays: '30',
    });
    const g = group(thirty, 'ex_countback');
    expect(g.endingAr).toBe(21_200_000n);
    expect(g.creditSales).toBe(10_000_000n);
    expect(k(g.dsoCountback)).toBe(73.71);
    expect(g.countbackExhausted).toBe(true);
    // In calendar days May counts 31: 30 + 31 + 32/70 × 30 = 74.71.
    const actual = await buildKpiReport(ctx, {
      from: '2026-06-01' as LocalDate,
      to: '2026-06-30' as LocalDate,
      by: 'segment',
    });
    expect(k(group(actual, 'ex_countback').dsoCountback)).toBe(74.71);
  });

  it('CEI 86.54 % (beginning 400,000, quarter sales 1,200,000, ending 350,000, current 280,000)', async () => {
    const r = await buildKpiReport(ctx, {
      from: '2026-01-01' as LocalDate,
      to: '2026-03-31' as LocalDate,
      by: 'segment',
    });
    expect(r.months).toEqual({ num: 3n, den: 1n });
    const g = group(r, 'ex_cei');
    expect(g).toMatchObject({
      beginningAr: 40_000_000n,
      creditSales: 120_000_000n,
      endingAr: 35_000_000n,
      endingCurrentAr: 28_000_000n,
    });
    expect(k(g.cei)).toBe(86.54);
  });

  it('days to pay 15.00 count-weighted and 19.09 amount-weighted; promise-kept rate and dispute cycle', async () => {
    const r = await buildKpiReport(ctx, {
      from: '2026-05-01' as LocalDate,
      to: '2026-05-31' as LocalDate,
      by: 'segment',
    });
    const g = group(r, 'ex_dtp');
    expect(g.paidInvoices).toBe(2);
    expect(k(g.daysToPayCountWeighted)).toBe(15);
    expect(k(g.daysToPayAmountWeighted)).toBe(19.09);
    // Paid 20 and 10 days before the due date.
    expect(k(g.daysLateCountWeighted)).toBe(-15);
    expect(k(g.daysLateAmountWeighted)).toBe(-10.91);
    expect([g.promisesKept, g.promisesBroken, k(g.promiseKeptRate)]).toEqual([3, 1, 75]);
    expect([g.disputesResolved, k(g.disputeCycleDays)]).toEqual([2, 12.5]);
    // Part-paid and credited items are not "paid invoices": CB-APR (part-paid in May) is not counted.
    expect(group(r, 'ex_countback').paidInvoices).toBe(0);
  });

  it('without grouping, gives one group per currency whose AR equals the whole aging at both dates', async () => {
    const r = await buildKpiReport(ctx, { from: '2026-05-01' as LocalDate, to: '2026-05-31' as LocalDate });
    expect(r.groups.map((g) => [g.group, g.currency])).toEqual([[null, 'USD']]);
    const [g] = r.groups;
    const end = await buildAgingReport(ctx, { asOf: '2026-05-31' as LocalDate, fromLedger: true });
    const start = await buildAgingReport(ctx, { asOf: '2026-04-30' as LocalDate, fromLedger: true });
    expect(g?.endingAr).toBe(end.totals.get('USD' as never)?.balance);
    expect(g?.beginningAr).toBe(start.totals.get('USD' as never)?.balance);
    expect(g?.agingAtEnd).toEqual(end.totals.get('USD' as never)?.buckets);
    // By collector: asmith has the DSO and days-to-pay customers, bjones the others.
    const byCollector = await buildKpiReport(ctx, {
      from: '2026-05-01' as LocalDate,
      to: '2026-05-31' as LocalDate,
      by: 'collector',
    });
    expect(byCollector.groups.map((x) => x.group)).toEqual(['asmith', 'bjones']);
    expect(byCollector.groups.reduce((s, x) => s + x.endingAr, 0n)).toBe(g?.endingAr);
    const scoped = await buildKpiReport(ctx, {
      from: '2026-05-01' as LocalDate,
      to: '2026-05-31' as LocalDate,
      collector: 'asmith',
    });
    expect(scoped.groups[0]?.endingAr).toBe(byCollector.groups[0]?.endingAr);
  });

  it('refuses a period that ends before it starts', async () => {
    await expect(
      buildKpiReport(ctx, { from: '2026-05-31' as LocalDate, to: '2026-05-01' as LocalDate }),
    ).rejects.toMatchObject({ code: 'analytics.invalid_period', kind: 'invalid' });
  });
});

describe('arbor report kpis', () => {
  async function arbor(args: string[]) {
    if (!inject('pgTemplateUrl') && !closed) {
      // PGlite keeps one process (one handle) per data directory: let the command open it.
      await database.close();
      closed = true;
    }
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
      env: { ARBOR_TODAY: TODAY, ARBOR_USER: 'test' },
    });
    return { code, out, err };
  }
  interface JsonGroup {
    group: string | null;
    [k: string]: unknown;
  }
  const kpis = async (args: string[]) => {
    const r = await arbor(['report', 'kpis', ...args, '--by', 'segment', '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out) as { groups: JsonGroup[]; days: number; months: number };
  };
  const find = (body: { groups: JsonGroup[] }, name: string) => body.groups.find((g) => g.group === name);

  it('prints every worked example of DOMAIN.md in its JSON, numbers with 2 decimals and amounts as strings', async () => {
    const april = await kpis(['--from', '2026-04-01', '--to', '2026-04-30']);
    expect(find(april, 'ex_dso')).toMatchObject({
      dso: 45,
      bpdso: 12,
      add: 33,
      ending_ar: '15000.00',
      ending_current_ar: '4000.00',
      credit_sales: '10000.00',
      roll_rates: expect.arrayContaining([
        { from: 'current', to: '1_30', start_balance: '8000.00', rolled: '5000.00', rate: 62.5 },
      ]),
    });
    const june = await kpis(['--from', '2026-06-01', '--to', '2026-06-30', '--month-days', '30']);
    expect(find(june, 'ex_countback')).toMatchObject({ dso_countback: 73.71, ending_ar: '212000.00' });
    const q1 = await kpis(['--from', '2026-01-01', '--to', '2026-03-31']);
    expect(q1.months).toBe(3);
    expect(find(q1, 'ex_cei')).toMatchObject({
      cei: 86.54,
      beginning_ar: '400000.00',
      credit_sales: '1200000.00',
      ending_ar: '350000.00',
      ending_current_ar: '280000.00',
    });
    const may = await kpis(['--from', '2026-05-01', '--to', '2026-05-31']);
    expect(find(may, 'ex_dtp')).toMatchObject({
      days_to_pay_count_weighted: 15,
      days_to_pay_amount_weighted: 19.09,
      paid_invoices: 2,
      promise_kept_rate: 75,
      dispute_cycle_days: 12.5,
    });
  });

  it('writes CSV and a table too, and refuses bad options with exit 2', async () => {
    const c = await arbor([
      'report',
      'kpis',
      '--from',
      '2026-04-01',
      '--to',
      '2026-04-30',
      '--by',
      'segment',
      '--format',
      'csv',
    ]);
    expect(c.code).toBe(0);
    const [header, ...lines] = c.out.trim().split(/\r?\n/);
    expect(header?.split(',').slice(0, 5)).toEqual(['group', 'currency', 'dso', 'dso_countback', 'bpdso']);
    expect(
      lines
        .find((l) => l.startsWith('ex_dso,'))
        ?.split(',')
        .slice(0, 7),
    ).toEqual(['ex_dso', 'USD', '45.00', expect.any(String), '12.00', '33.00', expect.any(String)]);
    const table = await arbor(['report', 'kpis', '--from', '2026-04-01', '--to', '2026-04-30']);
    expect(table.code).toBe(0);
    expect(table.out).toContain('KPIs 2026-04-01 to 2026-04-30 (30 days');
    expect((await arbor(['report', 'kpis', '--by', 'region'])).code).toBe(2);
    expect((await arbor(['report', 'kpis', '--from', '2026-05-31', '--to', '2026-05-01'])).code).toBe(2);
    expect((await arbor(['report', 'kpis', '--month-days', '31'])).code).toBe(2);
  });
  it('compares agings, lists accounts at risk, forecasts cash and backtests the forecast', async () => {
    const run = async (args: string[]) => {
      const r = await arbor(['report', ...args, '--format', 'json']);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out);
    };
    const cmp = await run(['aging-compare', '--as-of', '2026-06-30']);
    expect(cmp.before).toBe('2026-06-23');
    const cb = cmp.rows.find((r: { account_number: string }) => r.account_number === 'K-CB');
    expect(cb.buckets['31_60']).toEqual({ now: '32000.00', before: '32000.00', change: '0.00' });
    expect(cb.balance.now).toBe('212000.00');
    // CB-APR (32,000.00 open, due 05-10) crossed 30 days past due between 06-05 and 06-12.
    const risk = await run(['at-risk', '--as-of', '2026-06-12', '--threshold', '1000']);
    expect(
      risk.accounts.map((a: { account_number: string; reasons: string[]; older_change: string }) => [
        a.account_number,
        a.reasons,
        a.older_change,
      ]),
    ).toEqual([['K-CB', ['aging_worsened'], '32000.00']]);
    const f = await run(['forecast', '--as-of', '2026-06-30']);
    const usd = f.currencies[0];
    expect(usd.weeks).toHaveLength(13);
    const cents = (x: string) => BigInt(x.replace('.', ''));
    expect(
      usd.weeks.reduce((sum: bigint, w: { expected: string }) => sum + cents(w.expected), 0n) +
        cents(usd.beyond_horizon),
    ).toBe(cents(usd.open));
    const items = await arbor(['report', 'forecast', '--as-of', '2026-06-30', '--items', '--format', 'csv']);
    expect(items.out.split(/\r?\n/)[0]).toBe(
      'number,account_number,currency,due_date,open,committed,predicted_date,expected_in_horizon',
    );
    const b = await run([
      'forecast-backtest',
      '--to',
      '2026-06-30',
      '--months',
      '2',
      '--every',
      '4',
      '--weeks',
      '4',
    ]);
    expect(b.as_of_dates).toEqual(['2026-04-30', '2026-05-28']);
    expect(b.currencies[0].weeks[0]).toMatchObject({ week: 1, compared: 2 });
    expect(Object.keys(b.currencies[0].overall)).toEqual(['actual', 'model', 'naive']);
  });
});
