import { createRoute, z } from '@hono/zod-openapi';
import { isLocalDate } from '../../core/local-date.ts';
import type { Principal } from '../../modules/identity/index.ts';
import {
  type ApplicationListRow,
  findApplicationsPage,
  findItemsPage,
  findReceiptsPage,
  type ItemListRow,
  type ReceiptListRow,
} from '../../modules/receivables/index.ts';
import { apiError } from '../api.errors.ts';
import { canReadPhi, logPhiReads, maskText } from '../phi.ts';
import { defineRoute } from '../route.ts';
import {
  amount,
  decodeCursor,
  ERRORS,
  json,
  jsonContent,
  page,
  paginate,
  ZAmount,
  ZDate,
  ZPageQuery,
} from './common.ts';
import { portfolioOf } from './customers.routes.ts';

/** A YYYY-MM-DD that is a real calendar day (2026-02-30 is refused with 400, not sent to the database). */
export const ZDay = ZDate.refine((s) => isLocalDate(s), 'not a calendar date (YYYY-MM-DD)');

/** A cursor this API gave out for a (date, id) keyset, or 400. */
export function dateIdCursor(cursor: string | undefined): { date: string; id: string } | undefined {
  const key = decodeCursor(cursor);
  if (key === null) return undefined;
  const [date, id] = key;
  if (key.length !== 2 || typeof date !== 'string' || !isLocalDate(date) || typeof id !== 'string')
    throw apiError('api.invalid_cursor', 'the cursor is not one this API gave out');
  return { date, id };
}

/** A cursor this API gave out for a one-string keyset (an id, a code), or 400. */
export function textCursor(cursor: string | undefined): string | undefined {
  const key = decodeCursor(cursor);
  if (key === null) return undefined;
  const [text] = key;
  if (key.length !== 1 || typeof text !== 'string')
    throw apiError('api.invalid_cursor', 'the cursor is not one this API gave out');
  return text;
}

const ITEM_TYPES = ['invoice', 'debit_memo', 'credit_memo', 'deduction', 'on_account'] as const;
const APPLICATION_KINDS = [
  'invoice',
  'credit_memo',
  'discount',
  'deduction',
  'bank_fee',
  'fx_difference',
  'on_account',
  'write_off',
  'refund',
] as const;

const ZCustomerRef = z
  .object({ id: z.string(), accountNumber: z.string(), name: z.string() })
  .openapi('CustomerRef', { description: "a consumer's name is masked for roles without phi:read" });

export const ZReceivableItem = z
  .object({
    id: z.string(),
    number: z.string(),
    type: z.enum(ITEM_TYPES),
    status: z.enum(['open', 'closed']),
    entity: z.string(),
    customer: ZCustomerRef,
    issueDate: ZDate,
    dueDate: ZDate,
    currency: z.string(),
    amount: ZAmount.openapi({ description: 'signed: credit memos and on-account credits are negative' }),
    open: ZAmount,
    terms: z.string().nullable(),
    poNumber: z.string().nullable(),
    reference: z.string().nullable(),
    description: z.string().nullable(),
    reasonCode: z.string().nullable(),
    originApplicationId: z
      .string()
      .nullable()
      .openapi({ description: 'the application that created it (deductions, on-account)' }),
  })
  .openapi('ReceivableItem');

export const ZApplicationRow = z
  .object({
    id: z.string(),
    receiptId: z.string().nullable(),
    receiptReference: z.string().nullable(),
    receiptDate: ZDate.nullable(),
    itemId: z.string().nullable(),
    itemNumber: z.string().nullable(),
    createdItemId: z.string().nullable(),
    createdItemNumber: z.string().nullable(),
    accountNumber: z.string().nullable(),
    kind: z.enum(APPLICATION_KINDS),
    currency: z.string(),
    amount: ZAmount.openapi({ description: 'signed as the applications export (INTERCHANGE.md §3)' }),
    reasonCode: z.string().nullable(),
    status: z.enum(['auto', 'confirmed', 'manual', 'history']),
    confidence: z.number().nullable(),
    explanation: z.string().nullable(),
    appliedDate: ZDate,
    reversalOf: z.string().nullable(),
    reversedBy: z.string().nullable(),
  })
  .openapi('ApplicationRow');

