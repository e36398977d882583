import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.ts';
import { type ParsedFile, type ParserFactory, parseText, type RemittanceLine } from '../bank-files/index.ts';
import { createX12_820Parser, createX12Parser } from './index.ts';

const DIR = resolve(import.meta.dirname, '../../../test/fixtures/bank-files/x12-820');

function read(name: string): string {
  return readFileSync(join(DIR, name), 'utf8');
}

function parse(text: string, chunkSize?: number, factory: ParserFactory = createX12_820Parser): ParsedFile {
  return parseText(factory, 'x12-820', text, { fileName: 'f.edi' }, chunkSize);
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

/** An envelope-less 820 (one segment a line) with a correct SE01. */
function set820(...body: string[]): string {
  const segments = ['ST*820*0001', ...body];
  return `${[...segments, `SE*${segments.length + 1}*0001`].join('~\n')}~\n`;
}

const line = (invoice_number: string, paid: string, more: Partial<RemittanceLine> = {}): RemittanceLine => ({
  invoice_number,
  document_type: 'invoice',
  account: null,
  paid,
  gross: paid,
  discount: null,
  adjustments: [],
  ...more,
});

describe('X12 820 parser', () => {
  it('reads a single-customer advice: invoices and credit memos however the sender marks them', () => {
    expect(parse(read('single-customer.edi'))).toEqual({
      format: 'x12-820',
      version: '005010X218',
      remittances: [
        {
          id: 'RA-0042',
          payer: 'GLOBEX CORPORATION',
          payment_reference: 'PAY20240315-01',
          payment_date: '2024-03-15',
          payment_amount: '1425.00',
          currency: 'USD',
          lines: [
            line('INV-1001', '1000.00'),
            line('INV-1002', '700.00'),
            line('CM-2001', '-200.00', { document_type: 'credit_memo' }),
            line('CM-2002', '-50.00', { document_type: 'credit_memo', gross: null }),
            line('CM-2003', '-25.00', { document_type: 'credit_memo' }),
          ],
          line: 3,
        },
      ],
      warnings: [],
    });
  });

  it('reads a third-party advice: each line names the customer of its ENT loop', () => {
    expect(parse(read('tpa-several-customers.edi'))).toEqual({
      format: 'x12-820',
      version: '005010X218',
      remittances: [
        {
          id: 'CHK778899',
          payer: 'ACME BENEFITS TPA',
          payment_reference: 'CHK778899',
          payment_date: '2024-03-20',
          payment_amount: '3250.00',
          currency: null,
          lines: [
            line('INV-3001', '1000.00', { account: 'C-1001' }),
            line('INV-3002', '250.00', { account: 'C-1001' }),
            line('INV-3101', '1500.00', { account: 'C-2002' }),
            line('INV-3201', '500.00', { account: 'HOOLI INC' }),
          ],
          line: 3,
        },
      ],
      warnings: [],
    });
  });

  it('reads an 820 carried in CTX addenda, joined or as 80-character lines', () => {
    const pieces = read('ctx-addenda.txt');
    const joined = parse(pieces.split('\n').join(''));
    expect(joined).toEqual({
      format: 'x12-820',
      version: null,
      remittances: [
        {
          id: '000000123456789',
          payer: 'WAYNE ENTERPRISES',
          payment_reference: '000000123456789',
          payment_date: '2024-04-02',
          payment_amount: '875.25',
          currency: null,
          lines: [
            line('INV-5001', '500.00', { gross: '525.00', discount: '25.00' }),
            line('INV-5002', '375.25'),
          ],
          line: 1,
        },
      ],
      warnings: [],
    });
    expect(parse(pieces)).toEqual(joined);
  });

  it('reads discounts, ADX adjustments in and outside RMR loops, RMR07/08, and a payment on account', () => {
    expect(parse(read('adjustments-discounts.edi'))).toEqual({
      format: 'x12-820',
      version: '005010X218',
      remittances: [
        {
          id: 'EFT-99001',
          payer: 'UMBRELLA CORP',
          payment_reference: 'EFT-99001',
          payment_date: '2024-05-01',
          payment_amount: '2938.50',
          currency: 'CAD',
          lines: [
            {
              invoice_number: 'FRT-778',
              document_type: null,
              account: null,
              paid: '0.00',
              gross: null,
              discount: null,
              adjustments: [{ code: 'CS', amount: '-50.00' }],
            },
            line('INV-7001', '980.00', { gross: '1000.00', discount: '20.00' }),
            line('INV-7002', '1475.00', {
              gross: '1500.00',
              adjustments: [{ code: '01', amount: '-25.00' }],
            }),
            line('INV-7003', '433.50', {
              gross: '450.00',
              discount: '9.00',
              adjustments: [{ code: '72', amount: '-7.50' }],
            }),
            line('', '100.00', { document_type: null, gross: null }),
          ],
          line: 1,
        },
      ],
      warnings: [],
    });
  });

  it('warns about every broken control and odd segment, and still reads the advice', () => {
    const doc = parse(read('control-mismatches.edi'));
    expect(doc.remittances).toEqual([
      {
        id: 'PAY-BAD-7',
        payer: 'SOYLENT INC',
        payment_reference: 'PAY-BAD-7',
        payment_date: null,
        payment_amount: '999.00',
        currency: null,
        lines: [
          line('INV-9001', '600.00'),
          line('INV-9002', '0.00', { gross: null }),
          line('INV-9003', '400.00'),
        ],
        line: 5,
      },
    ]);
    const set = 'transaction set 820 0007 (line 5)';
    expect(doc.warnings).toEqual([
      { line: 3, message: 'segment NTE is outside any transaction set; ignored up to the next ST' },
      { line: 6, message: `${set}: BPR16 payment date '20241301' is not a CCYYMMDD date` },
      { line: 7, message: `${set}: a second BPR segment; ignored` },
      { line: 12, message: `${set}: RMR04 (amount paid) of 'INV-9002' is missing; zero taken` },
      { line: 13, message: "'rm' is not a segment identifier; segment ignored" },
      {
        line: 6,
        message: `${set}: BPR02 payment amount 999.00 differs from the sum of RMR04 paid amounts 1000.00`,
      },
      { line: 15, message: `${set}: SE01 segment count 99 differs from the 11 segments from ST to SE` },
      { line: 15, message: `${set}: SE02 control number '0008' differs from ST02` },
      {
        line: 16,
        message:
          "functional group 404: GE01 transaction set count '2' differs from the 1 transaction sets in the group",
      },
      { line: 16, message: "functional group 404: GE02 control number '405' differs from GS06" },
      {
        line: 17,
        message:
          "interchange 000000404: IEA01 functional group count '3' differs from the 1 functional groups in the interchange",
      },
      { line: 17, message: "interchange 000000404: IEA02 control number '000000405' differs from ISA13" },
    ]);
  });

  it('gives the same result however the file is chunked', () => {
    for (const name of [
      'single-customer.edi',
      'tpa-several-customers.edi',
      'ctx-addenda.txt',
      'adjustments-discounts.edi',
      'control-mismatches.edi',
    ]) {
      const text = read(name);
      const whole = parse(text);
      for (const size of [1, 7, 4096]) expect(parse(text, size)).toEqual(whole);
    }
  });

  it('finds the customer of an ENT loop in REF*2L, ENT04, ENT07, ENT09, NM1 or N1, and nowhere else', () => {
    const doc = parse(
      set820(
        'BPR*C*70.00*C*ACH************20240101',
        'TRN*1*T-1',
        'N1*PR*PAYER',
        'REF*ZZ*NOT-THE-ID',
        'RMR*IV*BEFORE-ENT**1.00',
        'ENT*1',
        'REF*2L*C-ENT',
        'RMR*IV*OWN-REF**2.00',
        'REF*2L*C-LINE',
        'RMR*IV*ENT-REF**3.00',
        'ENT*2****BE*ZZ*C-ENT07',
        'RMR*IV*ENT07**4.00',
        'ENT*3*******11*C-ENT09',
        'RMR*IV*ENT09**5.00',
        'ENT*4',
        'NM1*BY*2*NAME ONLY',
        'N1*BY*N1 NAME*91*C-N1',
        'RMR*IV*NM1-NAME**6.00',
        'ENT*5',
        'N1*BY*N1 NAME*91*C-N1',
        'RMR*IV*N1-ID**7.00',
        'ENT*6',
        'N1*BY*N1 NAME',
        'RMR*IV*N1-NAME**8.00',
        'NM1*BY*2*TOO LATE',
        'ENT*7',
        'RMR*IV*NO-ID**34.00',
      ),
    );
    const remittance = doc.remittances?.[0];
    // The REF*ZZ of an N1 loop is not the advice's id; the heading's would be.
    expect(remittance?.id).toBe('T-1');
    expect(remittance?.lines.map((l) => [l.invoice_number, l.account])).toEqual([
      ['BEFORE-ENT', null],
      ['OWN-REF', 'C-LINE'],
      ['ENT-REF', 'C-ENT'],
      ['ENT07', 'C-ENT07'],
      ['ENT09', 'C-ENT09'],
      ['NM1-NAME', 'NAME ONLY'],
      ['N1-ID', 'C-N1'],
      ['N1-NAME', 'N1 NAME'],
      ['NO-ID', null],
    ]);
    expect(doc.warnings).toEqual([]);
  });

  it('reads a debit, a missing payment amount, missing references, and several advices in one file', () => {
    const text =
      set820('BPR*C*10.00*D*ACH', 'RMR*IV*A**-10.00') +
      set820('BPR*I**C*CHK', 'RMR*IV*B**5.00') +
      set820('TRN*1*T-3', 'RMR*IV*C**5.00');
    const doc = parse(text);
    expect(
      doc.remittances?.map((r) => [r.id, r.payment_reference, r.payment_amount, r.lines[0]?.document_type]),
    ).toEqual([
      [null, null, '-10.00', 'credit_memo'],
      [null, null, null, 'invoice'],
      ['T-3', 'T-3', null, 'invoice'],
    ]);
    expect(doc.warnings).toEqual([
      { line: 6, message: 'transaction set 820 0001 (line 5): BPR02 (payment amount) is missing' },
      { line: 9, message: 'transaction set 820 0001 (line 9): no BPR segment (the payment amount)' },
    ]);
  });

  it('names the unattached adjustments in the payment check', () => {
    const doc = parse(set820('BPR*C*100.00*C*ACH', 'ENT*1', 'ADX*-5.00*CS', 'RMR*IV*A**100.00'));
    expect(doc.warnings).toEqual([
      {
        line: 2,
        message:
          'transaction set 820 0001 (line 1): BPR02 payment amount 100.00 differs from the sum of RMR04 paid amounts 100.00 plus the ADX adjustments outside RMR loops -5.00 = 95.00',
      },
    ]);
  });

  it('writes amounts in the currency of CUR, which comes after BPR', () => {
    const doc = parse(set820('BPR*C*1500*C*ACH', 'CUR*PR*JPY', 'RMR*IV*A**1000', 'RMR*IV*B**500.00'));
    expect(doc.remittances?.[0]?.payment_amount).toBe('1500');
    expect(doc.remittances?.[0]?.lines.map((l) => l.paid)).toEqual(['1000', '500']);
    expect(errorOf(() => parse(set820('BPR*C*1500.50*C*ACH', 'CUR*PR*JPY')))).toBe(
      "f.edi:2: BPR02 (payment amount) '1500.50' has more decimal places than JPY allows",
    );
  });

  it('refuses amounts that are not X12 decimals, saying where', () => {
    expect(errorOf(() => parse(set820('BPR*C*1,000.00*C*ACH')))).toBe(
      "f.edi:2: BPR02 (payment amount) '1,000.00' is not an amount",
    );
    expect(errorOf(() => parse(set820('BPR*C*1.00*C*ACH', 'RMR*IV*A**abc')))).toBe(
      "f.edi:3: RMR04 (amount paid) 'abc' is not an amount",
    );
    expect(errorOf(() => parse(set820('RMR*IV*A**1.00*1e3')))).toBe(
      "f.edi:2: RMR05 (invoice amount) '1e3' is not an amount",
    );
    expect(errorOf(() => parse(set820('RMR*IV*A**1.00**-')))).toBe(
      "f.edi:2: RMR06 (discount amount) '-' is not an amount",
    );
    expect(errorOf(() => parse(set820('RMR*IV*A**1.00', 'ADX**01')))).toBe(
      'f.edi:3: ADX01 (adjustment amount) is missing',
    );
    expect(errorOf(() => parse(set820('RMR*IV*A**1.00****x')))).toBe(
      "f.edi:2: RMR08 (adjustment amount) 'x' is not an amount",
    );
  });

  it('refuses a truncated file and a file without any 820', () => {
    const whole = read('single-customer.edi');
    expect(errorOf(() => parse(whole.slice(0, whole.indexOf('SE*'))))).toBe(
      'f.edi:3: the file ends inside transaction set 820 0001 (line 3): no SE trailer',
    );
    expect(errorOf(() => parse('ST*835*1~SE*2*1~'))).toBe('f.edi: no X12 820 transaction set in the file');
    expect(
      errorOf(() =>
        parse(
          'ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*P*:~IEA*0*000000001~',
        ),
      ),
    ).toBe('f.edi: no X12 820 transaction set in the file');
  });

  it('is what createX12Parser makes of an 820', () => {
    const text = read('tpa-several-customers.edi');
    expect(parse(text, undefined, createX12Parser)).toEqual(parse(text));
  });
});
