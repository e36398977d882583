import { describe, expect, it } from 'vitest';
import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { checkApplicationBatch } from './check-application-batch.ts';

const check = (...args: Parameters<typeof checkApplicationBatch>) => checkApplicationBatch(...args).problems;

import type { ApplicationBatchDraft, ItemState, ReceiptState } from './types.ts';

const USD = 'USD' as CurrencyCode;
const item = (id: string, amountMinor: bigint, over: Partial<ItemState> = {}): ItemState => ({
  id,
  number: id.toUpperCase(),
  type: amountMinor > 0n ? 'invoice' : 'credit_memo',
  entityId: 'ent',
  customerId: 'cus',
  currency: USD,
  issueDate: '2026-01-01' as LocalDate,
  amountMinor,
  openMinor: amountMinor,
  ...over,
});
const receipt = (amount: bigint): ReceiptState => ({
  id: 'rct',
  reference: 'R-1',
  entityId: 'ent',
  currency: USD,
  receiptDate: '2026-02-01' as LocalDate,
  amountMinor: amount,
  unappliedMinor: amount,
  customerId: null,
});
const batch = (
  rows: ApplicationBatchDraft['rows'],
  over: Partial<ApplicationBatchDraft> = {},
): ApplicationBatchDraft => ({
  entityId: 'ent',
  currency: USD,
  appliedDate: '2026-02-01' as LocalDate,
  receiptId: 'rct',
  status: 'manual',
  rows,
  ...over,
});

describe('checkApplicationBatch', () => {
  it('accepts a good batch and moves the running state', () => {
    const items = new Map([
      ['a', item('a', 1000n)],
      ['c', item('c', -300n)],
    ]);
    const r = receipt(800n);
    const problems = check(
      batch([
        { kind: 'invoice', amountMinor: 1000n, itemId: 'a', customerId: null },
        { kind: 'credit_memo', amountMinor: -300n, itemId: 'c', customerId: null },
        { kind: 'discount', amountMinor: -20n, itemId: 'a', customerId: null },
      ]),
      items,
      r,
    );
    expect(problems).toEqual([]);
    expect(items.get('a')?.openMinor).toBe(0n);
    expect(items.get('c')?.openMinor).toBe(0n);
    expect(r.unappliedMinor).toBe(120n);
  });

  it('judges batches together: the second cannot spend what the first used', () => {
    const items = new Map([['a', item('a', 1000n)]]);
    const r = receipt(2000n);
    expect(
      check(batch([{ kind: 'invoice', amountMinor: 700n, itemId: 'a', customerId: null }]), items, r),
    ).toEqual([]);
    expect(
      check(batch([{ kind: 'invoice', amountMinor: 400n, itemId: 'a', customerId: null }]), items, r),
    ).toEqual(['A has 3.00 open; cannot apply 4.00']);
    expect(items.get('a')?.openMinor).toBe(300n);
  });

  it('names every problem and changes nothing', () => {
    const items = new Map([
      ['a', item('a', 1000n)],
      ['late', item('late', 500n, { issueDate: '2026-03-01' as LocalDate })],
      ['eur', item('eur', 500n, { currency: 'EUR' as CurrencyCode })],
      ['c', item('c', -300n)],
    ]);
    const r = receipt(100n);
    const problems = check(
      batch([
        { kind: 'invoice', amountMinor: 1001n, itemId: 'a', customerId: null },
        { kind: 'invoice', amountMinor: 10n, itemId: 'late', customerId: null },
        { kind: 'invoice', amountMinor: 10n, itemId: 'eur', customerId: null },
        { kind: 'invoice', amountMinor: 10n, itemId: 'c', customerId: null },
        { kind: 'discount', amountMinor: 5n, itemId: null, customerId: null },
        { kind: 'on_account', amountMinor: 5n, itemId: null, customerId: null },
        { kind: 'invoice', amountMinor: 1n, itemId: 'a', customerId: 'someone-else' },
      ]),
      items,
      r,
    );
    expect(problems).toEqual([
      'A has 10.00 open; cannot apply 10.01',
      'LATE was issued on 2026-03-01, after the application date 2026-02-01',
      'EUR is in EUR, not USD',
      'C is a credit; apply it with a credit_memo row',
      'a discount row must be negative, not 0.05',
      'a on_account row needs the customer it is for',
      'A belongs to another customer',
      'the rows use 10.42 but receipt R-1 has only 1.00 unapplied',
    ]);
    expect(items.get('a')?.openMinor).toBe(1000n);
    expect(r.unappliedMinor).toBe(100n);
  });

  it('requires netting without a receipt to sum to zero, and a receipt not to be used before it arrived', () => {
    const items = new Map([
      ['a', item('a', 1000n)],
      ['c', item('c', -300n)],
    ]);
    expect(
      check(
        batch([{ kind: 'invoice', amountMinor: 300n, itemId: 'a', customerId: null }], { receiptId: null }),
        items,
        null,
      ),
    ).toEqual(['without a receipt the rows must sum to zero; they sum to 3.00']);
    expect(
      check(
        batch([{ kind: 'invoice', amountMinor: 300n, itemId: 'a', customerId: null }], {
          appliedDate: '2026-01-15' as LocalDate,
        }),
        items,
        receipt(300n),
      ),
    ).toEqual(['cannot apply receipt R-1 on 2026-01-15, before it was received (2026-02-01)']);
  });
});
