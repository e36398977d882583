import { defineErrors } from '../../core/errors.ts';

/** Error codes of the demo module. */
export const demoError = defineErrors({
  'demo.invalid_options': 'invalid',
  'demo.database_not_empty': 'conflict',
});
