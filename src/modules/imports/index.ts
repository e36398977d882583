export { importError } from './imports.errors.ts';
export { IssueCollector } from './issue-collector.ts';
export {
  type ImportHandlerArgs,
  type ImportKind,
  type ImportOutcome,
  type ImportResult,
  type ImportSpec,
  type RunImportOptions,
  runImport,
} from './run-import.ts';
