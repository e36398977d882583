import { addDays, type LocalDate } from '../../../core/local-date.ts';
import type { DisputeStatus, PlanStatus, PromiseStatus } from '../../../db/schema.ts';

/** A customer's collections commitments, as the pause rule reads them. */
export interface PauseFacts {
  readonly disputes: readonly {
    readonly id: string;
    readonly status: DisputeStatus;
    readonly reasonCode: string;
  }[];
  readonly promises: readonly {
    readonly id: string;
    readonly status: PromiseStatus;
    readonly promisedDate: LocalDate;
    readonly amount: string;
  }[];
  readonly plans: readonly { readonly id: string; readonly status: PlanStatus }[];
}

/**
 * Why dunning should leave a customer alone, or null. Paused while a dispute on the customer or its
 * items is open (or being investigated), while a payment plan is active, or while a promise to pay is
 * open and its promised date plus the grace days has not passed. A broken promise or plan pauses
 * nothing — nor does an open promise past its deadline that evaluation has not yet marked broken.
 */
export function pauseReasonOf(facts: PauseFacts, asOf: LocalDate, promiseGraceDays: number): string | null {
  const dispute = facts.disputes.find((d) => d.status === 'open' || d.status === 'investigating');
  if (dispute) return `dispute ${dispute.id} ${dispute.status} (${dispute.reasonCode})`;
  const plan = facts.plans.find((p) => p.status === 'active');
  if (plan) return `payment plan ${plan.id} active`;
  const promise = facts.promises
    .filter((p) => p.status === 'open' && addDays(p.promisedDate, promiseGraceDays) >= asOf)
    .sort((a, b) => (a.promisedDate < b.promisedDate ? -1 : a.promisedDate > b.promisedDate ? 1 : 0))[0];
  if (promise) return `promise ${promise.id} to pay ${promise.amount} by ${promise.promisedDate}`;
  return null;
}
