import { createHash } from 'node:crypto';
import type { RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { ServiceContext } from '../core/context.ts';
import { preparedStatement } from '../db/bulk.ts';
import { beginAsTenant } from '../db/tenant-begin.ts';
import { DeferredAudit, flushDeferredAudit, withAuditContext } from '../modules/audit/index.ts';
import {
  authenticateSession,
  authenticateToken,
  checkCsrf,
  type Permission,
  type Principal,
} from '../modules/identity/index.ts';
import { apiError } from './api.errors.ts';
import type { TogetherJob } from './apply-together.ts';
import type { ApiDeps, ApiEnv } from './env.ts';
import { enterTenant, isRetryable, joinTransaction } from './unit-of-work.ts';

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type JsonBody<R extends RouteConfig> = R['request'] extends {
  body: { content: { 'application/json': { schema: infer B } } };
}
  ? Out<B>
  : undefined;

/** The validated parts of a request, typed from the route's zod schemas. */
export interface RouteInput<R extends RouteConfig> {
  readonly params: R['request'] extends { params: infer P } ? Out<P> : Record<string, never>;
  readonly query: R['request'] extends { query: infer Q } ? Out<Q> : Record<string, never>;
  readonly body: JsonBody<R>;
}

export type RouteHandler<R extends RouteConfig> = (
  c: Context<ApiEnv>,
  input: RouteInput<R>,
  ctx: ServiceContext,
) => Promise<Response>;

/**
 * One entry of the route table: the OpenAPI route (method, path, zod schemas, responses), the one
 * permission it needs (`public` for sign-in and health), and the handler. `transactional: false`
 * runs the handler without the request transaction (public routes, streaming downloads).
 */
export interface ApiRoute {
  readonly permission: Permission | 'public';
  readonly route: RouteConfig;
  readonly transactional: boolean;
  /** The answer carries a secret shown once (a password, a token): never stored for replay. */
  readonly secretResponse: boolean;
  /** Every statement the handler makes goes by key: plan them once (db/tenant-begin.ts). */
  readonly genericPlans: boolean;
  readonly handler: RouteHandler<RouteConfig>;
  /**
   * A manual application that may share a transaction with others (ADR 0017, api/apply-together.ts):
   * what it asks, or null to run the handler as usual. Checks that answer 4xx go here, before it joins.
   */
  readonly together?: TogetherHandler<RouteConfig> | undefined;
}

export type TogetherHandler<R extends RouteConfig> = (
  c: Context<ApiEnv>,
  input: RouteInput<R>,
) => {
  readonly request: TogetherJob['request'];
  readonly respond: TogetherJob['respond'];
} | null;

export function defineRoute<R extends RouteConfig>(spec: {
  permission: Permission | 'public';
  route: R;
  transactional?: boolean;
  secretResponse?: boolean;
  genericPlans?: boolean;
  handler: RouteHandler<R>;
  together?: TogetherHandler<R>;
}): ApiRoute {
  return {
    permission: spec.permission,
    route: spec.route,
    transactional: spec.transactional ?? spec.permission !== 'public',
    secretResponse: spec.secretResponse ?? false,
    genericPlans: spec.genericPlans ?? false,
    handler: spec.handler as unknown as RouteHandler<RouteConfig>,
    together: spec.together as unknown as TogetherHandler<RouteConfig> | undefined,
  };
}

export const SESSION_COOKIE = 'arbor_session';
export const CSRF_COOKIE = 'arbor_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves who is calling (a bearer token, else the session cookie) and checks the route's
 * permission. Browser requests that change something must carry the session's CSRF token in
 * `X-CSRF-Token`; bearer requests need none (a browser never attaches them by itself).
 */
export function authorize(permission: Permission | 'public', deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (permission === 'public') return next();
    let principal: Principal | null = null;
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      principal = match?.[1] ? await authenticateToken(deps.database, deps.clock, match[1]) : null;
      if (!principal)
        throw apiError('api.unauthenticated', 'the bearer token is invalid, expired or revoked');
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (!cookie)
        throw apiError('api.unauthenticated', 'sign in first (POST /api/auth/login) or send a bearer token');
      const session = await authenticateSession(deps.database, deps.clock, cookie);
      if (!session) throw apiError('api.unauthenticated', 'the session has expired or was signed out');
      if (!SAFE_METHODS.has(c.req.method) && !checkCsrf(session.csrfHash, c.req.header('x-csrf-token')))
        throw apiError('api.csrf', 'missing or wrong X-CSRF-Token header for a request that changes data');
      principal = session.principal;
    }
    if (permission !== 'self' && !principal.permissions.has(permission))
      throw apiError(
        'api.forbidden',
        `the ${principal.role} role does not have the ${permission} permission`,
      );
    c.set('principal', principal);
    await next();
  };
}

