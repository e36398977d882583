import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPORA_ABSENT_REASON, corporaDir, corpusFile, corpusFiles } from '../../../test/support/corpora.ts';
import { isAppError } from '../../core/errors.ts';
import {
  type Claim,
  type ClaimPayment,
  minorFromDecimal,
  normalizeDecimal,
  type ParsedFile,
  parseText,
} from '../bank-files/index.ts';
import { createX12_835Parser, createX12Parser, X12Tokenizer } from './index.ts';

/**
 * The real and implementation-guide 835s of the shared corpus, read in place (never copied here), held
 * to every fact /work/shared/corpora/MANIFEST.md states for them ("### X12 835" and the per-file
 * listing for x12-835/*), and to the service-line tables edi-835-parser ships as expected output.
 */

const absent = corporaDir() === null;
if (absent) console.warn(CORPORA_ABSENT_REASON);

const LFH = 'x12-835/LinuxForHealth-x12/src/tests/resources/835_005010X221A1';
const E835 = 'x12-835/edi-835-parser/tests/test_edi_835_files';
const OUT = 'x12-835/edi-835-parser/tests/output';

/** The per-file listing of the MANIFEST, transcribed. */
interface Facts {
  n_ST: number;
  GS_version: string | null;
  /** BPR01, BPR02, BPR03, BPR04 per transaction set. */
  BPR: [string, string, string, string][];
  TRN: string[];
  n_CLP: number;
  sum_CLP04_paid: string;
  sum_CLP03_charge: string;
  claim_status: Record<string, number>;
  n_SVC: number;
  CAS: Record<string, number>;
  RARC: Record<string, number>;
  PLB: [string, string][];
}

const MEDICARE_PART_A: Facts = {
  n_ST: 1,
  GS_version: '005010X221A1',
  BPR: [['C', '150000.00', 'C', 'ACH']],
  TRN: ['12345'],
  n_CLP: 2,
  sum_CLP04_paid: '149998.73',
  sum_CLP03_charge: '226366.97',
  claim_status: { '1': 2 },
  n_SVC: 0,
  CAS: { 'CO-45': 2 },
  RARC: { MA02: 1 },
  PLB: [['CV:CP', '-1.27']],
};

const FACTS: Record<string, Facts> = {
  [`${LFH}/cob-contractural-adjustment.835`]: {
    n_ST: 1,
    GS_version: '005010X221A1',
    BPR: [['I', '34.00', 'C', 'CHK']],
    TRN: ['0063158ABC'],
    n_CLP: 1,
    sum_CLP04_paid: '34.00',
    sum_CLP03_charge: '541.00',
    claim_status: { '2': 1 },
    n_SVC: 1,
    CAS: { 'OA-23': 1, 'OA-94': 1 },
    RARC: {},
    PLB: [],
  },
  [`${LFH}/managed-care.835`]: {
    n_ST: 1,
    GS_version: '005010X221A1',
    BPR: [['I', '945.00', 'C', 'ACH']],
    TRN: ['7170066655'],
    n_CLP: 2,
    sum_CLP04_paid: '945.00',
    sum_CLP03_charge: '2000.00',
    claim_status: { '1': 2 },
    n_SVC: 2,
    CAS: { 'CO-A2': 2, 'PR-1': 2, 'CO-45': 1 },
    RARC: {},
    PLB: [],
  },
  [`${LFH}/medicare-part-a.835`]: MEDICARE_PART_A,
  [`${LFH}/secondary-payment.835`]: {
    n_ST: 1,
    GS_version: '005010X221A1',
    BPR: [['I', '1222.00', 'C', 'CHK']],
    TRN: ['0012524965'],
    n_CLP: 2,
    sum_CLP04_paid: '1222.00',
    sum_CLP03_charge: '11075.14',
    claim_status: { '2': 2 },
    n_SVC: 2,
    CAS: { 'OA-23': 2, 'PR-1': 1, 'PR-2': 1, 'CO-42': 1 },
    RARC: {},
    PLB: [],
  },
  [`${LFH}/tertiary-payment.835`]: {
    n_ST: 1,
    GS_version: '005010X221A1',
    BPR: [['I', '187.50', 'C', 'CHK']],
    TRN: ['0012524879'],
    n_CLP: 1,
    sum_CLP04_paid: '187.50',
    sum_CLP03_charge: '1766.50',
    claim_status: { '3': 1 },
    n_SVC: 1,
    CAS: { 'OA-23': 1 },
    RARC: {},
    PLB: [],
  },
  'x12-835/LinuxForHealth-x12/demo-file/demo.835': MEDICARE_PART_A,
  [`${E835}/blue_cross_nc_sample.txt`]: {
    n_ST: 1,
    GS_version: null,
    BPR: [['I', '1922.86', 'C', 'CHK']],
    TRN: ['02790758'],
    n_CLP: 1,
    sum_CLP04_paid: '1922.86',
    sum_CLP03_charge: '2100.00',
    claim_status: { '1': 1 },
    n_SVC: 3,
    CAS: { 'CO-42': 1, 'PR-2': 1, 'PR-3': 1 },
    RARC: {},
    PLB: [],
  },
  [`${E835}/emedny_sample.txt`]: {
    n_ST: 1,
    GS_version: '005010X221A1',
    BPR: [['I', '45.75', 'C', 'ACH']],
    TRN: ['10100000000'],
    n_CLP: 3,
    sum_CLP04_paid: '45.75',
    sum_CLP03_charge: '102.50',
    claim_status: { '1': 1, '2': 2 },
    n_SVC: 10,
    CAS: { 'CO-29': 2, 'CO-251': 2 },
    RARC: { N206: 2 },
    PLB: [],
  },
  [`${E835}/united_healthcare_legacy_sample.txt`]: {
    n_ST: 1,
    GS_version: '005010X221A1',
    BPR: [['I', '349.99', 'C', 'ACH']],
    TRN: ['1234567890'],
    n_CLP: 2,
    sum_CLP04_paid: '349.99',
    sum_CLP03_charge: '1157.52',
    claim_status: { '1': 2 },
    n_SVC: 5,
    CAS: { 'CO-45': 4, 'PR-1': 2, 'PR-2': 1 },
    RARC: {},
    PLB: [],
  },
  'x12-835/pyx12/pyx12/tests/835_mult_loops.txt': {
    n_ST: 1,
    GS_version: '005010X221A1',
    BPR: [['H', '0.00', 'C', 'NON']],
    TRN: ['000000000'],
    n_CLP: 1,
    sum_CLP04_paid: '0.00',
    sum_CLP03_charge: '915.39',
    claim_status: { '4': 1 },
    n_SVC: 3,
    CAS: { 'CO-16': 1, 'OA-A7': 2 },
    RARC: { N14: 3 },
    PLB: [],
  },
};

