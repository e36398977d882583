import { defineErrors } from '../../core/errors.ts';

export const importError = defineErrors({
  'import.invalid_header': 'invalid',
  'import.invalid_rows': 'invalid',
  'import.duplicate_file': 'conflict',
  'import.empty_file': 'invalid',
});
