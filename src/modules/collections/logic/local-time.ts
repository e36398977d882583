import { type LocalDate, parseLocalDate } from '../../../core/local-date.ts';

/** The wall-clock reading of an instant in an IANA time zone. */
export interface LocalTime {
  readonly date: LocalDate;
  /** 0–23. */
  readonly hour: number;
  readonly minute: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    // h23: midnight reads 00, never 24 (some engines give 24 with hour12: false).
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** True for a time zone the runtime's ICU knows (`America/Chicago`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    formatFor(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a clock on the wall in `timeZone` shows at `instant`. Daylight saving is the time zone
 * database's business: 12:00 UTC is 08:00 in New York in July (EDT) and 07:00 in January (EST).
 */
export function localTimeOf(instant: Date, timeZone: string): LocalTime {
  const parts = formatFor(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: parseLocalDate(`${get('year')}-${get('month')}-${get('day')}`),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
  };
}
