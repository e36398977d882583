import { defineErrors } from '../core/errors.ts';

export const apiError = defineErrors({
  'api.unauthenticated': 'unauthenticated',
  'api.forbidden': 'forbidden',
  'api.csrf': 'forbidden',
  'api.invalid_request': 'invalid',
  'api.invalid_cursor': 'invalid',
  'api.idempotency_key_reused': 'conflict',
  'api.invalid_idempotency_key': 'invalid',
  'api.not_found': 'not_found',
  'api.too_many_requests': 'rate_limited',
  'api.payload_too_large': 'invalid',
});
