import { isCurrencyCode } from '../../../core/currency.ts';
import { decimalFromMinor, exponentOf, normalizeDecimal } from '../amounts.ts';
import { unreadable } from '../bank-files.errors.ts';
import type { Direction, FormatParser, ParserFactory, ParseSink, StatementEntry } from '../model.ts';

/**
 * OFX (Open Financial Exchange) statements as a push parser, both OFX 1.x (SGML: a `KEY:VALUE` header,
 * then tags whose data elements have no end tag, `<TRNAMT>-6.60<FITID>…`) and OFX 2.x (XML with an
 * `<?OFX … VERSION="211"?>` processing instruction). One tokenizer reads both: a start tag followed by
 * text is a data element, which its end tag (XML) or the next tag (SGML) ends; a start tag followed by
 * another tag opens an aggregate, which its end tag closes (OFX 2.1.1 specification, sections 2.3–2.4).
 *
 * Read: bank (`STMTRS`), credit card (`CCSTMTRS`) and the cash transactions (`INVBANKTRAN`) of
 * investment statements (`INVSTMTRS`), one statement per account; `CURDEF` → currency,
 * `ACCTID` → account (the bank id `BANKID`/`BROKERID` has no field in spec section 4),
 * `LEDGERBAL/BALAMT` → closing balance; each `STMTTRN` → an entry: `TRNAMT` sign → direction,
 * `DTPOSTED` → booking date, `DTAVAIL` → value date, `FITID` → reference, `CHECKNUM` → check number,
 * `PAYEE/NAME` or `NAME` → counterparty name, `BANKACCTTO`/`CCACCTTO` → counterparty account,
 * `MEMO` → remittance text, `TRNTYPE` → type code, `REFNUM` → customer reference. Security
 * transactions of investment statements (buys, sells, income…) are counted in a warning, not read.
 *
 * A file without an `<OFX>` element, an entry without a readable `TRNAMT`, or a file that ends inside
 * a statement is unreadable. Failed sign-on or statement responses (`STATUS/CODE` other than 0),
 * unreadable dates and balances are warnings.
 */
export const createOfxParser: ParserFactory = (sink, options) => new OfxParser(sink, options.fileName);

/** Aggregates of the OFX specification (they have end tags); any other tag is a data element. */
const AGGREGATES = new Set([
  'OFX',
  'SIGNONMSGSRSV1',
  'SONRS',
  'STATUS',
  'FI',
  'BANKMSGSRSV1',
  'STMTTRNRS',
  'STMTRS',
  'BANKACCTFROM',
  'BANKACCTTO',
  'BANKTRANLIST',
  'STMTTRN',
  'PAYEE',
  'LEDGERBAL',
  'AVAILBAL',
  'BALLIST',
  'BAL',
  'CURRENCY',
  'ORIGCURRENCY',
  'CREDITCARDMSGSRSV1',
  'CCSTMTTRNRS',
  'CCSTMTRS',
  'CCACCTFROM',
  'CCACCTTO',
  'INVSTMTMSGSRSV1',
  'INVSTMTTRNRS',
  'INVSTMTRS',
  'INVACCTFROM',
  'INVACCTTO',
  'INVTRANLIST',
  'INVBANKTRAN',
  'INVTRAN',
  'INVPOSLIST',
  'INVBAL',
  'INVOOLIST',
  'INVPOS',
  'SECID',
  'INVBUY',
  'INVSELL',
  'SECLISTMSGSRSV1',
  'SECLIST',
  'SECINFO',
  'SIGNUPMSGSRSV1',
  'ACCTINFOTRNRS',
  'ACCTINFORS',
  'ACCTINFO',
  'BANKACCTINFO',
  'CCACCTINFO',
  'INVACCTINFO',
  'MFASSETCLASS',
  'FIMFASSETCLASS',
  'PORTION',
  'FIPORTION',
  'INV401K',
  'INV401KBAL',
  'EXTBANKACCTFROM',
  'STMTENDRS',
  'CCSTMTENDRS',
  'CLOSING',
  // Investment transactions (OFX 2.1.1 section 13.9.2.4) that are not BUY…/SELL… aggregates.
  'INCOME',
  'TRANSFER',
  'REINVEST',
  'RETOFCAP',
  'SPLIT',
  'JRNLFUND',
  'JRNLSEC',
  'MARGININTEREST',
  'CLOSUREOPT',
  'INVEXPENSE',
]);

