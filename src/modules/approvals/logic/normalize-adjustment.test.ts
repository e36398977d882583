import { describe, expect, it } from 'vitest';
import { money } from '../../../core/money.ts';
import type { AdjustmentInput } from '../contract.ts';
import { normalizeAdjustment } from './normalize-adjustment.ts';

describe('normalizeAdjustment', () => {
  it('trims text, makes absent options explicit and keeps a write-off without amount for later', () => {
    expect(normalizeAdjustment({ kind: 'write_off', itemId: ' itm_1 ', reasonCode: 'bad_debt ' })).toEqual({
      ok: true,
      adjustment: { kind: 'write_off', itemId: 'itm_1', amount: null, reasonCode: 'bad_debt', note: null },
    });
    expect(
      normalizeAdjustment({
        kind: 'credit_memo',
        customerId: 'cus_1',
        amount: money(5000n, 'USD'),
        reason: 'pricing error',
        invoiceId: 'itm_9',
      }),
    ).toEqual({
      ok: true,
      adjustment: {
        kind: 'credit_memo',
        customerId: 'cus_1',
        amount: { amountMinor: 5000n, currency: 'USD' },
        reason: 'pricing error',
        invoiceId: 'itm_9',
        documentNumber: null,
        entityCode: null,
      },
    });
  });

  it('accepts an agreed settlement amount of zero but no zero or negative adjustment', () => {
    const settlement = normalizeAdjustment({
      kind: 'settlement',
      customerId: 'cus_1',
      itemIds: ['a', 'b'],
      agreedAmount: money(0n, 'USD'),
    });
    expect(settlement.ok).toBe(true);
    const refund = normalizeAdjustment({ kind: 'refund', receiptId: 'rct_1', amount: money(0n, 'USD') });
    expect(refund).toEqual({
      ok: false,
      issues: [{ column: 'amount', message: 'must be positive; the kind gives the sign' }],
    });
    const writeOff = normalizeAdjustment({
      kind: 'write_off',
      itemId: 'i',
      reasonCode: 'x',
      amount: money(-5n, 'USD'),
    });
    expect(writeOff.ok).toBe(false);
  });

  it('reports every problem at once', () => {
    const r = normalizeAdjustment({
      kind: 'settlement',
      customerId: ' ',
      itemIds: ['a', 'a', ''],
      agreedAmount: { amountMinor: 5 as unknown as bigint, currency: 'USD' } as never,
    });
    expect(r.ok === false && r.issues.map((i) => i.column)).toEqual([
      'itemIds[2]',
      'itemIds',
      'customerId',
      'agreedAmount',
    ]);
  });

  it('refuses an unknown kind and an unknown currency', () => {
    expect(normalizeAdjustment({ kind: 'discount' } as unknown as AdjustmentInput).ok).toBe(false);
    expect(
      normalizeAdjustment({
        kind: 'refund',
        receiptId: 'r',
        amount: { amountMinor: 1n, currency: 'usd' } as never,
      }).ok,
    ).toBe(false);
  });
});
