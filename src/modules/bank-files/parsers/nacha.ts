import { isLocalDate } from '../../../core/local-date.ts';
import { unreadable } from '../bank-files.errors.ts';
import type { AchEntry, Direction, FormatParser, ParserFactory, ParserOptions, ParseSink } from '../model.ts';

/**
 * NACHA ACH files (the Nacha Operating Rules, Appendix Three "ACH Record Format Specifications"):
 * records of 94 characters, `1` file header, `5` batch header, `6` entry detail, `7` addenda, `8` batch
 * control, `9` file control, and records of all 9s that pad the last block of ten.
 *
 * A push parser: it holds at most one partial line between pushes (its first 1,024 characters) and
 * reports each entry to the sink as soon as its last addendum has been read, so memory does not grow
 * with the file. Every control the format carries is recomputed (batch and file entry/addenda counts,
 * entry hashes, debit and credit totals, batch and block counts, routing check digits) and each
 * disagreement becomes a warning that names the control, the stated and the computed value. Missing
 * control records, records out of place, short or long lines, unknown codes and control characters
 * are warnings, not errors: the entries are still reported (moov-io/ach issues 702 and 751 are real
 * files like that). Only text that is not NACHA at all, or a file without line breaks whose records
 * are not 94 characters, is `bank_files.unreadable`.
 *
 * Positions in comments are the rules' 1-based, inclusive record positions; code slices are 0-based.
 */

/** What the file header says (for `arbor parse` details and the importer); codes as in the file. */
export interface NachaFileHeader {
  line: number;
  priority_code: string;
  /** Positions 4-13: a routing number preceded by a blank, trimmed. */
  immediate_destination: string;
  immediate_origin: string;
  creation_date: string | null;
  /** `HH:MM`, or null when blank or not a time. */
  creation_time: string | null;
  file_id_modifier: string;
  record_size: string;
  blocking_factor: string;
  format_code: string;
  immediate_destination_name: string | null;
  immediate_origin_name: string | null;
  reference_code: string | null;
}

export interface NachaBatchHeader {
  line: number;
  service_class_code: string;
  /** Null for IAT batches, whose originator's name is in the entries' addenda 11. */
  company_name: string | null;
  company_discretionary_data: string | null;
  company_id: string | null;
  sec_code: string;
  company_entry_description: string | null;
  company_descriptive_date: string | null;
  effective_date: string | null;
  originator_status_code: string;
  odfi: string;
  batch_number: string;
}

export interface NachaFileControl {
  line: number;
  batch_count: number | null;
  block_count: number | null;
  entry_addenda_count: number | null;
  entry_hash: string;
  total_debit: string | null;
  total_credit: string | null;
}

export interface NachaParserOptions extends ParserOptions {
  onFileHeader?: (header: NachaFileHeader) => void;
  onBatchHeader?: (header: NachaBatchHeader) => void;
  onFileControl?: (control: NachaFileControl) => void;
}

/**
 * The fields an ACH entry carries beyond spec section 4's, for the importer. They are set on every
 * entry this parser reports (additions to the spec's fields, never renames).
 */
export interface NachaEntryDetails {
  transaction_code: string;
  sec_code: string | null;
  company_name: string | null;
  company_id: string | null;
  company_entry_description: string | null;
  /** The batch's effective entry date, `YYYY-MM-DD`. */
  effective_date: string | null;
  /** The receiver's identification number (positions 40-54; 55-76 in CIE and MTE). */
  individual_id: string | null;
  /** ARC, BOC, RCK, POP, XCK and TRC: the check serial number. */
  check_serial_number: string | null;
  /** The DFI account number field as written, padding included (`account` drops the right padding). */
  dfi_account: string;
  /** Returns and notifications of change (addenda 99/98, positions 7-21); ACK and ATX positions 40-54. */
  original_trace: string | null;
  /** Every addenda 99 return reason code in order: a dishonored or contested return may carry several. */
  return_codes: string[];
  /** Addenda 99 "addenda information" (positions 36-79; 59-79 of a dishonored return, none in a contested one). */
  return_information: string | null;
  /** The type code of each addendum, in order (`05`, `98`, `99`, `02`, `10`-`18`). */
  addenda_types: string[];
  line: number;
}

export type NachaAchEntry = AchEntry & NachaEntryDetails;

/** The NACHA details of an entry this parser reported, or null for an entry from elsewhere. */
export function achEntryDetails(entry: AchEntry): NachaEntryDetails | null {
  return 'transaction_code' in entry && 'addenda_types' in entry ? (entry as NachaAchEntry) : null;
}

const RECORD = 94;
/** Characters read before deciding how the text is cut into records (two records and a line break). */
const HEAD = 2 * RECORD + 2;
/** Lines longer than this are cut while they are read (only the first 94 characters matter). */
const MAX_KEPT = 1024;
/** Unknown-record warnings given one by one before the rest are counted into one summary. */
const MAX_UNKNOWN_WARNINGS = 10;
/** Stray addenda named in their warning; the rest are counted. */
const MAX_LISTED = 50;
/** The most addenda records an entry can have (CTX: a four-digit count). */
const MAX_ADDENDA = 9999;

/**
 * How the text is cut into records: not decided yet, lines ending in LF or CRLF, lines ending in a
 * lone CR, or no line breaks at all (a record every 94 characters).
 */
