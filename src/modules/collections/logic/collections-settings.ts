import { isTimeZone } from './local-time.ts';

/**
 * The tenant's collections settings (`tenants.settings` jsonb), each with its default. A value of
 * the wrong type or out of range is ignored in favour of the default, rather than failing every
 * call of every user until the setting is fixed.
 */
export interface CollectionsSettings {
  /** Where the tenant's customers are when a customer has no time zone of its own. */
  readonly timeZone: string;
  /** Days after the promised date that cash may still arrive for a promise to count as kept. */
  readonly promiseGraceDays: number;
  /** Grace days of a new payment plan when its request gives none. */
  readonly planGraceDays: number;
  /** A customer on credit hold this many days past due (oldest open item) is recommended for suspension. */
  readonly suspensionDaysPastDue: number;
  /** The team's own limit of call attempts in 7 days on business accounts; null (or 0 in settings): none. */
  readonly businessCallsPer7Days: number | null;
}

export const DEFAULT_COLLECTIONS_SETTINGS: CollectionsSettings = {
  timeZone: 'America/New_York',
  promiseGraceDays: 3,
  planGraceDays: 5,
  suspensionDaysPastDue: 60,
  businessCallsPer7Days: null,
};

const wholeDays = (v: unknown, max: number): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : undefined;

export function collectionsSettingsOf(settings: Readonly<Record<string, unknown>>): CollectionsSettings {
  const d = DEFAULT_COLLECTIONS_SETTINGS;
  const zone = settings.time_zone;
  const calls = wholeDays(settings.business_calls_per_7_days, 1000);
  return {
    timeZone: typeof zone === 'string' && isTimeZone(zone) ? zone : d.timeZone,
    promiseGraceDays: wholeDays(settings.promise_grace_days, 365) ?? d.promiseGraceDays,
    planGraceDays: wholeDays(settings.plan_grace_days, 365) ?? d.planGraceDays,
    suspensionDaysPastDue: wholeDays(settings.suspension_days_past_due, 3650) ?? d.suspensionDaysPastDue,
    businessCallsPer7Days: calls === undefined || calls === 0 ? d.businessCallsPer7Days : calls,
  };
}
