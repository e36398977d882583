import type { ServiceContext } from '../../core/context.ts';
import { recordAudit } from '../audit/index.ts';
import { identityError } from './identity.errors.ts';
import { findUserByUsername, revokeUserSessions } from './identity.repo.ts';
import { checkUsername } from './logic/check-user-input.ts';

/**
 * Disables a user (audited): sign-in is refused, open sessions are revoked, and the user's API tokens
 * stop authenticating (they are checked against the user's status). `disabled` is false when the user
 * already was.
 */
export async function disableUser(ctx: ServiceContext, username: string): Promise<{ disabled: boolean }> {
  checkUsername(username);
  const now = ctx.clock.now();
  return ctx.database.db.transaction().execute(async (tx) => {
    const user = await findUserByUsername(tx, ctx.tenantId, username, { forUpdate: true });
    if (!user) throw identityError('identity.user_not_found', `no user "${username}"`);
    if (user.status === 'disabled') return { disabled: false };
    await tx
      .updateTable('users')
      .set({ status: 'disabled', updated_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', user.id)
      .execute();
    const sessionsRevoked = await revokeUserSessions(tx, ctx.tenantId, user.id, now);
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'user.disabled',
        objectType: 'user',
        objectId: user.id,
        before: { status: 'active' },
        after: { username: user.username, status: 'disabled', sessionsRevoked },
      },
    ]);
    return { disabled: true };
  });
}
