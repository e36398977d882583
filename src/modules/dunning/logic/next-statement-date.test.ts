import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { defaultStatementFrom, isoWeekday, nextStatementDate } from './next-statement-date.ts';

const d = (s: string) => s as LocalDate;

describe('statement dates', () => {
  it('knows the ISO weekday', () => {
    expect(isoWeekday(d('2026-06-29'))).toBe(1); // a Monday
    expect(isoWeekday(d('2026-07-05'))).toBe(7);
    expect(isoWeekday(d('1970-01-01'))).toBe(4);
  });

  it('finds the next monthly date on or after a day, the last day standing in for a missing one', () => {
    expect(nextStatementDate('monthly', 1, d('2026-06-30'))).toBe('2026-07-01');
    expect(nextStatementDate('monthly', 30, d('2026-06-30'))).toBe('2026-06-30');
    expect(nextStatementDate('monthly', 31, d('2026-06-15'))).toBe('2026-06-30');
    expect(nextStatementDate('monthly', 31, d('2026-02-01'))).toBe('2026-02-28');
    expect(nextStatementDate('monthly', 15, d('2026-12-16'))).toBe('2027-01-15');
  });

  it('finds the next weekly date on the weekday', () => {
    expect(nextStatementDate('weekly', 1, d('2026-06-29'))).toBe('2026-06-29');
    expect(nextStatementDate('weekly', 1, d('2026-06-30'))).toBe('2026-07-06');
    expect(nextStatementDate('weekly', 5, d('2026-06-30'))).toBe('2026-07-03');
  });

  it('covers a month or a week when no statement went before', () => {
    expect(defaultStatementFrom('monthly', d('2026-06-30'))).toBe('2026-05-31');
    expect(defaultStatementFrom('monthly', d('2026-03-31'))).toBe('2026-03-01');
    expect(defaultStatementFrom('weekly', d('2026-07-06'))).toBe('2026-06-30');
  });
});
