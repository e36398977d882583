import { defineErrors } from '../../core/errors.ts';

/** Errors of the bank-file parsers. A file that cannot be read at all is `bank_files.unreadable`. */
const BANK_FILES_ERRORS = {
  'bank_files.unreadable': 'invalid',
  'bank_files.unknown_format': 'invalid',
  'bank_files.file_not_found': 'not_found',
  'bank_files.invalid_mapping': 'invalid',
} as const;

export type BankFilesErrorCode = keyof typeof BANK_FILES_ERRORS;

export const bankFilesError = defineErrors(BANK_FILES_ERRORS);

/**
 * The error a parser throws when a file cannot be read at all: the message is `FILE:LINE: message`
 * (spec section 4), and the issue carries the same parts for callers that format it themselves.
 */
export function unreadable(file: string, line: number | null, message: string) {
  const where = line === null ? file : `${file}:${line}`;
  return bankFilesError('bank_files.unreadable', `${where}: ${message}`, {
    issues: [line === null ? { file, message } : { file, line, message }],
  });
}
