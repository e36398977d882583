import { defineErrors } from '../../core/errors.ts';

/** Error codes of the analytics module (KPIs, aging comparison, at-risk list, cash forecast). */
export const analyticsError = defineErrors({
  'analytics.invalid_period': 'invalid',
  'analytics.invalid_options': 'invalid',
});
