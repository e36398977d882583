import { addDays, type LocalDate } from '../../../core/local-date.ts';
import { type Payment, paidBy, reachedOn } from './cash-payments.ts';

export interface PromiseOutcome {
  readonly status: 'open' | 'kept' | 'broken';
  /** Cash toward the promise up to the as-of date or the deadline, whichever is earlier (never negative). */
  readonly paidMinor: bigint;
  /** Kept: the day the cash reached the amount. Broken: the day after the deadline. */
  readonly resolvedOn: LocalDate | null;
  /** The promised date plus the grace days: the last day cash may arrive. */
  readonly deadline: LocalDate;
}

/**
 * A promise to pay `amountMinor` by `promisedDate` is kept as soon as the cash paid toward it (see
 * paymentsFor) reaches the amount on or before the promised date plus `graceDays`; it is broken once
 * the as-of date is past that deadline without it. Until then it stays open. Cash paid after the
 * deadline does not keep a promise, however soon the evaluation runs: the outcome depends on the
 * dates of the payments, not on when it is evaluated.
 */
export function evaluatePromise(input: {
  readonly amountMinor: bigint;
  readonly promisedDate: LocalDate;
  readonly graceDays: number;
  readonly payments: readonly Payment[];
  readonly asOf: LocalDate;
}): PromiseOutcome {
  const deadline = addDays(input.promisedDate, input.graceDays);
  const horizon = input.asOf < deadline ? input.asOf : deadline;
  const paid = paidBy(input.payments, horizon);
  const paidMinor = paid > 0n ? paid : 0n;
  const keptOn = reachedOn(input.payments, input.amountMinor, horizon);
  if (keptOn !== null) return { status: 'kept', paidMinor, resolvedOn: keptOn, deadline };
  if (input.asOf > deadline)
    return { status: 'broken', paidMinor, resolvedOn: addDays(deadline, 1), deadline };
  return { status: 'open', paidMinor, resolvedOn: null, deadline };
}
