import { defineErrors } from '../../core/errors.ts';

/** Errors of importing bank files and of the bank accounts they name. */
const BANKING_ERRORS = {
  'banking.duplicate_file': 'conflict',
  'banking.file_warnings': 'invalid',
  'banking.unknown_bank_account': 'invalid',
  'banking.invalid_entry': 'invalid',
} as const;

export type BankingErrorCode = keyof typeof BANKING_ERRORS;

export const bankingError = defineErrors(BANKING_ERRORS);
