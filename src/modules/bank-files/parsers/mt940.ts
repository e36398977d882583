import { isCurrencyCode, minorUnits } from '../../../core/currency.ts';
import { exponentOf } from '../amounts.ts';
import { unreadable } from '../bank-files.errors.ts';
import { LineSplitter } from '../lines.ts';
import type { Direction, FormatParser, ParserFactory, ParseSink, StatementEntry } from '../model.ts';

/**
 * SWIFT MT940 (customer statement) and MT942 (interim transaction report) as push parsers.
 *
 * The layout is SWIFT's (Standards MT, category 9): a message is a sequence of fields, each starting on
 * a new line with `:TAG:`, continuation lines belonging to the field above. Messages may come inside
 * the FIN envelope (`{1:…}{2:…}{4:` … `-}`), separated by a lone `-`, or simply one after the other
 * (a new `:20:` starts a new message, as in Rabobank exports). Bank headers before the first field
 * (ABN AMRO `ABNANL2A`/`940`, ING `0000 01INGBNL2AXXXX00001`/`940 00`, Rabobank `:940:`) are skipped.
 *
 * Fields read: `:20:` (a new message), `:25:` account (kept as written: IBAN, `BLZ/account`, …),
 * `:28C:`, `:60F:`/`:60M:` opening balance, `:61:` statement lines, `:86:` information to the account
 * owner (German `?NN` sub-fields, Dutch `/KEY/` sub-fields, else free text), `:62F:`/`:62M:` closing
 * balance, `:64:`/`:65:` available balances (read over: not part of spec section 4), MT942 `:34F:`
 * floor limits, `:13:`/`:13D:` date-time and `:90D:`/`:90C:` entry totals. `:NS:` (non-SWIFT fields of
 * German banks) is skipped.
 *
 * Checks, reported as warnings: opening balance plus entries equals the closing balance of each
 * statement, and the count and sum of the debit (`:90D:`) and credit (`:90C:`) entries of a message.
 * A file without any field, a `:61:` or a balance whose amount or mark cannot be read is unreadable.
 *
 * Free text leaves the parser with runs of white space collapsed to one space: line breaks inside
 * `:86:` are transport wrapping (6 lines of 65 characters), not content.
 */
export const createMt940Parser: ParserFactory = (sink, options) => new Mt940Parser(sink, options.fileName);

/** Fields this parser knows; an unknown tag inside `:86:` is text that happened to wrap onto a new line. */
const KNOWN_TAGS = new Set([
  '13',
  '13D',
  '20',
  '21',
  '25',
  '25P',
  '28',
  '28C',
  '34F',
  '60',
  '60F',
  '60M',
  '61',
  '62',
  '62F',
  '62M',
  '64',
  '65',
  '86',
  '90C',
  '90D',
  'NS',
]);

/** Fields whose value may run over several lines (SWIFT: `:61:` 34x supplementary details, `:86:` 6*65x). */
const MULTI_LINE_TAGS = new Set(['61', '86', 'NS']);

/** Lines collected for one field at most; a longer field is cut with a warning (memory stays bounded). */
const MAX_FIELD_LINES = 200;
/** Warnings kept at most; a broken file cannot grow the result without bound. */
const MAX_WARNINGS = 1000;
/** A longer line is not SWIFT text (its lines have 65 characters; bank exports some hundreds). */
const MAX_LINE = 1024 * 1024;
/** Lines before the first field: more than this and the file is not MT940. */
const MAX_PREAMBLE_LINES = 100;

/** Amounts are summed at this many decimals (more than any currency has) so sums are exact. */
const SCALE = 6;

interface Balance {
  mark: 'C' | 'D';
  currency: string | null;
  decimal: string;
  scaled: bigint;
  digits: number;
  tag: string;
  line: number;
}

interface StatementState {
  account: string;
  currency: string | null;
  emitted: boolean;
  opening: Balance | null;
  closing: Balance | null;
  sum: bigint;
  entries: number;
  /** The largest number of decimals seen, so that messages print sums exactly. */
  digits: number;
}

interface PendingEntry {
  entry: StatementEntry;
  /** `:61:` supplementary details (second line). */
  supplementary: string | null;
  /** Lines of the `:86:` field(s) that follow the statement line. */
  details: string[];
}

interface Totals {
  count: number;
  scaled: bigint;
  decimal: string;
  line: number;
}

class Mt940Parser implements FormatParser {
  private readonly splitter = new LineSplitter((text, line) => this.onLine(text, line), {
    maxLength: MAX_LINE,
    onTooLong: (line) => {
      throw unreadable(
        this.fileName,
        line,
        `a line longer than ${MAX_LINE} characters: not a SWIFT statement`,
      );
    },
  });
  private warnings = 0;
  private readonly warnedOnce = new Set<string>();
  /** A line made of a lone `:` (a tag wrapped after its first colon, seen in Sparkasse exports). */
  private heldColon: number | null = null;

  private sawField = false;
  private preambleLines = 0;
  private announced942 = false;

  // The field being read.
  private tag: string | null = null;
  private tagLine = 0;
  private fieldLines: string[] = [];
  private fieldCut = false;

