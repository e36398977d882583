export { buildExperimentReport, type ExperimentReport } from './experiment-report.ts';
export { type ExperimentsErrorCode, experimentsError } from './experiments.errors.ts';
export type { Population } from './experiments.repo.ts';
export { findVariant, findVariantsOf, type VariantAssignment } from './find-variant.ts';
export { type Assignment, assignVariants, type Candidate } from './logic/assign-variants.ts';
export {
  bucketOf,
  type Comparison,
  compareVariants,
  computeOutcomes,
  ROLL_BUCKETS,
  type VariantOutcome,
} from './logic/experiment-outcomes.ts';
export {
  normalCdf,
  type ProportionResult,
  studentTCdf,
  twoProportionZTest,
  type WelchResult,
  welchTTest,
} from './logic/statistics.ts';
export {
  assignNewAccounts,
  type CreateExperimentInput,
  createExperiment,
  DEFAULT_SETTINGS,
  type Experiment,
  type ExperimentSettings,
  getExperiment,
  listExperiments,
  startExperiment,
  stopExperiment,
  type VariantInput,
} from './manage-experiments.ts';
