import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, diffDays, type LocalDate } from '../../../core/local-date.ts';
import {
  type BankLine,
  type BookLine,
  bankCategory,
  bookCategory,
  buildProof,
  chainStatements,
  matchBankToBook,
  proposeMatches,
  type StatementFacts,
} from './reconcile.ts';

const d = (s: string) => s as LocalDate;

function statement(p: Partial<StatementFacts> & { id: string }): StatementFacts {
  return {
    bankAccountId: 'A',
    format: 'camt.053',
    openingMinor: null,
    closingMinor: null,
    firstDate: d('2026-06-01'),
    lastDate: d('2026-06-30'),
    movementMinor: 0n,
    newMovementMinor: 0n,
    ...p,
  };
}

function bookLine(p: Partial<BookLine> & { key: string; amountMinor: bigint }): BookLine {
  return {
    entryId: p.key.split(':')[0] ?? p.key,
    date: d('2026-06-10'),
    kind: 'receipt',
    receiptId: null,
    reference: null,
    description: null,
    receiptSource: null,
    ...p,
  };
}

function bankLine(p: Partial<BankLine> & { id: string; amountMinor: bigint }): BankLine {
  return {
    bankAccountId: 'A',
    statementId: 'S1',
    date: d('2026-06-10'),
    disposition: 'other',
    receiptId: null,
    reference: null,
    counterparty: null,
    text: null,
    typeCode: null,
    note: null,
    ...p,
  };
}

