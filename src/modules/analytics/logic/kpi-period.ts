import {
  addDays,
  addMonths,
  diffDays,
  endOfMonth,
  type LocalDate,
  startOfMonth,
} from '../../../core/local-date.ts';
import type { Fraction } from './fraction.ts';

/** Days in the period, both ends included (April: 30). */
export function daysInPeriod(from: LocalDate, to: LocalDate): number {
  return diffDays(to, from) + 1;
}

/**
 * N, the number of months in the period, for the CEI's sales / N: the count of calendar months when
 * the period is made of whole calendar months (a quarter: 3), else days × 12 / 365.25.
 */
export function monthsInPeriod(from: LocalDate, to: LocalDate): Fraction {
  if (from === startOfMonth(from) && to === endOfMonth(to)) {
    const months =
      (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
      (Number(to.slice(5, 7)) - Number(from.slice(5, 7))) +
      1;
    return { num: BigInt(months), den: 1n };
  }
  return { num: BigInt(daysInPeriod(from, to)) * 48n, den: 1461n };
}

/** How the countback counts a month's days: its calendar days, or 30 each (the 30/360 convention). */
export type MonthDays = 'actual' | '30';

export interface MonthWindow {
  readonly from: LocalDate;
  readonly to: LocalDate;
  /** Days the countback adds for this month. */
  readonly days: number;
}

/**
 * The months the countback DSO walks back through, newest first: calendar months when `to` is a
 * month end, else month-long windows ending on `to`'s day of the month (each boundary computed from
 * `to`, so the windows are contiguous). With `30`, every month counts as 30 days.
 */
export function countbackMonths(to: LocalDate, count: number, monthDays: MonthDays): MonthWindow[] {
  const monthEnd = to === endOfMonth(to);
  const boundary = (k: number) => (monthEnd ? endOfMonth(addMonths(to, -k)) : addMonths(to, -k));
  const windows: MonthWindow[] = [];
  for (let k = 0; k < count; k++) {
    const end = boundary(k);
    const start = addDays(boundary(k + 1), 1);
    windows.push({ from: start, to: end, days: monthDays === '30' ? 30 : daysInPeriod(start, end) });
  }
  return windows;
}

/** The default KPI period: the last complete calendar month before `today`. */
export function defaultKpiPeriod(today: LocalDate): { from: LocalDate; to: LocalDate } {
  const previous = addMonths(today, -1);
  return { from: startOfMonth(previous), to: endOfMonth(previous) };
}
