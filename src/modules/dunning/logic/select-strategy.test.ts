import { describe, expect, it } from 'vitest';
import { riskClassOf, type StrategyConditions, selectStrategy } from './select-strategy.ts';

const s = (id: string, over: Partial<StrategyConditions> = {}): StrategyConditions => ({
  id,
  priority: 100,
  segments: null,
  customerTypes: null,
  riskClasses: null,
  active: true,
  isDefault: false,
  ...over,
});

describe('riskClassOf', () => {
  it('is high past 90 days or over the credit limit, medium past 30 days, low otherwise', () => {
    expect(riskClassOf({ maxDaysPastDue: 91, balanceMinor: 1n, creditLimitMinor: null })).toBe('high');
    expect(riskClassOf({ maxDaysPastDue: 0, balanceMinor: 101n, creditLimitMinor: 100n })).toBe('high');
    expect(riskClassOf({ maxDaysPastDue: 90, balanceMinor: 100n, creditLimitMinor: 100n })).toBe('medium');
    expect(riskClassOf({ maxDaysPastDue: 31, balanceMinor: 1n, creditLimitMinor: null })).toBe('medium');
    expect(riskClassOf({ maxDaysPastDue: 30, balanceMinor: 1n, creditLimitMinor: null })).toBe('low');
  });
});

describe('selectStrategy', () => {
  const customer = { segment: 'large', customerType: 'business', risk: 'high' } as const;

  it('takes the first matching strategy by priority, every condition matching', () => {
    const strategies = [
      s('consumer', { priority: 1, customerTypes: ['consumer'] }),
      s('large-low', { priority: 2, segments: ['large'], riskClasses: ['low'] }),
      s('large-high', { priority: 3, segments: ['large'], riskClasses: ['high', 'medium'] }),
      s('any', { priority: 4 }),
    ];
    expect(selectStrategy(strategies, customer)?.id).toBe('large-high');
    expect(selectStrategy(strategies, { ...customer, customerType: 'consumer' })?.id).toBe('consumer');
    expect(selectStrategy(strategies, { ...customer, segment: null })?.id).toBe('any');
  });

  it('falls back to the default strategy whatever its priority, and skips inactive ones', () => {
    const strategies = [
      s('default', { priority: 0, isDefault: true }),
      s('inactive', { priority: 1, active: false }),
      s('small', { priority: 5, segments: ['small'] }),
    ];
    expect(selectStrategy(strategies, customer)?.id).toBe('default');
    expect(selectStrategy(strategies, { ...customer, segment: 'small' })?.id).toBe('small');
    expect(selectStrategy([s('x', { active: false })], customer)).toBeNull();
  });

  it('breaks priority ties by id, so the choice never depends on the order given', () => {
    const a = [s('b', { priority: 1 }), s('a', { priority: 1 })];
    expect(selectStrategy(a, customer)?.id).toBe('a');
    expect(selectStrategy([...a].reverse(), customer)?.id).toBe('a');
  });
});