const Mode = { Unknown: 0, Lf: 1, Cr: 2, Fixed: 3 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

// Transaction codes (Appendix Three, entry detail field 2): 2x checking, 3x savings, 4x general ledger,
// 5x loan; the second digit 1-4 is a credit (1 return/NOC, 2 live, 3 prenote, 4 zero dollar with
// remittance) and 6-9 a debit (6 return/NOC, 7 live, 8 prenote, 9 zero dollar); 55 is a loan reversal
// (debit). 81-88 are the Federal Reserve's ADV codes: odd ones credit, even ones debit.
// biome-ignore format: a table
const TRANSACTION_CODES = new Set([
  '21', '22', '23', '24', '26', '27', '28', '29',
  '31', '32', '33', '34', '36', '37', '38', '39',
  '41', '42', '43', '44', '46', '47', '48', '49',
  '51', '52', '53', '54', '55', '56',
  '81', '82', '83', '84', '85', '86', '87', '88',
]);
const PRENOTE_CODES = new Set(['23', '28', '33', '38', '43', '48', '53']);

// biome-ignore format: a table
const SEC_CODES = new Set([
  'ACK', 'ADV', 'ARC', 'ATX', 'BOC', 'CCD', 'CIE', 'COR', 'CTX', 'DNE', 'ENR', 'IAT',
  'MTE', 'POP', 'POS', 'PPD', 'RCK', 'SHR', 'TEL', 'TRC', 'TRX', 'WEB', 'XCK',
]);
const SERVICE_CLASS_CODES = new Set(['200', '220', '225', '280']);

/**
 * Return reason codes (Appendix Four): R01-R53 but R48 and R49; R61, R62 and R67-R70 for dishonored
 * returns; R71-R77 for contested dishonored returns; R80-R85 for IAT returns by a gateway.
 */
function isReturnCode(code: string): boolean {
  if (code.length !== 3 || code[0] !== 'R') return false;
  const n = digits(code, 1, 3);
  return (
    (n >= 1 && n <= 53 && n !== 48 && n !== 49) ||
    n === 61 ||
    n === 62 ||
    (n >= 67 && n <= 77) ||
    (n >= 80 && n <= 85)
  );
}

/** Change codes (Appendix Five): C01-C14 notifications of change, C61-C69 refused ones. */
function isChangeCode(code: string): boolean {
  if (code.length !== 3 || code[0] !== 'C') return false;
  const n = digits(code, 1, 3);
  return (n >= 1 && n <= 14) || (n >= 61 && n <= 69);
}

/** Where an entry's name and identification number sit, by SEC code (Appendix Three). */
const Layout = {
  /** PPD, CCD, WEB, TEL, POS, DNE, COR, ...: id 40-54, name 55-76. */
  Standard: 0,
  /** CIE, MTE: individual name 40-54, identification number 55-76. */
  NameFirst: 1,
  /** CTX, ENR, ATX, TRX: id 40-54, number of addenda 55-58, receiving company 59-74. */
  Corporate: 2,
  /** ARC, BOC, RCK: check serial number 40-54, individual name 55-76. */
  Check: 3,
  /** POP: check serial number 40-48, terminal city and state 49-54, name 55-76. */
  Pop: 4,
  /** XCK, TRC: check serial number 40-54, process control and item research number 55-76 (no name). */
  Truncated: 5,
  /** SHR: card expiration date 40-43, document reference 44-54, card account number 55-76 (no name). */
  Shr: 6,
  /** ACK: original entry trace 40-54, receiving company name 55-76. */
  Ack: 7,
  /** ATX: original entry trace 40-54, number of addenda 55-58, receiving company 59-74. */
  Atx: 8,
  /** IAT: addenda count 13-16, amount 30-39, foreign receiver's account 40-74; the name is in addenda 10. */
  Iat: 9,
  /** ADV (Federal Reserve advices): account 13-27, amount 28-39 (12 digits), name 55-76. */
  Adv: 10,
} as const;
type Layout = (typeof Layout)[keyof typeof Layout];

function layoutOf(sec: string | null, iat: boolean): Layout {
  if (iat) return Layout.Iat;
  switch (sec) {
    case 'CIE':
    case 'MTE':
      return Layout.NameFirst;
    case 'CTX':
    case 'ENR':
    case 'TRX':
      return Layout.Corporate;
    case 'ATX':
      return Layout.Atx;
    case 'ACK':
      return Layout.Ack;
    case 'ARC':
    case 'BOC':
    case 'RCK':
      return Layout.Check;
    case 'POP':
      return Layout.Pop;
    case 'XCK':
    case 'TRC':
      return Layout.Truncated;
    case 'SHR':
      return Layout.Shr;
    case 'ADV':
      return Layout.Adv;
    default:
      return Layout.Standard;
  }
}

/** Digits of `s[start, end)` as a number, or -1 when any character is not a digit (or the field is empty). */
function digits(s: string, start: number, end: number): number {
  if (end <= start) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** The ABA routing number check digit of eight digits (weights 3, 7, 1), or -1 when not digits. */
function checkDigitOf(routing8: string): number {
  const w = [3, 7, 1, 3, 7, 1, 3, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = routing8.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    sum += c * (w[i] ?? 0);
  }
  return (10 - (sum % 10)) % 10;
}

function isRoutingNumber(s: string): boolean {
  return s.length === 9 && digits(s, 0, 9) >= 0 && checkDigitOf(s) === s.charCodeAt(8) - 48;
}

/** A trimmed field, or null when blank. */
function text(s: string, start: number, end: number): string | null {
  const t = s.slice(start, end).trim();
  return t === '' ? null : t;
}

function isBlankRange(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 0xfeff) return false;
  }
  return true;
}

function isBlank(s: string): boolean {
  return isBlankRange(s, 0, s.length);
}

/** All 9s: a block-filling record (the last one may be cut short). */
function isPadding(s: string): boolean {
  let i = 0;
  for (; i < s.length; i++) if (s.charCodeAt(i) !== 57) break;
  return i >= 10 && isBlank(s.slice(i));
}

