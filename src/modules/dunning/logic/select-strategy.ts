import type { RiskClass } from '../../../db/schema-dunning.ts';

/** What strategy selection reads of a strategy (its steps are not needed to choose it). */
export interface StrategyConditions {
  readonly id: string;
  readonly priority: number;
  readonly segments: readonly string[] | null;
  readonly customerTypes: readonly string[] | null;
  readonly riskClasses: readonly string[] | null;
  readonly active: boolean;
  readonly isDefault: boolean;
}

export interface CustomerTraits {
  readonly segment: string | null;
  readonly customerType: 'business' | 'consumer';
  readonly risk: RiskClass;
}

/**
 * A customer's risk class, derived at each run from its account (no score is stored): high when the
 * balance is over the credit limit or an item is more than 90 days past due, medium when one is more
 * than 30 days past due, low otherwise.
 */
export function riskClassOf(account: {
  readonly maxDaysPastDue: number;
  readonly balanceMinor: bigint;
  readonly creditLimitMinor: bigint | null;
}): RiskClass {
  if (account.maxDaysPastDue > 90) return 'high';
  if (account.creditLimitMinor !== null && account.balanceMinor > account.creditLimitMinor) return 'high';
  if (account.maxDaysPastDue > 30) return 'medium';
  return 'low';
}

const matches = (allowed: readonly string[] | null, value: string | null) =>
  allowed === null || allowed.length === 0 || (value !== null && allowed.includes(value));

/**
 * The customer's strategy: the first active one, by priority (then id), whose every condition
 * matches (a condition left empty matches anything); else the default strategy; else none.
 */
export function selectStrategy<S extends StrategyConditions>(
  strategies: readonly S[],
  customer: CustomerTraits,
): S | null {
  const ordered = [...strategies]
    .filter((s) => s.active)
    .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const found = ordered.find(
    (s) =>
      !s.isDefault &&
      matches(s.segments, customer.segment) &&
      matches(s.customerTypes, customer.customerType) &&
      matches(s.riskClasses, customer.risk),
  );
  return found ?? ordered.find((s) => s.isDefault) ?? null;
}
