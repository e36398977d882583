export { type JobsErrorCode, jobsError } from './jobs.errors.ts';
export {
  type ClaimOptions,
  claimJob,
  claimNextJob,
  completeJob,
  enqueueJob,
  failJob,
  findDailyJobKinds,
  findJob,
  findJobById,
  findJobs,
  findLastDoneRunDate,
  isJobScheduled,
  type Job,
  requeueJob,
  setJobSchedule,
} from './jobs.repo.ts';
export { retryDelayMs } from './logic/retry-delay.ts';
