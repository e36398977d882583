import type { ServiceContext } from '../../core/context.ts';
import { isId } from '../../core/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { identityError } from './identity.errors.ts';

/** Revokes an API token by its id (`tok_…`), audited. `revoked` is false when it already was. */
export async function revokeApiToken(ctx: ServiceContext, tokenId: string): Promise<{ revoked: boolean }> {
  if (typeof tokenId !== 'string' || !isId(tokenId, 'apiToken'))
    throw identityError('identity.token_not_found', `no API token "${String(tokenId).slice(0, 40)}"`);
  const now = ctx.clock.now();
  return ctx.database.db.transaction().execute(async (tx) => {
    const token = await tx
      .selectFrom('api_tokens')
      .select(['id', 'user_id', 'name', 'revoked_at'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', tokenId)
      .forUpdate()
      .executeTakeFirst();
    if (!token) throw identityError('identity.token_not_found', `no API token ${tokenId}`);
    if (token.revoked_at !== null) return { revoked: false };
    await tx
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', tokenId)
      .execute();
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'api_token.revoked',
        objectType: 'api_token',
        objectId: tokenId,
        after: { userId: token.user_id, name: token.name },
      },
    ]);
    return { revoked: true };
  });
}
