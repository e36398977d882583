/**
 * The shape every bank and remittance parser produces: spec section 4 (`arbor parse FILE --json`).
 * Parsers are push parsers (`push(chunk)`, then `end()`) that report what they read to a `ParseSink`
 * as they go, so that a large file is never held whole in memory; `collectParse` builds the JSON
 * document of spec section 4 from those events.
 *
 * Field names are the spec's, in snake_case, because they are the interchange contract. Amounts are
 * decimal strings in major units (`"1234.56"`, `"-5.00"`), dates `YYYY-MM-DD`, absent values `null`.
 */

export type BankFileFormat =
  | 'bai2'
  | 'camt.052'
  | 'camt.053'
  | 'camt.054'
  | 'mt940'
  | 'mt942'
  | 'nacha'
  | 'x12-820'
  | 'x12-835'
  | 'lockbox'
  | 'ofx'
  | 'csv';

export type Direction = 'credit' | 'debit';

/** A statement (an account's report for a period) as it begins; balances may come later. */
export interface StatementInfo {
  account: string;
  currency: string | null;
  opening_balance: string | null;
  closing_balance: string | null;
}

export interface StatementEntry {
  reference: string | null;
  booking_date: string | null;
  value_date: string | null;
  /** Always positive (or zero); the sign is `direction`. */
  amount: string;
  direction: Direction;
  type_code: string | null;
  counterparty_name: string | null;
  /** IBAN, else `ROUTING:ACCOUNT`, else the account alone (spec section 4). */
  counterparty_account: string | null;
  end_to_end_id: string | null;
  check_number: string | null;
  customer_reference: string | null;
  remittance_text: string | null;
  return_reason: string | null;
  reversal: boolean;
  /** Where the entry begins in the file (1-based), for messages (an addition to the spec's fields). */
  line?: number;
  /** The entry's currency when it differs from the statement's (an addition). */
  currency?: string | null;
  /** Not yet booked (an intraday report's pending or information-only entry); absent when booked (an addition). */
  status?: 'pending' | 'information';
}

export interface AchEntry {
  trace: string;
  amount: string;
  direction: Direction;
  name: string | null;
  account: string | null;
  return_code: string | null;
  noc_code: string | null;
  corrected_data: string | null;
  addenda: string[];
  line?: number;
}

export interface RemittanceAdjustment {
  code: string;
  amount: string;
}

export interface RemittanceLine {
  invoice_number: string;
  document_type: 'invoice' | 'credit_memo' | null;
  account: string | null;
  paid: string;
  gross: string | null;
  discount: string | null;
  adjustments: RemittanceAdjustment[];
}

export interface Remittance {
  id: string | null;
  payer: string | null;
  payment_reference: string | null;
  payment_date: string | null;
  payment_amount: string | null;
  currency: string | null;
  lines: RemittanceLine[];
  line?: number;
}

export interface ClaimAdjustment {
  group: string;
  reason: string;
  amount: string;
}

export interface Claim {
  claim_id: string;
  status: string;
  charge: string;
  paid: string;
  patient_responsibility: string | null;
  adjustments: ClaimAdjustment[];
  remarks: string[];
  services: number;
}

export interface ClaimPayment {
  payer: string | null;
  payee: string | null;
  trace: string | null;
  payment_amount: string;
  method: string | null;
  claims: Claim[];
  provider_adjustments: { reason: string; amount: string }[];
  line?: number;
}

export interface ParseWarning {
  line: number | null;
  message: string;
  /**
   * `notice`: a harmless oddity (a field out of the rules, an unknown code). Absent: the file breaks
   * or lacks its own controls (totals, counts, balances) or could not be read whole, which an import
   * refuses unless told to accept it. An addition to spec section 4.
   */
  severity?: 'notice';
}

/** What a parser reports, in file order. */
export interface ParseSink {
  /** The format's version when the file states it (camt `camt.053.001.02` → `"001.02"`, X12 `005010X221A1`). */
  version(version: string | null): void;
  /** For files whose exact format is known only after reading (camt.052/053/054, MT940/MT942). */
  format?(format: BankFileFormat): void;
  /** Begins a statement; entries that follow belong to it. */
  statement(info: StatementInfo): void;
  /** Sets balances of the current statement when they come after its start. */
  balances(balances: { opening_balance?: string | null; closing_balance?: string | null }): void;
  entry(entry: StatementEntry): void;
  /** Counts an ACH batch. */
  achBatch(): void;
  achEntry(entry: AchEntry): void;
  remittance(remittance: Remittance): void;
  claimPayment(payment: ClaimPayment): void;
  warning(warning: ParseWarning): void;
}

export interface FormatParser {
  push(chunk: string): void;
  end(): void;
}

export interface ParserOptions {
  /** The file name used in messages (`FILE:LINE: message`). */
  fileName: string;
}

export type ParserFactory<O extends ParserOptions = ParserOptions> = (
  sink: ParseSink,
  options: O,
) => FormatParser;

/** The JSON document of spec section 4. */
export interface ParsedFile {
  format: BankFileFormat;
  version: string | null;
  statements?: (StatementInfo & { entries: StatementEntry[] })[];
  ach?: { batches: number; entries: AchEntry[] };
  remittances?: Remittance[];
  claim_payments?: ClaimPayment[];
  warnings: ParseWarning[];
}

/** A sink that keeps everything, for `arbor parse` and tests. */
export function collectParse(format: BankFileFormat): { sink: ParseSink; result: () => ParsedFile } {
  const doc: ParsedFile = { format, version: null, warnings: [] };
  let current: (StatementInfo & { entries: StatementEntry[] }) | null = null;
  const sink: ParseSink = {
    version(version) {
      doc.version = version;
    },
    format(f) {
      doc.format = f;
    },
    statement(info) {
      current = { ...info, entries: [] };
      doc.statements ??= [];
      doc.statements.push(current);
    },
    balances(b) {
      if (current === null) return;
      if (b.opening_balance !== undefined) current.opening_balance = b.opening_balance;
      if (b.closing_balance !== undefined) current.closing_balance = b.closing_balance;
    },
    entry(entry) {
      if (current === null) {
        current = { account: '', currency: null, opening_balance: null, closing_balance: null, entries: [] };
        doc.statements ??= [];
        doc.statements.push(current);
      }
      current.entries.push(entry);
    },
    achBatch() {
      doc.ach ??= { batches: 0, entries: [] };
      doc.ach.batches++;
    },
    achEntry(entry) {
      doc.ach ??= { batches: 0, entries: [] };
      doc.ach.entries.push(entry);
    },
    remittance(r) {
      doc.remittances ??= [];
      doc.remittances.push(r);
    },
    claimPayment(p) {
      doc.claim_payments ??= [];
      doc.claim_payments.push(p);
    },
    warning(w) {
      doc.warnings.push(w);
    },
  };
  // Keys in the order of spec section 4.
  const result = (): ParsedFile => {
    const { warnings, ...rest } = doc;
    return { ...rest, warnings };
  };
  return { sink, result };
}
