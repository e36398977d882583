import { describe, expect, it } from 'vitest';
import { nameKey, nameSimilarity } from './names.ts';

describe('payer names', () => {
  it('drops case, punctuation, accents and legal forms', () => {
    expect(nameKey('Acme Health Plan, Inc.')).toBe('ACME HEALTH PLAN');
    expect(nameKey('ACME HEALTH PLAN INC')).toBe('ACME HEALTH PLAN');
    expect(nameKey('Müller GmbH')).toBe('MULLER');
  });

  it('scores token overlap, with truncated tokens counting', () => {
    expect(nameSimilarity('ACME HEALTH PLAN INC', 'Acme Health Plan, Inc.')).toBe(1);
    expect(nameSimilarity('NORTHWIND PHARMAC', 'Northwind Pharmaceuticals')).toBe(1);
    expect(nameSimilarity('ACME HEALTH', 'Beta Health Group')).toBeCloseTo(0.5);
    expect(nameSimilarity('', 'x')).toBe(0);
  });
});
