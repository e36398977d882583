import { diffDays, type LocalDate } from '../../../core/local-date.ts';

/**
 * The pure half of the bank reconciliation: which statement gives the bank balance and what that
 * balance is, which bank transactions match which bookings to the cash account, what is left on each
 * side (the reconciling items), which of those are probably the same money, and the proof
 *
 *   book balance + bank items not in the books − book items not on the bank = bank balance.
 *
 * Amounts are signed as money into the bank account: a bank credit and a debit to cash are positive,
 * a bank debit and a credit to cash negative. Nothing here rounds: every figure is a sum of minor units.
 */

/** A statement as the reconciliation reads it. */
export interface StatementFacts {
  readonly id: string;
  readonly bankAccountId: string;
  readonly format: string;
  readonly openingMinor: bigint | null;
  readonly closingMinor: bigint | null;
  /** The earliest and latest booking dates of its transactions; null for a statement without any. */
  readonly firstDate: LocalDate | null;
  readonly lastDate: LocalDate | null;
  /** Signed sum of its transactions booked by the bank, repeats of earlier files included. */
  readonly movementMinor: bigint;
  /** The same without the transactions already read from an earlier file. */
  readonly newMovementMinor: bigint;
}

/** Where the statements on file disagree with each other or with themselves. */
export interface BalanceBreak {
  readonly statementId: string;
  /**
   * `opening`: the statement's opening balance is not the balance before it (a statement missing
   * between them?); `closing`: the balance before it plus its transactions is not its closing balance.
   */
  readonly kind: 'opening' | 'closing';
  readonly expectedMinor: bigint;
  readonly statedMinor: bigint;
  /** stated − expected: what the break adds to the bank balance. */
  readonly differenceMinor: bigint;
}

export interface AccountChain {
  readonly bankAccountId: string;
  /** The statements dated on or before the as-of date, oldest first; the last gives the balance. */
  readonly statements: readonly StatementFacts[];
  readonly last: StatementFacts | null;
  readonly balanceMinor: bigint | null;
  /** `closing`: the last statement's own closing balance; `derived`: a stated balance plus movements. */
  readonly balanceBasis: 'closing' | 'derived' | 'unknown';
  /** For a derived balance: the last stated balance it starts from. */
  readonly derivedFrom: { readonly statementId: string; readonly which: 'opening' | 'closing' } | null;
  /** The bank balance before the first statement's transactions. */
  readonly openingMinor: bigint | null;
  readonly openingBasis: 'stated' | 'derived' | 'unknown';
  readonly firstDate: LocalDate | null;
  readonly breaks: readonly BalanceBreak[];
  /** Statements on file without transactions, hence without a date (not used). */
  readonly undated: number;
  /** Statements that end after the as-of date (not used). */
  readonly later: number;
}

/**
 * The statements of one bank account that end on or before `asOf`, oldest first (by last booking
 * date, then in the order given, which is the order of import), and the balances they give.
 *
 * Walking forward, each stated opening balance is checked against the balance before it and each
 * stated closing balance against the balance before plus the statement's transactions; a statement
 * without a closing balance carries the balance forward by its movements. Continuing from an earlier
 * statement, transactions that repeat an earlier file (an intraday report, then the day's statement)
 * are not counted twice; from the statement's own opening balance all its transactions count.
 */
