import { type CurrencyCode, minorUnits } from '../../../core/currency.ts';
import { addDays, diffDays, type LocalDate } from '../../../core/local-date.ts';
import { formatMoneyForDisplay } from '../../../core/money.ts';
import type { Behaviour, RiskSettings } from './risk-model.ts';

/**
 * What a call to an account is worth today, and why (docs/worklist.md, "the score").
 *
 *   at risk = (expected unpaid past due + ¼ × expected unpaid not yet due) × collectible share
 *   score   = at risk (major units) × the product of the multipliers below
 *
 * "Expected unpaid" is Σ open × p over the open items, p the late-payment probability of the risk
 * model (risk-model.ts). Items not yet due count a quarter: a call before the due date is worth less
 * today, the customer can still pay on time and there will be time to call later. The collectible
 * share takes out what a call cannot collect: amounts in open disputes (they are the dispute owner's
 * to resolve) and open credits and unapplied cash (apply them first).
 *
 * Multipliers (each named in the reasons when it applies):
 * - broken promises in the last 90 days: × (1 + 0.25 per promise, at most 4);
 * - over the credit limit: × 1.25;
 * - open promises all past their date and not yet kept: × 1.5; the next one falling due today or
 *   tomorrow: × 1.3 (a reminder call keeps it); falling due in 2 to 7 days: × 0.6 (the customer has
 *   committed; wait);
 * - an active payment plan: × 0.5 (its instalments are followed by the plan);
 * - a consumer account that may not be called today under Regulation F (a conversation in the last
 *   7 days, or 7 call attempts in 7 days): × 0.2, and the row says when calls may resume.
 *
 * The score is a ranking number, not money; amounts are compared at face value across currencies
 * (there is no exchange-rate table), which matters only for a tenant that bills in several.
 */

export interface AccountFacts {
  readonly customerId: string;
  readonly accountNumber: string;
  readonly name: string;
  readonly customerType: 'business' | 'consumer';
  readonly segment: string | null;
  readonly collector: string | null;
  readonly currency: CurrencyCode;
  /** Open debit items (invoices, debit memos, deductions) not placed with an agency. */
  readonly balanceMinor: bigint;
  /** Open credit items: zero or negative. */
  readonly creditsMinor: bigint;
  /** The customer's unapplied cash in this currency: zero or negative. */
  readonly unappliedMinor: bigint;
  readonly pastDueMinor: bigint;
  readonly openItems: number;
  readonly pastDueItems: number;
  /** Days past due of the oldest open debit item (negative: the next due date is ahead); null: none. */
  readonly maxDaysPastDue: number | null;
  /** Σ open × p over past-due items. */
  readonly expectedPastDueMinor: bigint;
  /** Σ open × p over items not yet due. */
  readonly expectedCurrentMinor: bigint;
  /** Open items placed with an agency (not in the balance above). */
  readonly placedMinor: bigint;
  readonly creditLimitMinor: bigint | null;
  readonly behaviour: Behaviour;
  /** The account's late share after smoothing toward the portfolio's (risk-model.ts). */
  readonly lateShare: number;
}

export interface CurrencyAmount {
  readonly currency: string;
  readonly amountMinor: bigint;
}

/** The collections module's picture of the account (its `findCollectionsState`, mapped). */
export interface CollectionsFacts {
  /** Open and investigating disputes: how many, and their amounts per currency. */
  readonly disputes: { readonly count: number; readonly amounts: readonly CurrencyAmount[] };
  readonly promises: {
    readonly count: number;
    readonly amounts: readonly CurrencyAmount[];
    /** Open promises dated from the day to 7 days after it. */
    readonly dueWithin7Days: number;
    /** The next promised date on or after the day; null when none (every open promise is past its date). */
    readonly nextPromisedDate: LocalDate | null;
  };
  /** Promises broken in the 90 days up to the day. */
  readonly brokenPromises: number;
  readonly activePlan: {
    readonly id: string;
    readonly nextDueDate: LocalDate | null;
    readonly nextDue: CurrencyAmount | null;
  } | null;
  readonly holdReason: string | null;
  /** Why dunning is paused for the account (a dispute, a plan, a promise within its grace days). */
  readonly paused: string | null;
}

export interface TaskFact {
  readonly id: string;
  readonly dueDate: LocalDate;
  readonly notes: string | null;
  readonly assignedTo: string | null;
}

export interface ContactFact {
  /** Call attempts in the 7 days before the day. */
  readonly callsLast7Days: number;
  /** The last call that reached the debtor in person (Regulation F's 7-day rule). */
  readonly lastConversationOn: LocalDate | null;
  /** When the 7th-latest call attempt was made (the 7-in-7 presumption ends 7 days after it). */
  readonly seventhLatestCallOn: LocalDate | null;
}

