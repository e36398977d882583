import { createRoute, z } from '@hono/zod-openapi';
import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { AppError, type InputIssue } from '../../core/errors.ts';
import { isLocalDate, type LocalDate } from '../../core/local-date.ts';
import { parseAmount } from '../../core/money.ts';
import {
  type AmountInput,
  applyManually,
  confirmSuggestion,
  findReceiptCurrency,
  listOpenReceipts,
  type ManualRow,
  moveApplication,
  type OpenReceipt,
  putOnAccount,
  refund,
  rejectSuggestion,
  runCashApplication,
  unapply,
  type WorkbenchResult,
} from '../../modules/cash-application/index.ts';
import { apiError } from '../api.errors.ts';
import { canReadPhi, logPhiReads, maskText } from '../phi.ts';
import { defineRoute } from '../route.ts';
import { amount, ERRORS, json, jsonBody, jsonContent, ZAmount, ZDate } from './common.ts';

/**
 * The cash-application workbench over HTTP: the receipts the engine left with their ranked
 * suggestions, a run of the engine, and the analyst's actions on one receipt (confirm, reject, apply
 * by hand, unapply, move, on account, refund). Each handler is one call to the same use case as
 * `arbor cash …` (modules/cash-application/workbench.ts); the request's unit of work is the
 * transaction. Amounts on the wire are positive decimal strings in the receipt's currency: the
 * kind of row gives the sign (INTERCHANGE.md §3).
 */

// ---------------------------------------------------------------------------------------------------
// Schemas

/** A typed amount: always positive, the kind of row gives the sign; decimals checked against the receipt's currency. */
const ZPositiveAmount = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'a positive decimal in major units with "." as separator, such as 1234.56')
  .openapi({ example: '1234.56', description: "decimal, major units of the receipt's currency" });

const ZName = (description: string) => z.string().trim().min(1).max(100).openapi({ description });

const ZReceiptParams = z.object({
  id: z.string().min(1).max(200).openapi({
    description: 'the receipt id (`rct_…`) or its bank reference (refused when it names several)',
  }),
});

const ZRow = z
  .object({
    applicationId: z.string().nullable(),
    kind: z.string().openapi({ description: 'application kind (INTERCHANGE.md §3)' }),
    target: z.string().nullable().openapi({ description: 'invoice or credit-memo number' }),
    customer: z.string().nullable().openapi({ description: 'account number' }),
    amount: ZAmount.openapi({ description: 'signed as in INTERCHANGE.md §3' }),
    reasonCode: z.string().nullable(),
  })
  .openapi('ApplicationRow');

const ZWorkbenchResult = z
  .object({
    receiptId: z.string(),
    reference: z.string(),
    currency: z.string(),
    unapplied: ZAmount.openapi({ description: "the receipt's unapplied money after the action" }),
    applicationIds: z.array(z.string()).openapi({ description: 'applications created' }),
    reversalIds: z.array(z.string()).openapi({ description: 'reversing applications created' }),
    rows: z.array(ZRow).openapi({ description: 'the rows applied (for unapply: the rows undone)' }),
    learned: z.array(
      z.object({ customer: z.string(), source: z.enum(['confirmed', 'corrected', 'rejected']) }),
    ),
  })
  .openapi('WorkbenchResult');

const ZSuggestion = z
  .object({
    id: z.string(),
    rank: z.number().int(),
    confidence: z.string().openapi({ description: 'calibrated probability, 0 to 1, as decimal text' }),
    summary: z.string(),
    explanation: z.string(),
    rows: z.array(ZRow.omit({ applicationId: true })),
  })
  .openapi('CashSuggestion');

const ZOpenReceipt = z
  .object({
    id: z.string(),
    reference: z.string(),
    date: ZDate,
    currency: z.string(),
    amount: ZAmount,
    unapplied: ZAmount,
    payerName: z.string().nullable(),
    payerAccount: z.string().nullable(),
    customer: z
      .string()
      .nullable()
      .openapi({ description: "the receipt's own customer, when the bank identified it" }),
    explanation: z.string().nullable().openapi({ description: 'why the engine left it' }),
    suggestions: z.array(ZSuggestion),
  })
  .openapi('OpenReceipt');

