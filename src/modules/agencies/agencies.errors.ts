import { defineErrors } from '../../core/errors.ts';

export const agenciesError = defineErrors({
  'agencies.invalid_request': 'invalid',
  'agencies.agency_not_found': 'not_found',
  'agencies.agency_exists': 'conflict',
  'agencies.agency_inactive': 'conflict',
  'agencies.customer_not_found': 'not_found',
  'agencies.placement_not_found': 'not_found',
  /** Nothing open to place, or the items are with an agency already. */
  'agencies.nothing_to_place': 'conflict',
  'agencies.not_placed': 'conflict',
  /** Bad recovery lines: every problem in `issues`; nothing was recorded. */
  'agencies.invalid_recoveries': 'invalid',
  'agencies.duplicate_file': 'conflict',
});

export type AgenciesErrorCode = Parameters<typeof agenciesError>[0];
