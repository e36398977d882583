import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, TEST_PASSWORD } from '../../test/support/api-harness.ts';
import { loadSmallPortfolio } from '../../test/support/small-portfolio.ts';
import {
  createApiToken,
  createUser,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
} from '../modules/identity/index.ts';
import { initTenant } from '../modules/tenancy/index.ts';
import { ROUTES } from './routes/index.ts';

let h: ApiHarness;

beforeAll(async () => {
  h = await createApiHarness();
  await loadSmallPortfolio(h.ctx);
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** A request path for a route, with each `{param}` filled by a harmless value. */
const pathOf = (path: string) => path.replace(/\{[^}]+\}/g, 'x');

describe('the route table', () => {
  it('gives every route exactly one known permission', () => {
    expect(ROUTES.length).toBeGreaterThan(5);
    for (const r of ROUTES) {
      expect(['public', ...PERMISSIONS], `${r.route.method} ${r.route.path}`).toContain(r.permission);
    }
    const keys = ROUTES.map((r) => `${r.route.method} ${r.route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('answers 401 to an unauthenticated request on every route but sign-in', async () => {
    for (const r of ROUTES) {
      const res = await h.request(r.route.method.toUpperCase(), pathOf(r.route.path), { as: null, body: {} });
      if (r.permission === 'public') expect(res.status, r.route.path).not.toBe(401);
      else {
        expect(res.status, `${r.route.method} ${r.route.path}`).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    for (const path of ['/api/openapi.json', '/api/docs'])
      expect((await h.request('GET', path, { as: null })).status).toBe(401);
    expect((await h.request('GET', '/healthz', { as: null })).status).toBe(200);
    expect((await h.request('GET', '/readyz', { as: null })).status).toBe(200);
  });

  it('allows each role exactly the routes its permissions name, and answers 403 to the rest', async () => {
    for (const role of ROLES) {
      const allowed = new Set<string>(ROLE_PERMISSIONS[role]);
      for (const r of ROUTES) {
        if (r.permission === 'public' || r.route.path === '/api/auth/logout') continue;
        const res = await h.request(r.route.method.toUpperCase(), pathOf(r.route.path), {
          as: role,
          body: {},
        });
        const label = `${role} ${r.route.method} ${r.route.path} (${r.permission})`;
        if (r.permission === 'self' || allowed.has(r.permission)) expect(res.status, label).not.toBe(403);
        else {
          expect(res.status, label).toBe(403);
          const problem = (await res.json()) as { code: string };
          expect(problem.code, label).toBe('api.forbidden');
        }
      }
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes every route of the table, with its permission', async () => {
    const res = await h.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { description?: string }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) {
      const op = doc.paths[r.route.path]?.[r.route.method];
      expect(op, `${r.route.method} ${r.route.path}`).toBeDefined();
      expect(op?.description).toContain(r.permission === 'public' ? 'public' : r.permission);
    }
    const page = await h.request('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/api/customers');
  });
});

describe('sign-in with a session cookie', () => {
  const login = async (username: string, password: string) =>
    h.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });

  it('sets an HttpOnly, SameSite=Lax session cookie and needs the CSRF token to change data', async () => {
    const res = await login('manager', TEST_PASSWORD);
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('arbor_session='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/i); // plain http in the test; Secure behind TLS
    const body = (await res.json()) as { csrfToken: string; user: { role: string } };
    expect(body.user.role).toBe('manager');
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');

    const read = await h.app.request('/api/customers?limit=2', { headers: { cookie } });
    expect(read.status).toBe(200);

    const post = (headers: Record<string, string>) =>
      h.app.request('/api/tokens', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: 'from the browser' }),
      });
    const forged = await post({});
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { code: string }).code).toBe('api.csrf');
    expect((await post({ 'x-csrf-token': 'not-the-token' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': body.csrfToken })).status).toBe(201);

    const out = await h.app.request('/api/auth/logout', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': body.csrfToken },
    });
    expect(out.status).toBe(204);
    expect((await h.app.request('/api/customers', { headers: { cookie } })).status).toBe(401);
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const a = await login('nobody-here', 'whatever-password');
    const b = await login('auditor', 'wrong password, long');
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(((await a.json()) as { detail: string }).detail).toBe(
      ((await b.json()) as { detail: string }).detail,
    );
  });

  it('locks a user after repeated failures, even against the right password', async () => {
    await createUser(h.ctx, { username: 'lockme', role: 'analyst', password: TEST_PASSWORD });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login('lockme', `wrong password ${i}!`)).status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const locked = await login('lockme', TEST_PASSWORD);
    expect(locked.status).toBe(429);
  });
});

describe('sign-in rate limit', () => {
  it('refuses more attempts per minute from one address than allowed', async () => {
    const { createApp } = await import('./app.ts');
    const { memoryLogger } = await import('./logger.ts');
    const app = createApp({
      database: h.database,
      clock: h.ctx.clock,
      logger: memoryLogger(),
      loginAttemptsPerMinute: 3,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await app.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nobody-at-all', password: `wrong ${i} password` }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe('tenant isolation', () => {
  it('never lets a token of one tenant read or change another tenant’s data', async () => {
    const other = await initTenant(h.database, h.ctx.clock, {
      slug: 'other',
      currency: 'USD',
      actor: 'test',
    });
    const otherCtx = { ...h.ctx, tenantId: other.tenantId };
    await createUser(otherCtx, { username: 'intruder', role: 'admin', password: TEST_PASSWORD });
    const { token } = await createApiToken(otherCtx, { username: 'intruder', name: 'x' });

    const mine = (await (await h.request('GET', '/api/customers?limit=500')).json()) as {
      items: { accountNumber: string }[];
    };
    expect(mine.items.length).toBeGreaterThan(0);
    const theirs = await h.request('GET', '/api/customers?limit=500', { as: { token } });
    expect(theirs.status).toBe(200);
    expect(((await theirs.json()) as { items: unknown[] }).items).toEqual([]);
    const account = mine.items[0]?.accountNumber ?? '';
    expect(
      (await h.request('GET', `/api/customers/${encodeURIComponent(account)}`, { as: { token } })).status,
    ).toBe(404);

    // Writes aimed at the first tenant's objects find nothing to change.
    const item = await h.database.db
      .selectFrom('items')
      .select(['id', 'open_minor'])
      .where('tenant_id', '=', h.ctx.tenantId)
      .where('open_minor', '>', 0n)
      .executeTakeFirstOrThrow();
    const receipt = await h.database.db
      .selectFrom('receipts')
      .select(['id', 'unapplied_minor'])
      .where('tenant_id', '=', h.ctx.tenantId)
      .executeTakeFirstOrThrow();
    const writeOff = await h.request('POST', '/api/adjustments', {
      as: { token },
      body: { kind: 'write_off', itemId: item.id, reasonCode: 'x' },
    });
    expect(writeOff.status).toBe(404);
    const refund = await h.request('POST', `/api/receipts/${receipt.id}/refund`, { as: { token }, body: {} });
    expect(refund.status).toBe(404);
    const after = await h.database.db
      .selectFrom('items')
      .select('open_minor')
      .where('tenant_id', '=', h.ctx.tenantId)
      .where('id', '=', item.id)
      .executeTakeFirstOrThrow();
    expect(after.open_minor).toBe(item.open_minor);
  });

  it('has row-level security on every table that holds a tenant’s rows', async () => {
    const rows = await sql<{ table_name: string; rls: boolean }>`
      select c.relname as table_name, c.relrowsecurity as rls
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r'
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`.execute(
      h.database.db,
    );
    expect(rows.rows.length).toBeGreaterThan(30);
    expect(rows.rows.filter((r) => !r.rls).map((r) => r.table_name)).toEqual([]);
  });

  it('is enforced by row-level security under the arbor_app role, whatever a query forgets', async () => {
    const tenants = await sql<{ id: number }>`select id from tenants order by id`.execute(h.database.db);
    const [a, b] = tenants.rows.map((r) => r.id);
    const asTenant = sql`select set_config('role', 'arbor_app', true), set_config('arbor.tenant_id', ${String(b)}, true)`;
    await h.database.db.transaction().execute(async (tx) => {
      await asTenant.execute(tx);
      // No tenant filter in this query: the policy supplies it.
      const seen = await sql<{
        n: number;
      }>`select count(*)::int as n from customers where tenant_id = ${a}`.execute(tx);
      expect(seen.rows[0]?.n).toBe(0);
      const own = await sql<{ n: number }>`select count(*)::int as n from tenants`.execute(tx);
      expect(own.rows[0]?.n).toBe(1);
    });
    await expect(
      h.database.db.transaction().execute(async (tx) => {
        await asTenant.execute(tx);
        await sql`insert into audit_log (tenant_id, id, actor, action, object_type) values (${a}, 'aud_x', 'x', 'x', 'x')`.execute(
          tx,
        );
      }),
    ).rejects.toThrow(/row-level security/);
  });
});

describe('inputs are data', () => {
  it('returns SQL metacharacters in filters as plain data', async () => {
    for (const q of ["' or 1=1 --", '%', '_', '\\', "'; drop table customers; --"]) {
      const res = await h.request(
        'GET',
        `/api/customers?q=${encodeURIComponent(q)}&segment=${encodeURIComponent(q)}`,
      );
      expect(res.status, q).toBe(200);
      expect(((await res.json()) as { items: unknown[] }).items, q).toEqual([]);
    }
    const all = (await (await h.request('GET', '/api/customers?limit=500')).json()) as { items: unknown[] };
    expect(all.items.length).toBeGreaterThan(0);
  });

  it('answers a bad query parameter with 400 naming the field', async () => {
    const res = await h.request('GET', '/api/customers?limit=0');
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe('api.invalid_request');
    expect(problem.errors[0]?.field).toBe('limit');
  });
});

describe('the audit trail over HTTP', () => {
  it('records the request id of each change and verifies its hash chain', async () => {
    const made = await h.request('POST', '/api/tokens', {
      as: 'analyst',
      body: { name: 'audited' },
      headers: { 'x-request-id': 'req-audit-test-1' },
    });
    expect(made.status).toBe(201);
    expect(made.headers.get('x-request-id')).toBe('req-audit-test-1');
    const trail = await h.request('GET', '/api/audit', { as: 'auditor' });
    expect(trail.status).toBe(200);
    const rows = (
      (await trail.json()) as { items: { requestId: string | null; action: string; actor: string }[] }
    ).items;
    const row = rows.find((r) => r.requestId === 'req-audit-test-1');
    expect(row?.action).toBe('api_token.created');
    expect(row?.actor).toBe('analyst');
    const verify = await h.request('GET', '/api/audit/verify', { as: 'auditor' });
    const report = (await verify.json()) as { ok: boolean; rows: number; failureCount: number };
    expect(report).toMatchObject({ ok: true, failureCount: 0 });
    expect(report.rows).toBeGreaterThan(10);
  });
});

describe('secrets', () => {
  it('keeps no password or token in clear in the database or the log', async () => {
    const { token } = await createApiToken(h.ctx, { username: 'admin', name: 'secret-scan' });
    const secret = token.slice(-20);
    const dump = await sql<{ t: string }>`
      select string_agg(x::text, ' ') as t from (
        select row_to_json(u)::text as x from users u union all
        select row_to_json(s)::text from sessions s union all
        select row_to_json(k)::text from api_tokens k union all
        select row_to_json(i)::text from idempotency_keys i union all
        select row_to_json(a)::text from audit_log a) all_rows`.execute(h.database.db);
    const text = dump.rows[0]?.t ?? '';
    expect(text).not.toContain(TEST_PASSWORD);
    expect(text).not.toContain(secret);
    expect(text).toContain('$argon2id$');
    const log = JSON.stringify(h.logger.lines);
    expect(log).not.toContain(TEST_PASSWORD);
    expect(log).not.toContain(secret);
  });
});
