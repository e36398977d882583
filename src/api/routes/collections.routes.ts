import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import type { Money } from '../../core/money.ts';
import {
  type Access,
  type ActivityView,
  type CollectionsState,
  type ContactCheckView,
  type CustomerSummary,
  cancelPaymentPlan,
  cancelPromise,
  cancelTask,
  changeDisputeStatus,
  checkContact,
  completeTask,
  createPaymentPlan,
  createTask,
  type DisputeView,
  type EvaluationResult,
  evaluateCollections,
  findCollectionsState,
  getCollectionsCustomer,
  getCreditHold,
  getDispute,
  getPaymentPlan,
  type HoldView,
  listActivities,
  listCreditHolds,
  listDisputes,
  listPaymentPlans,
  listPromises,
  listTasks,
  logActivity,
  logCall,
  makePromise,
  openDispute,
  type PlanView,
  type PromiseView,
  placeCreditHold,
  releaseCreditHold,
  resolveDispute,
  settleAccount,
} from '../../modules/collections/index.ts';
import { apiError } from '../api.errors.ts';
import type { ApiEnv } from '../env.ts';
import { canReadPhi, logPhiReads, maskText } from '../phi.ts';
import { defineRoute } from '../route.ts';
import {
  amount,
  decodeCursor,
  ERRORS,
  json,
  jsonBody,
  jsonContent,
  paginate,
  ZAmount,
  ZDate,
  ZId,
  ZPageQuery,
} from './common.ts';
import { portfolioOf } from './customers.routes.ts';
import { dateIdCursor, textCursor, ZDay } from './receivables.routes.ts';

/**
 * Collections over HTTP (issue 6): activities and tasks, calls under the consumer contact rules,
 * promises to pay, payment plans, settlements, disputes, credit holds, and the evaluation that
 * decides promises and plans from cash. Reads need `customers:read`, changes `collections:work`.
 *
 * Protected health information: on a consumer account the name, contact names and every free-text
 * field an analyst types (notes, reasons, root causes) are masked for roles without `phi:read`, and
 * each unmasked read is audited (src/api/phi.ts). A portfolio-scoped analyst reaches only the
 * customers they collect; anything else reads as not found.
 */

// ---------------------------------------------------------------------------------------------------
// Schemas

const ZAccountParam = z.object({ account: z.string().min(1).max(100) });
const idParam = (prefix: string) => z.object({ id: ZId(prefix) });
const ZCode = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,49}$/, 'a code: letters, digits and _ (e.g. left_message)')
  .openapi({ example: 'left_message' });
const ZPositiveAmount = ZAmount.refine((s) => !s.startsWith('-'), 'must be positive');
const ZItems = z
  .array(z.string().min(1).max(100))
  .max(1000)
  .openapi({ description: 'item ids or numbers (invoices, debit memos, deductions of the customer)' });
const ZReason = z.object({ reason: z.string().max(1000).optional() });
const ZRequiredReason = z.object({ reason: z.string().min(1).max(1000) });

const ZCustomerRef = z
  .object({
    id: z.string(),
    accountNumber: z.string(),
    name: z.string().openapi({ description: 'masked on a consumer account without phi:read' }),
    customerType: z.enum(['business', 'consumer']),
    collector: z.string().nullable(),
  })
  .openapi('CollectionsCustomer');

const ZActivity = z
  .object({
    id: z.string(),
    customer: ZCustomerRef,
    kind: z.string(),
    outcomeCode: z.string().nullable(),
    conversation: z.boolean(),
    contactName: z.string().nullable(),
    notes: z.string().nullable(),
    occurredAt: z.string().openapi({ description: 'ISO 8601 instant' }),
    dueDate: ZDate.nullable(),
    assignedTo: z.string().nullable(),
    status: z.enum(['open', 'done', 'cancelled']),
    relatedId: z.string().nullable(),
    itemIds: z.array(z.string()),
    createdBy: z.string(),
  })
  .openapi('Activity');

const ZContactCheck = z
  .object({
    customer: ZCustomerRef,
    allowed: z.boolean(),
    code: z.string().nullable(),
    reason: z.string().nullable(),
    timeZone: z.string(),
    localTime: z.string(),
    callsInLast7Days: z.number().int(),
    lastConversationAt: z.string().nullable(),
  })
  .openapi('ContactCheck');

const ZPromise = z
  .object({
    id: z.string(),
    customer: ZCustomerRef,
    amount: ZAmount,
    currency: z.string(),
    promisedDate: ZDate,
    itemIds: z.array(z.string()),
    status: z.enum(['open', 'kept', 'broken', 'cancelled']),
    paid: ZAmount,
    madeOn: ZDate,
    resolvedOn: ZDate.nullable(),
    createdBy: z.string(),
  })
  .openapi('PromiseToPay');

const ZPlan = z
  .object({
    id: z.string(),
    customer: ZCustomerRef,
    total: ZAmount,
    paid: ZAmount,
    currency: z.string(),
    itemIds: z.array(z.string()),
    graceDays: z.number().int(),
    status: z.enum(['active', 'completed', 'broken', 'cancelled']),
    startsOn: ZDate,
    endedOn: ZDate.nullable(),
    createdBy: z.string(),
    instalments: z.array(
      z.object({
        seq: z.number().int(),
        dueDate: ZDate,
        amount: ZAmount,
        paid: ZAmount,
        status: z.enum(['due', 'paid', 'missed']),
      }),
    ),
  })
  .openapi('PaymentPlan');

