import { describe, expect, it } from 'vitest';
import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { decideReceipt, type EngineKnowledge } from './decide-receipt.ts';
import { referenceKeys } from './references.ts';
import type { AdviceLine, EngineItem, EngineReceipt, EngineSettings } from './types.ts';

const USD = 'USD' as CurrencyCode;
const SETTINGS: EngineSettings = {
  precisionFloor: 0.995,
  wireFeeToleranceMinor: 5000n,
  discountGraceDays: 0,
};

function item(
  number: string,
  customerId: string,
  amount: bigint,
  issueDate: string,
  extra: Partial<EngineItem> = {},
): EngineItem {
  return {
    id: `itm_${number}`,
    number,
    customerId,
    entityId: 'ent_1',
    currency: USD,
    type: amount < 0n ? 'credit_memo' : 'invoice',
    amount,
    open: amount,
    issueDate: issueDate as LocalDate,
    dueDate: issueDate as LocalDate,
    discountPercent: null,
    discountUntil: null,
    touched: false,
    ...extra,
  };
}

function knowledge(
  items: EngineItem[],
  opts: {
    accounts?: Record<string, string[]>;
    partyAccounts?: Record<string, string[]>;
    names?: Record<string, string>;
    parents?: Record<string, string>;
  } = {},
): EngineKnowledge {
  const byFull = new Map<string, EngineItem[]>();
  const byCore = new Map<string, EngineItem[]>();
  for (const i of items) {
    const k = referenceKeys(i.number);
    if (!k) continue;
    byFull.set(k.full, [...(byFull.get(k.full) ?? []), i]);
    if (k.core) byCore.set(k.core, [...(byCore.get(k.core) ?? []), i]);
  }
  return {
    itemsOfCustomer: (c) => items.filter((i) => i.customerId === c),
    itemsByFullKey: (k) => byFull.get(k) ?? [],
    itemsByCoreKey: (k) => byCore.get(k) ?? [],
    customersByAccount: (a) => opts.accounts?.[a] ?? [],
    payerCustomersByAccount: (a) => opts.partyAccounts?.[a] ?? [],
    byName: (name) =>
      Object.entries(opts.names ?? {})
        .filter(([, n]) => n.toUpperCase() === name.toUpperCase())
        .map(([c]) => ({ customers: [c], similarity: 1, label: c })),
    learned: () => new Map(),
    familyOf: (c) => {
      const parent = opts.parents?.[c];
      return parent ? [parent, c] : [c];
    },
    accountNumberOf: (c) => c,
    customerIdByNumber: (n) => n,
    reasonCode: (raw) => (raw ?? 'unspecified').toLowerCase(),
    unlinkedAdvices: () => 0,
  };
}

function receipt(amount: bigint, extra: Partial<EngineReceipt> = {}): EngineReceipt {
  return {
    id: 'rct_1',
    reference: 'BNK1',
    entityId: 'ent_1',
    currency: USD,
    date: '2026-06-15' as LocalDate,
    amount,
    method: 'ach',
    payerName: null,
    payerAccount: null,
    text: '',
    customerId: null,
    advice: null,
    ...extra,
  };
}

const rowsOf = (d: ReturnType<typeof decideReceipt>) =>
  d.kind === 'apply' ? d.allocation.rows.map((r) => [r.kind, r.itemNumber, r.amount, r.reasonCode]) : d.kind;

