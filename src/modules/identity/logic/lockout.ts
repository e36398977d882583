/**
 * Account lockout against password guessing (OWASP ASVS 2.2.1): after 5 consecutive failed sign-ins
 * the user is locked for 15 minutes; a successful sign-in resets the count. The per-address rate
 * limiter (login-rate-limiter.ts) slows guessing across many users; this bounds it on one.
 */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60_000;

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now.getTime();
}

/**
 * The user's counters after one more failed sign-in. Reaching the limit locks the user and starts the
 * count again, so that after the lock the user has the full number of attempts once more.
 */
export function afterFailedLogin(
  failedLogins: number,
  now: Date,
): { failedLogins: number; lockedUntil: Date | null } {
  const failed = failedLogins + 1;
  if (failed >= MAX_FAILED_LOGINS)
    return { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCKOUT_MS) };
  return { failedLogins: failed, lockedUntil: null };
}
