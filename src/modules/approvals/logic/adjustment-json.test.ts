import { describe, expect, it } from 'vitest';
import { money } from '../../../core/money.ts';
import type { Adjustment, AdjustmentResult } from '../contract.ts';
import { adjustmentToJson, parseAdjustment, parseAdjustmentResult } from './adjustment-json.ts';

describe('adjustment JSON', () => {
  it('round-trips amounts beyond 2^53 exactly, as decimal strings', () => {
    const big = 2n ** 63n - 1n;
    const a: Adjustment = {
      kind: 'settlement',
      customerId: 'cus_1',
      itemIds: ['a', 'b'],
      agreedAmount: money(big, 'USD'),
      note: null,
    };
    const json = adjustmentToJson(a);
    expect(json).toContain('"amountMinor":"9223372036854775807"');
    expect(parseAdjustment(json)).toEqual(a);
    expect(parseAdjustment(JSON.parse(json))).toEqual(a);
  });

  it('round-trips results, negative amounts included', () => {
    const r: AdjustmentResult = {
      kind: 'credit_memo',
      itemId: 'itm_1',
      itemNumber: 'CM-000001',
      amount: money(5000n, 'EUR'),
      invoiceId: null,
      appliedMinor: 0n,
      openAfterMinor: -5000n,
      entryIds: ['je_1'],
      applicationIds: [],
    };
    expect(parseAdjustmentResult(adjustmentToJson(r))).toEqual(r);
    expect(parseAdjustmentResult(null)).toBeNull();
  });

  it('refuses a payload of the wrong shape rather than guessing', () => {
    expect(() =>
      parseAdjustment({ kind: 'refund', receiptId: 'r', amount: { amountMinor: 1.5, currency: 'USD' } }),
    ).toThrow();
    expect(() => parseAdjustment({ kind: 'write_off', itemId: 'i' })).toThrow();
  });
});
