import { sql } from 'kysely';
import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { addDays, type LocalDate } from '../../core/local-date.ts';
import { type AgingBucket, buildBuckets, DEFAULT_BOUNDARIES } from '../reporting/index.ts';
import { analyticsError } from './analytics.errors.ts';
import {
  findCashCollected,
  findCollectionOutcomes,
  findMigration,
  findPaidInvoices,
  findSales,
  type KpiGroupBy,
} from './analytics.repo.ts';
import { computeArTurnover } from './logic/ar-turnover.ts';
import { computeAverageDaysDelinquent } from './logic/average-days-delinquent.ts';
import { computeBestPossibleDso } from './logic/best-possible-dso.ts';
import { computeCei } from './logic/collection-effectiveness-index.ts';
import { computeCountbackDso } from './logic/countback-dso.ts';
import { computeDaysToPay } from './logic/days-to-pay.ts';
import { computeDisputeCycleDays } from './logic/dispute-cycle-days.ts';
import { computeDso } from './logic/dso.ts';
import type { Fraction } from './logic/fraction.ts';
import { countbackMonths, daysInPeriod, type MonthDays, monthsInPeriod } from './logic/kpi-period.ts';
import { percentOf } from './logic/percent-of.ts';
import { computePromiseKeptRate } from './logic/promise-kept-rate.ts';
import { computeRollRates, type MigrationCell, type RollRate } from './logic/roll-rates.ts';

export interface KpiOptions {
  readonly from: LocalDate;
  readonly to: LocalDate;
  /** One group per currency (absent), or per entity, segment or collector and currency. */
  readonly by?: 'entity' | 'segment' | 'collector';
  /** Aging boundaries for percent current and the roll rates (default 30, 60, 90, 120). */
  readonly boundaries?: readonly number[];
  /** Countback months: calendar days (default) or 30 each. */
  readonly monthDays?: MonthDays;
  /** Only this collector's customers (a portfolio-scoped analyst). */
  readonly collector?: string;
}

/** Countback walks back at most this many months. */
const COUNTBACK_MONTHS = 24;

export interface KpiGroup {
  /** Entity code, segment or collector; null when not grouped. */
  readonly group: string | null;
  readonly currency: CurrencyCode;
  /** AR control balance (open items, credits included, unapplied cash not) at the day before `from`. */
  readonly beginningAr: bigint;
  readonly endingAr: bigint;
  /** Open debit items not yet due at `to` (the aging's current bucket). */
  readonly endingCurrentAr: bigint;
  /** Open debit items more than 90 days past due at `to`. */
  readonly endingOver90: bigint;
  /** Open debit items per bucket at `to`, and open credits. */
  readonly agingAtEnd: readonly bigint[];
  readonly creditsAtEnd: bigint;
  /** Invoices and debit memos issued in the period. */
  readonly creditSales: bigint;
  /** Credit memos issued in the period (positive; not netted from credit sales). */
  readonly creditMemosIssued: bigint;
  readonly cashCollected: bigint;
  readonly dso: Fraction | null;
  readonly dsoCountback: Fraction | null;
  readonly countbackExhausted: boolean;
  readonly bpdso: Fraction | null;
  readonly add: Fraction | null;
  readonly cei: Fraction | null;
  readonly paidInvoices: number;
  readonly daysToPayCountWeighted: Fraction | null;
  readonly daysToPayAmountWeighted: Fraction | null;
  readonly daysLateCountWeighted: Fraction | null;
  readonly daysLateAmountWeighted: Fraction | null;
  readonly pctCurrent: Fraction | null;
  readonly pctOver90: Fraction | null;
  readonly turnover: Fraction | null;
  readonly turnoverAnnualized: Fraction | null;
  readonly promisesKept: number;
  readonly promisesBroken: number;
  readonly promiseKeptRate: Fraction | null;
  readonly disputesResolved: number;
  readonly disputeCycleDays: Fraction | null;
  readonly rollRates: readonly RollRate[];
}

export interface KpiReport {
  readonly from: LocalDate;
  readonly to: LocalDate;
  readonly days: number;
  /** N of the CEI. */
  readonly months: Fraction;
  readonly monthDays: MonthDays;
  readonly by: 'entity' | 'segment' | 'collector' | null;
  /** Aging buckets at `to` (due-date basis). */
  readonly buckets: readonly AgingBucket[];
  readonly groups: readonly KpiGroup[];
}

