import { addDays, type LocalDate } from '../../../core/local-date.ts';
import type { AgingBucket } from './aging-buckets.ts';

export interface BucketBounds {
  /** Index into `thresholds` of the bucket's first date; null: no lower bound. */
  readonly lower: number | null;
  /** Index into `thresholds` of the day after the bucket's last date; null: no upper bound. */
  readonly upper: number | null;
  /** fromDate after toDate: the bucket can hold nothing. */
  readonly empty: boolean;
}

/**
 * The aging buckets as differences of running sums. A bucket holds the debits dated fromDate..toDate,
 * which is (debits dated ≥ fromDate) − (debits dated ≥ toDate + 1 day); adjacent buckets share that
 * date, so the aggregate needs one comparison per distinct threshold and row instead of two per bucket.
 * Exact for any buckets, contiguous or not.
 */
export function bucketThresholds(buckets: readonly AgingBucket[]): {
  thresholds: LocalDate[];
  bounds: BucketBounds[];
} {
  const thresholds: LocalDate[] = [];
  const indexOf = (d: LocalDate) => {
    const at = thresholds.indexOf(d);
    if (at >= 0) return at;
    thresholds.push(d);
    return thresholds.length - 1;
  };
  const bounds = buckets.map((b) => ({
    lower: b.fromDate === null ? null : indexOf(b.fromDate),
    upper: b.toDate === null ? null : indexOf(addDays(b.toDate, 1)),
    empty: b.fromDate !== null && b.toDate !== null && b.fromDate > b.toDate,
  }));
  return { thresholds, bounds };
}