describe('chainStatements', () => {
  it('takes the closing balance of the last statement ending on or before the date, in date order', () => {
    const chain = chainStatements(
      'A',
      [
        // Imported out of order: July first, then May and June.
        statement({
          id: 'JUL',
          firstDate: d('2026-07-01'),
          lastDate: d('2026-07-31'),
          openingMinor: 700n,
          closingMinor: 900n,
          movementMinor: 200n,
          newMovementMinor: 200n,
        }),
        statement({
          id: 'JUN',
          firstDate: d('2026-06-01'),
          lastDate: d('2026-06-30'),
          openingMinor: 500n,
          closingMinor: 700n,
          movementMinor: 200n,
          newMovementMinor: 200n,
        }),
        statement({
          id: 'MAY',
          firstDate: d('2026-05-02'),
          lastDate: d('2026-05-29'),
          openingMinor: 100n,
          closingMinor: 500n,
          movementMinor: 400n,
          newMovementMinor: 400n,
        }),
        statement({ id: 'OTHER', bankAccountId: 'B', closingMinor: 1n }),
        statement({ id: 'EMPTY', firstDate: null, lastDate: null, openingMinor: 5n, closingMinor: 5n }),
      ],
      d('2026-07-15'),
    );
    expect(chain.statements.map((s) => s.id)).toEqual(['MAY', 'JUN']);
    expect(chain.last?.id).toBe('JUN');
    expect(chain.balanceMinor).toBe(700n);
    expect(chain.balanceBasis).toBe('closing');
    expect(chain.openingMinor).toBe(100n);
    expect(chain.openingBasis).toBe('stated');
    expect(chain.firstDate).toBe('2026-05-02');
    expect(chain.breaks).toEqual([]);
    expect(chain.undated).toBe(1);
    expect(chain.later).toBe(1);
  });

  it('derives a missing closing balance from the last stated balance plus the movements since, repeats counted once', () => {
    const chain = chainStatements(
      'A',
      [
        statement({
          id: 'S1',
          lastDate: d('2026-06-10'),
          openingMinor: 1000n,
          closingMinor: 1500n,
          movementMinor: 500n,
          newMovementMinor: 500n,
        }),
        // An intraday report without balances, then a statement without a closing balance that
        // repeats 30 of the report's 70.
        statement({ id: 'S2', lastDate: d('2026-06-11'), movementMinor: 70n, newMovementMinor: 70n }),
        statement({ id: 'S3', lastDate: d('2026-06-12'), movementMinor: -20n, newMovementMinor: -50n }),
      ],
      d('2026-06-30'),
    );
    expect(chain.balanceBasis).toBe('derived');
    expect(chain.derivedFrom).toEqual({ statementId: 'S1', which: 'closing' });
    expect(chain.balanceMinor).toBe(1500n + 70n - 50n);
  });

  it('from a statement’s own opening balance all its transactions count, repeats included', () => {
    const chain = chainStatements(
      'A',
      [statement({ id: 'S1', openingMinor: 1000n, movementMinor: 300n, newMovementMinor: 100n })],
      d('2026-06-30'),
    );
    expect(chain.balanceMinor).toBe(1300n);
    expect(chain.derivedFrom).toEqual({ statementId: 'S1', which: 'opening' });
  });

  it('reports where the statements do not follow on, with the difference each break makes', () => {
    const chain = chainStatements(
      'A',
      [
        statement({
          id: 'MAY',
          lastDate: d('2026-05-31'),
          openingMinor: 0n,
          closingMinor: 400n,
          movementMinor: 400n,
          newMovementMinor: 400n,
        }),
        // June is missing: July opens at 650, not 400.
        statement({
          id: 'JUL',
          lastDate: d('2026-07-31'),
          openingMinor: 650n,
          closingMinor: 600n,
          movementMinor: -40n,
          newMovementMinor: -40n,
        }),
      ],
      d('2026-07-31'),
    );
    expect(chain.breaks).toEqual([
      { statementId: 'JUL', kind: 'opening', expectedMinor: 400n, statedMinor: 650n, differenceMinor: 250n },
      { statementId: 'JUL', kind: 'closing', expectedMinor: 610n, statedMinor: 600n, differenceMinor: -10n },
    ]);
    expect(chain.balanceMinor).toBe(600n);
  });

  it('derives the opening balance from the first stated balance less the transactions before it', () => {
    const chain = chainStatements(
      'A',
      [
        statement({ id: 'S1', lastDate: d('2026-06-05'), movementMinor: 100n, newMovementMinor: 100n }),
        statement({
          id: 'S2',
          lastDate: d('2026-06-06'),
          closingMinor: 2000n,
          movementMinor: 300n,
          newMovementMinor: 250n,
        }),
      ],
      d('2026-06-30'),
    );
    expect(chain.openingMinor).toBe(2000n - 100n - 250n);
    expect(chain.openingBasis).toBe('derived');
    expect(chain.balanceMinor).toBe(2000n);
  });

  it('knows no balance when no statement states one, and none without a statement', () => {
    const none = chainStatements(
      'A',
      [statement({ id: 'CSV', movementMinor: 50n, newMovementMinor: 50n })],
      d('2026-06-30'),
    );
    expect(none.balanceMinor).toBeNull();
    expect(none.balanceBasis).toBe('unknown');
    expect(none.openingMinor).toBeNull();
    const early = chainStatements('A', [statement({ id: 'S', closingMinor: 5n })], d('2026-06-29'));
    expect(early.last).toBeNull();
    expect(early.balanceMinor).toBeNull();
    expect(early.later).toBe(1);
  });
});

