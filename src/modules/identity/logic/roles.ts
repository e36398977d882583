import type { UserRole } from '../../../db/schema.ts';

/**
 * What a user may do. Every HTTP route declares exactly one of these (or `public`); a role is a set of
 * them. Names are `resource:verb`; `phi:read` unmasks protected health information.
 */
export const PERMISSIONS = [
  'customers:read',
  'customers:write',
  'invoices:read',
  'invoices:write',
  'receipts:read',
  'cash:apply',
  'cash:refund',
  'imports:write',
  'adjustments:request',
  'approvals:read',
  'approvals:decide',
  'reports:read',
  'check:run',
  'audit:read',
  'users:manage',
  'phi:read',
  /** Log activities, promises, payment plans, disputes, credit holds, escalations (issue 6). */
  'collections:work',
  /** Dunning strategies, templates, runs; statements on schedule. */
  'dunning:manage',
  /** Agency placements, recalls, recoveries. */
  'agencies:manage',
  /** Champion/challenger experiments. */
  'experiments:manage',
  /** Every signed-in user: their own profile, tokens and sign-out. */
  'self',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = [
  'admin',
  'manager',
  'analyst',
  'cash_applier',
  'accountant',
  'auditor',
] as const satisfies readonly UserRole[];
export type Role = (typeof ROLES)[number];

const READ_ALL: readonly Permission[] = [
  'customers:read',
  'invoices:read',
  'receipts:read',
  'approvals:read',
  'reports:read',
  'self',
];

/**
 * Role → permissions. The auditor reads everything and changes nothing; `phi:read` goes to the roles
 * whose work needs claim-level remittance detail (cash application) and to those who supervise it.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  manager: [
    ...READ_ALL,
    'customers:write',
    'invoices:write',
    'cash:apply',
    'cash:refund',
    'imports:write',
    'adjustments:request',
    'approvals:decide',
    'check:run',
    'audit:read',
    'phi:read',
    'collections:work',
    'dunning:manage',
    'agencies:manage',
    'experiments:manage',
  ],
  analyst: [...READ_ALL, 'customers:write', 'adjustments:request', 'collections:work'],
  cash_applier: [...READ_ALL, 'cash:apply', 'imports:write', 'adjustments:request', 'phi:read'],
  accountant: [
    ...READ_ALL,
    'customers:write',
    'invoices:write',
    'cash:refund',
    'imports:write',
    'adjustments:request',
    'approvals:decide',
    'check:run',
    'agencies:manage',
  ],
  auditor: [...READ_ALL, 'check:run', 'audit:read'],
};

/**
 * The largest adjustment (write-off, credit memo, refund, settlement) a role may make on its own, in
 * minor units of the item's currency; above it the money moves only on another user's approval.
 */
export const ROLE_APPROVAL_LIMIT_MINOR: Readonly<Record<Role, bigint>> = {
  admin: 5_000_000n,
  manager: 5_000_000n,
  accountant: 500_000n,
  analyst: 50_000n,
  cash_applier: 10_000n,
  auditor: 0n,
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(role: Role, scopes?: readonly string[] | null): ReadonlySet<Permission> {
  const all = ROLE_PERMISSIONS[role];
  if (!scopes) return new Set(all);
  // A token's scopes narrow its user's permissions, never widen them; `self` always stays.
  return new Set(all.filter((p) => p === 'self' || scopes.includes(p)));
}

/** Who is acting on a request: resolved from a session cookie or an API token. */
export interface Principal {
  readonly tenantId: number;
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly permissions: ReadonlySet<Permission>;
  /** An analyst who sees only the customers whose collector is this user. */
  readonly portfolioScoped: boolean;
  readonly approvalLimitMinor: bigint;
  readonly via: 'session' | 'token';
  readonly sessionId?: string;
  readonly tokenId?: string;
}
