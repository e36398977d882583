import { defineErrors } from '../../core/errors.ts';

/** Errors of the tabular module: opening, reading and writing the files of imports and reports. */
const TABULAR_ERRORS = {
  'tabular.unsupported_format': 'invalid',
  'tabular.file_not_found': 'not_found',
  'tabular.file_unreadable': 'invalid',
  'tabular.file_unwritable': 'invalid',
  'tabular.missing_header': 'invalid',
  'tabular.malformed_file': 'invalid',
} as const;

export type TabularErrorCode = keyof typeof TABULAR_ERRORS;

export const tabularError = defineErrors(TABULAR_ERRORS);
