import type { CurrencyCode } from '../../../core/currency.ts';
import { applyRate, percentRate } from '../../../core/money.ts';
import { type Calendar, nextBusinessDay, nextWeekdayOnOrAfter } from './demo-calendar.ts';
import {
  type Customer,
  compareText,
  type Draft,
  effectiveTerms,
  type Item,
  type Line,
  type Method,
  openOf,
  type Payer,
} from './demo-model.ts';
import type { Prng } from './prng.ts';

/**
 * When and how each item was paid: by whom (the customer, its parent, its TPA or captive), on which
 * day (terms, the customer's lateness, the payer's payment run, mail float, bank days), and how (in
 * full, in part, short with a deduction, with an earned or unearned discount). Payments are gathered
 * into drafts per payer, day and method; each item's settled total is tracked as it is planned, so that
 * nothing is ever paid beyond its open amount.
 */

const TWO_PERCENT = percentRate('2');

const DISCOUNT_DAYS = 10;

const METHODS: readonly Method[] = ['ach', 'wire', 'check', 'lockbox'];

class DraftBook {
  /** Per payer, drafts keyed by day and method (a payer pays in one currency: its customers'). */
  private readonly drafts = new Map<Payer, Map<number, Draft>>();
  private readonly methods = new Map<Payer, Map<number, Method>>();

  constructor(private readonly rng: Prng) {}

  /** The method a payer uses in a given month: its usual one, now and then another. */
  methodFor(payer: Payer, day: number): Method {
    let byBlock = this.methods.get(payer);
    if (byBlock === undefined) {
      byBlock = new Map();
      this.methods.set(payer, byBlock);
    }
    const block = Math.floor(day / 30);
    let method = byBlock.get(block);
    if (method === undefined) {
      method = this.rng.chance(0.85) ? payer.primary : this.rng.weighted(payer.methods);
      byBlock.set(block, method);
    }
    return method;
  }

  /** The day money sent on `intended` lands: the payer's payment run, mail float for checks, a bank day. */
  landingDay(payer: Payer, intended: number, method: Method): number {
    let d = intended;
    if (payer.cadence === 'weekly') d = nextWeekdayOnOrAfter(d, payer.runWeekday);
    if (method === 'check' || method === 'lockbox') d += this.rng.int(2, 5);
    return nextBusinessDay(d);
  }

  add(payer: Payer, day: number, method: Method, currency: CurrencyCode, entry: Line[]): void {
    let byKey = this.drafts.get(payer);
    if (byKey === undefined) {
      byKey = new Map();
      this.drafts.set(payer, byKey);
    }
    const key = day * METHODS.length + METHODS.indexOf(method);
    let draft = byKey.get(key);
    if (draft === undefined) {
      draft = { payer, day, method, currency, lines: [] };
      byKey.set(key, draft);
    }
    // One receipt is in one currency (spec 2.4); the generator never mixes them for one payer.
    if (draft.currency !== currency)
      throw new Error(`payer ${payer.key} would mix ${draft.currency} and ${currency}`);
    for (const line of entry) draft.lines.push(line);
  }

  all(): Draft[] {
    const list: Draft[] = [];
    for (const byKey of this.drafts.values()) for (const draft of byKey.values()) list.push(draft);
    return list.sort(
      (a, b) => a.day - b.day || compareText(a.payer.key, b.payer.key) || compareText(a.method, b.method),
    );
  }
}

const DEDUCTION_REASONS: readonly (readonly [string, number])[] = [
  ['pricing_dispute', 40],
  ['eligibility_dispute', 30],
  ['duplicate_billing', 15],
  ['rebate_offset', 15],
];

function payerOf(rng: Prng, c: Customer): Payer {
  const self = c.self;
  if (self === null) throw new Error(`customer ${c.account} has no payer`);
  if (c.parent?.centralAp && c.parent.self) return c.parent.self;
  const party = c.payerParty?.payer;
  // A customer with a paying TPA or captive still pays the odd invoice itself.
  if (party && rng.chance(0.9)) return party;
  return self;
}

export function planPayments(rng: Prng, customers: Customer[], cal: Calendar): Draft[] {
  const book = new DraftBook(rng);
  const ordered = customers.slice().sort((a, b) => a.ord - b.ord);
  for (const c of ordered) {
    for (const item of c.items) planItem(rng, book, c, item, cal);
    if (c.delinquentFrom !== null) planDelinquentPayments(rng, book, c, c.delinquentFrom, cal);
  }
  return book.all();
}

