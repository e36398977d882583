import type { Clock } from '../../core/clock.ts';
import { isAppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Database } from '../../db/database.ts';
import { type AuditRecord, recordAudit } from '../audit/index.ts';
import { DEFAULT_TENANT, getTenantId } from '../tenancy/index.ts';
import { identityError, invalidCredentials } from './identity.errors.ts';
import { findUserById, findUserByUsername } from './identity.repo.ts';
import { buildPrincipal } from './logic/build-principal.ts';
import { formatSessionCookie } from './logic/credential-format.ts';
import { afterFailedLogin, isLocked } from './logic/lockout.ts';
import { isRole, type Principal } from './logic/roles.ts';
import { hashSecret, newSecret } from './logic/secrets.ts';
import { verifyNothing, verifyPassword } from './password-hash.ts';

export const DEFAULT_SESSION_HOURS = 12;
/** A session longer than a month is a token by another name. */
const MAX_SESSION_HOURS = 24 * 31;

export interface LoginInput {
  /** The tenant's slug; default `default`. */
  readonly tenant?: string;
  readonly username: string;
  readonly password: string;
  /** Where the attempt came from (the client address), for the audit trail. */
  readonly source?: string | null;
  readonly sessionHours?: number;
}

export interface LoginResult {
  /** The session cookie's value: `s1.<tenantId>.<sessionId>.<secret>`. */
  readonly cookieValue: string;
  /** Given to the page once; sent back in a header on every state-changing request. */
  readonly csrfToken: string;
  readonly principal: Principal;
  readonly expiresAt: Date;
}

/**
 * Signs a user in with a password and opens a session. An unknown tenant or user, a wrong password, a
 * disabled user and a user without a password all get `identity.invalid_credentials` with one message,
 * after the same argon2 work. Five consecutive failures lock the user for 15 minutes
 * (`identity.locked`). Successes and failures are audited; the attempted password never is.
 */
export async function login(database: Database, clock: Clock, input: LoginInput): Promise<LoginResult> {
  const hours = input.sessionHours ?? DEFAULT_SESSION_HOURS;
  if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_SESSION_HOURS)
    throw identityError(
      'identity.invalid_input',
      `a session lasts more than 0 and at most ${MAX_SESSION_HOURS} hours`,
    );
  const password = typeof input.password === 'string' ? input.password : '';
  const username = typeof input.username === 'string' ? input.username : '';
  const source = input.source ?? null;
  const now = clock.now();
  const db = database.db;

  const tenantId = await findTenantId(database, input.tenant ?? DEFAULT_TENANT);
  if (tenantId === null) {
    await verifyNothing(password);
    throw invalidCredentials();
  }
  const failure = (actor: string, objectId: string | null, after: Record<string, unknown>): AuditRecord => ({
    actor,
    action: 'user.login_failed',
    objectType: 'user',
    objectId,
    after,
    source,
  });

  const user = username === '' ? undefined : await findUserByUsername(db, tenantId, username);
  if (!user) {
    await verifyNothing(password);
    // The attempted name is not recorded: people type their password into the username field.
    await recordAudit(db, tenantId, [failure('anonymous', null, { reason: 'unknown_user' })]);
    throw invalidCredentials();
  }
  if (isLocked(user.locked_until, now)) {
    await recordAudit(db, tenantId, [failure(user.username, user.id, { reason: 'locked' })]);
    throw lockedError(user.locked_until as Date, now);
  }
  let verified = false;
  if (user.password_hash === null) await verifyNothing(password);
  else verified = await verifyPassword(user.password_hash, password);

  // The counters are read again under a row lock: concurrent failures each count.
  const outcome = await db.transaction().execute(async (tx) => {
    const fresh = await findUserById(tx, tenantId, user.id, { forUpdate: true });
    if (fresh?.status !== 'active' || !isRole(fresh.role)) {
      await recordAudit(tx, tenantId, [failure(user.username, user.id, { reason: 'disabled' })]);
      return { kind: 'refused' } as const;
    }
    if (isLocked(fresh.locked_until, now)) {
      await recordAudit(tx, tenantId, [failure(user.username, user.id, { reason: 'locked' })]);
      return { kind: 'locked', until: fresh.locked_until as Date } as const;
    }
    // A password changed while this one was being verified: the verification is stale.
    if (!verified || fresh.password_hash !== user.password_hash) {
      const next = afterFailedLogin(fresh.failed_logins, now);
      await tx
        .updateTable('users')
        .set({ failed_logins: next.failedLogins, locked_until: next.lockedUntil })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', user.id)
        .execute();
      const records = [
        failure(user.username, user.id, {
          reason: fresh.password_hash === null ? 'no_password' : 'wrong_password',
          failedLogins: next.lockedUntil === null ? next.failedLogins : fresh.failed_logins + 1,
        }),
      ];
      if (next.lockedUntil !== null)
        records.push({
          actor: 'system',
          action: 'user.locked',
          objectType: 'user',
          objectId: user.id,
          after: { username: user.username, lockedUntil: next.lockedUntil.toISOString() },
          source,
        });
      await recordAudit(tx, tenantId, records);
      return { kind: 'refused' } as const;
    }
    if (fresh.failed_logins !== 0 || fresh.locked_until !== null)
      await tx
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', user.id)
        .execute();
    const sessionId = newId('session');
    const secret = newSecret();
    const csrfToken = newSecret();
    const expiresAt = new Date(now.getTime() + hours * 3_600_000);
    await tx
      .insertInto('sessions')
      .values({
        tenant_id: tenantId,
        id: sessionId,
        user_id: user.id,
        secret_hash: hashSecret(secret),
        csrf_hash: hashSecret(csrfToken),
        created_at: now,
        expires_at: expiresAt,
        last_seen_at: now,
        source,
      })
      .execute();
    await recordAudit(tx, tenantId, [
      {
        actor: user.username,
        action: 'user.login',
        objectType: 'user',
        objectId: user.id,
        after: { sessionId, expiresAt: expiresAt.toISOString() },
        source,
      },
    ]);
    const principal = buildPrincipal(
      {
        tenantId,
        userId: fresh.id,
        username: fresh.username,
        role: fresh.role,
        portfolioScoped: fresh.portfolio_scoped,
        approvalLimitMinor: fresh.approval_limit_minor,
      },
      { kind: 'session', sessionId },
    );
    return {
      kind: 'ok',
      result: {
        cookieValue: formatSessionCookie(tenantId, sessionId, secret),
        csrfToken,
        principal,
        expiresAt,
      },
    } as const;
  });
  switch (outcome.kind) {
    case 'ok':
      return outcome.result;
    case 'locked':
      throw lockedError(outcome.until, now);
    case 'refused':
      throw invalidCredentials();
  }
}

async function findTenantId(database: Database, slug: string): Promise<number | null> {
  if (typeof slug !== 'string' || slug === '') return null;
  try {
    return await getTenantId(database, slug);
  } catch (e) {
    if (isAppError(e) && e.code === 'tenancy.not_initialized') return null;
    throw e;
  }
}

function lockedError(until: Date, now: Date) {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return identityError('identity.locked', 'too many failed sign-ins: try again later', {
    details: { retryAfterSeconds },
  });
}