  // The message being read.
  private inMessage = false;
  private messageFields = 0;
  private account: string | null = null;
  private statementNumber: string | null = null;
  private floorCurrency: string | null = null;
  private debitTotal: Totals | null = null;
  private creditTotal: Totals | null = null;
  private debitCount = 0;
  private debitSum = 0n;
  private creditCount = 0;
  private creditSum = 0n;
  private messageDigits = 2;

  private statement: StatementState | null = null;
  private statements = 0;
  private pending: PendingEntry | null = null;

  constructor(
    private readonly sink: ParseSink,
    private readonly fileName: string,
  ) {}

  push(chunk: string): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
    if (this.heldColon !== null) {
      const line = this.heldColon;
      this.heldColon = null;
      this.processLine(':', line);
    }
    if (!this.sawField) {
      throw unreadable(
        this.fileName,
        this.splitter.lines === 0 ? null : 1,
        'no MT940/MT942 field (a line starting with :20:, :25:, :60F:, :61: …) found: not a SWIFT statement',
      );
    }
    this.endMessage();
    if (this.statements === 0)
      this.warn(null, 'the file holds no statement (no account, balance or :61: line)');
  }

  private warn(line: number | null, message: string): void {
    this.warnings++;
    if (this.warnings < MAX_WARNINGS) this.sink.warning({ line, message });
    else if (this.warnings === MAX_WARNINGS)
      this.sink.warning({ line, message: `more than ${MAX_WARNINGS - 1} warnings; the rest are left out` });
  }

  private warnOnce(key: string, line: number | null, message: string): void {
    if (this.warnedOnce.has(key)) return;
    this.warnedOnce.add(key);
    this.warn(line, message);
  }

  private onLine(text: string, line: number): void {
    if (text.length > MAX_LINE)
      throw unreadable(
        this.fileName,
        line,
        `a line longer than ${MAX_LINE} characters: not a SWIFT statement`,
      );
    if (this.heldColon !== null) {
      this.heldColon = null;
      this.processLine(`:${text}`, line);
      return;
    }
    if (text === ':') {
      this.heldColon = line;
      return;
    }
    this.processLine(text, line);
  }

  private processLine(text: string, line: number): void {
    const first = text.charCodeAt(0);
    // `{` is not in the SWIFT x character set, so a line starting with it is the FIN envelope.
    if (first === 123 /* { */) {
      this.onEnvelope(text, line);
      return;
    }
    if (first === 45 /* - */ && isMessageEnd(text)) {
      this.endMessage();
      return;
    }
    const tag = first === 58 /* : */ ? tagOf(text) : null;
    if (tag !== null && (KNOWN_TAGS.has(tag) || this.tag !== '86')) {
      this.finishField();
      this.tag = tag;
      this.tagLine = line;
      this.fieldLines = [text.slice(tag.length + 2)];
      this.fieldCut = false;
      this.sawField = true;
      if (!KNOWN_TAGS.has(tag))
        this.warnOnce(`tag:${tag}`, line, `unknown field :${tag}: is not part of MT940/MT942; it is skipped`);
      return;
    }
    // A continuation line, a bank header or a stray line.
    if (this.tag !== null && (MULTI_LINE_TAGS.has(this.tag) || !KNOWN_TAGS.has(this.tag))) {
      if (this.fieldLines.length < MAX_FIELD_LINES) this.fieldLines.push(text);
      else if (!this.fieldCut) {
        this.fieldCut = true;
        this.warn(
          line,
          `field :${this.tag}: runs over more than ${MAX_FIELD_LINES} lines; the rest is left out`,
        );
      }
      return;
    }
    if (isBlank(text)) return;
    if (!this.sawField) {
      if (++this.preambleLines > MAX_PREAMBLE_LINES)
        throw unreadable(
          this.fileName,
          line,
          `${MAX_PREAMBLE_LINES} lines without an MT940/MT942 field: not a SWIFT statement`,
        );
    }
    if (this.tag === null) {
      // Bank headers before a message (ABN AMRO `940`, ING `940 00`) say which message type follows.
      if (text.startsWith('942')) this.setMt942();
      return;
    }
    this.warn(line, `line ignored: text after the one-line field :${this.tag}:`);
  }

  private onEnvelope(text: string, line: number): void {
    this.finishField();
    if (text.includes('{1:')) this.endMessage();
    const b2 = text.indexOf('{2:');
    // Block 2 is `I940…` (input) or `O940…` (output): the message type follows the direction letter.
    if (b2 >= 0 && text.slice(b2 + 4, b2 + 7) === '942') this.setMt942();
    const b4 = text.indexOf('{4:');
    if (b4 >= 0) {
      this.endMessage();
      const rest = text.slice(b4 + 3);
      if (rest !== '') this.processLine(rest, line);
    }
  }

  private setMt942(): void {
    if (this.announced942) return;
    this.announced942 = true;
    this.sink.format?.('mt942');
  }

  // ---- fields ----

  private finishField(): void {
    const tag = this.tag;
    if (tag === null) return;
    const lines = this.fieldLines;
    const line = this.tagLine;
    this.tag = null;
    this.fieldLines = [];
    if (tag !== '86') this.flushEntry();
    this.inMessage = true;
    this.messageFields++;
    switch (tag) {
      case '20':
        if (this.messageFields > 1) {
          // A new `:20:` without a `-` before it (Rabobank): the previous message ends here.
          this.endMessage();
          this.inMessage = true;
          this.messageFields = 1;
        }
        return;
      case '25':
        this.onAccount((lines[0] ?? '').trim(), line);
        return;
      case '28':
      case '28C':
        this.statementNumber = (lines[0] ?? '').trim() || null;
        return;
      case '60':
      case '60F':
      case '60M':
        this.onOpening(this.readBalance(tag, lines[0] ?? '', line));
        return;
      case '61':
        this.onStatementLine(lines, line);
        return;
      case '86':
        if (this.pending !== null) {
          // Rabobank writes several `:86:` fields for one statement line: they are one text.
          for (const l of lines) this.pending.details.push(l);
        }
        // Otherwise it is information about the whole statement (ING writes totals there): not an entry.
        return;
      case '62':
      case '62F':
      case '62M':
        this.onClosing(this.readBalance(tag, lines[0] ?? '', line));
        return;
      case '34F':
        this.onFloorLimit((lines[0] ?? '').trim());
        return;
      case '90D':
      case '90C':
        this.onTotals(tag, (lines[0] ?? '').trim(), line);
        return;
      default:
        // 13, 13D (date-time), 21, 25P, 64, 65 (available balances), NS, unknown tags.
        return;
    }
  }

  private onAccount(account: string, line: number): void {
    const s = this.statement;
    if (s?.emitted) {
      if (s.closing !== null) {
        // A statement without a closing `-` before the next account: the previous one is complete.
        this.finishStatement();
      } else {
        this.warn(
          line,
          `second account identification :25: ${account} inside the statement of account ${s.account || '(none)'}; it is ignored`,
        );
        return;
      }
    }
    this.account = account;
  }

  private currentStatement(line: number): StatementState {
    if (this.statement === null) {
      const account = this.account ?? '';
      if (account === '') this.warn(line, 'statement without account identification (:25:)');
      this.statement = {
        account,
        currency: this.floorCurrency,
        emitted: false,
        opening: null,
        closing: null,
        sum: 0n,
        entries: 0,
        digits: exponentOf(this.floorCurrency),
      };
    }
    return this.statement;
  }

  private emitStatement(s: StatementState): void {
    if (s.emitted) return;
    s.emitted = true;
    this.statements++;
    this.sink.statement({
      account: s.account,
      currency: s.currency,
      opening_balance: s.opening === null ? null : signed(s.opening),
      closing_balance: s.closing === null ? null : signed(s.closing),
    });
  }

  private onOpening(balance: Balance): void {
    const open = this.statement;
    if (open !== null && (open.opening !== null || open.entries > 0 || open.closing !== null)) {
      // A second opening balance starts the next statement of the same message.
      this.finishStatement();
    }
    const s = this.currentStatement(balance.line);
    s.opening = balance;
    if (balance.currency !== null) s.currency = balance.currency;
    s.digits = Math.max(s.digits, balance.digits);
    if (s.emitted) this.sink.balances({ opening_balance: signed(balance) });
    else this.emitStatement(s);
  }

  private onClosing(balance: Balance): void {
    const s = this.currentStatement(balance.line);
    if (s.closing !== null) {
      this.warn(
        balance.line,
        `second closing balance :${balance.tag}: in one statement; the first one is kept`,
      );
      return;
    }
    s.closing = balance;
    if (s.currency === null) s.currency = balance.currency;
    s.digits = Math.max(s.digits, balance.digits);
    if (s.emitted) this.sink.balances({ closing_balance: signed(balance) });
    else this.emitStatement(s);
  }

  private onFloorLimit(text: string): void {
    // `:34F:` is MT942's floor limit indicator: currency, optional D/C mark, amount (SWIFT MT942).
    this.setMt942();
    const currency = text.slice(0, 3);
    if (isCurrencyLetters(currency)) {
      this.floorCurrency = currency;
      if (this.statement !== null && this.statement.currency === null) this.statement.currency = currency;
    }
  }

  private onTotals(tag: '90D' | '90C', text: string, line: number): void {
    // `:90D:`/`:90C:` = number of entries (5n), currency (3!a), amount (15d) of the debit/credit entries.
    let i = 0;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    const count = i === 0 ? Number.NaN : Number(text.slice(0, i));
    const currency = text.slice(i, i + 3);
    const amount = isCurrencyLetters(currency) ? readAmount(text.slice(i + 3), currency) : null;
    if (Number.isNaN(count) || amount === null) {
      this.warn(
        line,
        `:${tag}: "${text}" is not a number of entries, a currency and an amount; it is not checked`,
      );
      return;
    }
    const totals = { count, scaled: amount.scaled, decimal: amount.decimal, line };
    if (tag === '90D') this.debitTotal = totals;
    else this.creditTotal = totals;
    this.messageDigits = Math.max(this.messageDigits, amount.digits);
  }

  /** Reads a balance field (`:60F:`, `:62F:` …): mark, date YYMMDD, currency, amount with a decimal comma. */
  private readBalance(tag: string, raw: string, line: number): Balance {
    const text = raw.trim();
    const mark = text[0];
    if (mark !== 'C' && mark !== 'D')
      throw unreadable(this.fileName, line, `balance :${tag}: "${text}" has no debit/credit mark (C or D)`);
    for (let i = 1; i < 7; i++) {
      if (!isDigit(text.charCodeAt(i)))
        throw unreadable(this.fileName, line, `balance :${tag}: "${text}" has no date (YYMMDD)`);
    }
    let currency: string | null = text.slice(7, 10);
    let amountText = text.slice(10);
    if (!isCurrencyLetters(currency)) {
      // Some exporters leave the currency out (`:62M:C020315105000,00`); the statement's currency applies.
      currency = null;
      amountText = text.slice(7);
      this.warn(line, `balance :${tag}: has no currency; the statement's currency is assumed`);
    }
    const effective = currency ?? this.statement?.currency ?? this.floorCurrency;
    const amount = readAmount(amountText, effective);
    if (amount === null)
      throw unreadable(this.fileName, line, `balance :${tag}: amount "${amountText}" is not an amount`);
    return { mark, currency: effective, ...amount, tag, line };
  }

  // ---- statement lines ----

  private onStatementLine(lines: string[], line: number): void {
    const first = lines[0] ?? '';
    let parsed = parseStatementLine(first);
    let supplementary = lines[1];
    if (typeof parsed === 'string' && lines.length > 1) {
      // Sparkasse exports may break the line after the mark (`…1126CR` / `30,00N062NONREF`).
      const joined = parseStatementLine(first + (lines[1] ?? ''));
      if (typeof joined !== 'string') {
        parsed = joined;
        supplementary = lines[2];
      }
    }
    if (typeof parsed === 'string') throw unreadable(this.fileName, line, `statement line :61: ${parsed}`);

    const s = this.currentStatement(line);
    this.emitStatement(s);
    const amount = readAmount(parsed.amount, s.currency);
    if (amount === null)
      throw unreadable(
        this.fileName,
        line,
        `statement line :61: amount "${parsed.amount}" is not an amount${s.currency ? ` in ${s.currency}` : ''}`,
      );

    const value = dateFromSwift(parsed.valueDate);
    const valueDate = value.date;
    if (value.problem !== null) this.warn(line, `statement line :61: value date ${value.problem}`);
    let bookingDate: string | null = null;
    if (parsed.entryDate !== null) {
      bookingDate = entryDateNear(parsed.entryDate, value.year, value.day);
      if (bookingDate === null)
        this.warn(line, `statement line :61: entry date ${parsed.entryDate} is not a date (MMDD)`);
    }

    // RC = reversal of a credit (a debit entry), RD = reversal of a debit (a credit entry) (SWIFT MT940 61/3).
    const direction: Direction = parsed.mark === 'C' || parsed.mark === 'RD' ? 'credit' : 'debit';
    const scaled = amount.scaled;
    s.sum += direction === 'credit' ? scaled : -scaled;
    s.entries++;
    s.digits = Math.max(s.digits, amount.digits);
    if (direction === 'credit') {
      this.creditCount++;
      this.creditSum += scaled;
    } else {
      this.debitCount++;
      this.debitSum += scaled;
    }
    this.messageDigits = Math.max(this.messageDigits, amount.digits);

    const customerReference = noRef(parsed.customerReference);
    const bankReference = noRef(parsed.bankReference);
    const typeCode = parsed.type;
    const entry: StatementEntry = {
      // Spec section 5: the account servicing institution's reference (after `//`), else the customer's.
      reference: bankReference ?? customerReference,
      booking_date: bookingDate,
      value_date: valueDate,
      amount: amount.decimal,
      direction,
      type_code: typeCode,
      counterparty_name: null,
      counterparty_account: null,
      end_to_end_id: null,
      // SWIFT: for transaction type CHK the reference for the account owner is the cheque number.
      check_number:
        typeCode !== null && typeCode.slice(1) === 'CHK' && /\d/.test(customerReference ?? '')
          ? customerReference
          : null,
      customer_reference: customerReference,
      remittance_text: null,
      return_reason: null,
      reversal: parsed.mark === 'RC' || parsed.mark === 'RD',
      line,
    };
    const extra = [parsed.extra, supplementary].filter((x): x is string => x != null && x.trim() !== '');
    this.pending = { entry, supplementary: extra.length > 0 ? collapse(extra.join(' ')) : null, details: [] };
  }

  private flushEntry(): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    const entry = p.entry;
    if (p.details.length > 0) {
      const d = readDetails(p.details);
      entry.counterparty_name = d.name;
      entry.counterparty_account = d.account;
      entry.end_to_end_id = d.endToEnd;
      entry.remittance_text = d.remittance;
      entry.return_reason = d.returnReason;
      if (entry.customer_reference === null && d.customerRef !== null) {
        entry.customer_reference = d.customerRef;
        entry.reference ??= d.customerRef;
      }
    } else {
      entry.remittance_text = p.supplementary;
    }
    // Rabobank and ASN put the counterparty's IBAN in the supplementary details of `:61:`.
    if (entry.counterparty_account === null && p.supplementary !== null && isIban(p.supplementary))
      entry.counterparty_account = p.supplementary;
    this.sink.entry(entry);
  }

  // ---- message and statement ends ----

  private finishStatement(): void {
    const s = this.statement;
    if (s === null) return;
    this.statement = null;
    if (!s.emitted) return;
    const { opening, closing } = s;
    if (opening === null || closing === null) return;
    if (opening.currency !== null && closing.currency !== null && opening.currency !== closing.currency) {
      this.warn(
        closing.line,
        `closing balance :${closing.tag}: is in ${closing.currency} but the opening balance in ${opening.currency}; the statement is not checked`,
      );
      return;
    }
    const open = opening.mark === 'D' ? -opening.scaled : opening.scaled;
    const close = closing.mark === 'D' ? -closing.scaled : closing.scaled;
    const computed = open + s.sum;
    if (computed !== close) {
      this.warn(
        closing.line,
        `closing balance :${closing.tag}: ${formatScaled(close, s.digits)} of account ${s.account || '(none)'}` +
          `${this.statementNumber ? ` statement ${this.statementNumber}` : ''} differs from the opening balance ` +
          `${formatScaled(open, s.digits)} plus its ${s.entries} entries (${formatScaled(s.sum, s.digits)}): ` +
          `${formatScaled(computed, s.digits)}`,
      );
    }
  }

  private endMessage(): void {
    this.finishField();
    this.flushEntry();
    if (!this.inMessage) return;
    if (this.statement === null && this.account !== null && this.account !== '') {
      // A message with an account but neither balances nor entries still reports that account.
      this.emitStatement(this.currentStatement(this.tagLine));
    }
    this.finishStatement();
    this.checkTotals('90D', 'debit', this.debitTotal, this.debitCount, this.debitSum);
    this.checkTotals('90C', 'credit', this.creditTotal, this.creditCount, this.creditSum);
    this.inMessage = false;
    this.messageFields = 0;
    this.account = null;
    this.statementNumber = null;
    this.floorCurrency = null;
    this.debitTotal = null;
    this.creditTotal = null;
    this.debitCount = 0;
    this.debitSum = 0n;
    this.creditCount = 0;
    this.creditSum = 0n;
    this.messageDigits = 2;
  }

  private checkTotals(tag: string, kind: string, stated: Totals | null, count: number, sum: bigint): void {
    if (stated === null) return;
    if (stated.count !== count)
      this.warn(
        stated.line,
        `number of ${kind} entries :${tag}: ${stated.count} differs from the ${kind} entries of the message: ${count}`,
      );
    if (stated.scaled !== sum)
      this.warn(
        stated.line,
        `sum of ${kind} entries :${tag}: ${stated.decimal} differs from the sum of the ${kind} entries of the message: ` +
          formatScaled(sum, this.messageDigits),
      );
  }
}