interface Acc {
  group: string | null;
  currency: CurrencyCode;
  beginningAr: bigint;
  endingAr: bigint;
  agingAtEnd: bigint[];
  creditsAtEnd: bigint;
  endingOver90: bigint;
  cells: MigrationCell[];
  creditSales: bigint;
  creditMemosIssued: bigint;
  monthSales: bigint[];
  cashCollected: bigint;
  paid: {
    count: bigint;
    sumAmount: bigint;
    sumDays: bigint;
    sumAmountDays: bigint;
    sumLate: bigint;
    sumAmountLate: bigint;
  };
  promisesKept: number;
  promisesBroken: number;
  disputesResolved: number;
  disputeDays: bigint;
}

/**
 * The collection KPIs of DOMAIN.md for any past period, with AR figures as of the period's start and
 * end rebuilt from the journal (docs/kpis.md has every definition). One group per currency — amounts
 * in different currencies are never added — and, with `by`, per entity, segment or collector.
 */
export async function buildKpiReport(ctx: ServiceContext, options: KpiOptions): Promise<KpiReport> {
  const { from, to } = options;
  if (from > to) throw analyticsError('analytics.invalid_period', `from ${from} is after to ${to}`);
  const by: KpiGroupBy = options.by ?? null;
  const monthDays = options.monthDays ?? 'actual';
  const boundaries = options.boundaries ?? DEFAULT_BOUNDARIES;
  const start = addDays(from, -1);
  const startBuckets = buildBuckets(start, 'due', boundaries);
  const endBuckets = buildBuckets(to, 'due', boundaries);
  const months = countbackMonths(to, COUNTBACK_MONTHS, monthDays);
  const ex = ctx.database.db;
  const t = ctx.tenantId;
  const scope = {
    by,
    ...(options.collector !== undefined ? { collector: options.collector } : {}),
  };

  // One snapshot for every query, so that the figures cannot straddle a posting.
  const data = await ex
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      // Whole-table aggregates: hash joins, whatever stale statistics say (a small import leaves the
      // customers table unanalyzed, and a nested loop over it would rescan the items per customer).
      await sql`set local enable_nestloop = off`.execute(tx);
      return {
        migration: await findMigration(tx, t, { start, end: to, startBuckets, endBuckets, ...scope }),
        sales: await findSales(tx, t, { from, to, months, ...scope }),
        paid: await findPaidInvoices(tx, t, { from, to, ...scope }),
        outcomes: await findCollectionOutcomes(tx, t, { from, to, ...scope }),
        cash: await findCashCollected(tx, t, { from, to, ...scope }),
      };
    });

  const groups = new Map<string, Acc>();
  const acc = (group: string | null, currency: string): Acc => {
    const key = `${group ?? ''}|${currency}`;
    let a = groups.get(key);
    if (!a) {
      a = {
        group,
        currency: currency as CurrencyCode,
        beginningAr: 0n,
        endingAr: 0n,
        agingAtEnd: endBuckets.map(() => 0n),
        creditsAtEnd: 0n,
        endingOver90: 0n,
        cells: [],
        creditSales: 0n,
        creditMemosIssued: 0n,
        monthSales: months.map(() => 0n),
        cashCollected: 0n,
        paid: { count: 0n, sumAmount: 0n, sumDays: 0n, sumAmountDays: 0n, sumLate: 0n, sumAmountLate: 0n },
        promisesKept: 0,
        promisesBroken: 0,
        disputesResolved: 0,
        disputeDays: 0n,
      };
      groups.set(key, a);
    }
    return a;
  };

  for (const r of data.migration) {
    const a = acc(r.group_key, r.currency);
    a.beginningAr += r.open_s;
    a.endingAr += r.open_e;
    a.endingOver90 += r.over90_e;
    if (r.eb >= 0) a.agingAtEnd[r.eb] = (a.agingAtEnd[r.eb] ?? 0n) + r.open_e;
    else if (r.sb < 0) a.creditsAtEnd += r.open_e;
    if (r.sb >= 0)
      a.cells.push({ startBucket: r.sb, endBucket: r.eb, openAtStart: r.open_s, carried: r.carried });
  }
  for (const r of data.sales) {
    const a = acc(r.group_key, r.currency);
    if (r.in_period) {
      a.creditSales += r.sales;
      a.creditMemosIssued += r.credit_memos;
    }
    if (r.w >= 0) a.monthSales[r.w] = (a.monthSales[r.w] ?? 0n) + r.sales;
  }
  for (const r of data.paid) {
    const a = acc(r.group_key, r.currency);
    a.paid.count += r.count;
    a.paid.sumAmount += r.sum_amount;
    a.paid.sumDays += r.sum_days_to_pay;
    a.paid.sumAmountDays += BigInt(r.sum_amount_days_to_pay);
    a.paid.sumLate += r.sum_days_late;
    a.paid.sumAmountLate += BigInt(r.sum_amount_days_late);
  }
  for (const r of data.outcomes) {
    const a = acc(r.group_key, r.currency);
    a.promisesKept += r.promises_kept;
    a.promisesBroken += r.promises_broken;
    a.disputesResolved += r.disputes_resolved;
    a.disputeDays += r.dispute_days;
  }
  for (const r of data.cash) acc(r.group_key, r.currency).cashCollected += r.cash;

  const days = daysInPeriod(from, to);
  const n = monthsInPeriod(from, to);
  const result = [...groups.values()].map((a): KpiGroup => {
    const endingCurrentAr = a.agingAtEnd[0] ?? 0n;
    const dso = computeDso({ endingAr: a.endingAr, creditSales: a.creditSales, days });
    const bpdso = computeBestPossibleDso({ endingCurrentAr, creditSales: a.creditSales, days });
    const countback = computeCountbackDso(
      a.endingAr,
      months.map((m, i) => ({ sales: a.monthSales[i] ?? 0n, days: m.days })),
    );
    const toPay = computeDaysToPay({
      count: a.paid.count,
      sumDays: a.paid.sumDays,
      sumAmount: a.paid.sumAmount,
      sumAmountDays: a.paid.sumAmountDays,
    });
    const late = computeDaysToPay({
      count: a.paid.count,
      sumDays: a.paid.sumLate,
      sumAmount: a.paid.sumAmount,
      sumAmountDays: a.paid.sumAmountLate,
    });
    const turnover = computeArTurnover({
      creditSales: a.creditSales,
      beginningAr: a.beginningAr,
      endingAr: a.endingAr,
      days,
    });
    return {
      group: a.group,
      currency: a.currency,
      beginningAr: a.beginningAr,
      endingAr: a.endingAr,
      endingCurrentAr,
      endingOver90: a.endingOver90,
      agingAtEnd: a.agingAtEnd,
      creditsAtEnd: a.creditsAtEnd,
      creditSales: a.creditSales,
      creditMemosIssued: a.creditMemosIssued,
      cashCollected: a.cashCollected,
      dso,
      dsoCountback: a.endingAr > 0n ? countback.days : null,
      countbackExhausted: countback.exhausted,
      bpdso,
      add: computeAverageDaysDelinquent(dso, bpdso),
      cei: computeCei({
        beginningAr: a.beginningAr,
        creditSales: a.creditSales,
        months: n,
        endingAr: a.endingAr,
        endingCurrentAr,
      }),
      paidInvoices: Number(a.paid.count),
      daysToPayCountWeighted: toPay.countWeighted,
      daysToPayAmountWeighted: toPay.amountWeighted,
      daysLateCountWeighted: late.countWeighted,
      daysLateAmountWeighted: late.amountWeighted,
      pctCurrent: percentOf(endingCurrentAr, a.endingAr),
      pctOver90: percentOf(a.endingOver90, a.endingAr),
      turnover: turnover.period,
      turnoverAnnualized: turnover.annualized,
      promisesKept: a.promisesKept,
      promisesBroken: a.promisesBroken,
      promiseKeptRate: computePromiseKeptRate(a.promisesKept, a.promisesBroken),
      disputesResolved: a.disputesResolved,
      disputeCycleDays: computeDisputeCycleDays(a.disputesResolved, a.disputeDays),
      rollRates: computeRollRates(endBuckets.length, a.cells),
    };
  });
  result.sort((x, y) => {
    const gx = x.group ?? '';
    const gy = y.group ?? '';
    return gx < gy ? -1 : gx > gy ? 1 : x.currency < y.currency ? -1 : x.currency > y.currency ? 1 : 0;
  });
  return { from, to, days, months: n, monthDays, by, buckets: endBuckets, groups: result };
}