const ZDispute = z
  .object({
    id: z.string(),
    customer: ZCustomerRef,
    itemId: z.string().nullable(),
    itemNumber: z.string().nullable(),
    amount: ZAmount,
    currency: z.string(),
    reasonCode: z.string(),
    owner: z.string().nullable(),
    status: z.enum(['open', 'investigating', 'resolved', 'cancelled']),
    rootCause: z.string().nullable(),
    resolution: z.enum(['credit_memo', 'rebill', 'collect', 'write_off']).nullable(),
    approvalId: z.string().nullable(),
    awaitingApproval: z.boolean(),
    openedOn: ZDate,
    resolvedOn: ZDate.nullable(),
    cycleDays: z.number().int().nullable(),
    notes: z.string().nullable(),
    createdBy: z.string(),
  })
  .openapi('Dispute');

const ZHold = z
  .object({
    customer: ZCustomerRef,
    onHold: z.boolean(),
    hold: z
      .object({ id: z.string(), reason: z.string(), placedBy: z.string(), placedAt: z.string() })
      .nullable(),
    daysPastDue: z.number().int().nullable(),
    pastDue: z.array(z.object({ amount: ZAmount, currency: z.string() })),
    suspension: z.object({ recommended: z.boolean(), reason: z.string() }),
  })
  .openapi('CreditHold');

const ZMoneyList = z.array(z.object({ amount: ZAmount, currency: z.string() }));
const ZState = z
  .object({
    openDisputes: z.object({ count: z.number().int(), amounts: ZMoneyList }),
    openPromises: z.object({
      count: z.number().int(),
      amounts: ZMoneyList,
      dueWithin7Days: z.number().int(),
      nextPromisedDate: ZDate.nullable(),
    }),
    brokenPromises90Days: z.number().int(),
    activePlan: z
      .object({
        id: z.string(),
        total: ZAmount,
        currency: z.string(),
        nextDueDate: ZDate.nullable(),
        nextDue: ZAmount.nullable(),
      })
      .nullable(),
    onHold: z.boolean(),
    holdReason: z.string().nullable(),
    paused: z.string().nullable(),
  })
  .openapi('CollectionsState');

const ZEvaluation = z
  .object({
    asOf: ZDate,
    promises: z.object({ evaluated: z.number().int(), kept: z.number().int(), broken: z.number().int() }),
    plans: z.object({ evaluated: z.number().int(), completed: z.number().int(), broken: z.number().int() }),
    disputes: z.object({ resolved: z.number().int(), reopened: z.number().int() }),
    changes: z.array(z.string()),
  })
  .openapi('CollectionsEvaluation');

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

// ---------------------------------------------------------------------------------------------------
// Views: money as decimal strings; a consumer's protected fields masked without phi:read

/** Who is asking, and what they may see. */
interface Viewer {
  readonly phi: boolean;
  readonly access: Access;
}

const viewerOf = (c: Context<ApiEnv>): Viewer => {
  const principal = c.get('principal');
  return { phi: canReadPhi(principal), access: { portfolioOf: portfolioOf(principal) } };
};

/** A consumer's free text (and name) for a viewer without phi:read: masked. */
const protect = (customer: CustomerSummary, viewer: Viewer, value: string | null) =>
  customer.customerType === 'consumer' && !viewer.phi ? maskText(value) : value;

const customerJson = (customer: CustomerSummary, viewer: Viewer) => ({
  id: customer.id,
  accountNumber: customer.accountNumber,
  name: protect(customer, viewer, customer.name) ?? '',
  customerType: customer.customerType,
  collector: customer.collector,
});

const money = (m: Money) => amount(m.amountMinor, m.currency);
const moneyList = (list: readonly Money[]) => list.map((m) => ({ amount: money(m), currency: m.currency }));

const activityJson = (a: ActivityView, v: Viewer) => ({
  id: a.id,
  customer: customerJson(a.customer, v),
  kind: a.kind,
  outcomeCode: a.outcomeCode,
  conversation: a.conversation,
  contactName: protect(a.customer, v, a.contactName),
  notes: protect(a.customer, v, a.notes),
  occurredAt: a.occurredAt.toISOString(),
  dueDate: a.dueDate,
  assignedTo: a.assignedTo,
  status: a.status,
  relatedId: a.relatedId,
  itemIds: a.itemIds,
  createdBy: a.createdBy,
});

const contactJson = (x: ContactCheckView, v: Viewer) => ({
  ...x,
  customer: customerJson(x.customer, v),
  lastConversationAt: x.lastConversationAt?.toISOString() ?? null,
});

const promiseJson = (p: PromiseView, v: Viewer) => ({
  id: p.id,
  customer: customerJson(p.customer, v),
  amount: money(p.amount),
  currency: p.amount.currency,
  promisedDate: p.promisedDate,
  itemIds: p.itemIds,
  status: p.status,
  paid: money(p.paid),
  madeOn: p.madeOn,
  resolvedOn: p.resolvedOn,
  createdBy: p.createdBy,
});

const planJson = (p: PlanView, v: Viewer) => ({
  id: p.id,
  customer: customerJson(p.customer, v),
  total: money(p.total),
  paid: money(p.paid),
  currency: p.total.currency,
  itemIds: p.itemIds,
  graceDays: p.graceDays,
  status: p.status,
  startsOn: p.startsOn,
  endedOn: p.endedOn,
  createdBy: p.createdBy,
  instalments: p.instalments.map((i) => ({
    seq: i.seq,
    dueDate: i.dueDate,
    amount: amount(i.amountMinor, p.total.currency),
    paid: amount(i.paidMinor, p.total.currency),
    status: i.status,
  })),
});

