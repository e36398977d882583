import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CORPORA_ABSENT_REASON,
  corporaDir,
  corpusFile,
  corpusFiles,
} from '../../../../test/support/corpora.ts';
import { AppError } from '../../../core/errors.ts';
import { exponentOf, minorFromDecimal } from '../amounts.ts';
import type { ParsedFile, ParseWarning, StatementEntry } from '../model.ts';
import { parseText } from '../parse-text.ts';
import { createBai2Parser } from './bai2.ts';

// The shared corpus (../shared/corpora/MANIFEST.md), read in place. Every BAI2 file in it is listed
// below with what the MANIFEST states of it and what this parser reads from it.

const ABSENT = corporaDir() === null;
if (ABSENT) console.warn(CORPORA_ABSENT_REASON);

const MOOV = 'bai2/moov-io-bai2';
const MOJ = 'bai2/ministryofjustice-bai2/tests/data';
const DNSBTY = 'bai2/dnsbty-bai2';

function parseCorpus(path: string): ParsedFile {
  return parseText(createBai2Parser, 'bai2', readFileSync(corpusFile(path), 'utf8'), { fileName: path });
}

/** What the file's own 99 trailer states, read without the parser: its last record. */
function statedTrailer(path: string): string[] {
  const lines = readFileSync(corpusFile(path), 'utf8').trim().split(/\r?\n/);
  const last = (lines[lines.length - 1] ?? '').trim();
  expect(last.startsWith('99,')).toBe(true);
  return last.slice(3).split('/')[0]?.split(',') ?? [];
}

function entriesOf(doc: ParsedFile): (StatementEntry & { exponent: number })[] {
  return (doc.statements ?? []).flatMap((s) =>
    s.entries.map((e) => ({ ...e, exponent: exponentOf(s.currency) })),
  );
}

/** Count and sum (minor units) of the entries of one direction. */
function tally(doc: ParsedFile, direction: 'credit' | 'debit'): [number, bigint] {
  const es = entriesOf(doc).filter((e) => e.direction === direction);
  return [es.length, es.reduce((sum, e) => sum + minorFromDecimal(e.amount, e.exponent), 0n)];
}

interface Expected {
  accounts: number;
  details?: number[];
  credit: [number, bigint];
  debit: [number, bigint];
  /** The 99 trailer's control total, number of groups, number of records, as the MANIFEST prints them. */
  trailer: [string, string, string] | null;
  warnings: ParseWarning[];
}

// The Goldman Sachs samples break their own controls: moov "validates cleanly" because its Validate
// checks each record's fields, not the trailers against the content. The 49 of account 107049932
// states -1260161341762 and 26 records for 3 transactions; the 98 states 4 accounts for 5.
const GS_WARNINGS = (
  accountTrailer: number,
  total: string,
  records: number,
  groupLine: number,
  all: number,
) => [
  {
    line: 22,
    message: 'account 107049932 control total -1260161341762 differs from the sum of its amounts 7999960',
  },
  { line: 22, message: 'account 107049932 record count 26 differs from the records counted 18' },
  {
    line: accountTrailer,
    message: `account 104108339 control total 6869722 differs from the sum of its amounts ${total}`,
  },
  {
    line: accountTrailer,
    message: `account 104108339 record count 8 differs from the records counted ${records}`,
  },
  {
    line: groupLine,
    message: 'group control total 13060195162 differs from the sum of its accounts -1247101146600',
  },
  { line: groupLine, message: 'group account count 4 differs from the accounts counted 5' },
  { line: groupLine, message: `group record count 16 differs from the records counted ${all - 2}` },
  { line: groupLine + 1, message: `file record count 18 differs from the records counted ${all}` },
];

