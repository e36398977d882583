import type { Fraction } from './fraction.ts';
import { percentOf } from './percent-of.ts';

/**
 * One cell of the migration between two aging dates: debit items that were in bucket `startBucket`
 * at the start and in `endBucket` at the end (−1: no longer open), with their open amounts then.
 * `carried` is Σ min(open at start, open at end) per item: the part of the starting balance still
 * open at the end (a payment returned in the period cannot make it larger than it was).
 */
export interface MigrationCell {
  readonly startBucket: number;
  readonly endBucket: number;
  readonly openAtStart: bigint;
  readonly carried: bigint;
}

export interface RollRate {
  readonly fromBucket: number;
  readonly toBucket: number;
  /** Open at the start in `fromBucket`. */
  readonly startBalance: bigint;
  /** Of that, still open at the end in an older bucket than at the start. */
  readonly rolled: bigint;
  /** rolled / startBalance, in percent; null when the start balance is zero. */
  readonly rate: Fraction | null;
}

/**
 * Roll rates between aging buckets: for each bucket but the oldest, the share of its balance at the
 * period start that sits, at the period end, in an older bucket (the next-older one, or beyond when
 * the period is longer than a bucket). Per item, what counts is the part still open at the end;
 * paid, credited or written-off money has not rolled.
 */
export function computeRollRates(bucketCount: number, cells: readonly MigrationCell[]): RollRate[] {
  const rates: RollRate[] = [];
  for (let b = 0; b < bucketCount - 1; b++) {
    let startBalance = 0n;
    let rolled = 0n;
    for (const c of cells) {
      if (c.startBucket !== b) continue;
      startBalance += c.openAtStart;
      if (c.endBucket > b) rolled += c.carried;
    }
    rates.push({
      fromBucket: b,
      toBucket: b + 1,
      startBalance,
      rolled,
      rate: percentOf(rolled, startBalance),
    });
  }
  return rates;
}
