import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { bucketIndex, buildBuckets, DEFAULT_BOUNDARIES, parseBoundaries } from './aging-buckets.ts';

const asOf = '2026-06-30' as LocalDate;

describe('aging buckets', () => {
  it('ages by due date with day 0 current', () => {
    const b = buildBuckets(asOf, 'due', DEFAULT_BOUNDARIES);
    expect(b.map((x) => x.label)).toEqual(['Current', '1-30', '31-60', '61-90', '91-120', 'Over 120']);
    expect(b.map((x) => x.key)).toEqual(['current', '1_30', '31_60', '61_90', '91_120', 'over_120']);
    expect(bucketIndex(b, '2026-06-30' as LocalDate)).toBe(0); // due today: current
    expect(bucketIndex(b, '2026-07-15' as LocalDate)).toBe(0);
    expect(bucketIndex(b, '2026-06-29' as LocalDate)).toBe(1); // 1 day past due
    expect(bucketIndex(b, '2026-05-31' as LocalDate)).toBe(1); // 30 days
    expect(bucketIndex(b, '2026-05-30' as LocalDate)).toBe(2); // 31 days
    expect(bucketIndex(b, '2026-03-02' as LocalDate)).toBe(4); // 120 days
    expect(bucketIndex(b, '2026-03-01' as LocalDate)).toBe(5); // 121 days
  });

  it('ages by issue date from 0 days', () => {
    const b = buildBuckets(asOf, 'issue', [30, 60]);
    expect(b.map((x) => x.label)).toEqual(['0-30', '31-60', 'Over 60']);
    expect(bucketIndex(b, '2026-06-30' as LocalDate)).toBe(0);
    expect(bucketIndex(b, '2026-05-31' as LocalDate)).toBe(0);
    expect(bucketIndex(b, '2026-05-30' as LocalDate)).toBe(1);
    expect(bucketIndex(b, '2025-01-01' as LocalDate)).toBe(2);
  });

  it('parses custom boundaries and refuses bad ones', () => {
    expect(parseBoundaries('15, 45,75')).toEqual([15, 45, 75]);
    expect(() => parseBoundaries('30,30')).toThrow(/increasing/);
    expect(() => parseBoundaries('a')).toThrow();
    expect(() => parseBoundaries('0,30')).toThrow();
  });
});
