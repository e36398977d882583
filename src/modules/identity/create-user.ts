import type { ServiceContext } from '../../core/context.ts';
import { isAppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { withDbErrors } from '../../db/db-errors.ts';
import { recordAudit } from '../audit/index.ts';
import { identityError } from './identity.errors.ts';
import { findUserByUsername } from './identity.repo.ts';
import { checkNewPassword, checkUsername } from './logic/check-user-input.ts';
import { isRole, type Role } from './logic/roles.ts';
import { newPassword } from './logic/secrets.ts';
import { hashPassword } from './password-hash.ts';

export interface CreateUserInput {
  readonly username: string;
  readonly role: Role;
  /** Omitted: a one-time password is generated and returned. */
  readonly password?: string;
  readonly displayName?: string;
  readonly portfolioScoped?: boolean;
  /** Omitted or null: the role's limit. */
  readonly approvalLimitMinor?: bigint | null;
}

/**
 * Creates a user (audited). Returns the generated one-time password when none was given, for the
 * caller to show once; it is stored only as its argon2id hash.
 */
export async function createUser(
  ctx: ServiceContext,
  input: CreateUserInput,
): Promise<{ userId: string; password: string | null }> {
  const username = checkUsername(input.username);
  if (!isRole(input.role as string))
    throw identityError('identity.invalid_role', `unknown role "${String(input.role)}"`);
  const limit = input.approvalLimitMinor ?? null;
  if (limit !== null && limit < 0n)
    throw identityError('identity.invalid_input', 'an approval limit cannot be negative');
  const displayName = input.displayName?.trim() || null;
  if (displayName !== null && displayName.length > 200)
    throw identityError('identity.invalid_input', 'a display name has at most 200 characters');
  const generated = input.password === undefined ? newPassword() : null;
  const password = input.password ?? (generated as string);
  if (generated === null) checkNewPassword(password, username);
  const passwordHash = await hashPassword(password);
  const now = ctx.clock.now();
  const userId = newId('user');
  await ctx.database.db.transaction().execute(async (tx) => {
    if (await findUserByUsername(tx, ctx.tenantId, username))
      throw identityError('identity.user_exists', `user "${username}" already exists`);
    try {
      await withDbErrors(() =>
        tx
          .insertInto('users')
          .values({
            tenant_id: ctx.tenantId,
            id: userId,
            username,
            display_name: displayName,
            role: input.role,
            password_hash: passwordHash,
            portfolio_scoped: input.portfolioScoped ?? false,
            approval_limit_minor: limit,
            created_at: now,
            updated_at: now,
            password_changed_at: now,
          })
          .execute(),
      );
    } catch (e) {
      // Two creations of one name at once: the unique key decides.
      if (isAppError(e) && e.code === 'db.duplicate')
        throw identityError('identity.user_exists', `user "${username}" already exists`);
      throw e;
    }
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'user.created',
        objectType: 'user',
        objectId: userId,
        after: {
          username,
          role: input.role,
          displayName,
          portfolioScoped: input.portfolioScoped ?? false,
          approvalLimitMinor: limit,
          passwordSource: generated === null ? 'given' : 'generated',
        },
      },
    ]);
  });
  return { userId, password: generated };
}
