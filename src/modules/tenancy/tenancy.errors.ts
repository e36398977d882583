import { defineErrors } from '../../core/errors.ts';

export const tenancyError = defineErrors({
  'tenancy.tenant_not_found': 'not_found',
  'tenancy.not_initialized': 'not_found',
  'tenancy.entity_not_found': 'not_found',
  'tenancy.currency_conflict': 'conflict',
  'tenancy.invalid_entity': 'invalid',
});