export function chainStatements(
  bankAccountId: string,
  statements: readonly StatementFacts[],
  asOf: LocalDate,
): AccountChain {
  let undated = 0;
  let later = 0;
  const used: StatementFacts[] = [];
  for (const s of statements) {
    if (s.bankAccountId !== bankAccountId) continue;
    if (s.lastDate === null) undated++;
    else if (s.lastDate > asOf) later++;
    else used.push(s);
  }
  // Array.prototype.sort is stable: statements ending on the same day keep their import order.
  used.sort((a, b) =>
    (a.lastDate as string) < (b.lastDate as string) ? -1 : a.lastDate === b.lastDate ? 0 : 1,
  );

  const breaks: BalanceBreak[] = [];
  let running: bigint | null = null;
  let derivedFrom: AccountChain['derivedFrom'] = null;
  for (const s of used) {
    let end: bigint | null;
    if (s.openingMinor !== null) {
      if (running !== null && running !== s.openingMinor) {
        breaks.push({
          statementId: s.id,
          kind: 'opening',
          expectedMinor: running,
          statedMinor: s.openingMinor,
          differenceMinor: s.openingMinor - running,
        });
      }
      derivedFrom = { statementId: s.id, which: 'opening' };
      end = s.openingMinor + s.movementMinor;
    } else {
      end = running === null ? null : running + s.newMovementMinor;
    }
    if (s.closingMinor !== null) {
      if (end !== null && end !== s.closingMinor) {
        breaks.push({
          statementId: s.id,
          kind: 'closing',
          expectedMinor: end,
          statedMinor: s.closingMinor,
          differenceMinor: s.closingMinor - end,
        });
      }
      derivedFrom = { statementId: s.id, which: 'closing' };
      running = s.closingMinor;
    } else {
      running = end;
    }
  }
  const last = used.at(-1) ?? null;
  const balanceBasis: AccountChain['balanceBasis'] =
    last === null || running === null ? 'unknown' : last.closingMinor !== null ? 'closing' : 'derived';

  // The balance before the first statement: its own opening, else the first stated balance less the
  // transactions between the start and that balance.
  let openingMinor: bigint | null = null;
  let openingBasis: AccountChain['openingBasis'] = 'unknown';
  let before = 0n;
  for (let i = 0; i < used.length; i++) {
    const s = used[i] as StatementFacts;
    if (s.openingMinor !== null) {
      openingMinor = s.openingMinor - before;
      openingBasis = i === 0 ? 'stated' : 'derived';
      break;
    }
    if (s.closingMinor !== null) {
      openingMinor = s.closingMinor - before - (i === 0 ? s.movementMinor : s.newMovementMinor);
      openingBasis = 'derived';
      break;
    }
    before += i === 0 ? s.movementMinor : s.newMovementMinor;
  }
  return {
    bankAccountId,
    statements: used,
    last,
    balanceMinor: last === null ? null : running,
    balanceBasis,
    derivedFrom: balanceBasis === 'derived' ? derivedFrom : null,
    openingMinor,
    openingBasis,
    firstDate: used[0]?.firstDate ?? null,
    breaks,
    undated,
    later,
  };
}

/** What a posting to the cash account is, for matching: a receipt, a bank return, or anything else. */
export type BookKind = 'receipt' | 'return' | 'other';

/** One line of the cash account. */
export interface BookLine {
  /** `entryId:lineNo`. */
  readonly key: string;
  readonly entryId: string;
  readonly date: LocalDate;
  readonly amountMinor: bigint;
  readonly kind: BookKind;
  readonly receiptId: string | null;
  readonly reference: string | null;
  readonly description: string | null;
  /** Where the receipt came from (`history`, `bank`, `manual`), when the line is a receipt's. */
  readonly receiptSource: string | null;
}

/** One transaction read from a bank file (duplicates of earlier files and pending entries left out). */
export interface BankLine {
  readonly id: string;
  readonly bankAccountId: string;
  readonly statementId: string;
  readonly date: LocalDate;
  readonly amountMinor: bigint;
  readonly disposition: 'receipt' | 'return' | 'other';
  readonly receiptId: string | null;
  readonly reference: string | null;
  readonly counterparty: string | null;
  readonly text: string | null;
  readonly typeCode: string | null;
  readonly note: string | null;
}

export interface MatchResult {
  readonly matched: readonly { readonly book: BookLine; readonly bank: BankLine }[];
  readonly bookOnly: readonly BookLine[];
  readonly bankOnly: readonly BankLine[];
}

/**
 * Pairs each bank transaction that the import tied to a receipt with that receipt's booking: a
 * credit booked as a receipt with the receipt's cash line, a return with the return's cash line (the
 * same receipt, the same amount; among several, the nearest date). Everything unpaired is a
 * reconciling item. Refunds paid from a receipt also carry its id but are not returns: they never pair.
 */
