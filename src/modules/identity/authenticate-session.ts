import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/database.ts';
import { findSessionWithUser } from './identity.repo.ts';
import { buildPrincipal } from './logic/build-principal.ts';
import { parseSessionCookie } from './logic/credential-format.ts';
import { isRole, type Principal } from './logic/roles.ts';
import { secretMatches } from './logic/secrets.ts';
import { TouchThrottle } from './logic/touch-throttle.ts';

/** last_seen_at is written at most this often, so that each request does not write. */
export const TOUCH_INTERVAL_MS = 60_000;

/** One write per session or token per interval per process (logic/touch-throttle.ts). */
export const touches = new TouchThrottle(TOUCH_INTERVAL_MS);

/**
 * The principal of a session cookie, with the session's CSRF hash (for `checkCsrf`); null for a
 * malformed cookie, an unknown, revoked or expired session, a wrong secret and a disabled user.
 */
export async function authenticateSession(
  database: Database,
  clock: Clock,
  cookieValue: string,
): Promise<{ principal: Principal; csrfHash: string } | null> {
  const parts = parseSessionCookie(cookieValue);
  if (!parts) return null;
  const row = await findSessionWithUser(database.db, parts.tenantId, parts.id);
  if (!row || !secretMatches(parts.secret, row.secret_hash)) return null;
  const now = clock.now();
  if (row.revoked_at !== null || row.expires_at.getTime() <= now.getTime()) return null;
  if (row.status !== 'active' || !isRole(row.role)) return null;
  if (
    now.getTime() - row.last_seen_at.getTime() >= TOUCH_INTERVAL_MS &&
    touches.claim(`s:${parts.tenantId}:${parts.id}`, now.getTime())
  ) {
    await database.db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('tenant_id', '=', parts.tenantId)
      .where('id', '=', parts.id)
      .where('revoked_at', 'is', null)
      .execute();
  }
  const principal = buildPrincipal(
    {
      tenantId: parts.tenantId,
      userId: row.user_id,
      username: row.username,
      role: row.role,
      portfolioScoped: row.portfolio_scoped,
      approvalLimitMinor: row.approval_limit_minor,
    },
    { kind: 'session', sessionId: row.session_id },
  );
  return { principal, csrfHash: row.csrf_hash };
}
