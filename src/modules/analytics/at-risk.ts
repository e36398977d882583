import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { parseAmount } from '../../core/money.ts';
import type { AgingBucket } from '../reporting/index.ts';
import {
  type AgingComparisonOptions,
  buildAgingComparison,
  type ComparedAccount,
} from './aging-comparison.ts';
import { analyticsError } from './analytics.errors.ts';
import { type AtRiskReason, classifyAtRisk } from './logic/classify-at-risk.ts';

export interface AtRiskOptions extends AgingComparisonOptions {
  /**
   * Minimum growth of the older money to flag, in major units of each row's currency (decimal text,
   * default "1000": 1,000.00 USD, 1,000 JPY); "0" flags any growth.
   */
  readonly threshold?: string;
  /** Money older than this many days past due is "older" (default 30: the 31–60 bucket and beyond). */
  readonly olderThanDays?: number;
}

export const DEFAULT_THRESHOLD = '1000';

export interface AtRiskAccount extends ComparedAccount {
  readonly reasons: readonly AtRiskReason[];
  readonly olderNow: bigint;
  readonly olderBefore: bigint;
  readonly olderChange: bigint;
  readonly newlyOverLimit: boolean;
}

export interface AtRiskList {
  readonly asOf: LocalDate;
  readonly before: LocalDate;
  readonly weeks: number;
  readonly olderThanDays: number;
  readonly threshold: string;
  readonly buckets: readonly AgingBucket[];
  readonly accounts: readonly AtRiskAccount[];
}

/**
 * Accounts to look at this week: those whose aging worsened since the earlier date (more money in the
 * older buckets, by at least the threshold) and those above their credit limit (open balance in the
 * customer's own currency greater than credit_limit). Worst first: by growth of the older money, then
 * by balance.
 */
export async function buildAtRiskList(ctx: ServiceContext, options: AtRiskOptions = {}): Promise<AtRiskList> {
  const olderThanDays = options.olderThanDays ?? 30;
  const comparison = await buildAgingComparison(ctx, options);
  const olderFromBucket = comparison.buckets.findIndex(
    (b) => b.minDays !== null && b.minDays > olderThanDays,
  );
  if (olderFromBucket < 0 || comparison.buckets[olderFromBucket]?.minDays !== olderThanDays + 1)
    throw analyticsError(
      'analytics.invalid_options',
      `older-than ${olderThanDays} days must be one of the bucket boundaries (${comparison.buckets
        .flatMap((b) => (b.maxDays !== null && b.maxDays > 0 ? [b.maxDays] : []))
        .join(', ')})`,
    );
  const thresholdText = options.threshold ?? DEFAULT_THRESHOLD;
  const thresholds = new Map<string, bigint>();
  const thresholdIn = (currency: CurrencyCode): bigint => {
    let t = thresholds.get(currency);
    if (t === undefined) {
      try {
        t = parseAmount(thresholdText, currency);
      } catch (e) {
        throw analyticsError('analytics.invalid_options', `threshold: ${(e as Error).message}`);
      }
      if (t < 0n) throw analyticsError('analytics.invalid_options', 'threshold must not be negative');
      thresholds.set(currency, t);
    }
    return t;
  };
  const accounts: AtRiskAccount[] = [];
  for (const a of comparison.accounts) {
    const verdict = classifyAtRisk(a, {
      olderFromBucket,
      threshold: thresholdIn(a.currency),
      // The limit is in the customer's currency: other currencies' balances are not compared with it.
      creditLimit: a.currency === a.customerCurrency ? a.creditLimit : null,
    });
    if (verdict.reasons.length > 0) accounts.push({ ...a, ...verdict });
  }
  accounts.sort((a, b) =>
    a.olderChange !== b.olderChange
      ? a.olderChange > b.olderChange
        ? -1
        : 1
      : a.balanceNow !== b.balanceNow
        ? a.balanceNow > b.balanceNow
          ? -1
          : 1
        : a.accountNumber < b.accountNumber
          ? -1
          : 1,
  );
  return {
    asOf: comparison.asOf,
    before: comparison.before,
    weeks: comparison.weeks,
    olderThanDays,
    threshold: thresholdText,
    buckets: comparison.buckets,
    accounts,
  };
}
