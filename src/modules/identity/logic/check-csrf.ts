import { SECRET_PATTERN, secretMatches } from './secrets.ts';

/**
 * The double-submit check of a state-changing browser request: the token the page presents (a
 * header) must hash to the session's stored CSRF hash. Constant time; a missing or malformed token is
 * simply refused.
 */
export function checkCsrf(csrfHash: string, presentedToken: string | undefined): boolean {
  if (typeof presentedToken !== 'string' || !SECRET_PATTERN.test(presentedToken)) return false;
  return secretMatches(presentedToken, csrfHash);
}
