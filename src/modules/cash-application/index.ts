export { type CashApplyOptions, type CashApplyResult, runCashApplication } from './apply-cash.ts';
export { findReceiptCurrency } from './find-receipt-currency.ts';
export { HISTORY_SPEC, importHistory } from './import-history.ts';
export { decideReceipt, ENGINE_VERSION, type EngineKnowledge } from './logic/decide-receipt.ts';
export { nameKey, nameSimilarity, nameTokens } from './logic/names.ts';
export {
  HISTORY_KINDS,
  type HistoryRow,
  parseHistoryRow,
  RECEIPT_METHODS,
} from './logic/parse-history-row.ts';
export { editDistance, extractReferences, type ReferenceKeys, referenceKeys } from './logic/references.ts';
export { type SubsetSumResult, subsetSums } from './logic/subset-sum.ts';
export type {
  Allocation,
  AllocationRow,
  EngineDecision,
  EngineItem,
  EngineReceipt,
  EngineSettings,
} from './logic/types.ts';
export {
  type AmountInput,
  type AppliedRow,
  applyManually,
  applyManuallyTogether,
  confirmSuggestion,
  type ListStatus,
  listOpenReceipts,
  type ManualRow,
  moveApplication,
  type OpenReceipt,
  type OpenSuggestion,
  putOnAccount,
  refund,
  rejectSuggestion,
  type SuggestedRow,
  summarizeRows,
  type TogetherRequest,
  unapply,
  type WorkbenchResult,
  workbenchError,
} from './workbench.ts';
