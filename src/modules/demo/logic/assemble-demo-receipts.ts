import type { DateStrings } from './demo-calendar.ts';
import type { Customer, Draft, Line, Method, Payer, Receipt } from './demo-model.ts';
import type { Prng } from './prng.ts';

/**
 * Receipts from the payment drafts: batch splitting, wire fees, netted credit memos, overpayments and
 * unapplied remainders, bank references, payer names as banks show them, and remittance memos.
 */

/** A TPA or captive splits a weekly run into payments of at most this many items. */
const MAX_BATCH_PAYMENTS = 40;

class ReferenceBook {
  /** ACH and wire references carry a running number, lockbox ones a per-day item number; checks need a set. */
  private readonly checks = new Set<string>();
  private ach = 0;
  private wire = 0;
  private readonly lockboxPerDay = new Map<number, number>();

  constructor(private readonly dates: DateStrings) {}

  next(method: Method, day: number, payer: Payer): string {
    const ymd = this.dates.compact(day);
    let ref: string;
    switch (method) {
      case 'ach':
        this.ach++;
        ref = `ACH${ymd}-${String(this.ach).padStart(6, '0')}`;
        break;
      case 'wire':
        this.wire++;
        ref = `WIRE${ymd}-${String(this.wire).padStart(6, '0')}`;
        break;
      case 'lockbox': {
        // Lockbox items are identified by batch and item (spec 5).
        const k = this.lockboxPerDay.get(day) ?? 0;
        this.lockboxPerDay.set(day, k + 1);
        ref = `LBX${ymd}-${101 + Math.floor(k / 50)}-${String((k % 50) + 1).padStart(3, '0')}`;
        break;
      }
      case 'check':
        // Two payers may write the same check number on the same day: keep references unique.
        ref = `CHK${ymd}-${payer.checkNumber}`;
        while (this.checks.has(ref)) ref = `${ref}A`;
        this.checks.add(ref);
        break;
    }
    return ref;
  }
}

/** The payer's name as the bank shows it: NACHA's 16 upper-case characters, a wire's 35, a check's own. */
function displayName(payer: Payer, method: Method): string {
  if (method === 'ach') {
    payer.achName ??= payer.name
      .toUpperCase()
      .replace(/[^A-Z0-9& ]/g, '')
      .slice(0, 16)
      .trim();
    return payer.achName;
  }
  if (method === 'wire') {
    payer.wireName ??= payer.name.toUpperCase().replace(/[.,]/g, '').slice(0, 35).trim();
    return payer.wireName;
  }
  return payer.name;
}

export function assembleReceipts(rng: Prng, drafts: Draft[], dates: DateStrings): Receipt[] {
  const refs = new ReferenceBook(dates);
  const receipts: Receipt[] = [];
  const maxFee = 5000n; // the default wire-fee tolerance, 50.00 (spec 6), in minor units of USD or CAD
  for (const draft of drafts) {
    const cap = draft.payer.kind === 'customer' ? 80 : MAX_BATCH_PAYMENTS;
    const lines = draft.lines;
    let start = 0;
    while (start < lines.length) {
      // Up to `cap` payments per receipt; a payment's discount or deduction stays with it.
      let end = start;
      let payments = 0;
      while (end < lines.length) {
        const kind = lines[end]?.kind;
        if (kind === 'invoice' || kind === 'on_account') {
          if (payments === cap) break;
          payments++;
        }
        end++;
      }
      // A copy even for a single chunk: the receipt adds rows (fees, netted credits) of its own.
      receipts.push(assembleReceipt(rng, draft, lines.slice(start, end), refs, maxFee));
      start = end;
    }
  }
  return receipts;
}