const ZManualRow = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('item'),
      number: ZName('invoice, debit memo, deduction, credit memo or on-account credit number'),
      amount: ZPositiveAmount.optional().openapi({ description: 'default: its open amount' }),
    }),
    z.strictObject({
      kind: z.literal('discount'),
      item: ZName('the item discounted'),
      amount: ZPositiveAmount,
    }),
    z.strictObject({
      kind: z.literal('deduction'),
      item: ZName('the item short-paid'),
      amount: ZPositiveAmount,
      reason: ZName('reason code'),
    }),
    z.strictObject({
      kind: z.literal('on_account'),
      customer: ZName('account number'),
      amount: ZPositiveAmount.optional().openapi({ description: 'default: what the other rows leave' }),
    }),
    z.strictObject({
      kind: z.literal('refund'),
      amount: ZPositiveAmount.optional().openapi({ description: 'default: what the other rows leave' }),
    }),
  ])
  .openapi('ManualRow');

const ZRankBody = z.strictObject({
  rank: z
    .number()
    .int()
    .min(1)
    .max(3)
    .optional()
    .openapi({ description: "the suggestion's rank (default 1)" }),
});

/** A body that may be left out (then `{}`): the fields all have defaults. */
const optionalJsonBody = <T extends z.ZodType>(schema: T) => ({
  required: false,
  content: { 'application/json': { schema } },
});

// ---------------------------------------------------------------------------------------------------
// Views and amounts

/**
 * The rows of an apply request as the workbench takes them: the amounts are read in the receipt's
 * currency once the workbench has locked the receipt (no separate look-up of the currency first).
 */
const manualRows =
  (rows: readonly z.output<typeof ZManualRow>[]) =>
  (currency: CurrencyCode): ManualRow[] => {
    const amounts = amountsIn(currency);
    const out = rows.map((row, i): ManualRow => {
      const value = row.amount === undefined ? undefined : amounts.read(row.amount, `rows.${i}.amount`);
      if (row.kind === 'discount') return { kind: 'discount', item: row.item, amount: value ?? row.amount };
      if (row.kind === 'deduction')
        return { kind: 'deduction', item: row.item, amount: value ?? row.amount, reason: row.reason };
      if (row.kind === 'item') return withAmount({ kind: 'item', number: row.number }, value) as ManualRow;
      if (row.kind === 'on_account')
        return withAmount({ kind: 'on_account', customer: row.customer }, value) as ManualRow;
      return withAmount({ kind: 'refund' }, value) as ManualRow;
    });
    amounts.check();
    return out;
  };

const resultView = (r: WorkbenchResult) => ({
  receiptId: r.receiptId,
  reference: r.reference,
  currency: r.currency,
  unapplied: amount(r.unappliedMinor, r.currency),
  applicationIds: r.applicationIds,
  reversalIds: r.reversalIds,
  rows: r.rows.map((x) => ({
    applicationId: x.applicationId,
    kind: x.kind,
    target: x.target,
    customer: x.customer,
    amount: amount(x.amountMinor, r.currency),
    reasonCode: x.reasonCode,
  })),
  learned: r.learned,
});

const openReceiptView = (r: OpenReceipt) => ({
  id: r.id,
  reference: r.reference,
  date: r.date,
  currency: r.currency,
  amount: amount(r.amountMinor, r.currency),
  unapplied: amount(r.unappliedMinor, r.currency),
  payerName: r.payerName,
  payerAccount: r.payerAccount,
  customer: r.customer,
  explanation: r.explanation,
  suggestions: r.suggestions.map((s) => ({
    id: s.id,
    rank: s.rank,
    confidence: s.confidence,
    summary: s.summary,
    explanation: s.explanation,
    rows: s.rows.map((x) => ({
      kind: x.kind,
      target: x.target,
      customer: x.customer,
      amount: amount(x.amountMinor, r.currency),
      reasonCode: x.reasonCode,
    })),
  })),
});

/**
 * Reads the typed amounts in the receipt's currency, every bad one reported with its field
 * (`rows.1.amount`). When the receipt cannot be named (unknown, or a reference of several
 * currencies) the text goes to the workbench unread, which refuses the receipt first.
 */
