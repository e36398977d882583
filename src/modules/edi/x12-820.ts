import type { ParserFactory, RemittanceAdjustment, RemittanceLine } from '../bank-files/index.ts';
import {
  createX12Reader,
  type SetHeader,
  type TransactionSetHandler,
  type TransactionSetKind,
  type X12Context,
} from './x12-envelope.ts';
import { printable } from './x12-tokenizer.ts';
import {
  DecimalSum,
  isNegative,
  negateDecimal,
  optionalAmount,
  requiredAmount,
  x12Amount,
  x12Date,
} from './x12-values.ts';

/**
 * X12 820, Payment Order/Remittance Advice (X12 004010 / 005010, and the 005010X218 guide), to the
 * `remittances` of spec section 4: one remittance per transaction set. A transaction set is one
 * payment (one BPR), so one remittance keeps `payment_amount` the amount that reaches the bank; a
 * third-party advice (a TPA or broker paying for several customers, one ENT loop each) keeps every
 * customer's lines in that one remittance, each line naming its customer in `account`.
 *
 * Header: `id` is the heading REF*ZZ (before the N1 loops), else TRN02; `payment_reference` TRN02;
 * `payer` N1*PR's name; `payment_date` BPR16 (CCYYMMDD); `payment_amount` BPR02 (negated when BPR03
 * is `D`, a debit, i.e. money back to the payer); `currency` CUR02, else null (USD implied, kept null).
 *
 * Lines, one per RMR loop (2300): `invoice_number` RMR02 (empty when the RMR pays on account without
 * a reference); `paid` RMR04; `gross` RMR05 (the invoice amount); `discount` RMR06. RMR07/RMR08 (an
 * adjustment reason and amount, e.g. late-payment interest) and each ADX in the loop (2320) are
 * adjustments `{ code: ADX02, amount: ADX01 }`, ADX01 signed as in the file (negative reduces the
 * payment, X12 003050 and later).
 * - `document_type`: `credit_memo` when RMR04 is negative, RMR01 is CR or CM, or a REF in the RMR
 *   loop has qualifier CM (buyer's credit memo); else `invoice` when RMR01 is IV (seller's invoice
 *   number) or IK; else null (a PO number, an account number…). A credit memo's `paid` and `gross`
 *   are negative (spec section 4) even when the sender wrote them unsigned.
 * - `account`: the customer of the line's ENT loop (2000): a REF*2L in the RMR loop, else in the ENT
 *   loop, else ENT04 (the sending entity's id, ENT02-04: the customer a TPA pays for), ENT07 (the
 *   receiving entity), ENT09, else the ENT loop's NM1 id (NM109) or name (NM103), else its N1 id (N104)
 *   or name (N102). Null outside an ENT loop and for an ENT without identification (`ENT*1`, the
 *   single-payer advice).
 * - An ADX outside an RMR loop (an entity-level adjustment, loop 2310, e.g. a deduction not tied to
 *   an invoice) becomes a line of its own: `invoice_number` ADX04 (its reference, or empty),
 *   `document_type` null, `paid` zero and the ADX as its one adjustment.
 *
 * Check (warning): BPR02 equals the sum of RMR04 plus the ADX amounts outside RMR loops. Real advices
 * may differ (a payer nets adjustments differently), so this warns and goes on.
 */

const INVOICE_QUALIFIERS = new Set(['IV', 'IK']);
const CREDIT_QUALIFIERS = new Set(['CR', 'CM']);
const CREDIT_REF_QUALIFIERS = new Set(['CM']);

/** The customer identification an ENT loop carries (2000, with its NM1 loop 2100). */
interface Entity {
  ref2l: string | null;
  ent: string | null;
  nm1Id: string | null;
  nm1Name: string | null;
  n1Id: string | null;
  n1Name: string | null;
}

function accountOf(e: Entity | null): string | null {
  if (e === null) return null;
  return e.ref2l ?? e.ent ?? e.nm1Id ?? e.nm1Name ?? e.n1Id ?? e.n1Name;
}

interface PendingLine {
  line: RemittanceLine;
  entity: Entity | null;
  /** A REF*2L inside the RMR loop names this line's customer. */
  ref2l: string | null;
  qualifier: string;
  creditRef: boolean;
  /** An RMR line (false: an ADX outside any RMR loop). */
  rmr: boolean;
}

function value(el: string[], index: number): string {
  return (el[index] ?? '').trim();
}

