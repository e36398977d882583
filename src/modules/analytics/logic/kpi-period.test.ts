import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { toFixedNumber } from './fraction.ts';
import { countbackMonths, daysInPeriod, monthsInPeriod } from './kpi-period.ts';

const d = (s: string) => s as LocalDate;

describe('KPI periods', () => {
  it('counts days both ends included, and months as whole calendar months when it can', () => {
    expect(daysInPeriod(d('2026-04-01'), d('2026-04-30'))).toBe(30);
    expect(monthsInPeriod(d('2026-01-01'), d('2026-03-31'))).toEqual({ num: 3n, den: 1n });
    expect(monthsInPeriod(d('2025-11-01'), d('2026-02-28'))).toEqual({ num: 4n, den: 1n });
    // 91 days that are not whole months: 91 × 12 / 365.25.
    expect(toFixedNumber(monthsInPeriod(d('2026-01-15'), d('2026-04-15')), 4)).toBe(2.9897);
  });

  it('walks back calendar months from a month end, or month-long windows from another day', () => {
    expect(countbackMonths(d('2026-03-31'), 3, 'actual')).toEqual([
      { from: '2026-03-01', to: '2026-03-31', days: 31 },
      { from: '2026-02-01', to: '2026-02-28', days: 28 },
      { from: '2026-01-01', to: '2026-01-31', days: 31 },
    ]);
    expect(countbackMonths(d('2026-06-30'), 2, '30').map((m) => m.days)).toEqual([30, 30]);
    expect(countbackMonths(d('2026-03-30'), 2, 'actual')).toEqual([
      { from: '2026-03-01', to: '2026-03-30', days: 30 },
      { from: '2026-01-31', to: '2026-02-28', days: 29 },
    ]);
  });
});
