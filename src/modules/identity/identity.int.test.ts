import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { Clock } from '../../core/clock.ts';
import type { ServiceContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { LocalDate } from '../../core/local-date.ts';
import {
  authenticateSession,
  authenticateToken,
  checkCsrf,
  createApiToken,
  createUser,
  disableUser,
  ensureAdminUser,
  listApiTokens,
  listUsers,
  login,
  logout,
  revokeApiToken,
  setPassword,
} from './index.ts';

/** A clock the tests move forward. */
let nowMs = Date.parse('2026-06-30T12:00:00Z');
const clock: Clock = {
  now: () => new Date(nowMs),
  today: () => new Date(nowMs).toISOString().slice(0, 10) as LocalDate,
};
const advance = (ms: number) => {
  nowMs += ms;
};
const MINUTE = 60_000;

let t: TestDatabase;
let ctx: ServiceContext;
/** Every secret the tests saw: none may appear in any stored row but as a hash, nor in the audit log at all. */
const secrets: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = { ...t.ctx, clock, actor: 'admin-test' };
});
afterAll(async () => {
  await t?.close();
});

async function caught(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const signIn = (username: string, password: string, extra: { tenant?: string; sessionHours?: number } = {}) =>
  login(t.database, clock, { username, password, source: '203.0.113.9', ...extra });

describe('users and sessions', () => {
  it('creates a user, signs in, and authenticates the session cookie', async () => {
    const password = 'correct horse battery';
    secrets.push(password);
    const created = await createUser(ctx, { username: 'ana', role: 'analyst', password, displayName: 'Ana' });
    expect(created.password).toBeNull();
    expect(created.userId).toMatch(/^usr_/);

    const s = await signIn('ana', password);
    secrets.push(s.cookieValue.split('.')[3] as string, s.csrfToken);
    expect(s.cookieValue).toMatch(
      new RegExp(`^s1\\.${ctx.tenantId}\\.ses_[0-9A-Z]{26}\\.[A-Za-z0-9_-]{43}$`),
    );
    expect(s.expiresAt).toEqual(new Date(nowMs + 12 * 3_600_000));
    expect(s.principal).toMatchObject({
      tenantId: ctx.tenantId,
      userId: created.userId,
      username: 'ana',
      role: 'analyst',
      via: 'session',
      approvalLimitMinor: 50_000n,
      portfolioScoped: false,
    });

    const auth = await authenticateSession(t.database, clock, s.cookieValue);
    expect(auth?.principal).toMatchObject({ userId: created.userId, sessionId: s.principal.sessionId });
    expect(auth?.principal.permissions.has('customers:write')).toBe(true);
    expect(auth?.principal.permissions.has('users:manage')).toBe(false);
    expect(checkCsrf(auth?.csrfHash ?? '', s.csrfToken)).toBe(true);
    expect(checkCsrf(auth?.csrfHash ?? '', undefined)).toBe(false);

    // The right session with a wrong secret, or in another tenant, is nobody.
    const [v, tenant, id, secret] = s.cookieValue.split('.') as [string, string, string, string];
    const other = secret[0] === 'A' ? `B${secret.slice(1)}` : `A${secret.slice(1)}`;
    expect(await authenticateSession(t.database, clock, `${v}.${tenant}.${id}.${other}`)).toBeNull();
    expect(
      await authenticateSession(t.database, clock, `${v}.${Number(tenant) + 1}.${id}.${secret}`),
    ).toBeNull();
    expect(await authenticateSession(t.database, clock, 'garbage')).toBeNull();
  });

  it('records last_seen_at at most once a minute, expires the session, and logout revokes it', async () => {
    const s = await signIn('ana', 'correct horse battery', { sessionHours: 1 });
    const seen = async () =>
      (
        await t.database.db
          .selectFrom('sessions')
          .select('last_seen_at')
          .where('id', '=', s.principal.sessionId as string)
          .executeTakeFirstOrThrow()
      ).last_seen_at.getTime();
    const started = nowMs;
    advance(30_000);
    expect(await authenticateSession(t.database, clock, s.cookieValue)).not.toBeNull();
    expect(await seen()).toBe(started);
    advance(45_000);
    expect(await authenticateSession(t.database, clock, s.cookieValue)).not.toBeNull();
    expect(await seen()).toBe(nowMs);

    advance(60 * MINUTE);
    expect(await authenticateSession(t.database, clock, s.cookieValue)).toBeNull();

    const s2 = await signIn('ana', 'correct horse battery');
    expect(await authenticateSession(t.database, clock, s2.cookieValue)).not.toBeNull();
    await logout(t.database, s2.principal, clock);
    expect(await authenticateSession(t.database, clock, s2.cookieValue)).toBeNull();
  });

  it('gives an unknown user, a wrong password, an unknown tenant and a disabled user the same error', async () => {
    await createUser(ctx, { username: 'dora', role: 'accountant', password: 'dora-password-1' });
    const wrong = await caught(signIn('ana', 'not the password'));
    const unknown = await caught(signIn('nobody', 'not the password'));
    const tenant = await caught(signIn('ana', 'correct horse battery', { tenant: 'elsewhere' }));
    expect(await disableUser(ctx, 'dora')).toEqual({ disabled: true });
    expect(await disableUser(ctx, 'dora')).toEqual({ disabled: false });
    const disabled = await caught(signIn('dora', 'dora-password-1'));
    for (const e of [wrong, unknown, tenant, disabled]) {
      expect(e).toMatchObject({ code: 'identity.invalid_credentials', kind: 'unauthenticated' });
      expect(e.message).toBe(wrong.message);
      expect(e.details).toEqual({});
    }
    expect(wrong.message).not.toContain('not the password');
    // The one wrong password counts against ana; a later success resets it.
    await signIn('ana', 'correct horse battery');
    const ana = await t.database.db
      .selectFrom('users')
      .select('failed_logins')
      .where('username', '=', 'ana')
      .executeTakeFirstOrThrow();
    expect(ana.failed_logins).toBe(0);
  });

  it('locks a user after 5 consecutive failures for 15 minutes, then lets the right password in', async () => {
    await createUser(ctx, { username: 'lee', role: 'cash_applier', password: 'lee-password-12' });
    for (let i = 0; i < 5; i++) {
      advance(1000);
      expect((await caught(signIn('lee', `guess number ${i}`))).code).toBe('identity.invalid_credentials');
    }
    const lockedAt = nowMs;
    const locked = await caught(signIn('lee', 'lee-password-12'));
    expect(locked).toMatchObject({ code: 'identity.locked', kind: 'rate_limited' });
    expect(locked.details).toEqual({ retryAfterSeconds: 15 * 60 });
    expect((await listUsers(ctx)).find((u) => u.username === 'lee')?.lockedUntil).toEqual(
      new Date(lockedAt + 15 * MINUTE),
    );
    advance(15 * MINUTE - 1000);
    expect((await caught(signIn('lee', 'lee-password-12'))).code).toBe('identity.locked');
    advance(1000);
    const s = await signIn('lee', 'lee-password-12');
    expect(s.principal.username).toBe('lee');
    const row = await t.database.db
      .selectFrom('users')
      .select(['failed_logins', 'locked_until'])
      .where('username', '=', 'lee')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ failed_logins: 0, locked_until: null });
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'source'])
      .where('object_id', '=', s.principal.userId)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'user.created',
      ...Array(5).fill('user.login_failed'),
      'user.locked',
      'user.login_failed',
      'user.login_failed',
      'user.login',
    ]);
    expect(audit.at(-1)).toEqual({ action: 'user.login', actor: 'lee', source: '203.0.113.9' });
  });

  it('setPassword clears a lockout, revokes sessions, and a generated password works once shown', async () => {
    await createUser(ctx, { username: 'max', role: 'manager', password: 'max-password-12' });
    const s = await signIn('max', 'max-password-12');
    for (let i = 0; i < 5; i++) await caught(signIn('max', 'wrong wrong wrong'));
    expect((await caught(signIn('max', 'max-password-12'))).code).toBe('identity.locked');
    const r = await setPassword(ctx, 'max');
    expect(r.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    secrets.push(r.password as string);
    expect(await authenticateSession(t.database, clock, s.cookieValue)).toBeNull();
    expect((await caught(signIn('max', 'max-password-12'))).code).toBe('identity.invalid_credentials');
    expect((await signIn('max', r.password as string)).principal.role).toBe('manager');
    expect(await setPassword(ctx, 'MAX', 'max-new-password')).toEqual({ password: null });
    expect((await signIn('max', 'max-new-password')).principal.username).toBe('max');
    expect((await caught(setPassword(ctx, 'nobody', 'whatever-password'))).code).toBe(
      'identity.user_not_found',
    );
  });

  it('refuses duplicate names (ignoring case), weak passwords, unknown roles and bad names', async () => {
    expect((await caught(createUser(ctx, { username: 'ana', role: 'analyst' }))).code).toBe(
      'identity.user_exists',
    );
    expect((await caught(createUser(ctx, { username: 'ANA', role: 'analyst' }))).code).toBe(
      'identity.user_exists',
    );
    const weak = await caught(createUser(ctx, { username: 'wes', role: 'analyst', password: 'hunter2' }));
    expect(weak).toMatchObject({ code: 'identity.weak_password', kind: 'invalid' });
    expect(weak.message).not.toContain('hunter2');
    const role = await caught(createUser(ctx, { username: 'wes', role: 'owner' as never }));
    expect(role.code).toBe('identity.invalid_role');
    expect((await caught(createUser(ctx, { username: 'has space', role: 'analyst' }))).code).toBe(
      'identity.invalid_input',
    );
    const generated = await createUser(ctx, {
      username: 'Pat',
      role: 'auditor',
      portfolioScoped: true,
      approvalLimitMinor: 0n,
    });
    expect(generated.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    secrets.push(generated.password as string);
    const s = await signIn('pat', generated.password as string);
    expect(s.principal).toMatchObject({ username: 'Pat', portfolioScoped: true, approvalLimitMinor: 0n });
  });

  it('ensureAdminUser creates admin once, with the given or a generated password', async () => {
    const first = await ensureAdminUser(ctx);
    expect(first.created).toBe(true);
    secrets.push(first.password as string);
    expect((await signIn('admin', first.password as string)).principal.permissions.has('users:manage')).toBe(
      true,
    );
    expect(await ensureAdminUser(ctx, 'another-admin-password')).toEqual({ created: false, password: null });

    const other = await createTestDatabase();
    try {
      const octx = { ...other.ctx, clock };
      expect(await ensureAdminUser(octx, 'from-the-env-1234')).toEqual({ created: true, password: null });
      expect(
        (await login(other.database, clock, { username: 'admin', password: 'from-the-env-1234' })).principal
          .role,
      ).toBe('admin');
      expect(await ensureAdminUser(octx)).toEqual({ created: false, password: null });
    } finally {
      await other.close();
    }
  });
});

