import { diffDays, type LocalDate } from '../../../core/local-date.ts';
import type { DisputeStatus } from '../../../db/schema.ts';

export type DisputeResolution = 'credit_memo' | 'rebill' | 'collect' | 'write_off';
export const DISPUTE_RESOLUTIONS: readonly DisputeResolution[] = [
  'credit_memo',
  'rebill',
  'collect',
  'write_off',
];

/** What the rules need to know about a dispute. */
export interface DisputeFacts {
  readonly status: DisputeStatus;
  readonly itemId: string | null;
  /** A credit memo or write-off waiting for approval (resolution requested, money not moved yet). */
  readonly approvalPending: boolean;
}

/** Null when the change is allowed, else why not. Resolved and cancelled disputes are final. */
export function checkDisputeStatusChange(
  dispute: DisputeFacts,
  to: 'open' | 'investigating' | 'cancelled',
): string | null {
  if (dispute.status === 'resolved' || dispute.status === 'cancelled')
    return `the dispute is ${dispute.status}; it cannot change any more`;
  if (dispute.approvalPending)
    return 'its resolution is waiting for approval; the approval must be decided or cancelled first';
  if (dispute.status === to) return `the dispute is already ${to}`;
  return null;
}

/** Null when the dispute may be resolved this way, else why not. */
export function checkDisputeResolution(dispute: DisputeFacts, resolution: DisputeResolution): string | null {
  if (dispute.status === 'resolved' || dispute.status === 'cancelled')
    return `the dispute is already ${dispute.status}`;
  if (dispute.approvalPending) return 'its resolution is already waiting for approval';
  if (resolution === 'write_off' && dispute.itemId === null)
    return 'a write-off needs the disputed item; this dispute is about the account as a whole';
  return null;
}

/** Dispute cycle time (DOMAIN.md KPIs): days from opened to resolved; null while unresolved. */
export function disputeCycleDays(openedOn: LocalDate, resolvedOn: LocalDate | null): number | null {
  return resolvedOn === null ? null : diffDays(resolvedOn, openedOn);
}
