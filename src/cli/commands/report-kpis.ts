import type { CurrencyCode } from '../../core/currency.ts';
import { AppError } from '../../core/errors.ts';
import { formatAmount, formatMoneyForDisplay } from '../../core/money.ts';
import {
  type AgingComparison,
  type AtRiskList,
  buildAgingComparison,
  buildAtRiskList,
  buildKpiReport,
  DEFAULT_THRESHOLD,
  defaultKpiPeriod,
  type Fraction,
  type KpiGroup,
  type KpiReport,
  type MonthDays,
  toFixedNumber,
  toFixedOrNull,
} from '../../modules/analytics/index.ts';
import { type AgingBucket, DEFAULT_BOUNDARIES, parseBoundaries } from '../../modules/reporting/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, type TabularColumn, withOutput, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';
import { parseDateOption } from './report.ts';

const invalid = (message: string) => new AppError('cli.invalid_arguments', 'invalid', message);

function bucketsOption(value: unknown): readonly number[] {
  if (typeof value !== 'string') return DEFAULT_BOUNDARIES;
  try {
    return parseBoundaries(value);
  } catch (e) {
    throw invalid(`--buckets: ${(e as Error).message}`);
  }
}

function weeksOption(value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < 1 || n > max)
    throw invalid(`--weeks must be a whole number from 1 to ${max}, not "${String(value)}"`);
  return n;
}

/** KPI figures in output: a number with 2 decimals (JSON), or its text ('' when undefined). */
const kpi = (f: Fraction | null): number | null => toFixedOrNull(f, 2);
const kpiText = (f: Fraction | null): string => (f === null ? '' : toFixedNumber(f, 2).toFixed(2));

const bucketJson = (b: AgingBucket) => ({
  key: b.key,
  label: b.label,
  min_days: b.minDays,
  max_days: b.maxDays,
});

export function kpiGroupToJson(report: KpiReport, g: KpiGroup) {
  const f = (v: bigint) => formatAmount(v, g.currency);
  return {
    group: g.group,
    currency: g.currency,
    dso: kpi(g.dso),
    dso_countback: kpi(g.dsoCountback),
    countback_exhausted: g.countbackExhausted,
    bpdso: kpi(g.bpdso),
    add: kpi(g.add),
    cei: kpi(g.cei),
    days_to_pay_count_weighted: kpi(g.daysToPayCountWeighted),
    days_to_pay_amount_weighted: kpi(g.daysToPayAmountWeighted),
    days_late_count_weighted: kpi(g.daysLateCountWeighted),
    days_late_amount_weighted: kpi(g.daysLateAmountWeighted),
    paid_invoices: g.paidInvoices,
    pct_current: kpi(g.pctCurrent),
    pct_over_90: kpi(g.pctOver90),
    turnover: kpi(g.turnover),
    turnover_annualized: kpi(g.turnoverAnnualized),
    promise_kept_rate: kpi(g.promiseKeptRate),
    promises_kept: g.promisesKept,
    promises_broken: g.promisesBroken,
    dispute_cycle_days: kpi(g.disputeCycleDays),
    disputes_resolved: g.disputesResolved,
    roll_rates: g.rollRates.map((r) => ({
      from: report.buckets[r.fromBucket]?.key ?? String(r.fromBucket),
      to: report.buckets[r.toBucket]?.key ?? String(r.toBucket),
      start_balance: f(r.startBalance),
      rolled: f(r.rolled),
      rate: kpi(r.rate),
    })),
    beginning_ar: f(g.beginningAr),
    ending_ar: f(g.endingAr),
    ending_current_ar: f(g.endingCurrentAr),
    ending_over_90: f(g.endingOver90),
    credit_sales: f(g.creditSales),
    credit_memos_issued: f(g.creditMemosIssued),
    cash_collected: f(g.cashCollected),
    aging_at_end: Object.fromEntries(report.buckets.map((b, i) => [b.key, f(g.agingAtEnd[i] ?? 0n)])),
    credits_at_end: f(g.creditsAtEnd),
  };
}

export function kpiReportToJson(report: KpiReport) {
  return {
    from: report.from,
    to: report.to,
    days: report.days,
    months: toFixedNumber(report.months, 4),
    month_days: report.monthDays,
    by: report.by,
    buckets: report.buckets.map(bucketJson),
    groups: report.groups.map((g) => kpiGroupToJson(report, g)),
  };
}

