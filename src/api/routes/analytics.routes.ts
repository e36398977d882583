import { createRoute, z } from '@hono/zod-openapi';
import type { LocalDate } from '../../core/local-date.ts';
import {
  type AgingComparison,
  buildAgingComparison,
  buildAtRiskList,
  buildCashForecast,
  buildKpiReport,
  type ComparedAccount,
  DEFAULT_THRESHOLD,
  defaultKpiPeriod,
  type KpiReport,
  toFixedNumber,
  toFixedOrNull,
} from '../../modules/analytics/index.ts';
import { type AgingBucket, DEFAULT_BOUNDARIES, parseBoundaries } from '../../modules/reporting/index.ts';
import { apiError } from '../api.errors.ts';
import { canReadPhi, logPhiReads, maskText } from '../phi.ts';
import { defineRoute } from '../route.ts';
import { amount, ERRORS, json, jsonContent, ZAmount, ZDate } from './common.ts';
import { portfolioOf } from './customers.routes.ts';
import { ZDay } from './receivables.routes.ts';

const ZKpi = z
  .number()
  .nullable()
  .openapi({ description: 'rounded half away from zero to 2 decimals; null when undefined (no sales, …)' });

const ZBucket = z.object({
  key: z.string().openapi({ example: '1_30' }),
  label: z.string(),
  minDays: z.number().int().nullable(),
  maxDays: z.number().int().nullable(),
});

const ZKpiGroup = z
  .object({
    group: z
      .string()
      .nullable()
      .openapi({ description: 'entity code, segment or collector; null when not grouped' }),
    currency: z.string(),
    dso: ZKpi,
    dsoCountback: ZKpi,
    countbackExhausted: z.boolean(),
    bpdso: ZKpi,
    add: ZKpi,
    cei: ZKpi.openapi({ description: 'percent' }),
    daysToPayCountWeighted: ZKpi,
    daysToPayAmountWeighted: ZKpi,
    daysLateCountWeighted: ZKpi,
    daysLateAmountWeighted: ZKpi,
    paidInvoices: z.number().int(),
    pctCurrent: ZKpi,
    pctOver90: ZKpi,
    turnover: ZKpi,
    turnoverAnnualized: ZKpi,
    promiseKeptRate: ZKpi,
    promisesKept: z.number().int(),
    promisesBroken: z.number().int(),
    disputeCycleDays: ZKpi,
    disputesResolved: z.number().int(),
    rollRates: z.array(
      z.object({ from: z.string(), to: z.string(), startBalance: ZAmount, rolled: ZAmount, rate: ZKpi }),
    ),
    beginningAr: ZAmount,
    endingAr: ZAmount,
    endingCurrentAr: ZAmount,
    endingOver90: ZAmount,
    creditSales: ZAmount,
    creditMemosIssued: ZAmount,
    cashCollected: ZAmount,
    agingAtEnd: z.array(ZAmount).openapi({ description: 'one amount per bucket' }),
    creditsAtEnd: ZAmount,
  })
  .openapi('KpiGroup');

const ZKpiReport = z
  .object({
    from: ZDate,
    to: ZDate,
    days: z.number().int(),
    months: z.number().openapi({ description: 'N of the CEI' }),
    monthDays: z.enum(['actual', '30']),
    by: z.enum(['entity', 'segment', 'collector']).nullable(),
    buckets: z.array(ZBucket),
    groups: z.array(ZKpiGroup),
  })
  .openapi('KpiReport');

const ZBucketChange = z.object({ now: ZAmount, before: ZAmount, change: ZAmount });

const ZComparedRow = z.object({
  accountNumber: z.string(),
  name: z.string().openapi({ description: "a consumer's name is masked for roles without phi:read" }),
  currency: z.string(),
  buckets: z.array(ZBucketChange),
  credits: ZBucketChange,
  balance: ZBucketChange,
});

const ZAgingComparison = z
  .object({
    asOf: ZDate,
    before: ZDate,
    weeks: z.number().int(),
    buckets: z.array(ZBucket),
    rows: z.array(ZComparedRow),
    totals: z.array(
      z.object({
        currency: z.string(),
        buckets: z.array(ZBucketChange),
        credits: ZBucketChange,
        balance: ZBucketChange,
      }),
    ),
  })
  .openapi('AgingComparison');

