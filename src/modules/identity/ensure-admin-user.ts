import type { ServiceContext } from '../../core/context.ts';
import { createUser } from './create-user.ts';
import { findUserByUsername, hasUserWithRole } from './identity.repo.ts';

export const ADMIN_USERNAME = 'admin';

/**
 * `arbor init`: gives a tenant its first administrator, `admin`, when it has no user with the admin
 * role (active or disabled: a disabled admin is a decision, not an absence). The password comes from
 * `envPassword` when given, else is generated and returned once. Later calls change nothing.
 */
export async function ensureAdminUser(
  ctx: ServiceContext,
  envPassword?: string,
): Promise<{ created: boolean; password: string | null }> {
  const db = ctx.database.db;
  if (await hasUserWithRole(db, ctx.tenantId, 'admin')) return { created: false, password: null };
  // The name is taken by a user of another role: leave it; `arbor user add` can make an admin.
  if (await findUserByUsername(db, ctx.tenantId, ADMIN_USERNAME)) return { created: false, password: null };
  const given = envPassword === undefined || envPassword === '' ? undefined : envPassword;
  const r = await createUser(ctx, {
    username: ADMIN_USERNAME,
    role: 'admin',
    displayName: 'Administrator',
    ...(given === undefined ? {} : { password: given }),
  });
  return { created: true, password: r.password };
}