function kpiSheet(report: KpiReport, people: boolean) {
  const rollNames = report.buckets
    .slice(0, -1)
    .map((b, i) => `roll_${b.key}_to_${report.buckets[i + 1]?.key ?? ''}`);
  const columns: TabularColumn[] = [
    { name: people ? (report.by ?? 'Group') : 'group' },
    { name: people ? 'Cur' : 'currency' },
    ...[
      'dso',
      'dso_countback',
      'bpdso',
      'add',
      'cei',
      'days_to_pay_count_weighted',
      'days_to_pay_amount_weighted',
      'pct_current',
      'pct_over_90',
      'turnover',
      'promise_kept_rate',
      'dispute_cycle_days',
      ...rollNames,
    ].map((name) => ({ name, align: 'right' as const })),
    { name: 'ending_ar', type: 'amount' },
    { name: 'credit_sales', type: 'amount' },
    { name: 'cash_collected', type: 'amount' },
  ];
  const money = (v: bigint, c: CurrencyCode) => (people ? formatMoneyForDisplay(v, c) : formatAmount(v, c));
  const rows = report.groups.map((g) => [
    g.group ?? (people ? 'all' : ''),
    g.currency,
    kpiText(g.dso),
    kpiText(g.dsoCountback),
    kpiText(g.bpdso),
    kpiText(g.add),
    kpiText(g.cei),
    kpiText(g.daysToPayCountWeighted),
    kpiText(g.daysToPayAmountWeighted),
    kpiText(g.pctCurrent),
    kpiText(g.pctOver90),
    kpiText(g.turnover),
    kpiText(g.promiseKeptRate),
    kpiText(g.disputeCycleDays),
    ...g.rollRates.map((r) => kpiText(r.rate)),
    money(g.endingAr, g.currency),
    money(g.creditSales, g.currency),
    money(g.cashCollected, g.currency),
  ]);
  return { name: `KPIs ${report.from} to ${report.to}`, columns, rows };
}

