import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CORPORA_ABSENT_REASON,
  corporaDir,
  corpusFile,
  corpusFiles,
} from '../../../../test/support/corpora.ts';
import { isAppError } from '../../../core/errors.ts';
import type { ParsedFile, StatementEntry } from '../model.ts';
import { parseText } from '../parse-text.ts';
import { createMt940Parser } from './mt940.ts';

/**
 * The shared MT940/MT942 corpus (MANIFEST.md, sections "MT940 / MT942" and the per-file listings of
 * `mt940/WoLpH-mt940` and `mt940/webschik-mt940-js`), read in place. Every input must parse or be
 * rejected as listed below; the facts the MANIFEST states and the expected parses the source projects
 * ship (WoLpH `.yml`, webschik `.json`) are compared field by field where spec section 4 has the field.
 *
 * Where this parser and WoLpH's reading differ, WOLPH_DIFFERENCES gives this parser's value and the
 * reason, and the test checks that value; SWIFT's `RC` (a debit, which WoLpH reads as a credit) is
 * accounted for in the amount comparison.
 */

const dir = corporaDir();
if (dir === null) console.warn(CORPORA_ABSENT_REASON);

const INPUT = /\.(sta|mta|STA)$|\.940\.txt$/;

/** Inputs this parser refuses, with the reason. Every other input must be read. */
const UNREADABLE: Record<string, RegExp> = {
  // Ten lines "1" … "10": WoLpH returns an empty result; a file without any field is not MT940.
  'mt940/WoLpH-mt940/mt940_tests/self-provided/invalid_statement.sta': /:1: no MT940\/MT942 field/,
};

function read(path: string): string {
  // Real files are Latin-1 or Windows-1252 as often as UTF-8; Latin-1 decodes any byte.
  return readFileSync(corpusFile(path), 'latin1');
}

function parse(path: string, chunk = Number.POSITIVE_INFINITY): ParsedFile {
  return parseText(createMt940Parser, 'mt940', read(path), { fileName: path }, chunk);
}

function entriesOf(doc: ParsedFile): StatementEntry[] {
  return (doc.statements ?? []).flatMap((s) => s.entries);
}

/** A decimal string as an integer of millionths, so amounts compare exactly. */
function micros(decimal: string): bigint {
  const negative = decimal.startsWith('-');
  const [whole = '0', fraction = ''] = (
    negative || decimal.startsWith('+') ? decimal.slice(1) : decimal
  ).split('.');
  const v = BigInt((whole || '0') + fraction.padEnd(6, '0').slice(0, 6));
  return negative ? -v : v;
}

function signedAmount(e: StatementEntry): bigint {
  return e.direction === 'credit' ? micros(e.amount) : -micros(e.amount);
}

// ---- WoLpH's expected parses: python-object YAML, read for the fields compared here ----

interface WolphBalance {
  status: string;
  amount: string;
  currency: string;
}

interface WolphTransaction {
  amount: string;
  status: string;
  date: string | null;
  entryDate: string | null;
  id: string | null;
  applicantName: string | null;
  applicantIban: string | null;
  applicantBin: string | null;
  endToEnd: string | null;
}

interface Wolph {
  account: string | null;
  opening: WolphBalance | null;
  closing: WolphBalance | null;
  transactions: WolphTransaction[];
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The lines of the block that starts after line `start` and is indented deeper than `indent`. */
function blockAfter(lines: string[], start: number, indent: number): string[] {
  const out: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.trim() !== '' && indentOf(l) <= indent) break;
    out.push(l);
  }
  return out;
}