/** Aggregates by their form (`…MSGSRSV1`, `…TRNRS`, `STOCKINFO`, `BUYSTOCK`, `POSMF` …). */
const AGGREGATE_SUFFIX =
  /(MSGSRSV\d|MSGSRQV\d|TRNRS|TRNRQ|RS|RQ|INFO|LIST)$|^(BUY|SELL|POS)(STOCK|MF|DEBT|OPT|OTHER)$/;

const STATEMENT_AGGREGATES = new Set(['STMTRS', 'CCSTMTRS', 'INVSTMTRS']);
const ACCOUNT_FROM = new Set(['BANKACCTFROM', 'CCACCTFROM', 'INVACCTFROM']);

const MAX_DEPTH = 256;
/** The longest piece of markup (a tag, comment, CDATA section) held between pushes. */
const MAX_MARKUP = 1024 * 1024;
/** The longest data element kept (OFX elements are at most a few hundred characters). */
const MAX_VALUE = 64 * 1024;
/** Text before the first tag: an OFX header is a few hundred characters. */
const MAX_HEADER = 16 * 1024;
const MAX_WARNINGS = 1000;

interface Frame {
  name: string;
  line: number;
}

interface StatementState {
  kind: string;
  depth: number;
  line: number;
  account: string | null;
  currency: string | null;
  ledger: string | null;
  ledgerLine: number;
  emitted: boolean;
  skipped: Map<string, number>;
}

interface EntryState {
  depth: number;
  line: number;
  f: Map<string, string>;
  payee: string | null;
  toBank: string | null;
  toAccount: string | null;
  currency: string | null;
}

class OfxParser implements FormatParser {
  /** An ISO 4217 code, or null with a warning: a damaged file must not invent a currency. */
  private currencyCode(value: string): string | null {
    const code = value.trim().toUpperCase();
    if (code === '') return null;
    if (/^[A-Z]{3}$/.test(code)) return code;
    this.sink.warning({
      line: this.line,
      message: `currency ${JSON.stringify(value.slice(0, 20))} is not an ISO 4217 code; ignored`,
    });
    return null;
  }

  private buf = '';
  private line = 1;
  private nextNewline = -1;
  private sawOfx = false;
  private header = '';
  private version: string | null = null;
  private warnings = 0;
  private readonly warned = new Set<string>();

  private readonly stack: Frame[] = [];
  /** A start tag not yet known to open an aggregate or a data element (no object per tag: speed). */
  private openName: string | null = null;
  private openLine = 0;
  /** The data element being read and its text so far. */
  private leafName: string | null = null;
  private leafText = '';
  private leafLine = 0;

  private statement: StatementState | null = null;
  private statements = 0;
  private entry: EntryState | null = null;
  private status: { code: string; severity: string; message: string; line: number } | null = null;
  private trnuid: string | null = null;

  constructor(
    private readonly sink: ParseSink,
    private readonly fileName: string,
  ) {}

  push(chunk: string): void {
    if (this.buf !== '' && !chunk.includes('>') && !chunk.includes('<')) {
      // The unfinished markup still cannot end: keep it without scanning it again (no quadratic time).
      this.buf += chunk;
      if (this.buf.length > MAX_MARKUP)
        throw unreadable(
          this.fileName,
          this.line,
          `markup longer than ${MAX_MARKUP} characters that does not end`,
        );
      return;
    }
    this.buf = this.buf === '' ? chunk : this.buf + chunk;
    this.scan(false);
  }

  end(): void {
    this.scan(true);
    if (this.leafName !== null) this.endLeaf();
    if (this.openName !== null) this.resolvePending();
    if (!this.sawOfx) throw unreadable(this.fileName, 1, 'no <OFX> element found: not an OFX file');
    if (this.entry !== null)
      throw unreadable(
        this.fileName,
        this.entry.line,
        `the file ends inside the <STMTTRN> opened on line ${this.entry.line}: it is truncated`,
      );
    if (this.statement !== null)
      throw unreadable(
        this.fileName,
        this.statement.line,
        `the file ends inside the <${this.statement.kind}> opened on line ${this.statement.line}: it is truncated`,
      );
    if (this.stack.length > 0)
      this.warn(this.line, `the file ends before </${this.stack[0]?.name}> (end tags are missing)`);
    if (this.statements === 0)
      this.warn(null, 'the file holds no statement (no STMTRS, CCSTMTRS or INVSTMTRS)');
  }