function planItem(rng: Prng, book: DraftBook, c: Customer, item: Item, cal: Calendar): void {
  const open = openOf(item);
  if (open <= 0n || item.unpaid) return;
  if (c.delinquentFrom !== null && item.issue >= c.delinquentFrom - 20) return;
  // Late fees are often disputed and never paid.
  if (item.type === 'debit_memo' && rng.chance(0.35)) return;

  const payer = payerOf(rng, c);
  const discountable =
    item.type === 'invoice' &&
    effectiveTerms(item) === '2/10NET30' &&
    item.credited === 0n &&
    item.settled === 0n &&
    c.discountHabit !== 'never';
  let intended: number;
  if (discountable) {
    intended = item.issue + (c.discountHabit === 'earns' ? rng.int(2, 8) : rng.int(13, 28));
  } else {
    let delay = Math.round(c.lateMean + c.lateSd * rng.normal());
    // Now and then an invoice is held in an unlogged dispute or approval queue for months.
    if (rng.chance(0.01)) delay += rng.int(40, 200);
    intended = Math.max(item.due + delay, item.issue + 1);
  }
  // A customer expecting a credit waits for it and pays the corrected amount.
  if (item.memoDay >= 0) intended = Math.max(intended, item.memoDay + rng.int(0, 5));
  const method = book.methodFor(payer, intended);
  const day = book.landingDay(payer, intended, method);
  if (day > cal.today) return;

  if (discountable) {
    const discount = applyRate(item.amount, TWO_PERCENT, 'half_up');
    const earned = day <= item.issue + DISCOUNT_DAYS;
    // Spec 6: earned within the window; taken after it, the same 2% is an unearned-discount deduction.
    const adjustment: Line = earned
      ? { kind: 'discount', item, customer: c, amount: -discount, reason: '' }
      : { kind: 'deduction', item, customer: c, amount: -discount, reason: 'unearned_discount' };
    item.settled += open;
    book.add(payer, day, method, c.currency, [
      { kind: 'invoice', item, customer: c, amount: open, reason: '' },
      adjustment,
    ]);
    return;
  }

  const r = rng.next();
  const deductionShare = c.consumer ? 0 : c.disputeProne ? 0.06 : 0.012;
  if (r < 0.025 && open >= 200n) {
    // Partial payment: part now, the rest later or never.
    const part = roundDownPart(rng, open);
    item.settled += part;
    book.add(payer, day, method, c.currency, [
      { kind: 'invoice', item, customer: c, amount: part, reason: '' },
    ]);
    if (rng.chance(0.55)) {
      const laterIntended = day + rng.int(14, 75);
      const laterMethod = book.methodFor(payer, laterIntended);
      const later = book.landingDay(payer, laterIntended, laterMethod);
      if (later <= cal.today) {
        const rest = openOf(item);
        item.settled += rest;
        book.add(payer, later, laterMethod, c.currency, [
          { kind: 'invoice', item, customer: c, amount: rest, reason: '' },
        ]);
      }
    }
    return;
  }
  if (r < 0.025 + deductionShare && item.type === 'invoice') {
    // Short payment with a reason: the invoice row is gross, the deduction negative (spec 3).
    let deduction = (open * BigInt(rng.int(20, 250))) / 1000n;
    if (deduction < 1n) deduction = 1n;
    if (deduction >= open) deduction = open - 1n;
    const reason = rng.weighted(DEDUCTION_REASONS);
    item.settled += open;
    book.add(payer, day, method, c.currency, [
      { kind: 'invoice', item, customer: c, amount: open, reason: '' },
      { kind: 'deduction', item, customer: c, amount: -deduction, reason },
    ]);
    return;
  }
  item.settled += open;
  book.add(payer, day, method, c.currency, [
    { kind: 'invoice', item, customer: c, amount: open, reason: '' },
  ]);
  if (rng.chance(0.0015)) {
    // The payer's AP pays the same invoice twice: the second payment is a credit on account.
    const againIntended = day + rng.int(5, 25);
    const againMethod = book.methodFor(payer, againIntended);
    const again = book.landingDay(payer, againIntended, againMethod);
    if (again <= cal.today) {
      book.add(payer, again, againMethod, c.currency, [
        { kind: 'on_account', item: null, customer: c, amount: open, reason: '' },
      ]);
    }
  }
}

/** A part of `open` between 25% and 85%, rounded down to whole currency units when that leaves a rest. */
function roundDownPart(rng: Prng, open: bigint): bigint {
  let part = (open * BigInt(rng.int(250, 850))) / 1000n;
  if (part >= 10_000n) part -= part % 100n;
  if (part < 1n) part = 1n;
  if (part >= open) part = open - 1n;
  return part;
}

/**
 * A severely delinquent account stops paying at `from`: from then on, now and then a round-sum
 * payment that the customer asks to apply to its oldest items, leaving the rest to age past 120 days.
 */
function planDelinquentPayments(rng: Prng, book: DraftBook, c: Customer, from: number, cal: Calendar): void {
  const payer = c.self;
  if (payer === null) return;
  for (let d = from + rng.int(10, 40); d <= cal.today; d += rng.int(20, 45)) {
    if (!rng.chance(0.45)) continue;
    const method = book.methodFor(payer, d);
    const day = book.landingDay(payer, d, method);
    if (day > cal.today) break;
    const open = c.items.filter((it) => it.issue <= d && openOf(it) > 0n);
    const total = open.reduce((sum, it) => sum + openOf(it), 0n);
    if (total <= 0n) continue;
    const unit = c.consumer ? 1_000n : 10_000n;
    let pay = (total * BigInt(rng.int(80, 300))) / 1000n;
    pay -= pay % unit;
    if (pay <= 0n) pay = total < unit ? total : unit;
    const lines: Line[] = [];
    for (const it of open) {
      if (pay <= 0n) break;
      const part = openOf(it) < pay ? openOf(it) : pay;
      it.settled += part;
      pay -= part;
      lines.push({ kind: 'invoice', item: it, customer: c, amount: part, reason: '' });
    }
    book.add(payer, day, method, c.currency, lines);
  }
}