/** `YYMMDD` to `YYYY-MM-DD` (years 00-69 are 20xx, 70-99 19xx), or null when not a date. */
function dateOf(yymmdd: string): string | null {
  if (digits(yymmdd, 0, 6) < 0) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const iso = `${yy < 70 ? 20 : 19}${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
  return isLocalDate(iso) ? iso : null;
}

/** Cents (a safe integer or a bigint) as a decimal string: 2536 → "25.36". */
function money(cents: number | bigint): string {
  const s = cents.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/**
 * A sum of cents that stays exact past 2^53: a number while it is small (fast), spilling into a
 * bigint (a file may hold millions of ten-digit amounts).
 */
class Sum {
  private small = 0;
  private big = 0n;
  add(n: number): void {
    this.small += n;
    if (this.small > 4e15) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
  }
  value(): bigint {
    return this.big + BigInt(this.small);
  }
}

interface Batch {
  line: number;
  /** False for entries found outside any batch header (a headerless batch, still controlled). */
  declared: boolean;
  serviceClass: string;
  sec: string | null;
  adv: boolean;
  layout: Layout;
  companyName: string | null;
  companyId: string | null;
  description: string | null;
  effectiveDate: string | null;
  odfi: string;
  batchNumber: string;
  records: number;
  hash: number;
  debit: Sum;
  credit: Sum;
  /** Warned that a credits-only or debits-only batch holds the other kind. */
  serviceClassWarned: boolean;
}

interface PendingEntry {
  entry: NachaAchEntry;
  indicator: number;
  /** CTX, ENR, ATX, TRX: the number of addenda records the entry states (55-58), or -1. */
  statedAddenda: number;
  /** Addenda 05 and 17 read so far. */
  payment: number;
  /** More addenda than MAX_ADDENDA came (and were dropped). */
  overflow: boolean;
  layout: Layout;
}

class NachaParser implements FormatParser {
  private readonly file: string;
  private mode: Mode = Mode.Unknown;
  private head = '';
  /** The first MAX_KEPT characters of the line being read (or, without line breaks, of the record). */
  private pending = '';
  /** The true length of the line being read. */
  private pendingLength = 0;
  /** Whether the characters of the line beyond MAX_KEPT hold anything but blanks. */
  private pendingTail = false;
  /** The last character code of the line being read (a CR before the LF is not part of the line). */
  private pendingLast = 0;
  /**
   * Whether the chunk being read, or an earlier one holding part of the pending line, may hold a
   * control character: records are scanned for one only then (a scan of every record would halve
   * the parser's speed; one regular expression test per chunk costs nothing).
   */
  private dirty = false;
  private pendingDirty = false;
  private lineNo = 0;
  private started = false;
  private anyRecord = false;
  /** Whether anything but a line starting with 1 looked like NACHA (a batch, entry or control record, or a header with record size 094). */
  private shaped = false;

  private headerSeen = false;
  private controlSeen = false;
  private afterControlWarned = false;
  private batch: Batch | null = null;
  private current: PendingEntry | null = null;
  private anyAdv = false;

  // File totals, recomputed from the entries.
  private fileBatches = 0;
  private fileRecords = 0;
  private fileEntryAddenda = 0;
  private fileHash = 0;
  private fileDebit = new Sum();
  private fileCredit = new Sum();

  // Layout irregularities, summarized once at the end.
  private shortRecords = 0;
  private shortFirst: { line: number; length: number } | null = null;
  private longRecords = 0;
  private longFirst: { line: number; length: number } | null = null;
  private controlRecords = 0;
  private controlFirst: { line: number; code: number } | null = null;
  private unknownRecords = 0;
  /** The file control's block count, checked when the file ends. */
  private blockCheck: { line: number; field: string } | null = null;
  /** Addenda records with no entry before them, reported in one warning per run. */
  private orphans: { line: number; count: number; items: string[] } | null = null;

  constructor(
    private readonly sink: ParseSink,
    private readonly options: NachaParserOptions,
  ) {
    this.file = options.fileName;
  }

  push(chunk: string): void {
    if (chunk === '') return;
    if (this.mode === Mode.Unknown) {
      // The layout (line breaks or none) is decided on the first HEAD characters whatever the chunking.
      this.head += chunk;
      if (this.head.length < HEAD) return;
      const head = stripBom(this.head);
      this.head = '';
      this.decideMode(head.slice(0, HEAD));
      this.feed(head);
      return;
    }
    this.feed(chunk);
  }

  end(): void {
    if (this.mode === Mode.Unknown) {
      const head = stripBom(this.head);
      this.head = '';
      this.decideMode(head);
      this.feed(head);
    }
    if (this.mode === Mode.Fixed) {
      const rest = this.pending;
      this.pending = '';
      if (rest !== '') this.fixedRecord(rest, this.pendingDirty);
    } else if (this.pendingLength > 0) {
      this.completeLine();
    }
    if (!this.anyRecord) throw unreadable(this.file, null, 'not a NACHA file: it holds no records');
    // Text that merely begins with a 1 (a list, another format forced through --format nacha).
    if (!this.shaped)
      throw unreadable(
        this.file,
        null,
        'not a NACHA file: no batch, entry or control record, and no file header of 94-character records',
      );
    this.flushOrphans();
    this.flushEntry();
    if (this.batch !== null) this.missingBatchControl(null);
    this.finishFile();
    if (!this.controlSeen)
      this.controlWarn(null, 'the file has no file control record (type 9); its totals are not checked');
    if (this.shortFirst !== null)
      this.warn(
        this.shortFirst.line,
        `${this.shortRecords} record(s) end before their last field (the first has ${this.shortFirst.length} of 94 characters); the missing characters were read as blanks`,
      );
    if (this.longFirst !== null)
      this.warn(
        this.longFirst.line,
        `${this.longRecords} record(s) carry text after position 94 (the first has ${this.longFirst.length} characters); it was ignored`,
      );
    if (this.controlFirst !== null)
      this.warn(
        this.controlFirst.line,
        `${this.controlRecords} record(s) hold control characters (the first: U+${this.controlFirst.code.toString(16).toUpperCase().padStart(4, '0')})`,
      );
    if (this.unknownRecords > MAX_UNKNOWN_WARNINGS)
      this.warn(
        null,
        `${this.unknownRecords - MAX_UNKNOWN_WARNINGS} more line(s) with an unknown record type were skipped`,
      );
  }

  // --- Physical layout ---------------------------------------------------------------------------

  private decideMode(h: string): void {
    const br = firstBreak(h);
    const firstLine = br === -1 ? h.length : br;
    // A first line of two records or more, or a record type right after the first 94 characters with
    // no line break: a file written without line breaks (jm81/ach return_fixedlength.txt), cut into
    // records every 94 characters. A first line only a little longer than 94 is a long line instead.
    if (
      isRecordType(h.charCodeAt(0)) &&
      firstLine > RECORD &&
      (firstLine >= 2 * RECORD || (br === -1 && isRecordType(h.charCodeAt(RECORD))))
    ) {
      this.mode = Mode.Fixed;
      return;
    }
    this.mode =
      br !== -1 && h.charCodeAt(br) === 13 && br + 1 < h.length && h.charCodeAt(br + 1) !== 10
        ? Mode.Cr
        : Mode.Lf;
  }

  private feed(chunk: string): void {
    if (this.mode === Mode.Fixed) {
      this.feedFixed(chunk);
      return;
    }
    this.dirty = mayHoldControl(chunk, this.mode);
    const sep = this.mode === Mode.Cr ? '\r' : '\n';
    let start = 0;
    let i = chunk.indexOf(sep);
    while (i !== -1) {
      if (this.pendingLength === 0 && i - start <= MAX_KEPT) {
        // The usual case: a whole line inside the chunk.
        this.physicalLine(chunk.slice(start, i), i - start, false, chunk.charCodeAt(i - 1), this.dirty);
      } else {
        this.append(chunk, start, i);
        this.completeLine();
      }
      start = i + 1;
      i = chunk.indexOf(sep, start);
    }
    if (start < chunk.length) this.append(chunk, start, chunk.length);
  }

  /** Adds `chunk[start, end)` to the line being read, keeping at most MAX_KEPT characters of it. */
  private append(chunk: string, start: number, end: number): void {
    if (end <= start) return;
    const room = MAX_KEPT - this.pending.length;
    if (end - start <= room) {
      this.pending += chunk.slice(start, end);
    } else {
      if (room > 0) this.pending += chunk.slice(start, start + room);
      if (!this.pendingTail && !isBlankRange(chunk, start + Math.max(room, 0), end)) this.pendingTail = true;
    }
    this.pendingLength += end - start;
    this.pendingLast = chunk.charCodeAt(end - 1);
    if (this.dirty) this.pendingDirty = true;
  }

  private completeLine(): void {
    const line = this.pending;
    const length = this.pendingLength;
    const tail = this.pendingTail;
    const last = this.pendingLast;
    const dirty = this.pendingDirty || this.dirty;
    this.pending = '';
    this.pendingLength = 0;
    this.pendingTail = false;
    this.pendingLast = 0;
    this.pendingDirty = false;
    this.physicalLine(line, length, tail, last, dirty);
  }

  private feedFixed(chunk: string): void {
    let c = chunk;
    if (c.indexOf('\n') !== -1 || c.indexOf('\r') !== -1) c = c.replace(/[\r\n]/g, '');
    this.dirty = CONTROL.test(c);
    let start = 0;
    if (this.pending !== '') {
      const need = RECORD - this.pending.length;
      if (c.length < need) {
        this.pending += c;
        if (this.dirty) this.pendingDirty = true;
        return;
      }
      this.fixedRecord(this.pending + c.slice(0, need), this.pendingDirty || this.dirty);
      this.pending = '';
      this.pendingDirty = false;
      start = need;
    }
    for (; start + RECORD <= c.length; start += RECORD)
      this.fixedRecord(c.slice(start, start + RECORD), this.dirty);
    if (start < c.length) {
      this.pending = c.slice(start);
      this.pendingDirty = this.dirty;
    }
  }

  private fixedRecord(rec: string, dirty: boolean): void {
    this.lineNo++;
    if (isBlank(rec)) return;
    if (!isRecordType(rec.charCodeAt(0)))
      throw unreadable(
        this.file,
        this.lineNo,
        `the file has no line breaks, and record ${this.lineNo} (at character ${(this.lineNo - 1) * RECORD + 1}) does not begin with a record type code: its records are not 94 characters long`,
      );
    this.record(rec, this.lineNo, rec.length, false, dirty);
  }

  /**
   * A line of the text: its first MAX_KEPT characters, its true length, whether text was dropped
   * beyond MAX_KEPT, and its last character code (for the CR of a CRLF).
   */
  private physicalLine(
    kept: string,
    fullLength: number,
    droppedText: boolean,
    last: number,
    dirty: boolean,
  ): void {
    this.lineNo++;
    let line = kept;
    let length = fullLength;
    if (this.mode === Mode.Lf && last === 13 && length > 0) {
      length--;
      if (line.length > length) line = line.slice(0, length);
    }
    // Blank lines (a stray CR, an empty last line, double line breaks) carry nothing: skipped.
    if (line.length === 0 || (line.charCodeAt(0) === 32 && !droppedText && isBlank(line))) return;
    let tail = droppedText;
    if (line.length > RECORD) {
      // Text after position 94 is ignored; trailing blanks there are harmless and not reported.
      if (!tail) tail = !isBlankRange(line, RECORD, line.length);
      line = line.slice(0, RECORD);
    }
    this.record(line, this.lineNo, length, tail, dirty);
  }

  // --- Records ------------------------------------------------------------------------------------

  private record(raw: string, line: number, length: number, tail: boolean, dirty: boolean): void {
    const type = raw.charCodeAt(0);
    if (!this.started) {
      this.started = true;
      if (!isRecordType(type))
        throw unreadable(
          this.file,
          line,
          `not a NACHA file: the first record begins with ${JSON.stringify(raw.slice(0, 1))}, not a record type code (1, 5, 6, 7, 8 or 9)`,
        );
      if (type !== 49)
        this.warn(
          line,
          `the file does not begin with a file header record (type 1) but with a type ${raw[0]} record`,
        );
    }
    if (!isRecordType(type)) {
      this.unknownRecords++;
      if (this.unknownRecords <= MAX_UNKNOWN_WARNINGS)
        this.warn(line, `unknown record type ${JSON.stringify(raw.slice(0, 1))}; line skipped`);
      return;
    }
    if (tail) {
      this.longRecords++;
      this.longFirst ??= { line, length };
    }
    // The rules allow printable characters only; a control character is a transmission fault
    // (moov-io/ach pos-invalidEntryDetail.ach has a SUB in a name). Letters beyond ASCII are let be.
    const control = dirty ? controlCharacterIn(raw) : -1;
    if (control >= 0) {
      this.controlRecords++;
      this.controlFirst ??= { line, code: control };
    }
    let rec = raw;
    if (rec.length < RECORD) {
      // Many writers trim trailing blanks; only a record cut before its last field is reported.
      if (rec.length < minLength(rec) && !(type === 57 && isPadding(rec))) {
        this.shortRecords++;
        this.shortFirst ??= { line, length };
      }
      rec = rec.padEnd(RECORD, ' ');
    }
    if (type !== 55) this.flushOrphans();
    switch (type) {
      case 54: // 6
        this.beforeRecord(line);
        this.entryDetail(rec, line);
        return;
      case 55: // 7
        this.beforeRecord(line);
        this.addenda(rec, line);
        return;
      case 53: // 5
        this.beforeRecord(line);
        this.flushEntry();
        this.batchHeader(rec, line);
        return;
      case 56: // 8
        this.beforeRecord(line);
        this.flushEntry();
        this.batchControl(rec, line);
        return;
      case 57: // 9
        this.flushEntry();
        if (isPadding(rec)) {
          this.anyRecord = true;
          return;
        }
        this.beforeRecord(line);
        this.fileControl(rec, line);
        return;
      case 49: // 1
        // Not a break in the batch: a header out of place (issue 1600's "5 record before 1") leaves the
        // entry before it open for its addenda.
        this.fileHeader(rec, line);
        return;
    }
  }

  /** Counts a record of the file (for the block count) and reports records after the file control. */
  private beforeRecord(line: number): void {
    this.anyRecord = true;
    this.shaped = true;
    this.fileRecords++;
    if (this.controlSeen && !this.afterControlWarned) {
      this.afterControlWarned = true;
      this.warn(line, 'records follow the file control record; they are read but not in its totals');
    }
  }

  /** Checks what can only be checked once the whole file is read: the block count. */
  private finishFile(): void {
    const pending = this.blockCheck;
    if (pending === null) return;
    this.blockCheck = null;
    // Records come in blocks of ten (the blocking factor), counting the file header and file control
    // records; the 9s that fill the last block are not counted here.
    const blocks = Math.ceil(this.fileRecords / 10);
    this.checkCount(
      pending.line,
      'file control block count',
      pending.field,
      blocks,
      `blocks of ten for the file's ${this.fileRecords} records`,
    );
  }

  private fileHeader(rec: string, line: number): void {
    if (this.headerSeen) {
      if (!this.controlSeen) {
        this.anyRecord = true;
        this.fileRecords++;
        this.warn(line, 'a second file header record before the file control record; ignored');
        return;
      }
      // Files sent back to back in one transmission: each one's controls are checked on its own.
      this.finishFile();
      this.warn(line, 'another file begins after the file control record; it is read as a further file');
      this.controlSeen = false;
      this.afterControlWarned = false;
      this.fileBatches = 0;
      this.fileRecords = 0;
      this.fileEntryAddenda = 0;
      this.fileHash = 0;
      this.fileDebit = new Sum();
      this.fileCredit = new Sum();
      this.anyAdv = false;
    }
    this.headerSeen = true;
    this.anyRecord = true;
    this.fileRecords++;
    // 1 record type, 2-3 priority code, 4-13 immediate destination (blank + routing number), 14-23
    // immediate origin, 24-29 creation date YYMMDD, 30-33 time HHMM, 34 file ID modifier, 35-37 record
    // size 094, 38-39 blocking factor 10, 40 format code 1, 41-63 destination name, 64-86 origin name,
    // 87-94 reference code.
    const destination = rec.slice(3, 13).trim();
    const hhmm = rec.slice(29, 33);
    const hh = digits(hhmm, 0, 2);
    const mm = digits(hhmm, 2, 4);
    const header: NachaFileHeader = {
      line,
      priority_code: rec.slice(1, 3),
      immediate_destination: destination,
      immediate_origin: rec.slice(13, 23).trim(),
      creation_date: dateOf(rec.slice(23, 29)),
      creation_time: hh >= 0 && hh < 24 && mm >= 0 && mm < 60 ? `${hhmm.slice(0, 2)}:${hhmm.slice(2)}` : null,
      file_id_modifier: rec.slice(33, 34),
      record_size: rec.slice(34, 37),
      blocking_factor: rec.slice(37, 39),
      format_code: rec.slice(39, 40),
      immediate_destination_name: text(rec, 40, 63),
      immediate_origin_name: text(rec, 63, 86),
      reference_code: text(rec, 86, 94),
    };
    if (header.record_size === '094') this.shaped = true;
    this.sink.version(header.format_code.trim() === '' ? null : header.format_code);
    // The immediate destination is the routing number of the receiving point (bank or operator).
    if (!isRoutingNumber(destination)) {
      const check = destination.length === 9 ? checkDigitOf(destination) : -1;
      this.warn(
        line,
        check >= 0
          ? `file header immediate destination ${destination} is not a valid routing number: check digit ${destination[8]}, computed ${check}`
          : `file header immediate destination ${JSON.stringify(destination)} is not a routing number`,
      );
    }
    if (header.record_size !== '094')
      this.warn(line, `file header record size ${JSON.stringify(header.record_size)} is not 094`);
    if (header.blocking_factor !== '10')
      this.warn(line, `file header blocking factor ${JSON.stringify(header.blocking_factor)} is not 10`);
    if (header.format_code !== '1')
      this.warn(line, `file header format code ${JSON.stringify(header.format_code)} is not 1`);
    this.options.onFileHeader?.(header);
  }

  private batchHeader(rec: string, line: number): void {
    if (this.batch !== null) this.missingBatchControl(line);
    // 1 record type, 2-4 service class code, 5-20 company name, 21-40 discretionary data, 41-50
    // company identification, 51-53 SEC code, 54-63 entry description, 64-69 descriptive date, 70-75
    // effective entry date YYMMDD, 76-78 settlement date (Julian, by the ACH operator), 79 originator
    // status code, 80-87 originating DFI, 88-94 batch number. An IAT batch header (and an IAT
    // notification of change, SEC COR with "IATCOR" in 5-20) puts the IAT indicator, foreign exchange
    // and country fields in 5-40 and the currency codes in 64-69.
    const sec = rec.slice(50, 53);
    const iatIndicator = rec.slice(4, 20).trim();
    const iat = sec === 'IAT' || iatIndicator === 'IATCOR';
    const serviceClass = rec.slice(1, 4);
    const adv = sec === 'ADV';
    const effectiveRaw = rec.slice(69, 75);
    const effectiveDate = dateOf(effectiveRaw);
    const header: NachaBatchHeader = {
      line,
      service_class_code: serviceClass,
      company_name: iat ? null : text(rec, 4, 20),
      company_discretionary_data: iat ? null : text(rec, 20, 40),
      company_id: text(rec, 40, 50),
      sec_code: sec,
      company_entry_description: text(rec, 53, 63),
      company_descriptive_date: iat ? null : text(rec, 63, 69),
      effective_date: effectiveDate,
      originator_status_code: rec.slice(78, 79),
      odfi: rec.slice(79, 87),
      batch_number: rec.slice(87, 94),
    };
    this.fileBatches++;
    this.batch = {
      line,
      declared: true,
      serviceClass,
      sec,
      adv,
      layout: layoutOf(sec, iat),
      companyName: header.company_name,
      companyId: header.company_id,
      description: header.company_entry_description,
      effectiveDate,
      odfi: header.odfi,
      batchNumber: header.batch_number,
      records: 0,
      hash: 0,
      debit: new Sum(),
      credit: new Sum(),
      serviceClassWarned: false,
    };
    if (adv) this.anyAdv = true;
    this.sink.achBatch();
    if (!SERVICE_CLASS_CODES.has(serviceClass))
      this.warn(
        line,
        `batch header service class code ${JSON.stringify(serviceClass)} is not 200, 220, 225 or 280`,
      );
    if (!SEC_CODES.has(sec))
      this.warn(line, `batch header SEC code ${JSON.stringify(sec)} is not a NACHA standard entry class`);
    // Returns and notifications of change often carry zeros: no date, like blanks.
    if (effectiveDate === null && !isBlank(effectiveRaw) && effectiveRaw !== '000000')
      this.warn(line, `batch header effective entry date ${JSON.stringify(effectiveRaw)} is not a date`);
    this.options.onBatchHeader?.(header);
  }

  private openHeaderlessBatch(line: number): Batch {
    this.warn(line, 'entry detail record outside a batch (no batch header before it)');
    const batch: Batch = {
      line,
      declared: false,
      serviceClass: '',
      sec: null,
      adv: false,
      layout: Layout.Standard,
      companyName: null,
      companyId: null,
      description: null,
      effectiveDate: null,
      odfi: '',
      batchNumber: '',
      records: 0,
      hash: 0,
      debit: new Sum(),
      credit: new Sum(),
      serviceClassWarned: false,
    };
    this.batch = batch;
    return batch;
  }

  private entryDetail(rec: string, line: number): void {
    this.flushEntry();
    const batch = this.batch ?? this.openHeaderlessBatch(line);
    const layout = batch.layout;
    const adv = layout === Layout.Adv;
    // 2-3 transaction code, 4-11 receiving DFI identification, 12 check digit, 13-29 DFI account
    // number, 30-39 amount in cents, ..., 79 addenda record indicator, 80-94 trace number.
    const code = rec.slice(1, 3);
    const rdfi = rec.slice(3, 12);
    const trace = rec.slice(79, 94).trim();
    const who = trace === '' ? `entry at line ${line}` : `entry ${trace}`;
    let account: string;
    let amount: number;
    let amountText: string;
    if (adv) {
      account = rec.slice(12, 27);
      amountText = rec.slice(27, 39);
    } else if (layout === Layout.Iat) {
      account = rec.slice(39, 74);
      amountText = rec.slice(29, 39);
    } else {
      account = rec.slice(12, 29);
      amountText = rec.slice(29, 39);
    }
    amount = digits(amountText, 0, amountText.length);
    if (amount < 0) {
      this.warn(
        line,
        `${who}: amount ${JSON.stringify(amountText)} is not a number of cents; reported as 0.00`,
      );
      amount = 0;
    }
    // Entry hash (batch and file control): the sum of the entries' 8-digit receiving DFI numbers.
    const rdfi8 = digits(rec, 3, 11);
    if (rdfi8 < 0) {
      this.warn(
        line,
        `${who}: receiving DFI identification ${JSON.stringify(rec.slice(3, 11))} is not a number`,
      );
    } else {
      batch.hash += rdfi8;
      this.fileHash += rdfi8;
      if (batch.hash > 1e15) batch.hash %= 1e10;
      if (this.fileHash > 1e15) this.fileHash %= 1e10;
      const check = checkDigitOf(rdfi);
      if (check !== rec.charCodeAt(11) - 48)
        this.warn(
          line,
          `${who}: receiving DFI ${rdfi.slice(0, 8)} check digit ${JSON.stringify(rec.slice(11, 12))} differs from the computed ${check}`,
        );
    }
    let direction: Direction;
    if (!TRANSACTION_CODES.has(code)) {
      const second = code.charCodeAt(1) - 48;
      direction = second >= 5 && second <= 9 ? 'debit' : 'credit';
      this.warn(
        line,
        `${who}: transaction code ${JSON.stringify(code)} is not a NACHA transaction code; read as a ${direction}`,
      );
    } else if (adv || code.charCodeAt(0) === 56) {
      // ADV (Federal Reserve): 81, 83, 85, 87 credits; 82, 84, 86, 88 debits.
      direction = (code.charCodeAt(1) - 48) % 2 === 1 ? 'credit' : 'debit';
    } else {
      direction = code.charCodeAt(1) >= 53 ? 'debit' : 'credit';
    }
    if (amount > 0 && PRENOTE_CODES.has(code))
      this.warn(line, `${who}: prenotification (transaction code ${code}) carries amount ${money(amount)}`);
    if (direction === 'debit') {
      batch.debit.add(amount);
      this.fileDebit.add(amount);
    } else {
      batch.credit.add(amount);
      this.fileCredit.add(amount);
    }
    batch.records++;
    this.fileEntryAddenda++;
    if (!batch.serviceClassWarned) {
      const sc = batch.serviceClass;
      if ((sc === '220' && direction === 'debit') || (sc === '225' && direction === 'credit')) {
        batch.serviceClassWarned = true;
        this.warn(
          line,
          `${who} is a ${direction}, but its batch's service class code ${sc} allows ${sc === '220' ? 'credits' : 'debits'} only`,
        );
      }
    }

    let name: string | null = null;
    let individualId: string | null = null;
    let checkSerial: string | null = null;
    let originalTrace: string | null = null;
    let statedAddenda = -1;
    switch (layout) {
      case Layout.Standard:
        individualId = text(rec, 39, 54);
        name = text(rec, 54, 76);
        break;
      case Layout.NameFirst:
        name = text(rec, 39, 54);
        individualId = text(rec, 54, 76);
        break;
      case Layout.Corporate:
        individualId = text(rec, 39, 54);
        statedAddenda = digits(rec, 54, 58);
        name = text(rec, 58, 74);
        break;
      case Layout.Atx:
        originalTrace = text(rec, 39, 54);
        statedAddenda = digits(rec, 54, 58);
        name = text(rec, 58, 74);
        break;
      case Layout.Ack:
        originalTrace = text(rec, 39, 54);
        name = text(rec, 54, 76);
        break;
      case Layout.Check:
        checkSerial = text(rec, 39, 54);
        name = text(rec, 54, 76);
        break;
      case Layout.Pop:
        checkSerial = text(rec, 39, 48);
        name = text(rec, 54, 76);
        break;
      case Layout.Truncated:
        checkSerial = text(rec, 39, 54);
        break;
      case Layout.Shr:
        break;
      case Layout.Iat:
        // The receiver's name comes with addenda 10.
        break;
      case Layout.Adv:
        name = text(rec, 54, 76);
        break;
    }
    if (trace === '') this.warn(line, `entry at line ${line} has no trace number`);
    // DFI account numbers are left-justified: the right padding goes, inner blanks stay (issue751).
    const acct = account.trimEnd();
    const routing = rdfi.trim();
    const indicator = rec.charCodeAt(78) - 48;
    this.current = {
      entry: {
        trace,
        amount: money(amount),
        direction,
        name,
        account: acct === '' ? null : routing === '' ? acct : `${routing}:${acct}`,
        return_code: null,
        noc_code: null,
        corrected_data: null,
        addenda: [],
        line,
        transaction_code: code,
        sec_code: batch.sec,
        company_name: batch.companyName,
        company_id: batch.companyId,
        company_entry_description: batch.description,
        effective_date: batch.effectiveDate,
        individual_id: individualId,
        check_serial_number: checkSerial,
        dfi_account: account,
        original_trace: originalTrace,
        return_codes: [],
        return_information: null,
        addenda_types: [],
      },
      indicator,
      statedAddenda,
      payment: 0,
      overflow: false,
      layout,
    };
  }

  private addenda(rec: string, line: number): void {
    const batch = this.batch;
    if (batch !== null) batch.records++;
    this.fileEntryAddenda++;
    const pending = this.current;
    const type = rec.slice(1, 3);
    if (pending === null) {
      // Reported once per run, naming each type (and the return or change code) so nothing is lost.
      const code = type === '98' || type === '99' ? rec.slice(3, 6).trim() : '';
      this.orphans ??= { line, count: 0, items: [] };
      this.orphans.count++;
      if (this.orphans.items.length < MAX_LISTED)
        this.orphans.items.push(code === '' ? type : `${type} ${code}`);
      return;
    }
    const entry = pending.entry;
    // A CTX entry may carry up to 9,999 addenda (positions 55-58); more is garbage, not kept, so that
    // one entry cannot hold a whole file.
    if (entry.addenda_types.length >= MAX_ADDENDA) {
      if (!pending.overflow) {
        pending.overflow = true;
        this.warn(
          line,
          `${describe(entry)} has more than ${MAX_ADDENDA} addenda records; the rest are not read`,
        );
      }
      return;
    }
    entry.addenda_types.push(type);
    switch (type) {
      case '05':
      case '17':
        // 05 payment related information (PPD, CCD+, CTX, WEB, ...) and IAT 17 remittance information:
        // 4-83 free text (a CTX carries an X12 820 spread over many of them, kept in order), 84-87
        // addenda sequence number, 88-94 entry detail sequence number.
        entry.addenda.push(rec.slice(3, 83).trimEnd());
        pending.payment++;
        return;
      case '98': {
        // Notification of change: 4-6 change code, 7-21 original entry trace, 22-27 reserved, 28-35
        // original receiving DFI, 36-64 corrected data, 65-79 reserved, 80-94 trace number. Refused
        // NOCs (C61-C69) keep the same positions for these fields.
        const nocCode = rec.slice(3, 6).trim();
        if (entry.noc_code !== null) {
          this.warn(
            line,
            `${describe(entry)} has a second notification of change (${nocCode}); the first (${entry.noc_code}) is kept`,
          );
          return;
        }
        entry.noc_code = nocCode === '' ? null : nocCode;
        if (!isChangeCode(nocCode))
          this.warn(line, `${describe(entry)}: ${JSON.stringify(nocCode)} is not a NACHA change code`);
        entry.corrected_data = text(rec, 35, 64);
        entry.original_trace = text(rec, 6, 21);
        return;
      }
      case '99': {
        // Return: 4-6 return reason code, 7-21 original entry trace, 22-27 date of death, 28-35
        // original receiving DFI, 36-79 addenda information, 80-94 trace number. A dishonored return
        // (R61-R70, sent by the ODFI) puts the return trace in 39-53 and its information in 59-79; a
        // contested dishonored return (R71-R77, sent back by the RDFI) fills 22-78 with the original,
        // return and dishonor dates and traces, and has no information field.
        const code = rec.slice(3, 6).trim();
        entry.return_codes.push(code);
        if (entry.return_code !== null) {
          if (entry.return_codes.length === 2)
            this.warn(
              line,
              `${describe(entry)} has more than one return addenda; return_code is the first (${entry.return_code})`,
            );
          return;
        }
        entry.return_code = code === '' ? null : code;
        if (!isReturnCode(code))
          this.warn(line, `${describe(entry)}: ${JSON.stringify(code)} is not a NACHA return reason code`);
        entry.original_trace = text(rec, 6, 21);
        const n = code.startsWith('R') ? Number(code.slice(1)) : 0;
        if (n >= 61 && n <= 70) entry.return_information = text(rec, 58, 79);
        else if (n < 71 || n > 77) entry.return_information = text(rec, 35, 79);
        return;
      }
      case '02':
        // POS, SHR, MTE terminal information: nothing spec section 4 carries.
        return;
      case '10':
        // IAT: 4-6 transaction type, 7-24 foreign payment amount, 25-46 foreign trace, 47-81 receiver's name.
        if (pending.layout === Layout.Iat && entry.name === null) entry.name = text(rec, 46, 81);
        return;
      case '11':
        // IAT: 4-38 originator's name, 39-73 originator's street address.
        if (pending.layout === Layout.Iat && entry.company_name === null)
          entry.company_name = text(rec, 3, 38);
        return;
      case '12':
      case '13':
      case '14':
      case '15':
      case '16':
      case '18':
        // IAT parties and banks (originator's city, ODFI, RDFI, receiver's address, correspondent banks).
        return;
      default:
        this.warn(line, `${describe(entry)}: unknown addenda type ${JSON.stringify(type)}; ignored`);
    }
  }

  private flushOrphans(): void {
    const orphans = this.orphans;
    if (orphans === null) return;
    this.orphans = null;
    const more = orphans.count > orphans.items.length ? ', ...' : '';
    this.warn(
      orphans.line,
      `skipped ${orphans.count} addenda record(s) with no entry detail record before them: ${orphans.items.join(', ')}${more}`,
    );
  }

  /** Reports the entry being read, once its addenda are all in. */
  private flushEntry(): void {
    const pending = this.current;
    if (pending === null) return;
    this.current = null;
    const entry = pending.entry;
    const count = entry.addenda_types.length;
    // Addenda record indicator (position 79): 1 when addenda follow, else 0.
    if (pending.indicator === 0 && count > 0)
      this.warn(
        entry.line,
        `${describe(entry)} has addenda record indicator 0 but ${count} addenda record(s) follow`,
      );
    else if (pending.indicator === 1 && count === 0)
      this.warn(
        entry.line,
        `${describe(entry)} has addenda record indicator 1 but no addenda record follows`,
      );
    else if (pending.indicator !== 0 && pending.indicator !== 1)
      this.warn(
        entry.line,
        `${describe(entry)}: addenda record indicator ${JSON.stringify(String.fromCharCode(pending.indicator + 48))} is not 0 or 1`,
      );
    if (
      pending.statedAddenda >= 0 &&
      pending.statedAddenda !== pending.payment &&
      entry.return_code === null &&
      entry.noc_code === null
    )
      this.warn(
        entry.line,
        `${describe(entry)} states ${pending.statedAddenda} addenda record(s) (positions 55-58), but ${pending.payment} follow`,
      );
    this.sink.achEntry(entry);
  }

  private batchControl(rec: string, line: number): void {
    const batch = this.batch;
    if (batch === null) {
      this.controlWarn(line, 'batch control record without a batch header or entries before it; not checked');
      return;
    }
    this.batch = null;
    if (isBlank(rec.slice(1))) {
      this.controlWarn(line, 'the batch control record is empty; the batch totals are not checked');
      return;
    }
    // 2-4 service class code, 5-10 entry/addenda count, 11-20 entry hash, 21-32 total debit, 33-44
    // total credit, 45-54 company identification, 55-73 message authentication code, 74-79 reserved,
    // 80-87 originating DFI, 88-94 batch number. ADV: 21-40 debit and 41-60 credit (20 digits each),
    // 61-79 ACH operator data.
    const adv = batch.adv;
    const serviceClass = rec.slice(1, 4);
    if (batch.declared && serviceClass !== batch.serviceClass)
      this.warn(
        line,
        `batch control service class code ${serviceClass} differs from the batch header's ${batch.serviceClass}`,
      );
    this.checkCount(
      line,
      'batch control entry/addenda count',
      rec.slice(4, 10),
      batch.records,
      'entry and addenda records in the batch',
    );
    this.checkHash(line, 'batch control', rec.slice(10, 20), batch.hash);
    this.checkTotal(
      line,
      'batch control total debit',
      adv ? rec.slice(20, 40) : rec.slice(20, 32),
      batch.debit,
      "the batch's debit entries",
    );
    this.checkTotal(
      line,
      'batch control total credit',
      adv ? rec.slice(40, 60) : rec.slice(32, 44),
      batch.credit,
      "the batch's credit entries",
    );
    if (!batch.declared) return;
    // The identifiers repeat the batch header's. A blank company identification (moov's IAT batches
    // leave it so) is not given rather than different.
    if (!adv) {
      const companyId = text(rec, 44, 54);
      if (companyId !== null && companyId !== batch.companyId)
        this.warn(
          line,
          `batch control company identification ${JSON.stringify(companyId ?? '')} differs from the batch header's ${JSON.stringify(batch.companyId ?? '')}`,
        );
    }
    const odfi = rec.slice(79, 87);
    if (odfi !== batch.odfi)
      this.warn(
        line,
        `batch control originating DFI ${JSON.stringify(odfi)} differs from the batch header's ${JSON.stringify(batch.odfi)}`,
      );
    const batchNumber = rec.slice(87, 94);
    if (batchNumber !== batch.batchNumber)
      this.warn(
        line,
        `batch control batch number ${JSON.stringify(batchNumber)} differs from the batch header's ${JSON.stringify(batch.batchNumber)}`,
      );
  }

  private missingBatchControl(line: number | null): void {
    const batch = this.batch;
    if (batch === null) return;
    this.batch = null;
    this.controlWarn(
      line,
      batch.declared
        ? `the batch that begins at line ${batch.line} has no batch control record; its totals are not checked`
        : `the entries from line ${batch.line} have no batch header or batch control record; their totals are not checked`,
    );
  }

  private fileControl(rec: string, line: number): void {
    if (this.batch !== null) this.missingBatchControl(line);
    this.controlSeen = true;
    if (isBlank(rec.slice(1))) {
      this.controlWarn(line, 'the file control record is empty; the file totals are not checked');
      return;
    }
    // 2-7 batch count, 8-13 block count, 14-21 entry/addenda count, 22-31 entry hash, 32-43 total debit,
    // 44-55 total credit, 56-94 reserved. ADV files: 32-51 debit and 52-71 credit (20 digits each).
    const adv = this.anyAdv;
    const control: NachaFileControl = {
      line,
      batch_count: nullIfNegative(digits(rec, 1, 7)),
      block_count: nullIfNegative(digits(rec, 7, 13)),
      entry_addenda_count: nullIfNegative(digits(rec, 13, 21)),
      entry_hash: rec.slice(21, 31),
      total_debit: amountField(adv ? rec.slice(31, 51) : rec.slice(31, 43)),
      total_credit: amountField(adv ? rec.slice(51, 71) : rec.slice(43, 55)),
    };
    this.checkCount(
      line,
      'file control batch count',
      rec.slice(1, 7),
      this.fileBatches,
      'batch header records in the file',
    );
    // The block count takes every record of the file, some of which may come after this one.
    this.blockCheck = { line, field: rec.slice(7, 13) };
    this.checkCount(
      line,
      'file control entry/addenda count',
      rec.slice(13, 21),
      this.fileEntryAddenda,
      'entry and addenda records in the file',
    );
    this.checkHash(line, 'file control', rec.slice(21, 31), this.fileHash);
    this.checkTotal(
      line,
      'file control total debit',
      adv ? rec.slice(31, 51) : rec.slice(31, 43),
      this.fileDebit,
      "the file's debit entries",
    );
    this.checkTotal(
      line,
      'file control total credit',
      adv ? rec.slice(51, 71) : rec.slice(43, 55),
      this.fileCredit,
      "the file's credit entries",
    );
    this.options.onFileControl?.(control);
  }

  private checkCount(line: number, what: string, field: string, computed: number, of: string): void {
    const stated = digits(field, 0, field.length);
    if (stated < 0)
      this.controlWarn(
        line,
        `${what} ${JSON.stringify(field)} is not a number (the computed count is ${computed})`,
      );
    else if (stated !== computed)
      this.controlWarn(line, `${what} ${stated} differs from the ${computed} ${of}`);
  }

  private checkHash(line: number, what: string, field: string, hash: number): void {
    // The entry hash keeps the ten low-order digits of the sum.
    const computed = String(hash % 1e10).padStart(10, '0');
    if (digits(field, 0, field.length) < 0)
      this.controlWarn(
        line,
        `${what} entry hash ${JSON.stringify(field)} is not a number (computed ${computed})`,
      );
    else if (field !== computed)
      this.controlWarn(
        line,
        `${what} entry hash ${field} differs from the computed ${computed} (the sum of the entries' receiving DFI numbers)`,
      );
  }

  private checkTotal(line: number, what: string, field: string, sum: Sum, of: string): void {
    const computed = money(sum.value());
    const stated = amountField(field);
    if (stated === null)
      this.controlWarn(
        line,
        `${what} ${JSON.stringify(field)} is not an amount (the computed total is ${computed})`,
      );
    else if (stated !== computed)
      this.controlWarn(line, `${what} ${stated} differs from the sum of ${of} ${computed}`);
  }

  /** A harmless oddity (a field out of the rules, an unknown code): reported, not a reason to refuse. */
  private warn(line: number | null, message: string): void {
    this.sink.warning({ line, message, severity: 'notice' });
  }

  /** A control the file breaks or lacks (counts, hash, totals): an import refuses it unless accepted. */
  private controlWarn(line: number | null, message: string): void {
    this.sink.warning({ line, message });
  }
}

