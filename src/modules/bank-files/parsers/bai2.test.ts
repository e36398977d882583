import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../core/errors.ts';
import { decimalFromMinor } from '../amounts.ts';
import type { ParsedFile, StatementEntry } from '../model.ts';
import { parseText } from '../parse-text.ts';
import { createBai2Parser, dateFromYymmdd, decimalFromDigits } from './bai2.ts';
import { BAI2_TYPE_CODES, lookupBai2TypeCode } from './bai2-type-codes.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bank-files', 'bai2');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function parse(text: string, chunkSize?: number, fileName = 'f.bai'): ParsedFile {
  return parseText(createBai2Parser, 'bai2', text, { fileName }, chunkSize);
}

function parseFixture(name: string, chunkSize?: number): ParsedFile {
  return parse(read(name), chunkSize, name);
}

/** An entry with every field absent but those given. */
function entry(fields: Partial<StatementEntry>): StatementEntry {
  return {
    reference: null,
    booking_date: null,
    value_date: null,
    amount: '0.00',
    direction: 'credit',
    type_code: null,
    counterparty_name: null,
    counterparty_account: null,
    end_to_end_id: null,
    check_number: null,
    customer_reference: null,
    remittance_text: null,
    return_reason: null,
    reversal: false,
    ...fields,
  };
}

function unreadableMessage(text: string): string {
  try {
    parse(text, undefined, 'x.bai');
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('bank_files.unreadable');
    return (e as AppError).message;
  }
  throw new Error('expected the file to be unreadable');
}

const FIXTURE_NAMES = ['full.bai', 'quirks.bai', 'controls.bai', 'oddities.bai', 'unended.bai'];

