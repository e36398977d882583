import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CORPORA_ABSENT_REASON,
  corporaDir,
  corpusFile,
  corpusFiles,
} from '../../../../test/support/corpora.ts';
import { isAppError } from '../../../core/errors.ts';
import { exponentOf, minorFromDecimal } from '../amounts.ts';
import type { ParsedFile, StatementEntry } from '../model.ts';
import { parseText } from '../parse-text.ts';
import { createCamtParser } from './camt.ts';

/**
 * The camt files of the shared corpus (../shared/corpora/camt), read in place: every file is read or
 * refused as /work/shared/corpora/MANIFEST.md says, its facts hold, and each genkgo file agrees with
 * the library's own expected parse (`*.json`) on every field both sides have.
 */

const absent = corporaDir() === null;
if (absent) console.warn(CORPORA_ABSENT_REASON);

const GENKGO = 'camt/genkgo-camt/test/data';
const PROWIDE = 'camt/prowide-iso20022/iso20022-core/src/test/resources/camt.053.001.07.xml';

function parseFile(path: string, chunkSize?: number): ParsedFile {
  const text = readFileSync(corpusFile(path), 'utf8');
  return parseText(createCamtParser, 'camt.053', text, { fileName: basename(path) }, chunkSize);
}

function signedMinor(e: { amount: string; direction: string }, currency: string | null): bigint {
  const minor = minorFromDecimal(e.amount, exponentOf(currency));
  return e.direction === 'debit' ? -minor : minor;
}

function minorOf(decimal: string | null, currency: string | null): bigint | null {
  return decimal === null ? null : minorFromDecimal(decimal, exponentOf(currency));
}

// ---- the MANIFEST's per-file facts (section "camt/genkgo-camt" and "camt/prowide-iso20022") ----

interface RecordFacts {
  acct: string;
  /** OPBD/PRCD and CLBD as the MANIFEST lists them (signed amount and currency). */
  opening?: string;
  closing?: string;
  n_entries?: number;
  n_credit?: number;
  sum_credit?: string;
  n_debit?: number;
  sum_debit?: string;
  n_TxDtls?: number;
}

const CH = 'CH2801234000123456789';
const NL = 'NL26VAYB8060476890';
const debit200k = { acct: CH, n_entries: 1, n_debit: 1, sum_debit: '200000' };
const nlMinimal = {
  acct: NL,
  opening: '18.15 EUR',
  closing: '-27.00 SEK',
  n_entries: 1,
  n_credit: 1,
  sum_credit: '8.85',
  n_TxDtls: 1,
};

