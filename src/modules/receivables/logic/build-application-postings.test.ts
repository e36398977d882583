import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { assertBalanced } from '../../ledger/index.ts';
import { buildApplicationPostings, type PostedRow } from './build-application-postings.ts';
import { buildReceiptPostings } from './build-receipt-postings.ts';
import type { ApplicationKind } from './types.ts';

const USD = 'USD' as CurrencyCode;
const base = {
  entryId: 'je_1',
  entityId: 'ent_1',
  date: '2026-03-08' as LocalDate,
  currency: USD,
  description: 'test',
};
const lines = (e: ReturnType<typeof buildApplicationPostings>) =>
  e.lines.map((l) => [l.role, l.amountMinor, l.itemId ?? null, l.receiptId ?? null]);

describe('buildReceiptPostings', () => {
  it('debits cash and credits unapplied cash, both naming the receipt', () => {
    const e = buildReceiptPostings({
      id: 'rct_1',
      reference: 'R-1',
      entityId: 'ent_1',
      customerId: 'cus_1',
      currency: USD,
      receiptDate: '2026-03-08' as LocalDate,
      amountMinor: 98000n,
      entryId: 'je_r',
    });
    expect(e.lines).toEqual([
      { role: 'cash', amountMinor: 98000n, currency: 'USD', receiptId: 'rct_1' },
      {
        role: 'unapplied_cash',
        amountMinor: -98000n,
        currency: 'USD',
        customerId: 'cus_1',
        receiptId: 'rct_1',
      },
    ]);
    assertBalanced(e);
  });
});

describe('buildApplicationPostings', () => {
  it('INTERCHANGE §3 example: 980.00 for INV-1 of 1,000.00 within 2/10 NET 30', () => {
    const e = buildApplicationPostings({
      ...base,
      receipt: { id: 'rct_1', customerId: 'cus_1' },
      rows: [
        { kind: 'invoice', amountMinor: 100000n, arItemId: 'inv_1', arCustomerId: 'cus_1' },
        { kind: 'discount', amountMinor: -2000n, arItemId: null, arCustomerId: null },
      ],
    });
    // Dr unapplied cash 980, Cr AR 1,000 on INV-1, Dr sales discounts 20.
    expect(lines(e)).toEqual([
      ['unapplied_cash', 98000n, null, 'rct_1'],
      ['ar_control', -100000n, 'inv_1', null],
      ['sales_discounts', 2000n, null, null],
    ]);
    assertBalanced(e);
  });

  it('INTERCHANGE §3 example: 826.00 for INV-2 of 1,001.00 with a 175.00 deduction', () => {
    const e = buildApplicationPostings({
      ...base,
      receipt: { id: 'rct_2', customerId: null },
      rows: [
        { kind: 'invoice', amountMinor: 100100n, arItemId: 'inv_2', arCustomerId: 'cus_2' },
        { kind: 'deduction', amountMinor: -17500n, arItemId: 'ded_1', arCustomerId: 'cus_2' },
      ],
    });
    // INV-2 closes; the new deduction item is debited to AR; unapplied cash gives 826.
    expect(lines(e)).toEqual([
      ['unapplied_cash', 82600n, null, 'rct_2'],
      ['ar_control', -100100n, 'inv_2', null],
      ['ar_control', 17500n, 'ded_1', null],
    ]);
    expect(e.lines.filter((l) => l.role === 'ar_control').every((l) => l.customerId === 'cus_2')).toBe(true);
  });

  it('posts every kind to its account (DOMAIN.md journal entries)', () => {
    const row = (kind: ApplicationKind, amountMinor: bigint): PostedRow => ({
      kind,
      amountMinor,
      arItemId: null,
      arCustomerId: null,
    });
    const e = buildApplicationPostings({
      ...base,
      receipt: { id: 'rct_3', customerId: 'cus_3' },
      rows: [
        row('bank_fee', -1500n),
        row('write_off', -300n),
        row('fx_difference', -200n),
        row('fx_difference', 100n),
        row('refund', 5000n),
        { kind: 'on_account', amountMinor: 2500n, arItemId: 'oa_1', arCustomerId: 'cus_3' },
        { kind: 'credit_memo', amountMinor: -4000n, arItemId: 'cm_1', arCustomerId: 'cus_3' },
      ],
    });
    expect(lines(e)).toEqual([
      ['unapplied_cash', 1600n, null, 'rct_3'],
      ['bank_charges', 1500n, null, null],
      ['allowance', 300n, null, null],
      ['fx_loss', 200n, null, null],
      ['fx_gain', -100n, null, null],
      ['cash', -5000n, null, 'rct_3'],
      ['ar_control', -2500n, 'oa_1', null],
      ['ar_control', 4000n, 'cm_1', null],
    ]);
    assertBalanced(e);
  });

  it('nets a credit memo against an invoice without a receipt', () => {
    const e = buildApplicationPostings({
      ...base,
      receipt: null,
      rows: [
        { kind: 'invoice', amountMinor: 50050n, arItemId: 'inv_3', arCustomerId: 'cus_1' },
        { kind: 'credit_memo', amountMinor: -50050n, arItemId: 'cm_2', arCustomerId: 'cus_1' },
      ],
    });
    expect(lines(e)).toEqual([
      ['ar_control', -50050n, 'inv_3', null],
      ['ar_control', 50050n, 'cm_2', null],
    ]);
    assertBalanced(e);
  });

  it('always balances when a receipt pays for the rows, whatever the rows', () => {
    const kinds: ApplicationKind[] = [
      'invoice',
      'credit_memo',
      'discount',
      'deduction',
      'bank_fee',
      'fx_difference',
      'on_account',
      'write_off',
      'refund',
    ];
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...kinds),
            fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).filter((v) => v !== 0n),
          ),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        (rows) => {
          const sum = rows.reduce((s, [, a]) => s + a, 0n);
          fc.pre(sum !== 0n);
          const e = buildApplicationPostings({
            ...base,
            receipt: { id: 'rct', customerId: null },
            rows: rows.map(([kind, amountMinor]) => ({
              kind,
              amountMinor,
              arItemId: 'itm',
              arCustomerId: 'cus',
            })),
          });
          assertBalanced(e);
          expect(e.lines[0]).toMatchObject({ role: 'unapplied_cash', amountMinor: sum });
        },
      ),
    );
  });
});
