import { addDays, type LocalDate } from '../../../core/local-date.ts';

export type AgingBasis = 'due' | 'issue';

export interface AgingBucket {
  /** Stable key for JSON and CSV: `current`, `1_30`, `31_60`, …, `over_120` (issue basis: `0_30` first). */
  readonly key: string;
  /** Column heading: `Current`, `1-30`, …, `Over 120`. */
  readonly label: string;
  /** Inclusive bounds in days (as-of date minus due or issue date); null = unbounded. */
  readonly minDays: number | null;
  readonly maxDays: number | null;
  /** The same bounds as dates: an item falls in the bucket when fromDate ≤ its date ≤ toDate. */
  readonly fromDate: LocalDate | null;
  readonly toDate: LocalDate | null;
}

export const DEFAULT_BOUNDARIES: readonly number[] = [30, 60, 90, 120];

/** Parses `--buckets 30,60,90,120`: strictly increasing positive whole days. */
export function parseBoundaries(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const days = parts.map(Number);
  if (
    parts.length === 0 ||
    days.some((d, i) => !Number.isInteger(d) || d <= 0 || (i > 0 && d <= (days[i - 1] ?? 0)))
  ) {
    throw new Error(`buckets must be increasing whole numbers of days, such as 30,60,90,120; got "${text}"`);
  }
  return days;
}

/**
 * The aging columns (DOMAIN.md, aging). By due date: day 0 (the due date) is current, then 1–30,
 * 31–60, … and over the last boundary. By issue date: 0–30 days since issue, 31–60, … .
 */
export function buildBuckets(
  asOf: LocalDate,
  basis: AgingBasis,
  boundaries: readonly number[],
): AgingBucket[] {
  const ranges: { min: number | null; max: number | null }[] = [];
  if (basis === 'due') ranges.push({ min: null, max: 0 });
  let previous = basis === 'due' ? 0 : -1;
  for (const b of boundaries) {
    ranges.push({ min: basis === 'issue' && previous === -1 ? null : previous + 1, max: b });
    previous = b;
  }
  ranges.push({ min: previous + 1, max: null });
  return ranges.map(({ min, max }) => {
    const label =
      max === 0 && min === null ? 'Current' : max === null ? `Over ${previous}` : `${min ?? 0}-${max}`;
    const key = label === 'Current' ? 'current' : label.toLowerCase().replace(' ', '_').replace('-', '_');
    return {
      key,
      label,
      minDays: min,
      maxDays: max,
      // days = asOf − date, so days ≥ min ⇔ date ≤ asOf − min, and days ≤ max ⇔ date ≥ asOf − max.
      fromDate: max === null ? null : addDays(asOf, -max),
      toDate: min === null ? null : addDays(asOf, -min),
    };
  });
}

/** Which bucket an item of `date` (due or issue date, by basis) falls in. */
export function bucketIndex(buckets: readonly AgingBucket[], date: LocalDate): number {
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i];
    if (!b) continue;
    if ((b.fromDate === null || date >= b.fromDate) && (b.toDate === null || date <= b.toDate)) return i;
  }
  return buckets.length - 1;
}
