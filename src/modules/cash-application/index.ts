export { HISTORY_SPEC, importHistory } from './import-history.ts';
export {
  HISTORY_KINDS,
  type HistoryRow,
  parseHistoryRow,
  RECEIPT_METHODS,
} from './logic/parse-history-row.ts';