// ---- pure helpers ----

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Spaces, tabs and the control characters SWIFT transmissions wrap messages in (SOH, ETX).
    if (c > 32 && c !== 127) return false;
  }
  return true;
}

function isCurrencyLetters(s: string): boolean {
  return s.length === 3 && isUpper(s.charCodeAt(0)) && isUpper(s.charCodeAt(1)) && isUpper(s.charCodeAt(2));
}

/** `:20:` → `20`, `:60F:` → `60F`, `:NS:` → `NS`; null when the line does not start with a tag. */
function tagOf(text: string): string | null {
  const a = text.charCodeAt(1);
  const b = text.charCodeAt(2);
  if (isDigit(a) && isDigit(b)) {
    const c = text.charCodeAt(3);
    if (c === 58 /* : */) return text.slice(1, 3);
    if (isUpper(c) && text.charCodeAt(4) === 58) return text.slice(1, 4);
    return null;
  }
  if (a === 78 /* N */ && b === 83 /* S */ && text.charCodeAt(3) === 58) return 'NS';
  return null;
}

/** `-`, `-}`, `-}{5:…}`, ING's `-XXX`, with trailing control characters (ETX) or spaces. */
function isMessageEnd(text: string): boolean {
  let rest = text.slice(1);
  if (rest.startsWith('}')) return true;
  if (rest.startsWith('XXX')) rest = rest.slice(3);
  return isBlank(rest);
}

