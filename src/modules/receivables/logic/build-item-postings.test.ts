import { describe, expect, it } from 'vitest';
import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { assertBalanced } from '../../ledger/index.ts';
import { buildItemPostings, type IssuedItem } from './build-item-postings.ts';

const item = (over: Partial<IssuedItem>): IssuedItem => ({
  id: 'itm_1',
  type: 'invoice',
  number: 'INV-1',
  entityId: 'ent_1',
  customerId: 'cus_1',
  currency: 'USD' as CurrencyCode,
  issueDate: '2026-01-15' as LocalDate,
  amountMinor: 100000n,
  ...over,
});

describe('buildItemPostings', () => {
  it('debits AR and credits revenue for an invoice', () => {
    const e = buildItemPostings([item({})], { id: 'je_1' });
    expect(e.lines).toEqual([
      { role: 'ar_control', amountMinor: 100000n, currency: 'USD', customerId: 'cus_1', itemId: 'itm_1' },
      { role: 'revenue', amountMinor: -100000n, currency: 'USD' },
    ]);
    expect(e).toMatchObject({ entryDate: '2026-01-15', description: 'invoice INV-1', sourceId: 'itm_1' });
    assertBalanced(e);
  });

  it('credits AR and debits revenue for a credit memo', () => {
    const e = buildItemPostings([item({ type: 'credit_memo', amountMinor: -2500n })], { id: 'je_2' });
    expect(e.lines.map((l) => [l.role, l.amountMinor])).toEqual([
      ['ar_control', -2500n],
      ['revenue', 2500n],
    ]);
  });

  it('posts a day of documents as one entry: one AR line each, one revenue line per currency', () => {
    const e = buildItemPostings(
      [
        item({ id: 'a', amountMinor: 100n }),
        item({ id: 'b', amountMinor: 250n, customerId: 'cus_2' }),
        item({ id: 'c', amountMinor: -50n, type: 'credit_memo' }),
        item({ id: 'd', amountMinor: 900n, currency: 'EUR' as CurrencyCode }),
      ],
      { id: 'je_3', importId: 'imp_1' },
    );
    expect(e.lines.map((l) => [l.role, l.itemId ?? null, l.currency, l.amountMinor])).toEqual([
      ['ar_control', 'a', 'USD', 100n],
      ['ar_control', 'b', 'USD', 250n],
      ['ar_control', 'c', 'USD', -50n],
      ['ar_control', 'd', 'EUR', 900n],
      ['revenue', null, 'USD', -300n],
      ['revenue', null, 'EUR', -900n],
    ]);
    assertBalanced(e);
    expect(e.sourceId).toBe('imp_1');
  });

  it('refuses documents of different days in one entry', () => {
    expect(() =>
      buildItemPostings([item({}), item({ issueDate: '2026-01-16' as LocalDate })], { id: 'x' }),
    ).toThrow(/share their entity and issue date/);
  });
});
