export { type AgingOptions, type AgingReport, type AgingRow, buildAgingReport } from './aging.ts';
export {
  APPLICATION_EXPORT_COLUMNS,
  type ApplicationExportRow,
  EXPORT_STATUSES,
  type ExportOptions,
  exportApplications,
} from './export-applications.ts';
export {
  type AgingBasis,
  type AgingBucket,
  bucketIndex,
  buildBuckets,
  DEFAULT_BOUNDARIES,
  parseBoundaries,
} from './logic/aging-buckets.ts';
export { buildStatement, defaultStatementRange, type Statement, type StatementLine } from './statement.ts';