interface StatementLine {
  valueDate: string;
  entryDate: string | null;
  mark: 'C' | 'D' | 'RC' | 'RD';
  amount: string;
  type: string | null;
  customerReference: string | null;
  bankReference: string | null;
  /** Text after a customer reference longer than its 16 characters (Rabobank writes the name there). */
  extra: string | null;
}

/**
 * The first line of `:61:` (SWIFT MT940 field 61): value date 6!n, [entry date 4!n], mark 2a
 * (C, D, RC, RD), [funds code 1!a], amount 15d, transaction type 1!a3!c, customer reference 16x,
 * [//bank reference 16x]. Returns a message when the line cannot be read.
 */
export function parseStatementLine(s: string): StatementLine | string {
  const n = s.length;
  for (let k = 0; k < 6; k++) {
    if (!isDigit(s.charCodeAt(k))) return `"${s}" does not start with a value date (YYMMDD)`;
  }
  let i = 6;
  let entryDate: string | null = null;
  if (isDigit(s.charCodeAt(6))) {
    for (let k = 7; k < 10; k++) {
      if (!isDigit(s.charCodeAt(k))) return `"${s}" has an incomplete entry date (MMDD)`;
    }
    entryDate = s.slice(6, 10);
    i = 10;
  }
  let mark: StatementLine['mark'];
  const m = s[i];
  if (m === 'R' && (s[i + 1] === 'C' || s[i + 1] === 'D')) {
    mark = s[i + 1] === 'C' ? 'RC' : 'RD';
    i += 2;
  } else if (m === 'C' || m === 'D') {
    mark = m;
    i += 1;
  } else {
    return `"${s}" has no debit/credit mark (C, D, RC or RD)`;
  }
  // The funds code is the third letter of the currency code (`CR` for EUR, `CN` for PLN).
  if (isUpper(s.charCodeAt(i))) i++;
  const start = i;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (!isDigit(c) && c !== 44 /* , */) break;
    i++;
  }
  if (i === start) return `"${s}" has no amount`;
  const amount = s.slice(start, i);
  let type: string | null = null;
  if (i < n && isUpper(s.charCodeAt(i))) {
    type = s.slice(i, i + 4).trimEnd();
    i += 4;
  }
  const rest = s.slice(Math.min(i, n));
  const slashes = rest.indexOf('//');
  let customer = slashes >= 0 ? rest.slice(0, slashes) : rest;
  let extra: string | null = null;
  if (slashes < 0 && customer.length > 16) {
    extra = customer.slice(16);
    customer = customer.slice(0, 16);
  }
  return {
    valueDate: s.slice(0, 6),
    entryDate,
    mark,
    amount,
    type,
    customerReference: customer.trim() || null,
    bankReference: slashes >= 0 ? rest.slice(slashes + 2).trim() || null : null,
    extra: extra?.trim() || null,
  };
}

