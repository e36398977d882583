import { readFileSync } from 'node:fs';
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
import { createOfxParser } from './ofx.ts';

/**
 * The shared OFX corpus (MANIFEST.md, section "OFX" and the per-file listing of `ofx/jseutter-ofxparse`),
 * read in place: every file parses or is rejected as listed, and the facts the MANIFEST states hold
 * wherever spec section 4 has the field. Facts without a field in spec section 4 (routing number
 * BANKID, BRANCHID, ACCTTYPE, the available balance and the DTASOF of balances) are named in comments.
 */

const dir = corporaDir();
if (dir === null) console.warn(CORPORA_ABSENT_REASON);

const FIXTURES = 'ofx/jseutter-ofxparse/tests/fixtures';

/** `fail_nice/*` must not crash: each gives a result or `bank_files.unreadable`. The one refused: */
const UNREADABLE: Record<string, RegExp> = {
  // <TRNAMT>$120</TRNAMT>: an amount that cannot be read makes the entry, and so the file, unreadable.
  [`${FIXTURES}/fail_nice/decimal_error.ofx`]: /decimal_error\.ofx:34: <TRNAMT> "\$120" is not an amount$/,
};

function parse(path: string, chunk = Number.POSITIVE_INFINITY): ParsedFile {
  return parseText(
    createOfxParser,
    'ofx',
    readFileSync(corpusFile(path), 'latin1'),
    { fileName: path },
    chunk,
  );
}

function entriesOf(doc: ParsedFile): StatementEntry[] {
  return (doc.statements ?? []).flatMap((s) => s.entries);
}

function cents(decimal: string): bigint {
  const negative = decimal.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? decimal.slice(1) : decimal).split('.');
  const v = BigInt((whole || '0') + fraction.padEnd(2, '0'));
  return negative ? -v : v;
}

interface OfxFacts {
  n_STMTTRN: number;
  n_INVTRAN: number;
  sum_TRNAMT: number;
  ACCTID: string[];
  BALAMT: string[];
  CURDEF: string[];
}