/**
 * A control character (C0 or DEL) other than CR and LF: written as what it is not, printable ASCII
 * and everything from U+0080, which V8 scans about twice as fast as the ranges themselves.
 */
const CONTROL = /[^\n\r -~\x80-\uffff]/;

/** Whether `chunk` may hold a control character, for the line breaks of `mode`. */
function mayHoldControl(chunk: string, mode: Mode): boolean {
  if (CONTROL.test(chunk)) return true;
  // A CR is the line break in CR mode and half of one (CRLF) in LF mode; an LF in CR mode, or a CR not
  // followed by an LF in LF mode, is a control character (one at the end of a chunk counts: harmless).
  if (mode === Mode.Cr) return chunk.indexOf('\n') !== -1;
  for (let i = chunk.indexOf('\r'); i !== -1; i = chunk.indexOf('\r', i + 1))
    if (chunk.charCodeAt(i + 1) !== 10) return true;
  return false;
}

/** The first control character (C0 or DEL) in `s`, or -1. */
function controlCharacterIn(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return c;
  }
  return -1;
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function isRecordType(c: number): boolean {
  return c === 49 || (c >= 53 && c <= 57);
}

function firstBreak(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}

/** The length a record needs to hold its last mandatory field; shorter means data was cut off. */
function minLength(rec: string): number {
  switch (rec.charCodeAt(0)) {
    case 49:
      return 40; // the format code; the names and reference code after it are optional
    case 57:
      return 55; // the file control's totals; 56-94 are reserved blanks
    default:
      return RECORD; // batch number, trace number or entry detail sequence number end at 94
  }
}

function nullIfNegative(n: number): number | null {
  return n < 0 ? null : n;
}

/** A zero-filled field of cents as a decimal string, or null when not digits. */
function amountField(field: string): string | null {
  if (field.length === 0) return null;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return money(field.length > 15 ? BigInt(field) : Number(field));
}

function describe(entry: AchEntry): string {
  return entry.trace === '' ? `the entry at line ${entry.line}` : `entry ${entry.trace}`;
}

export const createNachaParser: ParserFactory<NachaParserOptions> = (sink, options) =>
  new NachaParser(sink, options);
