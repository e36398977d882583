import type { ServiceContext } from '../../core/context.ts';
import { listUserRows } from './identity.repo.ts';
import { isLocked } from './logic/lockout.ts';
import { ROLE_APPROVAL_LIMIT_MINOR, type Role } from './logic/roles.ts';

/** A user as shown to administrators: never the password hash. */
export interface UserInfo {
  readonly id: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: Role;
  readonly status: 'active' | 'disabled';
  readonly portfolioScoped: boolean;
  /** The limit in force: the user's own, else the role's. */
  readonly approvalLimitMinor: bigint;
  readonly hasPassword: boolean;
  /** Set while a lockout is in force. */
  readonly lockedUntil: Date | null;
  readonly createdAt: Date;
  readonly passwordChangedAt: Date | null;
}

export async function listUsers(ctx: ServiceContext): Promise<UserInfo[]> {
  const now = ctx.clock.now();
  const rows = await listUserRows(ctx.database.db, ctx.tenantId);
  return rows.map((u) => ({
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    status: u.status,
    portfolioScoped: u.portfolio_scoped,
    approvalLimitMinor: u.approval_limit_minor ?? ROLE_APPROVAL_LIMIT_MINOR[u.role],
    hasPassword: u.password_hash !== null,
    lockedUntil: isLocked(u.locked_until, now) ? u.locked_until : null,
    createdAt: u.created_at,
    passwordChangedAt: u.password_changed_at,
  }));
}
