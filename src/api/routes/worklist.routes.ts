import { createRoute, z } from '@hono/zod-openapi';
import type { LocalDate } from '../../core/local-date.ts';
import { buildTeamLoad, buildWorklist, type WorklistRow } from '../../modules/worklist/index.ts';
import { canReadPhi, logPhiReads, maskText } from '../phi.ts';
import { defineRoute } from '../route.ts';
import { amount, ERRORS, json, jsonContent, ZAmount, ZDate } from './common.ts';
import { portfolioOf } from './customers.routes.ts';
import { ZDay } from './receivables.routes.ts';

const ZModel = z.object({
  source: z.enum(['built-in', 'fitted']),
  id: z.string().nullable(),
  version: z.string(),
});

const ZWorklistRow = z
  .object({
    rank: z.number().int(),
    accountNumber: z.string(),
    name: z.string().openapi({ description: "a consumer's name is masked for roles without phi:read" }),
    customerType: z.enum(['business', 'consumer']),
    segment: z.string().nullable(),
    collector: z.string().nullable(),
    currency: z.string(),
    balance: ZAmount.openapi({ description: 'open debit items not placed with an agency' }),
    pastDue: ZAmount,
    oldestDaysPastDue: z.number().int().nullable(),
    lateProbability: z
      .number()
      .openapi({ description: 'balance-weighted probability of late (30+ days) or no payment' }),
    atRisk: ZAmount.openapi({ description: 'collectible amount expected to stay unpaid (an estimate)' }),
    disputed: ZAmount,
    placed: ZAmount.openapi({ description: 'open items placed with an agency' }),
    score: z.number().openapi({ description: 'what a call is worth now: a ranking number, not money' }),
    callable: z.boolean().openapi({ description: 'false when Regulation F stops calls today' }),
    callableFrom: ZDate.nullable(),
    routed: z.boolean().openapi({ description: 'the whole balance is in dispute' }),
    tasks: z.array(
      z.object({
        id: z.string(),
        dueDate: ZDate,
        notes: z.string().nullable(),
        assignedTo: z.string().nullable(),
      }),
    ),
    reasons: z.array(z.string()).openapi({ description: 'what drove the score, most important first' }),
  })
  .openapi('WorklistRow');

const ZWorklist = z
  .object({
    date: ZDate,
    collector: z.string().nullable(),
    model: ZModel,
    candidates: z.number().int(),
    rows: z.array(ZWorklistRow),
  })
  .openapi('Worklist');

const ZTeamRow = z
  .object({
    collector: z.string().nullable(),
    currency: z.string(),
    accounts: z.number().int(),
    accountsWithBalance: z.number().int(),
    worklistAccounts: z.number().int(),
    balance: ZAmount,
    pastDue: ZAmount,
    atRisk: ZAmount,
    disputed: ZAmount,
    openTasks: z.number().int(),
    tasksDue: z.number().int(),
    promisesDue: z.number().int().openapi({ description: 'open promises falling due within 7 days' }),
    promisesOverdue: z.number().int(),
  })
  .openapi('TeamLoadRow');

const rowView = (r: WorklistRow, phi: boolean) => ({
  rank: r.rank,
  accountNumber: r.accountNumber,
  name: r.customerType === 'consumer' && !phi ? (maskText(r.name) ?? '') : r.name,
  customerType: r.customerType,
  segment: r.segment,
  collector: r.collector,
  currency: r.currency,
  balance: amount(r.balanceMinor, r.currency),
  pastDue: amount(r.pastDueMinor, r.currency),
  oldestDaysPastDue: r.maxDaysPastDue,
  lateProbability: Math.round(r.probability * 10_000) / 10_000,
  atRisk: amount(r.atRiskMinor, r.currency),
  disputed: amount(r.disputedMinor, r.currency),
  placed: amount(r.placedMinor, r.currency),
  score: r.score,
  callable: r.callable,
  callableFrom: r.callableFrom,
  routed: r.routed,
  tasks: r.tasks.map((t) => ({ id: t.id, dueDate: t.dueDate, notes: t.notes, assignedTo: t.assignedTo })),
  reasons: r.reasons,
});

export const worklistRoutes = [
  defineRoute({
    permission: 'customers:read',
    route: createRoute({
      method: 'get',
      path: '/api/worklist',
      tags: ['worklist'],
      summary: "A collector's accounts for the day, ranked by what a call is worth, with the reasons",
      description:
        'Accounts ranked by score (expected unpaid amount × multipliers for broken promises, credit-limit breach, promises falling due, payment plans, Regulation F), with the tasks due; accounts with a task due are listed whatever the limit. A portfolio-scoped analyst always gets their own list. See docs/worklist.md.',
      request: {
        query: z.object({
          collector: z
            .string()
            .max(100)
            .optional()
            .openapi({ description: "the collector (user name); absent: everyone's accounts" }),
          date: ZDay.optional().openapi({ description: 'the day of the list (default today)' }),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
      responses: { 200: jsonContent(ZWorklist, 'the worklist'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const principal = c.get('principal');
      const collector = portfolioOf(principal) ?? query.collector ?? null;
      const w = await buildWorklist(ctx, {
        ...(query.date ? { date: query.date as LocalDate } : {}),
        collector,
        limit: query.limit,
      });
      const phi = canReadPhi(principal);
      await logPhiReads(ctx, principal, 'customer', [
        ...new Set(w.rows.filter((r) => r.customerType === 'consumer').map((r) => r.customerId)),
      ]);
      return json(c, {
        date: w.date,
        collector: w.collector,
        model: w.model,
        candidates: w.candidates,
        rows: w.rows.map((r) => rowView(r, phi)),
      });
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: createRoute({
      method: 'get',
      path: '/api/worklist/team',
      tags: ['worklist'],
      summary: "The team's load per collector: accounts, balance, past due, at risk, tasks, promises due",
      description: 'A portfolio-scoped analyst sees only their own line.',
      request: { query: z.object({ date: ZDay.optional() }) },
      responses: {
        200: jsonContent(
          z.object({ date: ZDate, model: ZModel, rows: z.array(ZTeamRow) }).openapi('TeamLoad'),
          'one line per collector and currency',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, { query }, ctx) {
      const t = await buildTeamLoad(ctx, {
        ...(query.date ? { date: query.date as LocalDate } : {}),
        collector: portfolioOf(c.get('principal')) ?? null,
      });
      return json(c, {
        date: t.date,
        model: t.model,
        rows: t.rows.map((r) => ({
          collector: r.collector,
          currency: r.currency,
          accounts: r.accounts,
          accountsWithBalance: r.accountsWithBalance,
          worklistAccounts: r.worklistAccounts,
          balance: amount(r.balanceMinor, r.currency),
          pastDue: amount(r.pastDueMinor, r.currency),
          atRisk: amount(r.atRiskMinor, r.currency),
          disputed: amount(r.disputedMinor, r.currency),
          openTasks: r.openTasks,
          tasksDue: r.tasksDue,
          promisesDue: r.promisesDue,
          promisesOverdue: r.promisesOverdue,
        })),
      });
    },
  }),
];