export const ZReceiptSummary = z
  .object({
    id: z.string(),
    reference: z.string(),
    status: z.enum(['unapplied', 'applied']),
    entity: z.string(),
    receiptDate: ZDate,
    valueDate: ZDate.nullable(),
    currency: z.string(),
    amount: ZAmount,
    unapplied: ZAmount,
    returned: ZAmount,
    returnedOn: ZDate.nullable(),
    returnReason: z.string().nullable(),
    customer: ZCustomerRef.nullable(),
    payerName: z.string().nullable(),
    payerAccount: z.string().nullable(),
    method: z.string(),
    source: z.enum(['history', 'bank', 'manual']),
    bankAccount: z.string().nullable(),
    endToEndId: z.string().nullable(),
    checkNumber: z.string().nullable(),
  })
  .openapi('ReceiptSummary');

const ZReceiptDetail = ZReceiptSummary.extend({
  memo: z.string().nullable(),
  remittanceText: z.string().nullable(),
  engineExplanation: z.string().nullable().openapi({ description: 'why cash application left it as it is' }),
  applications: z.array(ZApplicationRow),
}).openapi('ReceiptDetail');

const ZItemDetail = ZReceivableItem.extend({ applications: z.array(ZApplicationRow) }).openapi(
  'ReceivableItemDetail',
);

/**
 * A consumer's name is PHI, and so may be what travels with their documents (references, claim ids
 * in descriptions, what the bank said about the payer): masked for roles without phi:read.
 */
const hide = (consumer: boolean, phi: boolean) => (v: string | null) => (consumer && !phi ? maskText(v) : v);

const itemView = (r: ItemListRow, phi: boolean) => {
  const m = hide(r.customer_type === 'consumer', phi);
  return {
    id: r.id,
    number: r.number,
    type: r.type,
    status: r.open_minor === 0n ? ('closed' as const) : ('open' as const),
    entity: r.entity,
    customer: { id: r.customer_id, accountNumber: r.account_number, name: m(r.customer_name) ?? '' },
    issueDate: r.issue_date,
    dueDate: r.due_date,
    currency: r.currency,
    amount: amount(r.amount_minor, r.currency),
    open: amount(r.open_minor, r.currency),
    terms: r.terms,
    poNumber: m(r.po_number),
    reference: m(r.reference),
    description: m(r.description),
    reasonCode: r.reason_code,
    originApplicationId: r.origin_application_id,
  };
};

const receiptView = (r: ReceiptListRow, phi: boolean) => {
  const m = hide(r.customer_type === 'consumer', phi);
  return {
    id: r.id,
    reference: r.reference,
    status: r.unapplied_minor > 0n ? ('unapplied' as const) : ('applied' as const),
    entity: r.entity,
    receiptDate: r.receipt_date,
    valueDate: r.value_date,
    currency: r.currency,
    amount: amount(r.amount_minor, r.currency),
    unapplied: amount(r.unapplied_minor, r.currency),
    returned: amount(r.returned_minor, r.currency),
    returnedOn: r.returned_on,
    returnReason: r.return_reason,
    customer:
      r.customer_id === null
        ? null
        : { id: r.customer_id, accountNumber: r.account_number ?? '', name: m(r.customer_name) ?? '' },
    payerName: m(r.payer_name),
    payerAccount: m(r.payer_account),
    method: r.method,
    source: r.source,
    bankAccount: r.bank_account,
    endToEndId: r.end_to_end_id,
    checkNumber: r.check_number,
  };
};