class Set820 implements TransactionSetHandler {
  private section: 'header' | 'parties' | 'detail' = 'header';
  private currency: string | null = null;
  private refZz: string | null = null;
  private trn: string | null = null;
  private payer: string | null = null;
  private paymentDate: string | null = null;
  private bpr: { amount: string; debit: boolean; line: number } | null = null;
  private bprSeen = false;
  private readonly lines: PendingLine[] = [];
  private entity: Entity | null = null;
  /** The open RMR loop; segments after an RMR belong to it until the next RMR, ENT or SE. */
  private current: PendingLine | null = null;
  /** The ADX amounts outside RMR loops (they change the payment, not a line's paid amount). */
  private readonly looseAdjustments: string[] = [];

  constructor(
    private readonly ctx: X12Context,
    private readonly header: SetHeader,
  ) {}

  private where(): string {
    return `transaction set 820 ${this.header.control} (line ${this.header.line})`;
  }

  segment(id: string, text: string, line: number): void {
    const el = this.ctx.split(text);
    switch (id) {
      case 'BPR':
        this.readBpr(el, line);
        return;
      case 'TRN':
        if (this.trn === null) this.trn = value(el, 2) || null;
        return;
      case 'CUR':
        if (this.section !== 'detail') this.currency = value(el, 2) || null;
        return;
      case 'REF':
        this.readRef(el);
        return;
      case 'N1':
        this.readN1(el);
        return;
      case 'NM1':
        if (this.section === 'detail' && this.current === null && this.entity !== null) {
          this.entity.nm1Id ??= value(el, 9) || null;
          this.entity.nm1Name ??= value(el, 3) || null;
        }
        return;
      case 'ENT':
        this.current = null;
        this.section = 'detail';
        this.entity = {
          ref2l: null,
          ent: value(el, 4) || value(el, 7) || value(el, 9) || null,
          nm1Id: null,
          nm1Name: null,
          n1Id: null,
          n1Name: null,
        };
        return;
      case 'RMR':
        this.readRmr(el, line);
        return;
      case 'ADX':
        this.readAdx(el, line);
        return;
      default:
        return;
    }
  }

  private readBpr(el: string[], line: number): void {
    if (this.bprSeen) {
      this.ctx.warn(line, `${this.where()}: a second BPR segment; ignored`);
      return;
    }
    this.bprSeen = true;
    const text = value(el, 2);
    if (text === '') {
      this.ctx.warn(line, `${this.where()}: BPR02 (payment amount) is missing`);
    } else {
      // Validated here (for the line number), normalized at the end, once CUR (after BPR) is known.
      requiredAmount(text, null, this.ctx.fileName, line, 'BPR02 (payment amount)');
      this.bpr = { amount: text, debit: value(el, 3) === 'D', line };
    }
    const date = value(el, 16);
    if (date !== '') {
      this.paymentDate = x12Date(date);
      if (this.paymentDate === null) {
        this.ctx.warn(
          line,
          `${this.where()}: BPR16 payment date '${printable(date)}' is not a CCYYMMDD date`,
        );
      }
    }
  }

  private readRef(el: string[]): void {
    const qualifier = value(el, 1);
    const ref = value(el, 2) || null;
    if (this.section === 'header') {
      if (qualifier === 'ZZ' && this.refZz === null) this.refZz = ref;
      return;
    }
    if (this.section !== 'detail') return;
    if (this.current !== null) {
      if (CREDIT_REF_QUALIFIERS.has(qualifier)) this.current.creditRef = true;
      if (qualifier === '2L') this.current.ref2l ??= ref;
    } else if (this.entity !== null && qualifier === '2L') {
      this.entity.ref2l ??= ref;
    }
  }

  private readN1(el: string[]): void {
    if (this.section === 'header') this.section = 'parties';
    if (this.section === 'parties') {
      if (value(el, 1) === 'PR' && this.payer === null) this.payer = value(el, 2) || null;
      return;
    }
    if (this.current === null && this.entity !== null) {
      this.entity.n1Id ??= value(el, 4) || null;
      this.entity.n1Name ??= value(el, 2) || null;
    }
  }