const disputeJson = (d: DisputeView, v: Viewer) => ({
  id: d.id,
  customer: customerJson(d.customer, v),
  itemId: d.itemId,
  itemNumber: d.itemNumber,
  amount: money(d.amount),
  currency: d.amount.currency,
  reasonCode: d.reasonCode,
  owner: d.owner,
  status: d.status,
  rootCause: protect(d.customer, v, d.rootCause),
  resolution: d.resolution,
  approvalId: d.approvalId,
  awaitingApproval: d.awaitingApproval,
  openedOn: d.openedOn,
  resolvedOn: d.resolvedOn,
  cycleDays: d.cycleDays,
  notes: protect(d.customer, v, d.notes),
  createdBy: d.createdBy,
});

const holdJson = (h: HoldView, v: Viewer) => ({
  customer: customerJson(h.customer, v),
  onHold: h.onHold,
  hold: h.hold
    ? {
        id: h.hold.id,
        reason: protect(h.customer, v, h.hold.reason) ?? '',
        placedBy: h.hold.placedBy,
        placedAt: h.hold.placedAt.toISOString(),
      }
    : null,
  daysPastDue: h.daysPastDue,
  pastDue: moneyList(h.pastDue),
  suspension: h.suspension,
});

const stateJson = (s: CollectionsState) => ({
  openDisputes: { count: s.openDisputes.count, amounts: moneyList(s.openDisputes.amounts) },
  openPromises: { ...s.openPromises, amounts: moneyList(s.openPromises.amounts) },
  brokenPromises90Days: s.brokenPromises90Days,
  activePlan: s.activePlan
    ? {
        id: s.activePlan.id,
        total: money(s.activePlan.total),
        currency: s.activePlan.total.currency,
        nextDueDate: s.activePlan.nextDueDate,
        nextDue:
          s.activePlan.nextDueMinor === null
            ? null
            : amount(s.activePlan.nextDueMinor, s.activePlan.total.currency as CurrencyCode),
      }
    : null,
  onHold: s.onHold,
  holdReason: s.holdReason,
  paused: s.paused,
});

/** Audits the unmasked reads of consumers' protected fields (one row per consumer shown). */
async function logReads(
  c: Context<ApiEnv>,
  ctx: ServiceContext,
  customers: readonly CustomerSummary[],
): Promise<void> {
  const consumers = [...new Set(customers.filter((x) => x.customerType === 'consumer').map((x) => x.id))];
  await logPhiReads(ctx, c.get('principal'), 'customer', consumers);
}

const customerKey = (account: string) => ({ account });

/** An ISO-instant-and-id cursor this API gave out (activities, newest first), or 400. */
function instantIdCursor(cursor: string | undefined): [Date, string] | undefined {
  const key = decodeCursor(cursor);
  if (key === null) return undefined;
  const [at, id] = key;
  const date = typeof at === 'string' ? new Date(at) : null;
  if (key.length !== 2 || !date || Number.isNaN(date.getTime()) || typeof id !== 'string')
    throw apiError('api.invalid_cursor', 'the cursor is not one this API gave out');
  return [date, id];
}

const ACTIVITY_KINDS = [
  'call',
  'email',
  'letter',
  'note',
  'task',
  'escalation',
  'credit_hold',
  'credit_release',
  'promise',
  'plan',
  'dispute',
  'settlement',
  'agency_placement',
  'agency_recall',
  'statement',
] as const;

const collectionsRoute = <R extends Parameters<typeof createRoute>[0]>(r: R) =>
  createRoute({ ...r, tags: ['collections'] });

// ---------------------------------------------------------------------------------------------------
// Routes

