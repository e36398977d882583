import { decimalFromMinor } from '../amounts.ts';
import { unreadable } from '../bank-files.errors.ts';
import { LineSplitter } from '../lines.ts';
import type {
  FormatParser,
  ParserFactory,
  ParserOptions,
  ParseSink,
  RemittanceLine,
  StatementEntry,
} from '../model.ts';
import { dateFromYymmdd } from './bai2.ts';

/**
 * The BAI lockbox transmission: fixed-width records, one a line, the record type in column 1.
 *
 *   1 immediate address header    2 service record             5 lockbox (detail) header
 *   6 detail: one check           4 overflow of the check      7 batch total
 *   8 lockbox (service) total     9 destination trailer
 *
 * Columns (1-based, as the BAI lockbox layout and the bank specifications built on it give them):
 *   5: batch 2–4, item 5–7, lockbox number 8–14, deposit date 15–20 (YYMMDD)
 *   6: batch 2–4, item 5–7, amount 8–17 (cents), transit routing 18–26, account 27–36,
 *      check number 37–46, check date 47–52 (MMDDYY), remitter 53–82, payee 83–102
 *   4: batch 2–4, item 5–7, type of the record it continues 8, sequence 9–10, last-record indicator 11
 *      (9 = last), data 12–
 *   7: batch 2–4, item 5–7, lockbox 8–14, deposit date 15–20, number of checks 21–23, total 24–33
 *   8: batch 2–4, item 5–7, lockbox 8–14, deposit date 15–20, number of checks 21–24, total 25–34
 *   9: number of records in the file 2–7
 *
 * Each lockbox is a statement (account = the lockbox number as written) and each check an entry:
 * credit, reference `BATCH-ITEM` (spec section 5), the check number, `ROUTING:ACCOUNT` of the payer and
 * the remitter's name; the overflow data is its remittance text. The layout of invoice data in overflow
 * records is agreed between a bank and its customer; this parser reads the common one: an overflow data
 * area made only of pairs of an invoice number and its paid amount as a 10-digit number of cents (the
 * width of every lockbox amount field), separated by spaces. Such a check also gets a remittance (id and
 * payment reference `BATCH-ITEM`) with those lines; other overflow data is memo text only.
 *
 * Batch and lockbox totals and counts, and the trailer's record count, are checked: a mismatch is a
 * warning. A file that does not begin with a type 1 header, an unknown record type, a check outside a
 * lockbox or a check amount that is not a number make the file unreadable.
 */
export const createLockboxParser: ParserFactory = (sink, options) => new LockboxParser(sink, options);

/** Lockbox amounts are dollars and cents: the format's fields are named "dollar total". */
const CURRENCY = 'USD';
const EXPONENT = 2;

/** The fields of a type 6 detail record (one check), trimmed. */
export interface LockboxDetail {
  batch: string;
  item: string;
  /** Cents, or null when the field is not a number. */
  amountMinor: bigint | null;
  routing: string;
  account: string;
  checkNumber: string;
  /** `YYYY-MM-DD` from the MMDDYY field, or null. */
  checkDate: string | null;
  remitter: string;
  payee: string;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function field(record: string, from: number, to: number): string {
  return record.slice(from - 1, to).trim();
}

function minorOf(text: string): bigint | null {
  return isDigits(text) ? BigInt(text) : null;
}

/** Reads a type 6 detail record (columns as in the header comment). */
export function readLockboxDetail(record: string): LockboxDetail {
  const date = field(record, 47, 52);
  return {
    batch: field(record, 2, 4),
    item: field(record, 5, 7),
    amountMinor: minorOf(field(record, 8, 17)),
    routing: field(record, 18, 26),
    account: field(record, 27, 36),
    checkNumber: field(record, 37, 46),
    // The check date is MMDDYY, unlike the YYMMDD dates of the other records.
    checkDate: date.length === 6 ? dateFromYymmdd(date.slice(4) + date.slice(0, 4)) : null,
    remitter: field(record, 53, 82),
    payee: field(record, 83, 102),
  };
}

/** Zero-filled or blank is no value. */
function meaningful(value: string): string | null {
  if (value === '') return null;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) !== 48) return value;
  return null;
}