/**
 * `NONREF` is SWIFT's "no reference" (field 61, subfield 7). Rabobank writes `EREF`, `MARF` or `PREF`
 * and German banks `KREF+` to say that the reference is in `:86:` under that key: no reference here.
 */
const NO_REFERENCE = new Set(['NONREF', 'EREF', 'MARF', 'PREF', 'KREF+']);

function noRef(ref: string | null): string | null {
  return ref === null || NO_REFERENCE.has(ref) ? null : ref;
}

interface Amount {
  /** Canonical decimal string (spec section 4). */
  decimal: string;
  /** The amount times 10^SCALE, for exact sums. */
  scaled: bigint;
  /** Decimals in `decimal`. */
  digits: number;
}

const POWERS = Array.from({ length: SCALE + 1 }, (_, k) => 10n ** BigInt(k));

/**
 * Reads a SWIFT amount (15d: digits with a decimal comma, `1234,5`, `500,`, `500`) with the currency's
 * minor digits (ISO 4217; for a currency it does not list, as many as written and at least two).
 * Returns null when the text is not such an amount or has more non-zero decimals than the currency
 * allows. The rules of `normalizeDecimal`, without its regular expression: this runs once per entry.
 */
export function readAmount(raw: string, currency: string | null): Amount | null {
  const text = raw.trim();
  const n = text.length;
  let comma = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 /* , */) {
      if (comma >= 0) return null;
      comma = i;
    } else if (!isDigit(c)) return null;
  }
  let whole = comma < 0 ? text : text.slice(0, comma);
  let fraction = comma < 0 ? '' : text.slice(comma + 1);
  if (whole === '' && fraction === '') return null;
  let significant = fraction.length;
  while (significant > 0 && fraction.charCodeAt(significant - 1) === 48 /* 0 */) significant--;
  const digits =
    currency !== null && isCurrencyCode(currency) ? minorUnits(currency) : Math.max(2, significant);
  if (significant > digits || digits > SCALE) return null;
  fraction = fraction.length > digits ? fraction.slice(0, digits) : fraction.padEnd(digits, '0');
  let lead = 0;
  while (lead < whole.length - 1 && whole.charCodeAt(lead) === 48) lead++;
  whole = whole === '' ? '0' : whole.slice(lead);
  const scaled = BigInt(whole + fraction) * (POWERS[SCALE - digits] as bigint);
  return { decimal: digits === 0 ? whole : `${whole}.${fraction}`, scaled, digits };
}

