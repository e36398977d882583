import { describe, expect, it } from 'vitest';
import { checkConsumerContact, type RecentCall } from './check-consumer-contact.ts';

const NY = 'America/New_York';
const at = (iso: string) => new Date(iso);
const check = (now: string, recentCalls: readonly RecentCall[] = [], timeZone = NY) =>
  checkConsumerContact({ now: at(now), timeZone, recentCalls });
/** `n` attempts without a conversation, one an hour, ending `hoursBefore` hours before `now`. */
const attempts = (now: string, n: number, hoursBefore = 1): RecentCall[] =>
  Array.from({ length: n }, (_, i) => ({
    at: new Date(at(now).getTime() - (hoursBefore + i) * 3_600_000),
    conversation: false,
  }));

describe('checkConsumerContact: the 08:00–21:00 window in the debtor’s time zone', () => {
  // 2026-06-30 is summer time in New York: UTC−4.
  it('refuses 07:59 and allows 08:00', () => {
    expect(check('2026-06-30T11:59:00Z')).toMatchObject({
      allowed: false,
      code: 'collections.contact_window',
    });
    expect(check('2026-06-30T12:00:00Z')).toEqual({ allowed: true });
  });

  it('allows 20:59 and refuses 21:00', () => {
    expect(check('2026-07-01T00:59:00Z')).toEqual({ allowed: true });
    const refused = check('2026-07-01T01:00:00Z');
    expect(refused).toMatchObject({ allowed: false, code: 'collections.contact_window' });
    expect(refused.allowed === false && refused.reason).toMatch(
      /21:00 for the customer \(America\/New_York\)/,
    );
  });

  it('refuses the small hours', () => {
    expect(check('2026-06-30T04:00:00Z')).toMatchObject({ allowed: false }); // 00:00 local
  });

  it('follows daylight saving time: 12:00 UTC is 07:00 in New York in winter, 08:00 in summer', () => {
    // US DST 2026: from 8 March to 1 November.
    expect(check('2026-03-07T12:00:00Z')).toMatchObject({
      allowed: false,
      code: 'collections.contact_window',
    });
    expect(check('2026-03-09T12:00:00Z')).toEqual({ allowed: true });
    // The morning DST ends: 07:59 EST is 12:59 UTC, 08:00 EST is 13:00 UTC.
    expect(check('2026-11-01T12:59:00Z')).toMatchObject({ allowed: false });
    expect(check('2026-11-01T13:00:00Z')).toEqual({ allowed: true });
    // The morning DST starts: 08:00 EDT is 12:00 UTC; 11:59 UTC is 07:59 EDT.
    expect(check('2026-03-08T11:59:00Z')).toMatchObject({ allowed: false });
    expect(check('2026-03-08T12:00:00Z')).toEqual({ allowed: true });
  });

  it('uses the customer’s own zone', () => {
    // 12:00 UTC: 05:00 in Los Angeles, 21:00 in Tokyo, 17:30 in Kolkata.
    expect(check('2026-06-30T12:00:00Z', [], 'America/Los_Angeles')).toMatchObject({ allowed: false });
    expect(check('2026-06-30T12:00:00Z', [], 'Asia/Tokyo')).toMatchObject({ allowed: false });
    expect(check('2026-06-30T12:00:00Z', [], 'Asia/Kolkata')).toEqual({ allowed: true });
  });
});

describe('checkConsumerContact: 7 attempts in 7 days', () => {
  const now = '2026-06-30T15:00:00Z'; // 11:00 in New York

  it('allows the 7th attempt and refuses the 8th', () => {
    expect(check(now, attempts(now, 6))).toEqual({ allowed: true });
    const eighth = check(now, attempts(now, 7));
    expect(eighth).toMatchObject({ allowed: false, code: 'collections.contact_frequency' });
    expect(eighth.allowed === false && eighth.reason).toMatch(
      /7 call attempts in the last 7 days; this would be attempt 8/,
    );
  });

  it('counts a rolling seven days: a call exactly 7 days ago no longer counts', () => {
    const week = 7 * 24;
    const old = [
      ...attempts(now, 6),
      { at: new Date(at(now).getTime() - week * 3_600_000), conversation: false },
    ];
    expect(check(now, old)).toEqual({ allowed: true });
    const inside = [
      ...attempts(now, 6),
      { at: new Date(at(now).getTime() - week * 3_600_000 + 60_000), conversation: false },
    ];
    expect(check(now, inside)).toMatchObject({ allowed: false, code: 'collections.contact_frequency' });
  });

  it('ignores calls after now', () => {
    const future = Array.from({ length: 9 }, (_, i) => ({
      at: new Date(at(now).getTime() + (i + 1) * 60_000),
      conversation: true,
    }));
    expect(check(now, future)).toEqual({ allowed: true });
  });
});

describe('checkConsumerContact: 7 days after a conversation', () => {
  const now = '2026-06-30T15:00:00Z';
  const day = 24 * 3_600_000;

  it('refuses a call within 7 days after a conversation and names when calls may resume', () => {
    const talk = { at: new Date(at(now).getTime() - 6 * day), conversation: true };
    const refused = check(now, [talk]);
    expect(refused).toMatchObject({ allowed: false, code: 'collections.contact_frequency' });
    expect(refused.allowed === false && refused.reason).toContain('2026-07-01T15:00:00.000Z');
  });

  it('allows a call 7 days after it', () => {
    expect(check(now, [{ at: new Date(at(now).getTime() - 7 * day), conversation: true }])).toEqual({
      allowed: true,
    });
  });

  it('does not count attempts that reached no one as conversations', () => {
    expect(check(now, [{ at: new Date(at(now).getTime() - day), conversation: false }])).toEqual({
      allowed: true,
    });
  });
});
