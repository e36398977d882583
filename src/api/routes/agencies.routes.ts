import { createRoute, z } from '@hono/zod-openapi';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import {
  type Agency,
  buildAgencyReport,
  buildPlacementFile,
  createAgency,
  listAgencies,
  listPlacements,
  type Placement,
  placeAccounts,
  recallPlacement,
  recordRecoveries,
  updateAgency,
} from '../../modules/agencies/index.ts';
import { recordAudit } from '../../modules/audit/index.ts';
import { toCsvLine } from '../../modules/tabular/index.ts';
import { defineRoute } from '../route.ts';
import { amount, ERRORS, json, jsonBody, jsonContent, ZAmount, ZDate } from './common.ts';
import { ZDay } from './receivables.routes.ts';

const ZRate = z
  .string()
  .min(1)
  .max(12)
  .openapi({ example: '0.25', description: 'commission as a fraction of what is recovered (0.25 = 25 %)' });

const ZAgency = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    commissionRate: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('Agency');

const ZPlacement = z
  .object({
    id: z.string(),
    agency: z.string(),
    accountNumber: z.string(),
    customerName: z.string(),
    currency: z.string(),
    placedOn: ZDate,
    placed: ZAmount,
    open: ZAmount.openapi({ description: 'still unpaid on the placed items today' }),
    commissionRate: z.string(),
    items: z.number().int(),
    status: z.enum(['placed', 'recalled', 'closed']),
    closedOn: ZDate.nullable(),
    closeReason: z.string().nullable(),
  })
  .openapi('Placement');

const agencyView = (a: Agency) => a;
const placementView = (p: Placement) => ({
  id: p.id,
  agency: p.agencyCode,
  accountNumber: p.accountNumber,
  customerName: p.customerName,
  currency: p.currency,
  placedOn: p.placedOn,
  placed: amount(p.placedMinor, p.currency),
  open: amount(p.openMinor, p.currency),
  commissionRate: p.commissionRate,
  items: p.items,
  status: p.status,
  closedOn: p.closedOn,
  closeReason: p.closeReason,
});

const ZCode = z.object({ code: z.string().min(1).max(32) });

const ZPlacementId = z.object({ id: z.string().min(1).max(64) });

