import { defineErrors } from '../../core/errors.ts';

export const partiesError = defineErrors({
  'parties.customer_not_found': 'not_found',
  'parties.party_not_found': 'not_found',
});
