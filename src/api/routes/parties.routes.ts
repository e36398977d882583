import { createRoute, z } from '@hono/zod-openapi';
import {
  findPartiesPage,
  findPartyBankAccounts,
  findPartyRelationships,
  PARTY_KINDS,
  PARTY_ROLES,
  type PartyListRow,
} from '../../modules/parties/index.ts';
import { apiError } from '../api.errors.ts';
import { canReadPhi, logPhiReads, maskText } from '../phi.ts';
import { defineRoute } from '../route.ts';
import { ERRORS, json, jsonContent, page, paginate, ZPageQuery } from './common.ts';
import { portfolioOf } from './customers.routes.ts';
import { textCursor } from './receivables.routes.ts';

export const ZParty = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    kind: z.enum(PARTY_KINDS),
    customers: z.number().int().openapi({ description: 'customers it has a relationship with' }),
  })
  .openapi('Party');

const ZPartyDetail = ZParty.extend({
  bankAccounts: z.array(z.string()).openapi({ description: 'accounts the party pays from' }),
  relationships: z.array(
    z.object({
      id: z.string(),
      customer: z
        .object({ id: z.string(), accountNumber: z.string(), name: z.string() })
        .openapi({ description: "a consumer's name is masked for roles without phi:read" }),
      roles: z.array(z.enum(PARTY_ROLES)),
      email: z.string().nullable(),
      phone: z.string().nullable(),
    }),
  ),
}).openapi('PartyDetail');

const partyView = (r: PartyListRow) => ({
  id: r.id,
  code: r.party_code,
  name: r.name,
  kind: r.kind as (typeof PARTY_KINDS)[number],
  customers: r.customers,
});

export const partyRoutes = [
  defineRoute({
    permission: 'customers:read',
    route: createRoute({
      method: 'get',
      path: '/api/parties',
      tags: ['parties'],
      summary: 'Third parties (brokers, TPAs, captives, …) in party-code order',
      description:
        'A portfolio-scoped analyst sees the parties related to their customers, and counts only those.',
      request: {
        query: ZPageQuery.extend({
          kind: z.enum(PARTY_KINDS).optional(),
          q: z.string().max(200).optional().openapi({ description: 'party code or name starts with' }),
        }),
      },
      responses: { 200: jsonContent(page(ZParty), 'a page of parties'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const rows = await findPartiesPage(ctx.database.db, ctx.tenantId, {
        kind: query.kind,
        search: query.q,
        portfolioOf: portfolioOf(c.get('principal')),
        after: textCursor(query.cursor),
        limit: query.limit + 1,
      });
      const p = paginate(rows, query.limit, (r) => [r.party_code]);
      return json(c, { items: p.items.map(partyView), nextCursor: p.nextCursor });
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: createRoute({
      method: 'get',
      path: '/api/parties/{code}',
      tags: ['parties'],
      summary: 'One third party by its code, with the customers it serves and in which roles',
      request: { params: z.object({ code: z.string().min(1).max(100) }) },
      responses: { 200: jsonContent(ZPartyDetail, 'the party'), ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      const principal = c.get('principal');
      const portfolio = portfolioOf(principal);
      const [party] = await findPartiesPage(ctx.database.db, ctx.tenantId, {
        exactCode: params.code,
        portfolioOf: portfolio,
        limit: 1,
      });
      if (!party) throw apiError('api.not_found', `no party ${params.code}`);
      const relationships = await findPartyRelationships(ctx.database.db, ctx.tenantId, party.id, {
        portfolioOf: portfolio,
      });
      const bankAccounts = await findPartyBankAccounts(ctx.database.db, ctx.tenantId, party.id);
      const phi = canReadPhi(principal);
      await logPhiReads(
        ctx,
        principal,
        'customer',
        relationships.filter((r) => r.customer_type === 'consumer').map((r) => r.customer_id),
      );
      return json(c, {
        ...partyView(party),
        bankAccounts,
        relationships: relationships.map((r) => ({
          id: r.id,
          customer: {
            id: r.customer_id,
            accountNumber: r.account_number,
            name:
              r.customer_type === 'consumer' && !phi ? (maskText(r.customer_name) ?? '') : r.customer_name,
          },
          roles: r.roles as (typeof PARTY_ROLES)[number][],
          email: r.email,
          phone: r.phone,
        })),
      });
    },
  }),
];
