import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import { login, logout, type Principal } from '../../modules/identity/index.ts';
import { apiError } from '../api.errors.ts';
import { CSRF_COOKIE, defineRoute, SESSION_COOKIE } from '../route.ts';
import { ERRORS, json, jsonBody, jsonContent, ZProblem } from './common.ts';

const ZMe = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z.string(),
    permissions: z.array(z.string()),
    portfolioScoped: z.boolean(),
    via: z.enum(['session', 'token']),
  })
  .openapi('Me');

const me = (p: Principal) => ({
  id: p.userId,
  username: p.username,
  role: p.role,
  permissions: [...p.permissions].sort(),
  portfolioScoped: p.portfolioScoped,
  via: p.via,
});

export const authRoutes = [
  defineRoute({
    permission: 'public',
    route: createRoute({
      method: 'post',
      path: '/api/auth/login',
      tags: ['auth'],
      summary: 'Sign in with a username and password; sets the session cookie',
      description:
        'Sets `arbor_session` (HttpOnly, SameSite=Lax, Secure behind TLS) and `arbor_csrf`. Requests that change data with the session cookie must send the CSRF token in `X-CSRF-Token`. Attempts are rate-limited per source address, and a user is locked for 15 minutes after 5 failures.',
      request: {
        body: jsonBody(
          z.object({
            username: z.string().min(1).max(64),
            password: z.string().min(1).max(1024),
            tenant: z.string().max(63).optional().openapi({ description: 'tenant slug (default: default)' }),
          }),
        ),
      },
      responses: {
        200: jsonContent(z.object({ user: ZMe, csrfToken: z.string(), expiresAt: z.string() }), 'signed in'),
        400: ERRORS[400],
        401: {
          description: 'wrong username or password',
          content: { 'application/problem+json': { schema: ZProblem } },
        },
        429: {
          description: 'too many attempts, or the user is locked',
          content: { 'application/problem+json': { schema: ZProblem } },
        },
      },
    }),
    async handler(c, { body }) {
      const { deps, loginLimiter } = c.get('app');
      const source = c.get('source');
      if (!loginLimiter.check(source, Date.now()))
        throw apiError('api.too_many_requests', 'too many sign-in attempts from this address; wait a minute');
      const result = await login(deps.database, deps.clock, {
        ...(body.tenant ? { tenant: body.tenant } : {}),
        username: body.username,
        password: body.password,
        source,
      });
      const secure = deps.secureCookies ?? new URL(c.req.url).protocol === 'https:';
      setCookie(c, SESSION_COOKIE, result.cookieValue, {
        httpOnly: true,
        sameSite: 'Lax',
        secure,
        path: '/',
        expires: result.expiresAt,
      });
      setCookie(c, CSRF_COOKIE, result.csrfToken, {
        sameSite: 'Lax',
        secure,
        path: '/',
        expires: result.expiresAt,
      });
      return json(c, {
        user: me(result.principal),
        csrfToken: result.csrfToken,
        expiresAt: result.expiresAt.toISOString(),
      });
    },
  }),
  defineRoute({
    permission: 'self',
    transactional: false,
    route: createRoute({
      method: 'post',
      path: '/api/auth/logout',
      tags: ['auth'],
      summary: 'Sign out: the session is revoked',
      responses: { 204: { description: 'signed out' }, 401: ERRORS[401], 403: ERRORS[403] },
    }),
    async handler(c) {
      const { deps } = c.get('app');
      await logout(deps.database, c.get('principal'));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      deleteCookie(c, CSRF_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  }),
  defineRoute({
    permission: 'self',
    transactional: false,
    route: createRoute({
      method: 'get',
      path: '/api/auth/me',
      tags: ['auth'],
      summary: 'Who is signed in, with the role and its permissions',
      responses: { 200: jsonContent(ZMe, 'the caller'), 401: ERRORS[401] },
    }),
    async handler(c) {
      return json(c, me(c.get('principal')));
    },
  }),
];
