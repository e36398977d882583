import {
  addMonths,
  fromDayNumber,
  type LocalDate,
  startOfMonth,
  toDayNumber,
} from '../../../core/local-date.ts';
import type { Terms } from './demo-model.ts';

/** Day-number arithmetic for the generator: day 0 is 1970-01-01, a Thursday. */

export interface Calendar {
  today: number;
  months: number;
  /** First day of each billing month; one more entry for the month after the window. */
  monthStarts: number[];
}

export function buildCalendar(today: LocalDate, months: number): Calendar {
  const first = startOfMonth(addMonths(today, -(months - 1)));
  const monthStarts: number[] = [];
  for (let m = 0; m <= months; m++) monthStarts.push(toDayNumber(addMonths(first, m)));
  return { today: toDayNumber(today), months, monthStarts };
}

export function monthStart(cal: Calendar, m: number): number {
  const d = cal.monthStarts[m];
  if (d === undefined) throw new RangeError(`month ${m} outside the window`);
  return d;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function nextBusinessDay(day: number): number {
  const w = weekday(day);
  return w === 6 ? day + 2 : w === 0 ? day + 1 : day;
}

export function nextWeekdayOnOrAfter(day: number, target: number): number {
  return day + ((target - weekday(day) + 7) % 7);
}

/** `YYYY-MM-DD` of day numbers, memoized: the same few hundred days are formatted again and again. */
export class DateStrings {
  private readonly cache = new Map<number, string>();
  get(day: number): string {
    let s = this.cache.get(day);
    if (s === undefined) {
      s = fromDayNumber(day);
      this.cache.set(day, s);
    }
    return s;
  }
  year(day: number): number {
    return Number(this.get(day).slice(0, 4));
  }
  month(day: number): number {
    return Number(this.get(day).slice(5, 7));
  }
  compact(day: number): string {
    return this.get(day).replace(/-/g, '');
  }
}

export function dueDay(issue: number, terms: Terms): number {
  switch (terms) {
    case 'NET15':
      return issue + 15;
    case 'NET30':
    case '2/10NET30':
      return issue + 30;
    case 'NET45':
      return issue + 45;
    case 'NET30EOM': {
      const date = fromDayNumber(issue);
      return toDayNumber(startOfMonth(addMonths(date, 1))) - 1 + 30;
    }
    case 'DUE':
      return issue;
  }
}
