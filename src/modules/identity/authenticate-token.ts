import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/database.ts';
import { TOUCH_INTERVAL_MS, touches } from './authenticate-session.ts';
import { findTokenWithUser } from './identity.repo.ts';
import { buildPrincipal } from './logic/build-principal.ts';
import { parseApiToken } from './logic/credential-format.ts';
import { isRole, type Principal } from './logic/roles.ts';
import { secretMatches } from './logic/secrets.ts';

/**
 * The principal of an API token (the value after `Bearer `): its user's permissions narrowed by the
 * token's scopes. Null for a malformed, unknown, revoked or expired token, a wrong secret and a
 * disabled user.
 */
export async function authenticateToken(
  database: Database,
  clock: Clock,
  bearer: string,
): Promise<Principal | null> {
  const parts = parseApiToken(bearer);
  if (!parts) return null;
  const row = await findTokenWithUser(database.db, parts.tenantId, parts.id);
  if (!row || !secretMatches(parts.secret, row.secret_hash)) return null;
  const now = clock.now();
  if (row.revoked_at !== null || row.expires_at.getTime() <= now.getTime()) return null;
  if (row.status !== 'active' || !isRole(row.role)) return null;
  if (
    (row.last_used_at === null || now.getTime() - row.last_used_at.getTime() >= TOUCH_INTERVAL_MS) &&
    touches.claim(`t:${parts.tenantId}:${parts.id}`, now.getTime())
  ) {
    await database.db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('tenant_id', '=', parts.tenantId)
      .where('id', '=', parts.id)
      .execute();
  }
  return buildPrincipal(
    {
      tenantId: parts.tenantId,
      userId: row.user_id,
      username: row.username,
      role: row.role,
      portfolioScoped: row.portfolio_scoped,
      approvalLimitMinor: row.approval_limit_minor,
    },
    { kind: 'token', tokenId: row.token_id, scopes: row.scopes },
  );
}
