import { describe, expect, it } from 'vitest';
import {
  accountLogit,
  BUILT_IN_MODEL,
  itemFeatures,
  modelFromVector,
  parseStoredModel,
  predictLateProbability,
  RISK_FEATURES,
  riskFeatures,
  sigmoid,
  smoothedLateShare,
  storedModel,
} from './risk-model.ts';

const none = { observed: 0, late: 0, meanDaysLate: 0, daysSincePayment: null };

describe('the late-payment model', () => {
  it('smooths an account’s late share toward the portfolio’s', () => {
    // 3 late of 4, prior 0.2 with the weight of 5 invoices: (3 + 1) / 9
    expect(
      smoothedLateShare({ observed: 4, late: 3, meanDaysLate: 40, daysSincePayment: 20 }, 0.2, 5),
    ).toBeCloseTo(4 / 9, 12);
    expect(smoothedLateShare(none, 0.2, 5)).toBeCloseTo(0.2, 12);
    // A long history outweighs the prior.
    expect(
      smoothedLateShare({ observed: 1000, late: 900, meanDaysLate: 60, daysSincePayment: 20 }, 0.2, 5),
    ).toBeCloseTo((900 + 1) / 1005, 12);
  });

  it('measures months past due and months to due, capped', () => {
    expect(itemFeatures(45)).toEqual([1.5, Math.log(46), 0]);
    expect(itemFeatures(-15)).toEqual([0, 0, 0.5]);
    expect(itemFeatures(900)).toEqual([12, Math.log(901), 0]);
    expect(itemFeatures(-400)).toEqual([0, 0, 2]);
    expect(itemFeatures(0)).toEqual([0, 0, 0]);
  });

  it('computes p = σ(intercept + Σ coefficient × feature)', () => {
    const b = { observed: 10, late: 6, meanDaysLate: 35, daysSincePayment: 20 };
    const x = riskFeatures(b, 60, BUILT_IN_MODEL);
    expect(x).toHaveLength(RISK_FEATURES.length);
    let z = BUILT_IN_MODEL.intercept;
    RISK_FEATURES.forEach((f, i) => {
      z += BUILT_IN_MODEL.coefficients[f] * (x[i] as number);
    });
    expect(predictLateProbability(BUILT_IN_MODEL, b, 60)).toBeCloseTo(1 / (1 + Math.exp(-z)), 12);
    // The account part plus the item part is the whole.
    const itemPart =
      BUILT_IN_MODEL.coefficients.months_past_due * 2 +
      BUILT_IN_MODEL.coefficients.log_days_past_due * Math.log(61);
    expect(sigmoid(accountLogit(BUILT_IN_MODEL, b) + itemPart)).toBeCloseTo(
      predictLateProbability(BUILT_IN_MODEL, b, 60),
      12,
    );
  });

  it('ranks a habitual late payer and an older item as riskier', () => {
    const good = { observed: 20, late: 1, meanDaysLate: 2, daysSincePayment: 20 };
    const bad = { observed: 20, late: 15, meanDaysLate: 55, daysSincePayment: 20 };
    expect(predictLateProbability(BUILT_IN_MODEL, bad, 10)).toBeGreaterThan(
      predictLateProbability(BUILT_IN_MODEL, good, 10),
    );
    expect(predictLateProbability(BUILT_IN_MODEL, good, 120)).toBeGreaterThan(
      predictLateProbability(BUILT_IN_MODEL, good, 10),
    );
  });

  it('keeps sigmoid finite at the extremes', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
  });

  it('stores and reads back a fitted model, refusing anything else', () => {
    const m = modelFromVector([-1, 0.9, 0.1, 0.3, 0.2, 0.4, 0.05, -0.1], {
      prior: 0.25,
      settings: BUILT_IN_MODEL.settings,
    });
    expect(m.coefficients.months_past_due).toBe(0.4);
    const back = parseStoredModel(JSON.parse(JSON.stringify(storedModel(m))), 'rsk_x');
    expect(back).toEqual({ ...m, id: 'rsk_x' });
    expect(parseStoredModel({ ...storedModel(m), prior: 1.5 }, 'x')).toBeNull();
    expect(parseStoredModel({ ...storedModel(m), coefficients: {} }, 'x')).toBeNull();
    expect(parseStoredModel('nonsense', 'x')).toBeNull();
  });
});
