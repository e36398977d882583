import { defineErrors } from '../../core/errors.ts';

export const experimentsError = defineErrors({
  'experiments.invalid_request': 'invalid',
  'experiments.not_found': 'not_found',
  'experiments.exists': 'conflict',
  /** The experiment is not in the state the action needs (start a draft, stop a running one). */
  'experiments.wrong_status': 'conflict',
  'experiments.empty_population': 'conflict',
});

export type ExperimentsErrorCode = Parameters<typeof experimentsError>[0];
