import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.ts';
import { type Claim, type ParsedFile, type ParserFactory, parseText } from '../bank-files/index.ts';
import { createX12_820Parser, createX12_835Parser, createX12Parser } from './index.ts';

const DIR = resolve(import.meta.dirname, '../../../test/fixtures/bank-files/x12-835');

function read(name: string): string {
  return readFileSync(join(DIR, name), 'utf8');
}

function parse(text: string, chunkSize?: number, factory: ParserFactory = createX12_835Parser): ParsedFile {
  return parseText(factory, 'x12-835', text, { fileName: 'f.edi' }, chunkSize);
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (isAppError(e) && e.code === 'bank_files.unreadable') return e.message;
    throw e;
  }
  throw new Error('expected an unreadable file');
}

/** An envelope-less 835 (one segment a line) with a correct SE01. */
function set835(...body: string[]): string {
  const segments = ['ST*835*0001', ...body];
  return `${[...segments, `SE*${segments.length + 1}*0001`].join('~\n')}~\n`;
}

function claim(claim_id: string, charge: string, paid: string, more: Partial<Claim> = {}): Claim {
  return {
    claim_id,
    status: '1',
    charge,
    paid,
    patient_responsibility: null,
    adjustments: [],
    remarks: [],
    services: 0,
    ...more,
  };
}