describe('decideReceipt: the rules of spec section 6', () => {
  it('applies an exact reference with the exact amount', () => {
    const k = knowledge([
      item('INV-1043', 'C1', 50000n, '2026-06-01'),
      item('INV-1044', 'C1', 50000n, '2026-06-01'),
    ]);
    const d = decideReceipt(receipt(50000n, { text: 'PAYMENT INV 1043' }), k, SETTINGS);
    expect(rowsOf(d)).toEqual([['invoice', 'INV-1043', 50000n, null]]);
    expect(d.kind === 'apply' && d.allocation.explanation).toMatch(/ref INV-1043 exact; amount exact/);
  });

  it('takes an earned discount on an untouched item within its window, and calls it unearned after', () => {
    const terms = { discountPercent: '2', discountUntil: '2026-06-11' as LocalDate };
    const k = knowledge([item('INV-1', 'C1', 100000n, '2026-06-01', terms)]);
    const early = decideReceipt(
      receipt(98000n, { text: 'INV-1', date: '2026-06-10' as LocalDate }),
      k,
      SETTINGS,
    );
    expect(rowsOf(early)).toEqual([
      ['invoice', 'INV-1', 100000n, null],
      ['discount', 'INV-1', -2000n, null],
    ]);
    const late = decideReceipt(
      receipt(98000n, { text: 'INV-1', date: '2026-06-20' as LocalDate }),
      k,
      SETTINGS,
    );
    expect(rowsOf(late)).toEqual([
      ['invoice', 'INV-1', 100000n, null],
      ['deduction', 'INV-1', -2000n, 'unearned_discount'],
    ]);
  });

  it('books a small wire shortfall as a bank fee, but not on a check, and not beyond the tolerance', () => {
    const k = knowledge([item('INV-7', 'C1', 100000n, '2026-06-01')]);
    expect(rowsOf(decideReceipt(receipt(99975n, { text: 'INV-7', method: 'wire' }), k, SETTINGS))).toEqual([
      ['invoice', 'INV-7', 100000n, null],
      ['bank_fee', null, -25n, null],
    ]);
    // On a check, the same shortfall is a partial payment of the invoice.
    expect(rowsOf(decideReceipt(receipt(99975n, { text: 'INV-7', method: 'check' }), k, SETTINGS))).toEqual([
      ['invoice', 'INV-7', 99975n, null],
    ]);
    const over = decideReceipt(receipt(90000n, { text: 'INV-7', method: 'wire' }), k, SETTINGS);
    expect(rowsOf(over)).toEqual([['invoice', 'INV-7', 90000n, null]]);
  });

  it('puts money beyond the items on account, and a duplicate payment of a settled item entirely on account', () => {
    const k = knowledge([
      item('INV-8', 'C1', 10000n, '2026-06-01'),
      item('INV-9', 'C1', 10000n, '2026-06-01', { open: 0n, touched: true }),
    ]);
    expect(rowsOf(decideReceipt(receipt(12000n, { text: 'INV-8' }), k, SETTINGS))).toEqual([
      ['invoice', 'INV-8', 10000n, null],
      ['on_account', null, 2000n, null],
    ]);
    expect(rowsOf(decideReceipt(receipt(10000n, { text: 'INV-9' }), k, SETTINGS))).toEqual([
      ['on_account', null, 10000n, null],
    ]);
  });

  it('never applies to an item issued after the receipt', () => {
    const k = knowledge([item('INV-20', 'C1', 10000n, '2026-06-20')], { accounts: { A1: ['C1'] } });
    const d = decideReceipt(receipt(10000n, { text: 'INV-20', payerAccount: 'A1' }), k, SETTINGS);
    expect(d.kind).toBe('leave');
  });

  it('pays the oldest of equal open items when nothing tells them apart', () => {
    const k = knowledge(
      [
        item('INV-3', 'C1', 5000n, '2026-05-03'),
        item('INV-2', 'C1', 5000n, '2026-05-01'),
        item('INV-4', 'C1', 7000n, '2026-05-01'),
      ],
      { accounts: { A1: ['C1'] } },
    );
    expect(rowsOf(decideReceipt(receipt(5000n, { payerAccount: 'A1' }), k, SETTINGS))).toEqual([
      ['invoice', 'INV-2', 5000n, null],
    ]);
  });

  it('finds the items a known payer pays without a reference, and only suggests when two subsets fit', () => {
    const items = [
      item('INV-1', 'C1', 30000n, '2026-05-01'),
      item('INV-2', 'C1', 20000n, '2026-05-02'),
      item('INV-3', 'C1', 45000n, '2026-05-03'),
    ];
    const k = knowledge(items, { accounts: { A1: ['C1'] } });
    expect(rowsOf(decideReceipt(receipt(75000n, { payerAccount: 'A1' }), k, SETTINGS))).toEqual([
      ['invoice', 'INV-1', 30000n, null],
      ['invoice', 'INV-3', 45000n, null],
    ]);
    const k2 = knowledge(
      [...items, item('INV-5', 'C1', 25000n, '2026-05-04'), item('INV-6', 'C1', 25000n, '2026-05-05')],
      {
        accounts: { A1: ['C1'] },
      },
    );
    const d = decideReceipt(receipt(50000n, { payerAccount: 'A1' }), k2, SETTINGS);
    expect(d.kind).toBe('suggest');
    expect(d.kind === 'suggest' && d.suggestions.length).toBeGreaterThan(1);
  });

  it('lets a paying party pay several customers in one receipt', () => {
    const k = knowledge(
      [
        item('INV-A', 'C1', 10000n, '2026-05-01'),
        item('INV-B', 'C2', 25000n, '2026-05-01'),
        item('INV-C', 'C2', 99900n, '2026-05-01'),
      ],
      {
        partyAccounts: { TPA1: ['C1', 'C2'] },
      },
    );
    expect(rowsOf(decideReceipt(receipt(35000n, { payerAccount: 'TPA1' }), k, SETTINGS))).toEqual([
      ['invoice', 'INV-A', 10000n, null],
      ['invoice', 'INV-B', 25000n, null],
    ]);
  });

  it('nets a credit memo inside the payment', () => {
    const k = knowledge(
      [item('INV-1', 'C1', 10000n, '2026-05-01'), item('CM-1', 'C1', -2500n, '2026-05-02')],
      { accounts: { A1: ['C1'] } },
    );
    expect(
      rowsOf(decideReceipt(receipt(7500n, { text: 'INV-1 CM-1', payerAccount: 'A1' }), k, SETTINGS)),
    ).toEqual([
      ['invoice', 'INV-1', 10000n, null],
      ['credit_memo', 'CM-1', -2500n, null],
    ]);
  });

  it('follows a linked remittance advice, deductions with the payer’s reason', () => {
    const k = knowledge([item('INV-1', 'C1', 100100n, '2026-05-01')]);
    const lines: AdviceLine[] = [
      {
        invoiceNumber: 'INV-1',
        documentType: 'invoice',
        accountNumber: null,
        paid: 82600n,
        gross: null,
        discount: null,
        deduction: 17500n,
        deductionReason: 'ENROLLMENT_DISPUTE',
      },
    ];
    expect(
      rowsOf(
        decideReceipt(
          receipt(82600n, { advice: { lines, paymentAmount: 82600n, payer: null } }),
          k,
          SETTINGS,
        ),
      ),
    ).toEqual([
      ['invoice', 'INV-1', 100100n, null],
      ['deduction', 'INV-1', -17500n, 'enrollment_dispute'],
    ]);
  });

  it('leaves a receipt that is not a customer payment, and says why', () => {
    const k = knowledge([item('INV-1', 'C1', 5500n, '2026-05-01')]);
    const d = decideReceipt(
      receipt(5500n, { text: 'INTEREST PAYMENT', payerName: 'FIRST BANK' }),
      k,
      SETTINGS,
    );
    expect(d).toEqual({ kind: 'leave', explanation: 'not a customer payment: interest' });
  });

  it('does not apply on a name alone, only suggests', () => {
    const k = knowledge([item('INV-1', 'C1', 5500n, '2026-05-01')], { names: { C1: 'Beta Co' } });
    const d = decideReceipt(receipt(5500n, { payerName: 'BETA CO' }), k, SETTINGS);
    expect(d.kind).toBe('suggest');
  });
});