const EXPECTED: Record<string, Expected> = {
  // MANIFEST: 1 group, 2 accounts (11 and 6 details), file total +00000000001280000, 27 records;
  // credits 108 x5 = 320000, debits 409 x12 = 320000. Every control reconciles.
  [`${MOOV}/test/testdata/sample1.txt`]: {
    accounts: 2,
    details: [11, 6],
    credit: [5, 320000n],
    debit: [12, 320000n],
    trailer: ['+00000000001280000', '1', '27'],
    warnings: [],
  },
  // MANIFEST (computed): 5 accounts, 4 details, credits 30950000, total 345450000, 4 groups, 31 records.
  [`${MOOV}/test/testdata/sample2.txt`]: {
    accounts: 5,
    credit: [4, 30950000n],
    debit: [0, 0n],
    trailer: ['345450000', '4', '31'],
    warnings: [{ line: 26, message: 'group status 3 (correction): the group corrects data sent before' }],
  },
  // MANIFEST (computed, "approximate: several records per physical line"): 13 accounts, 24 details,
  // credits 12 / 39213, debits 12 / 56215. Reading every record on a line gives 15 accounts and 26
  // details (one more credit of 500, one more debit of 3203), and then the file's own 98 (15 accounts,
  // 72 records) and 99 (2508440, 74 records) reconcile exactly, which the approximate counts do not.
  [`${MOOV}/test/testdata/sample3.txt`]: {
    accounts: 15,
    details: [6, 0, 0, 2, 0, 0, 0, 6, 4, 8, 0, 0, 0, 0, 0],
    credit: [13, 39713n],
    debit: [13, 59418n],
    trailer: ['2508440', '1', '74'],
    warnings: [],
  },
  // MANIFEST: 5 accounts, details per account [0, 3, 14, 0, 0], file total 13060195162, 18 records;
  // computed credits 9 / 600731, debits 8 / 31349055.
  [`${MOOV}/test/testdata/sample4-continuations-newline-delimited.txt`]: {
    accounts: 5,
    details: [0, 3, 14, 0, 0],
    credit: [9, 600731n],
    debit: [8, 31349055n],
    trailer: ['13060195162', '1', '18'],
    warnings: GS_WARNINGS(110, '666917818', 88, 115, 116),
  },
  // MANIFEST: details per account [0, 3, 17, 0, 0]; computed credits 11 / 3798602119, debits 9 / 31812517.
  [`${MOOV}/test/testdata/sample5-issue113.txt`]: {
    accounts: 5,
    details: [0, 3, 17, 0, 0],
    credit: [11, 3798602119n],
    debit: [9, 31812517n],
    trailer: ['13060195162', '1', '18'],
    warnings: GS_WARNINGS(118, '4465382668', 95, 123, 123),
  },
  // MANIFEST: empty 49 amounts, a known real-world quirk, must still parse; total 0, 1 group, 8 records.
  [`${MOJ}/account_trailer_amount_blank_example.bai2`]: {
    accounts: 2,
    credit: [0, 0n],
    debit: [0, 0n],
    trailer: ['0', '1', '8'],
    warnings: [],
  },
  // MANIFEST: 1 transaction (type 191, 0.01), file total 20001, 14 records.
  [`${MOJ}/citi_example.bai2`]: {
    accounts: 1,
    credit: [1, 1n],
    debit: [0, 0n],
    trailer: ['20001', '1', '14'],
    warnings: [],
  },
  // MANIFEST: 5 transactions (4 x type 699 debits totalling 2765, 1 x type 399 credit 89), total 143764.
  [`${MOJ}/nwb_example.bai2`]: {
    accounts: 1,
    credit: [1, 89n],
    debit: [4, 2765n],
    trailer: ['143764', '1', '18'],
    warnings: [],
  },
  // MANIFEST: 2 groups, file total 282030196, 20 records; computed credits 2 / 1395996.
  [`${MOJ}/svb_us_example.bai2`]: {
    accounts: 2,
    credit: [2, 1395996n],
    debit: [0, 0n],
    trailer: ['282030196', '2', '20'],
    warnings: [],
  },
  // Synthetic examples whose trailers do not add up (MANIFEST, computed: total 22000, 2 groups, 10
  // records for one group of one account): each mismatch is a warning with the stated value.
  [`${DNSBTY}/test.bai`]: {
    accounts: 1,
    credit: [0, 0n],
    debit: [1, 1000n],
    trailer: ['22000', '2', '10'],
    warnings: [
      { line: 7, message: 'account 123456 record count 2 differs from the records counted 4' },
      { line: 8, message: 'group control total 12000 differs from the sum of its accounts 11000' },
      { line: 8, message: 'group account count 2 differs from the accounts counted 1' },
      { line: 8, message: 'group record count 5 differs from the records counted 6' },
      { line: 9, message: 'file control total 22000 differs from the sum of its groups 12000' },
      { line: 9, message: 'file group count 2 differs from the groups counted 1' },
      { line: 9, message: 'file record count 10 differs from the records counted 8' },
    ],
  },
  [`${DNSBTY}/test2.bai`]: {
    accounts: 1,
    credit: [1, 187938n],
    debit: [0, 0n],
    trailer: ['+00000000001280000', '000000001', '000000027'],
    warnings: [
      {
        line: 6,
        message: 'account 10200123456 control total 446000 differs from the sum of its amounts 604938',
      },
      { line: 6, message: 'account 10200123456 record count 9 differs from the records counted 4' },
      { line: 7, message: 'group control total 1280000 differs from the sum of its accounts 446000' },
      { line: 7, message: 'group account count 2 differs from the accounts counted 1' },
      { line: 7, message: 'group record count 25 differs from the records counted 6' },
      { line: 8, message: 'file record count 27 differs from the records counted 8' },
    ],
  },
  // A file cut after its 03 (MANIFEST, computed: 1 account, no transactions): what was read is
  // reported, and each missing trailer is a warning.
  [`${DNSBTY}/test3.bai`]: {
    accounts: 1,
    credit: [0, 0n],
    debit: [0, 0n],
    trailer: null,
    warnings: [
      { line: 3, message: 'account 10200123456 (line 3) has no 49 account trailer before the file ends' },
      { line: 3, message: 'the group on line 2 has no 98 group trailer before the file ends' },
      { line: 3, message: 'the file ends without a 99 file trailer (file header on line 1)' },
    ],
  },
};