  // ---- tokenizer ----

  /** Reads what the buffer holds; keeps an unfinished piece of markup for the next push. */
  private scan(atEnd: boolean): void {
    const buf = this.buf;
    const n = buf.length;
    this.nextNewline = buf.indexOf('\n');
    let pos = 0;
    while (pos < n) {
      const lt = buf.indexOf('<', pos);
      if (lt < 0) {
        this.text(buf, pos, n);
        pos = n;
        break;
      }
      if (lt > pos) this.text(buf, pos, lt);
      pos = lt;
      let end: number;
      const next = buf.charCodeAt(lt + 1);
      if (next === 33 /* ! */ && buf.startsWith('<!--', lt)) {
        end = buf.indexOf('-->', lt + 4);
        if (end < 0) break;
        end += 3;
      } else if (next === 33 && buf.startsWith('<![CDATA[', lt)) {
        end = buf.indexOf(']]>', lt + 9);
        if (end < 0) break;
        // Kept verbatim: escaped here so that entity decoding of the whole value restores it.
        this.textValue(escapeText(buf.slice(lt + 9, end)));
        end += 3;
      } else if (next === 63 /* ? */) {
        end = buf.indexOf('?>', lt + 2);
        if (end < 0) break;
        this.instruction(buf.slice(lt + 2, end));
        end += 2;
      } else {
        const gt = buf.indexOf('>', lt + 1);
        const nextLt = buf.indexOf('<', lt + 1);
        if (gt < 0 && nextLt < 0) break; // a tag that the next push may finish
        if (gt < 0 || (nextLt >= 0 && nextLt < gt)) {
          // `<` that does not open a tag (`A < B` in SGML text) is text.
          this.textValue('&lt;');
          end = lt + 1;
        } else {
          if (next !== 33) this.tag(buf.slice(lt + 1, gt));
          end = gt + 1;
        }
      }
      this.advance(buf, end);
      pos = end;
    }
    this.buf = pos >= n ? '' : buf.slice(pos);
    if (this.buf.length > MAX_MARKUP)
      throw unreadable(
        this.fileName,
        this.line,
        `markup longer than ${MAX_MARKUP} characters that does not end`,
      );
    if (atEnd && this.buf !== '') {
      const rest = this.buf;
      this.buf = '';
      if (this.sawOfx) this.warn(this.line, `the file ends inside markup "${rest.slice(0, 40)}"`);
    }
  }

  /** Counts the line ends before `to` (each newline of a buffer is looked up once). */
  private advance(buf: string, to: number): void {
    let nl = this.nextNewline;
    while (nl >= 0 && nl < to) {
      this.line++;
      nl = buf.indexOf('\n', nl + 1);
    }
    this.nextNewline = nl;
  }

  private text(buf: string, from: number, to: number): void {
    this.advance(buf, to);
    if (!this.sawOfx) {
      // The OFX 1.x header (`OFXHEADER:100`, `VERSION:102` …) before the first tag.
      if (this.header.length + to - from > MAX_HEADER)
        throw unreadable(this.fileName, 1, 'no <OFX> element at the start of the file: not an OFX file');
      this.header += buf.slice(from, to);
      return;
    }
    this.textValue(buf.slice(from, to));
  }

  private textValue(raw: string): void {
    if (this.leafName !== null) {
      if (this.leafText.length < MAX_VALUE) this.leafText += raw;
      else
        this.warnOnce(
          'long',
          this.leafLine,
          `<${this.leafName}> is longer than ${MAX_VALUE} characters; cut`,
        );
      return;
    }
    if (this.openName !== null && !isBlank(raw)) {
      this.leafName = this.openName;
      this.leafText = raw;
      this.leafLine = this.openLine;
      this.openName = null;
    }
    // Other text sits between aggregates (white space, or stray text that carries nothing).
  }

