export {
  type ApplicationListFilter,
  type ApplicationListRow,
  findApplicationsPage,
} from './find-applications-page.ts';
export { findItemsPage, type ItemListFilter, type ItemListRow } from './find-items-page.ts';
export { findReceiptsPage, type ReceiptListFilter, type ReceiptListRow } from './find-receipts-page.ts';
export { buildApplicationPostings, type PostedRow } from './logic/build-application-postings.ts';
export { buildItemPostings } from './logic/build-item-postings.ts';
export { buildReceiptPostings } from './logic/build-receipt-postings.ts';
export {
  buildReinstatementPostings,
  buildReinstatementRows,
  planReinstatement,
  REINSTATEMENT_REASON,
  type ReinstatedPart,
} from './logic/build-reinstatement-postings.ts';
export { buildWriteOffBatch, type WriteOffPart } from './logic/build-write-off-batch.ts';
export { type BatchCheck, checkApplicationBatch } from './logic/check-application-batch.ts';
export {
  type ApplicationBatchDraft,
  type ApplicationKind,
  type ApplicationRowDraft,
  type ApplicationStatus,
  type ItemState,
  type ItemType,
  isCreditItemType,
  type ReceiptState,
  settlesItem,
} from './logic/types.ts';
export { receivablesError } from './receivables.errors.ts';
export {
  findItemIdsByNumber,
  findWrittenOffAmounts,
  lockItems,
  lockItemsByNumber,
  lockReceipts,
  type NumberedItemState,
  reserveNumbers,
} from './receivables.repo.ts';
export {
  type ApplyResult,
  type BatchProblem,
  createReceivablesService,
  type ItemDraft,
  type ReceiptDraft,
  type ReceivablesService,
  type ReinstateResult,
} from './receivables.service.ts';