describe('matchBankToBook', () => {
  it('pairs receipts with their credits and returns with their return postings, never with a refund', () => {
    const book = [
      bookLine({ key: 'e1:1', amountMinor: 30000n, receiptId: 'r1' }),
      bookLine({ key: 'e2:1', amountMinor: -5000n, kind: 'other', receiptId: 'r2' }), // refund paid from r2
      bookLine({ key: 'e3:1', amountMinor: -5000n, kind: 'return', receiptId: 'r2' }),
      bookLine({ key: 'e4:1', amountMinor: 12300n, receiptId: 'r3', receiptSource: 'history' }),
    ];
    const bank = [
      bankLine({ id: 't1', amountMinor: 30000n, disposition: 'receipt', receiptId: 'r1' }),
      bankLine({ id: 't2', amountMinor: -5000n, disposition: 'return', receiptId: 'r2' }),
      bankLine({ id: 't3', amountMinor: -1200n }),
      bankLine({ id: 't4', amountMinor: -7000n, disposition: 'return' }),
      // Tied to a receipt, but for another amount than its booking: not a match.
      bankLine({ id: 't5', amountMinor: 999n, disposition: 'receipt', receiptId: 'r3' }),
    ];
    const r = matchBankToBook(book, bank);
    expect(r.matched.map((m) => [m.book.key, m.bank.id])).toEqual([
      ['e1:1', 't1'],
      ['e3:1', 't2'],
    ]);
    expect(r.bookOnly.map((b) => b.key)).toEqual(['e2:1', 'e4:1']);
    expect(r.bankOnly.map((t) => t.id)).toEqual(['t3', 't4', 't5']);
    expect(r.bankOnly.map(bankCategory)).toEqual([
      'bank_debit_not_booked',
      'return_not_booked',
      'bank_credit_not_booked',
    ]);
    expect(r.bookOnly.map(bookCategory)).toEqual(['other_book_posting', 'deposit_in_transit']);
  });

  it('among several returns of one receipt for the same amount, takes the nearest date', () => {
    const book = [
      bookLine({ key: 'a:1', amountMinor: -100n, kind: 'return', receiptId: 'r', date: d('2026-06-01') }),
      bookLine({ key: 'b:1', amountMinor: -100n, kind: 'return', receiptId: 'r', date: d('2026-06-20') }),
    ];
    const r = matchBankToBook(book, [
      bankLine({ id: 't', amountMinor: -100n, disposition: 'return', receiptId: 'r', date: d('2026-06-19') }),
    ]);
    expect(r.matched.map((m) => m.book.key)).toEqual(['b:1']);
    expect(r.bookOnly.map((b) => b.key)).toEqual(['a:1']);
  });
});

describe('proposeMatches', () => {
  const receipt = (key: string, amountMinor: bigint, date: string) =>
    bookLine({ key, amountMinor, date: d(date), receiptSource: 'history' });

  it('proposes the unbooked bank transaction of the same amount within the window, first in first out', () => {
    const book = [
      receipt('h1:1', 50000n, '2026-06-10'),
      receipt('h2:1', 50000n, '2026-06-12'),
      receipt('h3:1', 777n, '2026-06-10'),
    ];
    const unbooked = [
      bankLine({ id: 'c2', amountMinor: 50000n, date: d('2026-06-16') }),
      bankLine({ id: 'c1', amountMinor: 50000n, date: d('2026-06-13') }),
      bankLine({ id: 'c3', amountMinor: 777n, date: d('2026-06-16') }), // 6 days after h3
      bankLine({ id: 'd1', amountMinor: -50000n, date: d('2026-06-10') }), // a debit never pairs with a receipt
    ];
    // Nearest-first would give h2 the 06-13 credit and leave h1 without one; in order, both pair.
    expect(
      proposeMatches(book, unbooked, [], 5).map((x) => [x.bookKey, x.bankId, x.kind, x.daysApart]),
    ).toEqual([
      ['h1:1', 'c1', 'unbooked', 3],
      ['h2:1', 'c2', 'unbooked', 4],
    ]);
    expect(proposeMatches(book, unbooked, [], 6).map((x) => [x.bookKey, x.bankId])).toEqual([
      ['h1:1', 'c1'],
      ['h2:1', 'c2'],
      ['h3:1', 'c3'],
    ]);
    expect(proposeMatches(book, unbooked, [], 2).map((x) => [x.bookKey, x.bankId])).toEqual([['h2:1', 'c1']]);
    expect(proposeMatches(book, unbooked, [], 0)).toEqual([]);
    // A refund paid (a negative book item) pairs with a bank debit.
    expect(
      proposeMatches([bookLine({ key: 'f:1', amountMinor: -50000n, kind: 'other' })], unbooked, [], 0),
    ).toEqual([{ bookKey: 'f:1', bankId: 'd1', kind: 'unbooked', daysApart: 0 }]);
  });

  it('falls back to a bank credit already booked as another receipt: a possible double booking', () => {
    const booked = [
      bankLine({
        id: 'b1',
        amountMinor: 90000n,
        disposition: 'receipt',
        receiptId: 'rb',
        date: d('2026-06-11'),
      }),
    ];
    const p = proposeMatches([receipt('h:1', 90000n, '2026-06-10')], [], booked, 5);
    expect(p).toEqual([{ bookKey: 'h:1', bankId: 'b1', kind: 'booked_twice', daysApart: 1 }]);
    // A refund never pairs with a booked credit.
    expect(
      proposeMatches([bookLine({ key: 'x:1', amountMinor: 90000n, kind: 'other' })], [], booked, 5),
    ).toEqual([]);
  });

  it('does not depend on the order of its inputs', () => {
    const item = fc.record({ amount: fc.integer({ min: 1, max: 4 }), day: fc.integer({ min: 1, max: 20 }) });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 12 }), fc.array(item, { maxLength: 12 }), (bk, bn) => {
        const book = bk.map((b, i) => receipt(`k${i}:1`, BigInt(b.amount), addDays(d('2026-06-01'), b.day)));
        const bank = bn.map((b, i) =>
          bankLine({ id: `t${i}`, amountMinor: BigInt(b.amount), date: addDays(d('2026-06-01'), b.day) }),
        );
        const sorted = (ps: ReturnType<typeof proposeMatches>) =>
          ps.map((x) => `${x.bookKey}>${x.bankId}`).sort();
        const a = proposeMatches(book, bank, [], 3);
        const b = proposeMatches([...book].reverse(), [...bank].reverse(), [], 3);
        expect(sorted(b)).toEqual(sorted(a));
        expect(new Set(a.map((x) => x.bankId)).size).toBe(a.length);
        expect(new Set(a.map((x) => x.bookKey)).size).toBe(a.length);
        for (const x of a) expect(Math.abs(x.daysApart)).toBeLessThanOrEqual(3);
        // No pairing leaves more items paired: compare with a brute-force maximum on small inputs.
        if (book.length <= 6 && bank.length <= 6) expect(a.length).toBe(maxPairs(book, bank, 3));
      }),
    );
  });
});