  private instruction(body: string): void {
    // OFX 2.x: <?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" …?>
    if (body.startsWith('OFX')) {
      const m = /VERSION\s*=\s*"([^"]*)"/.exec(body);
      if (m?.[1]) this.version = m[1];
    }
  }

  private tag(content: string): void {
    if (content.charCodeAt(0) === 47 /* / */) {
      this.endTag(tagName(content.slice(1)));
      return;
    }
    const selfClosing = content.endsWith('/');
    const name = tagName(selfClosing ? content.slice(0, -1) : content);
    if (name === '') return;
    if (!this.sawOfx) {
      if (name !== 'OFX')
        throw unreadable(this.fileName, this.line, `<${name}> where <OFX> should begin: not an OFX file`);
      this.sawOfx = true;
      this.version ??= /(?:^|\n)\s*VERSION\s*:\s*(\S+)/.exec(this.header)?.[1] ?? null;
      this.sink.version(this.version);
      this.header = '';
    }
    if (this.leafName !== null) this.endLeaf();
    if (this.openName !== null) this.resolvePending();
    if (selfClosing) this.element(name, '', this.line);
    else {
      this.openName = name;
      this.openLine = this.line;
    }
  }

  private endTag(name: string): void {
    if (this.leafName !== null) {
      const same = this.leafName === name;
      this.endLeaf();
      if (same) return;
    }
    if (this.openName !== null) {
      if (this.openName === name) {
        this.openName = null;
        this.element(name, '', this.line);
        return;
      }
      this.resolvePending();
    }
    for (let i = this.stack.length - 1; i >= 0; i--) {
      if ((this.stack[i] as Frame).name === name) {
        // Aggregates above it were left open: SGML closes them here.
        while (this.stack.length > i) this.closeAggregate(this.stack.length - 1);
        return;
      }
    }
    // An end tag with nothing open of that name: an element this parser read as data (or a stray tag).
  }

  /** A start tag followed by another tag: an aggregate if the specification says so, else an empty element. */
  private resolvePending(): void {
    const name = this.openName as string;
    this.openName = null;
    if (AGGREGATES.has(name) || AGGREGATE_SUFFIX.test(name))
      this.openAggregate({ name, line: this.openLine });
    else this.element(name, '', this.openLine);
  }

  private endLeaf(): void {
    const name = this.leafName as string;
    const text = this.leafText;
    this.leafName = null;
    this.leafText = '';
    this.element(name, decodeEntities(text).trim(), this.leafLine);
  }

  // ---- structure ----

  private openAggregate(frame: Frame): void {
    if (this.stack.length >= MAX_DEPTH)
      throw unreadable(this.fileName, frame.line, `elements nested deeper than ${MAX_DEPTH}`);
    this.stack.push(frame);
    const depth = this.stack.length - 1;
    switch (frame.name) {
      case 'STMTRS':
      case 'CCSTMTRS':
      case 'INVSTMTRS':
        if (this.statement !== null) this.finishStatement();
        this.statement = {
          kind: frame.name,
          depth,
          line: frame.line,
          account: null,
          currency: null,
          ledger: null,
          ledgerLine: frame.line,
          emitted: false,
          skipped: new Map(),
        };
        return;
      case 'STMTTRN':
        if (this.statement === null) {
          this.warnOnce('stray-stmttrn', frame.line, '<STMTTRN> outside a statement; it is skipped');
          return;
        }
        if (this.entry !== null) {
          this.warn(this.entry.line, '<STMTTRN> without its end tag');
          this.finishEntry();
        }
        this.emitStatement(this.statement);
        this.entry = {
          depth,
          line: frame.line,
          f: new Map(),
          payee: null,
          toBank: null,
          toAccount: null,
          currency: null,
        };
        return;
      case 'INVTRAN':
        this.countSecurityTransaction(depth);
        return;
      case 'STATUS':
        this.status = { code: '', severity: '', message: '', line: frame.line };
        return;
      default:
        return;
    }
  }

  private closeAggregate(index: number): void {
    const frame = this.stack.pop() as Frame;
    switch (frame.name) {
      case 'STMTTRN':
        if (this.entry !== null && this.entry.depth === index) this.finishEntry();
        return;
      case 'STMTRS':
      case 'CCSTMTRS':
      case 'INVSTMTRS':
        if (this.statement !== null && this.statement.depth === index) {
          if (this.entry !== null) this.finishEntry();
          this.finishStatement();
        }
        return;
      case 'STATUS':
        this.finishStatus(index);
        return;
      default:
        return;
    }
  }

  private countSecurityTransaction(depth: number): void {
    const s = this.statement;
    if (s === null || s.kind !== 'INVSTMTRS') return;
    // The kind is the aggregate right inside INVTRANLIST (BUYSTOCK, INCOME, TRANSFER …).
    for (let i = s.depth + 1; i < depth; i++) {
      if (this.stack[i]?.name === 'INVTRANLIST') {
        const kind = this.stack[i + 1]?.name;
        if (kind === undefined || kind === 'INVBANKTRAN') return;
        s.skipped.set(kind, (s.skipped.get(kind) ?? 0) + 1);
        return;
      }
    }
  }

  private finishStatus(index: number): void {
    const st = this.status;
    this.status = null;
    if (st === null || st.code === '' || st.code === '0') return;
    const owner = this.stack[index - 1]?.name ?? 'OFX';
    const what =
      owner === 'SONRS' ? 'sign-on' : `response <${owner}>${this.trnuid ? ` (TRNUID ${this.trnuid})` : ''}`;
    this.warn(
      st.line,
      `${what} failed: status ${st.code}${st.severity ? ` ${st.severity}` : ''}${st.message ? `: ${st.message}` : ''}`,
    );
  }

  /** A data element and its value, by the aggregate it sits in. */
  private element(name: string, value: string, line: number): void {
    const parent = this.stack[this.stack.length - 1]?.name;
    if (parent === undefined) return;
    if (parent === 'STATUS') {
      if (this.status === null) return;
      if (name === 'CODE') this.status.code = value;
      else if (name === 'SEVERITY') this.status.severity = value;
      else if (name === 'MESSAGE') this.status.message = value;
      return;
    }
    if (name === 'TRNUID' && parent.endsWith('TRNRS')) {
      this.trnuid = value || null;
      return;
    }
    const e = this.entry;
    if (e !== null) {
      if (parent === 'STMTTRN') {
        if (!e.f.has(name)) e.f.set(name, value);
      } else if (parent === 'PAYEE') {
        if (name === 'NAME') e.payee = value;
      } else if (parent === 'BANKACCTTO' || parent === 'CCACCTTO') {
        if (name === 'ACCTID') e.toAccount = value;
        else if (name === 'BANKID') e.toBank = value;
      } else if (parent === 'CURRENCY') {
        // CURRENCY: the amount is in this currency; ORIGCURRENCY: it was converted to CURDEF (OFX 5.2).
        if (name === 'CURSYM') e.currency = this.currencyCode(value);
      }
      return;
    }
    const s = this.statement;
    if (s === null) return;
    if (STATEMENT_AGGREGATES.has(parent)) {
      if (name === 'CURDEF') s.currency = this.currencyCode(value);
    } else if (ACCOUNT_FROM.has(parent) && this.stack.length - 2 === s.depth) {
      if (name === 'ACCTID') s.account = value;
    } else if (parent === 'LEDGERBAL' && this.stack.length - 2 === s.depth) {
      if (name === 'BALAMT') {
        s.ledger = value;
        s.ledgerLine = line;
      }
    }
  }

  // ---- statements and entries ----

  private emitStatement(s: StatementState): void {
    if (s.emitted) return;
    s.emitted = true;
    this.statements++;
    if (s.account === null || s.account === '') this.warn(s.line, `<${s.kind}> has no account (<ACCTID>)`);
    this.sink.statement({
      account: s.account ?? '',
      currency: s.currency,
      opening_balance: null,
      closing_balance: null,
    });
  }

  private finishStatement(): void {
    const s = this.statement as StatementState;
    this.statement = null;
    this.emitStatement(s);
    if (s.ledger !== null) {
      const amount = readOfxAmount(s.ledger, s.currency);
      if (amount === null)
        this.warn(
          s.ledgerLine,
          `ledger balance <BALAMT> "${s.ledger}" is not an amount; the closing balance is left out`,
        );
      else {
        if (amount.rounded)
          this.warn(
            s.ledgerLine,
            `ledger balance ${s.ledger} has more decimals than ${s.currency} has; rounded half-even to ${amount.decimal}`,
          );
        this.sink.balances({ closing_balance: amount.decimal });
      }
    }
    if (s.skipped.size > 0) {
      const total = [...s.skipped.values()].reduce((a, b) => a + b, 0);
      const kinds = [...s.skipped].map(([k, c]) => `${k} ×${c}`).join(', ');
      this.warn(
        s.line,
        `investment statement of account ${s.account ?? '(none)'}: ${total} security transactions (${kinds}) are not read; only its cash transactions (INVBANKTRAN) are`,
      );
    }
  }

  private finishEntry(): void {
    const e = this.entry as EntryState;
    this.entry = null;
    const s = this.statement;
    const f = e.f;
    const currency = e.currency ?? s?.currency ?? null;
    const raw = f.get('TRNAMT');
    if (raw === undefined || raw === '')
      throw unreadable(this.fileName, e.line, '<STMTTRN> has no amount (<TRNAMT>)');
    const amount = readOfxAmount(raw, currency);
    if (amount === null) throw unreadable(this.fileName, e.line, `<TRNAMT> "${raw}" is not an amount`);
    if (amount.rounded)
      this.warn(
        e.line,
        `amount ${raw} has more decimals than ${currency} has; rounded half-even to ${amount.decimal}`,
      );
    const negative = amount.decimal.startsWith('-');
    const type = (f.get('TRNTYPE') ?? '').toUpperCase() || null;
    const zero = /^0(\.0*)?$/.test(amount.decimal);
    const direction: Direction = negative || (zero && DEBIT_TYPES.has(type ?? '')) ? 'debit' : 'credit';

    const posted = f.get('DTPOSTED');
    let booking: string | null = null;
    if (posted === undefined || posted === '')
      this.warn(e.line, '<STMTTRN> has no posting date (<DTPOSTED>)');
    else {
      booking = ofxDate(posted);
      if (booking === null) this.warn(e.line, `<DTPOSTED> "${posted}" is not a date`);
    }
    const avail = f.get('DTAVAIL') || f.get('VALUEDATE');
    let valueDate: string | null = null;
    if (avail) {
      valueDate = ofxDate(avail);
      if (valueDate === null) this.warn(e.line, `<DTAVAIL> "${avail}" is not a date`);
    }
    const check = f.get('CHECKNUM');
    let account: string | null = null;
    if (e.toAccount) {
      // Spec section 4: the IBAN, else ROUTING:ACCOUNT when BANKID is a routing number, else the account.
      const iban = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(e.toAccount.replace(/\s+/g, ''));
      const routing = e.toBank !== null && /^\d+$/.test(e.toBank);
      account = !iban && routing ? `${e.toBank}:${e.toAccount}` : e.toAccount;
    }
    const entry: StatementEntry = {
      reference: f.get('FITID') || null,
      booking_date: booking,
      value_date: valueDate,
      amount: negative ? amount.decimal.slice(1) : amount.decimal,
      direction,
      type_code: type,
      counterparty_name: collapse(e.payee || f.get('NAME') || '') || null,
      counterparty_account: account,
      end_to_end_id: null,
      // Exporters write CHECKNUM 0 when there is no cheque (Suncorp EFTPOS debits, bank_medium POS).
      check_number: check && !/^0*$/.test(check) ? check : null,
      customer_reference: f.get('REFNUM') || null,
      remittance_text: collapse(f.get('MEMO') ?? '') || null,
      return_reason: null,
      reversal: false,
      line: e.line,
    };
    if (currency !== null && currency !== (s?.currency ?? null)) entry.currency = currency;
    this.sink.entry(entry);
  }

  // ---- warnings ----

  private warn(line: number | null, message: string): void {
    this.warnings++;
    if (this.warnings < MAX_WARNINGS) this.sink.warning({ line, message });
    else if (this.warnings === MAX_WARNINGS)
      this.sink.warning({ line, message: `more than ${MAX_WARNINGS - 1} warnings; the rest are left out` });
  }

  private warnOnce(key: string, line: number | null, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(line, message);
  }
}