/** Carries a response out of a transaction that must roll back (a 4xx or 5xx answer). */
class Rollback extends Error {
  constructor(readonly response: Response) {
    super('rollback');
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * A POST's `Idempotency-Key` (checked: 400 when malformed) and the hash of what was asked (method,
 * path and body), which a replay must match.
 */
export async function idempotencyOf(
  c: Context<ApiEnv>,
): Promise<{ key: string | undefined; requestHash: string }> {
  const key = c.req.method === 'POST' ? c.req.header('idempotency-key') : undefined;
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
    throw apiError(
      'api.invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 printable ASCII characters',
    );
  const requestHash =
    key === undefined
      ? ''
      : createHash('sha256')
          .update(`${c.req.method} ${c.req.path}\n`)
          .update(await c.req.text())
          .digest('hex');
  return { key, requestHash };
}

/**
 * Runs a handler as one unit of work: a transaction acting as the tenant (row-level security), the
 * audit context (request id, source address), and for a POST with `Idempotency-Key` the stored first
 * answer. The key is claimed by inserting it first; a concurrent request with the same key waits on
 * that row, then replays the answer (or runs, if the first rolled back). The answer is stored in the
 * same transaction as the writes, so a crash loses both or neither. Deadlocks and serialization
 * failures rerun the whole unit (the body is already read).
 */
export async function runUnitOfWork(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  fn: (ctx: ServiceContext) => Promise<Response>,
  options: { secretResponse?: boolean; genericPlans?: boolean } = {},
): Promise<Response> {
  const principal = c.get('principal');
  const requestId = c.get('requestId');
  const source = c.get('source');
  const { key, requestHash } = await idempotencyOf(c);
  for (let attempt = 1; ; attempt++) {
    const afterCommit: string[] = [];
    try {
      const response = await beginAsTenant(
        principal.tenantId,
        () =>
          deps.database.db.transaction().execute(async (tx) => {
            await enterTenant(tx, principal.tenantId);
            if (key !== undefined) {
              const claimed = await tx
                .insertInto('idempotency_keys')
                .values({
                  tenant_id: principal.tenantId,
                  user_id: principal.userId,
                  key,
                  method: c.req.method,
                  path: c.req.path,
                  request_hash: requestHash,
                })
                .onConflict((oc) => oc.doNothing())
                .returning('key')
                .executeTakeFirst();
              if (!claimed) {
                const first = await tx
                  .selectFrom('idempotency_keys')
                  .selectAll()
                  .where('tenant_id', '=', principal.tenantId)
                  .where('user_id', '=', principal.userId)
                  .where('key', '=', key)
                  .executeTakeFirstOrThrow();
                if (first.request_hash !== requestHash)
                  throw apiError(
                    'api.idempotency_key_reused',
                    'this Idempotency-Key was used with another request; use a new key for a new request',
                  );
                if (first.response_body === null)
                  throw apiError(
                    'api.idempotency_key_reused',
                    'this request was already done; its answer held a secret that is shown only once',
                  );
                return c.body(first.response_body, (first.status_code ?? 200) as ContentfulStatusCode, {
                  'content-type': first.content_type ?? 'application/json',
                  'idempotent-replayed': 'true',
                });
              }
            }
            const ctx: ServiceContext = {
              database: joinTransaction(deps.database, tx, afterCommit),
              clock: deps.clock,
              tenantId: principal.tenantId,
              actor: principal.username,
            };
            c.set('ctx', ctx);
            const deferred = new DeferredAudit();
            const response = await withAuditContext({ requestId, source, deferred }, () => fn(ctx));
            if (response.status >= 400) throw new Rollback(response);
            // The stored answer goes with the audit rows, in their round trip.
            const answer =
              key === undefined
                ? []
                : [
                    preparedStatement(
                      'idempotency_keys',
                      sql`update idempotency_keys set status_code = ${response.status},
                    content_type = ${response.headers.get('content-type')},
                    response_body = ${options.secretResponse ? null : await response.clone().text()}
                    where tenant_id = ${principal.tenantId} and user_id = ${principal.userId} and key = ${key}`,
                    ),
                  ];
            // Last: the audit rows take the tenant's chain head, held from here to the commit.
            await flushDeferredAudit(tx, deferred, answer);
            return response;
          }),
        { genericPlans: options.genericPlans ?? false },
      );
      for (const script of afterCommit) {
        try {
          await deps.database.exec(script);
        } catch (error) {
          // Maintenance (statistics, visibility map) only: the request's work is committed.
          deps.logger.warn('maintenance_failed', { requestId, statement: script, error: String(error) });
        }
      }
      return response;
    } catch (e) {
      if (e instanceof Rollback) return e.response;
      if (attempt < 4 && isRetryable(e)) continue;
      throw e;
    }
  }
}
