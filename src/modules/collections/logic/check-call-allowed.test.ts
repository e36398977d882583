import { describe, expect, it } from 'vitest';
import { checkCallAllowed } from './check-call-allowed.ts';

const night = new Date('2026-06-30T06:00:00Z'); // 02:00 in New York
const base = { now: night, timeZone: 'America/New_York', businessCallsPer7Days: null };
const calls = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    at: new Date(night.getTime() - (i + 1) * 3_600_000),
    conversation: i === 0,
  }));

describe('checkCallAllowed', () => {
  it('applies Regulation F to consumers', () => {
    expect(checkCallAllowed({ ...base, customerType: 'consumer', recentCalls: [] })).toMatchObject({
      allowed: false,
      code: 'collections.contact_window',
    });
  });

  it('does not refuse a business account by the consumer rules', () => {
    expect(checkCallAllowed({ ...base, customerType: 'business', recentCalls: calls(12) })).toEqual({
      allowed: true,
    });
  });

  it('refuses a business account by the team’s own limit when the tenant sets one', () => {
    const policy = { ...base, customerType: 'business' as const, businessCallsPer7Days: 3 };
    expect(checkCallAllowed({ ...policy, recentCalls: calls(2) })).toEqual({ allowed: true });
    const refused = checkCallAllowed({ ...policy, recentCalls: calls(3) });
    expect(refused).toMatchObject({ allowed: false, code: 'collections.contact_frequency' });
    expect(refused.allowed === false && refused.reason).toMatch(/team's policy allows 3/);
  });
});