function maxPairs(book: readonly BookLine[], bank: readonly BankLine[], window: number): number {
  const ok = (b: BookLine, t: BankLine) =>
    b.amountMinor === t.amountMinor && Math.abs(diffDays(t.date, b.date)) <= window;
  const go = (i: number, used: ReadonlySet<number>): number => {
    if (i === book.length) return 0;
    let best = go(i + 1, used);
    bank.forEach((t, j) => {
      if (!used.has(j) && ok(book[i] as BookLine, t))
        best = Math.max(best, 1 + go(i + 1, new Set([...used, j])));
    });
    return best;
  };
  return go(0, new Set());
}

describe('buildProof', () => {
  it('book + bank items − book items = bank, every line present, with the difference', () => {
    const proof = buildProof({
      bookBalanceMinor: 280000n,
      openingMinor: 500000n,
      bankBalanceMinor: 508800n,
      items: [
        { category: 'bank_debit_not_booked', amountMinor: -1200n },
        { category: 'return_not_booked', amountMinor: -20000n },
        { category: 'book_before_statements', amountMinor: 100000n, count: 2 },
        { category: 'deposit_in_transit', amountMinor: 150000n },
      ],
    });
    const line = (c: string) => proof.lines.find((l) => l.category === c);
    expect(proof.lines.map((l) => l.category)).toEqual([
      'opening_balance',
      'bank_credit_not_booked',
      'bank_debit_not_booked',
      'return_not_booked',
      'book_before_statements',
      'deposit_in_transit',
      'return_not_on_bank',
      'other_book_posting',
    ]);
    expect(line('opening_balance')).toMatchObject({
      side: 'bank',
      count: 1,
      totalMinor: 500000n,
      effectMinor: 500000n,
    });
    expect(line('book_before_statements')).toMatchObject({
      side: 'book',
      count: 2,
      totalMinor: 100000n,
      effectMinor: -100000n,
    });
    expect(line('bank_credit_not_booked')).toMatchObject({ count: 0, totalMinor: 0n });
    // 280,000 + 500,000 − 1,200 − 20,000 − 100,000 − 150,000 = 508,800
    expect(proof.reconciledMinor).toBe(508800n);
    expect(proof.differenceMinor).toBe(0n);
    expect(proof.status).toBe('reconciled');
    const off = buildProof({ bookBalanceMinor: 0n, openingMinor: 10n, bankBalanceMinor: 25n, items: [] });
    expect(off).toMatchObject({
      reconciledMinor: 10n,
      differenceMinor: 15n,
      status: 'unexplained_difference',
    });
    const unknown = buildProof({
      bookBalanceMinor: 5n,
      openingMinor: null,
      bankBalanceMinor: null,
      items: [],
    });
    expect(unknown).toMatchObject({
      reconciledMinor: null,
      differenceMinor: null,
      status: 'bank_balance_unknown',
    });
  });

  it('holds for any books and bank that agree, and a statement that does not add up shows as the difference', () => {
    const amount = fc.bigInt({ min: -100000n, max: 100000n }).filter((v) => v !== 0n);
    fc.assert(
      fc.property(
        fc.bigInt({ min: -1000000n, max: 1000000n }),
        fc.array(amount, { maxLength: 10 }), // receipts and returns both sides know
        fc.array(amount, { maxLength: 10 }), // bank only
        fc.array(amount, { maxLength: 10 }), // book only, in the statements' period
        fc.array(amount, { maxLength: 10 }), // book only, before the statements
        fc.bigInt({ min: -500n, max: 500n }),
        (opening, both, bankOnlyAmounts, bookOnlyAmounts, beforeAmounts, error) => {
          const book: BookLine[] = [];
          const bank: BankLine[] = [];
          both.forEach((a, i) => {
            const kind = a > 0n ? 'receipt' : 'return';
            book.push(bookLine({ key: `m${i}:1`, amountMinor: a, kind, receiptId: `r${i}` }));
            bank.push(bankLine({ id: `m${i}`, amountMinor: a, disposition: kind, receiptId: `r${i}` }));
          });
          bankOnlyAmounts.forEach((a, i) => {
            bank.push(bankLine({ id: `b${i}`, amountMinor: a }));
          });
          bookOnlyAmounts.forEach((a, i) => {
            book.push(
              bookLine({
                key: `o${i}:1`,
                amountMinor: a,
                kind: a > 0n ? 'receipt' : 'other',
                receiptId: `x${i}`,
              }),
            );
          });
          const movement = bank.reduce((s, t) => s + t.amountMinor, 0n);
          const before = beforeAmounts.reduce((s, v) => s + v, 0n);
          const chain = chainStatements(
            'A',
            [
              statement({
                id: 'S',
                openingMinor: opening,
                closingMinor: opening + movement + error,
                movementMinor: movement,
                newMovementMinor: movement,
              }),
            ],
            d('2026-06-30'),
          );
          const { bookOnly, bankOnly, matched } = matchBankToBook(book, bank);
          expect(matched.length).toBe(both.length);
          const proof = buildProof({
            bookBalanceMinor: before + book.reduce((s, b) => s + b.amountMinor, 0n),
            openingMinor: chain.openingMinor,
            bankBalanceMinor: chain.balanceMinor,
            items: [
              ...bankOnly.map((t) => ({ category: bankCategory(t), amountMinor: t.amountMinor })),
              ...bookOnly.map((b) => ({ category: bookCategory(b), amountMinor: b.amountMinor })),
              ...(beforeAmounts.length > 0
                ? [
                    {
                      category: 'book_before_statements' as const,
                      amountMinor: before,
                      count: beforeAmounts.length,
                    },
                  ]
                : []),
            ],
          });
          expect(proof.differenceMinor).toBe(error);
          expect(chain.breaks.reduce((s, b) => s + b.differenceMinor, 0n)).toBe(error);
          expect(proof.status).toBe(error === 0n ? 'reconciled' : 'unexplained_difference');
        },
      ),
    );
  });
});
