import { describe, expect, it } from 'vitest';
import { parseCurrency } from '../../../core/currency.ts';
import { parseInvoiceRow } from './parse-invoice-row.ts';

const customer = { id: 'cus_1', entityId: 'ent_1', currency: parseCurrency('USD'), terms: 'NET30' };
const row = (values: Record<string, string>) => ({ get: (c: string) => values[c] ?? '' });

describe('parseInvoiceRow', () => {
  it('derives due date and sign from terms and type', () => {
    const r = parseInvoiceRow(
      row({ invoice_number: 'INV-1', issue_date: '2026-01-15', amount: '1000.00' }),
      customer,
    );
    expect(r).toMatchObject({
      ok: true,
      value: { type: 'invoice', dueDate: '2026-02-14', amountMinor: 100000n },
    });
    const cm = parseInvoiceRow(
      row({
        invoice_number: 'CM-1',
        type: 'credit_memo',
        issue_date: '2026-01-15',
        amount: '10.5',
        applies_to: 'INV-1',
      }),
      customer,
    );
    expect(cm).toMatchObject({
      ok: true,
      value: { amountMinor: -1050n, dueDate: '2026-01-15', appliesTo: 'INV-1' },
    });
  });

  it('records the discount window of discount terms', () => {
    const r = parseInvoiceRow(
      row({ invoice_number: 'INV-2', issue_date: '2026-01-15', amount: '1000', terms: '2/10NET30' }),
      customer,
    );
    expect(r).toMatchObject({
      ok: true,
      value: { discountPercent: '2', discountUntil: '2026-01-25', terms: '2/10NET30' },
    });
  });

  it('reports every problem with its column', () => {
    const r = parseInvoiceRow(
      row({
        invoice_number: 'X',
        type: 'bill',
        issue_date: '2026-02-30',
        amount: '-5',
        terms: 'soon',
        applies_to: 'Y',
      }),
      customer,
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems.map((p) => p.column).sort()).toEqual([
        'amount',
        'applies_to',
        'issue_date',
        'terms',
        'type',
      ]);
  });

  it('refuses a due date before the issue date and amounts with too many decimals', () => {
    const r = parseInvoiceRow(
      row({ invoice_number: 'X', issue_date: '2026-02-10', due_date: '2026-02-01', amount: '1.234' }),
      customer,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.column).sort()).toEqual(['amount', 'due_date']);
  });
});