export function matchBankToBook(book: readonly BookLine[], bank: readonly BankLine[]): MatchResult {
  const byKey = new Map<string, BookLine[]>();
  for (const b of book) {
    if (b.kind === 'other' || b.receiptId === null) continue;
    const key = `${b.kind}|${b.receiptId}|${b.amountMinor}`;
    const list = byKey.get(key);
    if (list) list.push(b);
    else byKey.set(key, [b]);
  }
  const used = new Set<string>();
  const matched: { book: BookLine; bank: BankLine }[] = [];
  const bankOnly: BankLine[] = [];
  for (const t of bank) {
    if (t.disposition === 'other' || t.receiptId === null) {
      bankOnly.push(t);
      continue;
    }
    const candidates = byKey.get(`${t.disposition}|${t.receiptId}|${t.amountMinor}`) ?? [];
    let best: BookLine | null = null;
    for (const c of candidates) {
      if (used.has(c.key)) continue;
      if (best === null || Math.abs(diffDays(c.date, t.date)) < Math.abs(diffDays(best.date, t.date)))
        best = c;
    }
    if (best === null) {
      bankOnly.push(t);
      continue;
    }
    used.add(best.key);
    matched.push({ book: best, bank: t });
  }
  return { matched, bookOnly: book.filter((b) => !used.has(b.key)), bankOnly };
}

/** The kinds of reconciling item, bank side first, in the order the proof lists them. */
export const BANK_CATEGORIES = [
  'opening_balance',
  'bank_credit_not_booked',
  'bank_debit_not_booked',
  'return_not_booked',
] as const;
export const BOOK_CATEGORIES = [
  'book_before_statements',
  'deposit_in_transit',
  'return_not_on_bank',
  'other_book_posting',
] as const;
export type BankCategory = (typeof BANK_CATEGORIES)[number];
export type BookCategory = (typeof BOOK_CATEGORIES)[number];
export type ReconcilingCategory = BankCategory | BookCategory;

/** What a finance user calls each kind of item. */
export const CATEGORY_LABELS: Readonly<Record<ReconcilingCategory, string>> = {
  opening_balance: 'bank balance before the first statement on file',
  bank_credit_not_booked: 'bank credits not in the books',
  bank_debit_not_booked: 'bank debits not in the books (fees, payouts)',
  return_not_booked: 'returns not matched to a receipt',
  book_before_statements: 'book postings dated before the first statement (in its opening balance)',
  deposit_in_transit: 'deposits in transit (receipts booked, not on the bank)',
  return_not_on_bank: 'returns booked, not on the bank',
  other_book_posting: 'other cash postings not on the bank (refunds paid, reversals, manual entries)',
};

/** A bank transaction left unmatched: money the books do not show. */
export function bankCategory(t: BankLine): BankCategory {
  if (t.amountMinor >= 0n) return 'bank_credit_not_booked';
  return t.disposition === 'return' ? 'return_not_booked' : 'bank_debit_not_booked';
}

/** A cash posting left unmatched, dated on or after the first statement's first transaction. */
export function bookCategory(b: BookLine): BookCategory {
  if (b.kind === 'receipt' && b.amountMinor > 0n) return 'deposit_in_transit';
  if (b.kind === 'return') return 'return_not_on_bank';
  return 'other_book_posting';
}

export interface Proposal {
  readonly bookKey: string;
  readonly bankId: string;
  /**
   * `unbooked`: the bank transaction is in no booking, so both items are probably the same money
   * and linking them clears both; `booked_twice`: the bank credit is already booked as another
   * receipt, so this receipt may be the same money booked a second time.
   */
  readonly kind: 'unbooked' | 'booked_twice';
  /** bank date − book date. */
  readonly daysApart: number;
}

/**
 * Proposes, for book items not on the bank, the bank transaction that is probably the same money: the
 * same signed amount, booked by the bank within `windowDays` either side. Unbooked bank transactions
 * come first; for a receipt, a bank credit already booked as another receipt is proposed next (a
 * possible double booking: history and a bank file both holding the same payment).
 *
 * Per amount, both sides are taken in date order and paired first-in first-out (skipping a bank
 * transaction too early for the next book item, or a book item with nothing left in reach): on a line
 * of dates with one window, that pairs as many items as any assignment can, keeps deposits clearing in
 * the order they were booked, and does not depend on the order of the input.
 */
