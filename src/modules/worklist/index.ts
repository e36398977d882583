export { buildTeamLoad, type TeamLoad, type TeamLoadRow } from './build-team-load.ts';
export {
  buildWorklist,
  loadRiskModel,
  type ModelInfo,
  type Worklist,
  type WorklistOptions,
  type WorklistRow,
} from './build-worklist.ts';
export {
  type CalibrationOptions,
  type CalibrationReport,
  calibrateRiskModel,
  type ModelEvaluation,
} from './calibrate-risk-model.ts';
export { type CalibrationSummary, type ReliabilityBin, summarizeCalibration } from './logic/calibration.ts';
export {
  BUILT_IN_MODEL,
  DEFAULT_RISK_SETTINGS,
  predictLateProbability,
  RISK_FEATURES,
  type RiskModel,
  type RiskSettings,
} from './logic/risk-model.ts';
export { DEFAULT_POLICY, type TaskFact } from './logic/score-account.ts';
export { type WorklistErrorCode, worklistError } from './worklist.errors.ts';
