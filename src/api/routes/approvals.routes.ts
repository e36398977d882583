import { createRoute, z } from '@hono/zod-openapi';
import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { formatAmount, type Money, money, parseAmount } from '../../core/money.ts';
import {
  type AdjustmentInput,
  type ApprovalView,
  cancelApproval,
  decideApproval,
  getApproval,
  listApprovals,
  listItemAdjustments,
  reinstateWriteOff,
  requestAdjustment,
  reverseAdjustment,
} from '../../modules/approvals/index.ts';
import { apiError } from '../api.errors.ts';
import { defineRoute } from '../route.ts';
import { decodeCursor, ERRORS, json, jsonBody, jsonContent, ZAmount, ZPageQuery } from './common.ts';

const ZAdjustment = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('write_off'),
      itemId: z.string().max(64),
      amount: ZAmount.optional().openapi({ description: 'default: the whole open amount' }),
      reasonCode: z.string().min(1).max(50),
      note: z.string().max(1000).optional(),
    }),
    z.object({
      kind: z.literal('credit_memo'),
      customer: z.string().max(100).openapi({ description: 'account number' }),
      amount: ZAmount,
      reason: z.string().min(1).max(200),
      invoiceId: z.string().max(64).optional(),
      documentNumber: z.string().max(100).optional(),
    }),
    z.object({
      kind: z.literal('refund'),
      receiptId: z.string().max(64),
      amount: ZAmount,
      note: z.string().max(1000).optional(),
    }),
    z.object({
      kind: z.literal('settlement'),
      customer: z.string().max(100),
      itemIds: z.array(z.string().max(64)).min(1).max(1000),
      agreedAmount: ZAmount,
      note: z.string().max(1000).optional(),
    }),
  ])
  .openapi('AdjustmentRequest');

const ZApproval = z
  .object({
    id: z.string(),
    kind: z.string(),
    status: z.string(),
    amount: ZAmount,
    currency: z.string(),
    requestedBy: z.string(),
    decidedBy: z.string().nullable(),
  })
  .passthrough()
  .openapi('Approval');

const bigintSafe = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));
const view = (a: ApprovalView) => bigintSafe(a);

async function currencyOf(
  ctx: ServiceContext,
  table: 'items' | 'receipts' | 'customers',
  column: 'id' | 'account_number',
  value: string,
): Promise<{ currency: CurrencyCode; id: string }> {
  const row = await ctx.database.db
    .selectFrom(table)
    .select(['id', 'currency'])
    .where('tenant_id', '=', ctx.tenantId)
    // biome-ignore lint/suspicious/noExplicitAny: the column is one of two literal names
    .where(column as any, '=', value)
    .executeTakeFirst();
  if (!row) throw apiError('api.not_found', `no ${table.replace(/s$/, '')} ${value}`);
  return { currency: row.currency as CurrencyCode, id: row.id };
}

const moneyOf = (text: string, currency: CurrencyCode, field: string): Money => {
  try {
    return money(parseAmount(text, currency), currency);
  } catch (e) {
    throw apiError('api.invalid_request', `${field}: ${(e as Error).message}`, {
      issues: [{ column: field, message: (e as Error).message }],
    });
  }
};

