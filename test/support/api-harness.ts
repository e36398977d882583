import { createApp } from '../../src/api/app.ts';
import { memoryLogger } from '../../src/api/logger.ts';
import type { LocalDate } from '../../src/core/local-date.ts';
import { createApiToken, createUser, ROLES, type Role } from '../../src/modules/identity/index.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface ApiHarness extends TestDatabase {
  readonly app: ReturnType<typeof createApp>;
  readonly logger: ReturnType<typeof memoryLogger>;
  /** A bearer token per role, for a user named after the role (password TEST_PASSWORD). */
  readonly tokens: Readonly<Record<Role, string>>;
  /** An in-process request (no socket): JSON body, bearer token of `as` (a role or a raw token). */
  request(
    method: string,
    path: string,
    options?: { as?: Role | { token: string } | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
}

/**
 * The API over a fresh test database, with one user and one API token per role. Requests go
 * through `app.request` (Hono in process), so tests exercise the same middleware, routes and
 * transactions as a server without opening ports.
 */
export async function createApiHarness(
  options: { today?: LocalDate; loginAttemptsPerMinute?: number } = {},
): Promise<ApiHarness> {
  const t = await createTestDatabase(options.today ? { today: options.today } : {});
  const logger = memoryLogger();
  // Sign-in attempts are limited per source address; in process every request comes from 'unknown'.
  const app = createApp({
    database: t.database,
    clock: t.ctx.clock,
    logger,
    loginAttemptsPerMinute: options.loginAttemptsPerMinute ?? 1000,
  });
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    await createUser(t.ctx, { username: role, role, password: TEST_PASSWORD });
    tokens[role] = (await createApiToken(t.ctx, { username: role, name: 'tests' })).token;
  }
  return {
    ...t,
    app,
    logger,
    tokens,
    request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const as = opts.as === undefined ? 'admin' : opts.as;
      if (as !== null) headers.authorization = `Bearer ${typeof as === 'string' ? tokens[as] : as.token}`;
      let body: string | undefined;
      if (opts.body !== undefined && method !== 'GET' && method !== 'HEAD') {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      return Promise.resolve(app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) }));
    },
  };
}
