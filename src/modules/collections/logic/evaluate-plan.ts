import { addDays, type LocalDate } from '../../../core/local-date.ts';
import { type Payment, paidBy, reachedOn } from './cash-payments.ts';

export interface PlanInstalment {
  readonly seq: number;
  readonly dueDate: LocalDate;
  readonly amountMinor: bigint;
}

export type InstalmentStatus = 'due' | 'paid' | 'missed';

export interface PlanOutcome {
  readonly status: 'active' | 'completed' | 'broken';
  /** Completed: the day the cash reached the plan's total. Broken: the day after the missed deadline. */
  readonly endedOn: LocalDate | null;
  /** Cash toward the plan up to the as-of date (never negative). */
  readonly paidMinor: bigint;
  /** The instalment whose deadline passed unpaid, when broken. */
  readonly missedSeq: number | null;
  readonly instalments: readonly {
    readonly seq: number;
    readonly paidMinor: bigint;
    readonly status: InstalmentStatus;
  }[];
}

/**
 * A payment plan as of a date. Cash paid toward the plan goes to its instalments oldest first. The
 * plan is broken when an instalment's due date plus `graceDays` has passed and the cash paid by then
 * does not cover that instalment and every one before it; it is completed when the cash covers the
 * whole plan. Whichever happened first decides, so catching up after a missed deadline does not
 * mend a broken plan, and the outcome does not depend on how often it is evaluated.
 */
export function evaluatePlan(input: {
  readonly instalments: readonly PlanInstalment[];
  readonly graceDays: number;
  readonly payments: readonly Payment[];
  readonly asOf: LocalDate;
}): PlanOutcome {
  const instalments = [...input.instalments].sort((a, b) => a.seq - b.seq);
  const total = instalments.reduce((s, i) => s + i.amountMinor, 0n);
  const paid = paidBy(input.payments, input.asOf);
  const paidMinor = paid > 0n ? paid : 0n;

  let broken: { seq: number; on: LocalDate } | null = null;
  const missed = new Set<number>();
  let cumulative = 0n;
  for (const i of instalments) {
    cumulative += i.amountMinor;
    const deadline = addDays(i.dueDate, input.graceDays);
    if (input.asOf > deadline && paidBy(input.payments, deadline) < cumulative) {
      missed.add(i.seq);
      broken ??= { seq: i.seq, on: addDays(deadline, 1) };
    }
  }
  const completedOn = reachedOn(input.payments, total, input.asOf);

  let left = paidMinor;
  const rows = instalments.map((i) => {
    const share = left < i.amountMinor ? left : i.amountMinor;
    left -= share;
    const status: InstalmentStatus = share >= i.amountMinor ? 'paid' : missed.has(i.seq) ? 'missed' : 'due';
    return { seq: i.seq, paidMinor: share, status };
  });

  if (broken && (completedOn === null || broken.on <= completedOn))
    return { status: 'broken', endedOn: broken.on, paidMinor, missedSeq: broken.seq, instalments: rows };
  if (completedOn !== null)
    return { status: 'completed', endedOn: completedOn, paidMinor, missedSeq: null, instalments: rows };
  return { status: 'active', endedOn: null, paidMinor, missedSeq: null, instalments: rows };
}
