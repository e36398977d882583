import type { ServiceContext } from '../../core/context.ts';
import { recordAudit } from '../audit/index.ts';
import { identityError } from './identity.errors.ts';
import { findUserByUsername, revokeUserSessions } from './identity.repo.ts';
import { checkNewPassword, checkUsername } from './logic/check-user-input.ts';
import { newPassword } from './logic/secrets.ts';
import { hashPassword } from './password-hash.ts';

/**
 * Sets a user's password (generated when none is given, and returned once), clears any lockout and
 * signs the user out everywhere: every open session is revoked. API tokens stay valid (they are
 * separate credentials, revoked on their own).
 */
export async function setPassword(
  ctx: ServiceContext,
  username: string,
  password?: string,
): Promise<{ password: string | null }> {
  checkUsername(username);
  const user = await findUserByUsername(ctx.database.db, ctx.tenantId, username);
  if (!user) throw identityError('identity.user_not_found', `no user "${username}"`);
  const generated = password === undefined ? newPassword() : null;
  const chosen = password ?? (generated as string);
  if (generated === null) checkNewPassword(chosen, user.username);
  const passwordHash = await hashPassword(chosen);
  const now = ctx.clock.now();
  await ctx.database.db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('users')
      .set({
        password_hash: passwordHash,
        password_changed_at: now,
        failed_logins: 0,
        locked_until: null,
        updated_at: now,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', user.id)
      .executeTakeFirst();
    if (r.numUpdatedRows === 0n) throw identityError('identity.user_not_found', `no user "${username}"`);
    const sessionsRevoked = await revokeUserSessions(tx, ctx.tenantId, user.id, now);
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'user.password_set',
        objectType: 'user',
        objectId: user.id,
        after: {
          username: user.username,
          passwordSource: generated === null ? 'given' : 'generated',
          sessionsRevoked,
          unlocked: user.locked_until !== null || user.failed_logins > 0,
        },
      },
    ]);
  });
  return { password: generated };
}