const applicationView = (r: ApplicationListRow) => ({
  id: r.id,
  receiptId: r.receipt_id,
  receiptReference: r.receipt_reference,
  receiptDate: r.receipt_date,
  itemId: r.item_id,
  itemNumber: r.item_number,
  createdItemId: r.created_item_id,
  createdItemNumber: r.created_item_number,
  accountNumber: r.account_number,
  kind: r.kind,
  currency: r.currency,
  amount: amount(r.amount_minor, r.currency),
  reasonCode: r.reason_code,
  status: r.status,
  confidence: r.confidence === null ? null : Number(r.confidence),
  explanation: r.explanation,
  appliedDate: r.applied_date,
  reversalOf: r.reversal_of,
  reversedBy: r.reversed_by,
});

/** The consumer customers whose protected fields a response shows. */
const consumerIds = (rows: readonly { customer_id: string | null; customer_type: string | null }[]) => [
  ...new Set(
    rows
      .filter((r) => r.customer_type === 'consumer' && r.customer_id !== null)
      .map((r) => r.customer_id as string),
  ),
];

const logReads = async (ctx: Parameters<typeof logPhiReads>[0], principal: Principal, ids: string[]) =>
  logPhiReads(ctx, principal, 'customer', ids);

const ZText = (description: string) => z.string().max(200).optional().openapi({ description });