export function proposeMatches(
  bookOnly: readonly BookLine[],
  bankOnly: readonly BankLine[],
  bookedBank: readonly BankLine[],
  windowDays: number,
): Proposal[] {
  const out: Proposal[] = [];
  const usedBook = new Set<string>();
  const pass = (books: readonly BookLine[], banks: readonly BankLine[], kind: Proposal['kind']) => {
    const byAmount = new Map<bigint, { book: BookLine[]; bank: BankLine[] }>();
    const slot = (a: bigint) => {
      let s = byAmount.get(a);
      if (!s) {
        s = { book: [], bank: [] };
        byAmount.set(a, s);
      }
      return s;
    };
    for (const b of books) if (!usedBook.has(b.key)) slot(b.amountMinor).book.push(b);
    for (const t of banks) byAmount.get(t.amountMinor)?.bank.push(t);
    for (const { book, bank } of byAmount.values()) {
      book.sort((x, y) => compareText(x.date, y.date) || compareText(x.key, y.key));
      bank.sort((x, y) => compareText(x.date, y.date) || compareText(x.id, y.id));
      let i = 0;
      let j = 0;
      while (i < book.length && j < bank.length) {
        const b = book[i] as BookLine;
        const t = bank[j] as BankLine;
        const days = diffDays(t.date, b.date);
        if (days < -windowDays) j++;
        else if (days > windowDays) i++;
        else {
          usedBook.add(b.key);
          out.push({ bookKey: b.key, bankId: t.id, kind, daysApart: days });
          i++;
          j++;
        }
      }
    }
  };
  pass(bookOnly, bankOnly, 'unbooked');
  pass(
    bookOnly.filter((b) => b.kind === 'receipt' && b.amountMinor > 0n),
    bookedBank.filter((t) => t.disposition === 'receipt' && t.amountMinor > 0n),
    'booked_twice',
  );
  return out;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ProofLine {
  readonly category: ReconcilingCategory;
  readonly side: 'bank' | 'book';
  readonly count: number;
  /** The items' own signed sum. */
  readonly totalMinor: bigint;
  /** What the line does to the reconciled bank balance: + total for bank items, − total for book items. */
  readonly effectMinor: bigint;
}

export interface Proof {
  readonly bookBalanceMinor: bigint;
  /** Every category, in order, even when empty. */
  readonly lines: readonly ProofLine[];
  /** book balance + the lines' effects; null when the bank's opening balance is unknown. */
  readonly reconciledMinor: bigint | null;
  readonly bankBalanceMinor: bigint | null;
  /** bank balance − reconciled bank balance: what the items do not explain. */
  readonly differenceMinor: bigint | null;
  readonly status: 'reconciled' | 'unexplained_difference' | 'bank_balance_unknown';
}

/**
 * The proof from book to bank. `openingMinor` is the bank balance before the first statement held
 * (null when unknown); `items` are the reconciling items other than it, each with a count (1 unless
 * it stands for several, as the book postings before the statements do).
 */
export function buildProof(input: {
  readonly bookBalanceMinor: bigint;
  readonly openingMinor: bigint | null;
  readonly bankBalanceMinor: bigint | null;
  readonly items: readonly {
    readonly category: ReconcilingCategory;
    readonly amountMinor: bigint;
    readonly count?: number;
  }[];
}): Proof {
  const totals = new Map<ReconcilingCategory, { count: number; total: bigint }>();
  for (const c of [...BANK_CATEGORIES, ...BOOK_CATEGORIES]) totals.set(c, { count: 0, total: 0n });
  const opening = totals.get('opening_balance') as { count: number; total: bigint };
  if (input.openingMinor !== null) {
    opening.count = 1;
    opening.total = input.openingMinor;
  }
  for (const item of input.items) {
    if (item.category === 'opening_balance') throw new Error('the opening balance is given as openingMinor');
    const t = totals.get(item.category) as { count: number; total: bigint };
    t.count += item.count ?? 1;
    t.total += item.amountMinor;
  }
  const bankSide = new Set<ReconcilingCategory>(BANK_CATEGORIES);
  const lines: ProofLine[] = [...totals].map(([category, t]) => {
    const side = bankSide.has(category) ? 'bank' : 'book';
    return {
      category,
      side,
      count: t.count,
      totalMinor: t.total,
      effectMinor: side === 'bank' ? t.total : -t.total,
    };
  });
  const reconciledMinor =
    input.openingMinor === null
      ? null
      : lines.reduce((sum, l) => sum + l.effectMinor, input.bookBalanceMinor);
  const differenceMinor =
    reconciledMinor === null || input.bankBalanceMinor === null
      ? null
      : input.bankBalanceMinor - reconciledMinor;
  return {
    bookBalanceMinor: input.bookBalanceMinor,
    lines,
    reconciledMinor,
    bankBalanceMinor: input.bankBalanceMinor,
    differenceMinor,
    status:
      differenceMinor === null
        ? 'bank_balance_unknown'
        : differenceMinor === 0n
          ? 'reconciled'
          : 'unexplained_difference',
  };
}