/** A numeric check number without its zero fill (`0000000180` is check 180), so it compares with what a payer quotes. */
function checkNumberOf(value: string): string | null {
  if (!isDigits(value)) return value === '' ? null : value;
  const v = value.replace(/^0+/, '');
  return v === '' ? null : v;
}

/** Invoice pairs of an overflow data area, or null when it is not made only of such pairs. */
function invoicePairs(data: string): { invoice: string; minor: bigint }[] | null {
  const tokens = data.split(/\s+/).filter((t) => t !== '');
  if (tokens.length < 2 || tokens.length % 2 !== 0) return null;
  const out: { invoice: string; minor: bigint }[] = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const invoice = tokens[i] as string;
    const amount = tokens[i + 1] as string;
    if (amount.length !== 10 || !isDigits(amount)) return null;
    out.push({ invoice, minor: BigInt(amount) });
  }
  return out;
}

interface Check {
  line: number;
  detail: LockboxDetail;
  amount: bigint;
  texts: string[];
  lines: RemittanceLine[];
  nextSequence: number;
  lastSeen: boolean;
}

interface Lockbox {
  number: string;
  line: number;
  depositDate: string | null;
  checks: number;
  sum: bigint;
}

interface Batch {
  number: string;
  line: number;
  checks: number;
  sum: bigint;
}

class LockboxParser implements FormatParser {
  private readonly file: string;
  private readonly splitter: LineSplitter;
  private line = 0;
  private records = 0;
  private headerSeen = false;
  private trailerSeen = false;
  private lockbox: Lockbox | null = null;
  private batch: Batch | null = null;
  private check: Check | null = null;

  constructor(
    private readonly sink: ParseSink,
    options: ParserOptions,
  ) {
    this.file = options.fileName;
    this.splitter = new LineSplitter((text, line) => this.onLine(text, line));
  }