/**
 * Warnings a file earns by breaking its own controls. The MANIFEST states none; the BCBS sample's
 * SE01 says 33 where its transaction set has 32 segments (counted by hand: a segment was evidently
 * removed from the payer's companion-guide sample without fixing SE01).
 */
const EXPECTED_WARNINGS: Record<string, ParsedFile['warnings']> = {
  [`${E835}/blue_cross_nc_sample.txt`]: [
    {
      line: 1,
      message:
        'transaction set 835 1234 (line 1): SE01 segment count 33 differs from the 32 segments from ST to SE',
    },
  ],
};

/** Files in the x12-835 folders that are not 835s: licenses and expected outputs, refused as not X12. */
const NOT_X12 = [
  'x12-835/LinuxForHealth-x12/LICENSE',
  'x12-835/edi-835-parser/LICENSE',
  `${OUT}/all_samples.csv`,
  `${OUT}/blue_cross_nc_sample.csv`,
  `${OUT}/emedny_sample.csv`,
  `${OUT}/united_healthcare_legacy_sample.csv`,
  'x12-835/pyx12/LICENSE.txt',
];

function text(path: string): string {
  return readFileSync(corpusFile(path), 'utf8');
}

function parse(path: string, chunkSize?: number): ParsedFile {
  return parseText(createX12_835Parser, 'x12-835', text(path), { fileName: path }, chunkSize);
}

function segments(path: string): string[][] {
  const out: string[][] = [];
  const t: X12Tokenizer = new X12Tokenizer((segment) => out.push(t.splitSegment(segment)), path);
  t.push(text(path));
  t.end();
  return out;
}

function histogram(keys: string[]): Record<string, number> {
  const h: Record<string, number> = {};
  for (const k of keys) h[k] = (h[k] ?? 0) + 1;
  return h;
}

function cents(amount: string): bigint {
  const normalized = normalizeDecimal(amount === '' ? '0' : amount, 'USD');
  if (normalized === null) throw new Error(`not an amount: ${amount}`);
  return minorFromDecimal(normalized, 2);
}

