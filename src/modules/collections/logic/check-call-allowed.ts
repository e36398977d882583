import { type ContactCheck, checkConsumerContact, type RecentCall } from './check-consumer-contact.ts';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Whether a call to this customer may be made now. Consumers: Regulation F (checkConsumerContact).
 * Business debts are outside those rules (DOMAIN.md); a team may still keep its own limit of call
 * attempts in seven days (tenant setting `business_calls_per_7_days`), refused the same way.
 */
export function checkCallAllowed(input: {
  readonly customerType: 'business' | 'consumer';
  readonly now: Date;
  readonly timeZone: string;
  readonly recentCalls: readonly RecentCall[];
  /** The team's own limit for business accounts; null: none. */
  readonly businessCallsPer7Days: number | null;
}): ContactCheck {
  if (input.customerType === 'consumer') return checkConsumerContact(input);
  const limit = input.businessCallsPer7Days;
  if (limit === null) return { allowed: true };
  const now = input.now.getTime();
  const count = input.recentCalls.filter(
    (c) => c.at.getTime() <= now && now - c.at.getTime() < WEEK_MS,
  ).length;
  if (count >= limit)
    return {
      allowed: false,
      code: 'collections.contact_frequency',
      reason: `${count} call attempts in the last 7 days; the team's policy allows ${limit} in 7 days for business accounts`,
    };
  return { allowed: true };
}
