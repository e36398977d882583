export { type AgenciesErrorCode, agenciesError } from './agencies.errors.ts';
export { buildAgencyReport, listPlacements } from './agency-report.ts';
export { buildPlacementFile, PLACEMENT_FILE_COLUMNS } from './export-placement-file.ts';
export { type AgencyPerformanceRow, summarizeAgencyPerformance } from './logic/agency-performance.ts';
export { type Agency, createAgency, listAgencies, updateAgency } from './manage-agencies.ts';
export { type PlaceAccountsInput, type Placement, placeAccounts } from './place-accounts.ts';
export { recallPlacement } from './recall-placement.ts';
export {
  importRecoveriesFile,
  type RecordedRecovery,
  type RecoveryLine,
  type RecoveryResult,
  recordRecoveries,
} from './record-recoveries.ts';
