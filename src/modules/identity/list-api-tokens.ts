import type { ServiceContext } from '../../core/context.ts';
import { identityError } from './identity.errors.ts';
import { findUserByUsername, listTokenRows } from './identity.repo.ts';
import { checkUsername } from './logic/check-user-input.ts';

/** An API token as listed: never its secret or hash. */
export interface ApiTokenInfo {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  /** null: all of the user's permissions. */
  readonly scopes: readonly string[] | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
  /** As of the clock's now. */
  readonly status: 'active' | 'expired' | 'revoked';
}

/** The tenant's API tokens, or one user's. */
export async function listApiTokens(ctx: ServiceContext, username?: string): Promise<ApiTokenInfo[]> {
  let userId: string | null = null;
  if (username !== undefined) {
    checkUsername(username);
    const user = await findUserByUsername(ctx.database.db, ctx.tenantId, username);
    if (!user) throw identityError('identity.user_not_found', `no user "${username}"`);
    userId = user.id;
  }
  const now = ctx.clock.now().getTime();
  const rows = await listTokenRows(ctx.database.db, ctx.tenantId, userId);
  return rows.map((t) => ({
    id: t.id,
    username: t.username,
    name: t.name,
    scopes: t.scopes,
    createdAt: t.created_at,
    expiresAt: t.expires_at,
    revokedAt: t.revoked_at,
    lastUsedAt: t.last_used_at,
    status: t.revoked_at !== null ? 'revoked' : t.expires_at.getTime() <= now ? 'expired' : 'active',
  }));
}
