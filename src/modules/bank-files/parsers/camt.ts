import { isLocalDate } from '../../../core/local-date.ts';
import { decimalFromMinor, exponentOf, normalizeDecimal } from '../amounts.ts';
import { unreadable } from '../bank-files.errors.ts';
import type {
  BankFileFormat,
  Direction,
  FormatParser,
  ParserOptions,
  ParseSink,
  RemittanceAdjustment,
  RemittanceLine,
  StatementEntry,
  StatementInfo,
} from '../model.ts';
import { XmlReader, XmlSyntaxError } from './xml-reader.ts';

/**
 * ISO 20022 bank-to-customer cash management messages (https://www.iso20022.org, message definitions
 * camt.052 BankToCustomerAccountReport, camt.053 BankToCustomerStatement, camt.054
 * BankToCustomerDebitCreditNotification), every version from 001.01 to 001.1x: the element names this
 * parser reads have kept their meaning across versions, and where a version moved one (a party's name
 * under `Pty` from 001.08, `RtrRsn` in 001.01) both paths are read.
 *
 * A streaming reader over `xml-reader.ts`: each `Stmt`/`Rpt`/`Ntfctn` is a statement, each `Ntry` an
 * entry, reported to the sink as soon as it is complete. Spec section 5: one receipt per `TxDtls`, so an
 * entry with several transaction details, each with its own amount, becomes one entry per detail.
 * Structured remittance (`RmtInf/Strd/RfrdDocInf` with `RfrdDocAmt`) on a credit is also reported as a
 * remittance advice whose id is the receipt's reference.
 *
 * Controls checked (warnings): `TxsSummry` counts and sums, a batch's `NbOfTxs`/`TtlAmt` against its
 * transaction details, transaction details against their entry, `GrpHdr/NbOfTxs` where a bank adds it,
 * and opening balance + booked entries = closing balance.
 */

type Ctx = 0 | 1 | 2 | 3 | 4 | 5 | 6;
const DOC: Ctx = 0;
const MSG: Ctx = 1;
const STMT: Ctx = 2;
const BAL: Ctx = 3;
const NTRY: Ctx = 4;
const TX: Ctx = 5;
const STRD: Ctx = 6;

/** The message element (the root's child) of each format; camt.05x.001.01 adds `V01` to the name. */
const MESSAGES: Record<string, BankFileFormat> = {
  BkToCstmrAcctRpt: 'camt.052',
  BkToCstmrStmt: 'camt.053',
  BkToCstmrDbtCdtNtfctn: 'camt.054',
};
const RECORD_OF: Record<string, string> = {
  'camt.052': 'Rpt',
  'camt.053': 'Stmt',
  'camt.054': 'Ntfctn',
};

const RECORD_WORD: Record<string, string> = {
  'camt.052': 'report',
  'camt.053': 'statement',
  'camt.054': 'notification',
};

const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.(\d{3}\.\d{2})$/;
const MESSAGE_ID = /^(camt\.05[234])\.(\d{3}\.\d{2})$/;

/**
 * SEPA (EPC rulebooks): an originator that gives no end-to-end reference sends `NOTPROVIDED`, which
 * identifies nothing and must not be matched on.
 */
const NOT_PROVIDED = 'NOTPROVIDED';

/** The most remittance text parts kept for one reported entry, so that memory stays bounded. */
const MAX_TEXT_PARTS = 200;

/** An exact decimal: `minor` units at `scale` decimals. */
interface Dec {
  minor: bigint;
  scale: number;
}

/** An amount as read: the canonical decimal, its exact value, its currency. */
interface Amount extends Dec {
  text: string;
  currency: string | null;
}