/** A scalar `key: value` at exactly `indent`, with YAML's folding of continuation lines. */
function scalar(lines: string[], key: string, indent: number): string | null | undefined {
  const prefix = `${' '.repeat(indent)}${key}:`;
  const i = lines.findIndex((l) => l.startsWith(prefix) && indentOf(l) === indent);
  if (i < 0) return undefined;
  let value = (lines[i] as string).slice(prefix.length).trim();
  const more = blockAfter(lines, i, indent).map((l) => l.trim());
  if (more.length > 0 && !value.startsWith('!!'))
    value = [value, ...more].join(' ').replace(/ {2,}(?=\S)/g, ' ');
  if (value === 'null' || value === '~') return null;
  if (value.startsWith("'")) return value.slice(1, value.lastIndexOf("'")).replace(/''/g, "'");
  if (value.startsWith('"')) return JSON.parse(value.slice(0, value.lastIndexOf('"') + 1)) as string;
  return value;
}

/** `Decimal ['-9']` in flow style, or `Decimal` then `- '-233.15'` in block style. */
function decimalIn(lines: string[]): string | null {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    const flow = /amount: !!python\/object\/apply:decimal\.Decimal \['([^']*)'\]/.exec(l);
    if (flow) return flow[1] as string;
    if (/amount: !!python\/object\/apply:decimal\.Decimal$/.test(l)) {
      const block = /^\s*- '([^']*)'/.exec(lines[i + 1] ?? '');
      if (block) return block[1] as string;
    }
  }
  return null;
}

/** `!!binary` of (year as big-endian u16, month, day). */
function dateIn(lines: string[], key: string, indent: number): string | null {
  const prefix = `${' '.repeat(indent)}${key}: !!python/object/apply:mt940.models.Date`;
  const i = lines.findIndex((l) => l.startsWith(prefix));
  if (i < 0) return null;
  const b64 = (lines[i + 2] ?? '').trim();
  const b = Buffer.from(b64, 'base64');
  const year = ((b[0] ?? 0) << 8) | (b[1] ?? 0);
  return `${year}-${String(b[2]).padStart(2, '0')}-${String(b[3]).padStart(2, '0')}`;
}

function balanceIn(data: string[], key: string): WolphBalance | null {
  const i = data.findIndex((l) => l.startsWith(`  ${key}: `));
  if (i < 0 || (data[i] as string).endsWith('null')) return null;
  const block = blockAfter(data, i, 2);
  const amount = decimalIn(block);
  if (amount === null) return null;
  return {
    amount,
    currency: scalar(block, 'currency', 6) ?? '',
    status: scalar(block, 'status', 4) ?? '',
  };
}

function readWolph(text: string): Wolph {
  const lines = text.split(/\r?\n/);
  const dataAt = lines.indexOf('data:');
  const data = dataAt < 0 ? [] : blockAfter(lines, dataAt, 0);
  // Data with one field or none is written in flow style: `data: {account_identification: X}`, `data: {}`.
  const flow = lines.find((l) => l.startsWith('data: {'));
  const flowAccount =
    flow === undefined ? null : (/account_identification: ([^,}]*)/.exec(flow)?.[1]?.trim() ?? null);
  const transactions: WolphTransaction[] = [];
  const listAt = lines.indexOf('transactions:');
  if (listAt >= 0) {
    let item: string[] | null = null;
    const flush = () => {
      if (item === null) return;
      const dataLine = item.indexOf('  data:');
      const d = blockAfter(item, dataLine, 2);
      const amountAt = d.findIndex((l) => l.startsWith('    amount: '));
      transactions.push({
        amount: decimalIn(blockAfter(d, amountAt, 4)) ?? '',
        status: scalar(d, 'status', 4) ?? '',
        date: dateIn(d, 'date', 4),
        entryDate: dateIn(d, 'entry_date', 4),
        id: scalar(d, 'id', 4) ?? null,
        applicantName: scalar(d, 'applicant_name', 4) ?? null,
        applicantIban: scalar(d, 'applicant_iban', 4) ?? null,
        applicantBin: scalar(d, 'applicant_bin', 4) ?? null,
        endToEnd: scalar(d, 'end_to_end_reference', 4) ?? null,
      });
    };
    for (let i = listAt + 1; i < lines.length; i++) {
      const l = lines[i] as string;
      if (l.startsWith('- ')) {
        flush();
        item = [];
      } else if (l !== '' && indentOf(l) === 0) break;
      else item?.push(l);
    }
    flush();
  }
  return {
    account: flowAccount ?? scalar(data, 'account_identification', 2) ?? null,
    opening: balanceIn(data, 'final_opening_balance'),
    closing: balanceIn(data, 'final_closing_balance'),
    transactions,
  };
}

