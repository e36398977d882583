import { describe, expect, it } from 'vitest';
import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { assertBalanced } from '../../ledger/index.ts';
import { buildApplicationPostings } from './build-application-postings.ts';
import {
  buildReinstatementPostings,
  buildReinstatementRows,
  planReinstatement,
  REINSTATEMENT_REASON,
} from './build-reinstatement-postings.ts';
import { settlesItem } from './types.ts';

const USD = 'USD' as CurrencyCode;
const DATE = '2026-07-15' as LocalDate;
const parts = [
  { itemId: 'itm_1', customerId: 'cus_1', amountMinor: 30000n },
  { itemId: 'itm_2', customerId: 'cus_1', amountMinor: 1n },
];

describe('buildReinstatementPostings', () => {
  it('debits AR on each item and credits the allowance for the total, balanced', () => {
    const entry = buildReinstatementPostings({
      entryId: 'je_1',
      entityId: 'ent_1',
      currency: USD,
      date: DATE,
      parts,
      description: 'recovery',
    });
    expect(() => assertBalanced(entry)).not.toThrow();
    expect(entry.entryDate).toBe(DATE);
    expect(entry.lines.map((l) => [l.role, l.amountMinor, l.itemId ?? null, l.customerId ?? null])).toEqual([
      ['ar_control', 30000n, 'itm_1', 'cus_1'],
      ['ar_control', 1n, 'itm_2', 'cus_1'],
      ['allowance', -30001n, null, null],
    ]);
  });

  it('posts what the application builder posts for its rows, so the subledger and the journal agree', () => {
    const rows = buildReinstatementRows(parts);
    const viaRows = buildApplicationPostings({
      entryId: 'je_1',
      entityId: 'ent_1',
      date: DATE,
      currency: USD,
      receipt: null,
      rows: rows.map((r) => ({
        kind: r.kind,
        amountMinor: r.amountMinor,
        arItemId: settlesItem(r.kind) ? r.itemId : null,
        arCustomerId: settlesItem(r.kind) ? r.customerId : null,
      })),
      description: 'recovery',
    });
    const direct = buildReinstatementPostings({
      entryId: 'je_1',
      entityId: 'ent_1',
      currency: USD,
      date: DATE,
      parts,
      description: 'recovery',
    });
    const sumBy = (lines: typeof direct.lines) => {
      const m = new Map<string, bigint>();
      for (const l of lines) {
        const k = `${l.role}|${l.itemId ?? ''}`;
        m.set(k, (m.get(k) ?? 0n) + l.amountMinor);
      }
      return m;
    };
    expect(sumBy(direct.lines)).toEqual(sumBy(viaRows.lines));
  });

  it('refuses no parts and a part that is not positive', () => {
    const base = { entryId: 'je_1', entityId: 'ent_1', currency: USD, date: DATE, description: 'x' };
    expect(() => buildReinstatementPostings({ ...base, parts: [] })).toThrow(RangeError);
    expect(() =>
      buildReinstatementPostings({ ...base, parts: [{ itemId: 'i', customerId: 'c', amountMinor: 0n }] }),
    ).toThrow(/positive/);
  });
});

describe('buildReinstatementRows', () => {
  it('reopens each item by the part and shrinks its write-off by as much, the rows summing to zero', () => {
    const rows = buildReinstatementRows(parts);
    expect(rows.map((r) => [r.kind, r.amountMinor, r.itemId, r.reasonCode])).toEqual([
      ['invoice', -30000n, 'itm_1', REINSTATEMENT_REASON],
      ['write_off', 30000n, 'itm_1', REINSTATEMENT_REASON],
      ['invoice', -1n, 'itm_2', REINSTATEMENT_REASON],
      ['write_off', 1n, 'itm_2', REINSTATEMENT_REASON],
    ]);
    expect(rows.reduce((s, r) => s + r.amountMinor, 0n)).toBe(0n);
  });
});

describe('planReinstatement', () => {
  const item = {
    number: 'INV-1',
    amountMinor: 100000n,
    openMinor: 20000n,
    currency: USD,
    writtenOffMinor: 50000n,
  };

  it('defaults to the whole written-off amount', () => {
    expect(planReinstatement(item)).toEqual({ ok: true, amountMinor: 50000n });
  });

  it('takes a part of it', () => {
    expect(planReinstatement(item, 1n)).toEqual({ ok: true, amountMinor: 1n });
  });

  it('refuses more than is written off', () => {
    const r = planReinstatement(item, 50001n);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toContain('has 500.00 written off; cannot reinstate 500.01');
  });

  it('refuses an item with nothing written off, a credit, and a non-positive amount', () => {
    expect(planReinstatement({ ...item, writtenOffMinor: 0n }).ok).toBe(false);
    expect(planReinstatement({ ...item, amountMinor: -100n, openMinor: 0n }).ok).toBe(false);
    expect(planReinstatement(item, 0n).ok).toBe(false);
  });

  it('refuses to open an item beyond its amount', () => {
    const r = planReinstatement({ ...item, openMinor: 60000n }, 50000n);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toContain('beyond its amount');
  });
});
