import { sql } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/database.ts';
import { recordAudit } from '../audit/index.ts';
import type { Principal } from './logic/roles.ts';

/**
 * Signs out: revokes the principal's session (audited). A principal from an API token has no session
 * and nothing happens; revoke the token instead. The revocation time is the clock's when one is given,
 * else the database's.
 */
export async function logout(database: Database, principal: Principal, clock?: Clock): Promise<void> {
  if (principal.via !== 'session' || principal.sessionId === undefined) return;
  const sessionId = principal.sessionId;
  await database.db.transaction().execute(async (tx) => {
    const r = await tx
      .updateTable('sessions')
      .set({ revoked_at: clock ? clock.now() : sql<Date>`now()` })
      .where('tenant_id', '=', principal.tenantId)
      .where('id', '=', sessionId)
      .where('user_id', '=', principal.userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (r.numUpdatedRows === 0n) return;
    await recordAudit(tx, principal.tenantId, [
      {
        actor: principal.username,
        action: 'user.logout',
        objectType: 'user',
        objectId: principal.userId,
        after: { sessionId },
      },
    ]);
  });
}
