import { defineErrors } from '../../core/errors.ts';

export const ledgerError = defineErrors({
  'ledger.unbalanced_entry': 'invalid',
  'ledger.empty_entry': 'invalid',
  'ledger.period_locked': 'conflict',
  'ledger.append_only': 'forbidden',
  'ledger.already_reversed': 'conflict',
  /** A reversal dated before the entry it reverses: the ledger as of the days between would be wrong. */
  'ledger.reversal_before_entry': 'invalid',
  'ledger.entry_not_found': 'not_found',
  'ledger.account_missing': 'not_found',
  'ledger.invalid_period': 'invalid',
});