const ZAtRisk = z
  .object({
    asOf: ZDate,
    before: ZDate,
    weeks: z.number().int(),
    olderThanDays: z.number().int(),
    threshold: z.string(),
    buckets: z.array(ZBucket),
    accounts: z.array(
      ZComparedRow.extend({
        segment: z.string().nullable(),
        collector: z.string().nullable(),
        reasons: z.array(z.enum(['aging_worsened', 'over_credit_limit'])),
        older: ZBucketChange.openapi({ description: 'money past due more than olderThanDays' }),
        creditLimit: ZAmount.nullable(),
        newlyOverLimit: z.boolean(),
      }),
    ),
  })
  .openapi('AtRiskList');

const ZForecast = z
  .object({
    asOf: ZDate,
    weeks: z.number().int(),
    model: z.enum(['survival', 'naive']),
    currencies: z.array(
      z.object({
        currency: z.string(),
        open: ZAmount,
        expectedInHorizon: ZAmount,
        beyondHorizon: ZAmount.openapi({ description: 'open money expected later, or never' }),
        weeks: z.array(
          z.object({
            week: z.number().int(),
            from: ZDate,
            to: ZDate,
            expected: ZAmount,
            fromItems: ZAmount,
            fromPromises: ZAmount,
            fromPlans: ZAmount,
          }),
        ),
      }),
    ),
    items: z
      .array(
        z.object({
          number: z.string(),
          type: z.string(),
          accountNumber: z.string(),
          currency: z.string(),
          dueDate: ZDate,
          open: ZAmount,
          committed: ZAmount,
          predictedDate: ZDate.nullable(),
          expectedInHorizon: ZAmount,
        }),
      )
      .nullable(),
  })
  .openapi('CashForecast');

const bucketView = (b: AgingBucket) => ({
  key: b.key,
  label: b.label,
  minDays: b.minDays,
  maxDays: b.maxDays,
});

function boundariesOf(text: string | undefined): readonly number[] {
  if (text === undefined) return DEFAULT_BOUNDARIES;
  try {
    return parseBoundaries(text);
  } catch (e) {
    throw apiError('api.invalid_request', `buckets: ${(e as Error).message}`, {
      issues: [{ column: 'buckets', message: (e as Error).message }],
    });
  }
}

const ZBucketsQuery = z
  .string()
  .max(100)
  .optional()
  .openapi({ description: 'increasing day boundaries', example: '30,60,90,120' });

function kpiView(report: KpiReport) {
  return {
    from: report.from,
    to: report.to,
    days: report.days,
    months: toFixedNumber(report.months, 4),
    monthDays: report.monthDays,
    by: report.by,
    buckets: report.buckets.map(bucketView),
    groups: report.groups.map((g) => {
      const f = (v: bigint) => amount(v, g.currency);
      const k = toFixedOrNull;
      return {
        group: g.group,
        currency: g.currency,
        dso: k(g.dso),
        dsoCountback: k(g.dsoCountback),
        countbackExhausted: g.countbackExhausted,
        bpdso: k(g.bpdso),
        add: k(g.add),
        cei: k(g.cei),
        daysToPayCountWeighted: k(g.daysToPayCountWeighted),
        daysToPayAmountWeighted: k(g.daysToPayAmountWeighted),
        daysLateCountWeighted: k(g.daysLateCountWeighted),
        daysLateAmountWeighted: k(g.daysLateAmountWeighted),
        paidInvoices: g.paidInvoices,
        pctCurrent: k(g.pctCurrent),
        pctOver90: k(g.pctOver90),
        turnover: k(g.turnover),
        turnoverAnnualized: k(g.turnoverAnnualized),
        promiseKeptRate: k(g.promiseKeptRate),
        promisesKept: g.promisesKept,
        promisesBroken: g.promisesBroken,
        disputeCycleDays: k(g.disputeCycleDays),
        disputesResolved: g.disputesResolved,
        rollRates: g.rollRates.map((r) => ({
          from: report.buckets[r.fromBucket]?.key ?? '',
          to: report.buckets[r.toBucket]?.key ?? '',
          startBalance: f(r.startBalance),
          rolled: f(r.rolled),
          rate: k(r.rate),
        })),
        beginningAr: f(g.beginningAr),
        endingAr: f(g.endingAr),
        endingCurrentAr: f(g.endingCurrentAr),
        endingOver90: f(g.endingOver90),
        creditSales: f(g.creditSales),
        creditMemosIssued: f(g.creditMemosIssued),
        cashCollected: f(g.cashCollected),
        agingAtEnd: g.agingAtEnd.map(f),
        creditsAtEnd: f(g.creditsAtEnd),
      };
    }),
  };
}

