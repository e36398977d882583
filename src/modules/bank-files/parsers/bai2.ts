import { isCurrencyCode } from '../../../core/currency.ts';
import { decimalFromMinor, exponentOf } from '../amounts.ts';
import { unreadable } from '../bank-files.errors.ts';
import { LineSplitter } from '../lines.ts';
import type { Direction, FormatParser, ParserFactory, ParserOptions, ParseSink } from '../model.ts';
import { type Bai2TypeCode, lookupBai2TypeCode } from './bai2-type-codes.ts';

/**
 * BAI2 (BAI "Cash Management Balance Reporting Specifications, Version 2", now X9 BTRS) as a push
 * parser. Records are comma-separated fields ended by `/`:
 *
 *   01 file header (version in field 9)       02 group header (as-of date, currency)
 *   03 account identifier and summary         16 transaction detail
 *   88 continuation of the record before it   49 account trailer (control total, record count)
 *   98 group trailer                          99 file trailer
 *
 * Each 03 becomes a statement (opening balance = type 010 opening ledger, closing = 015 closing ledger)
 * and each 16 an entry, emitted as soon as the record (with its 88 continuations) is complete. The
 * controls of the 49, 98 and 99 trailers are checked and a mismatch is a warning naming the control,
 * the stated and the computed value.
 *
 * Real files bend the specification; the quirks read here, each seen in real bank files:
 *  - several records on one physical line, separated by `/` and spaces (fixed-length 80-column records
 *    written without line breaks between some of them);
 *  - 16 and 88 records without the ending `/` (Goldman Sachs), and a 16 whose text wraps onto a physical
 *    line that does not start with a record type: that line continues the text;
 *  - `/` inside the bank or customer reference and inside text: only a `/` at the end of the line, or
 *    followed by spaces and the next record, ends a 16 record;
 *  - blank amounts in 49 trailers (nothing to check then), `+` signs and leading zeros on amounts;
 *  - bank tags at the start of 88 lines (`DBNM:`, `DACT:`, `DABA:`, `CRNM:`, `CACT:`, `CABA:`, `EREF:`,
 *    `CHKN:`, Goldman Sachs), read for the counterparty, the end-to-end id and the check number.
 *
 * A file that cannot be read at all throws `bank_files.unreadable`: not BAI2 (no 01 first), an unknown
 * record type, a transaction outside an account, an amount that is not a number, a type code that is
 * not three digits. A missing trailer or a control mismatch is a warning: what was read is reported.
 */
export const createBai2Parser: ParserFactory = (sink, options) => new Bai2Parser(sink, options);

const COMMA = 44;

