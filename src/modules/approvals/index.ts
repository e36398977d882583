export { approvalsError } from './approvals.errors.ts';
export { cancelApproval } from './cancel-approval.ts';
export type {
  Adjustment,
  AdjustmentInput,
  AdjustmentKind,
  AdjustmentResult,
  ApprovalFilter,
  ApprovalStatus,
  ApprovalView,
  Decision,
  RequestOutcome,
} from './contract.ts';
export { decideApproval } from './decide-approval.ts';
export { getApproval } from './get-approval.ts';
export { listApprovals } from './list-approvals.ts';
export {
  type ItemAdjustmentKind,
  type ItemAdjustmentView,
  listItemAdjustments,
} from './list-item-adjustments.ts';
export { allocateSettlement } from './logic/allocate-settlement.ts';
export { checkCanceller, checkDecider, checkRequester, routeAdjustment } from './logic/approval-rules.ts';
export {
  type ReinstatementInput,
  type ReinstatementResult,
  reinstateWriteOff,
} from './reinstate-write-off.ts';
export { requestAdjustment } from './request-adjustment.ts';
export {
  type AdjustmentReversal,
  type ReverseAdjustmentInput,
  type ReversedItem,
  reverseAdjustment,
} from './reverse-adjustment.ts';
