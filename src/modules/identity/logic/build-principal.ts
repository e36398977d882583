import {
  type Permission,
  type Principal,
  permissionsOf,
  ROLE_APPROVAL_LIMIT_MINOR,
  type Role,
} from './roles.ts';

export interface PrincipalUser {
  readonly tenantId: number;
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly portfolioScoped: boolean;
  /** The user's own limit; null takes the role's. */
  readonly approvalLimitMinor: bigint | null;
}

export type PrincipalVia =
  | { readonly kind: 'session'; readonly sessionId: string }
  | { readonly kind: 'token'; readonly tokenId: string; readonly scopes: readonly string[] | null };

/** Who is acting: the user's role, narrowed by a token's scopes. */
export function buildPrincipal(user: PrincipalUser, via: PrincipalVia): Principal {
  const base = {
    tenantId: user.tenantId,
    userId: user.userId,
    username: user.username,
    role: user.role,
    portfolioScoped: user.portfolioScoped,
    approvalLimitMinor: user.approvalLimitMinor ?? ROLE_APPROVAL_LIMIT_MINOR[user.role],
  };
  if (via.kind === 'session')
    return { ...base, permissions: permissionsOf(user.role), via: 'session', sessionId: via.sessionId };
  const permissions: ReadonlySet<Permission> = permissionsOf(user.role, via.scopes);
  return { ...base, permissions, via: 'token', tokenId: via.tokenId };
}
