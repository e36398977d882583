import { createRoute, z } from '@hono/zod-openapi';
import type { LocalDate } from '../../core/local-date.ts';
import { type AuditExportRow, exportAudit, verifyAuditChain } from '../../modules/audit/index.ts';
import { apiError } from '../api.errors.ts';
import { defineRoute } from '../route.ts';
import { ERRORS, json, jsonContent, ZDate } from './common.ts';

/** An export answered in one piece; a longer period is asked for in parts (or with `arbor audit export`). */
const MAX_EXPORT_ROWS = 100_000;

const ZAuditRow = z
  .object({
    seq: z.string().nullable(),
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    objectType: z.string(),
    objectId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
    source: z.string().nullable(),
    prevHash: z.string().nullable(),
    hash: z.string().nullable(),
    lane: z.number().int().openapi({ description: 'the hash chain (lane) the row belongs to (ADR 0014)' }),
  })
  .openapi('AuditRow');

const rowView = (r: AuditExportRow) => ({
  ...r,
  seq: r.seq === null ? null : r.seq.toString(),
  at: r.at.toISOString(),
});

export const auditRoutes = [
  defineRoute({
    permission: 'audit:read',
    route: createRoute({
      method: 'get',
      path: '/api/audit/verify',
      tags: ['audit'],
      summary:
        'Verify the audit trail’s hash chain: every row unchanged, none removed, none added out of order',
      responses: {
        200: jsonContent(
          z.object({
            ok: z.boolean(),
            rows: z.number().int(),
            legacyRows: z.string(),
            headSeq: z.string(),
            headHash: z.string().nullable(),
            lanes: z.array(z.object({ lane: z.number().int(), seq: z.string(), hash: z.string() })),
            failureCount: z.number().int(),
            failures: z.array(
              z.object({
                lane: z.number().int(),
                seq: z.string().nullable(),
                id: z.string().nullable(),
                problem: z.string(),
              }),
            ),
          }),
          'the verification (ok false names each failure)',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, _input, ctx) {
      const report = await verifyAuditChain(ctx);
      return json(c, {
        ...report,
        lanes: report.lanes.map((l) => ({ ...l, seq: l.seq.toString() })),
        failures: report.failures.map((f) => ({ ...f, seq: f.seq === null ? null : f.seq.toString() })),
      });
    },
  }),
  defineRoute({
    permission: 'audit:read',
    route: createRoute({
      method: 'get',
      path: '/api/audit',
      tags: ['audit'],
      summary: 'The audit trail of a period, in chain order, with positions and hashes (for auditors)',
      request: { query: z.object({ from: ZDate.optional(), to: ZDate.optional() }) },
      responses: { 200: jsonContent(z.object({ items: z.array(ZAuditRow) }), 'the rows'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const items: ReturnType<typeof rowView>[] = [];
      for await (const row of exportAudit(ctx, {
        ...(query.from ? { from: query.from as LocalDate } : {}),
        ...(query.to ? { to: query.to as LocalDate } : {}),
      })) {
        if (items.length === MAX_EXPORT_ROWS)
          throw apiError(
            'api.payload_too_large',
            `more than ${MAX_EXPORT_ROWS.toLocaleString('en-US')} audit rows in this period: ask for a shorter one, or use arbor audit export`,
          );
        items.push(rowView(row));
      }
      return json(c, { items });
    },
  }),
];
