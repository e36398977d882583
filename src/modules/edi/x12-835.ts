import { type Claim, type ClaimAdjustment, type ParserFactory, unreadable } from '../bank-files/index.ts';
import {
  createX12Reader,
  type SetHeader,
  type TransactionSetHandler,
  type TransactionSetKind,
  type X12Context,
} from './x12-envelope.ts';
import { DecimalSum, negateDecimal, optionalAmount, requiredAmount } from './x12-values.ts';

/**
 * X12 835, Health Care Claim Payment/Advice (ASC X12N 005010X221A1, "the TR3"), to the
 * `claim_payments` of spec section 4: one claim payment per transaction set.
 *
 * Header: BPR02 is the total actual provider payment (`payment_amount`; negated when BPR03 is `D`, a
 * debit to the payee), BPR04 the payment method (`method`: ACH, BOP, CHK, FWT, NON), TRN02 the check
 * or EFT trace number (`trace`), N1*PR the payer and N1*PE the payee (loops 1000A and 1000B), CUR02
 * the currency when the payer states one (USD otherwise, kept implicit).
 *
 * Claims (loop 2100, CLP): CLP01 the patient control number (`claim_id`), CLP02 the claim status
 * (1 processed as primary, 2 secondary, 3 tertiary, 4 denied, 22 reversal, …), CLP03 the charge,
 * CLP04 the payment, CLP05 the patient responsibility.
 * - Adjustments: CAS at claim level (loop 2100) and at service level (loop 2110) are both collected
 *   into the claim's `adjustments`, in file order, because the TR3's claim balance is the charge less
 *   all of them, and a cash poster needs the service-level reasons (most payers adjust only there).
 *   A CAS carries a group code (CAS01: CO, PR, OA, PI, CR) and up to six reason/amount/quantity
 *   triples (CAS02-04, 05-07, …, 17-19).
 * - Remarks: Remittance Advice Remark Codes from MOA03-07 (outpatient), MIA05 and MIA20-23
 *   (inpatient) and LQ02 where LQ01 is HE (service level), in file order, repeats kept (each is a
 *   remark on a different service).
 * - `services` is the number of SVC segments (service lines) of the claim.
 * Provider adjustments (PLB, after the last claim): up to six reason/amount pairs (PLB03-04, …,
 * PLB13-14); the reason is a composite `code:reference` (`WO:claim number`, `CV:CP`), written with `:`
 * whatever the file's component separator. A positive PLB amount reduces the payment.
 *
 * Checks (warnings): the TR3's balancing rules, that BPR02 equals the sum of CLP04 less the sum of the
 * PLB amounts, and that each claim's CLP03 less its CAS amounts equals CLP04.
 */

/** Element names for messages, by position: `CAS03 (adjustment amount)`. */
function names(segment: string, meaning: string): string[] {
  return Array.from({ length: 20 }, (_, i) => `${segment}${String(i).padStart(2, '0')} (${meaning})`);
}
const CAS_AMOUNTS = names('CAS', 'adjustment amount');
const PLB_AMOUNTS = names('PLB', 'provider adjustment amount');

/** Where the TR3 puts remark codes in MIA (inpatient adjudication): MIA05 and MIA20-MIA23. */
const MIA_REMARKS = [5, 20, 21, 22, 23];

interface OpenClaim {
  claim: Claim;
  line: number;
  /** CLP03 - CLP04 - the CAS amounts so far: zero when the claim balances. */
  balance: DecimalSum;
}

class Set835 implements TransactionSetHandler {
  private currency: string | null = null;
  private payer: string | null = null;
  private payee: string | null = null;
  private trace: string | null = null;
  private method: string | null = null;
  private bpr: { amount: string; debit: boolean; line: number } | null = null;
  private readonly claims: Claim[] = [];
  private claim: OpenClaim | null = null;
  private readonly providerAdjustments: { reason: string; amount: string }[] = [];
  /** The sum of CLP04 less the sum of PLB amounts, which BPR02 must equal. */
  private readonly computed = new DecimalSum();

  constructor(
    private readonly ctx: X12Context,
    private readonly header: SetHeader,
  ) {}

  private where(): string {
    return `transaction set 835 ${this.header.control} (line ${this.header.line})`;
  }

