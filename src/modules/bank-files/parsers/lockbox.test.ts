import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../core/errors.ts';
import type { ParsedFile } from '../model.ts';
import { parseText } from '../parse-text.ts';
import { createLockboxParser, readLockboxDetail } from './lockbox.ts';

const FIXTURES = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'bank-files',
  'lockbox',
);
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function parse(text: string, chunkSize?: number, fileName = 'lb.txt'): ParsedFile {
  return parseText(createLockboxParser, 'lockbox', text, { fileName }, chunkSize);
}

const parseFixture = (name: string, chunkSize?: number) => parse(read(name), chunkSize, name);

function unreadableMessage(text: string): string {
  try {
    parse(text, undefined, 'x.txt');
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('bank_files.unreadable');
    return (e as AppError).message;
  }
  throw new Error('expected the file to be unreadable');
}

const HEADER = '100ARBORCO   02100002102611300900';
const LOCKBOX = '50010001234567261130ARBORCO   0210000210';
const CHECK = '600100100000100000210000211111      100       112526PAYER ONE                     ';

describe('BAI lockbox parser', () => {
  it('reads each check as a credit of its lockbox, with invoices from the overflow records', () => {
    const doc = parseFixture('checks.txt');
    expect(doc.format).toBe('lockbox');
    expect(doc.version).toBeNull();
    expect(doc.warnings).toEqual([]);
    const [first, second] = doc.statements ?? [];
    // One statement per lockbox; a second type 5 for the same lockbox heads a new batch, not a new statement.
    expect(doc.statements?.map(({ entries, ...info }) => info)).toEqual([
      { account: '1234567', currency: 'USD', opening_balance: null, closing_balance: null },
      { account: '7654321', currency: 'USD', opening_balance: null, closing_balance: null },
    ]);
    const check = {
      value_date: null,
      direction: 'credit',
      type_code: null,
      end_to_end_id: null,
      customer_reference: null,
      return_reason: null,
      reversal: false,
    };
    expect(first?.entries).toEqual([
      {
        ...check,
        reference: '001-001',
        booking_date: '2026-11-30',
        amount: '425.00',
        counterparty_name: 'ACME HEALTH PLAN',
        counterparty_account: '021000021:0012345678',
        check_number: '1001',
        remittance_text: 'INV-1001        0000012500 INV-1002        0000020000 INV-1003        0000010000',
        line: 4,
      },
      {
        ...check,
        reference: '001-002',
        booking_date: '2026-11-30',
        amount: '19.99',
        counterparty_name: 'GLOBEX LTD',
        counterparty_account: '111000025:987654321',
        check_number: '777',
        remittance_text: 'PAYMENT FOR NOVEMBER',
        line: 7,
      },
      // A zero-filled routing number is no routing number: the account alone; a non-numeric check number kept.
      {
        ...check,
        reference: '002-001',
        booking_date: '2026-11-30',
        amount: '1000.00',
        counterparty_name: null,
        counterparty_account: '55500011',
        check_number: 'A1B2',
        remittance_text: null,
        line: 11,
      },
    ]);
    expect(second?.entries).toEqual([
      {
        ...check,
        reference: '001-001',
        booking_date: '2026-12-01',
        amount: '50.00',
        counterparty_name: 'INITECH',
        counterparty_account: null,
        check_number: null,
        remittance_text: null,
        line: 15,
      },
    ]);
    // Only the check whose overflow data is invoice/amount pairs has a remittance; its date is the check date.
    const line = (invoice_number: string, paid: string) => ({
      invoice_number,
      document_type: null,
      account: null,
      paid,
      gross: null,
      discount: null,
      adjustments: [],
    });
    expect(doc.remittances).toEqual([
      {
        id: '001-001',
        payer: 'ACME HEALTH PLAN',
        payment_reference: '001-001',
        payment_date: '2026-11-25',
        payment_amount: '425.00',
        currency: 'USD',
        lines: [line('INV-1001', '125.00'), line('INV-1002', '200.00'), line('INV-1003', '100.00')],
        line: 4,
      },
    ]);
  });

  it('warns on every batch, lockbox and file total or count that the file breaks', () => {
    const doc = parseFixture('controls.txt');
    expect(doc.warnings).toEqual([
      { line: 6, message: 'batch 001 check count 3 differs from the checks counted 2' },
      { line: 6, message: 'batch 001 dollar total 300.01 differs from the sum of its checks 300.00' },
      { line: 7, message: 'lockbox 1234567 check count 1 differs from the checks counted 2' },
      { line: 7, message: 'lockbox 1234567 dollar total 999.99 differs from the sum of its checks 300.00' },
      { line: 8, message: 'file record count 99 differs from the records counted 8' },
    ]);
    expect(doc.statements?.[0]?.entries.map((e) => e.amount)).toEqual(['100.00', '200.00']);
  });

  it('warns on structural oddities and reads on', () => {
    const doc = parseFixture('oddities.txt');
    expect(doc.warnings).toEqual([
      { line: 3, message: 'type 4 overflow record without a type 6 detail record before it ignored' },
      { line: 4, message: 'deposit date "261399" is not a YYMMDD date' },
      {
        line: 6,
        message: 'type 4 overflow record for batch 001 item 002 follows the check of batch 001 item 001',
      },
      { line: 7, message: 'overflow sequence number "03" where 2 was expected' },
      {
        line: 5,
        message: 'the overflow records of batch 001 item 001 end without the last-record indicator 9',
      },
      { line: 8, message: 'batch 001 (line 5) has no type 7 batch total before batch 002 begins' },
      { line: 9, message: 'type 7 batch total names batch 003, not 002' },
      { line: 9, message: 'type 7 batch total names lockbox 7777777, not 1234567' },
      { line: 10, message: 'a second type 1 header' },
      { line: 11, message: 'lockbox 1234567 (line 4) has no type 8 lockbox total before lockbox 7654321' },
      { line: 14, message: 'type 8 lockbox total names lockbox 1111111, not 7654321' },
      { line: 15, message: 'type 8 lockbox total without a type 5 lockbox header ignored' },
      { line: 16, message: 'batch 001 check count "00X" is not a number; not checked' },
      { line: 16, message: 'batch 001 dollar total "ABCDEFGHIJ" is not a number; not checked' },
      { line: 18, message: 'record type 9 after the type 9 trailer' },
    ]);
    expect(
      doc.statements?.map((s) => [s.account, s.entries.map((e) => [e.reference, e.booking_date])]),
    ).toEqual([
      [
        '1234567',
        [
          ['001-001', null],
          ['002-001', null],
        ],
      ],
      ['7654321', [['001-001', '2026-11-30']]],
    ]);
    // Memo overflow text is kept even when its sequence is off.
    expect(doc.statements?.[0]?.entries[0]?.remittance_text).toBe('WRONG ITEM GAP IN SEQUENCE');
    expect(doc.remittances).toBeUndefined();
  });

  it('warns when the file ends before its batch, lockbox and file trailers', () => {
    const doc = parse([HEADER, LOCKBOX, CHECK].join('\n'));
    expect(doc.warnings).toEqual([
      { line: 3, message: 'batch 001 (line 3) has no type 7 batch total before the file ends' },
      { line: 3, message: 'lockbox 1234567 (line 2) has no type 8 lockbox total before the file ends' },
      { line: 3, message: 'the file ends without a type 9 trailer' },
    ]);
    expect(doc.statements?.[0]?.entries).toHaveLength(1);
  });

  it('reads a batch total and trailer with no checks (an empty lockbox)', () => {
    const doc = parse(
      [
        HEADER,
        LOCKBOX,
        '700100012345672611300000000000000',
        '8000000123456726113000000000000000',
        '9000005',
      ].join('\r\n'),
    );
    expect(doc.warnings).toEqual([]);
    expect(doc.statements).toEqual([
      { account: '1234567', currency: 'USD', opening_balance: null, closing_balance: null, entries: [] },
    ]);
  });

  it('gives the same result for any chunking', () => {
    for (const name of ['checks.txt', 'controls.txt', 'oddities.txt']) {
      const whole = JSON.stringify(parseFixture(name));
      for (const size of [1, 7, 4096]) expect(JSON.stringify(parseFixture(name, size))).toBe(whole);
    }
  });

  it('reads the fields of a detail record by column, the check date as MMDDYY', () => {
    expect(readLockboxDetail(CHECK)).toEqual({
      batch: '001',
      item: '001',
      amountMinor: 10000n,
      routing: '021000021',
      account: '1111',
      checkNumber: '100',
      checkDate: '2026-11-25',
      remitter: 'PAYER ONE',
      payee: '',
    });
    expect(readLockboxDetail('6001001').amountMinor).toBeNull();
  });

  it('throws bank_files.unreadable, with FILE:LINE, for a file it cannot read', () => {
    const cases: [string, string][] = [
      ['', 'x.txt: not a BAI lockbox file: it has no records'],
      [
        '01,BANK,CO,261130,0800,1,,,2/\n',
        'x.txt:1: not a BAI lockbox file: the first record is "01,BANK,CO,261130,08", not a type 1 header',
      ],
      [`${HEADER}\n3XYZ\n`, 'x.txt:2: unknown record type "3"'],
      [
        `${HEADER}\n${CHECK}\n`,
        'x.txt:2: type 6 detail record outside a lockbox (no type 5 header before it)',
      ],
      [`${HEADER}\n5001000       261130\n`, 'x.txt:2: type 5 lockbox header has no lockbox number'],
      [`${HEADER}\n${LOCKBOX}\n600100100000A0000\n`, 'x.txt:3: check amount "00000A0000" is not a number'],
    ];
    for (const [text, message] of cases) expect(unreadableMessage(text)).toBe(message);
  });
});
