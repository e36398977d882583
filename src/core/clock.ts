import { type LocalDate, parseLocalDate } from './local-date.ts';

/** "Now" and "today" come from here, never from `new Date()` in business code, so tests fix time. */
export interface Clock {
  now(): Date;
  /** The accounting date today, in the clock's time zone. */
  today(): LocalDate;
}

/** The system clock; `today()` is the UTC calendar date unless a time zone is given. */
export function systemClock(timeZone = 'UTC'): Clock {
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return {
    now: () => new Date(),
    today: () => parseLocalDate(fmt.format(new Date())),
  };
}

/** A clock stopped at one instant (tests, and `ARBOR_TODAY` for reproducible runs). */
export function fixedClock(today: LocalDate, instant?: Date): Clock {
  const at = instant ?? new Date(`${today}T12:00:00Z`);
  return { now: () => new Date(at.getTime()), today: () => today };
}