function assembleReceipt(
  rng: Prng,
  draft: Draft,
  rows: Line[],
  refs: ReferenceBook,
  maxFee: bigint,
): Receipt {
  let net = 0n;
  let largest: Line | null = null;
  const numbers: string[] = [];
  for (const row of rows) {
    net += row.amount;
    if (row.kind === 'invoice' && row.item !== null) {
      numbers.push(row.item.number);
      if (largest === null || row.amount > largest.amount) largest = row;
    }
  }

  // Incoming wires arrive a few dollars short of intermediary-bank charges.
  if (draft.method === 'wire' && largest !== null && rng.chance(0.3)) {
    const fee = BigInt(rng.int(10, 45)) * 100n + BigInt(rng.pick([0, 0, 0, 50]));
    if (fee <= maxFee && net > fee * 2n) {
      rows.push({
        kind: 'bank_fee',
        item: largest.item,
        customer: largest.customer,
        amount: -fee,
        reason: '',
      });
      net -= fee;
    }
  }

  // Open standalone credits (rebates, service credits) deducted from the payment, oldest first.
  let previous: Customer | null = null;
  const count = rows.length;
  for (let k = 0; k < count; k++) {
    const c = rows[k]?.customer;
    if (c === undefined || c === previous || !c.netsCredits) continue;
    previous = c;
    for (const memo of c.credits) {
      const remaining = memo.amount - memo.netted;
      if (remaining <= 0n || memo.issue > draft.day) continue;
      // Keep the cash positive: net at most 90% of what the payment still carries.
      const room = (net * 9n) / 10n;
      const take = remaining < room ? remaining : room;
      if (take <= 0n) break;
      memo.netted += take;
      net -= take;
      rows.push({ kind: 'credit_memo', item: memo, customer: c, amount: -take, reason: '' });
    }
  }

  // An overpayment left on account, or money the payer did not explain left unapplied.
  const first = rows[0];
  if (first !== undefined && rng.chance(0.006)) {
    const extra = BigInt(rng.int(50, 2500)) * 100n;
    rows.push({ kind: 'on_account', item: null, customer: first.customer, amount: extra, reason: '' });
    net += extra;
  }
  const unapplied = rng.chance(0.004) ? BigInt(rng.int(25, 5000)) * 100n + BigInt(rng.int(0, 99)) : 0n;
  const amount = net + unapplied;
  if (amount <= 0n || net < 0n) throw new Error('demo generator produced a receipt without positive cash');

  const payer = draft.payer;
  if (draft.method === 'check' || draft.method === 'lockbox') payer.checkNumber += rng.int(1, 25);
  return {
    reference: refs.next(draft.method, draft.day, payer),
    day: draft.day,
    amount,
    currency: draft.currency,
    payerName: displayName(payer, draft.method),
    payerAccount:
      payer.bankAccounts.length === 0
        ? ''
        : (payer.bankAccounts[draft.day % payer.bankAccounts.length] ?? ''),
    method: draft.method,
    memo: receiptMemo(rng, draft, payer, numbers, rows.length),
    rows,
  };
}

function receiptMemo(rng: Prng, draft: Draft, payer: Payer, numbers: string[], rowCount: number): string {
  const list = (max: number): string => {
    let text = '';
    for (const n of numbers) {
      const next = text === '' ? n : `${text} ${n}`;
      if (next.length > max) break;
      text = next;
    }
    return text;
  };
  switch (draft.method) {
    case 'ach':
      // A TPA's CTX payment covers many clients' invoices; its addenda list them.
      if (payer.kind === 'tpa') return `CTX ${numbers.length} ITEMS ${list(60)}`.trim();
      return numbers.length === 0 ? 'PAYMENT' : `INV ${list(76)}`;
    case 'wire':
      return numbers.length === 0 ? `/RFB/PAYMENT ${rowCount}` : `/RFB/${list(60)}`;
    case 'lockbox':
      return `CHECK ${payer.checkNumber}`;
    case 'check':
      return rng.chance(0.5) ? '' : numbers.length === 0 ? '' : `Inv ${list(40)}`;
  }
}
