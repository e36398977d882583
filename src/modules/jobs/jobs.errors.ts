import { defineErrors } from '../../core/errors.ts';

/** Errors of the job queue. */
const JOBS_ERRORS = {
  'jobs.invalid_kind': 'invalid',
  'jobs.not_found': 'not_found',
  /** Another worker holds the job's lease. */
  'jobs.running': 'conflict',
} as const;

export type JobsErrorCode = keyof typeof JOBS_ERRORS;

export const jobsError = defineErrors(JOBS_ERRORS);
