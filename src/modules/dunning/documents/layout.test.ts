import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CurrencyCode } from '../../../core/currency.ts';
import { formatMoneyForDisplay } from '../../../core/money.ts';
import { EmbeddedFonts, helveticaWidth } from './document-fonts.ts';
import { fitText, money } from './layout.ts';

describe('money on documents', () => {
  it('reads exactly as core formatMoneyForDisplay, in any currency', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.constantFrom('USD', 'JPY', 'KWD', 'EUR'),
        (amount, currency) => {
          const c = currency as CurrencyCode;
          expect(money(amount, c)).toBe(formatMoneyForDisplay(amount, c));
          expect(money(amount, c, true)).toBe(`${formatMoneyForDisplay(amount, c)} ${c}`);
        },
      ),
    );
    expect(money(-123456789n, 'USD' as CurrencyCode)).toBe('-1,234,567.89');
  });

  it('cuts text that does not fit, with an ellipsis', () => {
    expect(fitText('INV-1', 100, 9)).toBe('INV-1');
    const cut = fitText('A very long document reference that cannot fit', 60, 9);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThan(20);
  });

  it('measures with the fonts it is given: DejaVu Sans is wider than Helvetica', () => {
    const fonts = new EmbeddedFonts();
    const text = 'Счёт-фактура СЧ-2026-000123 от поставщика';
    const cut = fitText(text, 120, 9, 'regular', fonts);
    expect(cut.endsWith('…')).toBe(true);
    expect(fonts.width(cut, 'regular', 9)).toBeLessThanOrEqual(120);
    // One character more would not fit: the cut is as long as the width allows.
    const longer = `${text.slice(0, cut.length)}…`;
    expect(fonts.width(longer, 'regular', 9)).toBeGreaterThan(120);
    // In Helvetica's widths the same width holds more of the text.
    expect(fitText(text, 120, 9, 'regular', { width: helveticaWidth }).length).toBeGreaterThan(cut.length);
  });
});
