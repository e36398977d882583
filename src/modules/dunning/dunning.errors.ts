import { defineErrors } from '../../core/errors.ts';

/** Errors of dunning, documents, the outbox and statement schedules. */
const DUNNING_ERRORS = {
  'dunning.invalid_strategy': 'invalid',
  'dunning.strategy_not_found': 'not_found',
  'dunning.invalid_template': 'invalid',
  'dunning.template_not_found': 'not_found',
  'dunning.customer_not_found': 'not_found',
  'dunning.document_not_found': 'not_found',
  'dunning.invalid_schedule': 'invalid',
  'dunning.invalid_date': 'invalid',
  /** A consumer's document asked for by a role that may not see protected health information. */
  'dunning.phi_forbidden': 'forbidden',
} as const;

export type DunningErrorCode = keyof typeof DUNNING_ERRORS;

export const dunningError = defineErrors(DUNNING_ERRORS);