/** WoLpH's amount is negative for `D` only; SWIFT's `RC` (reversal of a credit) is a debit too. */
function wolphSigned(t: WolphTransaction): bigint {
  const v = micros(t.amount);
  if (t.status === 'RC') return v > 0n ? -v : v;
  if (t.status === 'RD') return v < 0n ? -v : v;
  return v;
}

function collapse(s: string | null): string | null {
  return s === null ? null : s.replace(/\s+/g, ' ').trim() || null;
}

/** Readings of WoLpH's that differ from this parser's: this parser's value, and why. */
const WOLPH_DIFFERENCES: Record<string, { account?: string; closing?: string; note: string }> = {
  'mt940/WoLpH-mt940/mt940_tests/betterplace/sepa_snippet_broken.sta': {
    account: '50880050/0194787400888',
    note: 'a second :25: holding :86: text inside the statement: WoLpH takes it as the account, this parser keeps the first and warns',
  },
  'mt940/WoLpH-mt940/mt940_tests/self-provided/raphaelm.sta': {
    closing: '95000.00',
    note: ':62F:C02032495000,00 has no currency: WoLpH reads currency "950" and amount 00,00; this parser reads 95000.00 in DEM (webschik base-1, the same data with its currency, says 95000)',
  },
};

interface ManifestFacts {
  n_transactions: number;
  sum_amount: number;
  account: string | null;
  statement_number: string | null;
  opening: string | null;
  closing: string | null;
}

