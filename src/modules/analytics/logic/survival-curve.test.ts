import { describe, expect, it } from 'vitest';
import { blendSurvival, buildSurvivalCurve, survivalAt } from './survival-curve.ts';

describe('money-weighted Kaplan–Meier', () => {
  it('without censoring, is the share of money not yet paid', () => {
    // 100 paid 5 days early, 300 on the due date, 600 ten days late.
    const c = buildSurvivalCurve(
      [
        { x: -5, kind: 'paid', weight: 100 },
        { x: 0, kind: 'paid', weight: 300 },
        { x: 10, kind: 'paid', weight: 600 },
      ],
      3,
    );
    expect(survivalAt(c, -6)).toBe(1);
    expect(survivalAt(c, -5)).toBeCloseTo(0.9);
    expect(survivalAt(c, 9)).toBeCloseTo(0.6);
    expect(survivalAt(c, 10)).toBeCloseTo(0);
  });

  it('takes censored money out of the risk set after its age, and keeps money settled without cash in it', () => {
    // 100 paid at 0; 100 still open at age 5; then 100 paid at 10: at 10 only 100 is at risk → S = 0.
    const c = buildSurvivalCurve(
      [
        { x: 0, kind: 'paid', weight: 100 },
        { x: 5, kind: 'open', weight: 100 },
        { x: 10, kind: 'paid', weight: 100 },
      ],
      3,
    );
    expect(survivalAt(c, 0)).toBeCloseTo(2 / 3);
    expect(survivalAt(c, 10)).toBeCloseTo(0);
    // The same with 100 credited instead of open: it never pays, so half of what is left at 10 stays.
    const withCredit = buildSurvivalCurve(
      [
        { x: 0, kind: 'paid', weight: 100 },
        { x: 0, kind: 'never', weight: 100 },
        { x: 10, kind: 'paid', weight: 100 },
      ],
      3,
    );
    expect(survivalAt(withCredit, 10)).toBeCloseTo(1 / 3);
  });

  it('open money at the as-of date counts as unpaid through its age (it was at risk that day)', () => {
    const c = buildSurvivalCurve(
      [
        { x: 3, kind: 'paid', weight: 100 },
        { x: 3, kind: 'open', weight: 100 },
      ],
      2,
    );
    expect(survivalAt(c, 3)).toBeCloseTo(0.5);
  });
});

describe('shrinkage', () => {
  const early = buildSurvivalCurve([{ x: 0, kind: 'paid', weight: 1 }], 5);
  const late = buildSurvivalCurve([{ x: 30, kind: 'paid', weight: 1 }], 100);

  it('weighs a level by n / (n + strength) and gives the last level the rest', () => {
    const s = blendSurvival([
      { curve: early, strength: 5 },
      { curve: late, strength: 0 },
    ]);
    // Half on the customer's own curve (5 / (5 + 5)), half on the next level's.
    expect(s(0)).toBeCloseTo(0.5);
    expect(s(30)).toBeCloseTo(0);
  });

  it('skips missing levels and levels without evidence', () => {
    const empty = buildSurvivalCurve([], 0);
    const s = blendSurvival([
      { curve: undefined, strength: 5 },
      { curve: empty, strength: 10 },
      { curve: late, strength: 0 },
    ]);
    expect(s(29)).toBe(1);
    expect(s(30)).toBe(0);
    expect(blendSurvival([])(0)).toBe(1);
  });
});