/** The per-file facts MANIFEST.md lists for the OFX files. */
function manifestFacts(): Map<string, OfxFacts> {
  const out = new Map<string, OfxFacts>();
  const root = corporaDir();
  if (root === null) return out;
  const text = readFileSync(`${root}/MANIFEST.md`, 'utf8');
  for (const m of text.matchAll(/^- `(ofx\/[^`]+\.ofx)` \(\d+ B\): (\{.*\})$/gm)) {
    out.set(m[1] as string, JSON.parse(m[2] as string) as OfxFacts);
  }
  return out;
}

describe.skipIf(dir === null)('OFX corpus', () => {
  const inputs = corpusFiles('ofx', (p) => p.endsWith('.ofx'));
  const facts = manifestFacts();

  it('holds the 24 files the MANIFEST lists, with their facts', () => {
    expect(inputs).toHaveLength(24);
    for (const p of inputs) expect(facts.has(p), p).toBe(true);
  });

  it.each(inputs)('%s is read, or rejected as listed, whatever the chunks', (path) => {
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
    const expected = UNREADABLE[path];
    if (expected) expect(results[0]).toMatch(expected);
    else expect(typeof results[0]).toBe('object');
  });

  it.each(inputs.filter((p) => !UNREADABLE[p]))('%s agrees with the MANIFEST listing', (path) => {
    const doc = parse(path);
    const f = facts.get(path) as OfxFacts;
    const statements = doc.statements ?? [];
    const entries = entriesOf(doc);

    // Every STMTTRN is an entry, those inside investment statements' INVBANKTRAN too.
    expect(entries).toHaveLength(f.n_STMTTRN);
    // The listing sums TRNAMT as floats; amounts with sub-cent decimals are rounded half-even here.
    const sum = entries.reduce(
      (a, e) => a + (e.direction === 'credit' ? cents(e.amount) : -cents(e.amount)),
      0n,
    );
    expect(Number(sum) / 100).toBeCloseTo(f.sum_TRNAMT, 2);

    // Security transactions (INVTRAN) of investment statements are counted in a warning, not read.
    const skipped = doc.warnings
      .map((w) => /: (\d+) security transactions/.exec(w.message)?.[1])
      .reduce((a, n) => a + Number(n ?? 0), 0);
    expect(skipped).toBe(f.n_INVTRAN);

    if (path.endsWith('account_listing_aggregation.ofx')) {
      // ACCTINFO lists accounts (SIGNUPMSGSRSV1), it holds no statement.
      expect(statements).toHaveLength(0);
      return;
    }
    expect(statements.map((s) => s.account)).toEqual(f.ACCTID);
    for (const s of statements) {
      expect(s.currency).toBe(f.CURDEF.length === 0 || f.CURDEF[0] === '' ? null : f.CURDEF[0]);
      expect(s.opening_balance).toBeNull();
    }
    // The closing balance is LEDGERBAL/BALAMT, listed before AVAILBAL's (a lone statement's second
    // BALAMT is its available balance); an empty BALAMT gives none.
    const ledger = statements.length === 1 ? f.BALAMT.slice(0, 1) : f.BALAMT;
    expect(statements.map((s) => (s.closing_balance === null ? null : cents(s.closing_balance)))).toEqual(
      statements.map((_, i) => {
        const b = ledger[i]?.trim();
        return b === undefined || b === '' ? null : cents(b);
      }),
    );
  });

  it('reads the facts the MANIFEST states for bank_medium.ofx', () => {
    const doc = parse(`${FIXTURES}/bank_medium.ofx`);
    // Routing 160000100, branch 00 and CHECKING are BANKID, BRANCHID and ACCTTYPE; the available
    // balance 682.34 and the time 2009-05-23 12:20:17 are AVAILBAL and DTASOF: not in spec section 4.
    expect(doc.statements).toHaveLength(1);
    expect(doc.statements?.[0]).toMatchObject({
      account: '12300 000012345678',
      currency: 'CAD',
      closing_balance: '382.34',
    });
    expect(doc.statements?.[0]?.entries).toHaveLength(3);
    expect(doc.statements?.[0]?.entries[0]).toEqual({
      reference: '0000123456782009040100001',
      booking_date: '2009-04-01',
      value_date: null,
      amount: '6.60',
      direction: 'debit',
      type_code: 'POS',
      counterparty_name: "MCDONALD'S #112",
      counterparty_account: null,
      end_to_end_id: null,
      check_number: null,
      customer_reference: null,
      remittance_text: "POS MERCHANDISE;MCDONALD'S #112",
      return_reason: null,
      reversal: false,
      line: 15,
    });
    expect(doc.version).toBe('102');
    expect(doc.warnings).toEqual([]);
  });

  it('reads the facts the MANIFEST states for multiple_accounts2.ofx and anzcc.ofx', () => {
    const multi = parse(`${FIXTURES}/multiple_accounts2.ofx`);
    // Routing 123 (BANKID) and CHECKING/SAVINGS (ACCTTYPE) are not in spec section 4.
    expect(multi.statements?.map((s) => [s.account, s.currency, s.closing_balance])).toEqual([
      ['9100', 'USD', '111.00'],
      ['9200', 'USD', '222.00'],
    ]);
    expect(multi.version).toBe('211');
    const anz = parse(`${FIXTURES}/anzcc.ofx`);
    expect(anz.statements?.map((s) => [s.account, s.currency, s.closing_balance])).toEqual([
      ['1234123412341234', 'AUD', '-123.45'],
    ]);
    expect(anz.statements?.[0]?.entries[0]).toMatchObject({
      amount: '5.50',
      direction: 'debit',
      remittance_text: 'SOME MEMO',
    });
  });

  it('reads the fail_nice files without crashing, with warnings for what is wrong', () => {
    const missing = parse(`${FIXTURES}/fail_nice/date_missing.ofx`);
    expect(missing.warnings.map((w) => w.message)).toEqual([
      '<STMTTRN> has no posting date (<DTPOSTED>)',
      '<STMTTRN> has no posting date (<DTPOSTED>)',
      '<DTPOSTED> "20120231" is not a date',
    ]);
    expect(entriesOf(missing).map((e) => [e.amount, e.direction, e.booking_date])).toEqual([
      ['80.00', 'debit', null],
      ['200.00', 'credit', null],
      ['200.00', 'credit', null],
    ]);
    const empty = parse(`${FIXTURES}/fail_nice/empty_balance.ofx`);
    expect(empty.statements?.[0]).toMatchObject({ account: '192639749', closing_balance: null });
    expect(empty.warnings.map((w) => w.message)).toEqual([
      'ledger balance <BALAMT> "" is not an amount; the closing balance is left out',
    ]);
  });

  it('reads the statuses of failed responses as warnings', () => {
    expect(parse(`${FIXTURES}/signon_fail.ofx`).warnings[0]?.message).toMatch(
      /^sign-on failed: status 15500 ERROR: Your request could not be processed/,
    );
    expect(parse(`${FIXTURES}/error_message.ofx`).warnings[0]?.message).toBe(
      'response <STMTTRNRS> (TRNUID ae91f50f-f16d-4bc1-b88f-2a7fa04b6de1) failed: status 2000 ERROR: General Server Error',
    );
  });

  it('rounds the sub-cent cash amounts of investment statements half-even, and says so', () => {
    const doc = parse(`${FIXTURES}/fidelity-savings.ofx`);
    expect(entriesOf(doc).map((e) => e.amount)).toEqual(['1500.00', '115.83', '197.11', '197.12']);
    expect(doc.warnings.filter((w) => w.message.includes('rounded half-even'))).toHaveLength(3);
    // investment_medium: entries in USD in a CAD statement carry their currency.
    const medium = parse(`${FIXTURES}/investment_medium.ofx`);
    expect(medium.statements?.[0]?.currency).toBe('CAD');
    expect(entriesOf(medium).map((e) => e.currency)).toEqual(['USD', 'USD', 'USD']);
  });
});