/** Record types of BAI2; any other two digits at the start of a record make the file unreadable. */
function isRecordType(code: number): boolean {
  return (
    code === 1 ||
    code === 2 ||
    code === 3 ||
    code === 16 ||
    code === 49 ||
    code === 88 ||
    code === 98 ||
    code === 99
  );
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** The two-digit record type at `p` when it is followed by a comma, else -1. */
function recordTypeAt(s: string, p: number): number {
  if (p + 2 >= s.length || s.charCodeAt(p + 2) !== COMMA) return -1;
  const a = s.charCodeAt(p) - 48;
  const b = s.charCodeAt(p + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `trim()` only when an end is white space: most fields have none, and this is the hot path. */
function clean(text: string): string {
  const n = text.length;
  if (n === 0) return text;
  const a = text.charCodeAt(0);
  const b = text.charCodeAt(n - 1);
  return a <= 32 || b <= 32 ? text.trim() : text;
}

/**
 * An amount field: optional sign, digits (minor units of the account's currency). Null when blank;
 * undefined when it is not a number.
 */
function parseMinor(text: string): bigint | null | undefined {
  const t = clean(text);
  if (t === '') return null;
  const c = t.charCodeAt(0);
  const signed = c === 43 || c === 45;
  const digits = signed ? t.slice(1) : t;
  if (!isDigits(digits)) return undefined;
  const v = BigInt(digits);
  return c === 45 ? -v : v;
}

/**
 * Unsigned minor-unit digits as a canonical decimal string (`"000001500", 2` → `"15.00"`), the same
 * result as `decimalFromMinor(BigInt(digits), exponent)` without the round trip through a bigint.
 */
export function decimalFromDigits(digits: string, exponent: number): string {
  let i = 0;
  const n = digits.length;
  while (i < n - 1 && digits.charCodeAt(i) === 48) i++;
  let d = i === 0 ? digits : digits.slice(i);
  if (exponent === 0) return d;
  if (d.length <= exponent) d = d.padStart(exponent + 1, '0');
  return `${d.slice(0, d.length - exponent)}.${d.slice(d.length - exponent)}`;
}

/** A count field (record count, number of accounts): digits, or null when blank or not a number. */
function parseCount(text: string): number | null {
  const t = text.trim();
  return isDigits(t) ? Number(t) : null;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * YYMMDD to `YYYY-MM-DD`, or null. BAI2 writes two-digit years; 00–79 are read as 2000–2079 and
 * 80–99 as 1980–1999 (BAI2 was published in 1987).
 */
export function dateFromYymmdd(text: string): string | null {
  const t = text.trim();
  if (t.length !== 6 || !isDigits(t)) return null;
  const yy = Number(t.slice(0, 2));
  const mm = Number(t.slice(2, 4));
  const dd = Number(t.slice(4, 6));
  const year = yy < 80 ? 2000 + yy : 1900 + yy;
  if (mm < 1 || mm > 12 || dd < 1) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const max = mm === 2 && !leap ? 28 : (DAYS_IN_MONTH[mm - 1] ?? 0);
  if (dd > max) return null;
  return `${year}-${t.slice(2, 4)}-${t.slice(4, 6)}`;
}

/** How many fields follow a funds type (BAI2 section on funds types): S three, V two, D 1 + 2n. */
function extraFieldsOf(fundsType: string): number | null {
  switch (fundsType) {
    case '':
    case '0':
    case '1':
    case '2':
    case 'Z':
      return 0;
    case 'S':
      return 3;
    case 'V':
      return 2;
    case 'D':
      return 1;
    default:
      return null;
  }
}

interface AccountState {
  number: string;
  line: number;
  currency: string;
  exponent: number;
  opening: string | null;
  closing: string | null;
  /** Sum of every amount of the 03 and 16 records, as the 49 control total adds them. */
  computed: bigint;
  records: number;
  /** Summary-field state across 03 and its 88 continuations. */
  field: number;
  summaryType: string;
  extras: number;
  distribution: boolean;
}

/** Bank tags of 88 lines that this parser reads (Goldman Sachs BAI2). */
type Tag = 'EREF' | 'DBNM' | 'DACT' | 'DABA' | 'CRNM' | 'CACT' | 'CABA' | 'CHKN';
const TAGS: ReadonlySet<string> = new Set<Tag>([
  'EREF',
  'DBNM',
  'DACT',
  'DABA',
  'CRNM',
  'CACT',
  'CABA',
  'CHKN',
]);

interface DetailState {
  line: number;
  /** Fixed-field position: 0 type, 1 amount, 2 funds type, 3 extras, 4 bank ref, 5 customer ref, 6 text. */
  field: number;
  typeCode: string;
  type: Bai2TypeCode | null;
  /** The amount's digits as written (minor units, unsigned) and its sign. */
  digits: string;
  negative: boolean;
  fundsType: string;
  extras: number;
  extraIndex: number;
  valueDate: string;
  bankRef: string;
  customerRef: string;
  text: string[];
  tags: Partial<Record<Tag, string>> | null;
}

type Current = 0 | 1 | 2 | 3 | 16 | 49 | 98 | 99;

class Bai2Parser implements FormatParser {
  private readonly file: string;
  private readonly splitter: LineSplitter;
  private line = 0;
  private sawRecord = false;

  // Nesting: file (01…99) > group (02…98) > account (03…49).
  private fileOpen = false;
  private fileEnded = false;
  private fileLine = 0;
  private fileRecords = 0;
  private fileGroups = 0;
  private fileSum = 0n;

  private groupOpen = false;
  private groupLine = 0;
  private groupRecords = 0;
  private groupAccounts = 0;
  private groupSum = 0n;
  private groupCurrency = '';
  private groupDate: string | null = null;

  private account: AccountState | null = null;
  private detail: DetailState | null = null;

  /** The record that an 88 would continue, and whether its last segment ended without `/`. */
  private current: Current = 0;
  private open = false;

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
    this.finishRecord();
    if (!this.sawRecord) throw unreadable(this.file, null, 'not a BAI2 file: it has no records');
    if (this.fileOpen) {
      const line = this.line;
      if (this.account !== null) this.closeAccountUnended(line, 'the file ends');
      if (this.groupOpen) this.closeGroupUnended(line, 'the file ends');
      this.warn(line, `the file ends without a 99 file trailer (file header on line ${this.fileLine})`);
      this.fileOpen = false;
    }
  }

  private warn(line: number | null, message: string): void {
    this.sink.warning({ line, message });
  }

  private fail(line: number, message: string): never {
    throw unreadable(this.file, line, message);
  }

  // ---- physical lines and record boundaries ----

  private onLine(text: string, line: number): void {
    this.line = line;
    const n = text.length;
    let p = 0;
    while (p < n && isSpace(text.charCodeAt(p))) p++;
    if (p === n) return; // blank lines are not records
    const type = recordTypeAt(text, p);
    if (type < 0 || !isRecordType(type)) {
      this.wrappedLine(text, p, type, line);
      return;
    }
    while (p < n) {
      const t = recordTypeAt(text, p);
      if (t < 0 || !isRecordType(t)) {
        this.warn(
          line,
          `text after the end of the ${pad(this.current)} record ignored: "${text.slice(p).trim()}"`,
        );
        return;
      }
      p = this.record(t, text, p + 3, line);
      while (p < n && isSpace(text.charCodeAt(p))) p++;
    }
  }

  /** A physical line that does not start with a record type: the text of a 16 wrapped onto it. */
  private wrappedLine(text: string, p: number, type: number, line: number): void {
    if (!this.sawRecord) {
      if (type >= 0)
        this.fail(line, `not a BAI2 file: unknown record type ${pad(type)} where the 01 file header belongs`);
      this.fail(
        line,
        `not a BAI2 file: it begins with "${text.slice(p, p + 20).trim()}", not a 01 file header`,
      );
    }
    if (this.current === 16 && this.detail !== null) {
      if (!this.open) {
        this.warn(
          line,
          'a line that does not start with a record type is read as text continuing the 16 record',
        );
      }
      this.scanDetail(text, p);
      return;
    }
    if (type >= 0) this.fail(line, `unknown record type ${text.slice(p, p + 2)}`);
    this.fail(
      line,
      `expected a BAI2 record type (01, 02, 03, 16, 49, 88, 98 or 99), found "${text.slice(p, p + 20).trim()}"`,
    );
  }

  /** Reads one record starting at `p` (after `NN,`); returns where the next record may start. */
  private record(type: number, s: string, p: number, line: number): number {
    if (!this.sawRecord && type !== 1) {
      this.fail(line, `not a BAI2 file: the first record is ${pad(type)}, not a 01 file header`);
    }
    this.sawRecord = true;
    if (type === 88) return this.continuation(s, p, line);
    this.finishRecord();
    if (this.fileEnded && type !== 1) this.fail(line, `record ${pad(type)} after the 99 file trailer`);
    if (type === 16) return this.beginDetail(s, p, line);
    const end = this.recordEnd(s, p);
    const fields = s.slice(p, end).split(',');
    switch (type) {
      case 1:
        this.fileHeader(fields, line);
        break;
      case 2:
        this.groupHeader(fields, line);
        break;
      case 3:
        this.accountHeader(fields, line);
        break;
      case 49:
        this.accountTrailer(fields, line);
        break;
      case 98:
        this.groupTrailer(fields, line);
        break;
      default:
        this.fileTrailer(fields, line);
    }
    return end < s.length ? end + 1 : end;
  }

  /** A record other than 16 ends at its first `/` (or at the end of the line). */
  private recordEnd(s: string, p: number): number {
    const slash = s.indexOf('/', p);
    this.open = slash < 0;
    return slash < 0 ? s.length : slash;
  }

  private countRecord(): void {
    if (this.fileOpen) this.fileRecords++;
    if (this.groupOpen) this.groupRecords++;
    if (this.account !== null) this.account.records++;
  }

  private continuation(s: string, p: number, line: number): number {
    this.countRecord();
    if (this.current === 16 && this.detail !== null) return this.scanDetail(s, p);
    const end = this.recordEnd(s, p);
    if (this.current === 3 && this.account !== null) {
      for (const f of s.slice(p, end).split(',')) this.summaryField(f, line);
    } else {
      this.warn(
        line,
        `continuation record 88 after a ${this.current === 0 ? 'missing' : pad(this.current)} record ignored`,
      );
    }
    return end < s.length ? end + 1 : end;
  }

  /** Completes the record an 88 could still continue: emits the statement (03) or the entry (16). */
  private finishRecord(): void {
    if (this.current === 3 && this.account !== null) {
      const a = this.account;
      this.sink.statement({
        account: a.number,
        currency: a.currency,
        opening_balance: a.opening,
        closing_balance: a.closing,
      });
    } else if (this.current === 16 && this.detail !== null) {
      this.emitDetail(this.detail);
      this.detail = null;
    }
    this.current = 0;
  }

  // ---- 01 / 99 file ----

  private fileHeader(fields: string[], line: number): void {
    if (this.fileOpen) {
      if (this.account !== null) this.closeAccountUnended(line, 'a new 01 file header begins');
      if (this.groupOpen) this.closeGroupUnended(line, 'a new 01 file header begins');
      this.warn(line, `the file on line ${this.fileLine} has no 99 file trailer before the 01 file header`);
    }
    this.fileOpen = true;
    this.fileEnded = false;
    this.fileLine = line;
    this.fileRecords = 1;
    this.fileGroups = 0;
    this.fileSum = 0n;
    this.current = 1;
    // Field 9 is the version number; only version 2 is read (version 1 and 3 lay fields out otherwise).
    const version = (fields[7] ?? '').trim();
    this.sink.version(version === '' ? null : version);
    if (version === '') this.warn(line, '01 file header has no version number; read as BAI version 2');
    else if (version !== '2') this.warn(line, `BAI version ${version} is not 2; read as version 2`);
  }

  // A 99 always closes an open file: a record after a 99 other than a new 01 is unreadable.
  private fileTrailer(fields: string[], line: number): void {
    this.current = 99;
    if (this.account !== null) this.closeAccountUnended(line, 'the 99 file trailer comes');
    if (this.groupOpen) this.closeGroupUnended(line, 'the 99 file trailer comes');
    this.fileRecords++;
    this.checkTotal(line, 'file control total', fields[0] ?? '', this.fileSum, 'the sum of its groups');
    this.checkCount(line, 'file group count', fields[1] ?? '', this.fileGroups, 'the groups counted');
    this.checkCount(line, 'file record count', fields[2] ?? '', this.fileRecords, 'the records counted');
    this.fileOpen = false;
    this.fileEnded = true;
  }

  // ---- 02 / 98 group ----

  private groupHeader(fields: string[], line: number): void {
    this.current = 2;
    if (this.account !== null) this.closeAccountUnended(line, 'a 02 group header begins');
    if (this.groupOpen) this.closeGroupUnended(line, 'a 02 group header begins');
    this.groupOpen = true;
    this.groupLine = line;
    this.groupRecords = 0;
    this.groupAccounts = 0;
    this.groupSum = 0n;
    this.countRecord();
    this.fileGroups++;
    // Group status (field 4): 1 update; 2 deletion, 3 correction and 4 test only report data that is
    // not a plain new report, which a person should look at before it is imported.
    const status = (fields[2] ?? '').trim();
    if (status === '2')
      this.warn(line, 'group status 2 (deletion): the bank asks to delete data it sent before');
    else if (status === '3')
      this.warn(line, 'group status 3 (correction): the group corrects data sent before');
    else if (status === '4') this.warn(line, 'group status 4 (test only): the group is test data');
    else if (status !== '' && status !== '1') this.warn(line, `unknown group status "${status}"`);
    const dateText = (fields[3] ?? '').trim();
    this.groupDate = dateFromYymmdd(dateText);
    if (this.groupDate === null) this.warn(line, `group as-of date "${dateText}" is not a YYMMDD date`);
    this.groupCurrency = this.currencyField(fields[5] ?? '', line);
  }

  private groupTrailer(fields: string[], line: number): void {
    this.current = 98;
    if (!this.groupOpen) {
      this.countRecord();
      this.warn(line, '98 group trailer without a 02 group header ignored');
      return;
    }
    if (this.account !== null) this.closeAccountUnended(line, 'the 98 group trailer comes');
    this.countRecord();
    this.checkTotal(line, 'group control total', fields[0] ?? '', this.groupSum, 'the sum of its accounts');
    this.checkCount(line, 'group account count', fields[1] ?? '', this.groupAccounts, 'the accounts counted');
    this.checkCount(line, 'group record count', fields[2] ?? '', this.groupRecords, 'the records counted');
    this.fileSum += this.statedOr(fields[0] ?? '', this.groupSum);
    this.groupOpen = false;
  }

  private closeGroupUnended(line: number, why: string): void {
    this.warn(line, `the group on line ${this.groupLine} has no 98 group trailer before ${why}`);
    this.fileSum += this.groupSum;
    this.groupOpen = false;
  }

  // ---- 03 / 49 account ----

  private currencyField(text: string, line: number): string {
    const c = text.trim().toUpperCase();
    if (c === '' || isCurrencyCode(c)) return c;
    // A code of three letters the table does not know is kept (ISO 4217 grows); anything else is
    // damage, and the group's (or USD) stands.
    if (/^[A-Z]{3}$/.test(c)) {
      this.warn(line, `unknown currency code "${c}"`);
      return c;
    }
    this.warn(line, `currency field ${JSON.stringify(text.slice(0, 20))} is not a currency code; ignored`);
    return '';
  }

  private accountHeader(fields: string[], line: number): void {
    if (!this.groupOpen)
      this.fail(line, '03 account identifier outside a group (no 02 group header before it)');
    if (this.account !== null) this.closeAccountUnended(line, 'a 03 account identifier begins');
    const number = (fields[0] ?? '').trim();
    if (number === '') this.fail(line, '03 account identifier has no account number');
    // Currency: the 03's own, else the group's, else USD (BAI2: the default is the originator's
    // country's currency; the US banks that write BAI2 mean USD).
    const own = this.currencyField(fields[1] ?? '', line);
    const currency = own || this.groupCurrency || 'USD';
    this.account = {
      number,
      line,
      currency,
      exponent: exponentOf(currency),
      opening: null,
      closing: null,
      computed: 0n,
      records: 0,
      field: 0,
      summaryType: '',
      extras: 0,
      distribution: false,
    };
    this.groupAccounts++;
    this.countRecord();
    this.current = 3;
    for (let i = 2; i < fields.length; i++) this.summaryField(fields[i] ?? '', line);
  }

  /**
   * One field of the 03 summaries: groups of type code, amount, item count, funds type and the funds
   * type's own fields, carried on across 88 continuations.
   */
  private summaryField(value: string, line: number): void {
    const a = this.account;
    if (a === null) return;
    switch (a.field) {
      case 0: {
        const code = value.trim();
        // An empty field where a type code belongs is the end of a record written as `,,/`.
        if (code === '') return;
        if (lookupBai2TypeCode(code) === null) {
          this.fail(
            line,
            `account ${a.number}: summary type code "${code}" is not a three-digit BAI2 type code`,
          );
        }
        a.summaryType = code;
        a.field = 1;
        return;
      }
      case 1: {
        const minor = parseMinor(value);
        if (minor === undefined) {
          this.fail(
            line,
            `account ${a.number}: amount "${value.trim()}" of type ${a.summaryType} is not a number`,
          );
        }
        if (minor !== null) {
          a.computed += minor;
          const decimal = decimalFromMinor(minor, a.exponent);
          if (a.summaryType === '010') a.opening = decimal;
          else if (a.summaryType === '015') a.closing = decimal;
        }
        a.field = 2;
        return;
      }
      case 2:
        a.field = 3;
        return;
      case 3: {
        const fundsType = value.trim().toUpperCase();
        const extras = extraFieldsOf(fundsType);
        if (extras === null) this.warn(line, `account ${a.number}: unknown funds type "${fundsType}"`);
        a.extras = extras ?? 0;
        a.distribution = fundsType === 'D';
        a.field = a.extras > 0 ? 4 : 0;
        return;
      }
      default: {
        if (a.distribution) {
          // D: the first field is the number of distributions, each a (days, amount) pair.
          a.distribution = false;
          a.extras = 2 * (parseCount(value) ?? 0);
        } else {
          a.extras--;
        }
        if (a.extras <= 0) a.field = 0;
      }
    }
  }

  private accountTrailer(fields: string[], line: number): void {
    this.current = 49;
    const a = this.account;
    if (a === null) {
      this.countRecord();
      this.warn(line, '49 account trailer without a 03 account identifier ignored');
      return;
    }
    this.countRecord();
    const label = `account ${a.number}`;
    // A blank control total is a known quirk of some banks: nothing to check then.
    this.checkTotal(line, `${label} control total`, fields[0] ?? '', a.computed, 'the sum of its amounts');
    this.checkCount(line, `${label} record count`, fields[1] ?? '', a.records, 'the records counted');
    this.groupSum += this.statedOr(fields[0] ?? '', a.computed);
    this.account = null;
  }

  private closeAccountUnended(line: number, why: string): void {
    const a = this.account;
    if (a === null) return;
    this.warn(line, `account ${a.number} (line ${a.line}) has no 49 account trailer before ${why}`);
    this.groupSum += a.computed;
    this.account = null;
  }

  // ---- controls ----

  /** The stated control total when it is a number, else what was computed (so one error warns once). */
  private statedOr(text: string, computed: bigint): bigint {
    const stated = parseMinor(text);
    return typeof stated === 'bigint' ? stated : computed;
  }

  private checkTotal(line: number, what: string, text: string, computed: bigint, against: string): void {
    const stated = parseMinor(text);
    if (stated === null) return;
    if (stated === undefined) {
      this.warn(line, `${what} "${text.trim()}" is not a number; not checked`);
    } else if (stated !== computed) {
      this.warn(line, `${what} ${stated} differs from ${against} ${computed}`);
    }
  }

  private checkCount(line: number, what: string, text: string, counted: number, against: string): void {
    const t = text.trim();
    if (t === '') return;
    const stated = parseCount(t);
    if (stated === null) this.warn(line, `${what} "${t}" is not a number; not checked`);
    else if (stated !== counted) this.warn(line, `${what} ${stated} differs from ${against} ${counted}`);
  }

  // ---- 16 transaction detail ----

  private beginDetail(s: string, p: number, line: number): number {
    if (this.account === null) {
      this.fail(line, '16 transaction detail outside an account (no 03 account identifier before it)');
    }
    this.countRecord();
    this.current = 16;
    this.detail = {
      line,
      field: 0,
      typeCode: '',
      type: null,
      digits: '0',
      negative: false,
      fundsType: '',
      extras: 0,
      extraIndex: 0,
      valueDate: '',
      bankRef: '',
      customerRef: '',
      text: [],
      tags: null,
    };
    return this.scanDetail(s, p);
  }

  /**
   * Reads 16 fields from `p`: the fixed fields (comma-separated) until they are complete, then text to
   * the end of the record. Text may hold commas and `/`; the record ends at a `/` that closes the line
   * or that is followed by spaces and the next record on the same line. Returns where the next record
   * may start.
   */
  private scanDetail(s: string, p: number): number {
    const d = this.detail as DetailState;
    const n = s.length;
    let start = p;
    // The next `/` that ends the record, found once and moved on only when a field passes it.
    let slash = -2;
    while (d.field < 6) {
      let comma = s.indexOf(',', start);
      if (comma < 0) comma = n;
      if (slash < start && slash !== -1) slash = this.recordEndingSlash(s, start);
      if (slash >= 0 && slash < comma) {
        this.detailField(d, s.slice(start, slash));
        this.open = false;
        return slash + 1;
      }
      this.detailField(d, s.slice(start, comma));
      if (comma === n) {
        this.open = true;
        return n;
      }
      start = comma + 1;
    }
    let k = start;
    for (;;) {
      const slash = s.indexOf('/', k);
      if (slash < 0) {
        this.detailText(d, s.slice(start));
        this.open = true;
        return n;
      }
      if (this.endsRecordAt(s, slash, true)) {
        this.detailText(d, s.slice(start, slash));
        this.open = false;
        return slash + 1;
      }
      k = slash + 1;
    }
  }

  /** The first `/` from `from` that ends a record in fixed fields, or -1. */
  private recordEndingSlash(s: string, from: number): number {
    let q = s.indexOf('/', from);
    while (q >= 0 && !this.endsRecordAt(s, q, false)) q = s.indexOf('/', q + 1);
    return q;
  }

  /**
   * Whether the `/` at `q` ends the record: it does when only spaces follow it on the line, or spaces
   * (required inside text, optional in fixed fields) and then the next record.
   */
  private endsRecordAt(s: string, q: number, inText: boolean): boolean {
    let j = q + 1;
    const n = s.length;
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    if (j === n) return true;
    if (inText && j === q + 1) return false;
    const t = recordTypeAt(s, j);
    return t >= 0 && isRecordType(t);
  }

  private detailField(d: DetailState, value: string): void {
    switch (d.field) {
      case 0: {
        const code = clean(value);
        const type = lookupBai2TypeCode(code);
        if (type === null) {
          this.fail(d.line, `transaction type code "${code}" is not a three-digit BAI2 type code`);
        }
        d.typeCode = code;
        d.type = type;
        d.field = 1;
        return;
      }
      case 1: {
        const t = clean(value);
        const sign = t.charCodeAt(0);
        const signed = sign === 43 || sign === 45;
        const digits = signed ? t.slice(1) : t;
        if (t === '') {
          this.warn(d.line, 'transaction amount is blank; read as 0');
        } else if (!isDigits(digits)) {
          this.fail(d.line, `transaction amount "${t}" is not a number`);
        } else {
          d.digits = digits;
          d.negative = sign === 45;
          // Every amount of the account counts in the 49 control total, as written.
          const minor = BigInt(digits);
          if (this.account !== null) this.account.computed += d.negative ? -minor : minor;
        }
        d.field = 2;
        return;
      }
      case 2: {
        const fundsType = clean(value).toUpperCase();
        const extras = extraFieldsOf(fundsType);
        if (extras === null)
          this.warn(d.line, `unknown funds type "${fundsType}"; read without availability fields`);
        d.fundsType = fundsType;
        d.extras = extras ?? 0;
        d.field = d.extras > 0 ? 3 : 4;
        return;
      }
      case 3: {
        // V: value date (YYMMDD) and time; D: the number of distributions, then (days, amount) pairs;
        // S: immediate, one-day and two-or-more-day amounts.
        if (d.fundsType === 'V' && d.extraIndex === 0) d.valueDate = clean(value);
        if (d.fundsType === 'D' && d.extraIndex === 0) d.extras += 2 * (parseCount(value) ?? 0);
        d.extraIndex++;
        if (d.extraIndex >= d.extras) d.field = 4;
        return;
      }
      case 4:
        d.bankRef = clean(value);
        d.field = 5;
        return;
      default:
        d.customerRef = clean(value);
        d.field = 6;
    }
  }

  private detailText(d: DetailState, raw: string): void {
    const text = clean(raw);
    if (text === '') return;
    d.text.push(text);
    // Goldman Sachs writes one `TAG: value` per 88 line.
    if (text.length > 5 && text.charCodeAt(4) === 58) {
      const tag = text.slice(0, 4);
      if (TAGS.has(tag)) {
        d.tags ??= {};
        const value = text.slice(5).trim();
        if (value !== '' && d.tags[tag as Tag] === undefined) d.tags[tag as Tag] = value;
      }
    }
  }

  private emitDetail(d: DetailState): void {
    const a = this.account;
    if (a === null || d.field === 0) return;
    const type = d.type;
    let direction: Direction;
    if (type?.direction) {
      direction = type.direction;
    } else {
      direction = 'credit';
      // 890 carries information, not money; any other code without a direction is a bank error.
      if (d.typeCode !== '890' || /[1-9]/.test(d.digits)) {
        this.warn(
          d.line,
          `type code ${d.typeCode} (${type?.description}) is not a credit or debit type; read as a credit`,
        );
      }
    }
    if (d.negative) {
      // 16 amounts are unsigned in BAI2; a sign flips the direction the type code gives.
      this.warn(d.line, `transaction amount -${d.digits} is negative; read as the opposite direction`);
      direction = direction === 'credit' ? 'debit' : 'credit';
    }
    let valueDate: string | null = null;
    if (d.valueDate !== '') {
      valueDate = dateFromYymmdd(d.valueDate);
      if (valueDate === null) this.warn(d.line, `value date "${d.valueDate}" is not a YYMMDD date`);
    }
    const text = d.text.length === 0 ? null : d.text.join(' ');
    const tags = d.tags;
    const reversal = type?.reversal ?? false;
    const party = tags === null ? NO_PARTY : counterpartyOf(tags, direction);
    this.sink.entry({
      reference: d.bankRef || null,
      booking_date: this.groupDate,
      value_date: valueDate,
      amount: decimalFromDigits(d.digits, a.exponent),
      direction,
      type_code: d.typeCode,
      counterparty_name: party.name,
      counterparty_account: party.account,
      end_to_end_id: tags?.EREF ?? null,
      check_number: type?.check ? checkNumberOf(d.customerRef, tags, text) : null,
      customer_reference: d.customerRef || null,
      remittance_text: text,
      return_reason: reversal && text !== null ? returnReasonOf(text) : null,
      reversal,
      line: d.line,
    });
  }
}

function pad(type: number): string {
  return type < 10 ? `0${type}` : String(type);
}

/** All zeros or blank is no value (Goldman Sachs writes `CABA: 0` when it has no routing number). */
function meaningful(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  return v === '' || /^0+$/.test(v) ? null : v;
}

/**
 * The other party from bank tags: for a credit the debtor (`DBNM`, `DACT`, `DABA`), for a debit the
 * creditor (`CRNM`, `CACT`, `CABA`). The account is `ROUTING:ACCOUNT` when both are known (spec
 * section 4), else the account alone.
 */
const NO_PARTY = { name: null, account: null };

function counterpartyOf(
  tags: Partial<Record<Tag, string>>,
  direction: Direction,
): { name: string | null; account: string | null } {
  const credit = direction === 'credit';
  const name = meaningful(credit ? tags.DBNM : tags.CRNM);
  const account = meaningful(credit ? tags.DACT : tags.CACT);
  const routing = meaningful(credit ? tags.DABA : tags.CABA);
  return { name, account: account === null ? null : routing === null ? account : `${routing}:${account}` };
}

/**
 * The check number of a check item (type codes marked `check`): an explicit `CHKN:` tag, else a
 * `Check Serial Number: N` in the text (both Goldman Sachs), else the customer reference when it is
 * all digits (the BAI convention for checks paid). Leading zeros are dropped so that the number
 * compares with what a payer quotes (`0000000180` is check 180).
 */
function checkNumberOf(
  customerRef: string,
  tags: Partial<Record<Tag, string>> | null,
  text: string | null,
): string | null {
  const tagged = tags?.CHKN;
  if (tagged !== undefined) return stripZeros(tagged);
  if (text !== null) {
    const m = /Check Serial Number:\s*(\w+)/i.exec(text);
    if (m?.[1] !== undefined) return stripZeros(m[1]);
  }
  return isDigits(customerRef) ? stripZeros(customerRef) : null;
}

function stripZeros(value: string): string | null {
  if (!isDigits(value)) return value;
  const v = value.replace(/^0+/, '');
  return v === '' ? null : v;
}

/**
 * The reason of a returned item, from its text: an ACH return code after the word "Reason" (`Reason:
 * "R02"`, `REASON R01`), else a quoted reason (`Return Reason: "Payee does not exist"`).
 */
function returnReasonOf(text: string): string | null {
  const code = /Reason\W{0,3}(R\d{2})\b/i.exec(text);
  if (code?.[1] !== undefined) return code[1].toUpperCase();
  const quoted = /Reason:\s*"([^"]+)"/i.exec(text);
  return quoted?.[1]?.trim() || null;
}
