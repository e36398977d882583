import { describe, expect, it } from 'vitest';
import { editDistance, extractReferences, referenceKeys } from './references.ts';

describe('referenceKeys', () => {
  it('reduces the ways payers write a document number to the same keys', () => {
    const target = referenceKeys('INV-001043');
    expect(target).toEqual({ full: 'INV1043', core: '1043' });
    for (const written of ['inv 1043', 'INV/001043', 'INV-1O43', 'INV1043', 'Inv.1043'])
      expect(referenceKeys(written)?.full).toBe('INV1043');
    expect(referenceKeys('1043')).toEqual({ full: '1043', core: '1043' });
    expect(referenceKeys('1O43')?.core).toBe('1043');
    // Letters before the first digit are a prefix and stay letters; after it, O/I/S/B are digits.
    expect(referenceKeys('INV-1S0B')?.full).toBe('INV1508');
  });

  it('keeps letters that are not confusions, and has no core for short or mixed numbers', () => {
    expect(referenceKeys('1043A')).toEqual({ full: '1043A', core: null });
    expect(referenceKeys('CM-12')).toEqual({ full: 'CM12', core: null });
    expect(referenceKeys('ABC')).toBeNull();
  });
});

describe('extractReferences', () => {
  it('finds document numbers in free text and ignores amounts and dates', () => {
    const refs = extractReferences(
      'PAYMENT FOR INV 1043, INV-1044/1045 AMT 1,234.56 ON 2026-11-02 THANK YOU',
    );
    expect(refs).toContain('INV1043');
    expect(refs).toContain('INV-1044/1045');
    expect(refs).toContain('1045');
    expect(refs.some((r) => r.includes('1234') || r.includes('2026'))).toBe(false);
    expect(extractReferences(null)).toEqual([]);
    expect(extractReferences('NO NUMBERS HERE')).toEqual([]);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions, stopping past the bound', () => {
    expect(editDistance('1043', '1043', 1)).toBe(0);
    expect(editDistance('1043', '1034', 1)).toBe(1);
    expect(editDistance('1043', '104', 1)).toBe(1);
    expect(editDistance('1043', '10433', 1)).toBe(1);
    expect(editDistance('1043', '2043', 1)).toBe(1);
    expect(editDistance('1043', '2143', 1)).toBe(2);
    expect(editDistance('1043', '1043999', 1)).toBe(2);
  });
});