describe('BAI2 parser', () => {
  it('reads every field of a clean file: balances, funds types, references, text, checks, returns', () => {
    const doc = parseFixture('full.bai');
    expect(doc.format).toBe('bai2');
    expect(doc.version).toBe('2');
    expect(doc.warnings).toEqual([]);
    const [a, b, c] = doc.statements ?? [];
    // A blank 03 and 02 currency is USD; the group's CAD applies to its accounts; JPY has no decimals.
    expect(doc.statements?.map(({ entries, ...info }) => info)).toEqual([
      { account: '111000111', currency: 'USD', opening_balance: '1500.00', closing_balance: '2075.00' },
      { account: '222000222', currency: 'JPY', opening_balance: '1000000', closing_balance: '1250000' },
      { account: '333000333', currency: 'CAD', opening_balance: '-50.00', closing_balance: '950.00' },
    ]);
    const day = { booking_date: '2026-11-30' };
    expect(a?.entries).toEqual([
      entry({
        ...day,
        reference: 'ACH0001',
        amount: '500.00',
        type_code: '142',
        customer_reference: 'INV-1001',
        remittance_text: 'ACME CORP PAYMENT, REF INV-1001',
        line: 4,
      }),
      // Funds type V: value date and time; 88 text joined with one space, `/` inside text kept.
      entry({
        ...day,
        reference: 'WIRE0002',
        value_date: '2026-12-01',
        amount: '300.00',
        type_code: '195',
        remittance_text: 'INCOMING WIRE FROM GLOBEX LTD INV 2001/2002',
        line: 5,
      }),
      // Check paid: the customer reference is the check serial number, zero fill dropped.
      entry({
        ...day,
        reference: 'CHK0003',
        amount: '250.00',
        direction: 'debit',
        type_code: '475',
        check_number: '4711',
        customer_reference: '0000004711',
        remittance_text: 'CHECK PAID',
        line: 7,
      }),
      entry({
        ...day,
        reference: 'RET0004',
        amount: '100.00',
        direction: 'debit',
        type_code: '555',
        check_number: '1234',
        customer_reference: '0000001234',
        remittance_text: 'DEPOSITED ITEM RETURNED, RETURN REASON: "NSF"',
        return_reason: 'NSF',
        reversal: true,
        line: 8,
      }),
      // Funds type S: three availability amounts before the bank reference.
      entry({
        ...day,
        reference: 'RET0005',
        amount: '125.25',
        direction: 'debit',
        type_code: '557',
        customer_reference: 'CUST5',
        remittance_text: 'ACH CREDIT RECEIPT RETURN REASON R01',
        return_reason: 'R01',
        reversal: true,
        line: 9,
      }),
      // Funds type D: a count, then (days, amount) pairs.
      entry({
        ...day,
        reference: 'ACH0006',
        amount: '150.25',
        type_code: '165',
        remittance_text: 'PREAUTHORIZED ACH CREDIT',
        line: 10,
      }),
      entry({
        ...day,
        reference: 'INFO0007',
        amount: '0.00',
        type_code: '890',
        remittance_text: 'BALANCE INFORMATION ONLY',
        line: 11,
      }),
      // Bank tags on 88 lines give the debtor of a credit and the end-to-end id.
      entry({
        ...day,
        reference: 'GSW0008',
        amount: '100.00',
        type_code: '195',
        counterparty_name: 'INITECH INC',
        counterparty_account: '021000021:987654321',
        end_to_end_id: 'E2E-0008',
        customer_reference: 'E2E-8',
        remittance_text:
          'Incoming Wire,From: INITECH EREF: E2E-0008 DBNM: INITECH INC DACT: 987654321 DABA: 021000021',
        line: 12,
      }),
    ]);
    expect(b?.entries).toEqual([
      entry({
        ...day,
        reference: 'JPYACH1',
        amount: '250000',
        type_code: '142',
        remittance_text: 'ACH CREDIT YEN',
        line: 19,
      }),
    ]);
    // The second group's as-of date; a 16 whose fields end before the text takes the text from its 88.
    expect(c?.entries).toEqual([
      entry({
        booking_date: '2026-12-01',
        amount: '600.00',
        type_code: '108',
        remittance_text: 'DEPOSIT ONE',
        line: 25,
      }),
      entry({
        booking_date: '2026-12-01',
        reference: 'REF2',
        amount: '400.00',
        type_code: '108',
        customer_reference: 'CUST2',
        remittance_text: 'SECOND DEPOSIT TEXT',
        line: 26,
      }),
    ]);
  });

  it('reads the quirks of real files without warnings', () => {
    const doc = parseFixture('quirks.bai');
    expect(doc.warnings).toEqual([]);
    expect(doc.statements?.map((s) => [s.account, s.opening_balance, s.closing_balance])).toEqual([
      ['444000444', '100.00', '120.00'],
      ['555000555', '0.00', '0.00'],
    ]);
    expect(doc.statements?.[0]?.entries).toEqual([
      // Two records on one physical line, separated by `/ `.
      entry({
        booking_date: '2026-11-30',
        amount: '15.00',
        type_code: '142',
        remittance_text: 'TRANSFER   PAYPAL   PPD',
        line: 4,
      }),
      entry({
        booking_date: '2026-11-30',
        amount: '5.00',
        type_code: '142',
        remittance_text: 'TRANSFER   BANK   PPD',
        line: 4,
      }),
      // No ending `/`, `/` inside the customer reference, commas in text, tags; `CABA: 0` is no routing.
      entry({
        booking_date: '2026-11-30',
        reference: 'SB1',
        amount: '10.00',
        direction: 'debit',
        type_code: '451',
        counterparty_name: 'TEST PAYEE',
        counterparty_account: '55555',
        end_to_end_id: 'AB/GS/0001/X',
        customer_reference: 'AB/GS/0001/X',
        remittance_text:
          'ACH Debit Payment,To: TEST, Entry Description: INVOICES; 210630 EREF: AB/GS/0001/X CRNM: TEST PAYEE CACT: 55555 CABA: 0',
        line: 5,
      }),
      // Text wrapped onto a line without a record type, then an 88 on a line that also holds 49 and 03.
      entry({
        booking_date: '2026-11-30',
        amount: '10.00',
        type_code: '142',
        remittance_text: '111111     ACH_SETL     1111111111 222222222 3333333333',
        line: 10,
      }),
    ]);
  });

  it('warns on every control total and count that the file breaks, naming stated and computed values', () => {
    const doc = parseFixture('controls.bai');
    expect(doc.warnings).toEqual([
      {
        line: 5,
        message: 'account 888000888 control total 220001 differs from the sum of its amounts 220000',
      },
      { line: 5, message: 'account 888000888 record count 4 differs from the records counted 3' },
      { line: 7, message: 'account 999000999 control total "abc" is not a number; not checked' },
      { line: 7, message: 'account 999000999 record count "x" is not a number; not checked' },
      // The group adds its accounts' stated totals (220001) and, where none is usable, the computed (1000).
      { line: 8, message: 'group control total 999999 differs from the sum of its accounts 221001' },
      { line: 8, message: 'group account count 3 differs from the accounts counted 2' },
      { line: 8, message: 'group record count 9 differs from the records counted 7' },
      { line: 9, message: 'file control total 1 differs from the sum of its groups 999999' },
      { line: 9, message: 'file group count 2 differs from the groups counted 1' },
      { line: 9, message: 'file record count 99 differs from the records counted 9' },
    ]);
    expect(doc.statements?.[0]?.entries).toHaveLength(1);
  });

  it('warns on odd but harmless things and reads on', () => {
    const doc = parseFixture('oddities.bai');
    expect(doc.version).toBe('3');
    expect(doc.warnings).toEqual([
      { line: 1, message: 'BAI version 3 is not 2; read as version 2' },
      { line: 2, message: 'group status 2 (deletion): the bank asks to delete data it sent before' },
      { line: 2, message: 'group as-of date "261399" is not a YYMMDD date' },
      { line: 2, message: 'unknown currency code "XXX"' },
      { line: 3, message: 'account 666000666: unknown funds type "Q"' },
      { line: 4, message: 'transaction amount is blank; read as 0' },
      { line: 5, message: 'transaction amount -500 is negative; read as the opposite direction' },
      { line: 6, message: 'type code 010 (Opening Ledger) is not a credit or debit type; read as a credit' },
      { line: 7, message: 'value date "261340" is not a YYMMDD date' },
      { line: 8, message: 'unknown funds type "X"; read without availability fields' },
      {
        line: 9,
        message: 'a line that does not start with a record type is read as text continuing the 16 record',
      },
      { line: 11, message: '49 account trailer without a 03 account identifier ignored' },
      { line: 12, message: 'continuation record 88 after a 49 record ignored' },
      { line: 13, message: 'text after the end of the 98 record ignored: "junk"' },
      { line: 14, message: '98 group trailer without a 02 group header ignored' },
      { line: 15, message: 'group status 3 (correction): the group corrects data sent before' },
      { line: 19, message: 'group status 4 (test only): the group is test data' },
      { line: 21, message: 'unknown group status "7"' },
    ]);
    const entries = doc.statements?.[0]?.entries ?? [];
    expect(entries.map((e) => [e.reference, e.booking_date, e.amount, e.direction, e.value_date])).toEqual([
      ['R1', null, '0.00', 'credit', null],
      ['R2', null, '5.00', 'debit', null],
      ['R3', null, '1.00', 'credit', null],
      ['R4', null, '1.00', 'credit', null],
      ['R5', null, '1.00', 'credit', null],
    ]);
    expect(entries[4]?.remittance_text).toBe('UNKNOWN FUNDS CONTINUED TEXT');
    // The 03's own currency wins over the group's unknown one.
    expect(doc.statements?.[0]?.currency).toBe('USD');
  });

  it('closes what a missing trailer left open, with a warning, and reports what it read', () => {
    const doc = parseFixture('unended.bai');
    expect(doc.warnings).toEqual([
      {
        line: 5,
        message: 'account AAA (line 3) has no 49 account trailer before a 03 account identifier begins',
      },
      { line: 7, message: 'the group on line 2 has no 98 group trailer before a 02 group header begins' },
      {
        line: 10,
        message: 'account CCC (line 8) has no 49 account trailer before a new 01 file header begins',
      },
      { line: 10, message: 'the group on line 7 has no 98 group trailer before a new 01 file header begins' },
      { line: 10, message: 'the file on line 1 has no 99 file trailer before the 01 file header' },
      { line: 13, message: 'account DDD (line 12) has no 49 account trailer before the file ends' },
      { line: 13, message: 'the group on line 11 has no 98 group trailer before the file ends' },
      { line: 13, message: 'the file ends without a 99 file trailer (file header on line 10)' },
    ]);
    expect(
      doc.statements?.map((s) => [s.account, s.opening_balance, s.entries.map((e) => e.reference)]),
    ).toEqual([
      ['AAA', '1.00', ['U1']],
      ['BBB', '2.00', []],
      ['CCC', '3.00', ['U2']],
      ['DDD', '4.00', ['U3']],
    ]);
    expect(doc.statements?.[3]?.entries[0]).toMatchObject({
      check_number: '9876',
      booking_date: '2026-12-02',
    });
  });

  it('gives the same result for any chunking', () => {
    for (const name of FIXTURE_NAMES) {
      const whole = JSON.stringify(parseFixture(name));
      for (const size of [1, 7, 4096]) expect(JSON.stringify(parseFixture(name, size))).toBe(whole);
    }
  });

  it('continues the fixed fields of a 16 on its 88 when the 16 ends early', () => {
    const doc = parse(
      [
        '01,B,C,261130,0800,1,,,2/',
        '02,C,B,1,261130,,,2/',
        '03,1,,010,0,,/',
        '16,142,100,,BANKREF/',
        '88,CUSTREF,TEXT, WITH COMMA/',
        '49,100,4/',
        '98,100,1,6/',
        '99,100,1,8/',
      ].join('\n'),
    );
    expect(doc.warnings).toEqual([]);
    expect(doc.statements?.[0]?.entries[0]).toMatchObject({
      reference: 'BANKREF',
      customer_reference: 'CUSTREF',
      remittance_text: 'TEXT, WITH COMMA',
    });
  });

  it('warns when the 01 header has no version', () => {
    const doc = parse('01,B,C,261130,0800,1/\n02,C,B,1,261130/\n98,0,0,2/\n99,0,1,4/\n');
    expect(doc.version).toBeNull();
    expect(doc.warnings).toEqual([
      { line: 1, message: '01 file header has no version number; read as BAI version 2' },
    ]);
  });

  it('throws bank_files.unreadable, with FILE:LINE, for a file it cannot read', () => {
    const head = '01,B,C,261130,0800,1,,,2/\n02,C,B,1,261130,,,2/\n';
    const cases: [string, string][] = [
      ['', 'x.bai: not a BAI2 file: it has no records'],
      ['\n  \n', 'x.bai: not a BAI2 file: it has no records'],
      ['hello world\n', 'x.bai:1: not a BAI2 file: it begins with "hello world", not a 01 file header'],
      ['02,C,B,1,261130/\n', 'x.bai:1: not a BAI2 file: the first record is 02, not a 01 file header'],
      [
        '00,0004,1/2/345/\n',
        'x.bai:1: not a BAI2 file: unknown record type 00 where the 01 file header belongs',
      ],
      [`${head}77,1,2/\n`, 'x.bai:3: unknown record type 77'],
      [
        `${head}03,1,,010,0/\nGARBAGE\n`,
        'x.bai:4: expected a BAI2 record type (01, 02, 03, 16, 49, 88, 98 or 99), found "GARBAGE"',
      ],
      [`${head}98,0,0,2/\n99,0,1,4/\n02,C,B,1,261130/\n`, 'x.bai:5: record 02 after the 99 file trailer'],
      [
        '01,B,C,261130,0800,1,,,2/\n03,1,,010,0/\n',
        'x.bai:2: 03 account identifier outside a group (no 02 group header before it)',
      ],
      [`${head}03,,USD,010,0/\n`, 'x.bai:3: 03 account identifier has no account number'],
      [
        `${head}16,142,100/\n`,
        'x.bai:3: 16 transaction detail outside an account (no 03 account identifier before it)',
      ],
      [
        `${head}03,1,,01X,0/\n`,
        'x.bai:3: account 1: summary type code "01X" is not a three-digit BAI2 type code',
      ],
      [`${head}03,1,,010,12.50/\n`, 'x.bai:3: account 1: amount "12.50" of type 010 is not a number'],
      [
        `${head}03,1,/\n16,1420,100/\n`,
        'x.bai:4: transaction type code "1420" is not a three-digit BAI2 type code',
      ],
      [`${head}03,1,/\n16,142,1O0/\n`, 'x.bai:4: transaction amount "1O0" is not a number'],
    ];
    for (const [text, message] of cases) expect(unreadableMessage(text)).toBe(message);
  });
});

