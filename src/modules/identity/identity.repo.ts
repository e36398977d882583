import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { Role } from './logic/roles.ts';

/** SQL only. Nothing here returns a password hash or a secret hash except to the code that checks them. */

export interface UserRow {
  readonly id: string;
  readonly username: string;
  readonly display_name: string | null;
  readonly role: Role;
  readonly password_hash: string | null;
  readonly status: 'active' | 'disabled';
  readonly failed_logins: number;
  readonly locked_until: Date | null;
  readonly portfolio_scoped: boolean;
  readonly approval_limit_minor: bigint | null;
  readonly created_at: Date;
  readonly password_changed_at: Date | null;
}

const USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'role',
  'password_hash',
  'status',
  'failed_logins',
  'locked_until',
  'portfolio_scoped',
  'approval_limit_minor',
  'created_at',
  'password_changed_at',
] as const;

/**
 * Usernames are unique ignoring case (createUser refuses `Admin` beside `admin`), so a lookup ignores
 * case too; an exact match wins should two rows differ only in case (written before that rule).
 */
export async function findUserByUsername(
  ex: Executor,
  tenantId: number,
  username: string,
  options: { forUpdate?: boolean } = {},
): Promise<UserRow | undefined> {
  let q = ex
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where(sql<boolean>`lower(username) = lower(${username})`)
    .orderBy(sql`username = ${username}`, 'desc')
    .limit(1);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findUserById(
  ex: Executor,
  tenantId: number,
  userId: string,
  options: { forUpdate?: boolean } = {},
): Promise<UserRow | undefined> {
  let q = ex
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function listUserRows(ex: Executor, tenantId: number): Promise<UserRow[]> {
  return ex
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .orderBy('username')
    .execute();
}

export async function hasUserWithRole(ex: Executor, tenantId: number, role: Role): Promise<boolean> {
  const row = await ex
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('role', '=', role)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function revokeUserSessions(
  ex: Executor,
  tenantId: number,
  userId: string,
  at: Date,
): Promise<number> {
  const r = await ex
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export interface SessionWithUser {
  readonly session_id: string;
  readonly secret_hash: string;
  readonly csrf_hash: string;
  readonly expires_at: Date;
  readonly last_seen_at: Date;
  readonly revoked_at: Date | null;
  readonly user_id: string;
  readonly username: string;
  readonly role: Role;
  readonly status: 'active' | 'disabled';
  readonly portfolio_scoped: boolean;
  readonly approval_limit_minor: bigint | null;
}

export async function findSessionWithUser(
  ex: Executor,
  tenantId: number,
  sessionId: string,
): Promise<SessionWithUser | undefined> {
  return ex
    .selectFrom('sessions as s')
    .innerJoin('users as u', (j) =>
      j.onRef('u.tenant_id', '=', 's.tenant_id').onRef('u.id', '=', 's.user_id'),
    )
    .select([
      's.id as session_id',
      's.secret_hash',
      's.csrf_hash',
      's.expires_at',
      's.last_seen_at',
      's.revoked_at',
      'u.id as user_id',
      'u.username',
      'u.role',
      'u.status',
      'u.portfolio_scoped',
      'u.approval_limit_minor',
    ])
    .where('s.tenant_id', '=', tenantId)
    .where('s.id', '=', sessionId)
    .executeTakeFirst();
}

export interface TokenWithUser {
  readonly token_id: string;
  readonly secret_hash: string;
  readonly scopes: string[] | null;
  readonly expires_at: Date;
  readonly revoked_at: Date | null;
  readonly last_used_at: Date | null;
  readonly user_id: string;
  readonly username: string;
  readonly role: Role;
  readonly status: 'active' | 'disabled';
  readonly portfolio_scoped: boolean;
  readonly approval_limit_minor: bigint | null;
}

/**
 * An API token with its user, for many tokens in one statement (tokens of any tenants): the rows found, each
 * with its tenant.
 */
export async function findTokensWithUsers(
  ex: Executor,
  keys: readonly { readonly tenantId: number; readonly tokenId: string }[],
): Promise<(TokenWithUser & { readonly tenant_id: number })[]> {
  if (keys.length === 0) return [];
  return (
    await sql<TokenWithUser & { tenant_id: number }>`
      select t.tenant_id, t.id as token_id, t.secret_hash, t.scopes, t.expires_at, t.revoked_at,
        t.last_used_at, u.id as user_id, u.username, u.role, u.status, u.portfolio_scoped,
        u.approval_limit_minor
      from unnest(${keys.map((k) => k.tenantId)}::integer[], ${keys.map((k) => k.tokenId)}::text[])
        as k(tenant_id, id)
      join api_tokens t on t.tenant_id = k.tenant_id and t.id = k.id
      join users u on u.tenant_id = t.tenant_id and u.id = t.user_id`.execute(ex)
  ).rows;
}

export interface TokenListRow {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly scopes: string[] | null;
  readonly created_at: Date;
  readonly expires_at: Date;
  readonly revoked_at: Date | null;
  readonly last_used_at: Date | null;
}

export async function listTokenRows(
  ex: Executor,
  tenantId: number,
  userId: string | null,
): Promise<TokenListRow[]> {
  let q = ex
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', (j) =>
      j.onRef('u.tenant_id', '=', 't.tenant_id').onRef('u.id', '=', 't.user_id'),
    )
    .select([
      't.id',
      'u.username',
      't.name',
      't.scopes',
      't.created_at',
      't.expires_at',
      't.revoked_at',
      't.last_used_at',
    ])
    .where('t.tenant_id', '=', tenantId);
  if (userId !== null) q = q.where('t.user_id', '=', userId);
  return q.orderBy('u.username').orderBy('t.created_at').orderBy('t.id').execute();
}
