import { defineErrors } from '../../core/errors.ts';

export const approvalsError = defineErrors({
  'approvals.invalid_request': 'invalid',
  'approvals.not_found': 'not_found',
  'approvals.item_not_found': 'not_found',
  'approvals.customer_not_found': 'not_found',
  'approvals.receipt_not_found': 'not_found',
  /** The principal may not request adjustments, or acts for another tenant. */
  'approvals.not_permitted': 'forbidden',
  /** Segregation of duties: the requester cannot decide their own request. */
  'approvals.self_approval': 'forbidden',
  /** The approver's own limit is below the amount. */
  'approvals.over_limit': 'forbidden',
  /** Only the requester may cancel a request. */
  'approvals.not_requester': 'forbidden',
  'approvals.not_pending': 'conflict',
  /** More than the item has open, or the receipt has unapplied. */
  'approvals.exceeds_open': 'conflict',
  /** What the request measured has changed since (a settlement's items were paid meanwhile). */
  'approvals.stale_request': 'conflict',
  'approvals.number_taken': 'conflict',
  /** The journal entry (or approved request) named for a reversal does not exist. */
  'approvals.entry_not_found': 'not_found',
  /** Not an adjustment's entry: a receipt's application, a document, a reversal itself. */
  'approvals.not_reversible': 'invalid',
  'approvals.already_reversed': 'conflict',
  /** The items were applied since in a way the reversal cannot undo (paid, recovered). */
  'approvals.items_changed': 'conflict',
});

export type ApprovalsErrorCode = Parameters<typeof approvalsError>[0];