  push(chunk: string): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
    this.flushCheck();
    if (!this.headerSeen) throw unreadable(this.file, null, 'not a BAI lockbox file: it has no records');
    const line = this.line;
    if (this.batch !== null) this.closeBatchUnended(line, 'the file ends');
    if (this.lockbox !== null) {
      this.warn(
        line,
        `lockbox ${this.lockbox.number} (line ${this.lockbox.line}) has no type 8 lockbox total before the file ends`,
      );
      this.lockbox = null;
    }
    if (!this.trailerSeen) this.warn(line, 'the file ends without a type 9 trailer');
  }

  private warn(line: number | null, message: string): void {
    this.sink.warning({ line, message });
  }

  private fail(line: number, message: string): never {
    throw unreadable(this.file, line, message);
  }

  private onLine(text: string, line: number): void {
    this.line = line;
    if (text.trim() === '') return;
    const type = text.charAt(0);
    if (!this.headerSeen && type !== '1') {
      this.fail(
        line,
        `not a BAI lockbox file: the first record is "${text.slice(0, 20).trim()}", not a type 1 header`,
      );
    }
    this.records++;
    if (this.trailerSeen) this.warn(line, `record type ${type} after the type 9 trailer`);
    switch (type) {
      case '1':
        if (this.headerSeen) this.warn(line, 'a second type 1 header');
        this.headerSeen = true;
        return;
      case '2':
        return;
      case '4':
        this.overflow(text, line);
        return;
      case '5':
        this.lockboxHeader(text, line);
        return;
      case '6':
        this.detail(text, line);
        return;
      case '7':
        this.batchTotal(text, line);
        return;
      case '8':
        this.lockboxTotal(text, line);
        return;
      case '9':
        this.trailer(text, line);
        return;
      default:
        this.fail(line, `unknown record type "${type}"`);
    }
  }

  // ---- 5 / 8 lockbox ----

  private lockboxHeader(text: string, line: number): void {
    this.flushCheck();
    const number = field(text, 8, 14);
    if (number === '') this.fail(line, 'type 5 lockbox header has no lockbox number');
    const dateText = field(text, 15, 20);
    const depositDate = dateFromYymmdd(dateText);
    if (depositDate === null) this.warn(line, `deposit date "${dateText}" is not a YYMMDD date`);
    // A type 5 may head each batch of the same lockbox: only a new lockbox number starts a statement.
    if (this.lockbox !== null && this.lockbox.number === number) {
      if (depositDate !== null) this.lockbox.depositDate = depositDate;
      return;
    }
    if (this.batch !== null) this.closeBatchUnended(line, 'a type 5 header for another lockbox');
    if (this.lockbox !== null) {
      this.warn(
        line,
        `lockbox ${this.lockbox.number} (line ${this.lockbox.line}) has no type 8 lockbox total before lockbox ${number}`,
      );
    }
    this.lockbox = { number, line, depositDate, checks: 0, sum: 0n };
    this.sink.statement({
      account: number,
      currency: CURRENCY,
      opening_balance: null,
      closing_balance: null,
    });
  }

  private lockboxTotal(text: string, line: number): void {
    this.flushCheck();
    if (this.batch !== null) this.closeBatchUnended(line, 'the type 8 lockbox total');
    const lb = this.lockbox;
    if (lb === null) {
      this.warn(line, 'type 8 lockbox total without a type 5 lockbox header ignored');
      return;
    }
    const number = field(text, 8, 14);
    if (number !== '' && number !== lb.number) {
      this.warn(line, `type 8 lockbox total names lockbox ${number}, not ${lb.number}`);
    }
    const label = `lockbox ${lb.number}`;
    this.checkCount(line, `${label} check count`, field(text, 21, 24), lb.checks, 'the checks counted');
    this.checkTotal(line, `${label} dollar total`, field(text, 25, 34), lb.sum);
    this.lockbox = null;
  }

  // ---- 7 batch ----

  private batchTotal(text: string, line: number): void {
    this.flushCheck();
    const number = field(text, 2, 4);
    const b = this.batch ?? { number, line, checks: 0, sum: 0n };
    if (this.batch !== null && number !== b.number) {
      this.warn(line, `type 7 batch total names batch ${number}, not ${b.number}`);
    }
    const lockboxNumber = field(text, 8, 14);
    if (this.lockbox !== null && lockboxNumber !== '' && lockboxNumber !== this.lockbox.number) {
      this.warn(line, `type 7 batch total names lockbox ${lockboxNumber}, not ${this.lockbox.number}`);
    }
    const label = `batch ${b.number}`;
    this.checkCount(line, `${label} check count`, field(text, 21, 23), b.checks, 'the checks counted');
    this.checkTotal(line, `${label} dollar total`, field(text, 24, 33), b.sum);
    this.batch = null;
  }

  private closeBatchUnended(line: number, why: string): void {
    if (this.batch === null) return;
    this.warn(
      line,
      `batch ${this.batch.number} (line ${this.batch.line}) has no type 7 batch total before ${why}`,
    );
    this.batch = null;
  }

  // ---- 9 trailer ----

  private trailer(text: string, line: number): void {
    this.flushCheck();
    if (this.batch !== null) this.closeBatchUnended(line, 'the type 9 trailer');
    if (this.lockbox !== null) {
      this.warn(
        line,
        `lockbox ${this.lockbox.number} (line ${this.lockbox.line}) has no type 8 lockbox total before the type 9 trailer`,
      );
      this.lockbox = null;
    }
    // The count includes the type 1 header and this trailer.
    this.checkCount(line, 'file record count', field(text, 2, 7), this.records, 'the records counted');
    this.trailerSeen = true;
  }

  // ---- controls ----

  private checkCount(line: number, what: string, text: string, counted: number, against: string): void {
    if (text === '') return;
    if (!isDigits(text)) this.warn(line, `${what} "${text}" is not a number; not checked`);
    else if (Number(text) !== counted)
      this.warn(line, `${what} ${Number(text)} differs from ${against} ${counted}`);
  }

  private checkTotal(line: number, what: string, text: string, computed: bigint): void {
    if (text === '') return;
    if (!isDigits(text)) this.warn(line, `${what} "${text}" is not a number; not checked`);
    else if (BigInt(text) !== computed) {
      this.warn(
        line,
        `${what} ${decimalFromMinor(BigInt(text), EXPONENT)} differs from the sum of its checks ${decimalFromMinor(computed, EXPONENT)}`,
      );
    }
  }

  // ---- 6 / 4 checks ----

  private detail(text: string, line: number): void {
    this.flushCheck();
    const lb = this.lockbox;
    if (lb === null) this.fail(line, 'type 6 detail record outside a lockbox (no type 5 header before it)');
    const detail = readLockboxDetail(text);
    if (detail.amountMinor === null) {
      this.fail(line, `check amount "${field(text, 8, 17)}" is not a number`);
    }
    if (this.batch !== null && this.batch.number !== detail.batch) {
      this.closeBatchUnended(line, `batch ${detail.batch} begins`);
    }
    this.batch ??= { number: detail.batch, line, checks: 0, sum: 0n };
    this.batch.checks++;
    this.batch.sum += detail.amountMinor;
    lb.checks++;
    lb.sum += detail.amountMinor;
    this.check = {
      line,
      detail,
      amount: detail.amountMinor,
      texts: [],
      lines: [],
      nextSequence: 1,
      lastSeen: false,
    };
  }

  private overflow(text: string, line: number): void {
    const c = this.check;
    if (c === null) {
      this.warn(line, 'type 4 overflow record without a type 6 detail record before it ignored');
      return;
    }
    const batch = field(text, 2, 4);
    const item = field(text, 5, 7);
    if (batch !== c.detail.batch || item !== c.detail.item) {
      this.warn(
        line,
        `type 4 overflow record for batch ${batch} item ${item} follows the check of batch ${c.detail.batch} item ${c.detail.item}`,
      );
    }
    const sequenceText = field(text, 9, 10);
    const sequence = isDigits(sequenceText) ? Number(sequenceText) : null;
    if (sequence !== c.nextSequence) {
      this.warn(line, `overflow sequence number "${sequenceText}" where ${c.nextSequence} was expected`);
    }
    c.nextSequence = (sequence ?? c.nextSequence) + 1;
    c.lastSeen = field(text, 11, 11) === '9';
    const data = text.slice(11).trim();
    if (data === '') return;
    c.texts.push(data);
    const pairs = invoicePairs(data);
    if (pairs !== null) {
      for (const p of pairs) {
        c.lines.push({
          invoice_number: p.invoice,
          document_type: null,
          account: null,
          paid: decimalFromMinor(p.minor, EXPONENT),
          gross: null,
          discount: null,
          adjustments: [],
        });
      }
    }
  }

  /** Emits the check read so far (its overflow records are complete when another record comes). */
  private flushCheck(): void {
    const c = this.check;
    if (c === null) return;
    this.check = null;
    if (c.nextSequence > 1 && !c.lastSeen) {
      this.warn(
        c.line,
        `the overflow records of batch ${c.detail.batch} item ${c.detail.item} end without the last-record indicator 9`,
      );
    }
    const d = c.detail;
    const reference = `${d.batch}-${d.item}`;
    const routing = meaningful(d.routing);
    const account = meaningful(d.account);
    const amount = decimalFromMinor(c.amount, EXPONENT);
    const entry: StatementEntry = {
      reference,
      booking_date: this.lockbox?.depositDate ?? null,
      value_date: null,
      amount,
      direction: 'credit',
      type_code: null,
      counterparty_name: d.remitter || null,
      counterparty_account: account === null ? null : routing === null ? account : `${routing}:${account}`,
      end_to_end_id: null,
      check_number: checkNumberOf(d.checkNumber),
      customer_reference: null,
      remittance_text: c.texts.length === 0 ? null : c.texts.join(' '),
      return_reason: null,
      reversal: false,
      line: c.line,
    };
    this.sink.entry(entry);
    if (c.lines.length > 0) {
      this.sink.remittance({
        id: reference,
        payer: d.remitter || null,
        payment_reference: reference,
        payment_date: d.checkDate ?? this.lockbox?.depositDate ?? null,
        payment_amount: amount,
        currency: CURRENCY,
        lines: c.lines,
        line: c.line,
      });
    }
  }
}
