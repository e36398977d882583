import { createRoute, z } from '@hono/zod-openapi';
import { isLocalDate, type LocalDate } from '../../core/local-date.ts';
import {
  CHANNELS,
  type DocumentMeta,
  dunningError,
  findDocuments,
  findDunningMessages,
  findOutbox,
  findStatementSchedules,
  findStrategies,
  findTemplates,
  getDocument,
  LETTER_KINDS,
  RECOMMENDATIONS,
  saveStrategy,
  saveTemplate,
  scheduleStatements,
  ZStrategyInput,
  ZTemplateInput,
} from '../../modules/dunning/index.ts';
import { enqueueJob, findJobs, type Job } from '../../modules/jobs/index.ts';
import { findCustomersPage } from '../../modules/parties/index.ts';
import { apiError } from '../api.errors.ts';
import { canReadPhi, logPhiReads } from '../phi.ts';
import { defineRoute } from '../route.ts';
import {
  decodeCursor,
  ERRORS,
  encodeCursor,
  json,
  jsonBody,
  jsonContent,
  page,
  ZDate,
  ZPageQuery,
} from './common.ts';
import { portfolioOf } from './customers.routes.ts';

const ZStep = z.object({
  id: z.string(),
  dayOffset: z.number().int(),
  channel: z.enum(CHANNELS),
  template: z.string().nullable(),
  letterKind: z.enum(LETTER_KINDS).nullable(),
  recommendation: z.enum(RECOMMENDATIONS).nullable(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
});

const ZStrategy = z
  .object({
    id: z.string(),
    name: z.string(),
    priority: z.number().int(),
    segments: z.array(z.string()).nullable(),
    customerTypes: z.array(z.string()).nullable(),
    riskClasses: z.array(z.string()).nullable(),
    minDaysBetweenNotices: z.number().int(),
    active: z.boolean(),
    isDefault: z.boolean(),
    steps: z.array(ZStep),
  })
  .openapi('DunningStrategy');

const ZTemplate = z
  .object({ code: z.string(), language: z.string(), subject: z.string(), body: z.string() })
  .openapi('DunningTemplate');

const ZJob = z
  .object({
    id: z.string(),
    kind: z.string(),
    runDate: ZDate,
    status: z.enum(['queued', 'running', 'done', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    result: z.record(z.string(), z.unknown()).nullable(),
    createdBy: z.string(),
  })
  .openapi('Job');

const jobView = (j: Job) => ({
  id: j.id,
  kind: j.kind,
  runDate: j.runDate,
  status: j.status,
  attempts: j.attempts,
  nextAttemptAt: j.status === 'queued' || j.status === 'running' ? j.nextAttemptAt.toISOString() : null,
  lastError: j.lastError,
  result: j.result,
  createdBy: j.createdBy,
});

const ZDocument = z
  .object({
    id: z.string(),
    accountNumber: z.string(),
    kind: z.string(),
    title: z.string(),
    language: z.string(),
    asOf: ZDate,
    contentType: z.string(),
    sha256: z.string(),
    sizeBytes: z.number().int(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .openapi('Document');

const documentView = (d: DocumentMeta) => ({
  id: d.id,
  accountNumber: d.accountNumber,
  kind: d.kind,
  title: d.title,
  language: d.language,
  asOf: d.asOf,
  contentType: d.contentType,
  sha256: d.sha256,
  sizeBytes: d.sizeBytes,
  createdAt: d.createdAt.toISOString(),
  createdBy: d.createdBy,
});

const ZAccount = z.object({ account: z.string().min(1).max(100) });

export const dunningRoutes = [
  defineRoute({
    permission: 'dunning:manage',
    route: createRoute({
      method: 'get',
      path: '/api/dunning/strategies',
      tags: ['dunning'],
      summary: 'Dunning strategies with their steps, in matching order (the default one seeded on first use)',
      responses: { 200: jsonContent(z.object({ items: z.array(ZStrategy) }), 'the strategies'), ...ERRORS },
    }),
    async handler(c, _input, ctx) {
      return json(c, { items: await findStrategies(ctx) });
    },
  }),
  defineRoute({
    permission: 'dunning:manage',
    route: createRoute({
      method: 'post',
      path: '/api/dunning/strategies',
      tags: ['dunning'],
      summary: 'Create or replace a strategy (by name) with its steps',
      description:
        'Steps: dayOffset relative to the due date, channel email|letter|call_task, template (emails and letters), letterKind (letters), recommendation credit_hold|agency_placement, recipients `to`/`cc` as contact:ROLE or party:ROLE.',
      request: { body: jsonBody(ZStrategyInput) },
      responses: { 200: jsonContent(ZStrategy, 'the strategy as saved'), ...ERRORS },
    }),
    async handler(c, { body }, ctx) {
      return json(c, await saveStrategy(ctx, body));
    },
  }),
  defineRoute({
    permission: 'dunning:manage',
    route: createRoute({
      method: 'get',
      path: '/api/dunning/templates',
      tags: ['dunning'],
      summary: 'Templates of dunning emails, letters and statements, per language',
      responses: { 200: jsonContent(z.object({ items: z.array(ZTemplate) }), 'the templates'), ...ERRORS },
    }),
    async handler(c, _input, ctx) {
      return json(c, { items: await findTemplates(ctx) });
    },
  }),
  defineRoute({
    permission: 'dunning:manage',
    route: createRoute({
      method: 'put',
      path: '/api/dunning/templates/{code}/{language}',
      tags: ['dunning'],
      summary: 'Create or replace a template in one language',
      description:
        'Merge fields: {{customer.name}}, {{customer.account_number}}, {{customer.address}}, {{company.name}}, {{contact.name}}, {{total_due}}, {{overdue_total}}, {{items}}, {{due_date}}, {{days_past_due}}, {{as_of}}, {{step.days}}.',
      request: {
        params: z.object({ code: z.string().min(1).max(64), language: z.string().min(2).max(20) }),
        body: jsonBody(ZTemplateInput),
      },
      responses: { 200: jsonContent(ZTemplate, 'the template as saved'), ...ERRORS },
    }),
    async handler(c, { params, body }, ctx) {
      return json(c, await saveTemplate(ctx, params.code, params.language, body));
    },
  }),
  defineRoute({
    permission: 'dunning:manage',
    route: createRoute({
      method: 'get',
      path: '/api/dunning/runs',
      tags: ['dunning'],
      summary: 'Dunning runs (jobs), newest run date first, with their results',
      request: { query: ZPageQuery },
      responses: { 200: jsonContent(page(ZJob), 'a page of runs'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const after = decodeCursor(query.cursor);
      const jobs = await findJobs(ctx.database.db, ctx.tenantId, {
        kind: 'dunning.run',
        limit: query.limit + 1,
        ...(after && after.length === 2
          ? { after: [String(after[0]), String(after[1])] as [string, string] }
          : {}),
      });
      const items = jobs.slice(0, query.limit);
      const last = items[items.length - 1];
      return json(c, {
        items: items.map(jobView),
        nextCursor: jobs.length > query.limit && last ? encodeCursor([last.runDate, last.id]) : null,
      });
    },
  }),
  defineRoute({
    permission: 'dunning:manage',
    route: createRoute({
      method: 'post',
      path: '/api/dunning/runs',
      tags: ['dunning'],
      summary: 'Queue the dunning run of a date (default today) for the job worker',
      description:
        'One run per date: asking again returns the same job. The worker (`arbor jobs work`) runs it, catching up every day since the last run; emails leave through the outbox.',
      request: {
        body: {
          required: false,
          content: { 'application/json': { schema: z.object({ date: ZDate.optional() }) } },
        },
      },
      responses: {
        202: jsonContent(ZJob, 'queued (or already there)'),
        ...ERRORS,
      },
    }),
    async handler(c, { body }, ctx) {
      const today = ctx.clock.today();
      const date = body?.date ?? today;
      if (!isLocalDate(date))
        throw apiError('api.invalid_request', `date: "${date}" is not a date`, {
          issues: [{ column: 'date', message: 'not a date' }],
        });
      if (date > today) throw dunningError('dunning.invalid_date', `${date} is in the future`);
      const { job } = await enqueueJob(ctx.database.db, ctx.tenantId, {
        kind: 'dunning.run',
        runDate: date as LocalDate,
        createdBy: ctx.actor,
        notBefore: ctx.clock.now(),
      });
      return json(c, jobView(job), 202);
    },
  }),
  defineRoute({
    permission: 'dunning:manage',
    route: createRoute({
      method: 'get',
      path: '/api/dunning/messages',
      tags: ['dunning'],
      summary: 'Notices and call tasks dunning made, newest first, with their delivery status',
      request: {
        query: z.object({
          date: ZDate.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
      responses: {
        200: jsonContent(z.object({ items: z.array(z.record(z.string(), z.unknown())) }), 'messages'),
        ...ERRORS,
      },
    }),
    async handler(c, { query }, ctx) {
      const rows = await findDunningMessages(ctx, {
        limit: query.limit,
        ...(query.date ? { runDate: query.date as LocalDate } : {}),
      });
      return json(c, { items: rows.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) });
    },
  }),
  defineRoute({
    permission: 'dunning:manage',
    route: createRoute({
      method: 'get',
      path: '/api/dunning/outbox',
      tags: ['dunning'],
      summary: 'The email outbox, newest first: attempts, last error, next attempt',
      request: {
        query: ZPageQuery.extend({
          status: z.enum(['pending', 'sending', 'sent', 'failed', 'cancelled']).optional(),
        }),
      },
      responses: { 200: jsonContent(page(z.record(z.string(), z.unknown())), 'a page of emails'), ...ERRORS },
    }),
    async handler(c, { query }, ctx) {
      const before = decodeCursor(query.cursor)?.[0];
      const rows = await findOutbox(ctx, {
        status: query.status,
        limit: query.limit + 1,
        ...(before === undefined ? {} : { before: String(before) }),
      });
      const items = rows.slice(0, query.limit);
      const last = items[items.length - 1];
      return json(c, {
        items: items.map((e) => ({
          id: e.id,
          status: e.status,
          purpose: e.purpose,
          to: e.to,
          cc: e.cc,
          subject: e.subject,
          documentIds: e.documentIds,
          attempts: e.attempts,
          maxAttempts: e.maxAttempts,
          nextAttemptAt:
            e.status === 'pending' || e.status === 'sending' ? e.nextAttemptAt.toISOString() : null,
          lastAttemptAt: e.lastAttemptAt?.toISOString() ?? null,
          lastError: e.lastError,
          sentAt: e.sentAt?.toISOString() ?? null,
        })),
        nextCursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null,
      });
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: createRoute({
      method: 'get',
      path: '/api/customers/{account}/documents',
      tags: ['documents'],
      summary: "A customer's documents (letters, statements) as sent, newest first",
      request: { params: ZAccount, query: ZPageQuery },
      responses: { 200: jsonContent(page(ZDocument), 'a page of documents'), ...ERRORS },
    }),
    async handler(c, { params, query }, ctx) {
      const [customer] = await findCustomersPage(ctx.database.db, ctx.tenantId, {
        exactAccount: params.account,
        portfolioOf: portfolioOf(c.get('principal')),
        limit: 1,
      });
      if (!customer) throw apiError('api.not_found', `no customer ${params.account}`);
      const before = decodeCursor(query.cursor)?.[0];
      const docs = await findDocuments(ctx, {
        accountNumber: customer.account_number,
        limit: query.limit + 1,
        ...(before === undefined ? {} : { before: String(before) }),
      });
      const items = docs.slice(0, query.limit);
      const last = items[items.length - 1];
      return json(c, {
        items: items.map(documentView),
        nextCursor: docs.length > query.limit && last ? encodeCursor([last.id]) : null,
      });
    },
  }),
  defineRoute({
    permission: 'customers:read',
    route: createRoute({
      method: 'get',
      path: '/api/documents/{id}',
      tags: ['documents'],
      summary: 'A document exactly as it was sent (application/pdf)',
      description:
        "A consumer's documents are protected health information: only roles with `phi:read` may download them, and each download is written to the audit trail. The `x-content-sha256` header is the digest recorded when it was made.",
      request: { params: z.object({ id: z.string().min(1).max(64) }) },
      responses: {
        200: {
          description: 'the PDF',
          content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
        },
        ...ERRORS,
      },
    }),
    async handler(c, { params }, ctx) {
      const principal = c.get('principal');
      const found = await getDocument(ctx, params.id);
      const [customer] = await findCustomersPage(ctx.database.db, ctx.tenantId, {
        exactAccount: found.meta.accountNumber,
        portfolioOf: portfolioOf(principal),
        limit: 1,
      });
      if (!customer) throw apiError('api.not_found', `no document ${params.id}`);
      if (found.meta.customerType === 'consumer') {
        if (!canReadPhi(principal))
          throw apiError(
            'api.forbidden',
            `document ${params.id} is a consumer's (protected health information): the ${principal.role} role does not have phi:read`,
          );
        await logPhiReads(ctx, principal, 'document', [found.meta.id]);
      }
      return c.body(new Uint8Array(found.content), 200, {
        'content-type': 'application/pdf',
        'content-disposition': `inline; filename="${found.meta.kind.replace('_', '-')}-${found.meta.id}.pdf"`,
        'x-content-sha256': found.meta.sha256,
        'cache-control': 'private, no-store',
      });
    },
  }),
  defineRoute({
    permission: 'dunning:manage',
    route: createRoute({
      method: 'put',
      path: '/api/customers/{account}/statement-schedule',
      tags: ['documents'],
      summary: "Send a customer's statement on a schedule (monthly on a day, weekly on a weekday) or stop",
      request: {
        params: ZAccount,
        body: jsonBody(
          z.object({
            frequency: z.enum(['monthly', 'weekly', 'off']),
            day: z.number().int().min(1).max(31).optional().openapi({
              description:
                'monthly: 1–31 (31 = month end, the default); weekly: ISO weekday 1–7 (default 1, Monday)',
            }),
          }),
        ),
      },
      responses: {
        200: jsonContent(
          z.object({
            accountNumber: z.string(),
            frequency: z.string().nullable(),
            day: z.number().int().nullable(),
            nextRunDate: ZDate.nullable(),
            active: z.boolean(),
          }),
          'the schedule',
        ),
        ...ERRORS,
      },
    }),
    async handler(c, { params, body }, ctx) {
      const view = await scheduleStatements(
        ctx,
        params.account,
        body.frequency === 'off'
          ? { off: true }
          : { frequency: body.frequency, ...(body.day === undefined ? {} : { day: body.day }) },
      );
      return json(c, {
        accountNumber: params.account,
        frequency: view?.frequency ?? null,
        day: view?.day ?? null,
        nextRunDate: view?.nextRunDate ?? null,
        active: view !== null,
      });
    },
  }),
  defineRoute({
    permission: 'dunning:manage',
    route: createRoute({
      method: 'get',
      path: '/api/statement-schedules',
      tags: ['documents'],
      summary: 'Customers with statements on a schedule',
      responses: {
        200: jsonContent(z.object({ items: z.array(z.record(z.string(), z.unknown())) }), 'schedules'),
        ...ERRORS,
      },
    }),
    async handler(c, _input, ctx) {
      return json(c, { items: await findStatementSchedules(ctx) });
    },
  }),
];
