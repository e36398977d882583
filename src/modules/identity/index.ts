export { authenticateSession } from './authenticate-session.ts';
export { authenticateToken } from './authenticate-token.ts';
export {
  type CreateApiTokenInput,
  createApiToken,
  DEFAULT_TOKEN_DAYS,
  MAX_TOKEN_DAYS,
} from './create-api-token.ts';
export { type CreateUserInput, createUser } from './create-user.ts';
export { disableUser } from './disable-user.ts';
export { ADMIN_USERNAME, ensureAdminUser } from './ensure-admin-user.ts';
export { type IdentityErrorCode, identityError } from './identity.errors.ts';
export { type ApiTokenInfo, listApiTokens } from './list-api-tokens.ts';
export { listUsers, type UserInfo } from './list-users.ts';
export { checkCsrf } from './logic/check-csrf.ts';
export { LoginRateLimiter } from './logic/login-rate-limiter.ts';
export { MIN_PASSWORD_LENGTH } from './logic/password-policy.ts';
export {
  isRole,
  PERMISSIONS,
  type Permission,
  type Principal,
  permissionsOf,
  ROLE_APPROVAL_LIMIT_MINOR,
  ROLE_PERMISSIONS,
  ROLES,
  type Role,
} from './logic/roles.ts';
export { DEFAULT_SESSION_HOURS, type LoginInput, type LoginResult, login } from './login.ts';
export { logout } from './logout.ts';
export { revokeApiToken } from './revoke-api-token.ts';
export { setPassword } from './set-password.ts';
