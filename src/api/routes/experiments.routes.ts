import { createRoute, z } from '@hono/zod-openapi';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { formatAmount } from '../../core/money.ts';
import {
  assignNewAccounts,
  buildExperimentReport,
  createExperiment,
  type Experiment,
  type ExperimentReport,
  getExperiment,
  listExperiments,
  startExperiment,
  stopExperiment,
} from '../../modules/experiments/index.ts';
import { defineRoute } from '../route.ts';
import { ERRORS, json, jsonBody, jsonContent, ZAmount, ZDate } from './common.ts';
import { ZDay } from './receivables.routes.ts';

const ZExperiment = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    subject: z.string(),
    status: z.enum(['draft', 'running', 'stopped']),
    seed: z.string(),
    stratifyBy: z.enum(['segment', 'customer_type', 'collector']).nullable(),
    population: z.record(z.string(), z.unknown()),
    settings: z.object({
      paidWithinDays: z.number().int(),
      costs: z.record(z.string(), z.string()),
      costCurrency: z.string(),
    }),
    startedOn: ZDate.nullable(),
    stoppedOn: ZDate.nullable(),
    variants: z.array(
      z.object({
        key: z.string(),
        name: z.string(),
        weight: z.number().int(),
        control: z.boolean(),
        config: z.unknown(),
      }),
    ),
    assignments: z.array(z.object({ variant: z.string(), stratum: z.string(), accounts: z.number().int() })),
  })
  .openapi('Experiment');

const view = (e: Experiment) => e;
const ZIdParam = z.object({ id: z.string().min(1).max(64).openapi({ description: 'id (exp_…) or code' }) });
const ZDateBody = z.object({ date: ZDay.optional() });

const ZWelch = z
  .object({
    n1: z.number(),
    n2: z.number(),
    mean1: z.number(),
    mean2: z.number(),
    difference: z.number(),
    t: z.number(),
    df: z.number(),
    p: z.number(),
  })
  .nullable();
const ZProportion = z
  .object({
    x1: z.number(),
    n1: z.number(),
    x2: z.number(),
    n2: z.number(),
    p1: z.number(),
    p2: z.number(),
    difference: z.number(),
    z: z.number(),
    p: z.number(),
  })
  .nullable();

const money = (rec: Record<string, bigint>) =>
  Object.entries(rec).map(([currency, v]) => ({
    currency,
    amount: formatAmount(v, currency as CurrencyCode),
  }));

function reportView(r: ExperimentReport) {
  return {
    experiment: view(r.experiment),
    start: r.start,
    end: r.end,
    checkpoint: r.checkpoint,
    paidWithinDays: r.paidWithinDays,
    horizonReached: r.horizonReached,
    champion: r.champion,
    costCurrency: r.costCurrency,
    variants: r.variants.map((v) => ({
      variant: v.variant,
      accounts: v.accounts,
      accountsWithBalance: v.accountsWithBalance,
      startBalance: money(v.startBalance),
      cashCollected: money(v.collected),
      meanCollectedShare: v.meanCollectedShare,
      paidWithinN: v.paidWithinN,
      paidWithinNShare: v.paidWithinNShare,
      pastDueAccounts: v.pastDueAccounts,
      cured: v.cured,
      curedShare: v.curedShare,
      payers: v.payers,
      meanDaysToPay: v.meanDaysToPay,
      medianDaysToPay: v.medianDaysToPay,
      rollRate: v.rollRate,
      rolls: v.rolls.map((x) => ({ from: x.from, rate: x.rate })),
      contacts: v.contacts,
      contactCost: formatAmount(v.contactCostMinor, r.costCurrency),
      contactCostPerAccount: formatAmount(v.costPerAccountMinor, r.costCurrency),
    })),
    comparisons: r.comparisons,
  };
}

const ZCurrencyAmount = z.object({ currency: z.string(), amount: ZAmount });

const ZReport = z
  .object({
    experiment: ZExperiment,
    start: ZDate,
    end: ZDate,
    checkpoint: ZDate,
    paidWithinDays: z.number().int(),
    horizonReached: z.boolean(),
    champion: z.string(),
    costCurrency: z.string(),
    variants: z.array(
      z.object({
        variant: z.string(),
        accounts: z.number().int(),
        accountsWithBalance: z.number().int(),
        startBalance: z.array(ZCurrencyAmount),
        cashCollected: z.array(ZCurrencyAmount),
        meanCollectedShare: z.number().nullable(),
        paidWithinN: z
          .number()
          .int()
          .openapi({ description: 'accounts that paid on their start balance within N days' }),
        paidWithinNShare: z.number().nullable(),
        pastDueAccounts: z.number().int(),
        cured: z
          .number()
          .int()
          .openapi({ description: 'accounts whose items past due at the start were all paid by the end' }),
        curedShare: z.number().nullable(),
        payers: z.number().int(),
        meanDaysToPay: z.number().nullable(),
        medianDaysToPay: z.number().nullable(),
        rollRate: z.number().nullable(),
        rolls: z.array(z.object({ from: z.string(), rate: z.number().nullable() })),
        contacts: z.record(z.string(), z.number()),
        contactCost: ZAmount,
        contactCostPerAccount: ZAmount,
      }),
    ),
    comparisons: z.array(
      z.object({
        challenger: z.string(),
        champion: z.string(),
        daysToPay: ZWelch.openapi({
          description: "Welch's t-test on days to pay (accounts that paid an item in full)",
        }),
        paidWithinN: ZProportion.openapi({ description: 'two-proportion z-test on paid within N days' }),
        cured: ZProportion.openapi({ description: 'two-proportion z-test on cured by the end' }),
        collectedShare: ZWelch.openapi({
          description: "Welch's t-test on the share of the start balance collected",
        }),
      }),
    ),
  })
  .openapi('ExperimentReport');