const change = (now: bigint, before: bigint, currency: string) => ({
  now: amount(now, currency),
  before: amount(before, currency),
  change: amount(now - before, currency),
});

function comparedView(a: ComparedAccount, phi: boolean) {
  return {
    accountNumber: a.accountNumber,
    name: a.customerType === 'consumer' && !phi ? (maskText(a.name) ?? '') : a.name,
    currency: a.currency,
    buckets: a.bucketsNow.map((b, i) => change(b, a.bucketsBefore[i] ?? 0n, a.currency)),
    credits: change(a.creditsNow, a.creditsBefore, a.currency),
    balance: change(a.balanceNow, a.balanceBefore, a.currency),
  };
}

function totalsView(c: AgingComparison) {
  return c.totals.map((t) => ({
    currency: t.currency,
    buckets: t.bucketsNow.map((b, i) => change(b, t.bucketsBefore[i] ?? 0n, t.currency)),
    credits: change(t.creditsNow, t.creditsBefore, t.currency),
    balance: change(t.balanceNow, t.balanceBefore, t.currency),
  }));
}

export const analyticsRoutes = [
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/reports/kpis',
      tags: ['reports'],
      summary:
        'Collection KPIs for a period: DSO, countback DSO, BPDSO, ADD, CEI, days to pay, roll rates, …',
      description:
        'As `arbor report kpis` (definitions in docs/kpis.md). Default period: the last complete calendar month. ' +
        'A portfolio-scoped analyst gets the figures of their own customers only.',
      request: {
        query: z.object({
          from: ZDay.optional(),
          to: ZDay.optional(),
          by: z.enum(['entity', 'segment', 'collector']).optional(),
          buckets: ZBucketsQuery,
          monthDays: z
            .enum(['actual', '30'])
            .default('actual')
            .openapi({ description: 'days per month in the countback DSO' }),
        }),
      },
      responses: { 200: jsonContent(ZKpiReport, 'the KPIs'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const fallback = defaultKpiPeriod(ctx.clock.today());
      const to = (query.to as LocalDate | undefined) ?? (query.from ? ctx.clock.today() : fallback.to);
      const from =
        (query.from as LocalDate | undefined) ??
        (query.to ? (`${to.slice(0, 8)}01` as LocalDate) : fallback.from);
      if (from > to)
        throw apiError('api.invalid_request', `from ${from} is after to ${to}`, {
          issues: [{ column: 'from', message: `after to (${to})` }],
        });
      const portfolio = portfolioOf(c.get('principal'));
      const report = await buildKpiReport(ctx, {
        from,
        to,
        ...(query.by ? { by: query.by } : {}),
        boundaries: boundariesOf(query.buckets),
        monthDays: query.monthDays,
        ...(portfolio !== undefined ? { collector: portfolio } : {}),
      });
      return json(c, kpiView(report));
    },
  }),
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/reports/aging-compare',
      tags: ['reports'],
      summary: "This week's aging against an earlier week's, per customer and currency",
      description:
        'As `arbor report aging-compare`: each bucket now, before and the change. A portfolio-scoped analyst sees only their customers.',
      request: {
        query: z.object({
          asOf: ZDay.optional().openapi({ description: 'default: today' }),
          weeks: z.coerce.number().int().min(1).max(104).default(1),
          buckets: ZBucketsQuery,
        }),
      },
      responses: { 200: jsonContent(ZAgingComparison, 'the comparison'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const principal = c.get('principal');
      const portfolio = portfolioOf(principal);
      const comparison = await buildAgingComparison(ctx, {
        ...(query.asOf ? { asOf: query.asOf as LocalDate } : {}),
        weeks: query.weeks,
        boundaries: boundariesOf(query.buckets),
        ...(portfolio !== undefined ? { collector: portfolio } : {}),
      });
      const phi = canReadPhi(principal);
      await logPhiReads(ctx, principal, 'customer', [
        ...new Set(comparison.accounts.filter((a) => a.customerType === 'consumer').map((a) => a.customerId)),
      ]);
      return json(c, {
        asOf: comparison.asOf,
        before: comparison.before,
        weeks: comparison.weeks,
        buckets: comparison.buckets.map(bucketView),
        rows: comparison.accounts.map((a) => comparedView(a, phi)),
        totals: totalsView(comparison),
      });
    },
  }),
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/reports/at-risk',
      tags: ['reports'],
      summary: 'Accounts whose aging worsened since an earlier week, or over their credit limit',
      description:
        'As `arbor report at-risk`: worst first, with the change since the earlier date. A portfolio-scoped analyst sees only their customers.',
      request: {
        query: z.object({
          asOf: ZDay.optional().openapi({ description: 'default: today' }),
          weeks: z.coerce.number().int().min(1).max(104).default(1),
          threshold: z
            .string()
            .regex(/^\d+(\.\d+)?$/)
            .max(30)
            .default(DEFAULT_THRESHOLD)
            .openapi({ description: 'minimum growth of the older money, in major units of each currency' }),
          olderThan: z.coerce
            .number()
            .int()
            .min(0)
            .max(3650)
            .default(30)
            .openapi({ description: 'days past due beyond which money is "older" (a bucket boundary)' }),
          buckets: ZBucketsQuery,
        }),
      },
      responses: { 200: jsonContent(ZAtRisk, 'the at-risk list'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const principal = c.get('principal');
      const portfolio = portfolioOf(principal);
      const list = await buildAtRiskList(ctx, {
        ...(query.asOf ? { asOf: query.asOf as LocalDate } : {}),
        weeks: query.weeks,
        boundaries: boundariesOf(query.buckets),
        threshold: query.threshold,
        olderThanDays: query.olderThan,
        ...(portfolio !== undefined ? { collector: portfolio } : {}),
      });
      const phi = canReadPhi(principal);
      await logPhiReads(ctx, principal, 'customer', [
        ...new Set(list.accounts.filter((a) => a.customerType === 'consumer').map((a) => a.customerId)),
      ]);
      return json(c, {
        asOf: list.asOf,
        before: list.before,
        weeks: list.weeks,
        olderThanDays: list.olderThanDays,
        threshold: list.threshold,
        buckets: list.buckets.map(bucketView),
        accounts: list.accounts.map((a) => ({
          ...comparedView(a, phi),
          segment: a.segment,
          collector: a.collector,
          reasons: [...a.reasons],
          older: change(a.olderNow, a.olderBefore, a.currency),
          creditLimit: a.creditLimit === null ? null : amount(a.creditLimit, a.customerCurrency),
          newlyOverLimit: a.newlyOverLimit,
        })),
      });
    },
  }),
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/reports/forecast',
      tags: ['reports'],
      summary: 'Weekly cash forecast of the open items',
      description:
        'As `arbor report forecast`: payment plans and open promises first, the payment-behaviour model (or the naive baseline) for the rest. ' +
        "A portfolio-scoped analyst gets the forecast of their own customers' items.",
      request: {
        query: z.object({
          asOf: ZDay.optional().openapi({ description: 'default: today' }),
          weeks: z.coerce.number().int().min(1).max(52).default(13),
          model: z.enum(['survival', 'naive']).default('survival'),
          items: z.enum(['true', 'false']).optional().openapi({ description: 'one line per open item' }),
          excludeDeductions: z.enum(['true', 'false']).optional(),
        }),
      },
      responses: { 200: jsonContent(ZForecast, 'the forecast'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const portfolio = portfolioOf(c.get('principal'));
      const f = await buildCashForecast(ctx, {
        ...(query.asOf ? { asOf: query.asOf as LocalDate } : {}),
        weeks: query.weeks,
        model: query.model,
        items: query.items === 'true',
        includeDeductions: query.excludeDeductions !== 'true',
        ...(portfolio !== undefined ? { collector: portfolio } : {}),
      });
      return json(c, {
        asOf: f.asOf,
        weeks: f.weeks,
        model: f.model,
        currencies: f.currencies.map((cur) => {
          const m = (v: bigint) => amount(v, cur.currency);
          return {
            currency: cur.currency,
            open: m(cur.open),
            expectedInHorizon: m(cur.open - cur.beyond),
            beyondHorizon: m(cur.beyond),
            weeks: cur.weeks.map((w) => ({
              week: w.week,
              from: w.from,
              to: w.to,
              expected: m(w.expected),
              fromItems: m(w.fromItems),
              fromPromises: m(w.fromPromises),
              fromPlans: m(w.fromPlans),
            })),
          };
        }),
        items:
          f.items?.map((i) => ({
            number: i.number,
            type: i.type,
            accountNumber: i.accountNumber,
            currency: i.currency,
            dueDate: i.dueDate,
            open: amount(i.open, i.currency),
            committed: amount(i.committed, i.currency),
            predictedDate: i.predictedDate,
            expectedInHorizon: amount(i.expectedInHorizon, i.currency),
          })) ?? null,
      });
    },
  }),
];