export const agencyRoutes = [
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/agencies',
      tags: ['agencies'],
      summary: 'Collection agencies and their commission rates',
      responses: { 200: jsonContent(z.object({ items: z.array(ZAgency) }), 'the agencies'), ...ERRORS },
    }),
    async handler(c, _input, ctx) {
      return json(c, { items: (await listAgencies(ctx.database.db, ctx.tenantId)).map(agencyView) });
    },
  }),
  defineRoute({
    permission: 'agencies:manage',
    route: createRoute({
      method: 'post',
      path: '/api/agencies',
      tags: ['agencies'],
      summary: 'Add a collection agency',
      request: {
        body: jsonBody(
          z.object({
            code: z.string().min(1).max(32),
            name: z.string().min(1).max(200),
            commissionRate: ZRate,
            email: z.string().max(200).nullable().optional(),
            phone: z.string().max(50).nullable().optional(),
          }),
        ),
      },
      responses: { 201: jsonContent(ZAgency, 'added'), ...ERRORS },
    }),
    async handler(c, { body }, ctx) {
      const a = await createAgency(ctx, {
        code: body.code,
        name: body.name,
        commissionRate: body.commissionRate,
        email: body.email ?? null,
        phone: body.phone ?? null,
      });
      return json(c, agencyView(a), 201);
    },
  }),
  defineRoute({
    permission: 'agencies:manage',
    route: createRoute({
      method: 'patch',
      path: '/api/agencies/{code}',
      tags: ['agencies'],
      summary: "Change an agency's name, commission rate (for new placements), contact or active flag",
      request: {
        params: ZCode,
        body: jsonBody(
          z.object({
            name: z.string().min(1).max(200).optional(),
            commissionRate: ZRate.optional(),
            email: z.string().max(200).nullable().optional(),
            phone: z.string().max(50).nullable().optional(),
            active: z.boolean().optional(),
          }),
        ),
      },
      responses: { 200: jsonContent(ZAgency, 'changed'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const a = await updateAgency(ctx, params.code, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.commissionRate !== undefined ? { commissionRate: body.commissionRate } : {}),
        ...(body.email !== undefined ? { email: body.email } : {}),
        ...(body.phone !== undefined ? { phone: body.phone } : {}),
        ...(body.active !== undefined ? { active: body.active } : {}),
      });
      return json(c, agencyView(a));
    },
  }),
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/agencies/placements',
      tags: ['agencies'],
      summary: 'Placements with what was placed and what is still open',
      request: {
        query: z.object({
          agency: z.string().max(32).optional(),
          status: z.enum(['placed', 'recalled', 'closed']).optional(),
        }),
      },
      responses: { 200: jsonContent(z.object({ items: z.array(ZPlacement) }), 'placements'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const list = await listPlacements(ctx.database.db, ctx.tenantId, {
        ...(query.agency ? { agency: query.agency } : {}),
        ...(query.status ? { status: query.status } : {}),
      });
      return json(c, { items: list.map(placementView) });
    },
  }),
  defineRoute({
    permission: 'agencies:manage',
    route: createRoute({
      method: 'post',
      path: '/api/agencies/{code}/placements',
      tags: ['agencies'],
      summary: "Place accounts' open items with the agency (one placement per account and currency)",
      request: {
        params: ZCode,
        body: jsonBody(
          z.object({
            accounts: z.array(z.string().min(1).max(100)).min(1).max(5000),
            minDaysPastDue: z.number().int().min(0).max(10_000).optional(),
            itemNumbers: z.array(z.string().min(1).max(100)).max(10_000).optional(),
            date: ZDay.optional(),
            notes: z.string().max(1000).optional(),
          }),
        ),
      },
      responses: {
        201: jsonContent(z.object({ items: z.array(ZPlacement) }), 'the placements made'),
        ...ERRORS,
      },
    }),
    async handler(c, { params, body }, ctx) {
      const placed = await placeAccounts(ctx, {
        agency: params.code,
        accounts: body.accounts,
        ...(body.minDaysPastDue !== undefined ? { minDaysPastDue: body.minDaysPastDue } : {}),
        ...(body.itemNumbers ? { itemNumbers: body.itemNumbers } : {}),
        ...(body.date ? { date: body.date as LocalDate } : {}),
        ...(body.notes ? { notes: body.notes } : {}),
      });
      return json(c, { items: placed.map(placementView) }, 201);
    },
  }),
  defineRoute({
    permission: 'agencies:manage',
    route: createRoute({
      method: 'get',
      path: '/api/agencies/placements/{id}/file',
      tags: ['agencies'],
      summary: 'The placement file (CSV: account, contacts, items, balances) to send to the agency',
      description:
        'One row per placed item; columns in docs/worklist.md. It carries names, addresses and contacts for the agency, so it needs agencies:manage; each download is in the audit trail.',
      request: { params: ZPlacementId },
      responses: {
        200: { description: 'the CSV file', content: { 'text/csv': { schema: z.string() } } },
        ...ERRORS,
      },
    }),
    async handler(c, { params }, ctx) {
      const file = await buildPlacementFile(ctx.database.db, ctx.tenantId, {
        placementIds: [params.id],
        asOf: ctx.clock.today(),
      });
      await recordAudit(ctx.database.db, ctx.tenantId, [
        {
          actor: ctx.actor,
          action: 'agency.placement_file_exported',
          objectType: 'agency_placement',
          objectId: params.id,
          after: { rows: file.rows.length },
        },
      ]);
      const text = [toCsvLine([...file.columns]), ...file.rows.map((r) => toCsvLine(r))]
        .map((l) => `${l}\r\n`)
        .join('');
      return c.body(text, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="placement-${params.id}.csv"`,
      });
    },
  }),
  defineRoute({
    permission: 'agencies:manage',
    route: createRoute({
      method: 'post',
      path: '/api/agencies/placements/{id}/recall',
      tags: ['agencies'],
      summary: 'Take a placement back from the agency (its items return to the worklist)',
      request: {
        params: ZPlacementId,
        body: jsonBody(z.object({ reason: z.string().min(1).max(500), date: ZDay.optional() })),
      },
      responses: { 200: jsonContent(ZPlacement, 'recalled'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      const p = await recallPlacement(ctx, {
        placementId: params.id,
        reason: body.reason,
        ...(body.date ? { date: body.date as LocalDate } : {}),
      });
      return json(c, placementView(p));
    },
  }),
  defineRoute({
    permission: 'agencies:manage',
    route: createRoute({
      method: 'post',
      path: '/api/agencies/recoveries',
      tags: ['agencies'],
      summary:
        'Record what agencies recovered: each line posted as a receipt (net) applied to the placed items',
      description:
        'A line names the placement (or the account, and the agency when it has several), the day, the gross amount recovered and, optionally, the commission kept (default: the placement’s rate). The net is posted as a receipt applied to the placed items, oldest first; the commission as a fee row to bank charges. What the items no longer have open but have written off is reinstated first (Dr AR, Cr allowance) and applied as well. Any bad line refuses them all (400 with every problem).',
      request: {
        body: jsonBody(
          z.object({
            recoveries: z
              .array(
                z.object({
                  placementId: z.string().max(64).optional(),
                  accountNumber: z.string().max(100).optional(),
                  agency: z.string().max(32).optional(),
                  date: ZDay,
                  amount: ZAmount,
                  commission: ZAmount.optional(),
                  reference: z.string().min(1).max(100).optional(),
                }),
              )
              .min(1)
              .max(10_000),
          }),
        ),
      },
      responses: {
        201: jsonContent(
          z.object({
            recoveries: z.array(
              z.object({
                id: z.string(),
                placementId: z.string(),
                accountNumber: z.string(),
                agency: z.string(),
                currency: z.string(),
                date: ZDate,
                recovered: ZAmount,
                commission: ZAmount,
                net: ZAmount,
                receiptId: z.string().nullable(),
                applied: z.array(z.object({ itemNumber: z.string(), amount: ZAmount })),
                reinstated: z
                  .array(z.object({ itemNumber: z.string(), amount: ZAmount }))
                  .openapi({ description: 'written-off amounts put back on the books before being applied' }),
              }),
            ),
            closedPlacements: z.array(z.string()),
          }),
          'recorded and posted',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, { body }, ctx) {
      const r = await recordRecoveries(
        ctx,
        body.recoveries.map((l, i) => ({
          line: i + 1,
          date: l.date,
          amount: l.amount,
          ...(l.placementId ? { placementId: l.placementId } : {}),
          ...(l.accountNumber ? { accountNumber: l.accountNumber } : {}),
          ...(l.agency ? { agency: l.agency } : {}),
          ...(l.commission ? { commission: l.commission } : {}),
          ...(l.reference ? { reference: l.reference } : {}),
        })),
      );
      return json(
        c,
        {
          recoveries: r.recoveries.map((x) => ({
            id: x.id,
            placementId: x.placementId,
            accountNumber: x.accountNumber,
            agency: x.agencyCode,
            currency: x.currency,
            date: x.recoveredOn,
            recovered: amount(x.recoveredMinor, x.currency),
            commission: amount(x.commissionMinor, x.currency),
            net: amount(x.netMinor, x.currency),
            receiptId: x.receiptId,
            applied: x.applied.map((a) => ({
              itemNumber: a.itemNumber,
              amount: amount(a.amountMinor, x.currency),
            })),
            reinstated: x.reinstated.map((a) => ({
              itemNumber: a.itemNumber,
              amount: amount(a.amountMinor, x.currency),
            })),
          })),
          closedPlacements: r.closedPlacements,
        },
        201,
      );
    },
  }),
  defineRoute({
    permission: 'reports:read',
    route: createRoute({
      method: 'get',
      path: '/api/agencies/report',
      tags: ['agencies'],
      summary: 'Agency performance: placed, recovered, commission, net, recovery rate, days to recover',
      request: { query: z.object({ agency: z.string().max(32).optional() }) },
      responses: {
        200: jsonContent(
          z
            .object({
              items: z.array(
                z.object({
                  agency: z.string(),
                  name: z.string(),
                  currency: z.string(),
                  placements: z.number().int(),
                  active: z.number().int(),
                  recalled: z.number().int(),
                  closed: z.number().int(),
                  placed: ZAmount,
                  recovered: ZAmount,
                  commission: ZAmount,
                  net: ZAmount,
                  open: ZAmount,
                  recoveryRate: z.number().nullable(),
                  netRecoveryRate: z.number().nullable(),
                  costOfRecovery: z.number().nullable(),
                  placementsWithRecovery: z.number().int(),
                  meanDaysToFirstRecovery: z.number().nullable(),
                  medianDaysToFirstRecovery: z.number().nullable(),
                  amountWeightedDaysToRecover: z.number().nullable(),
                }),
              ),
            })
            .openapi('AgencyReport'),
          'one line per agency and currency',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, { query }, ctx) {
      const rows = await buildAgencyReport(
        ctx.database.db,
        ctx.tenantId,
        query.agency ? { agency: query.agency } : {},
      );
      return json(c, {
        items: rows.map((r) => {
          const cur = r.currency as CurrencyCode;
          return {
            agency: r.agencyCode,
            name: r.agencyName,
            currency: r.currency,
            placements: r.placements,
            active: r.active,
            recalled: r.recalled,
            closed: r.closed,
            placed: amount(r.placedMinor, cur),
            recovered: amount(r.recoveredMinor, cur),
            commission: amount(r.commissionMinor, cur),
            net: amount(r.netMinor, cur),
            open: amount(r.openMinor, cur),
            recoveryRate: r.recoveryRate,
            netRecoveryRate: r.netRecoveryRate,
            costOfRecovery: r.costOfRecovery,
            placementsWithRecovery: r.placementsWithRecovery,
            meanDaysToFirstRecovery: r.meanDaysToFirstRecovery,
            medianDaysToFirstRecovery: r.medianDaysToFirstRecovery,
            amountWeightedDaysToRecover: r.amountWeightedDaysToRecover,
          };
        }),
      });
    },
  }),
];
