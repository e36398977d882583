import { describe, expect, it } from 'vitest';
import { afterFailedLogin, isLocked, LOCKOUT_MS, MAX_FAILED_LOGINS } from './lockout.ts';

describe('lockout', () => {
  const now = new Date('2026-06-30T12:00:00Z');

  it('counts failures and locks for 15 minutes at the fifth, starting the count again', () => {
    let failed = 0;
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) {
      const next = afterFailedLogin(failed, now);
      expect(next).toEqual({ failedLogins: i, lockedUntil: null });
      failed = next.failedLogins;
    }
    expect(afterFailedLogin(failed, now)).toEqual({
      failedLogins: 0,
      lockedUntil: new Date('2026-06-30T12:15:00Z'),
    });
    expect(LOCKOUT_MS).toBe(900_000);
  });

  it('is locked strictly before the end of the lock', () => {
    const until = new Date('2026-06-30T12:15:00Z');
    expect(isLocked(null, now)).toBe(false);
    expect(isLocked(until, now)).toBe(true);
    expect(isLocked(until, new Date(until.getTime() - 1))).toBe(true);
    expect(isLocked(until, until)).toBe(false);
  });
});
