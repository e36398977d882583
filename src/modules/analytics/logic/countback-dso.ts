import { addFractions, type Fraction } from './fraction.ts';

export interface MonthSales {
  readonly sales: bigint;
  readonly days: number;
}

export interface CountbackDso {
  readonly days: Fraction;
  /** False when the AR is larger than every month given: the figure is then a lower bound. */
  readonly exhausted: boolean;
  /** How many months (whole or in part) were counted. */
  readonly months: number;
}

/**
 * Countback (exhaustion) DSO (DOMAIN.md): from the ending AR subtract each month's credit sales,
 * newest first, adding that month's days while the AR covers it, then the fraction of the next month
 * that the rest of the AR covers. Months without sales are covered at once (all their days count).
 * Example: AR 212,000 over 100,000, 80,000, 70,000 in 30-day months → 30 + 30 + 32/70 × 30 = 73.71.
 */
export function computeCountbackDso(
  endingAr: bigint,
  monthsNewestFirst: readonly MonthSales[],
): CountbackDso {
  let left = endingAr;
  let days: Fraction = { num: 0n, den: 1n };
  let months = 0;
  if (left <= 0n) return { days, exhausted: true, months };
  for (const m of monthsNewestFirst) {
    months++;
    if (m.sales <= 0n || left >= m.sales) {
      days = addFractions(days, { num: BigInt(m.days), den: 1n });
      left -= m.sales > 0n ? m.sales : 0n;
      if (left === 0n) return { days, exhausted: true, months };
      continue;
    }
    // The AR left covers only part of this month's sales: that share of its days.
    return {
      days: addFractions(days, { num: left * BigInt(m.days), den: m.sales }),
      exhausted: true,
      months,
    };
  }
  return { days, exhausted: false, months };
}
