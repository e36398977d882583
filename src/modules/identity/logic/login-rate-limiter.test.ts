import { describe, expect, it } from 'vitest';
import { LoginRateLimiter } from './login-rate-limiter.ts';

describe('LoginRateLimiter', () => {
  it('allows perMinute attempts from one source in any 60 seconds, then refuses', () => {
    const limiter = new LoginRateLimiter({ perMinute: 3 });
    const t0 = 1_000_000;
    expect([0, 10, 20].map((dt) => limiter.check('10.0.0.1', t0 + dt))).toEqual([true, true, true]);
    expect(limiter.check('10.0.0.1', t0 + 30)).toBe(false);
    // Another source has its own window.
    expect(limiter.check('10.0.0.2', t0 + 30)).toBe(true);
  });

  it('slides: an attempt leaves the window 60 seconds after it was made', () => {
    const limiter = new LoginRateLimiter({ perMinute: 2 });
    expect(limiter.check('a', 0)).toBe(true);
    expect(limiter.check('a', 30_000)).toBe(true);
    expect(limiter.check('a', 59_999)).toBe(false);
    // The first attempt (at 0) is out of the window at 60 000, the second (30 000) is not.
    expect(limiter.check('a', 60_000)).toBe(true);
    expect(limiter.check('a', 60_001)).toBe(false);
    expect(limiter.check('a', 90_000)).toBe(true);
  });

  it('does not count refused attempts, so hammering does not extend the wait', () => {
    const limiter = new LoginRateLimiter({ perMinute: 1 });
    expect(limiter.check('a', 0)).toBe(true);
    for (let t = 1000; t < 60_000; t += 1000) expect(limiter.check('a', t)).toBe(false);
    expect(limiter.check('a', 60_000)).toBe(true);
  });

  it('defaults to 10 a minute', () => {
    const limiter = new LoginRateLimiter();
    const results = Array.from({ length: 11 }, (_, i) => limiter.check('a', i));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(results[10]).toBe(false);
  });

  it('forgets idle sources so that memory follows the active ones', () => {
    const limiter = new LoginRateLimiter({ perMinute: 5 });
    for (let i = 0; i < 1500; i++) limiter.check(`s${i}`, 0);
    expect(limiter.size).toBeGreaterThan(1024);
    // Two minutes later every old source is idle: the next sweep drops them.
    for (let i = 0; i < 1100; i++) limiter.check(`n${i}`, 120_000);
    expect(limiter.size).toBeLessThanOrEqual(1100);
  });

  it('refuses a nonsensical limit', () => {
    expect(() => new LoginRateLimiter({ perMinute: 0 })).toThrow(RangeError);
    expect(() => new LoginRateLimiter({ perMinute: 1.5 })).toThrow(RangeError);
  });
});