describe('X12 835 parser', () => {
  it('reads claims, claim and service adjustments, remarks, services and provider adjustments', () => {
    expect(parse(read('multi-claim-plb.edi'))).toEqual({
      format: 'x12-835',
      version: '005010X221A1',
      claim_payments: [
        {
          payer: 'ACME HEALTH PLAN',
          payee: 'ARBOR CLINIC',
          trace: 'EFT0001',
          payment_amount: '1045.50',
          method: 'ACH',
          claims: [
            claim('PCN-001', '500.00', '300.00', {
              patient_responsibility: '100.00',
              adjustments: [
                { group: 'CO', reason: '45', amount: '50.00' },
                { group: 'PR', reason: '1', amount: '60.00' },
                { group: 'PR', reason: '2', amount: '40.00' },
                { group: 'CO', reason: '97', amount: '50.00' },
              ],
              remarks: ['MA01', 'MA15', 'N130'],
              services: 2,
            }),
            claim('PCN-002', '800.00', '760.00', {
              status: '2',
              adjustments: [
                { group: 'CO', reason: '253', amount: '16.00' },
                { group: 'CO', reason: '45', amount: '24.00' },
              ],
              remarks: ['MA07', 'N20'],
            }),
          ],
          provider_adjustments: [
            { reason: 'WO:CLM-OLD-77', amount: '20.00' },
            { reason: 'L6', amount: '-5.50' },
          ],
          line: 3,
        },
      ],
      warnings: [],
    });
  });

  it('warns about every broken balance and misplaced segment, and still reads the payments', () => {
    const doc = parse(read('control-mismatches.edi'));
    expect(doc.claim_payments).toEqual([
      {
        payer: 'ACME HEALTH PLAN',
        payee: 'ARBOR CLINIC',
        trace: 'CHK-100',
        payment_amount: '490.00',
        method: 'CHK',
        claims: [
          claim('PCN-101', '300.00', '250.00', {
            adjustments: [{ group: 'CO', reason: '45', amount: '40.00' }],
          }),
          claim('PCN-102', '200.00', '200.00', {
            adjustments: [
              { group: '', reason: '45', amount: '0.00' },
              { group: 'CO', reason: '', amount: '0.00' },
            ],
          }),
          claim('', '50.00', '50.00', { status: '' }),
        ],
        provider_adjustments: [{ reason: '', amount: '5.00' }],
        line: 3,
      },
      {
        payer: 'ACME HEALTH PLAN',
        payee: null,
        trace: 'CHK-101',
        payment_amount: '-75.00',
        method: 'CHK',
        claims: [
          claim('PCN-103', '-100.00', '-75.00', {
            status: '22',
            adjustments: [{ group: 'CO', reason: '45', amount: '-25.00' }],
          }),
        ],
        provider_adjustments: [],
        line: 18,
      },
    ]);
    const set = 'transaction set 835 0100 (line 3)';
    expect(doc.warnings).toEqual([
      { line: 8, message: `${set}: CAS outside a claim; ignored` },
      { line: 9, message: `${set}: SVC outside a claim; ignored` },
      { line: 10, message: `${set}: LQ remark N1 outside a claim; ignored` },
      {
        line: 11,
        message: `${set}: claim PCN-101: CLP04 claim payment 250.00 differs from the CLP03 charge 300.00 less its CAS adjustments 40.00 = 260.00`,
      },
      { line: 14, message: `${set}: CAS01 (claim adjustment group) is missing` },
      { line: 15, message: `${set}: CAS03 (adjustment amount) 0.00 has no reason code` },
      { line: 16, message: `${set}: CLP01 (patient control number) is missing` },
      { line: 16, message: `${set}: CLP02 (claim status) is missing` },
      { line: 17, message: `${set}: PLB04 (provider adjustment amount) 5.00 has no reason code` },
      { line: 3, message: `${set} has no SE trailer: an ST follows at line 18` },
      {
        line: 4,
        message: `${set}: BPR02 payment amount 490.00 differs from the sum of CLP04 claim payments 500.00 less the sum of PLB provider adjustments 5.00 = 495.00`,
      },
      {
        line: 24,
        message:
          'transaction set 835 0101 (line 18): SE01 segment count 5 differs from the 7 segments from ST to SE',
      },
    ]);
  });

  it('reads interchanges with different delimiters one after the other', () => {
    const doc = parse(read('two-interchanges.edi'));
    expect(doc.claim_payments?.map((p) => [p.payer, p.trace, p.payment_amount, p.method, p.line])).toEqual([
      ['FIRST PAYER', 'TWO-A', '10.00', 'CHK', 3],
      ['SECOND PAYER', 'TWO-B', '20.00', 'ACH', 13],
    ]);
    expect(doc.claim_payments?.[1]?.provider_adjustments).toEqual([{ reason: 'FB:INV 7', amount: '0.00' }]);
    expect(doc.version).toBe('005010X221A1');
    expect(doc.warnings).toEqual([]);
  });

  it('tells 820 from 835 by ST01 in a mixed file, and skips other transaction sets', () => {
    const text = read('mixed-820-835-997.edi');
    const both = parse(text, undefined, createX12Parser);
    expect(both.format).toBe('x12-820');
    expect(both.version).toBe('005010X218');
    expect(both.remittances?.map((r) => [r.id, r.payment_amount, r.lines.length])).toEqual([
      ['MIX-820', '100.00', 1],
    ]);
    expect(both.claim_payments).toEqual([
      {
        payer: 'ACME HEALTH PLAN',
        payee: 'ARBOR CLINIC',
        trace: 'MIX-835',
        payment_amount: '80.00',
        method: 'CHK',
        claims: [
          claim('PCN-1', '100.00', '80.00', {
            patient_responsibility: '20.00',
            adjustments: [{ group: 'PR', reason: '2', amount: '20.00' }],
          }),
        ],
        provider_adjustments: [],
        line: 11,
      },
    ]);
    expect(both.warnings).toEqual([
      { line: 22, message: 'transaction set 997 0003 (line 22) is not an 820 or 835; skipped' },
    ]);

    const only835 = parse(text);
    expect(only835.format).toBe('x12-835');
    expect(only835.version).toBe('005010X221A1');
    expect(only835.remittances).toBeUndefined();
    expect(only835.claim_payments).toEqual(both.claim_payments);
    expect(only835.warnings).toEqual([
      { line: 3, message: 'transaction set 820 0001 (line 3) is not an 835; skipped' },
      { line: 22, message: 'transaction set 997 0003 (line 22) is not an 835; skipped' },
    ]);

    const only820 = parse(text, undefined, createX12_820Parser);
    expect(only820.format).toBe('x12-820');
    expect(only820.remittances).toEqual(both.remittances);
    expect(only820.claim_payments).toBeUndefined();
    expect(only820.warnings.map((w) => w.line)).toEqual([11, 22]);
  });

  it('gives the same result however the file is chunked', () => {
    for (const name of [
      'multi-claim-plb.edi',
      'control-mismatches.edi',
      'two-interchanges.edi',
      'mixed-820-835-997.edi',
    ]) {
      const text = read(name);
      for (const factory of [createX12_835Parser, createX12Parser]) {
        const whole = parse(text, undefined, factory);
        for (const size of [1, 7, 4096]) expect(parse(text, size, factory)).toEqual(whole);
      }
    }
  });

  it('writes amounts in the currency of CUR, keeps composites as written without ISA, counts LX and PLB as claim ends', () => {
    const doc = parse(
      set835(
        'BPR*I*1000*C*CHK',
        'CUR*PR*JPY',
        'N1*PE*PAYEE',
        'N1*PE*SECOND PAYEE',
        'LX*1',
        'CLP*A*1*1200*1000*200',
        'SVC*HC:1*1200*1000',
        'CAS*PR*1*200',
        'LX*2',
        'MOA***MA01',
        'PLB*1*20241231*WO:REF 9*0',
      ),
    );
    expect(doc.claim_payments?.[0]).toMatchObject({
      payer: null,
      payee: 'PAYEE',
      trace: null,
      payment_amount: '1000',
      claims: [
        claim('A', '1200', '1000', {
          patient_responsibility: '200',
          adjustments: [{ group: 'PR', reason: '1', amount: '200' }],
          services: 1,
        }),
      ],
      provider_adjustments: [{ reason: 'WO:REF 9', amount: '0' }],
    });
    expect(doc.warnings).toEqual([
      { line: 11, message: 'transaction set 835 0001 (line 1): MOA remark MA01 outside a claim; ignored' },
    ]);
  });

  it('refuses a payment without BPR and amounts that are not X12 decimals, saying where', () => {
    expect(errorOf(() => parse(set835('CLP*A*1*1*1')))).toBe(
      'f.edi:1: transaction set 835 0001 has no BPR segment (the payment amount)',
    );
    expect(errorOf(() => parse(set835('BPR*I**C*CHK')))).toBe(
      'f.edi:2: BPR02 (total provider payment) is missing',
    );
    expect(errorOf(() => parse(set835('BPR*I*1*C*CHK', 'CLP*A*1*x*1')))).toBe(
      "f.edi:3: CLP03 (total claim charge) 'x' is not an amount",
    );
    expect(errorOf(() => parse(set835('BPR*I*1*C*CHK', 'CLP*A*1*1')))).toBe(
      'f.edi:3: CLP04 (claim payment amount) is missing',
    );
    expect(errorOf(() => parse(set835('BPR*I*1*C*CHK', 'CLP*A*1*1*1*1..0')))).toBe(
      "f.edi:3: CLP05 (patient responsibility) '1..0' is not an amount",
    );
    expect(errorOf(() => parse(set835('BPR*I*1*C*CHK', 'CLP*A*1*1*1', 'CAS*CO*45*1*1*97')))).toBe(
      'f.edi:4: CAS06 (adjustment amount) is missing',
    );
    expect(errorOf(() => parse(set835('BPR*I*1*C*CHK', 'PLB*1*20241231*L6*--1')))).toBe(
      "f.edi:3: PLB04 (provider adjustment amount) '--1' is not an amount",
    );
    expect(errorOf(() => parse(set835('BPR*I*1*C*CHK', 'CUR*PR*JPY', 'CLP*A*1*1.5*1')))).toBe(
      "f.edi:4: CLP03 (total claim charge) '1.5' has more decimal places than JPY allows",
    );
  });

  it('refuses a truncated file and a file without any 835', () => {
    const whole = read('multi-claim-plb.edi');
    expect(errorOf(() => parse(whole.slice(0, whole.indexOf('PLB'))))).toBe(
      'f.edi:3: the file ends inside transaction set 835 0001 (line 3): no SE trailer',
    );
    expect(errorOf(() => parse('ST*820*1~SE*2*1~'))).toBe('f.edi: no X12 835 transaction set in the file');
    expect(errorOf(() => parse('ST*997*1~SE*2*1~', undefined, createX12Parser))).toBe(
      'f.edi: no X12 820 or 835 transaction set in the file',
    );
  });
});