/** TRNTYPE values that take money out (OFX 2.1.1 section 11.4.4.3), for the direction of a zero amount. */
const DEBIT_TYPES = new Set([
  'DEBIT',
  'FEE',
  'SRVCHG',
  'ATM',
  'POS',
  'CHECK',
  'PAYMENT',
  'CASH',
  'DIRECTDEBIT',
  'REPEATPMT',
]);

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 32) return false;
  }
  return true;
}

function tagName(content: string): string {
  let end = 0;
  while (end < content.length && content.charCodeAt(end) > 32) end++;
  const name = content.slice(0, end);
  // OFX element names are upper case; some exporters write them otherwise.
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 97 && c <= 122) return name.toUpperCase();
  }
  return name;
}

function escapeText(text: string): string {
  return text.includes('&') || text.includes('<') ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;') : text;
}

const ENTITIES = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['nbsp', ' '],
]);

/** The predefined entities and numeric character references (XML 1.0 section 4.6; SGML OFX uses the same). */
function decodeEntities(text: string): string {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0) break;
    let decoded: string | undefined;
    if (semi - amp <= 10) {
      const ref = text.slice(amp + 1, semi);
      if (ref.charCodeAt(0) === 35 /* # */) {
        const hex = ref[1] === 'x' || ref[1] === 'X';
        const code = hex ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
        if (Number.isInteger(code) && code > 0 && code <= 0x10ffff) decoded = String.fromCodePoint(code);
      } else decoded = ENTITIES.get(ref.toLowerCase());
    }
    if (decoded !== undefined) {
      out += text.slice(from, amp) + decoded;
      from = semi + 1;
    }
    amp = text.indexOf('&', decoded === undefined ? amp + 1 : semi + 1);
  }
  return out + text.slice(from);
}