function signed(b: Balance): string {
  return b.mark === 'D' && b.scaled !== 0n ? `-${b.decimal}` : b.decimal;
}

/** A sum kept at SCALE decimals, printed with at least `digits` decimals and as many more as it needs. */
function formatScaled(value: bigint, digits: number): string {
  const negative = value < 0n;
  const s = (negative ? -value : value).toString().padStart(SCALE + 1, '0');
  let fraction = s.slice(-SCALE);
  while (fraction.length > digits && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  const whole = s.slice(0, -SCALE);
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

const NEEDS_COLLAPSE = /\s\s|^\s|\s$|[\t\n\r\f\v\u00a0]/;

/** Runs of white space to one space, trimmed (most texts need nothing, so test before replacing). */
function collapse(text: string): string {
  return NEEDS_COLLAPSE.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
}

// ---- dates ----

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function iso(year: number, month: number, day: number): string {
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/**
 * A SWIFT date YYMMDD. Years 80–99 are read as 19xx, the rest as 20xx. German banks compute value
 * dates on 30-day months and write `160230`; such a day is moved to the month's last day.
 */
function dateFromSwift(yymmdd: string): {
  date: string | null;
  year: number;
  day: number | null;
  problem: string | null;
} {
  const yy = twoDigits(yymmdd, 0);
  const year = yy >= 80 ? 1900 + yy : 2000 + yy;
  const month = twoDigits(yymmdd, 2);
  let day = twoDigits(yymmdd, 4);
  if (month < 1 || month > 12 || day < 1 || day > 31)
    return { date: null, year, day: null, problem: `${yymmdd} is not a date (YYMMDD)` };
  const last = daysIn(year, month);
  let problem: string | null = null;
  if (day > last) {
    day = last;
    problem = `${yymmdd} is not a calendar date; read as ${iso(year, month, last)}`;
  }
  return { date: iso(year, month, day), year, day: dayNumber(year, month, day), problem };
}

function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;
}

/**
 * The entry (booking) date MMDD carries no year: it is the year, of the value date's year and the
 * ones either side, that puts it nearest the value date (a booking on 12-31 of a value date 01-02
 * belongs to the year before).
 */
function entryDateNear(mmdd: string, valueYear: number, valueDay: number | null): string | null {
  const month = twoDigits(mmdd, 0);
  const day = twoDigits(mmdd, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const anchor = valueDay ?? dayNumber(valueYear, 7, 1);
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  // The value date's own year first: most entries are booked within days of their value date.
  for (const year of [valueYear, valueYear - 1, valueYear + 1]) {
    if (day > daysIn(year, month)) continue;
    const distance = Math.abs(dayNumber(year, month, day) - anchor);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = iso(year, month, day);
      if (distance <= 182) break;
    }
  }
  return best;
}

// ---- :86: information to the account owner ----

interface Details {
  /** The customer reference of German SEPA details (`KREF+`). */
  customerRef: string | null;
  name: string | null;
  account: string | null;
  endToEnd: string | null;
  remittance: string | null;
  returnReason: string | null;
}

const NO_DETAILS: Details = {
  customerRef: null,
  name: null,
  account: null,
  endToEnd: null,
  remittance: null,
  returnReason: null,
};

function noSpaces(text: string): string {
  return text.includes(' ') ? text.replace(/\s+/g, '') : text;
}

function isIban(text: string): boolean {
  return /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(text);
}

/** Reads `:86:` in the structured forms banks use, else as free text. */
export function readDetails(lines: string[]): Details {
  const first = (lines[0] ?? '').trimStart();
  // German banks (DFÜ-Abkommen, Anlage 3): a 3-digit business transaction code (GVC), then `?NN` sub-fields.
  if (/^\d{3}\?\d\d/.test(first)) return readGermanDetails(lines.join('').trimStart());
  if (first.startsWith('/')) {
    // Rabobank cuts `/KEY/` text at 64 characters, mid-word (`CONTRA ACCOUN` / `T HOLDER`).
    const dutch = readSlashDetails(joinWrapped(lines, 64));
    if (dutch !== null) return dutch;
  }
  const joined = joinWrapped(lines, 65);
  const text = collapse(joined);
  return { ...NO_DETAILS, remittance: text === '' ? null : text };
}

/**
 * Joins wrapped lines of free or `/KEY/` text. SWIFT cuts `:86:` after 65 characters wherever that
 * falls, so a full line continues the word; a shorter line ended where its writer broke the text
 * (ABN AMRO writes columns of 64). A line is the text after the tag on the first line.
 */
function joinWrapped(lines: string[], width: number): string {
  let out = lines[0] ?? '';
  for (let k = 1; k < lines.length; k++) {
    const prev = lines[k - 1] ?? '';
    const next = lines[k] ?? '';
    if (prev.length >= width && prev.charCodeAt(prev.length - 1) > 32) out += next;
    else out = `${out.trimEnd()} ${next.trimStart()}`;
  }
  return out;
}

/** SEPA keywords in the German purpose sub-fields (DK, SEPA-Belegungsregeln MT940), each followed by `+`. */
const SEPA_KEYWORDS = new Set([
  'EREF',
  'KREF',
  'MREF',
  'CRED',
  'DEBT',
  'SVWZ',
  'ABWA',
  'ABWE',
  'IBAN',
  'PURP',
  'COAM',
  'OAMT',
  'SQTP',
]);

/** `EREF+e2e SVWZ+text` → EREF → `e2e`, SVWZ → `text` (the first of each keyword counts). */
function sepaKeywords(purpose: string): Map<string, string> {
  const found: { key: string; at: number; start: number }[] = [];
  let plus = purpose.indexOf('+');
  while (plus >= 0) {
    const four = plus >= 4 ? purpose.slice(plus - 4, plus) : '';
    if (SEPA_KEYWORDS.has(four)) found.push({ key: four, at: plus - 4, start: plus + 1 });
    else if (plus >= 3 && purpose.slice(plus - 3, plus) === 'BIC')
      found.push({ key: 'BIC', at: plus - 3, start: plus + 1 });
    plus = purpose.indexOf('+', plus + 1);
  }
  const keywords = new Map<string, string>();
  for (let k = 0; k < found.length; k++) {
    const f = found[k] as (typeof found)[number];
    const end = found[k + 1]?.at ?? purpose.length;
    if (!keywords.has(f.key)) keywords.set(f.key, purpose.slice(f.start, Math.max(f.start, end)).trim());
  }
  return keywords;
}

/**
 * GVCs whose `?34` carries the SEPA return reason as a 3-digit code (9xx): 109 direct debit returned,
 * 159 credit transfer returned. Other GVCs use `?34` for other things (sequence types of GVC 105).
 */
const RETURN_GVC = new Set(['109', '159']);

function readGermanDetails(text: string): Details {
  const gvc = text.slice(0, 3);
  const sub = new Map<number, string>();
  let purpose = '';
  let more = '';
  let name = '';
  // Sub-fields are `?` and two digits; a `?` not followed by two digits is text.
  let code = -1;
  let start = 0;
  let at = text.indexOf('?');
  while (code >= 0 || at >= 0) {
    while (at >= 0 && !(isDigit(text.charCodeAt(at + 1)) && isDigit(text.charCodeAt(at + 2))))
      at = text.indexOf('?', at + 1);
    const end = at < 0 ? text.length : at;
    if (code >= 0) {
      const value = text.slice(start, end);
      // ?20–?29 are the purpose (Verwendungszweck), ?60–?63 its continuation, ?32–?33 the name: each
      // sub-field continues the one before it without a separator (27 characters each).
      if (code >= 20 && code <= 29) purpose += value;
      else if (code >= 60 && code <= 63) more += value;
      else if (code === 32 || code === 33) name += value;
      else if (!sub.has(code)) sub.set(code, value);
    }
    if (at < 0) break;
    code = twoDigits(text, at + 1);
    start = at + 3;
    at = text.indexOf('?', start);
  }
  const keywords = sepaKeywords(purpose);

  const blz = (sub.get(30) ?? '').trim();
  const accountNumber = noSpaces(sub.get(31) ?? '');
  let account: string | null = null;
  if (accountNumber !== '') {
    if (isIban(accountNumber)) account = accountNumber;
    else if (/^\d{8}$/.test(blz)) account = `${blz}:${accountNumber}`;
    else account = accountNumber;
  } else {
    const iban = noSpaces(keywords.get('IBAN') ?? '');
    if (iban) account = iban;
  }

  const eref = keywords.get('EREF');
  const svwz = keywords.get('SVWZ');
  const remittance = collapse(`${svwz ?? purpose} ${more}`);
  const reason = (sub.get(34) ?? '').trim();
  return {
    customerRef: keywords.get('KREF') || null,
    name: collapse(name) || null,
    account,
    endToEnd: eref && eref !== 'NOTPROVIDED' ? eref : null,
    remittance: remittance === '' ? null : remittance,
    returnReason: RETURN_GVC.has(gvc) && /^9\d\d$/.test(reason) ? reason : null,
  };
}

/**
 * `/KEY/value` sub-fields of Dutch banks (ABN AMRO, ING, Rabobank, Knab, Triodos SEPA layouts). Only
 * these keys separate values, so a `/` inside a name or remittance text stays text.
 */
const SLASH_KEYS = new Set([
  'TRTP',
  'IBAN',
  'BIC',
  'NAME',
  'REMI',
  'EREF',
  'MARF',
  'CSID',
  'ORDP',
  'BENM',
  'ADDR',
  'ISDT',
  'CNTP',
  'PREF',
  'RTRN',
  'ULTC',
  'ULTD',
  'ULTB',
  'PURP',
  'SVCL',
  'BBAN',
  'CDTRREFTP',
  'CDTRREF',
  'USTD',
  'STRD',
  'NRTX',
  'EXCH',
  'OCMT',
  'CHGS',
  'RTYP',
  'ACCW',
  'BUSP',
]);

function readSlashDetails(text: string): Details | null {
  const values = new Map<string, string>();
  let key: string | null = null;
  let valueStart = 0;
  let i = 0;
  // Each `/` may open a key; a key's closing `/` may open the next key (`/REMI/USTD//text/`, `/BENM//NAME/…`).
  while (i >= 0) {
    const j = text.indexOf('/', i + 1);
    if (j < 0) break;
    // Keys are 2 to 9 capital letters: look them up only then.
    const candidate =
      j - i >= 3 && j - i <= 10 && isUpper(text.charCodeAt(i + 1)) ? text.slice(i + 1, j) : '';
    if (SLASH_KEYS.has(candidate)) {
      if (key === null && i !== 0) return null;
      if (key !== null && !values.has(key))
        values.set(key, text.slice(valueStart, Math.max(valueStart, i)).trim());
      key = candidate;
      valueStart = j + 1;
    } else if (key === null) return null;
    i = j;
  }
  if (key === null) return null;
  if (!values.has(key)) values.set(key, text.slice(valueStart).replace(/\/+$/, '').trim());
  const cntp = values.get('CNTP')?.split('/');
  const account =
    noSpaces(values.get('IBAN') ?? '') || cntp?.[0]?.trim() || values.get('BBAN')?.trim() || null;
  const name = values.get('NAME') || cntp?.[2]?.trim() || null;
  let remittance = values.get('REMI') ?? '';
  // ING: `/REMI/USTD//text/` (unstructured) or `/REMI/STRD/CUR/reference/` (structured creditor reference).
  if (remittance === '') remittance = values.get('USTD') ?? '';
  if (remittance === '') remittance = (values.get('STRD') ?? '').replace(/^(CUR|ISO)\//, '');
  if (remittance === '') remittance = values.get('CDTRREF') ?? '';
  if (remittance.startsWith('/') || remittance.endsWith('/'))
    remittance = remittance.replace(/^\/+|\/+$/g, '');
  remittance = collapse(remittance);
  const eref = values.get('EREF');
  return {
    customerRef: null,
    name: name ? collapse(name) : null,
    account,
    endToEnd: eref && eref !== 'NOTPROVIDED' ? eref : null,
    remittance: remittance === '' ? null : remittance,
    returnReason: values.get('RTRN') || null,
  };
}