async function amountReader(ctx: ServiceContext, receipt: string) {
  return amountsIn(await findReceiptCurrency(ctx, receipt));
}

/** Reads typed amounts in `currency` (as text, unread, when it is null), collecting the bad ones. */
function amountsIn(currency: CurrencyCode | null) {
  const issues: InputIssue[] = [];
  return {
    read(text: string, field: string): AmountInput {
      if (currency === null) return text;
      try {
        return parseAmount(text, currency);
      } catch (e) {
        issues.push({ column: field, message: e instanceof AppError ? e.message : String(e) });
        return 0n;
      }
    },
    check(): void {
      if (issues.length > 0)
        throw apiError('api.invalid_request', issues.map((i) => `${i.column}: ${i.message}`).join('; '), {
          issues,
        });
    },
  };
}

const withAmount = <T extends object>(row: T, value: AmountInput | undefined) =>
  value === undefined ? row : { ...row, amount: value };

// ---------------------------------------------------------------------------------------------------
// Routes

const receiptAction = (action: string, summary: string, description: string) => ({
  method: 'post' as const,
  path: `/api/receipts/{id}/${action}`,
  tags: ['cash'],
  summary,
  description,
});

const RESULT_RESPONSES = { 200: jsonContent(ZWorkbenchResult, 'what changed on the receipt'), ...ERRORS };