/** The per-file facts MANIFEST.md lists for the WoLpH inputs (`EXPECTED(yml)`). */
function manifestFacts(): Map<string, ManifestFacts> {
  const out = new Map<string, ManifestFacts>();
  const root = corporaDir();
  if (root === null) return out;
  const text = readFileSync(`${root}/MANIFEST.md`, 'utf8');
  for (const m of text.matchAll(/^- `(mt940\/WoLpH-mt940\/[^`]+)\.yml` \(\d+ B\): (\{.*\})$/gm)) {
    const facts = (JSON.parse(m[2] as string) as { 'EXPECTED(yml)': ManifestFacts })['EXPECTED(yml)'];
    out.set(`${m[1]}.sta`, facts);
  }
  return out;
}

/** "C3236.28 EUR", "D-147.64 EUR" → the signed amount and the currency. */
function manifestBalance(text: string): { value: bigint; currency: string } {
  const [amount = '', currency = ''] = text.slice(1).split(' ');
  return { value: micros(amount), currency };
}

describe.skipIf(dir === null)('MT940/MT942 corpus', () => {
  const inputs = corpusFiles('mt940', (p) => INPUT.test(p));

  it('holds the inputs the MANIFEST lists', () => {
    // 49 WoLpH inputs with a .yml (MANIFEST), the ASNB file without one, 6 webschik inputs.
    expect(inputs.filter((p) => p.includes('WoLpH') && p.endsWith('.sta'))).toHaveLength(49);
    expect(inputs).toContain('mt940/WoLpH-mt940/mt940_tests/ASNB/0708271685_09022020_164516.940.txt');
    expect(inputs.filter((p) => p.includes('webschik'))).toHaveLength(6);
  });

  it.each(inputs)('%s is read, or rejected as listed, whatever the chunks', (path) => {
    const expected = UNREADABLE[path];
    const results: (ParsedFile | string)[] = [];
    for (const chunk of [Number.POSITIVE_INFINITY, 1, 7, 4096]) {
      try {
        results.push(parse(path, chunk));
      } catch (e) {
        if (!isAppError(e) || e.code !== 'bank_files.unreadable') throw e;
        results.push(e.message);
      }
    }
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    if (expected) expect(results[0]).toMatch(expected);
    else expect(typeof results[0]).toBe('object');
  });

  const facts = manifestFacts();
  const withYml = inputs.filter(
    (p) => p.endsWith('.sta') && existsSync(corpusFile(p.replace(/\.sta$/, '.yml'))),
  );

  it('finds MANIFEST facts for every WoLpH input that has a .yml', () => {
    expect(withYml).toHaveLength(49);
    for (const p of withYml) expect(facts.has(p), p).toBe(true);
  });

  it.each(withYml.filter((p) => !UNREADABLE[p]))('%s agrees with the MANIFEST and WoLpH’s .yml', (path) => {
    const doc = parse(path);
    const entries = entriesOf(doc);
    const statements = doc.statements ?? [];
    const wolph = readWolph(readFileSync(corpusFile(path.replace(/\.sta$/, '.yml')), 'utf8'));
    const fact = facts.get(path) as ManifestFacts;
    const difference = WOLPH_DIFFERENCES[path];

    // Transactions: count, signed amounts in order, value dates, entry dates, type codes.
    expect(entries).toHaveLength(fact.n_transactions);
    expect(wolph.transactions).toHaveLength(fact.n_transactions);
    expect(entries.map(signedAmount)).toEqual(wolph.transactions.map(wolphSigned));
    // The MANIFEST sum is WoLpH's (RC counted as a credit): the same sum once RC is counted as WoLpH does.
    const sumAsWolph = entries.reduce(
      (a, e, i) => a + (wolph.transactions[i]?.status === 'RC' ? micros(e.amount) : signedAmount(e)),
      0n,
    );
    expect(Number(sumAsWolph) / 1e6).toBeCloseTo(fact.sum_amount, 6);
    expect(entries.map((e) => e.value_date)).toEqual(wolph.transactions.map((t) => t.date));
    wolph.transactions.forEach((t, i) => {
      if (t.entryDate !== null) expect(entries[i]?.booking_date).toBe(t.entryDate);
      if (t.id !== null) expect(entries[i]?.type_code).toBe(t.id.trimEnd());
      // German details: name (?32/?33; WoLpH drops a space that ends a line), account (?30/?31), EREF+.
      if (t.applicantName !== null)
        expect(entries[i]?.counterparty_name?.replace(/\s/g, '')).toBe(t.applicantName.replace(/\s/g, ''));
      if (t.applicantIban !== null) {
        // Spec section 4: the IBAN, else ROUTING:ACCOUNT (?30 holds the BLZ), else the account alone.
        const iban = /^[A-Z]{2}\d{2}/.test(t.applicantIban);
        const blz = t.applicantBin !== null && /^\d{8}$/.test(t.applicantBin);
        expect(entries[i]?.counterparty_account).toBe(
          !iban && blz ? `${t.applicantBin}:${t.applicantIban}` : t.applicantIban,
        );
      }
      if (t.endToEnd !== null) expect(entries[i]?.end_to_end_id).toBe(collapse(t.endToEnd));
    });

    // The account: the last :25: (WoLpH keeps the last value it saw).
    if (fact.account === null) expect(statements.every((s) => s.account === '')).toBe(true);
    else expect(statements.at(-1)?.account).toBe(difference?.account ?? fact.account);
    expect(wolph.account).toBe(fact.account);

    // Balances: WoLpH keeps the last :60F: and :62F: of the file; they are those of one of the statements.
    for (const [which, stated] of [
      ['opening', fact.opening],
      ['closing', fact.closing],
    ] as const) {
      const key = which === 'opening' ? 'opening_balance' : 'closing_balance';
      if (stated === null) {
        expect(statements.every((s) => s[key] === null)).toBe(true);
        continue;
      }
      const override = which === 'closing' ? difference?.closing : undefined;
      const want =
        override === undefined ? manifestBalance(stated) : { value: micros(override), currency: null };
      const match = statements.filter((s) => s[key] !== null && micros(s[key] as string) === want.value);
      expect(match.length, `${which} ${stated}`).toBeGreaterThan(0);
      if (want.currency !== null) expect(match.some((s) => s.currency === want.currency)).toBe(true);
      if (statements.length === 1) expect(match[0]).toBe(statements[0]);
    }
  });

  it('reads the facts the MANIFEST states in its MT940 section', () => {
    const one = (p: string) => parse(`mt940/WoLpH-mt940/mt940_tests/${p}`);
    const abn = one('jejik/abnamro.sta');
    expect(entriesOf(abn)).toHaveLength(10);
    expect(abn.statements?.[0]).toMatchObject({
      account: '517852257',
      currency: 'EUR',
      opening_balance: '3236.28',
      closing_balance: '876.84',
    });
    // "statement 19322" is field :28C:, which spec section 4 does not carry.
    const rabo = one('jejik/rabobank.sta');
    expect(entriesOf(rabo)).toHaveLength(5);
    expect(rabo.statements?.at(-1)).toMatchObject({ opening_balance: '4196.12', closing_balance: '4101.82' });
    const mbank = one('mBank/mt940.sta');
    expect(mbank.format).toBe('mt940');
    expect(mbank.statements).toEqual([
      expect.objectContaining({ currency: 'PLN', opening_balance: '0.40', closing_balance: '0.43' }),
    ]);
    expect(entriesOf(mbank)).toHaveLength(3);
    for (const p of ['mBank/mt942.sta', 'self-provided/mt942.sta']) expect(one(p).format).toBe('mt942');
    expect(entriesOf(one('mBank/mt942.sta'))).toHaveLength(3);
    const sber = one('sberbank/171011_01234945.sta');
    expect(sber.statements).toEqual([
      expect.objectContaining({
        currency: 'HUF',
        opening_balance: '627311.30',
        closing_balance: '617874.30',
      }),
    ]);
    expect(entriesOf(sber)).toHaveLength(3);
    const sepa = one('betterplace/sepa_mt9401.sta');
    expect(entriesOf(sepa)).toHaveLength(97);
    expect(sepa.statements?.at(-1)?.account).toBe('50880050/0194804000888');
    // Counting RC as a debit (SWIFT), every one of its 26 statements reconciles: no warning at all.
    expect(sepa.warnings).toEqual([]);
    const raiffeisen = one('self-provided/raiffeisen-cmi.sta');
    expect(entriesOf(raiffeisen)).toHaveLength(7);
    expect(raiffeisen.statements?.[0]?.currency).toBe('HUF');
    const cmxl = one('cmxl/mt940.sta');
    expect(entriesOf(cmxl)).toHaveLength(16);
    expect(cmxl.statements?.at(-1)).toMatchObject({
      currency: 'PLN',
      opening_balance: '40000.00',
      closing_balance: '50040.00',
    });
  });

  it('warns, and only warns, where the balances do not reconcile', () => {
    // Multi-statement samples whose .yml hold only the last statement's balances do not reconcile
    // (MANIFEST caveats); the parser reads them and says which statement is off.
    const abn = parse('mt940/WoLpH-mt940/mt940_tests/jejik/abnamro.sta');
    expect(abn.warnings.map((w) => w.message)).toEqual([
      'closing balance :62F: 876.84 of account 517852257 statement 19321/1 differs from the opening balance 3236.28 plus its 8 entries (-321.44): 2914.84',
      'closing balance :62M: 1849.75 of account 517852257 statement 19322/1 differs from the opening balance 2876.84 plus its 2 entries (-24.49): 2852.35',
    ]);
    const asn = parse('mt940/WoLpH-mt940/mt940_tests/ASNB/0708271685_09022020_164516.940.txt');
    expect(asn.statements?.length).toBeGreaterThan(20);
    expect(asn.warnings).toEqual([]);
    // Each ASN statement opens with the closing balance of the one before.
    const s = asn.statements ?? [];
    for (let i = 1; i < s.length; i++) expect(s[i]?.opening_balance).toBe(s[i - 1]?.closing_balance);
  });

  const webschik = inputs.filter((p) => p.includes('webschik'));

  it.each(webschik)('%s agrees with webschik’s .json', (path) => {
    interface Balance {
      isCredit: boolean;
      value: number;
      currency: string;
    }
    interface Tx {
      amount: number;
      isCredit: boolean;
      code: string;
      valueDate: string;
      entryDate: string;
      customerReference: string;
      bankReference: string;
    }
    interface Statement {
      accountId: string;
      openingBalance: Balance;
      closingBalance: Balance;
      transactions: Tx[];
    }
    const expected = JSON.parse(
      readFileSync(corpusFile(path.replace(/\.(mta|STA)$/, '.json')), 'utf8'),
    ) as Statement[];
    const doc = parse(path);
    const balance = (b: Balance) =>
      (b.isCredit || b.value === 0 ? 1n : -1n) * BigInt(Math.round(b.value * 100)) * 10_000n;
    expect(doc.statements).toHaveLength(expected.length);
    expected.forEach((want, k) => {
      const got = doc.statements?.[k];
      expect(got?.account).toBe(want.accountId);
      expect(got?.currency).toBe(want.openingBalance.currency);
      expect(micros(got?.opening_balance ?? 'x')).toBe(balance(want.openingBalance));
      expect(micros(got?.closing_balance ?? 'x')).toBe(balance(want.closingBalance));
      expect(got?.entries).toHaveLength(want.transactions.length);
      want.transactions.forEach((t, i) => {
        const e = got?.entries[i];
        expect(e?.amount).toBe(t.amount.toFixed(2));
        expect(e?.direction).toBe(t.isCredit ? 'credit' : 'debit');
        expect(e?.type_code).toBe(t.code);
        expect(e?.value_date).toBe(t.valueDate);
        expect(e?.booking_date).toBe(t.entryDate || null);
        // webschik writes "" where the file has no reference (or NONREF).
        expect(e?.customer_reference ?? '').toBe(t.customerReference === 'NONREF' ? '' : t.customerReference);
        expect(e?.reference).toBe(t.bankReference || e?.customer_reference || null);
      });
    });
  });

  it('reads the facts the MANIFEST states for the webschik inputs', () => {
    const w = (p: string) => parse(`mt940/webschik-mt940-js/__tests__/cases/${p}`);
    const abn = w('abn-amro-1.STA');
    expect(abn.statements).toHaveLength(1);
    expect(abn.statements?.[0]).toMatchObject({
      account: '123456789',
      currency: 'EUR',
      opening_balance: '3148.49',
      closing_balance: '2940.39',
    });
    expect(entriesOf(abn)).toHaveLength(1);
    const base1 = w('base-1.mta');
    expect(base1.statements).toHaveLength(3);
    expect(entriesOf(base1)).toHaveLength(9);
    expect(base1.statements?.every((s) => s.currency === 'DEM')).toBe(true);
    expect(base1.statements?.[0]).toMatchObject({ account: '1222333444', opening_balance: '0.00' });
    expect(base1.statements?.at(-1)?.closing_balance).toBe('95000.00');
    const base2 = w('base-2.mta');
    expect(entriesOf(base2)).toHaveLength(2);
    expect(base2.statements?.[0]).toMatchObject({
      account: 'NL18KNAB0200000000',
      opening_balance: '27.31',
      closing_balance: '25.91',
    });
    const base3 = w('base-3.mta');
    expect(base3.statements).toHaveLength(2);
    expect(base3.statements?.[0]?.opening_balance).toBe('0.00');
    expect(base3.statements?.at(-1)?.closing_balance).toBe('36.06');
    const ing1 = w('ing-1.mta');
    expect(entriesOf(ing1)).toHaveLength(3);
    expect(ing1.statements?.[0]).toMatchObject({ account: '0111111111', opening_balance: '44.89' });
    expect(ing1.statements?.[0]?.closing_balance).toBe('-9945.09');
    const ing2 = w('ing-2.mta');
    expect(entriesOf(ing2)).toHaveLength(0);
    expect(ing2.statements?.[0]).toMatchObject({
      account: '123456789',
      opening_balance: '550000.00',
      closing_balance: '550000.00',
    });
  });
});