  segment(id: string, text: string, line: number): void {
    switch (id) {
      case 'SVC':
        // Only counted: the service line's own amounts are not part of spec section 4.
        if (this.claim === null) {
          this.ctx.warn(line, `${this.where()}: SVC outside a claim; ignored`);
          return;
        }
        this.claim.claim.services++;
        return;
      case 'LX':
        // A new header number (loop 2000) closes the claim before it.
        this.closeClaim();
        return;
    }
    const el = this.ctx.split(text);
    switch (id) {
      case 'BPR':
        this.readBpr(el, line);
        return;
      case 'TRN':
        if (this.trace === null) this.trace = (el[2] ?? '').trim() || null;
        return;
      case 'CUR':
        if (this.claims.length === 0 && this.claim === null) this.currency = (el[2] ?? '').trim() || null;
        return;
      case 'N1':
        this.readN1(el);
        return;
      case 'CLP':
        this.readClp(el, line);
        return;
      case 'CAS':
        this.readCas(el, line);
        return;
      case 'MOA':
        for (let i = 3; i <= 7; i++) this.remark(el[i], line, 'MOA');
        return;
      case 'MIA':
        for (const i of MIA_REMARKS) this.remark(el[i], line, 'MIA');
        return;
      case 'LQ':
        // LQ01 HE: a Remittance Advice Remark Code; RX (NCPDP reject codes) is not a RARC.
        if ((el[1] ?? '').trim() === 'HE') this.remark(el[2], line, 'LQ');
        return;
      case 'PLB':
        this.readPlb(el, line);
        return;
      default:
        return;
    }
  }

  private readBpr(el: string[], line: number): void {
    if (this.bpr !== null) {
      this.ctx.warn(line, `${this.where()}: a second BPR segment; ignored`);
      return;
    }
    // Validated here (for the line number), normalized at the end, once CUR (after BPR) is known.
    requiredAmount(el[2], null, this.ctx.fileName, line, 'BPR02 (total provider payment)');
    this.bpr = { amount: (el[2] ?? '').trim(), debit: (el[3] ?? '').trim() === 'D', line };
    this.method = (el[4] ?? '').trim() || null;
  }

  private readN1(el: string[]): void {
    const role = (el[1] ?? '').trim();
    const name = (el[2] ?? '').trim() || null;
    if (role === 'PR' && this.payer === null) this.payer = name;
    else if (role === 'PE' && this.payee === null) this.payee = name;
  }

  private readClp(el: string[], line: number): void {
    this.closeClaim();
    const id = (el[1] ?? '').trim();
    if (id === '') this.ctx.warn(line, `${this.where()}: CLP01 (patient control number) is missing`);
    const status = (el[2] ?? '').trim();
    if (status === '') this.ctx.warn(line, `${this.where()}: CLP02 (claim status) is missing`);
    const claim: Claim = {
      claim_id: id,
      status,
      charge: requiredAmount(el[3], this.currency, this.ctx.fileName, line, 'CLP03 (total claim charge)'),
      paid: requiredAmount(el[4], this.currency, this.ctx.fileName, line, 'CLP04 (claim payment amount)'),
      patient_responsibility: optionalAmount(
        el[5],
        this.currency,
        this.ctx.fileName,
        line,
        'CLP05 (patient responsibility)',
      ),
      adjustments: [],
      remarks: [],
      services: 0,
    };
    this.claim = { claim, line, balance: new DecimalSum().add(claim.charge).subtract(claim.paid) };
  }

  private readCas(el: string[], line: number): void {
    const open = this.claim;
    if (open === null) {
      this.ctx.warn(line, `${this.where()}: CAS outside a claim; ignored`);
      return;
    }
    const group = (el[1] ?? '').trim();
    if (group === '') this.ctx.warn(line, `${this.where()}: CAS01 (claim adjustment group) is missing`);
    // Six reason/amount/quantity triples: CAS02-04, CAS05-07, …, CAS17-19.
    const last = Math.min(17, el.length - 1);
    for (let i = 2; i <= last; i += 3) {
      const reason = (el[i] ?? '').trim();
      const amountText = el[i + 1] ?? '';
      if (reason === '' && amountText.trim() === '') continue;
      const name = CAS_AMOUNTS[i + 1] ?? 'CAS';
      const amount = requiredAmount(amountText, this.currency, this.ctx.fileName, line, name);
      if (reason === '') this.ctx.warn(line, `${this.where()}: ${name} ${amount} has no reason code`);
      const adjustment: ClaimAdjustment = { group, reason, amount };
      open.claim.adjustments.push(adjustment);
      open.balance.subtract(amount);
    }
  }