const PARSE_ERROR = `${MOOV}/test/testdata/errors/sample-parseError.txt`;

describe.skipIf(ABSENT)('BAI2 parser on the shared corpus', () => {
  it('knows what to expect of every BAI2 file in the corpus', () => {
    const files = corpusFiles('bai2', (p) => !/LICENSE|expected-from-tests/.test(p));
    expect(files.sort()).toEqual([...Object.keys(EXPECTED), PARSE_ERROR].sort());
  });

  for (const [path, want] of Object.entries(EXPECTED)) {
    it(`reads ${path}`, () => {
      const doc = parseCorpus(path);
      expect(doc.version).toBe('2');
      expect(doc.statements).toHaveLength(want.accounts);
      if (want.details) expect(doc.statements?.map((s) => s.entries.length)).toEqual(want.details);
      expect(tally(doc, 'credit')).toEqual(want.credit);
      expect(tally(doc, 'debit')).toEqual(want.debit);
      expect(doc.warnings).toEqual(want.warnings);
      if (want.trailer !== null) expect(statedTrailer(path)).toEqual(want.trailer);
    });
  }

  it('rejects the moov parse-error sample at line 1, as moov does', () => {
    const moov = JSON.parse(
      readFileSync(corpusFile(`${MOOV}/expected-from-tests/TestParse_ParseError.error.json`), 'utf8'),
    );
    expect(moov.error).toBe('ERROR parsing file on line 1 (unsupported record type 00)');
    let error: unknown;
    try {
      parseCorpus(PARSE_ERROR);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('bank_files.unreadable');
    expect((error as AppError).message).toBe(
      `${PARSE_ERROR}:1: not a BAI2 file: unknown record type 00 where the 01 file header belongs`,
    );
  });

  it('reads sample1 as credits of type 108 and debits of type 409, value-dated', () => {
    const es = entriesOf(parseCorpus(`${MOOV}/test/testdata/sample1.txt`));
    expect(new Set(es.filter((e) => e.direction === 'credit').map((e) => e.type_code))).toEqual(
      new Set(['108']),
    );
    expect(new Set(es.filter((e) => e.direction === 'debit').map((e) => e.type_code))).toEqual(
      new Set(['409']),
    );
    expect(es[0]).toMatchObject({
      booking_date: '2006-03-17',
      value_date: '2006-03-16',
      remittance_text: 'RETURNED CHEQUE',
    });
  });

  it('reads the returned items of the Goldman Sachs sample with their reasons and check numbers', () => {
    const es = entriesOf(parseCorpus(`${MOOV}/test/testdata/sample4-continuations-newline-delimited.txt`));
    const byType = (code: string) => es.filter((e) => e.type_code === code);
    // 557 "ACH Credit Receipt Return … Reason R02": a returned credit, so a debit.
    expect(byType('557')).toEqual([
      expect.objectContaining({
        amount: '2000.00',
        direction: 'debit',
        reversal: true,
        return_reason: 'R02',
      }),
    ]);
    expect(byType('257')).toEqual([
      expect.objectContaining({
        amount: '600.00',
        direction: 'credit',
        reversal: true,
        return_reason: 'R02',
      }),
    ]);
    expect(byType('255')).toEqual([
      expect.objectContaining({
        amount: '9.31',
        direction: 'credit',
        reversal: true,
        return_reason: 'Payee does not exist',
        check_number: '9000000',
        reference: 'SC2134800001999',
        customer_reference: null,
      }),
    ]);
    expect(byType('475').map((e) => e.check_number)).toEqual(['6034594478', '24108']);
    expect(byType('142')).toEqual([]);
    const rtp = es.find((e) => e.reference === 'GI2228400005800');
    expect(rtp).toMatchObject({
      counterparty_name: 'SAMPLE INC',
      counterparty_account: '000000010:02122056789012205',
      end_to_end_id: 'RTR60880840833',
    });
  });

  it('reads the Citi, NatWest and SVB layouts', () => {
    const citi = parseCorpus(`${MOJ}/citi_example.bai2`);
    expect(citi.statements?.[0]).toMatchObject({
      account: '77777777',
      currency: 'GBP',
      opening_balance: '100.00',
    });
    expect(citi.statements?.[0]?.entries[0]).toMatchObject({
      type_code: '191',
      amount: '0.01',
      reference: '1234567890',
      customer_reference: 'RP12312312312312',
      value_date: '2015-07-15',
    });
    const nwb = entriesOf(parseCorpus(`${MOJ}/nwb_example.bai2`));
    expect(nwb.map((e) => [e.type_code, e.direction])).toEqual([
      ['699', 'debit'],
      ['699', 'debit'],
      ['699', 'debit'],
      ['699', 'debit'],
      ['399', 'credit'],
    ]);
    expect(nwb[4]?.remittance_text).toBe(
      'TFR XBANKGO24007680SJ CAT JPY 2 GBPXBANKGO24007680BGC INTERNATIONAL-5373 CLIE NT SECCY AC TFR',
    );
    const svb = parseCorpus(`${MOJ}/svb_us_example.bai2`);
    expect(
      svb.statements?.map((s) => [s.opening_balance, s.closing_balance, s.entries[0]?.booking_date]),
    ).toEqual([
      ['347269.79', '352171.75', '2022-02-01'],
      ['352171.75', '361229.75', '2022-02-02'],
    ]);
  });

  // moov's exact JSON parse of three samples (EXTRACTED from its tests): accounts, currencies, the
  // 010/015 balances, and each detail's type code, amount, references, value date and text. moov keeps
  // the ending `/` in text and joins 88 continuations with `,` where Arbor joins with one space (spec
  // section 4), so texts compare without spaces, commas and a final `/`.
  const MOOV_EXPECTED: [string, string][] = [
    ['TestFormat.format.json', 'sample1.txt'],
    [
      'TestFormat_Bai2FileWithNewlineDelimitedContinuations.format.json',
      'sample4-continuations-newline-delimited.txt',
    ],
    ['TestFormat_Bai2FileWithSlashInText_Issue113.format.json', 'sample5-issue113.txt'],
  ];
  interface MoovDetail {
    TypeCode: string;
    Amount: string;
    FundsType: { type_code?: string; date?: string };
    BankReferenceNumber: string;
    CustomerReferenceNumber: string;
    Text: string;
  }
  interface MoovAccount {
    accountNumber: string;
    currencyCode?: string;
    summaries?: { TypeCode: string; Amount: string }[];
    Details?: MoovDetail[] | null;
  }
  const squeeze = (text: string | null) => (text ?? '').replace(/\/$/, '').replace(/[\s,]/g, '');

  for (const [json, sample] of MOOV_EXPECTED) {
    it(`matches moov's parse of ${sample}`, () => {
      const moov = JSON.parse(readFileSync(corpusFile(`${MOOV}/expected-from-tests/${json}`), 'utf8')) as {
        versionNumber: number;
        Groups: { asOfDate: string; currencyCode?: string; Accounts: MoovAccount[] }[];
      };
      const doc = parseCorpus(`${MOOV}/test/testdata/${sample}`);
      expect(doc.version).toBe(String(moov.versionNumber));
      const accounts = moov.Groups.flatMap((g) => g.Accounts);
      expect(doc.statements?.map((s) => s.account)).toEqual(accounts.map((a) => a.accountNumber));
      accounts.forEach((account, i) => {
        const st = doc.statements?.[i];
        const exponent = exponentOf(st?.currency);
        if (account.currencyCode) expect(st?.currency).toBe(account.currencyCode);
        const balance = (code: string) => {
          const s = account.summaries?.find((x) => x.TypeCode === code);
          return s === undefined ? null : BigInt(s.Amount);
        };
        const minorOrNull = (v: string | null | undefined) =>
          v == null ? null : minorFromDecimal(v, exponent);
        expect(minorOrNull(st?.opening_balance)).toEqual(balance('010'));
        expect(minorOrNull(st?.closing_balance)).toEqual(balance('015'));
        const details = account.Details ?? [];
        expect(st?.entries).toHaveLength(details.length);
        details.forEach((d, j) => {
          const e = st?.entries[j];
          expect(e?.type_code).toBe(d.TypeCode);
          expect(minorFromDecimal(e?.amount ?? '', exponent)).toBe(BigInt(d.Amount));
          expect(e?.reference ?? '').toBe(d.BankReferenceNumber);
          expect(e?.customer_reference ?? '').toBe(d.CustomerReferenceNumber);
          expect(squeeze(e?.remittance_text ?? null)).toBe(squeeze(d.Text));
          if (d.FundsType.type_code === 'V')
            expect(e?.value_date?.replace(/-/g, '').slice(2)).toBe(d.FundsType.date);
        });
      });
    });
  }
});