function decOf(canonical: string): Dec {
  const dot = canonical.indexOf('.');
  return dot === -1
    ? { minor: BigInt(canonical), scale: 0 }
    : {
        minor: BigInt(canonical.slice(0, dot) + canonical.slice(dot + 1)),
        scale: canonical.length - dot - 1,
      };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function rescale(d: Dec, scale: number): bigint {
  return d.minor * pow10(scale - d.scale);
}

function sameValue(a: Dec, b: Dec): boolean {
  const s = Math.max(a.scale, b.scale);
  return rescale(a, s) === rescale(b, s);
}

function formatDec(d: Dec, atLeast = 2): string {
  const s = Math.max(d.scale, atLeast);
  return decimalFromMinor(rescale(d, s), s);
}

/** A running exact sum. */
class Total implements Dec {
  minor = 0n;
  scale = 0;
  add(d: Dec, negate = false): void {
    if (d.scale > this.scale) {
      this.minor *= pow10(d.scale - this.scale);
      this.scale = d.scale;
    }
    const v = rescale(d, this.scale);
    this.minor += negate ? -v : v;
  }
}

/** A plain decimal as a control total is written (`DecimalNumber`: digits, optional fraction). */
function plainDec(text: string): Dec | null {
  const t = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return null;
  const negative = t.startsWith('-');
  const body = t.replace(/^[+-]/, '');
  const dot = body.indexOf('.');
  const whole = dot === -1 ? body : body.slice(0, dot);
  const fraction = dot === -1 ? '' : body.slice(dot + 1);
  const minor = BigInt((whole || '0') + fraction);
  return { minor: negative ? -minor : minor, scale: fraction.length };
}

/** The exact value of a canonical decimal string (`-12.30`). */
function signedDec(canonical: string): Dec {
  const negative = canonical.startsWith('-');
  const d = decOf(negative ? canonical.slice(1) : canonical);
  return negative ? { minor: -d.minor, scale: d.scale } : d;
}

function negate(text: string): string {
  return text.startsWith('-') ? text.slice(1) : /^0(\.0*)?$/.test(text) ? text : `-${text}`;
}

interface Btc {
  domain: string | null;
  family: string | null;
  subFamily: string | null;
  proprietary: string | null;
}

function newBtc(): Btc {
  return { domain: null, family: null, subFamily: null, proprietary: null };
}

/** `Domn` as `Cd/Fmly/Cd/SubFmlyCd` (ISO 20022 external bank transaction code list), else `Prtry/Cd`. */
function typeCodeOf(b: Btc): string | null {
  if (b.domain !== null)
    return [b.domain, b.family, b.subFamily].filter((x): x is string => x !== null).join('/');
  return b.proprietary;
}

interface Bal {
  code: string | null;
  amountText: string | null;
  currency: string | null;
  indicator: string | null;
  line: number;
}

interface Balance {
  code: string;
  amount: Amount;
  signed: string;
  line: number;
}

interface Control {
  text: string;
  line: number;
}

interface StatementState {
  line: number;
  iban: string | null;
  otherId: string | null;
  accountCurrency: string | null;
  firstCurrency: string | null;
  currency: string | null;
  opening: Balance | null;
  closing: Balance | null;
  emitted: boolean;
  entries: number;
  credits: number;
  debits: number;
  sum: Total;
  net: Total;
  creditSum: Total;
  debitSum: Total;
  /** Net of the booked entries in each currency, for the balance check. */
  booked: Map<string, Total>;
  controls: Map<string, Control>;
}

interface Doc {
  number: string | null;
  code: string | null;
}

interface Adjustment {
  amount: string | null;
  currency: string | null;
  indicator: string | null;
  reason: string | null;
  info: string | null;
  line: number;
}

interface StrdState {
  line: number;
  docs: Doc[];
  creditorRef: string | null;
  amounts: Map<string, { text: string; currency: string | null; line: number }>;
  adjustments: Adjustment[];
}

interface TxState {
  line: number;
  acctSvcrRef: string | null;
  endToEndId: string | null;
  chequeNumber: string | null;
  amt: { text: string; currency: string | null; line: number } | null;
  txAmt: { text: string; currency: string | null; line: number } | null;
  amount: Amount | null;
  indicator: string | null;
  btc: Btc;
  debtorName: string | null;
  ultimateDebtorName: string | null;
  creditorName: string | null;
  ultimateCreditorName: string | null;
  debtorIban: string | null;
  debtorOther: string | null;
  creditorIban: string | null;
  creditorOther: string | null;
  debtorAgentMember: string | null;
  creditorAgentMember: string | null;
  text: string[];
  lines: RemittanceLine[];
  returnReason: string | null;
}

interface NtryState {
  line: number;
  amount: Amount | null;
  indicator: string | null;
  reversal: boolean;
  status: string | null;
  bookingDate: Control | null;
  bookingDateTime: Control | null;
  valueDate: Control | null;
  valueDateTime: Control | null;
  /** The dates, read once for all the entries an `Ntry` gives. */
  dates: { booking: string | null; value: string | null } | null;
  acctSvcrRef: string | null;
  btc: Btc;
  /** Transaction details read so far, and how they are reported. */
  txCount: number;
  mode: 'none' | 'one' | 'split' | 'merged';
  pending: TxState | null;
  splitSum: Total;
  splitCurrencyOk: boolean;
  held: TxState[];
  /** The current batch (`NtryDtls`, or the entry in 001.01) and its transaction details. */
  batchCount: Control | null;
  batchTotal: { text: string; currency: string | null; line: number } | null;
  batchTx: number;
  batchSum: Total;
  batchCurrencyOk: boolean;
}

function newTx(line: number): TxState {
  return {
    line,
    acctSvcrRef: null,
    endToEndId: null,
    chequeNumber: null,
    amt: null,
    txAmt: null,
    amount: null,
    indicator: null,
    btc: newBtc(),
    debtorName: null,
    ultimateDebtorName: null,
    creditorName: null,
    ultimateCreditorName: null,
    debtorIban: null,
    debtorOther: null,
    creditorIban: null,
    creditorOther: null,
    debtorAgentMember: null,
    creditorAgentMember: null,
    text: [],
    lines: [],
    returnReason: null,
  };
}

/** A leaf's text, trimmed; text wrapped over lines (a long `Ustrd`) reads as one line. */
function clean(text: string): string {
  const t = text.trim();
  return t.indexOf('\n') !== -1 || t.indexOf('\t') !== -1 || t.indexOf('  ') !== -1
    ? t.replace(/\s+/g, ' ')
    : t;
}

function details(n: number): string {
  return n === 1 ? '1 transaction detail' : `${n} transaction details`;
}

function directionOf(indicator: string | null): Direction | null {
  if (indicator === 'CRDT') return 'credit';
  if (indicator === 'DBIT') return 'debit';
  return null;
}

/** `counterparty_account` (spec section 4): the IBAN, else `ROUTING:ACCOUNT`, else the account. */
function counterpartyAccount(
  iban: string | null,
  other: string | null,
  member: string | null,
): string | null {
  if (iban !== null) return iban;
  if (other === null) return null;
  return member !== null ? `${member}:${other}` : other;
}

export function createCamtParser(sink: ParseSink, options: ParserOptions): FormatParser {
  const { fileName } = options;
  const warn = (line: number | null, message: string) => sink.warning({ line, message });
  const fail = (line: number | null, message: string) => unreadable(fileName, line, message);

  // The element path, relative to the current context's element, and the context of each depth.
  let ctx: Ctx = DOC;
  let rel = '';
  let depth = 0;
  const savedRel: string[] = [];
  const savedCtx: Ctx[] = [];
  const currencyAt: (string | null)[] = [];
  const lineAt: number[] = [];

  // Message state.
  let namespace: { type: string; version: string } | null = null;
  let messageDefinition: { type: string; version: string } | null = null;
  let format: BankFileFormat | null = null;
  let messageName = '';
  let messageLine = 0;
  let records = 0;
  let messageEntries = 0;
  let messageTransactions = 0;
  let groupCount: Control | null = null;
  let documentChildSeen = true;
  let messages = 0;

  let st: StatementState | null = null;
  let bal: Bal | null = null;
  let ntry: NtryState | null = null;
  let tx: TxState | null = null;
  let strd: StrdState | null = null;

  // ---- amounts ----

  /**
   * Reads an amount: to the currency's exponent when the extra decimals are zeros (`8.850` EUR →
   * `8.85`); with more significant decimals than the currency has, a warning and the digits kept.
   * Returns null for text that is not a decimal; the caller says what that means for the file.
   */
  const readAmount = (text: string, currency: string | null, line: number, what: string): Amount | null => {
    const t = text.trim();
    let canonical = normalizeDecimal(t, currency);
    if (canonical === null) {
      canonical = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t) ? normalizeDecimal(t, null) : null;
      if (canonical === null) return null;
      warn(
        line,
        `${what} ${t} has more decimals than ${currency} allows (${exponentOf(currency)}); kept as written`,
      );
    }
    return { text: canonical, currency, ...signedDec(canonical) };
  };

  // ---- statements ----

  const statementCurrency = (s: StatementState) => s.accountCurrency ?? s.firstCurrency;

  const ensureStatement = (s: StatementState) => {
    if (s.emitted) return;
    const account = s.iban ?? s.otherId;
    if (account === null)
      throw fail(
        s.line,
        `${recordWord()} (${recordName()}) without an account identification (Acct/Id/IBAN or Acct/Id/Othr/Id)`,
      );
    s.currency = statementCurrency(s);
    const info: StatementInfo = {
      account,
      currency: s.currency,
      opening_balance: s.opening?.signed ?? null,
      closing_balance: s.closing?.signed ?? null,
    };
    sink.statement(info);
    s.emitted = true;
  };

  const recordName = () => (format === null ? 'Stmt' : (RECORD_OF[format] ?? 'Stmt'));
  const recordWord = () => (format === null ? 'statement' : (RECORD_WORD[format] ?? 'statement'));

  const startStatement = (line: number): StatementState => ({
    line,
    iban: null,
    otherId: null,
    accountCurrency: null,
    firstCurrency: null,
    currency: null,
    opening: null,
    closing: null,
    emitted: false,
    entries: 0,
    credits: 0,
    debits: 0,
    sum: new Total(),
    net: new Total(),
    creditSum: new Total(),
    debitSum: new Total(),
    booked: new Map(),
    controls: new Map(),
  });

  const statementLeaf = (s: StatementState, path: string, text: string, line: number) => {
    switch (path) {
      case 'Acct/Id/IBAN':
        s.iban = text.trim();
        return;
      case 'Acct/Id/Othr/Id':
      case 'Acct/Id/PrtryAcct/Id':
      case 'Acct/Id/BBAN':
      case 'Acct/Id/UPIC':
        s.otherId ??= text.trim();
        return;
      case 'Acct/Ccy':
        s.accountCurrency = text.trim();
        return;
      case 'TxsSummry/TtlNtries/NbOfNtries':
      case 'TxsSummry/TtlNtries/Sum':
      case 'TxsSummry/TtlNtries/TtlNetNtryAmt':
      case 'TxsSummry/TtlNtries/CdtDbtInd':
      case 'TxsSummry/TtlNtries/TtlNetNtry/Amt':
      case 'TxsSummry/TtlNtries/TtlNetNtry/CdtDbtInd':
      case 'TxsSummry/TtlCdtNtries/NbOfNtries':
      case 'TxsSummry/TtlCdtNtries/Sum':
      case 'TxsSummry/TtlDbtNtries/NbOfNtries':
      case 'TxsSummry/TtlDbtNtries/Sum':
        s.controls.set(path.replace('/TtlNetNtry/', '/TtlNetNtry'), { text: text.trim(), line });
        return;
    }
  };

  const checkCount = (c: Control | undefined, actual: number, what: string, of: string) => {
    if (c === undefined) return;
    if (!/^\d+$/.test(c.text)) {
      warn(c.line, `${what} "${c.text}" is not a number`);
      return;
    }
    if (BigInt(c.text) !== BigInt(actual))
      warn(c.line, `${what} ${c.text} differs from the number of ${of} ${actual}`);
  };

  const checkSum = (c: Control | undefined, actual: Dec, what: string, of: string) => {
    if (c === undefined) return;
    const stated = plainDec(c.text);
    if (stated === null) {
      warn(c.line, `${what} "${c.text}" is not a number`);
      return;
    }
    if (!sameValue(stated, actual))
      warn(c.line, `${what} ${c.text} differs from the sum of ${of} ${formatDec(actual, stated.scale)}`);
  };

  const endStatement = (s: StatementState) => {
    ensureStatement(s);
    const c = s.controls;
    const rec = recordWord();
    checkCount(
      c.get('TxsSummry/TtlNtries/NbOfNtries'),
      s.entries,
      `${rec} entry count (TxsSummry/TtlNtries/NbOfNtries)`,
      'its entries',
    );
    checkSum(
      c.get('TxsSummry/TtlNtries/Sum'),
      s.sum,
      `${rec} entry total (TxsSummry/TtlNtries/Sum)`,
      'its entries',
    );
    // 001.01-001.02 write the net as TtlNetNtryAmt with CdtDbtInd beside it; later versions as
    // TtlNetNtry/Amt with TtlNetNtry/CdtDbtInd (both stored under one key by statementLeaf).
    const net = c.get('TxsSummry/TtlNtries/TtlNetNtryAmt');
    const netIndicator =
      c.get('TxsSummry/TtlNtries/TtlNetNtryCdtDbtInd') ?? c.get('TxsSummry/TtlNtries/CdtDbtInd');
    if (net !== undefined) {
      const stated = plainDec(net.text);
      if (stated === null)
        warn(net.line, `${rec} net total (TxsSummry/TtlNtries/TtlNetNtry) "${net.text}" is not a number`);
      else {
        const signed = netIndicator?.text === 'DBIT' ? { minor: -stated.minor, scale: stated.scale } : stated;
        if (!sameValue(signed, s.net))
          warn(
            net.line,
            `${rec} net total (TxsSummry/TtlNtries/TtlNetNtry) ${formatDec(signed, 0)} differs from the net of its entries (credits less debits) ${formatDec(s.net, stated.scale)}`,
          );
      }
    }
    checkCount(
      c.get('TxsSummry/TtlCdtNtries/NbOfNtries'),
      s.credits,
      `${rec} credit count (TxsSummry/TtlCdtNtries/NbOfNtries)`,
      'its credit entries',
    );
    checkSum(
      c.get('TxsSummry/TtlCdtNtries/Sum'),
      s.creditSum,
      `${rec} credit total (TxsSummry/TtlCdtNtries/Sum)`,
      'its credit entries',
    );
    checkCount(
      c.get('TxsSummry/TtlDbtNtries/NbOfNtries'),
      s.debits,
      `${rec} debit count (TxsSummry/TtlDbtNtries/NbOfNtries)`,
      'its debit entries',
    );
    checkSum(
      c.get('TxsSummry/TtlDbtNtries/Sum'),
      s.debitSum,
      `${rec} debit total (TxsSummry/TtlDbtNtries/Sum)`,
      'its debit entries',
    );

    const currency = s.currency;
    for (const b of [s.opening, s.closing]) {
      if (b !== null && b.amount.currency !== null && currency !== null && b.amount.currency !== currency)
        warn(b.line, `${b.code} balance is in ${b.amount.currency}, the ${rec}'s currency is ${currency}`);
    }
    const { opening, closing } = s;
    if (opening !== null && closing !== null && opening.amount.currency === closing.amount.currency) {
      const cur = opening.amount.currency ?? '';
      // Entries in another currency cannot be reconciled with these balances: no check then.
      const others = [...s.booked.keys()].some((k) => k !== cur);
      if (!others) {
        const movement = s.booked.get(cur) ?? new Total();
        const computed = new Total();
        computed.add(signedDec(opening.signed));
        computed.add(movement);
        if (!sameValue(signedDec(closing.signed), computed))
          warn(
            closing.line,
            `closing balance (${closing.code}) ${closing.signed} differs from the opening balance (${opening.code}) ${opening.signed} plus the booked entries ${formatDec(movement)}: ${formatDec(computed)}`,
          );
      }
    }
  };

  const endBalance = (s: StatementState, b: Bal) => {
    const code = b.code ?? '';
    const kind = code === 'OPBD' || code === 'PRCD' ? 'opening' : code === 'CLBD' ? 'closing' : null;
    // The statement's currency, when the account does not state it, is the first amount's.
    if (b.currency !== null) s.firstCurrency ??= b.currency;
    if (kind === null) return;
    if (b.amountText === null) {
      warn(b.line, `${code} balance without an amount`);
      return;
    }
    const amount = readAmount(b.amountText, b.currency, b.line, `${code} balance`);
    if (amount === null) {
      warn(b.line, `${code} balance "${b.amountText.trim()}" is not an amount`);
      return;
    }
    if (amount.minor < 0n) warn(b.line, `${code} balance ${amount.text} is negative; its sign is CdtDbtInd`);
    const positive = amount.text.replace('-', '');
    const absolute: Amount = {
      ...amount,
      text: positive,
      minor: amount.minor < 0n ? -amount.minor : amount.minor,
    };
    let debit = b.indicator === 'DBIT';
    if (b.indicator === null) warn(b.line, `${code} balance without CdtDbtInd; taken as a credit balance`);
    else if (b.indicator !== 'CRDT' && b.indicator !== 'DBIT') {
      warn(
        b.line,
        `${code} balance CdtDbtInd "${b.indicator}" is neither CRDT nor DBIT; taken as a credit balance`,
      );
      debit = false;
    }
    const balance: Balance = {
      code,
      amount: absolute,
      signed: debit ? negate(positive) : positive,
      line: b.line,
    };
    if (kind === 'opening') {
      // OPBD is the opening booked balance; PRCD (previously closed booked) stands in for it.
      if (s.opening !== null && !(s.opening.code === 'PRCD' && code === 'OPBD')) return;
      s.opening = balance;
      if (s.emitted) sink.balances({ opening_balance: balance.signed });
    } else {
      if (s.closing !== null) return;
      s.closing = balance;
      if (s.emitted) sink.balances({ closing_balance: balance.signed });
    }
  };

  // ---- entries ----

  const newNtry = (line: number): NtryState => ({
    line,
    amount: null,
    indicator: null,
    reversal: false,
    status: null,
    bookingDate: null,
    bookingDateTime: null,
    valueDate: null,
    valueDateTime: null,
    dates: null,
    acctSvcrRef: null,
    btc: newBtc(),
    txCount: 0,
    mode: 'none',
    pending: null,
    splitSum: new Total(),
    splitCurrencyOk: true,
    held: [],
    batchCount: null,
    batchTotal: null,
    batchTx: 0,
    batchSum: new Total(),
    batchCurrencyOk: true,
  });

  /** An entry's amount and direction are mandatory (ISO 20022: `Amt` and `CdtDbtInd` 1..1). */
  const entryBasics = (n: NtryState): { amount: Amount; direction: Direction } => {
    if (n.amount === null) throw fail(n.line, 'entry (Ntry) without an amount (Amt)');
    const direction = directionOf(n.indicator);
    if (direction === null)
      throw fail(
        n.line,
        n.indicator === null
          ? 'entry (Ntry) without a credit/debit indicator (CdtDbtInd)'
          : `entry (Ntry) credit/debit indicator "${n.indicator}" is neither CRDT nor DBIT`,
      );
    return { amount: n.amount, direction };
  };

  const dateOf = (date: Control | null, dateTime: Control | null, what: string): string | null => {
    if (date !== null) {
      if (isLocalDate(date.text)) return date.text;
      warn(date.line, `${what} "${date.text}" is not a date (YYYY-MM-DD)`);
      return null;
    }
    if (dateTime !== null) {
      // The date as the bank wrote it, in its own time zone: no conversion.
      const d = dateTime.text.slice(0, 10);
      if (isLocalDate(d) && (dateTime.text.length === 10 || dateTime.text.charAt(10) === 'T')) return d;
      warn(dateTime.line, `${what} "${dateTime.text}" is not a date and time`);
    }
    return null;
  };

  const datesOf = (n: NtryState) => {
    n.dates ??= {
      booking: dateOf(n.bookingDate, n.bookingDateTime, 'booking date (BookgDt)'),
      value: dateOf(n.valueDate, n.valueDateTime, 'value date (ValDt)'),
    };
    return n.dates;
  };

  const emit = (
    s: StatementState,
    n: NtryState,
    t: TxState | null,
    amount: Amount,
    direction: Direction,
    line: number,
  ) => {
    ensureStatement(s);
    const dates = datesOf(n);
    const given = t === null ? null : t.endToEndId;
    const endToEnd = given !== null && given !== '' && given !== NOT_PROVIDED ? given : null;
    // Spec section 5: TxDtls/Refs/AcctSvcrRef, else Ntry/AcctSvcrRef, else TxDtls/Refs/EndToEndId.
    const reference = t?.acctSvcrRef ?? n.acctSvcrRef ?? endToEnd;
    const credit = direction === 'credit';
    const textParts = t === null ? [] : t.text;
    const entry: StatementEntry = {
      reference,
      booking_date: dates.booking,
      value_date: dates.value,
      amount: amount.text,
      direction,
      type_code: (t === null ? null : typeCodeOf(t.btc)) ?? typeCodeOf(n.btc),
      // The other party: who paid a credit (the debtor), who was paid by a debit (the creditor).
      counterparty_name:
        t === null
          ? null
          : credit
            ? (t.debtorName ?? t.ultimateDebtorName)
            : (t.creditorName ?? t.ultimateCreditorName),
      counterparty_account:
        t === null
          ? null
          : credit
            ? counterpartyAccount(t.debtorIban, t.debtorOther, t.debtorAgentMember)
            : counterpartyAccount(t.creditorIban, t.creditorOther, t.creditorAgentMember),
      end_to_end_id: endToEnd,
      check_number: t?.chequeNumber ?? null,
      customer_reference: null,
      remittance_text: textParts.length > 0 ? textParts.join(' ') : null,
      return_reason: t?.returnReason ?? null,
      reversal: n.reversal,
      line,
    };
    if (amount.currency !== null && amount.currency !== s.currency) entry.currency = amount.currency;
    // ISO 20022 entry status (BOOK, PDNG, INFO): only booked entries are money on the account.
    if (n.status !== null && n.status !== 'BOOK')
      entry.status = n.status === 'PDNG' ? 'pending' : 'information';
    sink.entry(entry);
    messageTransactions++;
    // A remittance advice only for money received: on a debit it would describe what we paid.
    if (t !== null && credit && t.lines.length > 0) {
      sink.remittance({
        id: reference,
        payer: entry.counterparty_name,
        payment_reference: reference,
        payment_date: entry.booking_date,
        payment_amount: amount.text,
        currency: amount.currency ?? s.currency,
        lines: t.lines,
        line: t.line,
      });
    }
  };

  /** A transaction detail's own amount: preferably the one in the entry's currency. */
  const txAmountOf = (t: TxState, n: NtryState): Amount | null => {
    const candidates = [t.amt, t.txAmt].filter((x): x is NonNullable<typeof x> => x !== null);
    if (candidates.length === 0) return null;
    const entryCurrency = n.amount?.currency ?? null;
    const chosen =
      candidates.find((c) => c.currency === entryCurrency) ?? (candidates[0] as (typeof candidates)[0]);
    const amount = readAmount(chosen.text, chosen.currency, chosen.line, 'transaction amount');
    if (amount === null) warn(chosen.line, `transaction amount "${chosen.text.trim()}" is not an amount`);
    return amount;
  };

  const emitSplit = (s: StatementState, n: NtryState, t: TxState) => {
    const { direction } = entryBasics(n);
    const amount = t.amount as Amount;
    if (amount.currency !== n.amount?.currency) n.splitCurrencyOk = false;
    else n.splitSum.add(amount);
    emit(s, n, t, amount, direction, t.line);
  };

  const endTx = (s: StatementState, n: NtryState, t: TxState) => {
    const { direction } = entryBasics(n);
    // The entry is booked in one direction (ISO 20022 Ntry/CdtDbtInd); a detail of a batch that says
    // otherwise contradicts it, and the booked direction is the one reported.
    const own = directionOf(t.indicator);
    if (t.indicator !== null && own !== direction)
      warn(
        t.line,
        `transaction detail CdtDbtInd ${t.indicator} contradicts its entry's ${n.indicator} (line ${n.line}); reported as a ${direction}`,
      );
    t.amount = txAmountOf(t, n);
    n.txCount++;
    n.batchTx++;
    if (t.amount !== null) {
      if (n.batchTotal !== null && t.amount.currency === n.batchTotal.currency) n.batchSum.add(t.amount);
      else n.batchCurrencyOk = false;
    } else n.batchCurrencyOk = false;
    switch (n.mode) {
      case 'none':
        n.mode = 'one';
        n.pending = t;
        return;
      case 'one': {
        const first = n.pending as TxState;
        if (first.amount !== null && t.amount !== null) {
          n.mode = 'split';
          n.pending = null;
          emitSplit(s, n, first);
          emitSplit(s, n, t);
        } else {
          n.mode = 'merged';
          mergeInto(first, t);
        }
        return;
      }
      case 'split':
        if (t.amount !== null) emitSplit(s, n, t);
        else n.held.push(t);
        return;
      case 'merged':
        mergeInto(n.pending as TxState, t);
        return;
    }
  };

  const mergeInto = (into: TxState, t: TxState) => {
    for (const part of t.text) if (into.text.length < MAX_TEXT_PARTS) into.text.push(part);
    into.lines.push(...t.lines);
  };

  const checkBatch = (n: NtryState) => {
    const count = n.batchCount;
    // A batch booked as one entry often comes with one summary detail or none: only a detailed batch
    // (several transaction details) is checked against its count and total.
    if (n.batchTx > 1) {
      if (count !== null)
        checkCount(count, n.batchTx, 'batch transaction count (Btch/NbOfTxs)', 'its transaction details');
      const total = n.batchTotal;
      if (total !== null && n.batchCurrencyOk) {
        const stated = plainDec(total.text);
        if (stated !== null && !sameValue(stated, n.batchSum))
          warn(
            total.line,
            `batch total (Btch/TtlAmt) ${total.text.trim()} differs from the sum of its transaction details ${formatDec(n.batchSum, stated.scale)}`,
          );
      }
    }
    n.batchCount = null;
    n.batchTotal = null;
    n.batchTx = 0;
    n.batchSum = new Total();
    n.batchCurrencyOk = true;
  };

  const endNtry = (s: StatementState, n: NtryState) => {
    const { amount, direction } = entryBasics(n);
    checkBatch(n);
    s.entries++;
    messageEntries++;
    s.sum.add(amount);
    s.net.add(amount, direction === 'debit');
    if (direction === 'credit') {
      s.credits++;
      s.creditSum.add(amount);
    } else {
      s.debits++;
      s.debitSum.add(amount);
    }
    // ISO 20022 entry status: only booked entries move the booked balance (pending or information
    // entries of an intraday report do not). camt.053.001.08 writes the code under `Sts/Cd`.
    if (n.status === null || n.status === 'BOOK') {
      const cur = amount.currency ?? '';
      let t = s.booked.get(cur);
      if (t === undefined) {
        t = new Total();
        s.booked.set(cur, t);
      }
      t.add(amount, direction === 'debit');
    }
    switch (n.mode) {
      case 'none':
        emit(s, n, null, amount, direction, n.line);
        return;
      case 'one':
        // A single transaction detail: the entry's amount is what was booked (the detail's own
        // amount may be the instructed amount in another currency, before charges).
        emit(s, n, n.pending, amount, direction, n.line);
        return;
      case 'merged':
        warn(
          n.line,
          `entry of ${amount.text} has ${n.txCount} transaction details, not each with an amount of its own; reported as one entry with the first one's references`,
        );
        emit(s, n, n.pending, amount, direction, n.line);
        return;
      case 'split': {
        if (n.held.length > 0) {
          const first = n.held[0] as TxState;
          const rest = n.held.slice(1).flatMap((h) => h.text);
          const left = new Total();
          left.add(amount);
          left.add(n.splitSum, true);
          if (n.splitCurrencyOk && left.minor > 0n) {
            const text = decimalFromMinor(left.minor, left.scale);
            warn(
              first.line,
              `${details(n.held.length)} of the entry at line ${n.line} without an amount; reported as one entry of the remainder ${text}`,
            );
            for (const part of rest) if (first.text.length < MAX_TEXT_PARTS) first.text.push(part);
            const remainderAmount: Amount = {
              text,
              currency: amount.currency,
              minor: left.minor,
              scale: left.scale,
            };
            n.splitSum.add(remainderAmount);
            emit(s, n, first, remainderAmount, direction, first.line);
          } else {
            warn(
              first.line,
              `${details(n.held.length)} of the entry at line ${n.line} without an amount, and nothing of the entry's amount left for them; not reported`,
            );
          }
        }
        if (n.splitCurrencyOk && !sameValue(decOf(amount.text), n.splitSum))
          warn(
            n.line,
            `entry amount ${amount.text} differs from the sum of its ${n.txCount} transaction details ${formatDec(n.splitSum, amount.scale)}`,
          );
        return;
      }
    }
  };

  const ntryLeaf = (n: NtryState, path: string, text: string, line: number, currency: string | null) => {
    switch (path) {
      case 'Amt': {
        const a = readAmount(text, currency, line, 'entry amount');
        if (a === null) throw fail(line, `entry amount "${text.trim()}" is not an amount`);
        if (a.minor < 0n)
          throw fail(
            line,
            `entry amount ${a.text} is negative; ISO 20022 amounts are positive, the sign is CdtDbtInd`,
          );
        n.amount = a;
        if (st !== null && currency !== null) st.firstCurrency ??= currency;
        return;
      }
      case 'CdtDbtInd':
        n.indicator = text.trim();
        return;
      case 'RvslInd': {
        const v = text.trim();
        n.reversal = v === 'true' || v === '1';
        return;
      }
      case 'Sts':
      case 'Sts/Cd':
        n.status = text.trim();
        return;
      case 'BookgDt/Dt':
        n.bookingDate = { text: text.trim(), line };
        return;
      case 'BookgDt/DtTm':
        n.bookingDateTime = { text: text.trim(), line };
        return;
      case 'ValDt/Dt':
        n.valueDate = { text: text.trim(), line };
        return;
      case 'ValDt/DtTm':
        n.valueDateTime = { text: text.trim(), line };
        return;
      case 'AcctSvcrRef':
        n.acctSvcrRef = text.trim();
        return;
      case 'BkTxCd/Domn/Cd':
        n.btc.domain = text.trim();
        return;
      case 'BkTxCd/Domn/Fmly/Cd':
        n.btc.family = text.trim();
        return;
      case 'BkTxCd/Domn/Fmly/SubFmlyCd':
        n.btc.subFamily = text.trim();
        return;
      case 'BkTxCd/Prtry/Cd':
        n.btc.proprietary = text.trim();
        return;
      case 'NtryDtls/Btch/NbOfTxs':
      case 'Btch/NbOfTxs':
        n.batchCount = { text: text.trim(), line };
        return;
      case 'NtryDtls/Btch/TtlAmt':
      case 'Btch/TtlAmt':
        n.batchTotal = { text, currency, line };
        return;
    }
  };

  const txLeaf = (t: TxState, path: string, raw: string, line: number, currency: string | null) => {
    const text = raw.trim();
    switch (path) {
      case 'Refs/AcctSvcrRef':
        t.acctSvcrRef = text;
        return;
      case 'Refs/EndToEndId':
        t.endToEndId = text;
        return;
      case 'Refs/ChqNb':
        t.chequeNumber = text;
        return;
      case 'Amt':
        t.amt = { text, currency, line };
        return;
      case 'AmtDtls/TxAmt/Amt':
        t.txAmt = { text, currency, line };
        return;
      case 'CdtDbtInd':
        t.indicator = text;
        return;
      case 'BkTxCd/Domn/Cd':
        t.btc.domain = text;
        return;
      case 'BkTxCd/Domn/Fmly/Cd':
        t.btc.family = text;
        return;
      case 'BkTxCd/Domn/Fmly/SubFmlyCd':
        t.btc.subFamily = text;
        return;
      case 'BkTxCd/Prtry/Cd':
        t.btc.proprietary = text;
        return;
      case 'RltdPties/Dbtr/Nm':
      case 'RltdPties/Dbtr/Pty/Nm':
      case 'RltdPties/Dbtr/Agt/FinInstnId/Nm':
        t.debtorName ??= text;
        return;
      case 'RltdPties/UltmtDbtr/Nm':
      case 'RltdPties/UltmtDbtr/Pty/Nm':
      case 'RltdPties/UltmtDbtr/Agt/FinInstnId/Nm':
        t.ultimateDebtorName ??= text;
        return;
      case 'RltdPties/Cdtr/Nm':
      case 'RltdPties/Cdtr/Pty/Nm':
      case 'RltdPties/Cdtr/Agt/FinInstnId/Nm':
        t.creditorName ??= text;
        return;
      case 'RltdPties/UltmtCdtr/Nm':
      case 'RltdPties/UltmtCdtr/Pty/Nm':
      case 'RltdPties/UltmtCdtr/Agt/FinInstnId/Nm':
        t.ultimateCreditorName ??= text;
        return;
      case 'RltdPties/DbtrAcct/Id/IBAN':
        t.debtorIban = text;
        return;
      case 'RltdPties/DbtrAcct/Id/Othr/Id':
      case 'RltdPties/DbtrAcct/Id/PrtryAcct/Id':
      case 'RltdPties/DbtrAcct/Id/BBAN':
        t.debtorOther ??= text;
        return;
      case 'RltdPties/CdtrAcct/Id/IBAN':
        t.creditorIban = text;
        return;
      case 'RltdPties/CdtrAcct/Id/Othr/Id':
      case 'RltdPties/CdtrAcct/Id/PrtryAcct/Id':
      case 'RltdPties/CdtrAcct/Id/BBAN':
        t.creditorOther ??= text;
        return;
      // The clearing system member id is the bank's routing or sort code (ABA, BLZ, sort code…).
      case 'RltdAgts/DbtrAgt/FinInstnId/ClrSysMmbId/MmbId':
      case 'RltdAgts/DbtrAgt/FinInstnId/ClrSysMmbId/Id':
        t.debtorAgentMember = text;
        return;
      case 'RltdAgts/CdtrAgt/FinInstnId/ClrSysMmbId/MmbId':
      case 'RltdAgts/CdtrAgt/FinInstnId/ClrSysMmbId/Id':
        t.creditorAgentMember = text;
        return;
      case 'RmtInf/Ustrd':
        if (text !== '' && t.text.length < MAX_TEXT_PARTS) t.text.push(text);
        return;
      case 'RtrInf/Rsn/Cd':
      case 'RtrInf/Rsn/Prtry':
      case 'RtrInf/RtrRsn/Cd':
      case 'RtrInf/RtrRsn/Prtry':
        t.returnReason ??= text;
        return;
    }
  };

  const newStrd = (line: number): StrdState => ({
    line,
    docs: [],
    creditorRef: null,
    amounts: new Map(),
    adjustments: [],
  });

  const strdLeaf = (
    r: StrdState,
    t: TxState,
    path: string,
    raw: string,
    line: number,
    currency: string | null,
  ) => {
    const text = raw.trim();
    switch (path) {
      case 'RfrdDocInf/Nb':
      case 'RfrdDocInf/RfrdDocNb':
        if (r.docs.length === 0) r.docs.push({ number: null, code: null });
        (r.docs[r.docs.length - 1] as Doc).number = text;
        if (text !== '' && t.text.length < MAX_TEXT_PARTS) t.text.push(text);
        return;
      case 'RfrdDocInf/Tp/CdOrPrtry/Cd':
      case 'RfrdDocInf/RfrdDocTp/Cd':
        if (r.docs.length === 0) r.docs.push({ number: null, code: null });
        (r.docs[r.docs.length - 1] as Doc).code = text;
        return;
      case 'CdtrRefInf/Ref':
        r.creditorRef = text;
        if (text !== '' && t.text.length < MAX_TEXT_PARTS) t.text.push(text);
        return;
      case 'AddtlRmtInf':
        if (text !== '' && t.text.length < MAX_TEXT_PARTS) t.text.push(text);
        return;
      case 'RfrdDocAmt/RmtdAmt':
      case 'RfrdDocAmt/DuePyblAmt':
      case 'RfrdDocAmt/CdtNoteAmt':
      case 'RfrdDocAmt/DscntApldAmt':
        r.amounts.set(path.slice(11), { text, currency, line });
        return;
      case 'RfrdDocAmt/DscntApldAmt/Amt':
        r.amounts.set('DscntApldAmt', { text, currency, line });
        return;
      case 'RfrdDocAmt/AdjstmntAmtAndRsn/Amt': {
        const a = r.adjustments[r.adjustments.length - 1];
        if (a !== undefined) {
          a.amount = text;
          a.currency = currency;
        }
        return;
      }
      case 'RfrdDocAmt/AdjstmntAmtAndRsn/CdtDbtInd':
      case 'RfrdDocAmt/AdjstmntAmtAndRsn/Rsn':
      case 'RfrdDocAmt/AdjstmntAmtAndRsn/AddtlInf': {
        const a = r.adjustments[r.adjustments.length - 1];
        if (a === undefined) return;
        if (path.endsWith('CdtDbtInd')) a.indicator = text;
        else if (path.endsWith('Rsn')) a.reason = text;
        else a.info = text;
        return;
      }
    }
  };

  /** A referred document with amounts becomes a remittance line (spec section 4 `lines`). */
  const endStrd = (r: StrdState, t: TxState, entryCurrency: string | null) => {
    if (r.amounts.size === 0 && r.adjustments.length === 0) return;
    const numbered = r.docs.filter((d) => d.number !== null && d.number !== '');
    const doc = numbered[0];
    const number = doc?.number ?? r.creditorRef;
    if (number === null || number === undefined || number === '') {
      warn(
        r.line,
        'structured remittance with amounts (RfrdDocAmt) but no document number (RfrdDocInf/Nb) or creditor reference; not reported as a remittance line',
      );
      return;
    }
    if (numbered.length > 1)
      warn(
        r.line,
        `structured remittance gives one amount for ${numbered.length} documents (${numbered.map((d) => d.number).join(', ')}); reported on ${number}`,
      );
    const code = doc?.code ?? null;
    // ISO 20022 DocumentType code list: CINV commercial invoice, CREN credit note.
    const documentType = code === 'CINV' ? 'invoice' : code === 'CREN' ? 'credit_memo' : null;
    const amountOf = (key: string): string | null => {
      const a = r.amounts.get(key);
      if (a === undefined) return null;
      const v = readAmount(a.text, a.currency ?? entryCurrency, a.line, `remittance ${key}`);
      if (v === null) warn(a.line, `remittance ${key} "${a.text}" is not an amount`);
      return v?.text ?? null;
    };
    const remitted = amountOf('RmtdAmt');
    const due = amountOf('DuePyblAmt');
    const creditNote = amountOf('CdtNoteAmt');
    let paid = remitted ?? due ?? (documentType === 'credit_memo' ? creditNote : null);
    if (paid === null) {
      warn(
        r.line,
        `structured remittance for ${number} without a remitted or due amount; not reported as a remittance line`,
      );
      return;
    }
    let gross = due;
    // A credit note reduces what is paid: its line is negative (as X12 820 RMR04 for a credit memo).
    if (documentType === 'credit_memo') {
      paid = paid.startsWith('-') ? paid : negate(paid);
      if (gross !== null && !gross.startsWith('-')) gross = negate(gross);
    }
    const adjustments: RemittanceAdjustment[] = [];
    for (const a of r.adjustments) {
      if (a.amount === null) continue;
      const v = readAmount(a.amount, a.currency ?? entryCurrency, a.line, 'remittance adjustment');
      if (v === null) {
        warn(a.line, `remittance adjustment "${a.amount}" is not an amount`);
        continue;
      }
      // AdjstmntAmtAndRsn/CdtDbtInd says whether the adjustment is added to (CRDT) or taken off
      // (DBIT) the amount due.
      adjustments.push({
        code: a.reason ?? a.info ?? '',
        amount: a.indicator === 'DBIT' ? negate(v.text) : v.text,
      });
    }
    t.lines.push({
      invoice_number: number,
      document_type: documentType,
      account: null,
      paid,
      gross,
      discount: amountOf('DscntApldAmt'),
      adjustments,
    });
  };

  // ---- the XML events ----

  const startMessage = (
    name: string,
    attrsNamespace: { type: string; version: string } | null,
    line: number,
  ) => {
    const base = name.replace(/V\d\d$/, '');
    const fmt = MESSAGES[base] as BankFileFormat;
    format = fmt;
    messageName = base;
    messageLine = line;
    records = 0;
    messageEntries = 0;
    messageTransactions = 0;
    groupCount = null;
    messages++;
    const ns = attrsNamespace ?? namespace;
    let version: string | null = null;
    if (ns !== null) {
      version = ns.version;
      if (ns.type !== fmt)
        warn(
          line,
          `namespace ${ns.type}.${ns.version} does not match the message ${base} (${fmt}); read as ${fmt}`,
        );
    } else if (messageDefinition !== null && messageDefinition.type === fmt)
      version = messageDefinition.version;
    sink.format?.(fmt);
    sink.version(version);
  };

  const endMessage = () => {
    const rec = recordName();
    if (records === 0)
      throw fail(
        messageLine,
        `${messageName} holds no ${rec}: the ISO 20022 schema requires at least one (${rec} minOccurs 1), so there is nothing to read`,
      );
    const g = groupCount;
    if (g !== null) {
      if (!/^\d+$/.test(g.text))
        warn(g.line, `message transaction count (GrpHdr/NbOfTxs) "${g.text}" is not a number`);
      else if (BigInt(g.text) !== BigInt(messageEntries) && BigInt(g.text) !== BigInt(messageTransactions))
        warn(
          g.line,
          `message transaction count (GrpHdr/NbOfTxs) ${g.text} differs from the number of its entries ${messageEntries}`,
        );
    }
  };

  const camtNamespaceIn = (attributes: readonly string[]): { type: string; version: string } | null => {
    for (let i = 0; i < attributes.length; i += 2) {
      const n = attributes[i] as string;
      if (n === 'xmlns' || n.startsWith('xmlns:')) {
        const m = NAMESPACE.exec((attributes[i + 1] as string).trim());
        if (m !== null) return { type: m[1] as string, version: m[2] as string };
      }
    }
    return null;
  };

  const reader = new XmlReader({
    startElement(name, attributes, line) {
      let currency: string | null = null;
      let ns: { type: string; version: string } | null = null;
      if (attributes.length > 0) {
        for (let i = 0; i < attributes.length; i += 2)
          if (attributes[i] === 'Ccy') currency = (attributes[i + 1] as string).trim();
        ns = camtNamespaceIn(attributes);
        if (ns !== null) namespace = ns;
      }
      savedRel[depth] = rel;
      savedCtx[depth] = ctx;
      currencyAt[depth] = currency;
      lineAt[depth] = line;
      depth++;
      const path = rel === '' ? name : `${rel}/${name}`;
      switch (ctx) {
        case DOC: {
          if (!documentChildSeen) {
            documentChildSeen = true;
            if (MESSAGES[name.replace(/V\d\d$/, '')] === undefined)
              throw fail(
                line,
                `the Document holds <${name}>, not a camt.052/053/054 message (BkToCstmrAcctRpt, BkToCstmrStmt, BkToCstmrDbtCdtNtfctn)`,
              );
          }
          if (name.startsWith('BkToCstmr') && MESSAGES[name.replace(/V\d\d$/, '')] !== undefined) {
            startMessage(name, ns, line);
            ctx = MSG;
            rel = '';
            return;
          }
          if (name === 'Document') documentChildSeen = false;
          rel = path;
          return;
        }
        case MSG:
          if (path === 'Stmt' || path === 'Rpt' || path === 'Ntfctn') {
            if (path !== recordName())
              warn(
                line,
                `${messageName} holds a <${path}> where the schema has <${recordName()}>; read as a ${recordName()}`,
              );
            records++;
            st = startStatement(line);
            ctx = STMT;
            rel = '';
            return;
          }
          break;
        case STMT:
          if (path === 'Bal') {
            bal = { code: null, amountText: null, currency: null, indicator: null, line };
            ctx = BAL;
            rel = '';
            return;
          }
          if (path === 'Ntry') {
            ntry = newNtry(line);
            ctx = NTRY;
            rel = '';
            return;
          }
          break;
        case NTRY:
          if (path === 'NtryDtls/TxDtls' || path === 'TxDtls') {
            tx = newTx(line);
            ctx = TX;
            rel = '';
            return;
          }
          if (path === 'NtryDtls' && ntry !== null) checkBatch(ntry);
          break;
        case TX:
          if (path === 'RmtInf/Strd') {
            strd = newStrd(line);
            ctx = STRD;
            rel = '';
            return;
          }
          break;
        case STRD:
          if (strd !== null) {
            if (path === 'RfrdDocInf') strd.docs.push({ number: null, code: null });
            else if (path === 'RfrdDocAmt/AdjstmntAmtAndRsn')
              strd.adjustments.push({
                amount: null,
                currency: null,
                indicator: null,
                reason: null,
                info: null,
                line,
              });
          }
          break;
      }
      rel = path;
    },

    endElement(_name, raw, line) {
      let text = raw;
      depth--;
      const currency = currencyAt[depth] ?? null;
      const startLine = lineAt[depth] ?? line;
      if (rel === '') {
        // The end of a context's element.
        switch (ctx) {
          case MSG:
            endMessage();
            break;
          case STMT:
            if (st !== null) endStatement(st);
            st = null;
            break;
          case BAL:
            if (st !== null && bal !== null) endBalance(st, bal);
            bal = null;
            break;
          case NTRY:
            if (st !== null && ntry !== null) endNtry(st, ntry);
            ntry = null;
            break;
          case TX:
            if (st !== null && ntry !== null && tx !== null) endTx(st, ntry, tx);
            tx = null;
            break;
          case STRD:
            if (strd !== null && tx !== null) endStrd(strd, tx, ntry?.amount?.currency ?? null);
            strd = null;
            break;
        }
      } else if (text !== '') {
        text = clean(text);
        if (text !== '')
          switch (ctx) {
            case DOC:
              if (rel.endsWith('AppHdr/MsgDefIdr')) {
                const m = MESSAGE_ID.exec(text.trim());
                if (m !== null) messageDefinition = { type: m[1] as string, version: m[2] as string };
              }
              break;
            case MSG:
              if (rel === 'GrpHdr/NbOfTxs') groupCount = { text: text.trim(), line: startLine };
              break;
            case STMT:
              if (st !== null) statementLeaf(st, rel, text, startLine);
              break;
            case BAL:
              if (bal !== null) {
                if (rel === 'Tp/CdOrPrtry/Cd' || rel === 'Tp/Cd') bal.code = text.trim();
                else if (rel === 'Amt') {
                  bal.amountText = text;
                  bal.currency = currency;
                } else if (rel === 'CdtDbtInd') bal.indicator = text.trim();
              }
              break;
            case NTRY:
              if (ntry !== null) ntryLeaf(ntry, rel, text, startLine, currency);
              break;
            case TX:
              if (tx !== null) txLeaf(tx, rel, text, startLine, currency);
              break;
            case STRD:
              if (strd !== null && tx !== null) strdLeaf(strd, tx, rel, text, startLine, currency);
              break;
          }
      } else if (ctx === NTRY && ntry !== null && rel === 'NtryDtls') {
        checkBatch(ntry);
      }
      rel = savedRel[depth] ?? '';
      ctx = savedCtx[depth] ?? DOC;
    },
  });

  const run = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (e instanceof XmlSyntaxError) throw fail(e.line, `not well-formed XML: ${e.message}`);
      throw e;
    }
  };

  return {
    push(chunk) {
      run(() => reader.push(chunk));
    },
    end() {
      run(() => reader.end());
      if (messages === 0)
        throw fail(
          null,
          'no camt.052/053/054 message in this XML document (BkToCstmrAcctRpt, BkToCstmrStmt or BkToCstmrDbtCdtNtfctn)',
        );
    },
  };
}
