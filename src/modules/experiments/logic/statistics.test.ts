import { describe, expect, it } from 'vitest';
import {
  erfc,
  logGamma,
  normalCdf,
  regularizedBeta,
  studentTCdf,
  twoProportionZTest,
  welchTTest,
} from './statistics.ts';

// Reference values from SciPy 1.17 (scipy.stats, scipy.special).
describe('special functions', () => {
  it('ln Γ', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5723649429247, 12);
    expect(logGamma(10)).toBeCloseTo(12.801827480081469, 11);
    expect(logGamma(100.5)).toBeCloseTo(361.43554046777757, 9);
  });

  it('the regularized incomplete beta function', () => {
    expect(regularizedBeta(0.4, 2.5, 3.5)).toBeCloseTo(0.4869041915261176, 12);
    expect(regularizedBeta(0.1, 0.5, 0.5)).toBeCloseTo(0.20483276469913345, 12);
    expect(regularizedBeta(0.3, 10, 20)).toBeCloseTo(0.3640040810719437, 12);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
  });

  it('Student’s t distribution', () => {
    expect(studentTCdf(2.0, 10)).toBeCloseTo(0.9633059826146299, 12);
    expect(2 * (1 - studentTCdf(2.0, 10))).toBeCloseTo(0.07338803477074037, 12);
    expect(studentTCdf(-3.5, 4.5)).toBeCloseTo(0.010270844984692789, 12);
    // df = 1 is the Cauchy distribution: P(T > 1) = 1/4.
    expect(1 - studentTCdf(1, 1)).toBeCloseTo(0.25, 14);
    expect(2 * studentTCdf(-1.96, 1000)).toBeCloseTo(0.050273184955748736, 12);
    expect(studentTCdf(0, 7)).toBe(0.5);
  });

  it('the normal distribution', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
    expect(2 * normalCdf(-1.96)).toBeCloseTo(0.04999579029644087, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300933, 15);
    expect(normalCdf(-5) / 2.866515718791933e-7).toBeCloseTo(1, 12);
    expect(normalCdf(0.5)).toBeCloseTo(0.6914624612740131, 14);
    expect(erfc(0)).toBe(1);
    expect(erfc(-10)).toBe(2);
  });
});

describe('Welch’s t-test', () => {
  it('matches scipy.stats.ttest_ind(equal_var=False)', () => {
    const r = welchTTest([12, 15, 9, 20, 17, 14, 11, 16], [22, 18, 25, 19, 30, 21, 17]);
    expect(r?.t).toBeCloseTo(-3.51819945448381, 12);
    expect(r?.df).toBeCloseTo(11.330831007969168, 10);
    expect(r?.p).toBeCloseTo(0.004607444132580409, 12);
    const s = welchTTest(
      [3.1, 2.9, 3.3, 3.0, 3.2, 2.8, 3.4, 3.1, 3.0, 2.95],
      [3.0, 3.15, 2.85, 3.05, 3.1, 2.9, 3.2, 3.0, 2.95, 3.1, 3.05],
    );
    expect(s?.t).toBeCloseTo(0.6498707487807818, 12);
    expect(s?.df).toBeCloseTo(14.033996735706062, 10);
    expect(s?.p).toBeCloseTo(0.5262709475191709, 12);
  });

  it('needs two values a side and some variance', () => {
    expect(welchTTest([1], [1, 2, 3])).toBeNull();
    expect(welchTTest([2, 2], [2, 2])).toBeNull();
  });
});

describe('the two-proportion z-test', () => {
  it('pools the proportions (checked against SciPy)', () => {
    const r = twoProportionZTest(45, 100, 30, 100);
    expect(r?.z).toBeCloseTo(2.1908902300206647, 12);
    expect(r?.p).toBeCloseTo(0.02845973691631055, 12);
    const s = twoProportionZTest(520, 1000, 480, 1000);
    expect(s?.z).toBeCloseTo(1.7888543819998333, 12);
    expect(s?.p).toBeCloseTo(0.0736382701203024, 12);
  });

  it('is undefined for an empty group or a pooled share of 0 or 1', () => {
    expect(twoProportionZTest(0, 0, 1, 2)).toBeNull();
    expect(twoProportionZTest(0, 10, 0, 10)).toBeNull();
    expect(twoProportionZTest(10, 10, 5, 5)).toBeNull();
  });
});
