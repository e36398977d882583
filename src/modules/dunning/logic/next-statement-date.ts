import { addDays, addMonths, daysInMonth, type LocalDate, toDayNumber } from '../../../core/local-date.ts';

export type StatementFrequency = 'monthly' | 'weekly';

/** ISO weekday: 1 Monday … 7 Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(date: LocalDate): number {
  return ((((toDayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

function dayInMonth(year: number, month: number, day: number): LocalDate {
  const d = Math.min(day, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}` as LocalDate;
}

/**
 * The first statement date on or after `from`: monthly on `day` of the month (a day the month lacks,
 * such as 31 in April, is its last day), or weekly on ISO weekday `day`.
 */
export function nextStatementDate(frequency: StatementFrequency, day: number, from: LocalDate): LocalDate {
  if (frequency === 'weekly') return addDays(from, (day - isoWeekday(from) + 7) % 7);
  const y = Number(from.slice(0, 4));
  const m = Number(from.slice(5, 7));
  const candidate = dayInMonth(y, m, day);
  if (candidate >= from) return candidate;
  const next = addMonths(`${from.slice(0, 8)}01` as LocalDate, 1);
  return dayInMonth(Number(next.slice(0, 4)), Number(next.slice(5, 7)), day);
}

/** The period a statement on `to` covers when none was sent before: a month, or a week. */
export function defaultStatementFrom(frequency: StatementFrequency, to: LocalDate): LocalDate {
  return frequency === 'weekly' ? addDays(to, -6) : addDays(addMonths(to, -1), 1);
}
