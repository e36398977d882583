import { describe, expect, it } from 'vitest';
import { isInsideWindow, isTimeZone, nextWindowOpening } from './contact-window.ts';

describe('consumer contact window', () => {
  it('is open from 08:00 up to, not including, 21:00 local time', () => {
    // July: New York is UTC−4.
    expect(isInsideWindow(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(true); // 08:00
    expect(isInsideWindow(new Date('2026-07-01T11:59:00Z'), 'America/New_York')).toBe(false); // 07:59
    expect(isInsideWindow(new Date('2026-07-02T00:59:00Z'), 'America/New_York')).toBe(true); // 20:59
    expect(isInsideWindow(new Date('2026-07-02T01:00:00Z'), 'America/New_York')).toBe(false); // 21:00
  });

  it('opens next at 08:00 local, the same morning or the next', () => {
    // 05:00 in Los Angeles (UTC−7 in July) → 08:00 that day = 15:00Z.
    expect(nextWindowOpening(new Date('2026-07-01T12:00:00Z'), 'America/Los_Angeles').toISOString()).toBe(
      '2026-07-01T15:00:00.000Z',
    );
    // 22:30 in New York → 08:00 next day = 12:00Z.
    expect(nextWindowOpening(new Date('2026-07-02T02:30:00Z'), 'America/New_York').toISOString()).toBe(
      '2026-07-02T12:00:00.000Z',
    );
    const inside = new Date('2026-07-01T16:00:00Z');
    expect(nextWindowOpening(inside, 'America/New_York')).toBe(inside);
  });

  it('lands on 08:00 across a daylight-saving change', () => {
    // 22:00 on 7 March 2026 in New York (EST, UTC−5); clocks go forward at 02:00 on 8 March.
    const opening = nextWindowOpening(new Date('2026-03-08T03:00:00Z'), 'America/New_York');
    expect(opening.toISOString()).toBe('2026-03-08T12:00:00.000Z'); // 08:00 EDT
  });

  it('knows real time zones from made-up ones', () => {
    expect(isTimeZone('Europe/Madrid')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
