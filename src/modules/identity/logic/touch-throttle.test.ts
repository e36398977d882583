import { describe, expect, it } from 'vitest';
import { TouchThrottle } from './touch-throttle.ts';

describe('TouchThrottle', () => {
  it('lets one touch per key through per interval', () => {
    const t = new TouchThrottle(60_000);
    expect(t.claim('a', 0)).toBe(true);
    expect(t.claim('a', 59_999)).toBe(false);
    expect(t.claim('b', 10)).toBe(true);
    expect(t.claim('a', 60_000)).toBe(true);
    expect(t.claim('a', 60_001)).toBe(false);
  });
});