  private readRmr(el: string[], line: number): void {
    this.section = 'detail';
    const qualifier = value(el, 1);
    const invoice = value(el, 2);
    let paid = optionalAmount(el[4], this.currency, this.ctx.fileName, line, 'RMR04 (amount paid)');
    if (paid === null) {
      this.ctx.warn(
        line,
        `${this.where()}: RMR04 (amount paid) of '${printable(invoice)}' is missing; zero taken`,
      );
      paid = this.zero();
    }
    const adjustments: RemittanceAdjustment[] = [];
    const reason = value(el, 7);
    const extra = optionalAmount(el[8], this.currency, this.ctx.fileName, line, 'RMR08 (adjustment amount)');
    if (extra !== null) adjustments.push({ code: reason, amount: extra });
    const pending: PendingLine = {
      line: {
        invoice_number: invoice,
        document_type: null,
        account: null,
        paid,
        gross: optionalAmount(el[5], this.currency, this.ctx.fileName, line, 'RMR05 (invoice amount)'),
        discount: optionalAmount(el[6], this.currency, this.ctx.fileName, line, 'RMR06 (discount amount)'),
        adjustments,
      },
      entity: this.entity,
      ref2l: null,
      qualifier,
      creditRef: false,
      rmr: true,
    };
    this.lines.push(pending);
    this.current = pending;
  }

  private readAdx(el: string[], line: number): void {
    const amount = requiredAmount(el[1], this.currency, this.ctx.fileName, line, 'ADX01 (adjustment amount)');
    const adjustment = { code: value(el, 2), amount };
    if (this.current !== null) {
      this.current.line.adjustments.push(adjustment);
      return;
    }
    this.section = 'detail';
    this.looseAdjustments.push(amount);
    this.lines.push({
      line: {
        invoice_number: value(el, 4),
        document_type: null,
        account: null,
        paid: this.zero(),
        gross: null,
        discount: null,
        adjustments: [adjustment],
      },
      entity: this.entity,
      ref2l: null,
      qualifier: '',
      creditRef: false,
      rmr: false,
    });
  }

  private zero(): string {
    return x12Amount('0', this.currency) ?? '0.00';
  }

  end(): void {
    const lines: RemittanceLine[] = [];
    // The sum of RMR04 plus the ADX outside RMR loops, which BPR02 should equal.
    const computed = new DecimalSum();
    for (const p of this.lines) {
      const l = p.line;
      l.account = p.ref2l ?? accountOf(p.entity);
      if (p.rmr) {
        const credit = isNegative(l.paid) || CREDIT_QUALIFIERS.has(p.qualifier) || p.creditRef;
        if (credit) {
          l.document_type = 'credit_memo';
          // A credit memo reduces what is paid: its amounts are negative whatever the sender wrote.
          if (!isNegative(l.paid)) l.paid = negateDecimal(l.paid);
          if (l.gross !== null && !isNegative(l.gross)) l.gross = negateDecimal(l.gross);
        } else if (INVOICE_QUALIFIERS.has(p.qualifier)) {
          l.document_type = 'invoice';
        }
        computed.add(l.paid);
      }
      lines.push(l);
    }
    for (const a of this.looseAdjustments) computed.add(a);
    let amount: string | null = null;
    if (this.bpr !== null) {
      amount = requiredAmount(
        this.bpr.amount,
        this.currency,
        this.ctx.fileName,
        this.bpr.line,
        'BPR02 (payment amount)',
      );
      if (this.bpr.debit) amount = negateDecimal(amount);
      if (lines.length > 0 && !computed.equals(new DecimalSum().add(amount))) {
        const paid = new DecimalSum();
        for (const p of this.lines) if (p.rmr) paid.add(p.line.paid);
        const loose =
          this.looseAdjustments.length > 0
            ? ` plus the ADX adjustments outside RMR loops ${sumOf(this.looseAdjustments).toString()} = ${computed.toString()}`
            : '';
        this.ctx.warn(
          this.bpr.line,
          `${this.where()}: BPR02 payment amount ${amount} differs from the sum of RMR04 paid amounts ${paid.toString()}${loose}`,
        );
      }
    } else if (!this.bprSeen) {
      this.ctx.warn(this.header.line, `${this.where()}: no BPR segment (the payment amount)`);
    }
    this.ctx.sink.remittance({
      id: this.refZz ?? this.trn,
      payer: this.payer,
      payment_reference: this.trn,
      payment_date: this.paymentDate,
      payment_amount: amount,
      currency: this.currency,
      lines,
      line: this.header.line,
    });
  }
}

function sumOf(amounts: string[]): DecimalSum {
  const sum = new DecimalSum();
  for (const a of amounts) sum.add(a);
  return sum;
}

export const X12_820: TransactionSetKind = {
  format: 'x12-820',
  reads: new Set(['BPR', 'TRN', 'CUR', 'REF', 'N1', 'NM1', 'ENT', 'RMR', 'ADX']),
  create: (ctx, header) => new Set820(ctx, header),
};

/** A parser for files of 820 transaction sets; other sets are skipped with a warning. */
export const createX12_820Parser: ParserFactory = (sink, options) =>
  createX12Reader(sink, options, { '820': X12_820 }, '820');
