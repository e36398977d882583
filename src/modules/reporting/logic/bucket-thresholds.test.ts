import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, type LocalDate } from '../../../core/local-date.ts';
import { type AgingBucket, buildBuckets, DEFAULT_BOUNDARIES } from './aging-buckets.ts';
import { bucketThresholds } from './bucket-thresholds.ts';

const asOf = '2026-06-30' as LocalDate;

/** What the aging query computes from the thresholds, in JavaScript. */
function sumsByThresholds(buckets: readonly AgingBucket[], items: readonly [LocalDate, bigint][]): bigint[] {
  const { thresholds, bounds } = bucketThresholds(buckets);
  const debits = items.filter(([, a]) => a > 0n);
  const all = debits.reduce((s, [, a]) => s + a, 0n);
  const from = (t: number | null) =>
    t === null ? all : debits.filter(([d]) => d >= (thresholds[t] as string)).reduce((s, [, a]) => s + a, 0n);
  return bounds.map((b) => (b.empty ? 0n : from(b.lower) - (b.upper === null ? 0n : from(b.upper))));
}

/** The definition: the debits dated fromDate..toDate. */
function sumsByRange(buckets: readonly AgingBucket[], items: readonly [LocalDate, bigint][]): bigint[] {
  return buckets.map((b) =>
    items
      .filter(
        ([d, a]) =>
          a > 0n && (b.fromDate === null || d >= b.fromDate) && (b.toDate === null || d <= b.toDate),
      )
      .reduce((s, [, a]) => s + a, 0n),
  );
}

describe('bucket thresholds', () => {
  it('shares one threshold between adjacent buckets', () => {
    const { thresholds, bounds } = bucketThresholds(buildBuckets(asOf, 'due', DEFAULT_BOUNDARIES));
    expect(thresholds).toEqual(['2026-06-30', '2026-05-31', '2026-05-01', '2026-04-01', '2026-03-02']);
    expect(bounds.map((b) => [b.lower, b.upper])).toEqual([
      [0, null],
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
      [null, 4],
    ]);
  });

  it('gives the sums of the date ranges, for any buckets and items', () => {
    const day = fc.integer({ min: -400, max: 400 }).map((n) => addDays(asOf, n));
    const item = fc.tuple(
      day,
      fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).filter((a) => a !== 0n),
    );
    const boundaries = fc
      .uniqueArray(fc.integer({ min: 1, max: 365 }), { minLength: 0, maxLength: 6 })
      .map((xs) => xs.sort((a, b) => a - b));
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 40 }),
        boundaries,
        fc.constantFrom('due' as const, 'issue' as const),
        day,
        (items, bs, basis, when) => {
          const buckets = buildBuckets(when, basis, bs);
          expect(sumsByThresholds(buckets, items)).toEqual(sumsByRange(buckets, items));
        },
      ),
    );
  });

  it('keeps an inverted (empty) range empty', () => {
    const odd: AgingBucket[] = [
      {
        key: 'x',
        label: 'x',
        minDays: 5,
        maxDays: 1,
        fromDate: '2026-06-29' as LocalDate,
        toDate: '2026-06-25' as LocalDate,
      },
    ];
    expect(bucketThresholds(odd).bounds[0]?.empty).toBe(true);
    expect(sumsByThresholds(odd, [['2026-06-27' as LocalDate, 5n]])).toEqual([0n]);
  });
});