const FACTS: Record<string, { ns: string; records: RecordFacts[] }> = {
  'camt052.v1.xml': { ns: 'camt.052.001.01', records: [debit200k] },
  'camt052.v2.other-account.xml': { ns: 'camt.052.001.02', records: [{ ...debit200k, n_TxDtls: 1 }] },
  'camt052.v2.with-account-name.xml': { ns: 'camt.052.001.02', records: [{ ...debit200k, n_TxDtls: 1 }] },
  'camt052.v2.xml': { ns: 'camt.052.001.02', records: [{ ...debit200k, n_TxDtls: 1 }] },
  'camt052.v4.xml': { ns: 'camt.052.001.04', records: [{ ...debit200k, n_TxDtls: 1 }] },
  'camt052.v6.Amt-zero.xml': { ns: 'camt.052.001.06', records: [{ ...debit200k, n_TxDtls: 1 }] },
  'camt052.v6.xml': { ns: 'camt.052.001.06', records: [{ ...debit200k, n_TxDtls: 1 }] },
  'camt052.v8.xml': { ns: 'camt.052.001.08', records: [debit200k] },
  'camt053.v2.all-balance-types.xml': {
    ns: 'camt.053.001.02',
    // OPBD 1.01 and PRCD 2.02 are both listed: the opening booked balance is OPBD.
    records: [
      {
        acct: CH,
        opening: '1.01 EUR',
        closing: '4.04 EUR',
        n_entries: 1,
        n_credit: 1,
        sum_credit: '8.850',
        n_TxDtls: 1,
      },
    ],
  },
  'camt053.v2.five.decimals.xml': {
    ns: 'camt.053.001.02',
    records: [
      {
        acct: NL,
        opening: '18.150 EUR',
        closing: '27.050 EUR',
        n_entries: 1,
        n_credit: 1,
        sum_credit: '8.850',
        n_TxDtls: 1,
      },
    ],
  },
  'camt053.v2.minimal.ultimate.xml': { ns: 'camt.053.001.02', records: [nlMinimal] },
  'camt053.v2.minimal.xml': { ns: 'camt.053.001.02', records: [nlMinimal] },
  'camt053.v2.multi.statement.xml': {
    ns: 'camt.053.001.02',
    records: [
      {
        acct: NL,
        opening: '18.15 EUR',
        closing: '27.00 EUR',
        n_entries: 1,
        n_credit: 1,
        sum_credit: '8.85',
        n_TxDtls: 1,
      },
      {
        acct: NL,
        opening: '27.00 EUR',
        closing: '20.00 EUR',
        n_entries: 1,
        n_debit: 1,
        sum_debit: '7.00',
        n_TxDtls: 1,
      },
    ],
  },
  'camt053.v2.with-account-name.xml': {
    ns: 'camt.053.001.02',
    records: [{ acct: CH, n_entries: 1, n_credit: 1, sum_credit: '8.85', n_TxDtls: 1 }],
  },
  'camt053.v2.with-party-ids.xml': { ns: 'camt.053.001.02', records: [nlMinimal] },
  'camt053.v3.xml': { ns: 'camt.053.001.03', records: [nlMinimal] },
  'camt053.v4.xml': { ns: 'camt.053.001.04', records: [nlMinimal] },
  'camt053.v8.xml': { ns: 'camt.053.001.08', records: [nlMinimal] },
  'camt054.v2.with-account-name.xml': { ns: 'camt.054.001.02', records: [{ ...debit200k, n_TxDtls: 1 }] },
  'camt054.v2.xml': { ns: 'camt.054.001.02', records: [{ ...debit200k, n_TxDtls: 3 }] },
  'camt054.v4.xml': { ns: 'camt.054.001.04', records: [{ ...debit200k, n_TxDtls: 3 }] },
  'camt054.v8-with-UETR.xml': { ns: 'camt.054.001.08', records: [{ ...debit200k, n_TxDtls: 1 }] },
  'camt054.v8-with-financial-institution.xml': {
    ns: 'camt.054.001.08',
    records: [{ ...debit200k, n_TxDtls: 1 }],
  },
  'camt054.v8.xml': { ns: 'camt.054.001.08', records: [{ ...debit200k, n_TxDtls: 3 }] },
  'camt53.only-Dt-with-DtTm.xml': {
    ns: 'camt.053.001.02',
    records: [{ acct: 'GB33BUKB20201555555555', opening: '5442.09000 RON' }],
  },
};

/** Each warning a corpus file gets, by file: every one is a real inconsistency of that synthetic file. */
const EXPECTED_WARNINGS: Record<string, string[]> = {
  'camt053.v2.all-balance-types.xml': [
    'closing balance (CLBD) 4.04 differs from the opening balance (OPBD) 1.01 plus the booked entries 8.85: 9.86',
  ],
  'camt053.v2.five.decimals.xml': [
    'closing balance (CLBD) 27.05 differs from the opening balance (OPBD) 18.15 plus the booked entries 8.85: 27.00',
  ],
  'camt053.v2.minimal.ultimate.xml': ["CLBD balance is in SEK, the statement's currency is EUR"],
  'camt053.v2.minimal.xml': ["CLBD balance is in SEK, the statement's currency is EUR"],
  'camt053.v2.with-party-ids.xml': ["CLBD balance is in SEK, the statement's currency is EUR"],
  'camt053.v3.xml': ["CLBD balance is in SEK, the statement's currency is EUR"],
  'camt053.v4.xml': ["CLBD balance is in SEK, the statement's currency is EUR"],
  'camt053.v8.xml': ["CLBD balance is in SEK, the statement's currency is EUR"],
  'camt052.v6.Amt-zero.xml': [
    "transaction detail CdtDbtInd CRDT contradicts its entry's DBIT (line 70); reported as a debit",
  ],
  'camt052.v4.xml': [
    "transaction detail CdtDbtInd CRDT contradicts its entry's DBIT (line 70); reported as a debit",
  ],
  'camt052.v6.xml': [
    "transaction detail CdtDbtInd CRDT contradicts its entry's DBIT (line 70); reported as a debit",
  ],
  'camt054.v2.xml': [
    "entry of 200000.00 has 3 transaction details, not each with an amount of its own; reported as one entry with the first one's references",
  ],
  'camt054.v4.xml': [
    "transaction detail CdtDbtInd CRDT contradicts its entry's DBIT (line 63); reported as a debit",
    "transaction detail CdtDbtInd CRDT contradicts its entry's DBIT (line 63); reported as a debit",
    "transaction detail CdtDbtInd CRDT contradicts its entry's DBIT (line 63); reported as a debit",
    'batch transaction count (Btch/NbOfTxs) 2 differs from the number of its transaction details 3',
    'batch total (Btch/TtlAmt) 6.3 differs from the sum of its transaction details 9.50',
  ],
  'camt054.v8.xml': [
    "transaction detail CdtDbtInd CRDT contradicts its entry's DBIT (line 63); reported as a debit",
    "transaction detail CdtDbtInd CRDT contradicts its entry's DBIT (line 63); reported as a debit",
    "transaction detail CdtDbtInd CRDT contradicts its entry's DBIT (line 63); reported as a debit",
    'batch transaction count (Btch/NbOfTxs) 2 differs from the number of its transaction details 3',
    'batch total (Btch/TtlAmt) 6.3 differs from the sum of its transaction details 9.50',
  ],
};