describe('API tokens', () => {
  it('authenticates a token as its user, narrowed to its scopes, and records last use once a minute', async () => {
    const created = await createApiToken(ctx, {
      username: 'ana',
      name: 'nightly export',
      scopes: ['reports:read', 'customers:read', 'reports:read'],
      expiresInDays: 30,
    });
    secrets.push(created.token.slice(-43));
    expect(created.tokenId).toMatch(/^tok_[0-9A-Z]{26}$/);
    expect(created.token).toBe(`arb_${ctx.tenantId}_${created.tokenId.slice(4)}_${created.token.slice(-43)}`);
    expect(created.expiresAt).toEqual(new Date(nowMs + 30 * 86_400_000));

    const p = await authenticateToken(t.database, clock, created.token);
    expect(p).toMatchObject({ username: 'ana', role: 'analyst', via: 'token', tokenId: created.tokenId });
    expect([...(p?.permissions ?? [])].sort()).toEqual(['customers:read', 'reports:read', 'self']);

    const lastUsed = async () =>
      (
        await t.database.db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', created.tokenId)
          .executeTakeFirstOrThrow()
      ).last_used_at?.getTime();
    expect(await lastUsed()).toBe(nowMs);
    const first = nowMs;
    advance(20_000);
    await authenticateToken(t.database, clock, created.token);
    expect(await lastUsed()).toBe(first);
    advance(MINUTE);
    await authenticateToken(t.database, clock, created.token);
    expect(await lastUsed()).toBe(nowMs);

    const unscoped = await createApiToken(ctx, { username: 'ana', name: 'all of ana' });
    secrets.push(unscoped.token.slice(-43));
    expect(unscoped.expiresAt).toEqual(new Date(nowMs + 90 * 86_400_000));
    const all = await authenticateToken(t.database, clock, unscoped.token);
    expect(all?.permissions.has('customers:write')).toBe(true);

    expect(await authenticateToken(t.database, clock, `${created.token.slice(0, -1)}x`)).toBeNull();
    expect(await authenticateToken(t.database, clock, `Bearer ${created.token}`)).toBeNull();
    expect(await authenticateToken(t.database, clock, '')).toBeNull();
  });

  it('answers tokens sent at once each as it stands, a revocation at once included', async () => {
    const a = await createApiToken(ctx, { username: 'ana', name: 'together a' });
    const b = await createApiToken(ctx, { username: 'ana', name: 'together b', scopes: ['reports:read'] });
    const gone = await createApiToken(ctx, { username: 'ana', name: 'together revoked' });
    secrets.push(a.token.slice(-43), b.token.slice(-43), gone.token.slice(-43));
    await revokeApiToken(ctx, gone.tokenId);
    const sent = [a.token, b.token, gone.token, `${a.token.slice(0, -1)}x`, 'arb_999_nope_nope'];
    // Many at once: the look-ups that wait for a running one go together in one statement.
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => authenticateToken(t.database, clock, sent[i % 5] as string)),
    );
    answers.forEach((p, i) => {
      if (i % 5 === 0) expect(p?.tokenId).toBe(a.tokenId);
      else if (i % 5 === 1)
        expect([p?.tokenId, [...(p?.permissions ?? [])].sort()]).toEqual([
          b.tokenId,
          ['reports:read', 'self'],
        ]);
      else expect(p).toBeNull();
    });
    // Nothing is kept between look-ups: a token revoked now is refused on the next request.
    expect(await revokeApiToken(ctx, a.tokenId)).toEqual({ revoked: true });
    const after = await Promise.all([a.token, b.token].map((x) => authenticateToken(t.database, clock, x)));
    expect(after.map((p) => p?.tokenId ?? null)).toEqual([null, b.tokenId]);
  });

  it('on a server, answers a token while every connection of the pool is busy', async (c) => {
    // The embedded engine has one connection for everything; a server has one for look-ups (ADR 0018).
    if (!t.database.lookups) c.skip();
    const token = await createApiToken(ctx, { username: 'ana', name: 'pool busy' });
    secrets.push(token.token.slice(-43));
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let holding = 0;
    // createTestDatabase opens 4 connections to a server: hold them all in open transactions.
    const holders = Array.from({ length: 4 }, () =>
      t.database.db.transaction().execute(async (tx) => {
        await sql`select 1`.execute(tx);
        holding++;
        await gate;
      }),
    );
    while (holding < 4) await new Promise((r) => setTimeout(r, 10));
    const answer = await Promise.race([
      authenticateToken(t.database, clock, token.token),
      new Promise<'timed out'>((r) => setTimeout(() => r('timed out'), 5000)),
    ]);
    release();
    await Promise.all(holders);
    expect(answer === 'timed out' ? answer : answer?.tokenId).toBe(token.tokenId);
  });

  it('refuses scopes outside the role, unknown scopes, bad lifetimes, unknown and disabled users', async () => {
    const outside = await caught(
      createApiToken(ctx, { username: 'ana', name: 'x', scopes: ['users:manage'] }),
    );
    expect(outside).toMatchObject({ code: 'identity.invalid_scope', kind: 'invalid' });
    const unknown = await caught(
      createApiToken(ctx, { username: 'ana', name: 'x', scopes: ['root' as never] }),
    );
    expect(unknown.code).toBe('identity.invalid_scope');
    for (const days of [0, 367, 1.5])
      expect(
        (await caught(createApiToken(ctx, { username: 'ana', name: 'x', expiresInDays: days }))).code,
      ).toBe('identity.invalid_input');
    expect((await caught(createApiToken(ctx, { username: 'ana', name: '  ' }))).code).toBe(
      'identity.invalid_input',
    );
    expect((await caught(createApiToken(ctx, { username: 'nobody', name: 'x' }))).code).toBe(
      'identity.user_not_found',
    );
    expect((await caught(createApiToken(ctx, { username: 'dora', name: 'x' }))).code).toBe(
      'identity.user_disabled',
    );
  });

  it('expires, is revoked, and dies with its user', async () => {
    await createUser(ctx, { username: 'tom', role: 'accountant', password: 'tom-password-12' });
    const short = await createApiToken(ctx, { username: 'tom', name: 'one day', expiresInDays: 1 });
    const revoked = await createApiToken(ctx, { username: 'tom', name: 'to revoke' });
    const lasting = await createApiToken(ctx, { username: 'tom', name: 'lasting', scopes: [] });
    secrets.push(...[short, revoked, lasting].map((x) => x.token.slice(-43)));
    expect(await authenticateToken(t.database, clock, short.token)).not.toBeNull();
    advance(86_400_000);
    expect(await authenticateToken(t.database, clock, short.token)).toBeNull();

    expect(await authenticateToken(t.database, clock, revoked.token)).not.toBeNull();
    expect(await revokeApiToken(ctx, revoked.tokenId)).toEqual({ revoked: true });
    expect(await revokeApiToken(ctx, revoked.tokenId)).toEqual({ revoked: false });
    expect(await authenticateToken(t.database, clock, revoked.token)).toBeNull();
    expect((await caught(revokeApiToken(ctx, 'tok_01JD8X3Q6W9K2M4N7P5R8T0V2Y'))).code).toBe(
      'identity.token_not_found',
    );

    const listed = await listApiTokens(ctx, 'tom');
    expect(listed.map((x) => [x.name, x.status, x.scopes])).toEqual([
      ['one day', 'expired', null],
      ['to revoke', 'revoked', null],
      ['lasting', 'active', []],
    ]);
    expect(JSON.stringify(listed)).not.toContain(lasting.token.slice(-43));
    expect((await listApiTokens(ctx)).length).toBeGreaterThan(3);

    // An empty scope list leaves only `self`.
    expect([...((await authenticateToken(t.database, clock, lasting.token))?.permissions ?? [])]).toEqual([
      'self',
    ]);
    await disableUser(ctx, 'tom');
    expect(await authenticateToken(t.database, clock, lasting.token)).toBeNull();
  });
});