function collapse(text: string): string {
  return /\s\s|^\s|\s$|[\t\n\r]/.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
}

/**
 * An OFX amount (`-6.60`, `+00000000000115.8331`, `12,34` from European exporters) in the currency's
 * minor digits. More decimals than the currency has (investment cash amounts carry four) are rounded
 * half-even, and `rounded` says so. Null when the text is not a number.
 */
export function readOfxAmount(
  text: string,
  currency: string | null,
): { decimal: string; rounded: boolean } | null {
  const t = text.trim();
  const fast = plainAmount(t, exponentOf(currency));
  if (fast !== null) return { decimal: fast, rounded: false };
  const exact = normalizeDecimal(t, currency);
  if (exact !== null) return { decimal: exact, rounded: false };
  const full = normalizeDecimal(t, null);
  if (full === null || currency === null || !isCurrencyCode(currency)) return null;
  const exponent = exponentOf(currency);
  const negative = full.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? full.slice(1) : full).split('.');
  let minor = BigInt(whole + fraction.slice(0, exponent).padEnd(exponent, '0'));
  const rest = fraction.slice(exponent);
  const half = `5${'0'.repeat(Math.max(0, rest.length - 1))}`;
  const restTrimmed = rest.padEnd(half.length, '0');
  if (restTrimmed > half || (restTrimmed === half && minor % 2n === 1n)) minor += 1n;
  return { decimal: decimalFromMinor(negative ? -minor : minor, exponent), rounded: true };
}

