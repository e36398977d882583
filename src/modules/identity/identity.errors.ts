import { defineErrors } from '../../core/errors.ts';

/**
 * Errors of users, sign-in, sessions and API tokens. No message ever carries a password, a secret,
 * a hash or a token: callers may log and print them as they are.
 */
const IDENTITY_ERRORS = {
  /** One message for an unknown user, a wrong password and a disabled user: nothing to tell them apart. */
  'identity.invalid_credentials': 'unauthenticated',
  'identity.locked': 'rate_limited',
  'identity.user_exists': 'conflict',
  'identity.user_not_found': 'not_found',
  'identity.user_disabled': 'conflict',
  'identity.weak_password': 'invalid',
  'identity.invalid_role': 'invalid',
  'identity.invalid_scope': 'invalid',
  'identity.invalid_input': 'invalid',
  'identity.token_not_found': 'not_found',
} as const;

export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;

export const identityError = defineErrors(IDENTITY_ERRORS);

/** The one answer to a failed sign-in, whatever the reason. */
export function invalidCredentials() {
  return identityError('identity.invalid_credentials', 'invalid username or password');
}
