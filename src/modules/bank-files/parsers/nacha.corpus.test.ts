import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CORPORA_ABSENT_REASON,
  corporaDir,
  corpusFile,
  corpusFiles,
} from '../../../../test/support/corpora.ts';
import { AppError } from '../../../core/errors.ts';
import type { ParsedFile } from '../model.ts';
import { parseText } from '../parse-text.ts';
import {
  createNachaParser,
  type NachaAchEntry,
  type NachaBatchHeader,
  type NachaFileControl,
  type NachaFileHeader,
} from './nacha.ts';

// The shared corpus (../shared/corpora/MANIFEST.md), read in place. Every NACHA file the MANIFEST
// lists is parsed and checked against the facts its per-file line states (batches, entries, SEC
// codes, return and change codes, addenda types, the file control's values, the computed debit and
// credit totals) and against the warnings below; the "Facts asserted" section has a test each.

const ABSENT = corporaDir() === null;
if (ABSENT) console.warn(CORPORA_ABSENT_REASON);

const MOOV = 'nacha/moov-io-ach';
const TESTDATA = `${MOOV}/test/testdata`;
const ISSUES = `${MOOV}/test/issues/testdata`;
const EXAMPLES = `${MOOV}/examples/testdata`;
const JM81 = 'nacha/jm81-ach/spec/ach/fixtures';
const COMANAGE = 'nacha/comanage_nacha';

/** A per-file line of the MANIFEST (computed by a simple independent reader, amounts in cents). */
interface Facts {
  batches: number;
  entries: number;
  SEC?: Record<string, number>;
  return_codes?: Record<string, number>;
  NOC_codes?: Record<string, number>;
  addenda?: Record<string, number>;
  ctl_debit?: string;
  ctl_credit?: string;
  ctl_entry_addenda?: string;
  ctl_batches?: string;
  computed_debit: number;
  computed_credit: number;
}