describe('BAI2 type codes', () => {
  it('lists the Appendix A codes with their direction from the ranges', () => {
    expect(BAI2_TYPE_CODES.size).toBeGreaterThan(400);
    for (const t of BAI2_TYPE_CODES.values()) {
      const n = Number(t.code);
      if (n < 100) expect([t.kind, t.direction]).toEqual(['status', null]);
      else if (n < 400) expect(t.direction).toBe('credit');
      else if (n < 700) expect(t.direction).toBe('debit');
    }
    expect(lookupBai2TypeCode('010')).toMatchObject({ kind: 'status', description: 'Opening Ledger' });
    expect(lookupBai2TypeCode('015')).toMatchObject({ kind: 'status', description: 'Closing Ledger' });
    expect(lookupBai2TypeCode('100')).toMatchObject({ kind: 'summary', direction: 'credit' });
    expect(lookupBai2TypeCode('475')).toMatchObject({ kind: 'detail', direction: 'debit', check: true });
    expect(lookupBai2TypeCode('721')).toMatchObject({ kind: 'detail', direction: 'credit' });
    expect(lookupBai2TypeCode('760')).toMatchObject({ kind: 'summary', direction: 'debit' });
    expect(lookupBai2TypeCode('890')).toMatchObject({ kind: 'detail', direction: null });
  });

  it('marks returned and reversed items, and not the fees or settlements around them', () => {
    for (const code of ['555', '557', '257', '261', '266', '395']) {
      expect(lookupBai2TypeCode(code)?.reversal, code).toBe(true);
    }
    for (const code of ['567', '168', '468', '142', '475']) {
      expect(lookupBai2TypeCode(code)?.reversal, code).toBe(false);
    }
    expect(lookupBai2TypeCode('555')).toMatchObject({ direction: 'debit', check: true });
    expect(lookupBai2TypeCode('257')).toMatchObject({ direction: 'credit', check: false });
  });

  it('derives bank-defined and unlisted codes from their range, and rejects what is not a code', () => {
    expect(lookupBai2TypeCode('905')).toMatchObject({ kind: 'status', direction: null });
    expect(lookupBai2TypeCode('925')).toMatchObject({
      direction: 'credit',
      description: 'Bank-defined type code',
    });
    expect(lookupBai2TypeCode('975')).toMatchObject({ direction: 'debit' });
    expect(lookupBai2TypeCode('104')).toMatchObject({
      direction: 'credit',
      description: 'Type code not in the BAI list',
    });
    expect(lookupBai2TypeCode('004')).toMatchObject({ kind: 'status', direction: null });
    for (const bad of ['', '10', '1000', 'ABC', '1 0', '-10']) expect(lookupBai2TypeCode(bad)).toBeNull();
  });
});

describe('dateFromYymmdd', () => {
  it('reads two-digit years as 1980–2079 and checks the calendar', () => {
    expect(dateFromYymmdd('060317')).toBe('2006-03-17');
    expect(dateFromYymmdd('991231')).toBe('1999-12-31');
    expect(dateFromYymmdd('790101')).toBe('2079-01-01');
    expect(dateFromYymmdd('240229')).toBe('2024-02-29');
    expect(dateFromYymmdd('230229')).toBeNull();
    expect(dateFromYymmdd('000229')).toBe('2000-02-29');
    for (const bad of ['', '2403', '241301', '240100', '240431', '24O101'])
      expect(dateFromYymmdd(bad)).toBeNull();
  });
});

describe('decimalFromDigits', () => {
  it('gives what decimalFromMinor gives for the same digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,25}$/), fc.integer({ min: 0, max: 4 }), (digits, exponent) => {
        expect(decimalFromDigits(digits, exponent)).toBe(decimalFromMinor(BigInt(digits), exponent));
      }),
    );
    expect(decimalFromDigits('000000000002500', 2)).toBe('25.00');
    expect(decimalFromDigits('7', 3)).toBe('0.007');
    expect(decimalFromDigits('000', 0)).toBe('0');
  });
});
