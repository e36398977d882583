/**
 * When a consumer may be contacted: between 08:00 and 21:00 in the debtor's local time (FDCPA
 * § 805(a)(1) and Regulation F, 12 CFR 1006.6(b)(1)(i), presume other hours inconvenient). Arbor
 * holds consumer emails in the outbox until the window opens; letters are posted, not timed.
 */
export const CONSUMER_WINDOW = { fromHour: 8, untilHour: 21 } as const;

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(zone: string): boolean {
  try {
    formatFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local hour and minute at `instant` in `timeZone`. */
export function localClock(instant: Date, timeZone: string): { hour: number; minute: number } {
  const parts = formatFor(timeZone).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? '0');
  return { hour: get('hour'), minute: get('minute') };
}

export function isInsideWindow(instant: Date, timeZone: string, window = CONSUMER_WINDOW): boolean {
  const { hour } = localClock(instant, timeZone);
  return hour >= window.fromHour && hour < window.untilHour;
}

/**
 * `now` when it is inside the window; otherwise the next instant the window opens (08:00 local).
 * Computed from the local clock and checked again, because a daylight-saving change in between
 * moves the opening by an hour.
 */
export function nextWindowOpening(now: Date, timeZone: string, window = CONSUMER_WINDOW): Date {
  if (isInsideWindow(now, timeZone, window)) return now;
  const { hour, minute } = localClock(now, timeZone);
  const hoursAhead = hour >= window.untilHour ? 24 - hour + window.fromHour : window.fromHour - hour;
  let at = new Date(now.getTime() + (hoursAhead * 60 - minute) * 60_000);
  at = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  for (let i = 0; i < 3; i++) {
    const local = localClock(at, timeZone);
    if (local.hour === window.fromHour && local.minute === 0) return at;
    // A daylight-saving change in between: move by the difference and look again.
    const off = (local.hour - window.fromHour) * 60 + local.minute;
    at = new Date(at.getTime() - off * 60_000);
  }
  return at;
}
