import { describe, expect, it } from 'vitest';
import type { LocalDate } from './local-date.ts';
import { discountUntil, dueDateFor, parsePaymentTerms } from './payment-terms.ts';

const d = (s: string) => s as LocalDate;

describe('payment terms', () => {
  it('computes due dates for NET, EOM and DUE terms', () => {
    expect(dueDateFor(parsePaymentTerms('NET30'), d('2026-01-15'))).toBe('2026-02-14');
    expect(dueDateFor(parsePaymentTerms('net 45'), d('2026-01-15'))).toBe('2026-03-01');
    expect(dueDateFor(parsePaymentTerms('NET30EOM'), d('2026-01-15'))).toBe('2026-03-02');
    expect(dueDateFor(parsePaymentTerms('NET30EOM'), d('2024-02-10'))).toBe('2024-03-30');
    expect(dueDateFor(parsePaymentTerms('DUE'), d('2026-01-15'))).toBe('2026-01-15');
  });

  it('reads discount terms', () => {
    const t = parsePaymentTerms('2/10 NET 30');
    expect(t.code).toBe('2/10NET30');
    expect(t.discount?.percent).toBe('2');
    expect(discountUntil(t, d('2026-01-15'))).toBe('2026-01-25');
    expect(dueDateFor(t, d('2026-01-15'))).toBe('2026-02-14');
    expect(parsePaymentTerms('1.5/15NET45').discount?.days).toBe(15);
    expect(discountUntil(parsePaymentTerms('NET30'), d('2026-01-15'))).toBeNull();
  });

  it('refuses terms it does not understand', () => {
    expect(() => parsePaymentTerms('30 days')).toThrow(/unknown payment terms/);
    expect(() => parsePaymentTerms('2/40NET30')).toThrow(/longer than the net period/);
    expect(() => parsePaymentTerms('0/10NET30')).toThrow(/between 0 and 100/);
  });
});
