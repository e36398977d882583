import { addDays, addMonths, type LocalDate } from '../../../core/local-date.ts';

/**
 * The as-of dates of a backtest: from `months` before `to`, every `everyWeeks` weeks, as long as at
 * least one week of what happened after the date is known by `to`.
 */
export function backtestDates(to: LocalDate, months: number, everyWeeks: number): LocalDate[] {
  const dates: LocalDate[] = [];
  for (let d = addMonths(to, -months); addDays(d, 7) <= to; d = addDays(d, 7 * everyWeeks)) dates.push(d);
  return dates;
}