export const kpisCommand: Command = {
  words: ['report', 'kpis'],
  usage:
    'arbor report kpis [--from DATE] [--to DATE] [--by entity|segment|collector] [--buckets 30,60,90,120] [--month-days actual|30] [--format table|csv|json|xlsx] [--output FILE]',
  summary: 'DSO, countback DSO, best possible DSO, ADD, CEI, days to pay, roll rates and more for a period',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        from: { type: 'string' },
        to: { type: 'string' },
        by: { type: 'string' },
        buckets: { type: 'string' },
        'month-days': { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const format = parseFormat(
      values.format as string | undefined,
      ['table', 'csv', 'json', 'xlsx'],
      'table',
    );
    const by = values.by as string | undefined;
    if (by !== undefined && by !== 'entity' && by !== 'segment' && by !== 'collector')
      throw invalid(`--by must be entity, segment or collector, not "${by}"`);
    const monthDays = (values['month-days'] as string | undefined) ?? 'actual';
    if (monthDays !== 'actual' && monthDays !== '30')
      throw invalid(`--month-days must be actual or 30, not "${monthDays}"`);
    const boundaries = bucketsOption(values.buckets);
    const fromOption = parseDateOption('from', values.from);
    const toOption = parseDateOption('to', values.to);
    const { ctx, close } = await openContext(global, input.io);
    try {
      // Neither: the last complete month; only --to: its month so far; only --from: up to today.
      const fallback = defaultKpiPeriod(ctx.clock.today());
      const to = toOption ?? (fromOption ? ctx.clock.today() : fallback.to);
      const from = fromOption ?? (toOption ? (`${to.slice(0, 8)}01` as typeof to) : fallback.from);
      if (from > to) throw invalid(`--from ${from} is after --to ${to}`);
      const report = await buildKpiReport(ctx, {
        from,
        to,
        ...(by ? { by } : {}),
        boundaries,
        monthDays: monthDays as MonthDays,
      });
      await withOutput(
        input.io.stdout,
        values.output as string | undefined,
        format === 'xlsx',
        async (out) => {
          if (format === 'json') {
            out.write(`${JSON.stringify(kpiReportToJson(report), null, 2)}\n`);
            return;
          }
          if (format === 'table')
            out.write(
              `KPIs ${report.from} to ${report.to} (${report.days} days; days and percentages to 2 decimals)\n\n`,
            );
          await writeTabular(format, out, kpiSheet(report, format === 'table'));
        },
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export function agingComparisonToJson(c: AgingComparison) {
  return {
    as_of: c.asOf,
    before: c.before,
    weeks: c.weeks,
    buckets: c.buckets.map(bucketJson),
    rows: c.accounts.map((a) => {
      const f = (v: bigint) => formatAmount(v, a.currency);
      return {
        account_number: a.accountNumber,
        name: a.name,
        currency: a.currency,
        buckets: Object.fromEntries(
          c.buckets.map((b, i) => {
            const now = a.bucketsNow[i] ?? 0n;
            const before = a.bucketsBefore[i] ?? 0n;
            return [b.key, { now: f(now), before: f(before), change: f(now - before) }];
          }),
        ),
        credits: {
          now: f(a.creditsNow),
          before: f(a.creditsBefore),
          change: f(a.creditsNow - a.creditsBefore),
        },
        balance: {
          now: f(a.balanceNow),
          before: f(a.balanceBefore),
          change: f(a.balanceNow - a.balanceBefore),
        },
      };
    }),
    totals: c.totals.map((t) => {
      const f = (v: bigint) => formatAmount(v, t.currency);
      return {
        currency: t.currency,
        buckets: Object.fromEntries(
          c.buckets.map((b, i) => {
            const now = t.bucketsNow[i] ?? 0n;
            const before = t.bucketsBefore[i] ?? 0n;
            return [b.key, { now: f(now), before: f(before), change: f(now - before) }];
          }),
        ),
        credits: {
          now: f(t.creditsNow),
          before: f(t.creditsBefore),
          change: f(t.creditsNow - t.creditsBefore),
        },
        balance: {
          now: f(t.balanceNow),
          before: f(t.balanceBefore),
          change: f(t.balanceNow - t.balanceBefore),
        },
      };
    }),
  };
}

export const agingCompareCommand: Command = {
  words: ['report', 'aging-compare'],
  usage:
    'arbor report aging-compare [--as-of DATE] [--weeks 1] [--buckets 30,60,90,120] [--format table|csv|json|xlsx] [--output FILE]',
  summary:
    "this week's aging against an earlier week's, per customer: each bucket now, before and the change",
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        'as-of': { type: 'string' },
        weeks: { type: 'string' },
        buckets: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const format = parseFormat(
      values.format as string | undefined,
      ['table', 'csv', 'json', 'xlsx'],
      'table',
    );
    const asOf = parseDateOption('as-of', values['as-of']);
    const weeks = weeksOption(values.weeks, 1, 104);
    const boundaries = bucketsOption(values.buckets);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const c = await buildAgingComparison(ctx, { ...(asOf ? { asOf } : {}), weeks, boundaries });
      await withOutput(
        input.io.stdout,
        values.output as string | undefined,
        format === 'xlsx',
        async (out) => {
          if (format === 'json') {
            out.write(`${JSON.stringify(agingComparisonToJson(c), null, 2)}\n`);
            return;
          }
          const people = format === 'table';
          if (people) out.write(`Aging as of ${c.asOf} against ${c.before} (change = now − before)\n\n`);
          const money = (v: bigint, cur: CurrencyCode) =>
            people ? formatMoneyForDisplay(v, cur) : formatAmount(v, cur);
          const cells = (
            cur: CurrencyCode,
            now: readonly bigint[],
            before: readonly bigint[],
            credits: readonly [bigint, bigint],
            bn: bigint,
            bb: bigint,
          ) => [
            ...c.buckets.flatMap((_, i) => [
              money(now[i] ?? 0n, cur),
              money((now[i] ?? 0n) - (before[i] ?? 0n), cur),
            ]),
            money(credits[0], cur),
            money(credits[0] - credits[1], cur),
            money(bn, cur),
            money(bb, cur),
            money(bn - bb, cur),
          ];
          await writeTabular(format, out, {
            name: `Aging ${c.asOf} vs ${c.before}`,
            columns: [
              { name: people ? 'Account' : 'account_number' },
              { name: people ? 'Name' : 'name' },
              { name: people ? 'Cur' : 'currency' },
              ...c.buckets.flatMap((b) => [
                { name: people ? b.label : b.key, type: 'amount' as const },
                { name: people ? `Δ ${b.label}` : `${b.key}_change`, type: 'amount' as const },
              ]),
              { name: people ? 'Credits' : 'credits', type: 'amount' },
              { name: people ? 'Δ Credits' : 'credits_change', type: 'amount' },
              { name: people ? 'Balance' : 'balance', type: 'amount' },
              { name: people ? 'Before' : 'balance_before', type: 'amount' },
              { name: people ? 'Δ Balance' : 'balance_change', type: 'amount' },
            ],
            rows: c.accounts.map((a) => [
              a.accountNumber,
              people && a.name.length > 30 ? `${a.name.slice(0, 29)}…` : a.name,
              a.currency,
              ...cells(
                a.currency,
                a.bucketsNow,
                a.bucketsBefore,
                [a.creditsNow, a.creditsBefore],
                a.balanceNow,
                a.balanceBefore,
              ),
            ]),
            footer: c.totals.map((t) => [
              'TOTAL',
              '',
              t.currency,
              ...cells(
                t.currency,
                t.bucketsNow,
                t.bucketsBefore,
                [t.creditsNow, t.creditsBefore],
                t.balanceNow,
                t.balanceBefore,
              ),
            ]),
          });
        },
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export function atRiskToJson(list: AtRiskList) {
  return {
    as_of: list.asOf,
    before: list.before,
    weeks: list.weeks,
    older_than_days: list.olderThanDays,
    threshold: list.threshold,
    buckets: list.buckets.map(bucketJson),
    accounts: list.accounts.map((a) => {
      const f = (v: bigint) => formatAmount(v, a.currency);
      return {
        account_number: a.accountNumber,
        name: a.name,
        segment: a.segment,
        collector: a.collector,
        currency: a.currency,
        reasons: a.reasons,
        balance: f(a.balanceNow),
        balance_before: f(a.balanceBefore),
        balance_change: f(a.balanceNow - a.balanceBefore),
        older: f(a.olderNow),
        older_before: f(a.olderBefore),
        older_change: f(a.olderChange),
        credit_limit: a.creditLimit === null ? null : formatAmount(a.creditLimit, a.customerCurrency),
        newly_over_limit: a.newlyOverLimit,
        buckets: Object.fromEntries(
          list.buckets.map((b, i) => [
            b.key,
            {
              now: f(a.bucketsNow[i] ?? 0n),
              change: f((a.bucketsNow[i] ?? 0n) - (a.bucketsBefore[i] ?? 0n)),
            },
          ]),
        ),
      };
    }),
  };
}

export const atRiskCommand: Command = {
  words: ['report', 'at-risk'],
  usage:
    'arbor report at-risk [--as-of DATE] [--weeks 1] [--threshold AMOUNT] [--older-than 30] [--buckets 30,60,90,120] [--format table|csv|json|xlsx] [--output FILE]',
  summary: 'accounts whose aging worsened since last week, or that are over their credit limit',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        'as-of': { type: 'string' },
        weeks: { type: 'string' },
        threshold: { type: 'string' },
        'older-than': { type: 'string' },
        buckets: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const format = parseFormat(
      values.format as string | undefined,
      ['table', 'csv', 'json', 'xlsx'],
      'table',
    );
    const asOf = parseDateOption('as-of', values['as-of']);
    const weeks = weeksOption(values.weeks, 1, 104);
    const boundaries = bucketsOption(values.buckets);
    const olderText = values['older-than'] as string | undefined;
    if (olderText !== undefined && !/^\d{1,4}$/.test(olderText))
      throw invalid(`--older-than must be a whole number of days, not "${olderText}"`);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const list = await buildAtRiskList(ctx, {
        ...(asOf ? { asOf } : {}),
        weeks,
        boundaries,
        threshold: (values.threshold as string | undefined) ?? DEFAULT_THRESHOLD,
        ...(olderText !== undefined ? { olderThanDays: Number(olderText) } : {}),
      });
      await withOutput(
        input.io.stdout,
        values.output as string | undefined,
        format === 'xlsx',
        async (out) => {
          if (format === 'json') {
            out.write(`${JSON.stringify(atRiskToJson(list), null, 2)}\n`);
            return;
          }
          const people = format === 'table';
          if (people)
            out.write(
              `At risk as of ${list.asOf}: aging worse than on ${list.before} (past due over ${list.olderThanDays} days up by at least ${list.threshold}), or over the credit limit\n\n`,
            );
          const money = (v: bigint, cur: CurrencyCode) =>
            people ? formatMoneyForDisplay(v, cur) : formatAmount(v, cur);
          await writeTabular(format, out, {
            name: `At risk ${list.asOf}`,
            columns: [
              { name: people ? 'Account' : 'account_number' },
              { name: people ? 'Name' : 'name' },
              { name: people ? 'Collector' : 'collector' },
              { name: people ? 'Cur' : 'currency' },
              { name: people ? 'Why' : 'reasons' },
              { name: people ? `Over ${list.olderThanDays}` : 'older', type: 'amount' },
              { name: people ? 'Δ week' : 'older_change', type: 'amount' },
              { name: people ? 'Balance' : 'balance', type: 'amount' },
              { name: people ? 'Δ Balance' : 'balance_change', type: 'amount' },
              { name: people ? 'Credit limit' : 'credit_limit', type: 'amount' },
            ],
            rows: list.accounts.map((a) => [
              a.accountNumber,
              people && a.name.length > 30 ? `${a.name.slice(0, 29)}…` : a.name,
              a.collector ?? '',
              a.currency,
              a.reasons.join(people ? ', ' : ';'),
              money(a.olderNow, a.currency),
              money(a.olderChange, a.currency),
              money(a.balanceNow, a.currency),
              money(a.balanceNow - a.balanceBefore, a.currency),
              a.creditLimit === null ? '' : money(a.creditLimit, a.customerCurrency),
            ]),
          });
        },
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const kpiCommands: readonly Command[] = [kpisCommand, agingCompareCommand, atRiskCommand];