export const cashRoutes = [
  defineRoute({
    permission: 'receipts:read',
    route: createRoute({
      method: 'get',
      path: '/api/cash/receipts',
      tags: ['cash'],
      summary: "Receipts with money unapplied, oldest first, with the engine's ranked suggestions",
      description:
        'As `arbor cash list`. `hasMore` says whether more receipts than `limit` match; the workbench list has no cursor yet, so a client works the oldest first and asks again.',
      request: {
        query: z.object({
          status: z
            .enum(['suggested', 'unapplied', 'all'])
            .default('all')
            .openapi({ description: 'suggested: with an open suggestion; unapplied: without one' }),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
      responses: {
        200: jsonContent(z.object({ items: z.array(ZOpenReceipt), hasMore: z.boolean() }), 'open receipts'),
        ...ERRORS,
      },
    }),
    async handler(c, { query }, ctx) {
      const rows = await listOpenReceipts(ctx, { status: query.status, limit: query.limit + 1 });
      const items = rows.slice(0, query.limit);
      // A consumer's payment names the patient or member who paid: protected health information.
      const accounts = [...new Set(items.flatMap((r) => (r.customer ? [r.customer] : [])))];
      const consumers =
        accounts.length === 0
          ? []
          : await ctx.database.db
              .selectFrom('customers')
              .select(['id', 'account_number'])
              .where('tenant_id', '=', ctx.tenantId)
              .where('customer_type', '=', 'consumer')
              .where('account_number', 'in', accounts)
              .execute();
      const consumerAccounts = new Set(consumers.map((r) => r.account_number));
      const principal = c.get('principal');
      const phi = canReadPhi(principal);
      await logPhiReads(
        ctx,
        principal,
        'customer',
        consumers.map((r) => r.id),
      );
      return json(c, {
        items: items.map((r) => {
          const view = openReceiptView(r);
          return r.customer && consumerAccounts.has(r.customer) && !phi
            ? { ...view, payerName: maskText(view.payerName), payerAccount: maskText(view.payerAccount) }
            : view;
        }),
        hasMore: rows.length > query.limit,
      });
    },
  }),

  defineRoute({
    permission: 'cash:apply',
    route: createRoute({
      method: 'post',
      path: '/api/cash/runs',
      tags: ['cash'],
      summary: 'Run automatic cash application (INTERCHANGE.md §6)',
      description:
        'As `arbor cash apply`: every receipt booked on or before `asOf` (default today) with money unapplied, against the items as they stand at that date. Applies at or above the precision floor, suggests below it.',
      request: {
        body: optionalJsonBody(
          z.strictObject({
            asOf: ZDate.refine(isLocalDate, 'not a date (YYYY-MM-DD)').optional(),
            precisionFloor: z.number().gt(0).lte(1).optional().openapi({
              description:
                'apply automatically at or above this probability (default: tenant setting, 0.995)',
            }),
          }),
        ),
      },
      responses: {
        201: jsonContent(
          z
            .object({
              runId: z.string(),
              asOf: ZDate,
              engineVersion: z.string(),
              receipts: z.number().int().openapi({ description: 'receipts with money unapplied' }),
              applied: z.number().int(),
              suggested: z.number().int(),
              left: z.number().int(),
              appliedAmounts: z.record(z.string(), ZAmount).openapi({ description: 'by currency' }),
              seconds: z.number(),
            })
            .openapi('CashRun'),
          'the run',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, { body }, ctx) {
      const r = await runCashApplication(ctx, {
        ...(body?.asOf === undefined ? {} : { asOf: body.asOf as LocalDate }),
        ...(body?.precisionFloor === undefined ? {} : { precisionFloor: body.precisionFloor }),
      });
      return json(
        c,
        {
          runId: r.runId,
          asOf: r.asOf,
          engineVersion: r.engineVersion,
          receipts: r.receipts,
          applied: r.applied,
          suggested: r.suggested,
          left: r.left,
          appliedAmounts: Object.fromEntries(
            Object.entries(r.appliedAmounts).map(([currency, v]) => [currency, amount(v, currency)]),
          ),
          seconds: Math.round(r.seconds * 1000) / 1000,
        },
        201,
      );
    },
  }),

  defineRoute({
    permission: 'cash:apply',
    route: createRoute({
      ...receiptAction(
        'confirm',
        'Confirm a suggestion: apply it as the engine proposed',
        "As `arbor cash confirm`. Refused (409) when the suggestion is no longer open or what it relies on moved since; the payer is linked to the suggestion's customers.",
      ),
      request: { params: ZReceiptParams, body: optionalJsonBody(ZRankBody) },
      responses: RESULT_RESPONSES,
    }),
    async handler(c, { params, body }, ctx) {
      const r = await confirmSuggestion(ctx, { receipt: params.id, rank: body?.rank ?? 1 });
      return json(c, resultView(r));
    },
  }),

  defineRoute({
    permission: 'cash:apply',
    route: createRoute({
      ...receiptAction(
        'reject',
        'Reject a suggestion',
        'As `arbor cash reject`: the suggestion becomes rejected and the next run counts it against its customers.',
      ),
      request: { params: ZReceiptParams, body: optionalJsonBody(ZRankBody) },
      responses: RESULT_RESPONSES,
    }),
    async handler(c, { params, body }, ctx) {
      const r = await rejectSuggestion(ctx, { receipt: params.id, rank: body?.rank ?? 1 });
      return json(c, resultView(r));
    },
  }),

  defineRoute({
    permission: 'cash:apply',
    // The receipt, its items by number, the posting, the audit rows: every statement goes by key.
    genericPlans: true,
    route: createRoute({
      ...receiptAction(
        'apply',
        'Apply a receipt by hand across invoices, credits and customers',
        'As `arbor cash apply-to`: one batch (status manual), checked by the receivables rules; nothing is applied unless every row is good. At most one `on_account` or `refund` row may leave out its amount (it takes what the other rows leave). A `refund` row needs the `cash:refund` permission too.',
      ),
      request: {
        params: ZReceiptParams,
        body: jsonBody(z.strictObject({ rows: z.array(ZManualRow).min(1).max(1000) })),
      },
      responses: RESULT_RESPONSES,
    }),
    // Plain applications, with no refund row, may share a transaction with others (ADR 0017); the
    // rest, and whatever that path does not take, run through the handler.
    together(c, { params, body }) {
      if (body.rows.some((r) => r.kind === 'refund')) return null;
      return {
        request: { receipt: params.id, rows: manualRows(body.rows) },
        respond: (r) => json(c, resultView(r)),
      };
    },
    async handler(c, { params, body }, ctx) {
      if (body.rows.some((r) => r.kind === 'refund') && !c.get('principal').permissions.has('cash:refund'))
        throw apiError(
          'api.forbidden',
          `the ${c.get('principal').role} role does not have the cash:refund permission a refund row needs`,
        );
      // approvals: a refund row above the user's approval limit will go through approvals too (see /refund).
      const r = await applyManually(ctx, { receipt: params.id, rows: manualRows(body.rows) });
      return json(c, resultView(r));
    },
  }),

  defineRoute({
    permission: 'cash:apply',
    route: createRoute({
      ...receiptAction(
        'unapply',
        "Reverse a receipt's applications",
        'As `arbor cash unapply`, dated today: the applications named by id, or every row concerning the items named, or with `all: true` every live application of the receipt. Settled items reopen and the money is unapplied again.',
      ),
      request: {
        params: ZReceiptParams,
        body: jsonBody(
          z.strictObject({
            applicationIds: z.array(z.string().trim().min(1).max(100)).max(1000).optional(),
            items: z.array(z.string().trim().min(1).max(100)).max(1000).optional(),
            all: z
              .boolean()
              .optional()
              .openapi({ description: 'reverse every live application of the receipt' }),
          }),
        ),
      },
      responses: RESULT_RESPONSES,
    }),
    async handler(c, { params, body }, ctx) {
      const applicationIds = body.applicationIds ?? [];
      const items = body.items ?? [];
      const named = applicationIds.length + items.length > 0;
      // The workbench undoes everything when nothing is named; over HTTP that must be asked for.
      if (named === (body.all === true))
        throw apiError(
          'api.invalid_request',
          named
            ? 'name applicationIds or items, or send all: true, not both'
            : 'name the applications to undo (applicationIds, items), or send all: true',
          {
            issues: [
              {
                column: 'all',
                message: named ? 'not with applicationIds or items' : 'required when nothing is named',
              },
            ],
          },
        );
      const r = await unapply(ctx, { receipt: params.id, applicationIds, items });
      return json(c, resultView(r));
    },
  }),

  defineRoute({
    permission: 'cash:apply',
    route: createRoute({
      ...receiptAction(
        'move',
        'Move what a receipt applied to one item onto another',
        'As `arbor cash move`, dated today: the rows on `from` are reversed and their cash applied to `to`. A discount or deduction taken on `from` is not carried over.',
      ),
      request: {
        params: ZReceiptParams,
        body: jsonBody(z.strictObject({ from: ZName('item number'), to: ZName('item number') })),
      },
      responses: RESULT_RESPONSES,
    }),
    async handler(c, { params, body }, ctx) {
      const r = await moveApplication(ctx, { receipt: params.id, from: body.from, to: body.to });
      return json(c, resultView(r));
    },
  }),

  defineRoute({
    permission: 'cash:apply',
    route: createRoute({
      ...receiptAction(
        'on-account',
        "Leave a receipt's money as a credit on a customer's account",
        'As `arbor cash on-account`: all that is unapplied, or `amount`.',
      ),
      request: {
        params: ZReceiptParams,
        body: jsonBody(
          z.strictObject({ customer: ZName('account number'), amount: ZPositiveAmount.optional() }),
        ),
      },
      responses: RESULT_RESPONSES,
    }),
    async handler(c, { params, body }, ctx) {
      const amounts = await amountReader(ctx, params.id);
      const value = body.amount === undefined ? undefined : amounts.read(body.amount, 'amount');
      amounts.check();
      const r = await putOnAccount(ctx, {
        receipt: params.id,
        customer: body.customer,
        ...(value === undefined ? {} : { amount: value }),
      });
      return json(c, resultView(r));
    },
  }),

  defineRoute({
    permission: 'cash:refund',
    route: createRoute({
      ...receiptAction(
        'refund',
        "Pay a receipt's money back",
        'As `arbor cash refund`, dated today: all that is unapplied, or `amount`.',
      ),
      request: {
        params: ZReceiptParams,
        body: optionalJsonBody(z.strictObject({ amount: ZPositiveAmount.optional() })),
      },
      responses: RESULT_RESPONSES,
    }),
    async handler(c, { params, body }, ctx) {
      const amounts = await amountReader(ctx, params.id);
      const value = body?.amount === undefined ? undefined : amounts.read(body.amount, 'amount');
      amounts.check();
      // approvals: a refund above the user's approval limit (principal.approvalLimitMinor) is to be
      // routed through the approvals module instead of paid here; until then it is paid directly.
      const r = await refund(ctx, { receipt: params.id, ...(value === undefined ? {} : { amount: value }) });
      return json(c, resultView(r));
    },
  }),
];
