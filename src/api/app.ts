import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { sql } from 'kysely';
import { isAppError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { LoginRateLimiter } from '../modules/identity/index.ts';
import { apiError } from './api.errors.ts';
import { applyTogether } from './apply-together.ts';
import type { ApiDeps, ApiEnv, AppState } from './env.ts';
import { LOGIN_PAGE } from './login-page.ts';
import { renderApiDocs } from './openapi-docs.ts';
import { internalProblem, problemOf, problemResponse } from './problem.ts';
import { type ApiRoute, authorize, idempotencyOf, runUnitOfWork } from './route.ts';
import { ROUTES } from './routes/index.ts';
import { Mutex } from './unit-of-work.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Arbor API',
    version: '0.1.0',
    description:
      'Accounts receivable and collections. Money is a decimal string in major units; dates are YYYY-MM-DD. ' +
      'Errors are application/problem+json with the module error code. Every POST accepts an Idempotency-Key.',
  },
};

/**
 * The HTTP application: request ids and JSON logs, sign-in, the route table with one permission per
 * route, a unit of work per request, problem+json errors, the OpenAPI document and its readable page.
 */
export function createApp(deps: ApiDeps, routes: readonly ApiRoute[] = ROUTES): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({
    // A request that fails its zod schema: 400 naming each field.
    defaultHook: (result) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => ({
        column: i.path.join('.') || '(body)',
        message: i.message,
      }));
      throw apiError('api.invalid_request', issues.map((i) => `${i.column}: ${i.message}`).join('; '), {
        issues,
      });
    },
  });
  const mutex = deps.database.kind === 'pglite' ? (deps.mutex ?? new Mutex()) : null;
  const state: AppState = {
    deps,
    loginLimiter: new LoginRateLimiter({ perMinute: deps.loginAttemptsPerMinute ?? 10 }),
  };

  app.use('*', async (c, next) => {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : newId('request');
    c.set('requestId', requestId);
    c.set('app', state);
    c.set('source', sourceAddress(c, deps.trustProxy ?? false));
    c.header('x-request-id', requestId);
    if (mutex && (c.req.path.startsWith('/api/') || c.req.path === '/readyz')) await mutex.run(next);
    else await next();
    // The route pattern, not the raw path: ids in paths and queries may be protected data.
    deps.logger.info('request', {
      requestId,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      user: c.get('principal')?.userId,
    });
  });

  app.onError((error, c) => {
    const requestId = c.get('requestId');
    if (isAppError(error)) return problemResponse(c, problemOf(error, requestId));
    deps.logger.error('unhandled', {
      requestId,
      error:
        error instanceof Error
          ? { name: error.name, message: error.message, stack: error.stack }
          : String(error),
    });
    return problemResponse(c, internalProblem(requestId));
  });
  app.notFound((c) =>
    problemResponse(
      c,
      problemOf(apiError('api.not_found', `no route for ${c.req.method} ${c.req.path}`), c.get('requestId')),
    ),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/login', (c) => c.html(LOGIN_PAGE));
  app.get('/', (c) => c.redirect('/login'));
  app.get('/readyz', async (c) => {
    try {
      await sql`select 1`.execute(deps.database.db);
      return c.json({ status: 'ready', database: deps.database.kind });
    } catch {
      return c.json({ status: 'unavailable', database: deps.database.kind }, 503);
    }
  });

  for (const r of routes) {
    app.openapi(
      {
        ...r.route,
        description: `${r.route.description ? `${r.route.description}\n\n` : ''}Permission: ${r.permission === 'public' ? 'none (public)' : `\`${r.permission}\``}.`,
        middleware: [authorize(r.permission, deps)],
      },
      // biome-ignore lint/suspicious/noExplicitAny: the table erases each route's own input types
      (async (c: Context<ApiEnv, any, any>) => {
        const input = {
          params: r.route.request?.params ? c.req.valid('param') : {},
          query: r.route.request?.query ? c.req.valid('query') : {},
          body: r.route.request?.body?.content?.['application/json'] ? c.req.valid('json') : undefined,
        };
        if (!r.transactional) {
          const principal = c.get('principal');
          const ctx = {
            database: deps.database,
            clock: deps.clock,
            tenantId: principal?.tenantId ?? 0,
            actor: principal?.username ?? 'anonymous',
          };
          return r.handler(c, input as never, ctx);
        }
        const alone = () =>
          runUnitOfWork(c, deps, (ctx) => r.handler(c, input as never, ctx), {
            secretResponse: r.secretResponse,
            genericPlans: r.genericPlans,
          });
        const batcher = r.together ? applyTogether(deps) : null;
        const asked = batcher && r.together ? r.together(c, input as never) : null;
        if (batcher && asked) {
          const { key, requestHash } = await idempotencyOf(c);
          return batcher.submit({ c, ...asked, key, requestHash, alone });
        }
        return alone();
        // biome-ignore lint/suspicious/noExplicitAny: see above
      }) as any,
    );
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'arbor_session',
  });
  // The description of the API is for signed-in users too: only sign-in and health are open.
  app.use('/api/openapi.json', authorize('self', deps));
  app.use('/api/docs', authorize('self', deps));
  app.doc31('/api/openapi.json', {
    ...OPENAPI_INFO,
    security: [{ bearer: [] }, { session: [] }],
  });
  app.get('/api/docs', (c) => {
    const doc = app.getOpenAPI31Document({ ...OPENAPI_INFO });
    return c.html(renderApiDocs(doc));
  });
  return app;
}

function sourceAddress(c: Context<ApiEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  // @hono/node-server puts the socket on c.env.incoming.
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
