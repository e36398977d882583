import { describe, expect, it } from 'vitest';
import { collectionsSettingsOf, DEFAULT_COLLECTIONS_SETTINGS } from './collections-settings.ts';

describe('collectionsSettingsOf', () => {
  it('defaults everything', () => {
    expect(collectionsSettingsOf({})).toEqual(DEFAULT_COLLECTIONS_SETTINGS);
    expect(DEFAULT_COLLECTIONS_SETTINGS.timeZone).toBe('America/New_York');
  });

  it('reads the tenant’s values', () => {
    expect(
      collectionsSettingsOf({
        time_zone: 'America/Chicago',
        promise_grace_days: 0,
        plan_grace_days: 10,
        suspension_days_past_due: 90,
        business_calls_per_7_days: 5,
      }),
    ).toEqual({
      timeZone: 'America/Chicago',
      promiseGraceDays: 0,
      planGraceDays: 10,
      suspensionDaysPastDue: 90,
      businessCallsPer7Days: 5,
    });
  });

  it('ignores values of the wrong kind rather than failing every call', () => {
    const s = collectionsSettingsOf({
      time_zone: 'Mars/Olympus_Mons',
      promise_grace_days: -1,
      plan_grace_days: 2.5,
      suspension_days_past_due: '30',
      business_calls_per_7_days: 0,
    });
    expect(s).toEqual(DEFAULT_COLLECTIONS_SETTINGS);
  });
});