describe('what is stored', () => {
  it('keeps no password, secret or token in plaintext, and none of them or their hashes in the audit log', async () => {
    expect(secrets.length).toBeGreaterThan(10);
    const users = await t.database.db.selectFrom('users').selectAll().execute();
    const sessions = await t.database.db.selectFrom('sessions').selectAll().execute();
    const tokens = await t.database.db.selectFrom('api_tokens').selectAll().execute();
    const stored = JSON.stringify([users, sessions, tokens], (_k, v) =>
      typeof v === 'bigint' ? String(v) : v,
    );
    for (const s of secrets) expect(stored).not.toContain(s);
    for (const u of users)
      if (u.password_hash !== null) expect(u.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    for (const s of sessions) expect(s.secret_hash).toMatch(/^[0-9a-f]{64}$/);

    const audit = await t.database.db.selectFrom('audit_log').selectAll().execute();
    const auditText = JSON.stringify(audit, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    for (const s of secrets) expect(auditText).not.toContain(s);
    const hashes = [
      ...users.flatMap((u) =>
        u.password_hash === null ? [] : [u.password_hash, u.password_hash.split('$').at(-1) as string],
      ),
      ...sessions.flatMap((s) => [s.secret_hash, s.csrf_hash]),
      ...tokens.map((x) => x.secret_hash),
    ];
    for (const h of hashes) expect(auditText).not.toContain(h);
    expect(auditText).not.toMatch(/argon2|hunter2|guess number|not the password|wrong wrong/);
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'user.created',
        'user.password_set',
        'user.disabled',
        'user.login',
        'user.login_failed',
        'user.locked',
        'user.logout',
        'api_token.created',
        'api_token.revoked',
      ]),
    );
  });
});