/** The MANIFEST's per-file listing for the NACHA folders: path and facts (null when it states none). */
function manifestListing(): [string, Facts | null][] {
  const text = readFileSync(corpusFile('MANIFEST.md'), 'utf8');
  const listing = text.slice(text.indexOf('## Per-file listing'));
  return [...listing.matchAll(/^- `(nacha\/[^`]+)` \(\d+ B\)(?:: (\{.*\}))?$/gm)].map((m) => [
    m[1] ?? '',
    m[2] === undefined ? null : (JSON.parse(m[2]) as Facts),
  ]);
}

interface Read {
  doc: ParsedFile;
  entries: NachaAchEntry[];
  headers: NachaFileHeader[];
  batches: NachaBatchHeader[];
  controls: NachaFileControl[];
}

function textOf(path: string): string {
  const bytes = readFileSync(corpusFile(path));
  // As the driver decodes a file (src/modules/parsing/read-text.ts): UTF-8 when valid, else Windows-1252.
  return new TextDecoder(isUtf8(bytes) ? 'utf-8' : 'windows-1252').decode(bytes);
}

function read(path: string, chunkSize?: number): Read {
  const headers: NachaFileHeader[] = [];
  const batches: NachaBatchHeader[] = [];
  const controls: NachaFileControl[] = [];
  const doc = parseText(
    createNachaParser,
    'nacha',
    textOf(path),
    {
      fileName: path,
      onFileHeader: (h) => headers.push(h),
      onBatchHeader: (b) => batches.push(b),
      onFileControl: (c) => controls.push(c),
    },
    chunkSize,
  );
  // Warnings compare by line and message; which refuse an import is nacha.test.ts's business.
  const plain = { ...doc, warnings: doc.warnings.map(({ line, message }) => ({ line, message })) };
  return { doc: plain, entries: (doc.ach?.entries ?? []) as NachaAchEntry[], headers, batches, controls };
}

function histogram(items: string[]): Record<string, number> {
  const h: Record<string, number> = {};
  for (const i of items) h[i] = (h[i] ?? 0) + 1;
  return h;
}

/** Addenda records without an entry, from their warning: [type, code?] each. */
function orphans(doc: ParsedFile): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const w of doc.warnings) {
    const m = /^skipped \d+ addenda record\(s\) with no entry detail record before them: (.*)$/.exec(
      w.message,
    );
    for (const item of (m?.[1]?.split(', ') ?? []).filter((i) => i !== '...')) {
      const [type = '', code] = item.split(' ');
      out.push([type, code]);
    }
  }
  return out;
}

function cents(decimal: string | null): bigint {
  return decimal === null ? -1n : BigInt(decimal.replace('.', ''));
}

/**
 * The warnings each file raises, `[line, message]`; a file not listed here raises none. Every
 * *invalid* fixture of moov-io/ach and every file the MANIFEST says is expected to fail raises at
 * least one (ppd-mixedDebitCredit-invalid.ach excepted: its only fault for moov is an immediate
 * origin, `000TESTER`, that is not a routing number, and the rules let a file's origin be a company
 * identifier, so Arbor does not check it).
 */
const WARNINGS: Record<string, [number | null, string][]> = {
  // Wells Fargo-style return files (EXTRACTED test strings): the immediate destination is the
  // company's own number, not a routing number; the large one's batch controls carry other batch
  // numbers than their headers, and its last batch control another company identification.
  [`${COMANAGE}/test_return_file.empty_returns_file.ach`]: [
    [1, 'file header immediate destination "12345678" is not a routing number'],
  ],
  [`${COMANAGE}/test_return_file.large_returns_file.ach`]: [
    [1, 'file header immediate destination "1234567890" is not a routing number'],
    [5, 'batch control batch number "0000001" differs from the batch header\'s "7000001"'],
    [9, 'batch control batch number "0000002" differs from the batch header\'s "9000002"'],
    [13, 'batch control batch number "0000003" differs from the batch header\'s "7000003"'],
    [17, 'batch control batch number "0000004" differs from the batch header\'s "7000004"'],
    [21, 'batch control company identification "2222222221" differs from the batch header\'s "2222222222"'],
    [21, 'batch control batch number "0000005" differs from the batch header\'s "7000005"'],
  ],
  // The bank certification file's immediate destination 191001234 fails the ABA check digit.
  [`${JM81}/return_fixedlength.txt`]: [
    [
      1,
      'file header immediate destination 191001234 is not a valid routing number: check digit 4, computed 5',
    ],
  ],
  [`${JM81}/return_noc.txt`]: [
    [
      1,
      'file header immediate destination 191001234 is not a valid routing number: check digit 4, computed 5',
    ],
  ],
  // moov-io/ach issue 1620: the file control counts 2 batches for 1.
  [`${ISSUES}/issue1620.ach`]: [
    [5, 'file control batch count 2 differs from the 1 batch header records in the file'],
  ],
  // Issue 702 (real Fiserv files; MANIFEST: expected errors). moov needs BypassDestinationValidation
  // for both: the immediate destination is not a routing number; Arbor warns. moov also rejects
  // 702-1 for "BatchCount 000000 is a mandatory field": a file without batches is a legitimate
  // no-activity file for Arbor (as the Fiserv zero file), so that part raises nothing. The short
  // header (69 characters) and file control (55) only lack their trailing blanks: not reported.
  [`${ISSUES}/issue702-1.ach`]: [
    [1, 'file header immediate destination "10006XXXX" is not a routing number'],
  ],
  [`${ISSUES}/issue702.ach`]: [[1, 'file header immediate destination "YYYYYYYYY" is not a routing number']],
  // Issue 751 (MANIFEST: expected error, no control records): the entries are still reported.
  [`${ISSUES}/issue751.ach`]: [
    [1, 'the file does not begin with a file header record (type 1) but with a type 5 record'],
    [null, 'the file has no file control record (type 9); its totals are not checked'],
  ],
  // Issue 1600: records out of order. A file header between an entry and its addenda does not cut
  // the addenda off; a 9 before the last batch's 8 leaves that batch without control.
  [`${ISSUES}/issue1600/1e5RecordBefore1or8.txt`]: [
    [1, 'the file does not begin with a file header record (type 1) but with a type 5 record'],
  ],
  [`${ISSUES}/issue1600/1k8RecordFollowing9Record.txt`]: [
    [10, 'the batch that begins at line 7 has no batch control record; its totals are not checked'],
    [11, 'records follow the file control record; they are read but not in its totals'],
    [11, 'batch control record without a batch header or entries before it; not checked'],
  ],
  [`${ISSUES}/issue1600/1qFormatCodeIncorrect.txt`]: [[1, 'file header format code "9" is not 1']],
  // Issue 1378: the same 18 entries without file header, file control, or both.
  [`${ISSUES}/issue1378/neither_file_record.txt`]: [
    [1, 'the file does not begin with a file header record (type 1) but with a type 5 record'],
    [null, 'the file has no file control record (type 9); its totals are not checked'],
  ],
  [`${ISSUES}/issue1378/no_control.txt`]: [
    [null, 'the file has no file control record (type 9); its totals are not checked'],
  ],
  [`${ISSUES}/issue1378/no_header.txt`]: [
    [1, 'the file does not begin with a file header record (type 1) but with a type 5 record'],
  ],
  // A file whose header and batch headers are shifted by one character (origin of 9 characters):
  // every field after the shift is off, and the file control counts 5 batches for 4.
  [`${TESTDATA}/20110729A-invalid.ach`]: [
    [1, 'file header record size "941" is not 094'],
    [1, 'file header blocking factor "01" is not 10'],
    [1, 'file header format code "U" is not 1'],
    [2, 'batch header SEC code "PDT" is not a NACHA standard entry class'],
    [2, 'batch header effective entry date "10801 " is not a date'],
    [148, 'batch control company identification "231380104" differs from the batch header\'s "231380104P"'],
    [149, 'batch header SEC code "PDV" is not a NACHA standard entry class'],
    [149, 'batch header effective entry date "10801 " is not a date'],
    [168, 'batch control company identification "231380104" differs from the batch header\'s "231380104P"'],
    [169, 'batch header SEC code "ATT" is not a NACHA standard entry class'],
    [169, 'batch header effective entry date "10802 " is not a date'],
    [274, 'batch control company identification "231380104" differs from the batch header\'s "231380104I"'],
    [275, 'batch header SEC code "ATV" is not a NACHA standard entry class'],
    [275, 'batch header effective entry date "10802 " is not a date'],
    [292, 'batch control company identification "231380104" differs from the batch header\'s "231380104I"'],
    [293, 'file control batch count 5 differs from the 4 batch header records in the file'],
  ],
  // MANIFEST: expected error, batch count 5 in the control (moov computes 2 as it reads PPD + IAT;
  // the file holds 4 batch headers).
  [`${TESTDATA}/20110805A.ach`]: [
    [93, 'file control batch count 5 differs from the 4 batch header records in the file'],
  ],
  // IAT fixtures whose second batch (service class 220, credits only) holds a debit.
  [`${TESTDATA}/20180713-IAT.ach`]: [
    [13, "entry 231380100000001 is a debit, but its batch's service class code 220 allows credits only"],
  ],
  [`${TESTDATA}/20180716-IAT-A17-A18.ach`]: [
    [20, "entry 231380100000001 is a debit, but its batch's service class code 220 allows credits only"],
  ],
  [`${TESTDATA}/20180716-IAT-A17.ach`]: [
    [15, "entry 231380100000001 is a debit, but its batch's service class code 220 allows credits only"],
  ],
  // Real Fiserv heartbeat file (MANIFEST: expected routing check-digit error on the destination).
  [`${TESTDATA}/FISERV-ZEROFILE-PIMRET825324_032720_110221.ach`]: [
    [
      1,
      'file header immediate destination 100067554 is not a valid routing number: check digit 4, computed 8',
    ],
  ],
  // moov's *invalid* IAT fixtures: a control character (SUB) in the addenda under test, debits-only
  // batches that hold a credit, a destination with a wrong check digit, an unknown transaction code,
  // a misplaced batch header, wrong service class codes, a wrong NOC or return code.
  [`${TESTDATA}/Iat-invalidAddenda13.ach`]: [
    [3, "entry 231380100000001 is a credit, but its batch's service class code 225 allows debits only"],
    [7, '1 record(s) hold control characters (the first: U+001A)'],
  ],
  // ADV fixtures: a return addenda with no entry (counted from the warning), a file control that
  // counts 0 records, no file control.
  [`${TESTDATA}/adv-invalidBatchEntries.ach`]: [
    [3, 'skipped 1 addenda record(s) with no entry detail record before them: 99 R07'],
    [4, 'batch control entry/addenda count 2 differs from the 1 entry and addenda records in the batch'],
    [
      4,
      "batch control entry hash 0046276020 differs from the computed 0000000000 (the sum of the entries' receiving DFI numbers)",
    ],
    [4, "batch control total debit 2500.00 differs from the sum of the batch's debit entries 0.00"],
    [4, "batch control total credit 500.00 differs from the sum of the batch's credit entries 0.00"],
    [5, 'file control entry/addenda count 2 differs from the 1 entry and addenda records in the file'],
    [
      5,
      "file control entry hash 0046276020 differs from the computed 0000000000 (the sum of the entries' receiving DFI numbers)",
    ],
    [5, "file control total debit 2500.00 differs from the sum of the file's debit entries 0.00"],
    [5, "file control total credit 500.00 differs from the sum of the file's credit entries 0.00"],
  ],
  [`${TESTDATA}/adv-invalidFileControl.ach`]: [
    [6, 'file control entry/addenda count 0 differs from the 2 entry and addenda records in the file'],
  ],
  [`${TESTDATA}/adv-noFileControl.ach`]: [
    [null, 'the file has no file control record (type 9); its totals are not checked'],
  ],
  // Headers, entries and addenda only (no header, no controls).
  [`${TESTDATA}/bh-ed-ad-bh-ed-ad-ed-ad.ach`]: [
    [1, 'the file does not begin with a file header record (type 1) but with a type 5 record'],
    [4, 'the batch that begins at line 1 has no batch control record; its totals are not checked'],
    [null, 'the batch that begins at line 4 has no batch control record; its totals are not checked'],
    [null, 'the file has no file control record (type 9); its totals are not checked'],
  ],
  // A lone "9" where the file control belongs.
  [`${TESTDATA}/file_parsing_missing_file_control.txt`]: [
    [5, 'the batch that begins at line 2 has no batch control record; its totals are not checked'],
    [5, 'the file control record is empty; the file totals are not checked'],
    [
      5,
      '1 record(s) end before their last field (the first has 1 of 94 characters); the missing characters were read as blanks',
    ],
  ],
  // The batch controls add up to 6000.78 (entries of 500.01 to 500.12), the ADV file control to 6000.00.
  [`${TESTDATA}/flattenADVBatchesMultipleBatchHeaders.ach`]: [
    [22, "file control total credit 6000.00 differs from the sum of the file's credit entries 6000.78"],
  ],
  [`${TESTDATA}/iat-batchHeaderErr.ach`]: [
    [
      1,
      'file header immediate destination 987654321 is not a valid routing number: check digit 1, computed 0',
    ],
    [3, 'entry 231380100000001 has addenda record indicator 1 but no addenda record follows'],
    [4, 'the batch that begins at line 2 has no batch control record; its totals are not checked'],
    [5, 'skipped 7 addenda record(s) with no entry detail record before them: 10, 11, 12, 13, 14, 15, 16'],
    [12, 'batch control entry/addenda count 8 differs from the 7 entry and addenda records in the batch'],
    [
      12,
      "batch control entry hash 0012104288 differs from the computed 0000000000 (the sum of the entries' receiving DFI numbers)",
    ],
    [12, "batch control total credit 1000.00 differs from the sum of the batch's credit entries 0.00"],
    [14, "entry 231380100000001 is a debit, but its batch's service class code 220 allows credits only"],
    [23, 'file control batch count 2 differs from the 3 batch header records in the file'],
  ],
  [`${TESTDATA}/iat-invalidAddenda10.ach`]: [
    [
      1,
      'file header immediate destination 987654321 is not a valid routing number: check digit 1, computed 0',
    ],
    [13, "entry 231380100000001 is a debit, but its batch's service class code 220 allows credits only"],
  ],
  [`${TESTDATA}/iat-invalidAddenda11.ach`]: [
    [3, "entry 231380100000001 is a credit, but its batch's service class code 225 allows debits only"],
    [5, '1 record(s) hold control characters (the first: U+001A)'],
  ],
  [`${TESTDATA}/iat-invalidAddenda12.ach`]: [
    [3, "entry 231380100000001 is a credit, but its batch's service class code 225 allows debits only"],
    [6, '1 record(s) hold control characters (the first: U+001A)'],
  ],
  [`${TESTDATA}/iat-invalidAddenda14.ach`]: [
    [3, "entry 231380100000001 is a credit, but its batch's service class code 225 allows debits only"],
    [8, '1 record(s) hold control characters (the first: U+001A)'],
  ],
  [`${TESTDATA}/iat-invalidAddenda15.ach`]: [
    [3, "entry 231380100000001 is a credit, but its batch's service class code 225 allows debits only"],
    [9, '1 record(s) hold control characters (the first: U+001A)'],
  ],
  [`${TESTDATA}/iat-invalidAddenda16.ach`]: [
    [3, "entry 231380100000001 is a credit, but its batch's service class code 225 allows debits only"],
    [10, '1 record(s) hold control characters (the first: U+001A)'],
  ],
  [`${TESTDATA}/iat-invalidAddenda17.ach`]: [
    [3, "entry 231380100000001 is a credit, but its batch's service class code 225 allows debits only"],
    [11, '1 record(s) hold control characters (the first: U+001A)'],
  ],
  [`${TESTDATA}/iat-invalidAddenda18.ach`]: [
    [3, "entry 231380100000001 is a credit, but its batch's service class code 225 allows debits only"],
    [12, '1 record(s) hold control characters (the first: U+001A)'],
  ],
  [`${TESTDATA}/iat-invalidAddenda98.ach`]: [[11, 'entry 231380100000001: "C78" is not a NACHA change code']],
  [`${TESTDATA}/iat-invalidAddenda99.ach`]: [
    [11, 'entry 231380100000001: "R96" is not a NACHA return reason code'],
  ],
  [`${TESTDATA}/iat-invalidAddendaRecordIndicator.ach`]: [
    [3, 'entry 231380100000001: addenda record indicator "5" is not 0 or 1'],
  ],
  [`${TESTDATA}/iat-invalidBatchControl.ach`]: [
    [
      1,
      'file header immediate destination 987654321 is not a valid routing number: check digit 1, computed 0',
    ],
    [11, 'batch control originating DFI "23100000" differs from the batch header\'s "23138010"'],
    [11, 'batch control batch number "0000000" differs from the batch header\'s "0000001"'],
    [13, "entry 231380100000001 is a debit, but its batch's service class code 220 allows credits only"],
  ],
  [`${TESTDATA}/iat-invalidBatchHeader.ach`]: [
    [
      1,
      'file header immediate destination 987654321 is not a valid routing number: check digit 1, computed 0',
    ],
    [2, 'batch header service class code "100" is not 200, 220, 225 or 280'],
    [11, "batch control service class code 220 differs from the batch header's 100"],
    [13, "entry 231380100000001 is a debit, but its batch's service class code 220 allows credits only"],
  ],
  [`${TESTDATA}/iat-invalidEntryDetail.ach`]: [
    [
      1,
      'file header immediate destination 987654321 is not a valid routing number: check digit 1, computed 0',
    ],
    [3, 'entry 231380100000001: transaction code "90" is not a NACHA transaction code; read as a credit'],
    [15, "entry 231380100000001 is a debit, but its batch's service class code 220 allows credits only"],
  ],
  // An amount with letters: reported as 0.00 (as the MANIFEST's computed debit 76 counts it).
  [`${TESTDATA}/invalid-two-micro-deposits.ach`]: [
    [15, 'entry 121042889AAZZZ8: amount "00CCC00004" is not a number of cents; reported as 0.00'],
    [17, "batch control total debit 0.44 differs from the sum of the batch's debit entries 0.00"],
    [18, "file control total debit 1.20 differs from the sum of the file's debit entries 0.76"],
  ],
  // Fixtures whose controls are simply wrong.
  [`${TESTDATA}/moov-ids.ach`]: [
    [
      10,
      "file control entry hash 9999999999 differs from the computed 0144488931 (the sum of the entries' receiving DFI numbers)",
    ],
  ],
  [`${TESTDATA}/nonascii-utf8.ach`]: [
    [17, 'file control entry/addenda count 1 differs from the 13 entry and addenda records in the file'],
    [17, "file control block count 1 differs from the 2 blocks of ten for the file's 17 records"],
  ],
  [`${TESTDATA}/nonascii.ach`]: [
    [17, 'file control entry/addenda count 1 differs from the 13 entry and addenda records in the file'],
    [17, "file control block count 1 differs from the 2 blocks of ten for the file's 17 records"],
  ],
  // A SUB control character in the individual name.
  [`${TESTDATA}/pos-invalidEntryDetail.ach`]: [
    [3, '1 record(s) hold control characters (the first: U+001A)'],
  ],
  [`${TESTDATA}/pos-invalidReturnFile.ach`]: [
    [4, 'entry 121042880000001: "R96" is not a NACHA return reason code'],
  ],
  // The RDFI check digit is wrong (moov's test name says so).
  [`${TESTDATA}/ppd-debit-invalid-entryDetail-checkDigit.ach`]: [
    [3, 'entry 121042880000001: receiving DFI 23138010 check digit "5" differs from the computed 4'],
  ],
  // moov's "fix" output of ppd-debit.ach: its new effective entry date 202512 is not YYMMDD.
  [`${TESTDATA}/ppd-debit.ach.fix.expected`]: [
    [2, 'batch header effective entry date "202512" is not a date'],
  ],
  // R97 is not a NACHA code (moov reads it only with its CustomReturnCodes option).
  [`${TESTDATA}/return-PPD-custom-reason-code.ach`]: [
    [4, 'entry 092221170000001: "R97" is not a NACHA return reason code'],
  ],
  // Return files without controls or headers; return-no-batch-header is read entry by entry, as
  // moov's iterator does (MANIFEST: 2 entries).
  [`${TESTDATA}/return-no-batch-controls.ach`]: [
    [1, 'the file does not begin with a file header record (type 1) but with a type 5 record'],
    [4, 'the batch that begins at line 1 has no batch control record; its totals are not checked'],
    [null, 'the batch that begins at line 4 has no batch control record; its totals are not checked'],
    [null, 'the file has no file control record (type 9); its totals are not checked'],
  ],
  [`${TESTDATA}/return-no-batch-header.ach`]: [
    [1, 'the file does not begin with a file header record (type 1) but with a type 6 record'],
    [1, 'entry detail record outside a batch (no batch header before it)'],
    [
      null,
      'the entries from line 1 have no batch header or batch control record; their totals are not checked',
    ],
    [null, 'the file has no file control record (type 9); its totals are not checked'],
  ],
  [`${TESTDATA}/return-no-file-header-control.ach`]: [
    [1, 'the file does not begin with a file header record (type 1) but with a type 5 record'],
    [null, 'the file has no file control record (type 9); its totals are not checked'],
  ],
  // A file control from another file (665 batches).
  [`${TESTDATA}/shr-credit.ach`]: [
    [32, 'file control batch count 665 differs from the 1 batch header records in the file'],
    [32, 'file control entry/addenda count 10545 differs from the 28 entry and addenda records in the file'],
    [
      32,
      "file control entry hash 0247745675 differs from the computed 0057687350 (the sum of the entries' receiving DFI numbers)",
    ],
    [32, "file control total debit 2564393.81 differs from the sum of the file's debit entries 0.00"],
    [32, "file control total credit 8420463.09 differs from the sum of the file's credit entries 687.16"],
    [32, "file control block count 1188 differs from the 4 blocks of ten for the file's 32 records"],
  ],
  // moov's skip-validation fixture: a blank immediate destination.
  [`${TESTDATA}/skip-validation.ach`]: [[1, 'file header immediate destination "" is not a routing number']],
  // The batch header's fields after the entry description are shifted by two characters.
  [`${TESTDATA}/txp-credit.ach`]: [[2, 'batch header effective entry date "16    " is not a date']],
  // Block count 2 for 6 records (one block).
  [`${TESTDATA}/txp-debit.ach`]: [
    [6, "file control block count 2 differs from the 1 blocks of ten for the file's 6 records"],
  ],
  // C92 is not a change code.
  [`${TESTDATA}/web-invalidNOCFile.ach`]: [[4, 'entry 121042880000001: "C92" is not a NACHA change code']],
  // R07, then dishonored R68, then contested R71, all on one entry: NACHA allows one return addenda
  // per entry, so Arbor warns and keeps the first as return_code (all three are in return_codes).
  [`${EXAMPLES}/contested-return.ach`]: [
    [5, 'entry 121042880000001 has more than one return addenda; return_code is the first (R07)'],
  ],
};

/** Files that cannot be read at all. */
const UNREADABLE: Record<string, string> = {
  // One line of 471 characters: a fixed-length file with a stray character before its first record,
  // so every record after the first begins one character late (moov rejects it; MANIFEST: nothing read).
  [`${TESTDATA}/ppd-debit-fixedLengthInvalid.ach`]: `${TESTDATA}/ppd-debit-fixedLengthInvalid.ach:2: the file has no line breaks, and record 2 (at character 95) does not begin with a record type code: its records are not 94 characters long`,
};

const LISTING = ABSENT ? [] : manifestListing();

describe.skipIf(ABSENT)('NACHA corpus: every file the MANIFEST lists', () => {
  it('lists every file of the NACHA folders, and only those', () => {
    const files = corpusFiles('nacha', (p) => !/LICENSE$/.test(p));
    expect(LISTING.map(([p]) => p).sort()).toEqual(files);
    for (const path of [...Object.keys(WARNINGS), ...Object.keys(UNREADABLE)]) expect(files).toContain(path);
  });

  it.each(LISTING)('%s', (path, facts) => {
    const unreadable = UNREADABLE[path];
    if (unreadable !== undefined) {
      let error: unknown;
      try {
        read(path);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('bank_files.unreadable');
      expect((error as AppError).message).toBe(unreadable);
      expect(facts).toMatchObject({ batches: 0, entries: 0 });
      return;
    }
    const r = read(path);
    expect(r.doc.warnings.map((w) => [w.line, w.message])).toEqual(WARNINGS[path] ?? []);
    // Whatever the chunking, the same result.
    expect(JSON.stringify(read(path, 7).doc)).toBe(JSON.stringify(r.doc));
    if (facts === null) return;

    expect(r.doc.ach?.batches ?? 0).toBe(facts.batches);
    expect(r.entries).toHaveLength(facts.entries);
    expect(histogram(r.batches.map((b) => b.sec_code))).toEqual(facts.SEC ?? {});
    // The MANIFEST counts addenda records: those with no entry before them come from the warning.
    const stray = orphans(r.doc);
    expect(
      histogram([
        ...r.entries.flatMap((e) => e.return_codes),
        ...stray.flatMap(([t, c]) => (t === '99' && c ? [c] : [])),
      ]),
    ).toEqual(facts.return_codes ?? {});
    expect(
      histogram([
        ...r.entries.flatMap((e) => (e.noc_code === null ? [] : [e.noc_code])),
        ...stray.flatMap(([t, c]) => (t === '98' && c ? [c] : [])),
      ]),
    ).toEqual(facts.NOC_codes ?? {});
    expect(
      histogram(
        [...r.entries.flatMap((e) => e.addenda_types), ...stray.map(([t]) => t)].map((t) => `addenda${t}`),
      ),
    ).toEqual(facts.addenda ?? {});

    // The file control's values as the MANIFEST read them (positions of a standard file control).
    if (facts.ctl_batches === undefined || facts.ctl_batches === '') {
      expect(r.controls).toEqual([]);
    } else {
      expect(r.controls).toHaveLength(1);
      const c = r.controls[0] as NachaFileControl;
      expect(c.batch_count).toBe(Number(facts.ctl_batches));
      expect(c.entry_addenda_count).toBe(Number(facts.ctl_entry_addenda));
      if (r.batches.some((b) => b.sec_code === 'ADV')) {
        // An ADV file control holds 20-digit totals at 32-51 and 52-71; the MANIFEST's 12-digit
        // fields at 32-43 and 44-55 are their first 24 digits.
        const both =
          cents(c.total_debit).toString().padStart(20, '0') +
          cents(c.total_credit).toString().padStart(20, '0');
        expect(both.slice(0, 24)).toBe(`${facts.ctl_debit}${facts.ctl_credit}`);
      } else {
        expect(cents(c.total_debit)).toBe(BigInt(facts.ctl_debit ?? ''));
        expect(cents(c.total_credit)).toBe(BigInt(facts.ctl_credit ?? ''));
      }
    }

    // The MANIFEST splits entries by the second digit of the transaction code, which fits only the
    // 2x-5x codes (MANIFEST caveats): with ADV codes (81-88) or invalid ones only the sum is compared.
    let debit = 0n;
    let credit = 0n;
    for (const e of r.entries) {
      if (e.direction === 'debit') debit += cents(e.amount);
      else credit += cents(e.amount);
    }
    if (r.entries.every((e) => /^[2-5]\d$/.test(e.transaction_code))) {
      expect([debit, credit]).toEqual([BigInt(facts.computed_debit), BigInt(facts.computed_credit)]);
    } else {
      expect(debit + credit).toBe(BigInt(facts.computed_debit + facts.computed_credit));
    }
  });
});

describe.skipIf(ABSENT)('NACHA corpus: facts the source repositories assert', () => {
  it('issue702.ach (real vendor return file): modifier B, destination YYYYYYYYY, 3 batches, R01 R03 R04', () => {
    const r = read(`${ISSUES}/issue702.ach`);
    expect(r.headers[0]).toMatchObject({ file_id_modifier: 'B', immediate_destination: 'YYYYYYYYY' });
    expect(r.doc.ach?.batches).toBe(3);
    expect(r.batches.map((b) => b.sec_code)).toEqual(['PPD', 'WEB', 'WEB']);
    expect(r.entries.map((e) => e.return_code).sort()).toEqual(['R01', 'R03', 'R04']);
    // moov needs BypassDestinationValidation to read it: the destination is not a routing number.
    expect(r.doc.warnings).toEqual([
      { line: 1, message: 'file header immediate destination "YYYYYYYYY" is not a routing number' },
    ]);
  });

  it('issue702-1.ach: no entries, origin 182327390, destination 10006XXXX, destination name PIMRET825324', () => {
    const r = read(`${ISSUES}/issue702-1.ach`);
    expect(r.entries).toEqual([]);
    expect(r.headers[0]).toMatchObject({
      immediate_origin: '182327390',
      immediate_destination: '10006XXXX',
      immediate_destination_name: 'PIMRET825324',
    });
    expect(r.controls[0]?.batch_count).toBe(0);
    expect(r.doc.warnings).toHaveLength(1);
  });

  it('the Fiserv zero file: destination 100067554 with a wrong check digit, origin 182327390 FISERV, no batch', () => {
    const r = read(`${TESTDATA}/FISERV-ZEROFILE-PIMRET825324_032720_110221.ach`);
    expect(r.headers[0]).toMatchObject({
      immediate_destination: '100067554',
      immediate_origin: '182327390',
      immediate_origin_name: 'FISERV',
    });
    expect(r.controls[0]?.batch_count).toBe(0);
    expect(r.doc.warnings).toEqual([
      {
        line: 1,
        message:
          'file header immediate destination 100067554 is not a valid routing number: check digit 4, computed 8',
      },
    ]);
  });

  it('issue751.ach: no control records, yet 1 batch and 2 entries, accounts with their blanks, R01 and R03', () => {
    const r = read(`${ISSUES}/issue751.ach`);
    expect(r.doc.ach?.batches).toBe(1);
    expect(r.entries.map((e) => [e.dfi_account, e.account, e.return_code])).toEqual([
      ['82111184         ', '101206101:82111184', 'R01'],
      ['0110             ', '101206101:0110', 'R03'],
    ]);
    expect(r.doc.warnings.map((w) => w.message)).toContain(
      'the file has no file control record (type 9); its totals are not checked',
    );
  });

  it('return-WEB.ach: 2 WEB batches, R01 and R03, debit 123.54, credit 45.65', () => {
    const r = read(`${TESTDATA}/return-WEB.ach`);
    expect(r.batches.map((b) => b.sec_code)).toEqual(['WEB', 'WEB']);
    expect(r.entries.map((e) => [e.return_code, e.direction, e.amount])).toEqual([
      ['R01', 'debit', '123.54'],
      ['R03', 'credit', '45.65'],
    ]);
    expect(r.doc.warnings).toEqual([]);
  });

  it('return-no-batch-header.ach: 2 entries, the first to RDFI 091400606 for Paul Jones, trace 091000017611242, R01', () => {
    const r = read(`${TESTDATA}/return-no-batch-header.ach`);
    expect(r.entries).toHaveLength(2);
    expect(r.entries[0]).toMatchObject({
      name: 'Paul Jones',
      trace: '091000017611242',
      return_code: 'R01',
      addenda_types: ['99'],
    });
    expect(r.entries[0]?.account?.startsWith('091400606:')).toBe(true);
  });

  it('20110805A.ach: the file control states 5 batches (PPD and IAT)', () => {
    const r = read(`${TESTDATA}/20110805A.ach`);
    expect(r.controls[0]?.batch_count).toBe(5);
    expect(r.doc.warnings).toEqual([
      { line: 93, message: 'file control batch count 5 differs from the 4 batch header records in the file' },
    ]);
  });

  it('contested and dishonored returns, and the NACHA TEL reversal sample (debit = credit = 6851.00)', () => {
    expect(read(`${EXAMPLES}/contested-return.ach`).entries.map((e) => e.return_codes)).toEqual([
      ['R07', 'R68', 'R71'],
    ]);
    expect(read(`${EXAMPLES}/dishonored-return.ach`).entries.map((e) => e.return_code)).toEqual([
      'R68',
      'R68',
    ]);
    const tel = read(`${TESTDATA}/NACHA_SAMPLE_TEL_REVERSAL.ach`);
    expect(tel.entries.map((e) => [e.transaction_code, e.direction, e.amount])).toEqual([
      ['22', 'credit', '6851.00'],
      ['27', 'debit', '6851.00'],
    ]);
    expect(tel.doc.warnings).toEqual([]);
  });

  it('comanage_nacha: 5 batches of 1 entry (R08, R01, R07, C02, C05), and an empty file with batch count 0', () => {
    const r = read(`${COMANAGE}/test_return_file.large_returns_file.ach`);
    expect(r.doc.ach?.batches).toBe(5);
    expect(r.entries.map((e) => e.return_code ?? e.noc_code)).toEqual(['R08', 'R01', 'R07', 'C02', 'C05']);
    // One entry in each batch: entry i lies between batch header i and batch header i + 1.
    r.entries.forEach((e, i) => {
      expect(e.line).toBeGreaterThan(r.batches[i]?.line ?? Number.POSITIVE_INFINITY);
      expect(e.line).toBeLessThan(r.batches[i + 1]?.line ?? Number.POSITIVE_INFINITY);
    });
    const empty = read(`${COMANAGE}/test_return_file.empty_returns_file.ach`);
    expect(empty.controls[0]?.batch_count).toBe(0);
    expect(empty.entries).toEqual([]);
  });

  it('jm81 return_noc.txt: the bank certification file, field by field; return_fixedlength.txt reads the same', () => {
    const r = read(`${JM81}/return_noc.txt`);
    expect(r.headers[0]).toMatchObject({
      immediate_destination: '191001234',
      immediate_origin: '992222226',
      creation_date: '2012-10-15',
      creation_time: '15:18',
    });
    expect(r.doc.ach?.batches).toBe(3);
    expect(r.batches.map((b) => b.sec_code)).toEqual(['COR', 'PPD', 'PPD']);
    expect(r.entries[0]).toMatchObject({
      transaction_code: '21',
      account: '121140399:3300911569',
      amount: '0.00',
      individual_id: 'A38LTNY2',
      noc_code: 'C05',
      original_trace: '992222220280489',
      corrected_data: '32',
    });
    // jm81 reads every addenda with the layout of an 05 and reports positions 84-87 as the "sequence":
    // in this addenda 98 they fall inside its trace number (80-94), the entry's trace.
    expect(r.entries[0]?.trace.slice(4, 8)).toBe('4039');
    expect(r.entries[1]).toMatchObject({
      sec_code: 'PPD',
      amount: '25.36',
      return_code: 'R07',
      original_trace: '992222220280393',
      return_information: 'INVALID',
    });
    const fixed = read(`${JM81}/return_fixedlength.txt`);
    expect(fixed.doc.ach?.batches).toBe(3);
    expect(fixed.entries).toEqual(r.entries);
  });

  it("ppd-debit.ach.fix.expected (moov's expected output of fixing ppd-debit.ach) holds the same entry", () => {
    const before = read(`${TESTDATA}/ppd-debit.ach`);
    const after = read(`${TESTDATA}/ppd-debit.ach.fix.expected`);
    // The fix rewrites the effective entry date (to "202512", not a date) and pads the records.
    const strip = (es: NachaAchEntry[]) => es.map(({ effective_date: _, ...rest }) => rest);
    expect(strip(after.entries)).toEqual(strip(before.entries));
    expect(before.entries[0]?.effective_date).toBe('2019-06-25');
  });
});
