import { createRoute, z } from '@hono/zod-openapi';
import type { Principal } from '../../modules/identity/index.ts';
import { type CustomerListRow, findCustomersPage } from '../../modules/parties/index.ts';
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
  ZPageQuery,
} from './common.ts';

export const ZCustomer = z
  .object({
    id: z.string(),
    accountNumber: z.string(),
    name: z.string(),
    currency: z.string(),
    parentId: z.string().nullable(),
    terms: z.string(),
    creditLimit: ZAmount.nullable(),
    customerType: z.enum(['business', 'consumer']),
    segment: z.string().nullable(),
    collector: z.string().nullable(),
    openBalance: ZAmount,
    openItems: z.number().int(),
  })
  .openapi('Customer');

/** A consumer account's name is protected health information (src/api/phi.ts). */
export const customerView = (r: CustomerListRow, phi: boolean) => ({
  id: r.id,
  accountNumber: r.account_number,
  name: r.customer_type === 'consumer' && !phi ? (maskText(r.name) ?? '') : r.name,
  currency: r.currency,
  parentId: r.parent_id,
  terms: r.terms,
  creditLimit: r.credit_limit_minor === null ? null : amount(r.credit_limit_minor, r.currency),
  customerType: r.customer_type,
  segment: r.segment,
  collector: r.collector,
  openBalance: amount(r.open_minor, r.currency),
  openItems: r.open_items,
});

const consumerIds = (rows: readonly CustomerListRow[]) =>
  rows.filter((r) => r.customer_type === 'consumer').map((r) => r.id);

/** An analyst limited to a portfolio sees the customers whose collector they are. */
export const portfolioOf = (p: Principal) => (p.portfolioScoped ? p.username : undefined);

export const customerRoutes = [
  defineRoute({
    permission: 'customers:read',
    route: createRoute({
      method: 'get',
      path: '/api/customers',
      tags: ['customers'],
      summary: 'Customers in account-number order, with their open balance',
      request: {
        query: ZPageQuery.extend({
          q: z.string().max(200).optional().openapi({ description: 'account number or name starts with' }),
          segment: z.string().max(100).optional(),
          collector: z.string().max(100).optional(),
          parent: z.string().max(40).optional().openapi({ description: 'parent customer id' }),
          type: z.enum(['business', 'consumer']).optional(),
        }),
      },
      responses: { 200: jsonContent(page(ZCustomer), 'a page of customers'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const after = decodeCursor(query.cursor)?.[0];
      const rows = await findCustomersPage(ctx.database.db, ctx.tenantId, {
        search: query.q,
        segment: query.segment,
        collector: query.collector,
        parentId: query.parent,
        customerType: query.type,
        portfolioOf: portfolioOf(c.get('principal')),
        after: after === undefined ? undefined : String(after),
        limit: query.limit + 1,
      });
      const p = paginate(rows, query.limit, (r) => [r.account_number]);
      const principal = c.get('principal');
      await logPhiReads(ctx, principal, 'customer', consumerIds(p.items));
      return json(c, {
        items: p.items.map((r) => customerView(r, canReadPhi(principal))),
        nextCursor: p.nextCursor,
      });
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: createRoute({
      method: 'get',
      path: '/api/customers/{account}',
      tags: ['customers'],
      summary: 'One customer by account number',
      request: { params: z.object({ account: z.string().min(1).max(100) }) },
      responses: { 200: jsonContent(ZCustomer, 'the customer'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      const rows = await findCustomersPage(ctx.database.db, ctx.tenantId, {
        exactAccount: params.account,
        portfolioOf: portfolioOf(c.get('principal')),
        limit: 1,
      });
      const row = rows[0];
      if (!row) throw apiError('api.not_found', `no customer ${params.account}`);
      const principal = c.get('principal');
      await logPhiReads(ctx, principal, 'customer', consumerIds([row]));
      return json(c, customerView(row, canReadPhi(principal)));
    },
  }),
];