export const approvalRoutes = [
  defineRoute({
    permission: 'adjustments:request',
    route: createRoute({
      method: 'post',
      path: '/api/adjustments',
      tags: ['approvals'],
      summary:
        'Write off, credit, refund or settle: at once within the caller’s limit, else an approval request',
      description:
        'Within the caller’s approval limit the money moves now (status `applied`). Above it an approval request is created (status `pending`) and nothing moves until another user with authority approves it.',
      request: { body: jsonBody(ZAdjustment) },
      responses: {
        200: jsonContent(z.object({ status: z.literal('applied'), result: z.unknown() }), 'applied now'),
        202: jsonContent(
          z.object({ status: z.literal('pending'), approvalId: z.string() }),
          'waiting for approval',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, { body }, ctx) {
      let input: AdjustmentInput;
      switch (body.kind) {
        case 'write_off': {
          const item = await currencyOf(ctx, 'items', 'id', body.itemId);
          input = {
            kind: 'write_off',
            itemId: item.id,
            reasonCode: body.reasonCode,
            ...(body.amount !== undefined ? { amount: moneyOf(body.amount, item.currency, 'amount') } : {}),
            ...(body.note !== undefined ? { note: body.note } : {}),
          };
          break;
        }
        case 'credit_memo': {
          const customer = await currencyOf(ctx, 'customers', 'account_number', body.customer);
          input = {
            kind: 'credit_memo',
            customerId: customer.id,
            amount: moneyOf(body.amount, customer.currency, 'amount'),
            reason: body.reason,
            ...(body.invoiceId !== undefined ? { invoiceId: body.invoiceId } : {}),
            ...(body.documentNumber !== undefined ? { documentNumber: body.documentNumber } : {}),
          };
          break;
        }
        case 'refund': {
          const receipt = await currencyOf(ctx, 'receipts', 'id', body.receiptId);
          input = {
            kind: 'refund',
            receiptId: receipt.id,
            amount: moneyOf(body.amount, receipt.currency, 'amount'),
            ...(body.note !== undefined ? { note: body.note } : {}),
          };
          break;
        }
        case 'settlement': {
          const customer = await currencyOf(ctx, 'customers', 'account_number', body.customer);
          input = {
            kind: 'settlement',
            customerId: customer.id,
            itemIds: body.itemIds,
            agreedAmount: moneyOf(body.agreedAmount, customer.currency, 'agreedAmount'),
            ...(body.note !== undefined ? { note: body.note } : {}),
          };
          break;
        }
      }
      const outcome = await requestAdjustment(ctx, c.get('principal'), input);
      return outcome.status === 'applied'
        ? json(c, bigintSafe({ status: 'applied', result: outcome.result }), 200)
        : json(c, { status: 'pending', approvalId: outcome.approvalId }, 202);
    },
  }),
  defineRoute({
    permission: 'approvals:read',
    route: createRoute({
      method: 'get',
      path: '/api/approvals',
      tags: ['approvals'],
      summary: 'Approval requests, oldest first',
      request: {
        query: ZPageQuery.extend({
          status: z.enum(['pending', 'approved', 'rejected', 'cancelled']).optional(),
        }),
      },
      responses: {
        200: jsonContent(
          z.object({ items: z.array(ZApproval), nextCursor: z.string().nullable() }),
          'a page',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, { query }, ctx) {
      const after = decodeCursor(query.cursor)?.[0];
      const rows = await listApprovals(ctx, {
        ...(query.status ? { status: query.status } : {}),
        limit: query.limit + 1,
        ...(after !== undefined ? { after: String(after) } : {}),
      });
      const more = rows.length > query.limit;
      const items = rows.slice(0, query.limit);
      const last = items[items.length - 1];
      return json(c, {
        items: items.map(view),
        nextCursor: more && last ? Buffer.from(JSON.stringify([last.id])).toString('base64url') : null,
      });
    },
  }),
  defineRoute({
    permission: 'approvals:read',
    route: createRoute({
      method: 'get',
      path: '/api/approvals/{id}',
      tags: ['approvals'],
      summary: 'One approval request',
      request: { params: z.object({ id: z.string().max(64) }) },
      responses: { 200: jsonContent(ZApproval, 'the request'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      return json(c, view(await getApproval(ctx, params.id)));
    },
  }),
  ...(['approve', 'reject'] as const).map((decision) =>
    defineRoute({
      permission: 'approvals:decide',
      route: createRoute({
        method: 'post',
        path: `/api/approvals/{id}/${decision}`,
        tags: ['approvals'],
        summary:
          decision === 'approve'
            ? 'Approve: the money moves now (another user than the requester, with authority for the amount)'
            : 'Reject: nothing moves',
        request: {
          params: z.object({ id: z.string().max(64) }),
          body: jsonBody(z.object({ note: z.string().max(1000).optional() })),
        },
        responses: { 200: jsonContent(ZApproval, 'decided'), ...ERRORS },
      }),
      async handler(c, { params, body }, ctx) {
        return json(c, view(await decideApproval(ctx, c.get('principal'), params.id, decision, body.note)));
      },
    }),
  ),
  defineRoute({
    permission: 'adjustments:request',
    route: createRoute({
      method: 'post',
      path: '/api/approvals/{id}/cancel',
      tags: ['approvals'],
      summary: 'Withdraw one’s own pending request',
      request: { params: z.object({ id: z.string().max(64) }) },
      responses: { 200: jsonContent(ZApproval, 'cancelled'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      return json(c, view(await cancelApproval(ctx, c.get('principal'), params.id)));
    },
  }),
  defineRoute({
    permission: 'adjustments:request',
    route: createRoute({
      method: 'post',
      path: '/api/items/{id}/reinstate',
      tags: ['approvals'],
      summary: 'Recovery of a written-off amount: reopen the item by up to what it has written off',
      description:
        'Dr accounts receivable on the item, Cr allowance for doubtful accounts, dated today, so that the money received for it is then applied as usual. The amount defaults to all the item has written off (net of earlier recoveries); more than that is 409.',
      request: {
        params: z.object({ id: z.string().max(64) }),
        body: jsonBody(
          z.object({
            amount: ZAmount.optional().openapi({ description: 'default: all that is written off' }),
            reason: z.string().min(1).max(500),
          }),
        ),
      },
      responses: {
        200: jsonContent(
          z.object({
            itemId: z.string(),
            itemNumber: z.string(),
            amount: ZAmount,
            currency: z.string(),
            open: ZAmount,
            writtenOff: ZAmount,
            entryId: z.string(),
            applicationIds: z.array(z.string()),
          }),
          'reinstated',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, { params, body }, ctx) {
      const item = await currencyOf(ctx, 'items', 'id', params.id);
      const r = await reinstateWriteOff(ctx, c.get('principal'), {
        itemId: item.id,
        reason: body.reason,
        ...(body.amount !== undefined ? { amount: moneyOf(body.amount, item.currency, 'amount') } : {}),
      });
      return json(c, {
        itemId: r.itemId,
        itemNumber: r.itemNumber,
        amount: formatAmount(r.amount.amountMinor, r.amount.currency),
        currency: r.amount.currency,
        open: formatAmount(r.openAfterMinor, r.amount.currency),
        writtenOff: formatAmount(r.writtenOffAfterMinor, r.amount.currency),
        entryId: r.entryId,
        applicationIds: [...r.applicationIds],
      });
    },
  }),
  defineRoute({
    permission: 'adjustments:request',
    route: createRoute({
      method: 'post',
      path: '/api/adjustments/{id}/reverse',
      tags: ['approvals'],
      summary: 'Reverse an adjustment (write-off, settlement, credit-memo netting, reinstatement)',
      description:
        '`id` is the adjustment’s journal entry (`je_…`, in the adjustment’s `entryIds`) or the approved write-off or settlement request (`apr_…`). Its entry is reversed, dated today, and the items reopen. 409 when it was reversed already or the items were paid or recovered since; 400 when it is not an adjustment (a receipt’s application is undone with POST /api/receipts/{id}/unapply).',
      request: {
        params: z.object({ id: z.string().max(64) }),
        body: jsonBody(z.object({ reason: z.string().min(1).max(500) })),
      },
      responses: {
        200: jsonContent(
          z.object({
            entryId: z.string(),
            reversalEntryId: z.string(),
            approvalId: z.string().nullable(),
            reversalIds: z.array(z.string()),
            items: z.array(
              z.object({
                itemId: z.string(),
                itemNumber: z.string(),
                currency: z.string(),
                openBefore: ZAmount,
                openAfter: ZAmount,
              }),
            ),
          }),
          'reversed',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, { params, body }, ctx) {
      const r = await reverseAdjustment(ctx, c.get('principal'), { id: params.id, reason: body.reason });
      return json(c, {
        entryId: r.entryId,
        reversalEntryId: r.reversalEntryId,
        approvalId: r.approvalId,
        reversalIds: [...r.reversalIds],
        items: r.items.map((i) => ({
          itemId: i.itemId,
          itemNumber: i.itemNumber,
          currency: i.currency,
          openBefore: formatAmount(i.openBeforeMinor, i.currency),
          openAfter: formatAmount(i.openAfterMinor, i.currency),
        })),
      });
    },
  }),
  defineRoute({
    permission: 'invoices:read',
    route: createRoute({
      method: 'get',
      path: '/api/items/{id}/adjustments',
      tags: ['approvals'],
      summary: 'An item’s write-offs, settlements, credit memos netted, reinstatements and reversals',
      description:
        'Oldest first, each with its journal entry (`entryId`, what POST /api/adjustments/{id}/reverse takes), the amount by which it closed the item (negative: reopened) and the entry that reversed it, if any.',
      request: { params: z.object({ id: z.string().max(64) }) },
      responses: {
        200: jsonContent(
          z.object({
            items: z.array(
              z.object({
                entryId: z.string(),
                date: z.string(),
                kind: z.enum(['write_off', 'settlement', 'credit_memo', 'reinstatement', 'reversal']),
                closed: ZAmount,
                currency: z.string(),
                reasonCode: z.string().nullable(),
                by: z.string(),
                reversedBy: z.string().nullable(),
              }),
            ),
          }),
          'the adjustments',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, { params }, ctx) {
      const rows = await listItemAdjustments(ctx, params.id);
      return json(c, {
        items: rows.map((r) => ({
          entryId: r.entryId,
          date: r.date,
          kind: r.kind,
          closed: formatAmount(r.closedMinor, r.currency),
          currency: r.currency,
          reasonCode: r.reasonCode,
          by: r.by,
          reversedBy: r.reversedBy,
        })),
      });
    },
  }),
];
