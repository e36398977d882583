import type { ServiceContext } from '../../core/context.ts';
import { newId } from '../../core/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { identityError } from './identity.errors.ts';
import { findUserByUsername } from './identity.repo.ts';
import { checkUsername } from './logic/check-user-input.ts';
import { formatApiToken } from './logic/credential-format.ts';
import { isRole, PERMISSIONS, type Permission, ROLE_PERMISSIONS } from './logic/roles.ts';
import { hashSecret, newSecret } from './logic/secrets.ts';

export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 366;
const MAX_TOKEN_NAME = 100;

export interface CreateApiTokenInput {
  readonly username: string;
  /** What the token is for, shown in lists ("nightly export"). */
  readonly name: string;
  /** Permissions the token may use, each one its user's; null or omitted: all of the user's. */
  readonly scopes?: readonly Permission[] | null;
  /** Default 90, at most 366. */
  readonly expiresInDays?: number;
}

/**
 * Creates a personal API token for a user (audited). The plaintext token is returned once and
 * stored only as the SHA-256 of its secret.
 */
export async function createApiToken(
  ctx: ServiceContext,
  input: CreateApiTokenInput,
): Promise<{ tokenId: string; token: string; expiresAt: Date }> {
  checkUsername(input.username);
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '' || name.length > MAX_TOKEN_NAME)
    throw identityError('identity.invalid_input', `a token's name has 1 to ${MAX_TOKEN_NAME} characters`);
  const days = input.expiresInDays ?? DEFAULT_TOKEN_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS)
    throw identityError('identity.invalid_input', `a token lasts 1 to ${MAX_TOKEN_DAYS} whole days`);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  return ctx.database.db.transaction().execute(async (tx) => {
    const user = await findUserByUsername(tx, ctx.tenantId, input.username);
    if (!user) throw identityError('identity.user_not_found', `no user "${input.username}"`);
    if (user.status !== 'active')
      throw identityError('identity.user_disabled', `user "${user.username}" is disabled`);
    if (!isRole(user.role))
      throw identityError('identity.invalid_role', `user "${user.username}" has no known role`);
    const scopes = input.scopes == null ? null : checkScopes(input.scopes, user.role);
    const tokenId = newId('apiToken');
    const secret = newSecret();
    await tx
      .insertInto('api_tokens')
      .values({
        tenant_id: ctx.tenantId,
        id: tokenId,
        user_id: user.id,
        name,
        secret_hash: hashSecret(secret),
        scopes,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'api_token.created',
        objectType: 'api_token',
        objectId: tokenId,
        after: { username: user.username, name, scopes, expiresAt: expiresAt.toISOString() },
      },
    ]);
    return { tokenId, token: formatApiToken(ctx.tenantId, tokenId, secret), expiresAt };
  });
}

/** Scopes narrow, never widen: each must be a permission the user's role has. Deduplicated, in canonical order. */
function checkScopes(scopes: readonly string[], role: keyof typeof ROLE_PERMISSIONS): Permission[] {
  if (!Array.isArray(scopes)) throw identityError('identity.invalid_scope', 'scopes must be a list');
  const allowed = ROLE_PERMISSIONS[role];
  for (const s of scopes) {
    if (!(PERMISSIONS as readonly string[]).includes(s))
      throw identityError(
        'identity.invalid_scope',
        `unknown scope "${String(s)}"; one of ${PERMISSIONS.join(', ')}`,
      );
    if (!(allowed as readonly string[]).includes(s))
      throw identityError('identity.invalid_scope', `scope "${s}" is not a permission of role ${role}`);
  }
  return PERMISSIONS.filter((p) => scopes.includes(p));
}