export interface AccountState extends CollectionsFacts {
  readonly tasks: readonly TaskFact[];
  readonly contact: ContactFact;
  /** Agencies holding some of the account's items (codes). */
  readonly agencies: readonly string[];
}

export interface ScoringPolicy {
  readonly risk: RiskSettings;
  /** Weight of the expected unpaid amount of items not yet due. */
  readonly currentWeight: number;
  readonly brokenPromiseStep: number;
  readonly brokenPromiseCap: number;
  readonly overLimit: number;
  readonly promiseOverdue: number;
  readonly promiseImminent: number;
  readonly promiseComing: number;
  /** Promises falling due within this many days count as coming. */
  readonly promiseWindowDays: number;
  readonly activePlan: number;
  readonly callBlocked: number;
}

export const DEFAULT_POLICY: Omit<ScoringPolicy, 'risk'> = {
  currentWeight: 0.25,
  brokenPromiseStep: 0.25,
  brokenPromiseCap: 4,
  overLimit: 1.25,
  promiseOverdue: 1.5,
  promiseImminent: 1.3,
  promiseComing: 0.6,
  promiseWindowDays: 7,
  activePlan: 0.5,
  callBlocked: 0.2,
};

export interface ScoredAccount {
  readonly score: number;
  /** The collectible amount expected to stay unpaid without action (an estimate, rounded to minor units). */
  readonly atRiskMinor: bigint;
  /** Σ open × p / open: the balance-weighted probability of late or no payment. */
  readonly probability: number;
  readonly disputedMinor: bigint;
  readonly reasons: string[];
  /** Every cent of the balance is in dispute: the dispute owner's, not the collector's. */
  readonly routed: boolean;
  /** False when Regulation F stops calls today (consumer accounts). */
  readonly callable: boolean;
  /** When calls may resume, if blocked. */
  readonly callableFrom: LocalDate | null;
}

const pct = (p: number) => `${Math.round(p * 100)} %`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Regulation F (12 CFR 1006.14): when a consumer may next be called, or null when they may be now. */
export function callBlockedUntil(contact: ContactFact, day: LocalDate): LocalDate | null {
  let until: LocalDate | null = null;
  if (contact.lastConversationOn) {
    const after = addDays(contact.lastConversationOn, 7);
    if (after > day) until = after;
  }
  if (contact.callsLast7Days >= 7 && contact.seventhLatestCallOn) {
    const after = addDays(contact.seventhLatestCallOn, 7);
    if (after > day && (until === null || after > until)) until = after;
  }
  return until;
}

