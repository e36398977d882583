import { describe, expect, it } from 'vitest';
import { areaUnderRoc, summarizeCalibration } from './calibration.ts';

describe('summarizeCalibration', () => {
  const p = [0.1, 0.4, 0.35, 0.8, 0.8, 0.2];
  const y = [0, 0, 1, 1, 0, 1] as const;

  it('computes the Brier score, base rate and log loss', () => {
    const s = summarizeCalibration(p, [...y]);
    expect(s.samples).toBe(6);
    expect(s.positives).toBe(3);
    expect(s.baseRate).toBe(0.5);
    // ((.1)² + (.4)² + (.65)² + (.2)² + (.8)² + (.8)²) / 6
    expect(s.brier).toBeCloseTo(1.9125 / 6, 12);
    expect(s.brierBaseline).toBe(0.25);
    const ll =
      -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8) + Math.log(0.2) + Math.log(0.2)) / 6;
    expect(s.logLoss).toBeCloseTo(ll, 12);
  });

  it('bins predictions by tenths and weighs the calibration error by bin size', () => {
    const s = summarizeCalibration(p, [...y]);
    expect(s.bins.map((b) => [b.from, b.count])).toEqual([
      [0.1, 1],
      [0.2, 1],
      [0.3, 1],
      [0.4, 1],
      [0.8, 2],
    ]);
    const eight = s.bins.find((b) => b.from === 0.8);
    expect(eight?.meanPredicted).toBeCloseTo(0.8, 12);
    expect(eight?.observedRate).toBe(0.5);
    // |.1−0| + |.2−1| + |.35−1| + |.4−0| + 2·|.8−.5|, over 6
    expect(s.ece).toBeCloseTo((0.1 + 0.8 + 0.65 + 0.4 + 0.6) / 6, 12);
  });

  it('puts a prediction of exactly 1 in the last bin', () => {
    const s = summarizeCalibration([1, 0], [1, 0]);
    expect(s.bins.map((b) => b.from)).toEqual([0, 0.9]);
    expect(s.ece).toBe(0);
  });
});

describe('areaUnderRoc', () => {
  it('counts ties as half (checked by hand: 4.5 of 9 pairs)', () => {
    expect(areaUnderRoc([0.1, 0.4, 0.35, 0.8, 0.8, 0.2], [0, 0, 1, 1, 0, 1])).toBeCloseTo(0.5, 12);
  });

  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(areaUnderRoc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(areaUnderRoc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('is undefined without both classes', () => {
    expect(areaUnderRoc([0.1, 0.2], [1, 1])).toBeNaN();
  });
});