  private remark(code: string | undefined, line: number, segment: string): void {
    const c = (code ?? '').trim();
    if (c === '') return;
    if (this.claim === null) {
      this.ctx.warn(line, `${this.where()}: ${segment} remark ${c} outside a claim; ignored`);
      return;
    }
    this.claim.claim.remarks.push(c);
  }

  private readPlb(el: string[], line: number): void {
    this.closeClaim();
    const component = this.ctx.component();
    // Six adjustment identifier/amount pairs: PLB03-04, PLB05-06, …, PLB13-14.
    const last = Math.min(13, el.length - 1);
    for (let i = 3; i <= last; i += 2) {
      const composite = (el[i] ?? '').trim();
      const amountText = el[i + 1] ?? '';
      if (composite === '' && amountText.trim() === '') continue;
      const name = PLB_AMOUNTS[i + 1] ?? 'PLB';
      const amount = requiredAmount(amountText, this.currency, this.ctx.fileName, line, name);
      const reason = component === null ? composite : composite.split(component).join(':');
      if (composite === '') this.ctx.warn(line, `${this.where()}: ${name} ${amount} has no reason code`);
      this.providerAdjustments.push({ reason, amount });
      this.computed.subtract(amount);
    }
  }

  private closeClaim(): void {
    const open = this.claim;
    if (open === null) return;
    this.claim = null;
    const c = open.claim;
    this.claims.push(c);
    this.computed.add(c.paid);
    // TR3 claim balancing: the charge less every claim and service adjustment is the payment.
    if (!open.balance.isZero()) {
      const adjustments = sumOf(c.adjustments.map((a) => a.amount));
      const expected = new DecimalSum().add(c.charge).subtract(adjustments.toString());
      this.ctx.warn(
        open.line,
        `${this.where()}: claim ${c.claim_id}: CLP04 claim payment ${c.paid} differs from the CLP03 charge ${c.charge} less its CAS adjustments ${adjustments.toString()} = ${expected.toString()}`,
      );
    }
  }

  end(): void {
    this.closeClaim();
    const bpr = this.bpr;
    if (bpr === null) {
      // The payment amount is the one thing a claim payment cannot be without.
      throw unreadableSet(this.ctx, this.header, 'has no BPR segment (the payment amount)');
    }
    let amount = requiredAmount(
      bpr.amount,
      this.currency,
      this.ctx.fileName,
      bpr.line,
      'BPR02 (total provider payment)',
    );
    if (bpr.debit) amount = negateDecimal(amount);
    // TR3 balancing: BPR02 = sum of CLP04 - sum of PLB amounts.
    if (!this.computed.equals(new DecimalSum().add(amount))) {
      const paid = sumOf(this.claims.map((c) => c.paid));
      const plb = sumOf(this.providerAdjustments.map((a) => a.amount));
      this.ctx.warn(
        bpr.line,
        `${this.where()}: BPR02 payment amount ${amount} differs from the sum of CLP04 claim payments ${paid.toString()} less the sum of PLB provider adjustments ${plb.toString()} = ${this.computed.toString()}`,
      );
    }
    this.ctx.sink.claimPayment({
      payer: this.payer,
      payee: this.payee,
      trace: this.trace,
      payment_amount: amount,
      method: this.method,
      claims: this.claims,
      provider_adjustments: this.providerAdjustments,
      line: this.header.line,
    });
  }
}

function sumOf(amounts: string[]): DecimalSum {
  const sum = new DecimalSum();
  for (const a of amounts) sum.add(a);
  return sum;
}

function unreadableSet(ctx: X12Context, header: SetHeader, message: string) {
  return unreadable(ctx.fileName, header.line, `transaction set 835 ${header.control} ${message}`);
}

export const X12_835: TransactionSetKind = {
  format: 'x12-835',
  reads: new Set(['BPR', 'TRN', 'CUR', 'N1', 'CLP', 'CAS', 'SVC', 'MOA', 'MIA', 'LQ', 'LX', 'PLB']),
  create: (ctx, header) => new Set835(ctx, header),
};

/** A parser for files of 835 transaction sets; other sets are skipped with a warning. */
export const createX12_835Parser: ParserFactory = (sink, options) =>
  createX12Reader(sink, options, { '835': X12_835 }, '835');
