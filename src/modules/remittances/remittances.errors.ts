import { defineErrors } from '../../core/errors.ts';

/** Errors of importing remittance advices and linking them to receipts. */
const REMITTANCES_ERRORS = {
  'remittances.file_not_found': 'not_found',
  'remittances.unsupported_file': 'invalid',
  'remittances.invalid_header': 'invalid',
  'remittances.invalid_rows': 'invalid',
  'remittances.invalid_advice': 'invalid',
  'remittances.empty_file': 'invalid',
  'remittances.duplicate_file': 'conflict',
  'remittances.duplicate_advice': 'conflict',
} as const;

export type RemittancesErrorCode = keyof typeof REMITTANCES_ERRORS;

export const remittancesError = defineErrors(REMITTANCES_ERRORS);