function balanceFact(fact: string | undefined): { minor: bigint; currency: string } | null {
  if (fact === undefined) return null;
  const [amount = '', currency = ''] = fact.split(' ');
  // The MANIFEST writes amounts as the file does (`18.150`); their minor units are the currency's.
  return { minor: minorFromDecimal(amount, exponentOf(currency)), currency };
}

// ---- genkgo's expected parse (a PHP object dump: `__RECURSIVITY__` marks an object dumped earlier) ----

type J = Record<string, unknown>;
const RECURSION = '__RECURSIVITY__';
const obj = (x: unknown): J | null =>
  x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as J) : null;
const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
/** A list whose first element may stand for the object its singular getter dumped. */
const items = (owner: J, many: string, one: string): J[] =>
  list(owner[many])
    .map((x) => (x === RECURSION ? obj(owner[one]) : obj(x)))
    .filter((x): x is J => x !== null);

function money(x: unknown): { minor: bigint; currency: string } | null {
  const m = obj(x);
  const amount = str(m?.getAmount);
  const currency = str(obj(m?.getCurrency)?.getCode);
  return amount === null || currency === null ? null : { minor: BigInt(amount), currency };
}

function jsonDate(x: unknown): string | null {
  const d = str(obj(x)?.['0']);
  return d === null ? null : d.slice(0, 10);
}

function jsonTypeCode(x: unknown): string | null {
  const b = obj(x);
  const domain = obj(b?.getDomain);
  if (domain !== null) {
    const family = obj(domain.getFamily);
    return [str(domain.getCode), str(family?.getCode), str(family?.getSubFamilyCode)]
      .filter((p) => p !== null)
      .join('/');
  }
  return str(obj(b?.getProprietary)?.getCode);
}

interface Receipt {
  minor: bigint;
  currency: string;
  booking_date: string | null;
  value_date: string | null;
  reference: string | null;
  end_to_end_id: string | null;
  check_number: string | null;
  reversal: boolean;
  type_code: string | null;
  counterparty_name: string | null;
  counterparty_account: string | null;
  texts: string[];
}