/**
 * The common case without a regular expression or a bigint (this runs once per entry): `[+-]digits[.digits]`
 * with no more decimals than `exponent`, as the canonical decimal string; null for anything else.
 */
function plainAmount(t: string, exponent: number): string | null {
  const n = t.length;
  let i = 0;
  const sign = t.charCodeAt(0);
  if (sign === 45 /* - */ || sign === 43 /* + */) i = 1;
  const start = i;
  while (i < n && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
  const wholeEnd = i;
  let fraction = '';
  if (i < n) {
    if (t.charCodeAt(i) !== 46 /* . */) return null;
    const f = ++i;
    while (i < n && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
    if (i < n || i - f > exponent) return null;
    fraction = t.slice(f);
  }
  if (wholeEnd === start && fraction === '') return null;
  let lead = start;
  while (lead < wholeEnd - 1 && t.charCodeAt(lead) === 48) lead++;
  const whole = lead === wholeEnd ? '0' : t.slice(lead, wholeEnd);
  const decimal = exponent === 0 ? whole : `${whole}.${fraction.padEnd(exponent, '0')}`;
  const zero = /^0(\.0*)?$/.test(decimal);
  return sign === 45 && !zero ? `-${decimal}` : decimal;
}

/** An OFX date-time `YYYYMMDD[HHMMSS[.XXX]][[±HH:TZ]]` → its date as written (the bank's local date). */
export function ofxDate(text: string): string | null {
  const t = text.trim();
  if (t.length < 8) return null;
  let year = 0;
  for (let i = 0; i < 4; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    year = year * 10 + c;
  }
  const m1 = t.charCodeAt(4) - 48;
  const m2 = t.charCodeAt(5) - 48;
  const d1 = t.charCodeAt(6) - 48;
  const d2 = t.charCodeAt(7) - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return null;
  const month = m1 * 10 + m2;
  const day = d1 * 10 + d2;
  if (month < 1 || month > 12 || day < 1) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const last =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (day > last) return null;
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
}