export const collectionsRoutes = [
  // ------------------------------------------------------------------- activities, calls, tasks
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/customers/{account}/activities',
      summary: "An account's collections history, newest first",
      description:
        'Calls, emails, letters, notes, tasks, escalations, and the promises, plans, disputes, settlements and holds recorded on the account.',
      request: {
        params: ZAccountParam,
        query: ZPageQuery.extend({
          kind: z
            .string()
            .max(200)
            .optional()
            .openapi({ description: `comma-separated kinds: ${ACTIVITY_KINDS.join(', ')}` }),
        }),
      },
      responses: { 200: jsonContent(pageOf(ZActivity), 'a page of activities'), ...ERRORS },
    }),
    async handler(c, { params, query }, ctx) {
      const kinds = query.kind === undefined ? undefined : query.kind.split(',').map((k) => k.trim());
      const bad = kinds?.filter((k) => !(ACTIVITY_KINDS as readonly string[]).includes(k)) ?? [];
      if (bad.length > 0)
        throw apiError('api.invalid_request', `kind: unknown ${bad.join(', ')}`, {
          issues: [{ column: 'kind', message: `unknown kind(s) ${bad.join(', ')}` }],
        });
      const v = viewerOf(c);
      const before = instantIdCursor(query.cursor);
      const rows = await listActivities(
        ctx.database.db,
        ctx.tenantId,
        customerKey(params.account),
        {
          ...(kinds ? { kinds: kinds as (typeof ACTIVITY_KINDS)[number][] } : {}),
          ...(before ? { before } : {}),
          limit: query.limit + 1,
        },
        v.access,
      );
      const p = paginate(rows, query.limit, (a) => [a.occurredAt.toISOString(), a.id]);
      await logReads(
        c,
        ctx,
        p.items.map((a) => a.customer),
      );
      return json(c, { items: p.items.map((a) => activityJson(a, v)), nextCursor: p.nextCursor });
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/customers/{account}/activities',
      summary: 'Log an email, letter, note or escalation',
      description: 'Calls are logged with `POST /api/customers/{account}/calls` (the contact rules apply).',
      request: {
        params: ZAccountParam,
        body: jsonBody(
          z.strictObject({
            kind: z.enum(['email', 'letter', 'note', 'escalation']),
            outcome: ZCode.optional(),
            contactName: z.string().max(200).optional(),
            notes: z.string().max(4000).optional(),
            assignedTo: z.string().max(100).optional().openapi({ description: 'an escalation: to whom' }),
            items: ZItems.optional(),
          }),
        ),
      },
      responses: { 201: jsonContent(ZActivity, 'logged'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const a = await logActivity(
        ctx,
        {
          customer: customerKey(params.account),
          kind: body.kind,
          ...(body.outcome !== undefined ? { outcome: body.outcome } : {}),
          ...(body.contactName !== undefined ? { contactName: body.contactName } : {}),
          ...(body.notes !== undefined ? { notes: body.notes } : {}),
          ...(body.assignedTo !== undefined ? { assignedTo: body.assignedTo } : {}),
          ...(body.items !== undefined ? { itemIds: body.items } : {}),
        },
        v.access,
      );
      return json(c, activityJson(a, v), 201);
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/customers/{account}/calls',
      summary: 'Log a call made now — refused on a consumer account when the contact rules forbid it',
      description:
        'Consumer accounts (Regulation F): refused with 409 `collections.contact_window` outside 08:00–21:00 in the customer’s time zone, and with 409 `collections.contact_frequency` for an eighth attempt in seven days or a call within seven days after a conversation; nothing is logged then. With `taskId` the call works that task and closes it.',
      request: {
        params: ZAccountParam,
        body: jsonBody(
          z.strictObject({
            outcome: ZCode.openapi({
              description: 'reached, left_message, no_answer, wrong_number, promise, …',
            }),
            conversation: z.boolean().optional().openapi({ description: 'the debtor was reached in person' }),
            contactName: z.string().max(200).optional(),
            notes: z.string().max(4000).optional(),
            items: ZItems.optional(),
            taskId: ZId('act').optional(),
          }),
        ),
      },
      responses: { 201: jsonContent(ZActivity, 'logged'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const a = await logCall(
        ctx,
        {
          customer: customerKey(params.account),
          outcome: body.outcome,
          ...(body.conversation !== undefined ? { conversation: body.conversation } : {}),
          ...(body.contactName !== undefined ? { contactName: body.contactName } : {}),
          ...(body.notes !== undefined ? { notes: body.notes } : {}),
          ...(body.items !== undefined ? { itemIds: body.items } : {}),
          ...(body.taskId !== undefined ? { taskId: body.taskId } : {}),
        },
        v.access,
      );
      return json(c, activityJson(a, v), 201);
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/customers/{account}/contact-check',
      summary: 'May the customer be called now? The rules’ answer, with the customer’s local time',
      request: { params: ZAccountParam },
      responses: { 200: jsonContent(ZContactCheck, 'the answer'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      const v = viewerOf(c);
      const x = await checkContact(ctx, customerKey(params.account), v.access);
      await logReads(c, ctx, [x.customer]);
      return json(c, contactJson(x, v));
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/customers/{account}/tasks',
      summary: 'Create a task on the account, due on a day, for someone',
      request: {
        params: ZAccountParam,
        body: jsonBody(
          z.strictObject({
            dueDate: ZDay,
            assignedTo: z
              .string()
              .max(100)
              .optional()
              .openapi({ description: "default: the customer's collector" }),
            notes: z.string().min(1).max(4000),
            items: ZItems.optional(),
          }),
        ),
      },
      responses: { 201: jsonContent(ZActivity, 'created'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const a = await createTask(
        ctx,
        {
          customer: customerKey(params.account),
          dueDate: body.dueDate as LocalDate,
          notes: body.notes,
          ...(body.assignedTo !== undefined ? { assignedTo: body.assignedTo } : {}),
          ...(body.items !== undefined ? { itemIds: body.items } : {}),
        },
        v.access,
      );
      return json(c, activityJson(a, v), 201);
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/tasks',
      summary: 'Tasks in due-date order: whose, due by when',
      request: {
        query: ZPageQuery.extend({
          assignee: z.string().max(100).optional(),
          due: ZDay.optional().openapi({ description: 'due on or before this day' }),
          status: z.enum(['open', 'done', 'cancelled']).default('open'),
          customer: z.string().max(100).optional().openapi({ description: 'account number' }),
        }),
      },
      responses: { 200: jsonContent(pageOf(ZActivity), 'a page of tasks'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const v = viewerOf(c);
      let customerId: string | undefined;
      if (query.customer !== undefined) {
        customerId = await findCustomerId(ctx, query.customer, v.access);
      }
      const after = dateIdCursor(query.cursor);
      const rows = await listTasks(ctx.database.db, ctx.tenantId, {
        status: query.status,
        limit: query.limit + 1,
        ...(query.assignee !== undefined ? { assignee: query.assignee } : {}),
        ...(query.due !== undefined ? { dueBy: query.due as LocalDate } : {}),
        ...(customerId !== undefined ? { customerId } : {}),
        ...(v.access.portfolioOf !== undefined ? { portfolioOf: v.access.portfolioOf } : {}),
        ...(after ? { after: [after.date, after.id] as const } : {}),
      });
      const p = paginate(rows, query.limit, (a) => [a.dueDate ?? '', a.id]);
      await logReads(
        c,
        ctx,
        p.items.map((a) => a.customer),
      );
      return json(c, { items: p.items.map((a) => activityJson(a, v)), nextCursor: p.nextCursor });
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/tasks/{id}/done',
      summary: 'Mark a task done — worked by a call, the call must pass the contact rules',
      description:
        'With `call`, the call is logged and the task closed together; on a consumer account outside 08:00–21:00 local time, or for an eighth attempt in seven days, it is refused (409 `collections.contact_window` / `collections.contact_frequency`) and the task stays open.',
      request: {
        params: idParam('act'),
        body: jsonBody(
          z.strictObject({
            call: z
              .strictObject({
                outcome: ZCode,
                conversation: z.boolean().optional(),
                contactName: z.string().max(200).optional(),
                notes: z.string().max(4000).optional(),
              })
              .optional(),
            note: z.string().max(1000).optional(),
          }),
        ),
      },
      responses: { 200: jsonContent(ZActivity, 'the task, done'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const call = body.call;
      const a = await completeTask(
        ctx,
        params.id,
        {
          ...(call
            ? {
                call: {
                  outcome: call.outcome,
                  ...(call.conversation !== undefined ? { conversation: call.conversation } : {}),
                  ...(call.contactName !== undefined ? { contactName: call.contactName } : {}),
                  ...(call.notes !== undefined ? { notes: call.notes } : {}),
                },
              }
            : {}),
          ...(body.note !== undefined ? { note: body.note } : {}),
        },
        v.access,
      );
      return json(c, activityJson(a, v));
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/tasks/{id}/cancel',
      summary: 'Cancel an open task',
      request: { params: idParam('act'), body: jsonBody(ZReason) },
      responses: { 200: jsonContent(ZActivity, 'the task, cancelled'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const a = await cancelTask(
        ctx,
        params.id,
        body.reason !== undefined ? { reason: body.reason } : {},
        v.access,
      );
      return json(c, activityJson(a, v));
    },
  }),

  // ------------------------------------------------------------------- promises to pay
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/customers/{account}/promises',
      summary: "An account's promises to pay, oldest first",
      request: {
        params: ZAccountParam,
        query: z.object({ status: z.enum(['open', 'kept', 'broken', 'cancelled']).optional() }),
      },
      responses: { 200: jsonContent(z.object({ items: z.array(ZPromise) }), 'the promises'), ...ERRORS },
    }),
    async handler(c, { params, query }, ctx) {
      const v = viewerOf(c);
      const customerId = await findCustomerId(ctx, params.account, v.access);
      const rows = await listPromises(ctx.database.db, ctx.tenantId, {
        customerId,
        limit: 1000,
        ...(query.status !== undefined ? { status: query.status } : {}),
      });
      await logReads(
        c,
        ctx,
        rows.slice(0, 1).map((p) => p.customer),
      );
      return json(c, { items: rows.map((p) => promiseJson(p, v)) });
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/promises',
      summary: 'Promises to pay across accounts, oldest first',
      request: {
        query: ZPageQuery.extend({ status: z.enum(['open', 'kept', 'broken', 'cancelled']).optional() }),
      },
      responses: { 200: jsonContent(pageOf(ZPromise), 'a page of promises'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const v = viewerOf(c);
      const after = textCursor(query.cursor);
      const rows = await listPromises(ctx.database.db, ctx.tenantId, {
        limit: query.limit + 1,
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(v.access.portfolioOf !== undefined ? { portfolioOf: v.access.portfolioOf } : {}),
        ...(after !== undefined ? { after } : {}),
      });
      const p = paginate(rows, query.limit, (x) => [x.id]);
      await logReads(
        c,
        ctx,
        p.items.map((x) => x.customer),
      );
      return json(c, { items: p.items.map((x) => promiseJson(x, v)), nextCursor: p.nextCursor });
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/customers/{account}/promises',
      summary: 'Record a promise to pay an amount by a date',
      description:
        'For the account, or for some of its items. Kept when the cash applied reaches the amount by the promised date plus the grace days (tenant setting `promise_grace_days`, default 3), broken after that.',
      request: {
        params: ZAccountParam,
        body: jsonBody(
          z.strictObject({
            amount: ZPositiveAmount,
            promisedDate: ZDay,
            items: ZItems.optional(),
            contactName: z.string().max(200).optional(),
            notes: z.string().max(4000).optional(),
          }),
        ),
      },
      responses: { 201: jsonContent(ZPromise, 'recorded'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const p = await makePromise(
        ctx,
        {
          customer: customerKey(params.account),
          amount: body.amount,
          promisedDate: body.promisedDate as LocalDate,
          ...(body.items !== undefined ? { items: body.items } : {}),
          ...(body.contactName !== undefined ? { contactName: body.contactName } : {}),
          ...(body.notes !== undefined ? { notes: body.notes } : {}),
        },
        v.access,
      );
      return json(c, promiseJson(p, v), 201);
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/promises/{id}/cancel',
      summary: 'Withdraw an open promise',
      request: { params: idParam('ptp'), body: jsonBody(ZReason) },
      responses: { 200: jsonContent(ZPromise, 'the promise, cancelled'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const p = await cancelPromise(
        ctx,
        params.id,
        body.reason !== undefined ? { reason: body.reason } : {},
        v.access,
      );
      return json(c, promiseJson(p, v));
    },
  }),

  // ------------------------------------------------------------------- payment plans
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/customers/{account}/payment-plans',
      summary: 'Set up a payment plan: listed instalments, or N equal ones every M days',
      description:
        'Either `instalments` (due date and amount each), or `count`, `everyDays` and `firstDueDate` with an optional `amount` (default: what the items, or the account, have open), split by largest remainder. One active plan per customer.',
      request: {
        params: ZAccountParam,
        body: jsonBody(
          z.strictObject({
            amount: ZPositiveAmount.optional(),
            instalments: z
              .array(z.strictObject({ dueDate: ZDay, amount: ZPositiveAmount }))
              .min(1)
              .max(360)
              .optional(),
            count: z.number().int().min(1).max(360).optional(),
            everyDays: z.number().int().min(1).max(366).optional(),
            firstDueDate: ZDay.optional(),
            items: ZItems.optional(),
            graceDays: z.number().int().min(0).max(365).optional(),
            startsOn: ZDay.optional().openapi({ description: 'the day it was agreed (default today)' }),
            notes: z.string().max(4000).optional(),
          }),
        ),
      },
      responses: { 201: jsonContent(ZPlan, 'set up'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const equal =
        body.count !== undefined || body.everyDays !== undefined || body.firstDueDate !== undefined;
      if (equal === (body.instalments !== undefined))
        throw apiError(
          'api.invalid_request',
          'give either instalments, or count, everyDays and firstDueDate',
          {
            issues: [
              { column: 'instalments', message: 'either instalments, or count, everyDays and firstDueDate' },
            ],
          },
        );
      if (
        equal &&
        (body.count === undefined || body.everyDays === undefined || body.firstDueDate === undefined)
      )
        throw apiError('api.invalid_request', 'count, everyDays and firstDueDate go together', {
          issues: [{ column: 'count', message: 'count, everyDays and firstDueDate go together' }],
        });
      const plan = await createPaymentPlan(
        ctx,
        {
          customer: customerKey(params.account),
          schedule: body.instalments
            ? {
                kind: 'list',
                instalments: body.instalments.map((i) => ({
                  dueDate: i.dueDate as LocalDate,
                  amount: i.amount,
                })),
              }
            : {
                kind: 'equal',
                count: body.count as number,
                everyDays: body.everyDays as number,
                firstDueDate: body.firstDueDate as LocalDate,
              },
          ...(body.amount !== undefined ? { total: body.amount } : {}),
          ...(body.items !== undefined ? { items: body.items } : {}),
          ...(body.graceDays !== undefined ? { graceDays: body.graceDays } : {}),
          ...(body.startsOn !== undefined ? { startsOn: body.startsOn as LocalDate } : {}),
          ...(body.notes !== undefined ? { notes: body.notes } : {}),
        },
        v.access,
      );
      return json(c, planJson(plan, v), 201);
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/customers/{account}/payment-plans',
      summary: "An account's payment plans with their instalments",
      request: { params: ZAccountParam },
      responses: { 200: jsonContent(z.object({ items: z.array(ZPlan) }), 'the plans'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      const v = viewerOf(c);
      const plans = await listPaymentPlans(
        ctx.database.db,
        ctx.tenantId,
        customerKey(params.account),
        {},
        v.access,
      );
      await logReads(
        c,
        ctx,
        plans.slice(0, 1).map((p) => p.customer),
      );
      return json(c, { items: plans.map((p) => planJson(p, v)) });
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/payment-plans/{id}',
      summary: 'One payment plan: instalments, what each has been paid, status',
      request: { params: idParam('pln') },
      responses: { 200: jsonContent(ZPlan, 'the plan'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      const v = viewerOf(c);
      const plan = await getPaymentPlan(ctx.database.db, ctx.tenantId, params.id, v.access);
      await logReads(c, ctx, [plan.customer]);
      return json(c, planJson(plan, v));
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/payment-plans/{id}/cancel',
      summary: 'End an active payment plan by agreement',
      request: { params: idParam('pln'), body: jsonBody(ZReason) },
      responses: { 200: jsonContent(ZPlan, 'the plan, cancelled'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const plan = await cancelPaymentPlan(
        ctx,
        params.id,
        body.reason !== undefined ? { reason: body.reason } : {},
        v.access,
      );
      return json(c, planJson(plan, v));
    },
  }),

  // ------------------------------------------------------------------- settlements
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/customers/{account}/settlements',
      summary: 'Settle items for an agreed amount; the rest is written off through approval',
      description:
        'Within the caller’s approval limit the rest is written off now (200); above it an approval request waits for another user (202) and nothing moves until it is approved. A `settlement` activity links the request. With `payBy`, a promise to pay the agreed amount is recorded too. The caller also needs `adjustments:request`.',
      request: {
        params: ZAccountParam,
        body: jsonBody(
          z.strictObject({
            items: ZItems.min(1),
            agreedAmount: ZPositiveAmount,
            note: z.string().max(1000).optional(),
            payBy: ZDay.optional(),
          }),
        ),
      },
      responses: {
        200: jsonContent(z.object({ status: z.literal('applied') }).passthrough(), 'written off now'),
        202: jsonContent(z.object({ status: z.literal('pending') }).passthrough(), 'waiting for approval'),
        ...ERRORS,
      },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const r = await settleAccount(
        ctx,
        c.get('principal'),
        {
          customer: customerKey(params.account),
          items: body.items,
          agreedAmount: body.agreedAmount,
          ...(body.note !== undefined ? { note: body.note } : {}),
          ...(body.payBy !== undefined ? { payBy: body.payBy as LocalDate } : {}),
        },
        v.access,
      );
      return json(
        c,
        {
          status: r.status,
          approvalId: r.approvalId,
          activityId: r.activityId,
          promiseId: r.promiseId,
          writtenOff: r.writtenOff ? money(r.writtenOff) : null,
        },
        r.status === 'applied' ? 200 : 202,
      );
    },
  }),

  // ------------------------------------------------------------------- disputes
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/disputes',
      summary: 'Disputes and deductions, oldest first',
      request: {
        query: ZPageQuery.extend({
          status: z
            .enum(['open', 'investigating', 'resolved', 'cancelled', 'unresolved'])
            .optional()
            .openapi({ description: 'unresolved: open or investigating' }),
          owner: z.string().max(100).optional(),
          customer: z.string().max(100).optional().openapi({ description: 'account number' }),
        }),
      },
      responses: { 200: jsonContent(pageOf(ZDispute), 'a page of disputes'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const v = viewerOf(c);
      const customerId =
        query.customer === undefined ? undefined : await findCustomerId(ctx, query.customer, v.access);
      const after = textCursor(query.cursor);
      const rows = await listDisputes(ctx.database.db, ctx.tenantId, {
        limit: query.limit + 1,
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.owner !== undefined ? { owner: query.owner } : {}),
        ...(customerId !== undefined ? { customerId } : {}),
        ...(v.access.portfolioOf !== undefined ? { portfolioOf: v.access.portfolioOf } : {}),
        ...(after !== undefined ? { after } : {}),
      });
      const p = paginate(rows, query.limit, (d) => [d.id]);
      await logReads(
        c,
        ctx,
        p.items.map((d) => d.customer),
      );
      return json(c, { items: p.items.map((d) => disputeJson(d, v)), nextCursor: p.nextCursor });
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/disputes/{id}',
      summary: 'One dispute: status, owner, resolution, approval, cycle time',
      request: { params: idParam('dsp') },
      responses: { 200: jsonContent(ZDispute, 'the dispute'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      const v = viewerOf(c);
      const d = await getDispute(ctx.database.db, ctx.tenantId, params.id, v.access);
      await logReads(c, ctx, [d.customer]);
      return json(c, disputeJson(d, v));
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/disputes',
      summary: 'Open a dispute on an item (invoice, debit memo, deduction) or an account',
      request: {
        body: jsonBody(
          z.strictObject({
            customer: z
              .string()
              .max(100)
              .optional()
              .openapi({ description: 'account number (or give item)' }),
            item: z.string().max(100).optional().openapi({ description: 'item id or number' }),
            amount: ZPositiveAmount.optional().openapi({ description: "default: the item's open amount" }),
            reasonCode: ZCode,
            owner: z
              .string()
              .max(100)
              .optional()
              .openapi({ description: "default: the customer's collector" }),
            notes: z.string().max(4000).optional(),
          }),
        ),
      },
      responses: { 201: jsonContent(ZDispute, 'opened'), ...ERRORS },
    }),
    async handler(c, { body }, ctx) {
      const v = viewerOf(c);
      const d = await openDispute(
        ctx,
        {
          reasonCode: body.reasonCode,
          ...(body.customer !== undefined ? { customer: customerKey(body.customer) } : {}),
          ...(body.item !== undefined ? { item: body.item } : {}),
          ...(body.amount !== undefined ? { amount: body.amount } : {}),
          ...(body.owner !== undefined ? { owner: body.owner } : {}),
          ...(body.notes !== undefined ? { notes: body.notes } : {}),
        },
        v.access,
      );
      return json(c, disputeJson(d, v), 201);
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/disputes/{id}/status',
      summary: 'Investigate, reopen or cancel a dispute, or hand it to another owner',
      request: {
        params: idParam('dsp'),
        body: jsonBody(
          z.strictObject({
            status: z.enum(['open', 'investigating', 'cancelled']).optional(),
            owner: z.string().max(100).optional(),
            note: z.string().max(4000).optional(),
          }),
        ),
      },
      responses: { 200: jsonContent(ZDispute, 'the dispute'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const d = await changeDisputeStatus(
        ctx,
        params.id,
        {
          ...(body.status !== undefined ? { status: body.status } : {}),
          ...(body.owner !== undefined ? { owner: body.owner } : {}),
          ...(body.note !== undefined ? { note: body.note } : {}),
        },
        v.access,
      );
      return json(c, disputeJson(d, v));
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/disputes/{id}/resolve',
      summary: 'Resolve a dispute: credit memo or write-off (through approvals), re-bill, or collect',
      description:
        'A credit memo or write-off within the caller’s approval limit posts now and resolves the dispute (200); above it the approval request is created and the dispute waits for it (202) — no money moves until another user approves, after which `POST /api/collections/evaluate` (or the next action on the dispute) records it resolved as of the approval. The caller also needs `adjustments:request` for those two.',
      request: {
        params: idParam('dsp'),
        body: jsonBody(
          z.strictObject({
            resolution: z.enum(['credit_memo', 'write_off', 'rebill', 'collect']),
            rootCause: z.string().min(1).max(1000),
            amount: ZPositiveAmount.optional().openapi({ description: "default: the dispute's amount" }),
            reasonCode: ZCode.optional().openapi({
              description: "a write-off's reason (default the dispute's)",
            }),
            rebillInvoice: z.string().max(100).optional(),
            note: z.string().max(4000).optional(),
          }),
        ),
      },
      responses: {
        200: jsonContent(
          z.object({ outcome: z.literal('resolved'), dispute: ZDispute }).passthrough(),
          'resolved',
        ),
        202: jsonContent(
          z.object({ outcome: z.literal('pending'), dispute: ZDispute }).passthrough(),
          'waiting for approval',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const r = await resolveDispute(
        ctx,
        c.get('principal'),
        params.id,
        {
          resolution: body.resolution,
          rootCause: body.rootCause,
          ...(body.amount !== undefined ? { amount: body.amount } : {}),
          ...(body.reasonCode !== undefined ? { reasonCode: body.reasonCode } : {}),
          ...(body.rebillInvoice !== undefined ? { rebillInvoice: body.rebillInvoice } : {}),
          ...(body.note !== undefined ? { note: body.note } : {}),
        },
        v.access,
      );
      const adjustment = JSON.parse(
        JSON.stringify(r.adjustment, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)),
      ) as unknown;
      return json(
        c,
        { outcome: r.outcome, dispute: disputeJson(r.dispute, v), adjustment },
        r.outcome === 'resolved' ? 200 : 202,
      );
    },
  }),

  // ------------------------------------------------------------------- credit holds
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/customers/{account}/credit-hold',
      summary: 'Is the customer on credit hold? For order systems; with the suspension recommendation',
      request: {
        params: ZAccountParam,
        query: z.object({
          asOf: ZDay.optional().openapi({ description: 'for days past due; default today' }),
        }),
      },
      responses: { 200: jsonContent(ZHold, 'the hold, or onHold false'), ...ERRORS },
    }),
    async handler(c, { params, query }, ctx) {
      const v = viewerOf(c);
      const asOf = (query.asOf as LocalDate | undefined) ?? ctx.clock.today();
      const h = await getCreditHold(
        ctx.database.db,
        ctx.tenantId,
        customerKey(params.account),
        asOf,
        v.access,
      );
      await logReads(c, ctx, [h.customer]);
      return json(c, holdJson(h, v));
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/customers/{account}/credit-hold',
      summary: "Put the customer's credit on hold, with a reason",
      description: 'At most one hold in force per customer: a second is 409 `collections.hold_in_force`.',
      request: { params: ZAccountParam, body: jsonBody(ZRequiredReason) },
      responses: { 201: jsonContent(ZHold, 'on hold'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const h = await placeCreditHold(ctx, customerKey(params.account), { reason: body.reason }, v.access);
      return json(c, holdJson(h, v), 201);
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/customers/{account}/credit-hold/release',
      summary: "Release the customer's credit hold, with a reason",
      request: { params: ZAccountParam, body: jsonBody(ZRequiredReason) },
      responses: { 200: jsonContent(ZHold, 'released'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const v = viewerOf(c);
      const h = await releaseCreditHold(ctx, customerKey(params.account), { reason: body.reason }, v.access);
      return json(c, holdJson(h, v));
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/credit-holds',
      summary: 'Accounts on credit hold, longest held first, with the suspension recommendation',
      request: { query: z.object({ asOf: ZDay.optional() }) },
      responses: { 200: jsonContent(z.object({ items: z.array(ZHold) }), 'the holds'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const v = viewerOf(c);
      const asOf = (query.asOf as LocalDate | undefined) ?? ctx.clock.today();
      const holds = await listCreditHolds(ctx.database.db, ctx.tenantId, asOf, v.access);
      await logReads(
        c,
        ctx,
        holds.map((h) => h.customer),
      );
      return json(c, { items: holds.map((h) => holdJson(h, v)) });
    },
  }),

  // ------------------------------------------------------------------- state and evaluation
  defineRoute({
    permission: 'customers:read',
    route: collectionsRoute({
      method: 'get',
      path: '/api/customers/{account}/collections',
      summary:
        "The account's collections picture: disputes, promises, plan, hold, and whether dunning is paused",
      request: { params: ZAccountParam },
      responses: { 200: jsonContent(ZState, 'the state'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      const v = viewerOf(c);
      const customerId = await findCustomerId(ctx, params.account, v.access);
      const state = (
        await findCollectionsState(ctx.database.db, ctx.tenantId, [customerId], ctx.clock.today())
      ).get(customerId);
      if (!state) throw apiError('api.not_found', `no customer ${params.account}`);
      return json(c, stateJson(state));
    },
  }),
  defineRoute({
    permission: 'collections:work',
    route: collectionsRoute({
      method: 'post',
      path: '/api/collections/evaluate',
      summary:
        'Decide promises and payment plans from the cash applied, and catch disputes up with approvals',
      description:
        'As `arbor collections evaluate`: promises kept or broken, plans completed or broken, disputes resolved by an approved credit memo or write-off. Idempotent.',
      request: { body: jsonBody(z.strictObject({ asOf: ZDay.optional() })) },
      responses: { 200: jsonContent(ZEvaluation, 'what changed'), ...ERRORS },
    }),
    async handler(c, { body }, ctx) {
      const asOf = (body.asOf as LocalDate | undefined) ?? ctx.clock.today();
      const r: EvaluationResult = await evaluateCollections(ctx, asOf);
      return json(c, r);
    },
  }),
];

/** The customer id for an account number, within the caller's portfolio (404 otherwise). */
async function findCustomerId(ctx: ServiceContext, account: string, access: Access): Promise<string> {
  return (await getCollectionsCustomer(ctx.database.db, ctx.tenantId, customerKey(account), access)).id;
}