/** The receipts spec section 5 makes of one genkgo entry: one per transaction detail with an amount. */
function receiptsOf(entry: J): Receipt[] {
  const amount = money(entry.getAmount);
  if (amount === null) throw new Error('entry without an amount in the expected parse');
  const txs = items(entry, 'getTransactionDetails', 'getTransactionDetail');
  const txAmount = (t: J) => {
    const candidates = [money(t.getAmount), money(t.getAmountDetails)].filter((m) => m !== null);
    return candidates.find((c) => c.currency === amount.currency) ?? candidates[0] ?? null;
  };
  const split = txs.length > 1 && txs.every((t) => txAmount(t) !== null);
  const debit = entry.getCreditDebitIndicator === 'DBIT';
  const one = (t: J | null, m: { minor: bigint; currency: string }): Receipt => {
    const refs = obj(t?.getReference);
    const parties = t === null ? [] : items(t, 'getRelatedParties', 'getRelatedParty');
    const party = (kind: string) =>
      parties.find((p) => str(obj(p.getRelatedPartyType)?.__CLASS__)?.endsWith(`\\${kind}`));
    const counterparty = debit
      ? (party('Creditor') ?? party('UltimateCreditor'))
      : (party('Debtor') ?? party('UltimateDebtor'));
    const account = obj(counterparty?.getAccount);
    const remittance = obj(t?.getRemittanceInformation);
    const texts = [
      ...(remittance === null ? [] : items(remittance, 'getUnstructuredBlocks', 'getUnstructuredBlock')).map(
        (b) => str(b.getMessage),
      ),
      ...(remittance === null ? [] : items(remittance, 'getStructuredBlocks', 'getStructuredBlock')).map(
        (b) => str(obj(b.getCreditorReferenceInformation)?.getRef),
      ),
    ].filter((s): s is string => s !== null);
    const endToEnd = str(refs?.getEndToEndId);
    return {
      minor: m.minor < 0n ? m.minor : debit ? -m.minor : m.minor,
      currency: m.currency,
      booking_date: jsonDate(entry.getBookingDate),
      value_date: jsonDate(entry.getValueDate),
      reference: str(refs?.getAccountServicerReference) ?? str(entry.getAccountServicerReference) ?? endToEnd,
      end_to_end_id: endToEnd,
      check_number: str(refs?.getChequeNumber),
      reversal: entry.getReversalIndicator === true,
      type_code:
        (t === null ? null : jsonTypeCode(t.getBankTransactionCode)) ??
        jsonTypeCode(entry.getBankTransactionCode),
      counterparty_name: str(obj(counterparty?.getRelatedPartyType)?.getName),
      counterparty_account: str(obj(account?.getIban)?.getIban) ?? str(account?.getIdentification),
      texts,
    };
  };
  if (split) return txs.map((t) => one(t, txAmount(t) as { minor: bigint; currency: string }));
  return [one(txs[0] ?? null, amount)];
}

function asReceipt(e: StatementEntry, statementCurrency: string | null) {
  const currency = e.currency ?? statementCurrency ?? '';
  return {
    minor: signedMinor(e, currency),
    currency,
    booking_date: e.booking_date,
    value_date: e.value_date,
    reference: e.reference,
    end_to_end_id: e.end_to_end_id,
    check_number: e.check_number,
    reversal: e.reversal,
    type_code: e.type_code,
    counterparty_name: e.counterparty_name,
    counterparty_account: e.counterparty_account,
  };
}

