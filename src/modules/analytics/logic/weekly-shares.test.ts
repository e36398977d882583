import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { allocate } from '../../../core/money.ts';
import { backtestDates } from './backtest-dates.ts';
import { weightedAbsoluteError } from './backtest-error.ts';
import { naivePaymentDate } from './naive-payment-date.ts';
import { buildSurvivalCurve, survivalAt } from './survival-curve.ts';
import { medianPaymentDay, shareWeights, weeklyShares, weekOf } from './weekly-shares.ts';

describe('forecast weeks', () => {
  it('numbers the days after the as-of date in weeks of seven', () => {
    expect([1, 7, 8, 14, 15].map(weekOf)).toEqual([1, 1, 2, 2, 3]);
  });

  it('conditions the payment-time distribution on the money being unpaid at its age', () => {
    // Half paid at 0 days, half at 20. An item 10 days past due is in the second half: paid at 20,
    // 10 days after the as-of date → week 2.
    const c = buildSurvivalCurve(
      [
        { x: 0, kind: 'paid', weight: 1 },
        { x: 20, kind: 'paid', weight: 1 },
      ],
      2,
    );
    const s = (x: number) => survivalAt(c, x);
    expect(weeklyShares(s, 10, 3)).toEqual([0, 1, 0, 0]);
    // Not yet due (age −3): half in week 1 (day 3), half in week 4 (day 23) — beyond a 3-week horizon.
    expect(weeklyShares(s, -3, 3)).toEqual([0.5, 0, 0, 0.5]);
    expect(medianPaymentDay(s, -3)).toBe(0);
    expect(medianPaymentDay(s, 10)).toBe(20);
    // Older than anything ever paid: nothing expected.
    expect(weeklyShares(s, 25, 2)).toEqual([0, 0, 1]);
    expect(medianPaymentDay(s, 25)).toBeNull();
  });

  it('splits an open amount by the shares so that the parts sum to it exactly', () => {
    const parts = allocate(100_001n, shareWeights([1 / 3, 1 / 3, 1 / 3, 0]));
    expect(parts.reduce((a, b) => a + b, 0n)).toBe(100_001n);
    expect(parts[3]).toBe(0n);
  });
});

describe('naive payment date', () => {
  it('is the due date plus the average days late, or the day after the as-of date when that is past', () => {
    const asOf = '2026-06-30' as LocalDate;
    expect(naivePaymentDate('2026-07-05' as LocalDate, 9.6, asOf)).toBe('2026-07-15');
    expect(naivePaymentDate('2026-06-20' as LocalDate, 5, asOf)).toBe('2026-07-01');
    expect(naivePaymentDate('2026-07-05' as LocalDate, -4.4, asOf)).toBe('2026-07-01');
  });
});

describe('backtest scoring', () => {
  it('is Σ |forecast − actual| / Σ actual', () => {
    expect(
      weightedAbsoluteError([
        { forecast: 120n, actual: 100n },
        { forecast: 50n, actual: 100n },
      ]),
    ).toBe(0.35);
    expect(weightedAbsoluteError([{ forecast: 5n, actual: 0n }])).toBeNull();
  });

  it('picks as-of dates every few weeks from months back, each with a week of actuals', () => {
    expect(backtestDates('2026-11-30' as LocalDate, 6, 4)).toEqual([
      '2026-05-30',
      '2026-06-27',
      '2026-07-25',
      '2026-08-22',
      '2026-09-19',
      '2026-10-17',
      '2026-11-14',
    ]);
  });
});
