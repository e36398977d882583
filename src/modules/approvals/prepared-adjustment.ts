import type { Money } from '../../core/money.ts';
import type { Adjustment, AdjustmentResult } from './contract.ts';

/**
 * An adjustment checked against the current state (its rows locked for the transaction) and ready
 * to post: what it measures against the approval limits, and what it concerns.
 */
export interface PreparedAdjustment {
  /** With its defaults resolved (a write-off's amount): what is stored for approval and executed. */
  readonly adjustment: Adjustment;
  /** What the limits are measured against. */
  readonly amount: Money;
  readonly customerId: string | null;
  readonly subjectId: string | null;
  readonly reason: string | null;
  /** The audit record's object and the state before. */
  readonly object: { readonly type: string; readonly id: string };
  readonly before: Readonly<Record<string, unknown>>;
  /** Posts it, in the transaction it was prepared in, acting as the context's actor. */
  post(meta: { readonly approvalId: string | null }): Promise<AdjustmentResult>;
}

/** The explanation written on application rows: the reason, the note, and the approval if any. */
export function explain(what: string, note: string | null, approvalId: string | null, actor: string): string {
  return `${what}${note ? `: ${note}` : ''} (${approvalId ? `approved by ${actor}, request ${approvalId}` : `by ${actor}`})`;
}
