import { defineErrors } from '../../core/errors.ts';

export const worklistError = defineErrors({
  'worklist.invalid_option': 'invalid',
  /** Too few invoices with a known outcome to fit or check the late-payment model. */
  'worklist.not_enough_history': 'invalid',
});

export type WorklistErrorCode = Parameters<typeof worklistError>[0];