describe.skipIf(absent)('the camt corpus (shared/corpora/camt)', () => {
  const xmlFiles = corpusFiles('camt', (p) => p.endsWith('.xml'));

  it('holds the files the MANIFEST lists', () => {
    expect(xmlFiles.map((p) => basename(p)).sort()).toEqual(
      [...Object.keys(FACTS), 'camt053.v2.wrong.xml', 'camt.053.001.07.xml'].sort(),
    );
  });

  it.each(Object.keys(FACTS))('%s: the MANIFEST facts, the same for any chunking', (name) => {
    const facts = FACTS[name] as { ns: string; records: RecordFacts[] };
    const doc = parseFile(`${GENKGO}/${name}`);
    for (const size of [1, 7, 4096]) expect(parseFile(`${GENKGO}/${name}`, size)).toEqual(doc);
    expect(`${doc.format}.${doc.version}`).toBe(facts.ns);
    expect(doc.statements).toHaveLength(facts.records.length);
    facts.records.forEach((f, i) => {
      const st = doc.statements?.[i];
      if (st === undefined) throw new Error('missing statement');
      expect(st.account).toBe(f.acct);
      for (const [ours, fact] of [
        [st.opening_balance, f.opening],
        [st.closing_balance, f.closing],
      ] as const) {
        const b = balanceFact(fact);
        expect(ours === null ? null : minorOf(ours, b?.currency ?? null)).toBe(b?.minor ?? null);
      }
      const entries = st.entries;
      const txDetails = f.n_TxDtls ?? 0;
      if (txDetails > 1 && entries.length === txDetails) {
        // One receipt per transaction detail (spec section 5), each in the entry's direction. The
        // entry itself, read without its details, is the MANIFEST's one entry.
        expect(entries.every((e) => e.direction === (f.n_debit === 1 ? 'debit' : 'credit'))).toBe(true);
        const text = readFileSync(corpusFile(`${GENKGO}/${name}`), 'utf8').replace(
          /<NtryDtls>[\s\S]*<\/NtryDtls>/,
          '',
        );
        const alone =
          parseText(createCamtParser, 'camt.053', text, { fileName: name }).statements?.[0]?.entries ?? [];
        expect(alone.map((e) => [e.direction, e.amount])).toEqual([['debit', '200000.00']]);
        return;
      }
      expect(entries).toHaveLength(f.n_entries ?? 0);
      const currency = st.currency;
      const credits = entries.filter((e) => e.direction === 'credit');
      const debits = entries.filter((e) => e.direction === 'debit');
      expect(credits).toHaveLength(f.n_credit ?? 0);
      expect(debits).toHaveLength(f.n_debit ?? 0);
      const total = (es: StatementEntry[]) =>
        es.reduce((s, e) => s + minorFromDecimal(e.amount, exponentOf(e.currency ?? currency)), 0n);
      const sum = (s: string | undefined, es: StatementEntry[]) =>
        s === undefined ? 0n : minorFromDecimal(s, exponentOf(es[0]?.currency ?? currency));
      expect(total(credits)).toBe(sum(f.sum_credit, credits));
      expect(total(debits)).toBe(sum(f.sum_debit, debits));
    });
    expect(doc.warnings.map((w) => w.message)).toEqual(EXPECTED_WARNINGS[name] ?? []);
  });

  it('refuses camt053.v2.wrong.xml, a BkToCstmrStmt without a Stmt (the schema needs one; genkgo rejects it on XSD validation)', () => {
    let error: unknown = null;
    try {
      parseFile(`${GENKGO}/camt053.v2.wrong.xml`);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error) && error.code).toBe('bank_files.unreadable');
    expect((error as Error).message).toBe(
      'camt053.v2.wrong.xml:3: BkToCstmrStmt holds no Stmt: the ISO 20022 schema requires at least one (Stmt minOccurs 1), so there is nothing to read',
    );
  });

  it('reads the prowide camt.053.001.07 message, wrapped with its application header', () => {
    const doc = parseFile(PROWIDE);
    expect([doc.format, doc.version]).toEqual(['camt.053', '001.07']);
    // OPAV and ITBD are available and interim balances: neither is an opening or closing booked one.
    expect(doc.statements).toEqual([
      { account: '2345234534', currency: 'USD', opening_balance: null, closing_balance: null, entries: [] },
    ]);
    expect(doc.warnings).toEqual([]);
  });

  it('refuses every other file of the camt folders (schemas, expected parses, licenses) as not a camt message', () => {
    const others = corpusFiles('camt', (p) => !p.endsWith('.xml'));
    expect(others.length).toBeGreaterThan(20);
    for (const path of others) {
      let error: unknown = null;
      try {
        parseFile(path);
      } catch (e) {
        error = e;
      }
      expect(isAppError(error) && error.code, path).toBe('bank_files.unreadable');
    }
  });

  it.each(Object.keys(FACTS))("%s: agrees with genkgo's expected parse", (name) => {
    const json = JSON.parse(
      readFileSync(corpusFile(`${GENKGO}/${name.replace(/\.xml$/, '.json')}`), 'utf8'),
    ) as J;
    const doc = parseFile(`${GENKGO}/${name}`);
    const statements = doc.statements ?? [];
    // genkgo's entry iterator keys each statement's entries by their index, so its dump keeps, for each
    // index, the entry of the last statement that has one: compare with the last statement's entries.
    const ours = statements[statements.length - 1];
    if (ours === undefined) throw new Error('no statement');
    const entries = list(json.getEntries)
      .map(obj)
      .filter((e): e is J => e !== null);
    const expected = entries.flatMap(receiptsOf);
    expect(ours.entries.map((e) => asReceipt(e, ours.currency))).toEqual(
      expected.map(({ texts: _texts, ...r }) => r),
    );
    expected.forEach((r, i) => {
      for (const t of r.texts) expect(ours.entries[i]?.remittance_text ?? '').toContain(t);
    });
    // The statement of those entries (or, without entries, the message's records): account and balances.
    const records = [...entries.map((e) => obj(e.getRecord)), ...list(json.getRecords).map(obj)].filter(
      (r): r is J => r !== null,
    );
    const record = records[0];
    if (record === undefined) throw new Error('no record in the expected parse');
    expect(ours.account).toBe(str(obj(record.getAccount)?.getIdentification));
    const balances = list(record.getBalances)
      .map(obj)
      .filter((b): b is J => b !== null);
    for (const [type, ours_] of [
      ['opening', ours.opening_balance],
      ['closing', ours.closing_balance],
    ] as const) {
      const b = money(balances.find((x) => x.getType === type)?.getAmount);
      expect(ours_ === null ? null : minorOf(ours_, b?.currency ?? null)).toBe(b?.minor ?? null);
    }
  });
});