export const receivablesRoutes = [
  defineRoute({
    permission: 'invoices:read',
    route: createRoute({
      method: 'get',
      path: '/api/invoices',
      tags: ['receivables'],
      summary: 'Items (invoices, debit and credit memos, deductions, on-account credits) in due-date order',
      description:
        'Open items by default (`status=all` or `closed` for the others). A portfolio-scoped analyst sees only the items of their customers.',
      request: {
        query: ZPageQuery.extend({
          customer: ZText('account number, exactly'),
          type: z.enum(ITEM_TYPES).optional(),
          status: z.enum(['open', 'closed', 'all']).default('open'),
          dueBefore: ZDay.optional().openapi({ description: 'due on or before' }),
          dueAfter: ZDay.optional().openapi({ description: 'due on or after' }),
          q: ZText('item number starts with'),
        }),
      },
      responses: { 200: jsonContent(page(ZReceivableItem), 'a page of items'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const after = dateIdCursor(query.cursor);
      const principal = c.get('principal');
      const rows = await findItemsPage(ctx.database.db, ctx.tenantId, {
        accountNumber: query.customer,
        type: query.type,
        status: query.status,
        dueBefore: query.dueBefore,
        dueAfter: query.dueAfter,
        numberPrefix: query.q,
        portfolioOf: portfolioOf(principal),
        after: after && { dueDate: after.date, id: after.id },
        limit: query.limit + 1,
      });
      const p = paginate(rows, query.limit, (r) => [r.due_date, r.id]);
      await logReads(ctx, principal, consumerIds(p.items));
      const phi = canReadPhi(principal);
      return json(c, { items: p.items.map((r) => itemView(r, phi)), nextCursor: p.nextCursor });
    },
  }),
  defineRoute({
    permission: 'invoices:read',
    route: createRoute({
      method: 'get',
      path: '/api/invoices/{id}',
      tags: ['receivables'],
      summary: 'One item, by id (itm_…) or number, with its applications',
      description:
        'The applications are the rows that settled or concern the item, or that created it (a deduction), reversals included.',
      request: { params: z.object({ id: z.string().min(1).max(100) }) },
      responses: { 200: jsonContent(ZItemDetail, 'the item'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      const principal = c.get('principal');
      const byId = /^itm_[0-9A-Z]{26}$/.test(params.id);
      const [row] = await findItemsPage(ctx.database.db, ctx.tenantId, {
        ...(byId ? { id: params.id } : { number: params.id }),
        status: 'all',
        portfolioOf: portfolioOf(principal),
        limit: 1,
      });
      if (!row) throw apiError('api.not_found', `no item ${params.id}`);
      const applications = await findApplicationsPage(ctx.database.db, ctx.tenantId, { itemId: row.id });
      await logReads(ctx, principal, consumerIds([row]));
      return json(c, {
        ...itemView(row, canReadPhi(principal)),
        applications: applications.map(applicationView),
      });
    },
  }),
  defineRoute({
    permission: 'receipts:read',
    route: createRoute({
      method: 'get',
      path: '/api/receipts',
      tags: ['receivables'],
      summary: 'Receipts, newest first, with what is left to apply',
      description:
        'A portfolio-scoped analyst sees only the receipts credited to their customers (not unidentified money).',
      request: {
        query: ZPageQuery.extend({
          status: z.enum(['unapplied', 'applied', 'all']).default('all'),
          customer: ZText('account number of the customer credited, exactly'),
          from: ZDay.optional().openapi({ description: 'received on or after' }),
          to: ZDay.optional().openapi({ description: 'received on or before' }),
          q: ZText("the bank's reference starts with"),
          bankAccount: ZText('the bank account the money came into, as the bank files name it'),
        }),
      },
      responses: { 200: jsonContent(page(ZReceiptSummary), 'a page of receipts'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const before = dateIdCursor(query.cursor);
      const principal = c.get('principal');
      const rows = await findReceiptsPage(ctx.database.db, ctx.tenantId, {
        status: query.status,
        accountNumber: query.customer,
        from: query.from,
        to: query.to,
        referencePrefix: query.q,
        bankAccount: query.bankAccount,
        portfolioOf: portfolioOf(principal),
        before,
        limit: query.limit + 1,
      });
      const p = paginate(rows, query.limit, (r) => [r.receipt_date, r.id]);
      await logReads(ctx, principal, consumerIds(p.items));
      const phi = canReadPhi(principal);
      return json(c, { items: p.items.map((r) => receiptView(r, phi)), nextCursor: p.nextCursor });
    },
  }),
  defineRoute({
    permission: 'receipts:read',
    route: createRoute({
      method: 'get',
      path: '/api/receipts/{id}',
      tags: ['receivables'],
      summary: 'One receipt with its applications and the cash-application engine’s explanation',
      request: { params: z.object({ id: z.string().min(1).max(100) }) },
      responses: { 200: jsonContent(ZReceiptDetail, 'the receipt'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      const principal = c.get('principal');
      const [row] = await findReceiptsPage(ctx.database.db, ctx.tenantId, {
        id: params.id,
        portfolioOf: portfolioOf(principal),
        limit: 1,
      });
      if (!row) throw apiError('api.not_found', `no receipt ${params.id}`);
      const applications = await findApplicationsPage(ctx.database.db, ctx.tenantId, { receiptId: row.id });
      await logReads(ctx, principal, consumerIds([row]));
      const phi = canReadPhi(principal);
      const m = hide(row.customer_type === 'consumer', phi);
      return json(c, {
        ...receiptView(row, phi),
        memo: m(row.memo),
        remittanceText: m(row.remittance_text),
        engineExplanation: row.engine_explanation,
        applications: applications.map(applicationView),
      });
    },
  }),
  defineRoute({
    permission: 'receipts:read',
    route: createRoute({
      method: 'get',
      path: '/api/applications',
      tags: ['receivables'],
      summary: 'Applications (one row per allocation) in creation order',
      description:
        'Filter by receipt or by item (rows that settle or concern the item, or created it). A portfolio-scoped analyst sees only rows for their customers.',
      request: {
        query: ZPageQuery.extend({
          receiptId: z.string().max(100).optional(),
          itemId: z.string().max(100).optional(),
        }),
      },
      responses: { 200: jsonContent(page(ZApplicationRow), 'a page of applications'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const after = textCursor(query.cursor);
      const rows = await findApplicationsPage(ctx.database.db, ctx.tenantId, {
        receiptId: query.receiptId,
        itemId: query.itemId,
        portfolioOf: portfolioOf(c.get('principal')),
        after,
        limit: query.limit + 1,
      });
      const p = paginate(rows, query.limit, (r) => [r.id]);
      return json(c, { items: p.items.map(applicationView), nextCursor: p.nextCursor });
    },
  }),
];
