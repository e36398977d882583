import { localTimeOf } from './local-time.ts';

/** A call attempt already made to the customer: when, and whether it reached them in person. */
export interface RecentCall {
  readonly at: Date;
  readonly conversation: boolean;
}

export type ContactCheck =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly code: 'collections.contact_window' | 'collections.contact_frequency';
      readonly reason: string;
    };

/** Regulation F, 12 CFR 1006.6(b)(1)(i): no calls before 8 a.m. or after 9 p.m. local time. */
export const CALL_WINDOW = { fromHour: 8, untilHour: 21 } as const;
/** 12 CFR 1006.14(b)(2): more than 7 attempts within 7 consecutive days is presumed harassment. */
export const MAX_CALLS_IN_7_DAYS = 7;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Whether a collector may call a consumer now (FDCPA and Regulation F, DOMAIN.md "Rules that
 * constrain collections"). Refused when:
 * - the debtor's local time is outside 08:00–21:00 (08:00 is allowed, 21:00 is not);
 * - seven calls were already made in the seven days before (this would be the eighth);
 * - a call in the seven days before reached the debtor in a conversation.
 *
 * "Seven days" is a rolling 7 × 24 hours before `now`: a call made exactly seven days ago no longer
 * counts. `recentCalls` may hold older calls or calls after `now`; they are ignored.
 */
export function checkConsumerContact(input: {
  readonly now: Date;
  readonly timeZone: string;
  readonly recentCalls: readonly RecentCall[];
}): ContactCheck {
  const local = localTimeOf(input.now, input.timeZone);
  if (local.hour < CALL_WINDOW.fromHour || local.hour >= CALL_WINDOW.untilHour) {
    return {
      allowed: false,
      code: 'collections.contact_window',
      reason: `it is ${pad(local.hour)}:${pad(local.minute)} for the customer (${input.timeZone}); consumers may be called only between 08:00 and 21:00 their time (Regulation F)`,
    };
  }
  const now = input.now.getTime();
  const inWeek = input.recentCalls.filter((c) => c.at.getTime() <= now && now - c.at.getTime() < WEEK_MS);
  const conversation = inWeek
    .filter((c) => c.conversation)
    .sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  if (conversation) {
    const until = new Date(conversation.at.getTime() + WEEK_MS);
    return {
      allowed: false,
      code: 'collections.contact_frequency',
      reason: `the customer was reached in a conversation on ${conversation.at.toISOString()}; no further call until ${until.toISOString()} (Regulation F: 7 days after a conversation)`,
    };
  }
  if (inWeek.length >= MAX_CALLS_IN_7_DAYS) {
    return {
      allowed: false,
      code: 'collections.contact_frequency',
      reason: `${inWeek.length} call attempts in the last 7 days; this would be attempt ${inWeek.length + 1}, over Regulation F's limit of ${MAX_CALLS_IN_7_DAYS} attempts in 7 days`,
    };
  }
  return { allowed: true };
}