function sum(amounts: string[]): string {
  const total = amounts.reduce((acc, a) => acc + cents(a), 0n);
  const sign = total < 0n ? '-' : '';
  const abs = total < 0n ? -total : total;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

const claimsOf = (doc: ParsedFile): Claim[] => (doc.claim_payments ?? []).flatMap((p) => p.claims);

describe.skipIf(absent)('X12 835 corpus (MANIFEST facts)', () => {
  it('holds exactly the files the MANIFEST lists', () => {
    expect(corpusFiles('x12-835')).toEqual([...Object.keys(FACTS), ...NOT_X12].sort());
  });

  for (const [path, facts] of Object.entries(FACTS)) {
    it(`reads ${path.split('/').at(-1)} as the MANIFEST states`, () => {
      const doc = parse(path);
      expect(doc.format).toBe('x12-835');
      expect(doc.version).toBe(facts.GS_version);
      expect(doc.warnings).toEqual(EXPECTED_WARNINGS[path] ?? []);
      const payments = doc.claim_payments ?? [];
      expect(payments).toHaveLength(facts.n_ST);
      // BPR01 and BPR03 are not part of the normalized document: read them from the segments.
      const bpr = segments(path).filter((s) => s[0] === 'BPR');
      expect(bpr.map((s) => [s[1], s[3]])).toEqual(facts.BPR.map((b) => [b[0], b[2]]));
      expect(payments.map((p) => [p.payment_amount, p.method])).toEqual(facts.BPR.map((b) => [b[1], b[3]]));
      expect(payments.map((p) => p.trace)).toEqual(facts.TRN);
      const claims = claimsOf(doc);
      expect(claims).toHaveLength(facts.n_CLP);
      expect(sum(claims.map((c) => c.paid))).toBe(facts.sum_CLP04_paid);
      expect(sum(claims.map((c) => c.charge))).toBe(facts.sum_CLP03_charge);
      expect(histogram(claims.map((c) => c.status))).toEqual(facts.claim_status);
      expect(claims.reduce((n, c) => n + c.services, 0)).toBe(facts.n_SVC);
      expect(histogram(claims.flatMap((c) => c.adjustments.map((a) => `${a.group}-${a.reason}`)))).toEqual(
        facts.CAS,
      );
      expect(histogram(claims.flatMap((c) => c.remarks))).toEqual(facts.RARC);
      expect(payments.flatMap((p) => p.provider_adjustments.map((a) => [a.reason, a.amount]))).toEqual(
        facts.PLB,
      );
      for (const size of [1, 7, 4096]) expect(parse(path, size)).toEqual(doc);
      expect(parseText(createX12Parser, 'x12-835', text(path), { fileName: path })).toEqual(doc);
    });
  }

  for (const path of NOT_X12) {
    it(`refuses ${path.split('/').slice(-2).join('/')} as not X12`, () => {
      let error: unknown;
      try {
        parse(path);
      } catch (e) {
        error = e;
      }
      expect(isAppError(error) && error.code).toBe('bank_files.unreadable');
      expect((error as Error).message).toContain(`${path}:1: not an X12 file`);
    });
  }

  it('medicare-part-a balances: BPR02 150000.00 = CLP04 149998.73 less PLB CV -1.27, RARC MA02', () => {
    const doc = parse(`${LFH}/medicare-part-a.835`);
    const payment = doc.claim_payments?.[0] as ClaimPayment;
    expect(payment.payment_amount).toBe('150000.00');
    expect(sum(payment.claims.map((c) => c.paid))).toBe('149998.73');
    expect(payment.provider_adjustments).toEqual([{ reason: 'CV:CP', amount: '-1.27' }]);
    expect(payment.claims.flatMap((c) => c.remarks)).toEqual(['MA02']);
    expect(doc.warnings).toEqual([]);
    // demo.835 is the same example.
    expect(parse('x12-835/LinuxForHealth-x12/demo-file/demo.835').claim_payments).toEqual(doc.claim_payments);
  });

  it('reads the TR3 examples the MANIFEST singles out', () => {
    const managed = claimsOf(parse(`${LFH}/managed-care.835`));
    expect(managed.map((c) => c.claim_id)).toEqual(['5554555444', '8765432112']);
    const secondary = parse(`${LFH}/secondary-payment.835`).claim_payments?.[0];
    expect([secondary?.payment_amount, secondary?.method]).toEqual(['1222.00', 'CHK']);
    expect(claimsOf(parse(`${LFH}/tertiary-payment.835`)).map((c) => c.status)).toEqual(['3']);
    const cob = claimsOf(parse(`${LFH}/cob-contractural-adjustment.835`));
    expect(cob[0]?.adjustments).toEqual([
      { group: 'OA', reason: '23', amount: '516.00' },
      { group: 'OA', reason: '94', amount: '-9.00' },
    ]);
  });

  it('finds the claims and patients edi-835-parser expects: BCBS-NC 1/1, UHC 2/2, eMedNY 3/3, 6/6 in all', () => {
    const counts = (
      ['blue_cross_nc_sample', 'united_healthcare_legacy_sample', 'emedny_sample'] as const
    ).map((name) => {
      const path = `${E835}/${name}.txt`;
      const patients = segments(path).filter((s) => s[0] === 'NM1' && s[1] === 'QC').length;
      return [claimsOf(parse(path)).length, patients];
    });
    expect(counts).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(counts.reduce((n, [c]) => n + (c ?? 0), 0)).toBe(6);
  });

  it('reads the payer samples with the amounts, codes and statuses the MANIFEST names', () => {
    const bcbs = parse(`${E835}/blue_cross_nc_sample.txt`).claim_payments?.[0] as ClaimPayment;
    expect([bcbs.payment_amount, bcbs.method]).toEqual(['1922.86', 'CHK']);
    expect(bcbs.claims.map((c) => [c.paid, c.charge])).toEqual([['1922.86', '2100.00']]);
    expect(bcbs.claims[0]?.adjustments.map((a) => `${a.group}-${a.reason}`)).toEqual([
      'CO-42',
      'PR-2',
      'PR-3',
    ]);

    const emedny = parse(`${E835}/emedny_sample.txt`).claim_payments?.[0] as ClaimPayment;
    expect([emedny.payment_amount, emedny.method]).toEqual(['45.75', 'ACH']);
    expect(emedny.claims.map((c) => c.status)).toEqual(['1', '2', '2']);
    expect(emedny.claims.reduce((n, c) => n + c.services, 0)).toBe(10);

    const uhc = parse(`${E835}/united_healthcare_legacy_sample.txt`).claim_payments?.[0] as ClaimPayment;
    expect([uhc.payment_amount, uhc.method]).toEqual(['349.99', 'ACH']);
  });

  describe("edi-835-parser's expected service lines (tests/output/*.csv)", () => {
    interface Row {
      marker: string;
      charge: string;
      paid: string;
      payer: string;
      adjustments: string[];
      remarks: string[];
    }

    function rows(csv: string): Row[] {
      const [head = '', ...lines] = readFileSync(corpusFile(`${OUT}/${csv}`), 'utf8')
        .trim()
        .split('\n');
      expect(head.includes('"')).toBe(false);
      const columns = head.split(',');
      const col = (name: string) => columns.indexOf(name);
      return lines.map((line) => {
        expect(line.includes('"')).toBe(false);
        const cells = line.split(',');
        const cell = (name: string) => (col(name) < 0 ? '' : (cells[col(name)] ?? ''));
        const adjustments = [0, 1]
          .map((i) => [cell(`adj_${i}_group`), cell(`adj_${i}_code`), cell(`adj_${i}_amount`)])
          .filter(([group]) => group !== '')
          .map(([group, code, amount]) => `${group}-${code} ${cents(amount ?? '')}`);
        return {
          marker: cell('marker'),
          charge: cell('charge_amount'),
          paid: cell('paid_amount'),
          payer: cell('payer'),
          adjustments,
          remarks: cell('rem_0_code') === '' ? [] : [cell('rem_0_code')],
        };
      });
    }

    /** Whether every item of `part` is in `whole`, counting repeats. */
    function within(part: string[], whole: string[]): boolean {
      const left = [...whole];
      return part.every((x) => {
        const i = left.indexOf(x);
        if (i < 0) return false;
        left.splice(i, 1);
        return true;
      });
    }

    /** Walks the claims in order, each taking as many rows as it has SVC segments. */
    function compare(expected: Row[], payments: ClaimPayment[]): void {
      let next = 0;
      for (const payment of payments) {
        for (const claim of payment.claims) {
          const mine = expected.slice(next, next + claim.services);
          next += claim.services;
          expect(mine).toHaveLength(claim.services);
          for (const row of mine) {
            expect(row.marker).toBe(claim.claim_id);
            expect(row.payer).toBe(payment.payer);
          }
          // The service lines add up to the claim (a line without an amount adds nothing).
          expect(sum(mine.map((r) => r.paid))).toBe(sum([claim.paid]));
          expect(sum(mine.map((r) => r.charge))).toBe(sum([claim.charge]));
          // The table shows the first two CAS triples and the first RARC of each line.
          const adjustments = claim.adjustments.map((a) => `${a.group}-${a.reason} ${cents(a.amount)}`);
          expect(
            within(
              mine.flatMap((r) => r.adjustments),
              adjustments,
            ),
          ).toBe(true);
          expect(
            within(
              mine.flatMap((r) => r.remarks),
              claim.remarks,
            ),
          ).toBe(true);
        }
      }
      expect(next).toBe(expected.length);
    }

    const samples = ['blue_cross_nc_sample', 'emedny_sample', 'united_healthcare_legacy_sample'];

    for (const name of samples) {
      it(`matches ${name}.csv`, () => {
        const expected = rows(`${name}.csv`);
        expect(expected.length).toBeGreaterThan(0);
        compare(expected, parse(`${E835}/${name}.txt`).claim_payments ?? []);
      });
    }

    it('matches all_samples.csv (the three samples in that order)', () => {
      const payments = samples.flatMap((name) => parse(`${E835}/${name}.txt`).claim_payments ?? []);
      const expected = rows('all_samples.csv');
      expect(expected).toHaveLength(18);
      compare(expected, payments);
    });
  });
});
