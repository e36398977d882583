import { describe, expect, it } from 'vitest';
import { isTimeZone, localTimeOf } from './local-time.ts';

describe('localTimeOf', () => {
  it('reads the wall clock of a zone, date included', () => {
    expect(localTimeOf(new Date('2026-07-01T01:30:00Z'), 'America/New_York')).toEqual({
      date: '2026-06-30',
      hour: 21,
      minute: 30,
    });
    expect(localTimeOf(new Date('2026-06-30T15:45:00Z'), 'Asia/Kolkata')).toEqual({
      date: '2026-06-30',
      hour: 21,
      minute: 15,
    });
  });

  it('reads midnight as hour 0', () => {
    expect(localTimeOf(new Date('2026-06-30T04:00:00Z'), 'America/New_York').hour).toBe(0);
  });

  it('knows real zones from made-up ones', () => {
    expect(isTimeZone('America/Chicago')).toBe(true);
    expect(isTimeZone('Mars/Base')).toBe(false);
  });
});
