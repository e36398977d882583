import { defineErrors } from '../../core/errors.ts';

export const receivablesError = defineErrors({
  'receivables.item_not_found': 'not_found',
  'receivables.receipt_not_found': 'not_found',
  'receivables.application_not_found': 'not_found',
  'receivables.invalid_application': 'invalid',
  'receivables.over_application': 'conflict',
  'receivables.currency_mismatch': 'invalid',
  'receivables.entity_mismatch': 'invalid',
  'receivables.item_not_yet_issued': 'invalid',
  'receivables.already_reversed': 'conflict',
  /** A reversal dated before the application it undoes: aging as of the days between would be wrong. */
  'receivables.reversal_before_application': 'invalid',
  'receivables.created_item_in_use': 'conflict',
  'receivables.unbalanced_batch': 'invalid',
  /** Nothing (or less than asked) is written off to reinstate, or the item would open beyond its amount. */
  'receivables.exceeds_written_off': 'conflict',
});