export function scoreAccount(
  facts: AccountFacts,
  state: AccountState,
  day: LocalDate,
  policy: ScoringPolicy,
): ScoredAccount {
  const cur = facts.currency;
  const money = (v: bigint) => `${formatMoneyForDisplay(v, cur)} ${cur}`;
  const reasons: string[] = [];
  const balance = facts.balanceMinor;

  const disputedTotal = state.disputes.amounts
    .filter((d) => d.currency === cur)
    .reduce((s, d) => s + d.amountMinor, 0n);
  const disputedMinor = disputedTotal < balance ? disputedTotal : balance;
  let collectible = balance + facts.creditsMinor + facts.unappliedMinor - disputedMinor;
  if (collectible < 0n) collectible = 0n;
  const share = balance > 0n ? Number(collectible) / Number(balance) : 0;
  const expected =
    Number(facts.expectedPastDueMinor) + policy.currentWeight * Number(facts.expectedCurrentMinor);
  const atRiskMinor = BigInt(Math.round(expected * share));
  const probability =
    balance > 0n
      ? Math.min(
          1,
          (Number(facts.expectedPastDueMinor) + Number(facts.expectedCurrentMinor)) / Number(balance),
        )
      : 0;
  let multiplier = 1;

  // What is owed and how old.
  if (facts.pastDueMinor > 0n) {
    reasons.push(
      `${money(facts.pastDueMinor)} past due on ${facts.pastDueItems} of ${plural(facts.openItems, 'open item')}, oldest ${plural(facts.maxDaysPastDue ?? 0, 'day')} past due`,
    );
  } else if (balance > 0n) {
    const next = facts.maxDaysPastDue === null ? null : -facts.maxDaysPastDue;
    reasons.push(
      `${money(balance)} open, nothing past due${next !== null && next >= 0 ? ` (next due in ${plural(next, 'day')})` : ''}`,
    );
  }
  // How likely it is to be paid late or not at all, and from what.
  if (balance > 0n) {
    const b = facts.behaviour;
    const history =
      b.observed === 0
        ? 'no payment history yet (the portfolio average applies)'
        : `${b.late} of ${plural(b.observed, 'invoice')} paid more than ${policy.risk.lateAfterDays} days late or not at all${b.meanDaysLate > 0 ? `, paid on average ${Math.round(b.meanDaysLate)} days late` : ', paid on time on average'}`;
    reasons.push(`${pct(probability)} of the balance likely to be paid late or not at all: ${history}`);
    reasons.push(`${money(atRiskMinor)} expected at risk`);
  }
  if (facts.placedMinor > 0n) {
    reasons.push(
      `${money(facts.placedMinor)} placed with ${state.agencies.length > 0 ? state.agencies.join(', ') : 'an agency'} (left out: the agency works it)`,
    );
  }

  // Disputes: routed to their owner, out of the amount a call can collect.
  const routed = balance > 0n && disputedMinor >= balance;
  if (disputedTotal > 0n) {
    reasons.push(
      `${plural(state.disputes.count, 'open dispute')} on ${money(disputedTotal)}: not counted as collectible (the dispute owners work them)`,
    );
  }
  if (routed) reasons.push('the whole balance is in dispute: routed to the dispute owner');
  const offsets = facts.creditsMinor + facts.unappliedMinor;
  if (offsets < 0n && balance > 0n) {
    reasons.push(
      `${money(-offsets)} of open credits and unapplied cash could settle items: apply them first`,
    );
  }

  if (state.brokenPromises > 0) {
    const n = Math.min(state.brokenPromises, policy.brokenPromiseCap);
    multiplier *= 1 + policy.brokenPromiseStep * n;
    reasons.push(`${plural(state.brokenPromises, 'broken promise')} in the last 90 days`);
  }
  if (facts.creditLimitMinor !== null) {
    const exposure = balance + facts.placedMinor + facts.creditsMinor;
    if (exposure > facts.creditLimitMinor) {
      multiplier *= policy.overLimit;
      reasons.push(
        `over the credit limit by ${money(exposure - facts.creditLimitMinor)} (limit ${money(facts.creditLimitMinor)})`,
      );
    }
  }

  // Promises: past their date and still open, falling due today or tomorrow, or later this week.
  const promised = state.promises.amounts.find((a) => a.currency === cur);
  const promiseAmount = promised ? ` of ${money(promised.amountMinor)}` : '';
  const next = state.promises.nextPromisedDate;
  let promiseFactor = 1;
  if (state.promises.count > 0 && next === null) {
    promiseFactor = policy.promiseOverdue;
    reasons.push(
      `${plural(state.promises.count, 'open promise')}${promiseAmount} past the promised date and not yet kept`,
    );
  } else if (next !== null) {
    const days = diffDays(next, day);
    if (days <= 1) {
      promiseFactor = policy.promiseImminent;
      reasons.push(
        `promise${promiseAmount} falls due ${days === 0 ? 'today' : 'tomorrow'} (${next}): remind`,
      );
    } else if (days <= policy.promiseWindowDays) {
      promiseFactor = policy.promiseComing;
      reasons.push(`promise${promiseAmount} falls due ${next}: wait for it`);
    }
  }
  multiplier *= promiseFactor;
  if (state.activePlan) {
    multiplier *= policy.activePlan;
    const plan = state.activePlan;
    const due =
      plan.nextDueDate && plan.nextDue
        ? `; next instalment ${formatMoneyForDisplay(plan.nextDue.amountMinor, plan.nextDue.currency as CurrencyCode)} ${plan.nextDue.currency} due ${plan.nextDueDate}`
        : '';
    reasons.push(`on a payment plan${due}`);
  }
  if (state.holdReason !== null) reasons.push(`on credit hold: ${state.holdReason}`);
  if (state.paused !== null) reasons.push(`dunning paused: ${state.paused}`);

  // Regulation F: consumer debts only; business accounts follow the team's own policy.
  let callable = true;
  let callableFrom: LocalDate | null = null;
  if (facts.customerType === 'consumer') {
    callableFrom = callBlockedUntil(state.contact, day);
    if (callableFrom !== null) {
      callable = false;
      multiplier *= policy.callBlocked;
      reasons.push(
        `Regulation F: no call before ${callableFrom} (${state.contact.lastConversationOn && addDays(state.contact.lastConversationOn, 7) === callableFrom ? `spoke with the debtor on ${state.contact.lastConversationOn}` : `${state.contact.callsLast7Days} call attempts in 7 days`}); write or email instead`,
      );
    }
  }

  for (const t of state.tasks) {
    const late = diffDays(day, t.dueDate);
    reasons.push(
      `task ${late > 0 ? `overdue since ${t.dueDate}` : 'due today'}${t.notes ? `: ${t.notes}` : ''}${t.assignedTo && t.assignedTo !== facts.collector ? ` (assigned to ${t.assignedTo})` : ''}`,
    );
  }

  const major = Number(atRiskMinor) / 10 ** minorUnits(cur);
  const score = routed ? 0 : Math.round(major * multiplier * 100) / 100;
  return { score, atRiskMinor, probability, disputedMinor, reasons, routed, callable, callableFrom };
}