export const experimentRoutes = [
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/experiments',
      tags: ['experiments'],
      summary: 'Champion/challenger experiments with their variants and assignments',
      responses: {
        200: jsonContent(z.object({ items: z.array(ZExperiment) }), 'the experiments'),
        ...ERRORS,
      },
    }),
    async handler(c, _input, ctx) {
      return json(c, { items: (await listExperiments(ctx.database.db, ctx.tenantId)).map(view) });
    },
  }),
  defineRoute({
    permission: 'experiments:manage',
    route: createRoute({
      method: 'post',
      path: '/api/experiments',
      tags: ['experiments'],
      summary: 'Create an experiment (draft): variants, weights, seed, strata, population, report settings',
      request: {
        body: jsonBody(
          z.object({
            code: z.string().min(1).max(64),
            name: z.string().min(1).max(200),
            description: z.string().max(2000).nullable().optional(),
            subject: z.string().min(1).max(50).optional(),
            seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
            stratifyBy: z.enum(['segment', 'customer_type', 'collector']).nullable().optional(),
            population: z
              .object({
                segments: z.array(z.string().max(100)).max(100).optional(),
                customerType: z.enum(['business', 'consumer']).optional(),
                collectors: z.array(z.string().max(100)).max(100).optional(),
                pastDueOnly: z.boolean().optional(),
              })
              .optional(),
            settings: z
              .object({
                paidWithinDays: z.number().int().min(1).max(365).optional(),
                costs: z.record(z.string().max(20), z.string().max(20)).optional(),
                costCurrency: z.string().length(3).optional(),
              })
              .optional(),
            variants: z
              .array(
                z.object({
                  key: z.string().min(1).max(32),
                  name: z.string().max(200).optional(),
                  weight: z.number().int().min(1).max(1000).optional(),
                  control: z.boolean().optional(),
                  config: z.record(z.string(), z.unknown()).optional(),
                }),
              )
              .min(2)
              .max(20),
          }),
        ),
      },
      responses: { 201: jsonContent(ZExperiment, 'created (draft)'), ...ERRORS },
    }),
    async handler(c, { body }, ctx) {
      const s = body.settings ?? {};
      const p = body.population ?? {};
      const e = await createExperiment(ctx, {
        code: body.code,
        name: body.name,
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.subject !== undefined ? { subject: body.subject } : {}),
        ...(body.seed !== undefined ? { seed: body.seed } : {}),
        stratifyBy: body.stratifyBy ?? null,
        population: {
          ...(p.segments ? { segments: p.segments } : {}),
          ...(p.customerType ? { customerType: p.customerType } : {}),
          ...(p.collectors ? { collectors: p.collectors } : {}),
          ...(p.pastDueOnly !== undefined ? { pastDueOnly: p.pastDueOnly } : {}),
        },
        settings: {
          ...(s.paidWithinDays !== undefined ? { paidWithinDays: s.paidWithinDays } : {}),
          ...(s.costs !== undefined ? { costs: s.costs } : {}),
          ...(s.costCurrency !== undefined ? { costCurrency: s.costCurrency } : {}),
        },
        variants: body.variants.map((v) => ({
          key: v.key,
          ...(v.name !== undefined ? { name: v.name } : {}),
          ...(v.weight !== undefined ? { weight: v.weight } : {}),
          ...(v.control !== undefined ? { control: v.control } : {}),
          ...(v.config !== undefined ? { config: v.config } : {}),
        })),
      });
      return json(c, view(e), 201);
    },
  }),
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/experiments/{id}',
      tags: ['experiments'],
      summary: 'One experiment',
      request: { params: ZIdParam },
      responses: { 200: jsonContent(ZExperiment, 'the experiment'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      return json(c, view(await getExperiment(ctx.database.db, ctx.tenantId, params.id)));
    },
  }),
  ...(
    [
      [
        'start',
        'Start a draft: assign the eligible accounts at random (seeded, stratified)',
        startExperiment,
      ],
      ['assign', 'Assign accounts that became eligible since the start', assignNewAccounts],
      ['stop', 'Stop a running experiment', stopExperiment],
    ] as const
  ).map(([action, summary, act]) =>
    defineRoute({
      permission: 'experiments:manage',
      route: createRoute({
        method: 'post',
        path: `/api/experiments/{id}/${action}`,
        tags: ['experiments'],
        summary,
        request: { params: ZIdParam, body: jsonBody(ZDateBody) },
        responses: { 200: jsonContent(ZExperiment, 'the experiment'), ...ERRORS },
      }),
      async handler(c, { params, body }, ctx) {
        const r = await act(ctx, params.id, body.date ? { date: body.date as LocalDate } : {});
        return json(c, view('experiment' in r ? r.experiment : r));
      },
    }),
  ),
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/experiments/{id}/report',
      tags: ['experiments'],
      summary: 'Outcomes per variant with significance tests against the champion',
      request: { params: ZIdParam, query: z.object({ asOf: ZDay.optional() }) },
      responses: { 200: jsonContent(ZReport, 'the report'), ...ERRORS },
    }),
    async handler(c, { params, query }, ctx) {
      const r = await buildExperimentReport(ctx.database.db, ctx.tenantId, params.id, {
        asOf: (query.asOf as LocalDate | undefined) ?? ctx.clock.today(),
      });
      return json(c, reportView(r));
    },
  }),
];
