import { createRoute, z } from '@hono/zod-openapi';
import {
  createApiToken,
  createUser,
  listApiTokens,
  listUsers,
  PERMISSIONS,
  ROLES,
  revokeApiToken,
} from '../../modules/identity/index.ts';
import { apiError } from '../api.errors.ts';
import { defineRoute } from '../route.ts';
import { ERRORS, json, jsonBody, jsonContent } from './common.ts';

const ZUser = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    status: z.string(),
    portfolioScoped: z.boolean(),
  })
  .openapi('User');

const ZToken = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.string()).nullable(),
    expiresAt: z.string(),
    revoked: z.boolean(),
  })
  .openapi('ApiToken');

const iso = (d: Date | string | null | undefined) => (d instanceof Date ? d.toISOString() : (d ?? null));

export const userRoutes = [
  defineRoute({
    permission: 'users:manage',
    route: createRoute({
      method: 'get',
      path: '/api/users',
      tags: ['users'],
      summary: 'Users of the tenant (never their secrets)',
      responses: { 200: jsonContent(z.object({ items: z.array(ZUser) }), 'the users'), ...ERRORS },
    }),
    async handler(c, _input, ctx) {
      const users = await listUsers(ctx);
      return json(c, {
        items: users.map((u) => ({
          id: u.id,
          username: u.username,
          role: u.role,
          status: u.status,
          portfolioScoped: u.portfolioScoped,
        })),
      });
    },
  }),
  defineRoute({
    permission: 'users:manage',
    // The generated password is answered once: never kept for an Idempotency-Key replay.
    secretResponse: true,
    route: createRoute({
      method: 'post',
      path: '/api/users',
      tags: ['users'],
      summary: 'Add a user; the answer holds a one-time password unless one was given',
      request: {
        body: jsonBody(
          z.object({
            username: z.string().min(1).max(64),
            role: z.enum(ROLES),
            password: z.string().min(12).max(1024).optional(),
            displayName: z.string().max(200).optional(),
            portfolioScoped: z.boolean().optional(),
          }),
        ),
      },
      responses: {
        201: jsonContent(z.object({ id: z.string(), password: z.string().nullable() }), 'created'),
        ...ERRORS,
      },
    }),
    async handler(c, { body }, ctx) {
      const created = await createUser(ctx, {
        username: body.username,
        role: body.role,
        ...(body.password !== undefined ? { password: body.password } : {}),
        ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        ...(body.portfolioScoped !== undefined ? { portfolioScoped: body.portfolioScoped } : {}),
      });
      c.header('cache-control', 'no-store');
      return json(c, { id: created.userId, password: created.password }, 201);
    },
  }),
  defineRoute({
    permission: 'self',
    route: createRoute({
      method: 'get',
      path: '/api/tokens',
      tags: ['users'],
      summary: 'The caller’s API tokens (never their secrets)',
      responses: { 200: jsonContent(z.object({ items: z.array(ZToken) }), 'the tokens'), ...ERRORS },
    }),
    async handler(c, _input, ctx) {
      const tokens = await listApiTokens(ctx, c.get('principal').username);
      return json(c, {
        items: tokens.map((t) => ({
          id: t.id,
          name: t.name,
          scopes: t.scopes,
          expiresAt: iso(t.expiresAt),
          revoked: t.revokedAt !== null,
        })),
      });
    },
  }),
  defineRoute({
    permission: 'self',
    secretResponse: true,
    route: createRoute({
      method: 'post',
      path: '/api/tokens',
      tags: ['users'],
      summary: 'Create a personal API token for the caller (shown once)',
      request: {
        body: jsonBody(
          z.object({
            name: z.string().min(1).max(100),
            scopes: z.array(z.enum(PERMISSIONS)).optional(),
            expiresInDays: z.number().int().min(1).max(366).optional(),
          }),
        ),
      },
      responses: {
        201: jsonContent(z.object({ id: z.string(), token: z.string(), expiresAt: z.string() }), 'created'),
        ...ERRORS,
      },
    }),
    async handler(c, { body }, ctx) {
      const t = await createApiToken(ctx, {
        username: c.get('principal').username,
        name: body.name,
        ...(body.scopes !== undefined ? { scopes: body.scopes } : {}),
        ...(body.expiresInDays !== undefined ? { expiresInDays: body.expiresInDays } : {}),
      });
      c.header('cache-control', 'no-store');
      return json(c, { id: t.tokenId, token: t.token, expiresAt: t.expiresAt.toISOString() }, 201);
    },
  }),
  defineRoute({
    permission: 'self',
    route: createRoute({
      method: 'delete',
      path: '/api/tokens/{id}',
      tags: ['users'],
      summary: 'Revoke one of the caller’s tokens',
      request: { params: z.object({ id: z.string().max(64) }) },
      responses: { 204: { description: 'revoked' }, ...ERRORS },
    }),
    async handler(c, { params }, ctx) {
      const mine = await listApiTokens(ctx, c.get('principal').username);
      if (!mine.some((t) => t.id === params.id))
        throw apiError('api.not_found', `no token ${params.id} of yours`);
      await revokeApiToken(ctx, params.id);
      return c.body(null, 204);
    },
  }),
];
