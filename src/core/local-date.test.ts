import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  diffDays,
  endOfMonth,
  fromDayNumber,
  isLocalDate,
  type LocalDate,
  parseLocalDate,
  toDayNumber,
} from './local-date.ts';

describe('LocalDate', () => {
  it('accepts real calendar dates only', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2023-02-29')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('2026-1-01')).toBe(false);
    expect(() => parseLocalDate('31/12/2026')).toThrow(/YYYY-MM-DD/);
  });

  it('counts days like the calendar does', () => {
    expect(toDayNumber('1970-01-01' as LocalDate)).toBe(0);
    expect(toDayNumber('2000-03-01' as LocalDate)).toBe(11017);
    expect(addDays('2024-02-28' as LocalDate, 1)).toBe('2024-02-29');
    expect(addDays('2023-12-31' as LocalDate, 1)).toBe('2024-01-01');
    expect(diffDays('2026-03-01' as LocalDate, '2026-02-01' as LocalDate)).toBe(28);
  });

  it('round-trips day numbers for any date', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (n) => {
        const d = fromDayNumber(n);
        expect(isLocalDate(d)).toBe(true);
        expect(toDayNumber(d)).toBe(n);
      }),
    );
  });

  it('agrees with the JS calendar on day numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (n) => {
        expect(fromDayNumber(n)).toBe(new Date(n * 86_400_000).toISOString().slice(0, 10));
      }),
    );
  });

  it('adds months clamping to the month end', () => {
    expect(addMonths('2026-01-31' as LocalDate, 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31' as LocalDate, 1)).toBe('2024-02-29');
    expect(addMonths('2026-11-15' as LocalDate, 3)).toBe('2027-02-15');
    expect(addMonths('2026-03-15' as LocalDate, -3)).toBe('2025-12-15');
    expect(endOfMonth('2026-02-10' as LocalDate)).toBe('2026-02-28');
  });
});
