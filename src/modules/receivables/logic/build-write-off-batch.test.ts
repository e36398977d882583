import { describe, expect, it } from 'vitest';
import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { assertBalanced } from '../../ledger/index.ts';
import { buildApplicationPostings } from './build-application-postings.ts';
import { buildWriteOffBatch } from './build-write-off-batch.ts';
import { checkApplicationBatch } from './check-application-batch.ts';
import { type ItemState, settlesItem } from './types.ts';

const USD = 'USD' as CurrencyCode;
const DATE = '2026-06-30' as LocalDate;
const item = (id: string, openMinor: bigint): ItemState => ({
  id,
  number: id.toUpperCase(),
  type: 'invoice',
  entityId: 'ent_1',
  customerId: 'cus_1',
  currency: USD,
  issueDate: '2026-05-01' as LocalDate,
  amountMinor: 100000n,
  openMinor,
});

describe('buildWriteOffBatch', () => {
  it('settles each item and writes the same amount off, the rows summing to zero', () => {
    const batch = buildWriteOffBatch({
      entityId: 'ent_1',
      currency: USD,
      date: DATE,
      reasonCode: 'bad_debt',
      parts: [
        { itemId: 'inv_1', customerId: 'cus_1', amountMinor: 30000n },
        { itemId: 'inv_2', customerId: 'cus_1', amountMinor: 1n },
      ],
    });
    expect(batch.receiptId).toBeNull();
    expect(batch.rows.map((r) => [r.kind, r.amountMinor, r.itemId, r.reasonCode ?? null])).toEqual([
      ['invoice', 30000n, 'inv_1', null],
      ['write_off', -30000n, 'inv_1', 'bad_debt'],
      ['invoice', 1n, 'inv_2', null],
      ['write_off', -1n, 'inv_2', 'bad_debt'],
    ]);
    expect(batch.rows.reduce((s, r) => s + r.amountMinor, 0n)).toBe(0n);
  });

  it('passes the application rules, lowering the open amounts by the parts', () => {
    const items = new Map([
      ['inv_1', item('inv_1', 100000n)],
      ['inv_2', item('inv_2', 500n)],
    ]);
    const batch = buildWriteOffBatch({
      entityId: 'ent_1',
      currency: USD,
      date: DATE,
      reasonCode: 'settlement',
      parts: [
        { itemId: 'inv_1', customerId: 'cus_1', amountMinor: 40000n },
        { itemId: 'inv_2', customerId: 'cus_1', amountMinor: 500n },
      ],
    });
    expect(checkApplicationBatch(batch, items, null)).toEqual({ problems: [], overApplied: false });
    expect(items.get('inv_1')?.openMinor).toBe(60000n);
    expect(items.get('inv_2')?.openMinor).toBe(0n);
  });

  it('is refused as an over-application beyond the open amount', () => {
    const items = new Map([['inv_1', item('inv_1', 100n)]]);
    const batch = buildWriteOffBatch({
      entityId: 'ent_1',
      currency: USD,
      date: DATE,
      reasonCode: 'bad_debt',
      parts: [{ itemId: 'inv_1', customerId: 'cus_1', amountMinor: 101n }],
    });
    const check = checkApplicationBatch(batch, items, null);
    expect(check.overApplied).toBe(true);
    expect(items.get('inv_1')?.openMinor).toBe(100n);
  });

  it('posts Dr allowance / Cr AR on the item (DOMAIN.md: write-off)', () => {
    const batch = buildWriteOffBatch({
      entityId: 'ent_1',
      currency: USD,
      date: DATE,
      reasonCode: 'bad_debt',
      parts: [{ itemId: 'inv_1', customerId: 'cus_1', amountMinor: 2500n }],
    });
    const entry = buildApplicationPostings({
      entryId: 'je_1',
      entityId: batch.entityId,
      date: batch.appliedDate,
      currency: batch.currency,
      receipt: null,
      description: 'write-off',
      rows: batch.rows.map((r) => ({
        kind: r.kind,
        amountMinor: r.amountMinor,
        arItemId: settlesItem(r.kind) ? r.itemId : null,
        arCustomerId: settlesItem(r.kind) ? r.customerId : null,
      })),
    });
    expect(entry.lines.map((l) => [l.role, l.amountMinor, l.itemId ?? null])).toEqual([
      ['ar_control', -2500n, 'inv_1'],
      ['allowance', 2500n, null],
    ]);
    assertBalanced(entry);
  });

  it('refuses an empty or non-positive write-off', () => {
    const args = { entityId: 'ent_1', currency: USD, date: DATE, reasonCode: 'x' };
    expect(() => buildWriteOffBatch({ ...args, parts: [] })).toThrow(RangeError);
    expect(() =>
      buildWriteOffBatch({ ...args, parts: [{ itemId: 'i', customerId: 'c', amountMinor: 0n }] }),
    ).toThrow(RangeError);
  });
});
