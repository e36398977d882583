import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_ENTRY, parseEveryChunking, unreadableMessage } from '../../../../test/support/parser-fuzz.ts';
import type { ParsedFile } from '../model.ts';
import { parseText } from '../parse-text.ts';
import { createMt940Parser, parseStatementLine, readAmount, readDetails } from './mt940.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bank-files', 'mt940');

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'latin1');
}

const parse = (text: string, fileName = 'test.sta'): ParsedFile =>
  parseEveryChunking(createMt940Parser, 'mt940', text, fileName);

const unreadable = (text: string, fileName = 'bad.sta'): string =>
  unreadableMessage(createMt940Parser, 'mt940', text, fileName);

const ENTRY = EMPTY_ENTRY;

describe('MT940 in the SWIFT envelope, German structured :86:', () => {
  const doc = parse(fixture('swift-envelope-sepa.sta'));

  it('reads both messages as statements with their balances', () => {
    expect(doc.format).toBe('mt940');
    expect(doc.version).toBeNull();
    expect(doc.warnings).toEqual([]);
    expect(doc.statements?.map(({ entries, ...s }) => ({ ...s, n: entries.length }))).toEqual([
      {
        account: '37040044/0532013000',
        currency: 'EUR',
        opening_balance: '1000.00',
        closing_balance: '1135.01',
        n: 4,
      },
      {
        account: 'DE89370400440532013000',
        currency: 'EUR',
        opening_balance: '1135.01',
        closing_balance: '1100.00',
        n: 1,
      },
    ]);
  });

  it('reads a SEPA credit: references, year of the entry date, ?20–?33 sub-fields', () => {
    expect(doc.statements?.[0]?.entries[0]).toEqual({
      ...ENTRY,
      reference: '0724710333343453',
      booking_date: '2023-12-31',
      value_date: '2024-01-02',
      amount: '250.00',
      direction: 'credit',
      type_code: 'NTRF',
      counterparty_name: 'Muster Handels GmbH Abteilung Buchhaltung',
      counterparty_account: 'DE44500105175407324931',
      end_to_end_id: 'E2E-INV-1001',
      remittance_text: 'Rechnung INV-1001 und INV-1002',
      line: 6,
    });
  });

  it('reads a cheque: the customer reference of NCHK is the cheque number, BLZ and account', () => {
    expect(doc.statements?.[0]?.entries[1]).toEqual({
      ...ENTRY,
      reference: 'CHQ4711',
      value_date: '2024-01-02',
      amount: '19.99',
      direction: 'debit',
      type_code: 'NCHK',
      counterparty_name: 'Max Mustermann',
      counterparty_account: '37040044:532013001',
      check_number: '4711',
      customer_reference: '4711',
      remittance_text: 'Scheck 4711',
      line: 10,
    });
  });

  it('reads the return reason of a returned transfer (GVC 159, ?34)', () => {
    expect(doc.statements?.[0]?.entries[2]).toMatchObject({
      reference: 'R724710351063405',
      amount: '5.00',
      direction: 'credit',
      end_to_end_id: 'E2E-RET-7',
      remittance_text: 'Rueckueberweisung',
      return_reason: '901',
      reversal: false,
    });
  });

  it('reads RC as the reversal of a credit: a debit', () => {
    expect(doc.statements?.[0]?.entries[3]).toMatchObject({
      reference: 'STORNO-1',
      booking_date: '2024-01-03',
      amount: '100.00',
      direction: 'debit',
      type_code: 'NRTI',
      reversal: true,
      remittance_text: 'Storno Gutschrift',
    });
  });

  it('keeps free text of :86: as the remittance text; NONREF is no reference', () => {
    expect(doc.statements?.[1]?.entries[0]).toEqual({
      ...ENTRY,
      value_date: '2024-01-04',
      amount: '35.01',
      direction: 'debit',
      type_code: 'NMSC',
      remittance_text: 'Kontofuehrung Januar',
      line: 23,
    });
  });
});

describe('MT940 of Dutch banks', () => {
  const doc = parse(fixture('dutch-banks.sta'));
  const [abn, rabo, empty] = doc.statements ?? [];

  it('skips the bank header lines and reads statements separated by - and by a new :20:', () => {
    expect(doc.warnings).toEqual([]);
    expect(doc.statements).toHaveLength(3);
    expect(abn).toMatchObject({
      account: '517852257',
      opening_balance: '500.00',
      closing_balance: '1740.50',
    });
    expect(rabo).toMatchObject({
      account: 'NL71RABO0123456789',
      opening_balance: '1740.50',
      closing_balance: '1800.00',
    });
    expect(empty).toEqual({
      account: 'NL71RABO0123456789',
      currency: 'EUR',
      opening_balance: '1800.00',
      closing_balance: '1800.00',
      entries: [],
    });
  });

  it('reads ABN AMRO /TRTP/…/IBAN/…/NAME/…/REMI/…/EREF/ (a full 65-character line continues)', () => {
    expect(abn?.entries[0]).toEqual({
      ...ENTRY,
      booking_date: '2024-02-01',
      value_date: '2024-02-01',
      amount: '1250.50',
      type_code: 'N654',
      counterparty_name: 'ACME B.V.',
      counterparty_account: 'NL91ABNA0417164300',
      end_to_end_id: 'E2E-ACME-17',
      remittance_text: 'INVOICE INV-2024-17 AND INV-2024-18',
      line: 8,
    });
    expect(abn?.entries[1]).toMatchObject({
      direction: 'debit',
      amount: '10.00',
      remittance_text: 'BEA NR:XXX1234 02.02.24/12.54 CAFE DE KOFFIEPOT,PAS999',
    });
  });

  it('reads Rabobank: EREF placeholder, IBAN in the supplementary details, several :86:', () => {
    expect(rabo?.entries[0]).toEqual({
      ...ENTRY,
      value_date: '2024-02-03',
      amount: '99.95',
      type_code: 'N102',
      counterparty_name: 'CONTRA ACCOUNT HOLDER',
      counterparty_account: 'NL70ABNA0987654321',
      end_to_end_id: 'E2E-RABO-1',
      remittance_text: 'Invoice INV-99 partial',
      line: 20,
    });
  });

  it('reads ING /CNTP/ and /REMI/USTD//, the return reason /RTRN/ and NOTPROVIDED', () => {
    expect(rabo?.entries[1]).toEqual({
      ...ENTRY,
      reference: 'ING-REF-1',
      value_date: '2024-02-03',
      amount: '40.45',
      direction: 'debit',
      type_code: 'N544',
      counterparty_name: 'J. Jansen',
      counterparty_account: 'NL66RABO0123456789',
      remittance_text: 'Return of goods',
      return_reason: 'MS03',
      line: 24,
    });
  });
});

describe('MT942', () => {
  it('is known by block 2 and reads floor limit currency, entries and agreeing totals', () => {
    const doc = parse(fixture('mt942.sta'));
    expect(doc.format).toBe('mt942');
    expect(doc.warnings).toEqual([]);
    expect(doc.statements).toHaveLength(1);
    const s = doc.statements?.[0];
    expect(s).toMatchObject({
      account: 'PL29114010810000267002001002',
      currency: 'PLN',
      opening_balance: null,
      closing_balance: null,
    });
    expect(s?.entries[0]).toEqual({
      ...ENTRY,
      reference: 'MB240119012058',
      booking_date: '2024-01-19',
      value_date: '2024-01-19',
      amount: '150.00',
      type_code: 'NTRF',
      remittance_text: '911 TRANSAKCJA; TYT.: FAKTURA FV/1/2024',
      line: 8,
    });
    // Without :86:, the supplementary details of :61: are the only text.
    expect(s?.entries[1]).toMatchObject({ amount: '20.01', direction: 'debit', remittance_text: null });
  });

  it('is known by :34F: alone, and warns when :90D:/:90C: disagree with the entries', () => {
    const doc = parse(fixture('mt942-bad-totals.sta'));
    expect(doc.format).toBe('mt942');
    expect(doc.statements?.[0]?.currency).toBe('EUR');
    expect(doc.warnings).toEqual([
      {
        line: 9,
        message: 'number of debit entries :90D: 2 differs from the debit entries of the message: 1',
      },
      {
        line: 10,
        message:
          'sum of credit entries :90C: 15.01 differs from the sum of the credit entries of the message: 15.00',
      },
    ]);
  });
});

describe('warnings', () => {
  it('reports odd but readable content and goes on', () => {
    const doc = parse(fixture('warnings.sta'), 'warnings.sta');
    expect(doc.warnings).toEqual([
      { line: 4, message: 'unknown field :99: is not part of MT940/MT942; it is skipped' },
      {
        line: 6,
        message: 'statement line :61: value date 160230 is not a calendar date; read as 2016-02-29',
      },
      {
        line: 8,
        message:
          'second account identification :25: 99999999/0000000001 inside the statement of account 12345678/1020304050; it is ignored',
      },
      { line: 10, message: 'line ignored: text after the one-line field :62F:' },
      {
        line: 9,
        message:
          'closing balance :62F: 1190.00 of account 12345678/1020304050 statement 5/1 differs from the opening balance 1200.00 plus its 1 entries (-6.00): 1194.00',
      },
      { line: 15, message: 'statement line :61: entry date 1302 is not a date (MMDD)' },
      { line: 16, message: "balance :62F: has no currency; the statement's currency is assumed" },
      {
        line: 17,
        message: ':90D: "XYZ" is not a number of entries, a currency and an amount; it is not checked',
      },
      { line: 20, message: 'statement without account identification (:25:)' },
    ]);
    expect(doc.statements?.map((s) => [s.account, s.opening_balance, s.closing_balance])).toEqual([
      ['12345678/1020304050', '1200.00', '1190.00'],
      ['12345678/1020304050', '1190.00', '1200.00'],
      ['', '0.00', '0.00'],
    ]);
    expect(doc.statements?.[0]?.entries[0]).toMatchObject({
      value_date: '2016-02-29',
      booking_date: '2016-03-01',
      amount: '6.00',
      direction: 'debit',
      remittance_text: 'Pauschalen',
    });
    expect(doc.statements?.[1]?.entries[0]).toMatchObject({ value_date: '2016-03-01', booking_date: null });
  });

  it('joins a tag wrapped after its colon, a :61: wrapped after its mark and :86: text that looks like a tag', () => {
    const doc = parse(fixture('wrapped-lines.sta'));
    expect(doc.warnings).toEqual([]);
    expect(doc.statements?.[0]?.entries).toEqual([
      {
        ...ENTRY,
        booking_date: '2018-12-31',
        value_date: '2018-12-31',
        amount: '30.00',
        type_code: 'N062',
        end_to_end_id: 'REF-2018-12-31T10:26:37',
        remittance_text: 'Invoice 42',
        line: 5,
      },
    ]);
  });

  it('warns when a file holds no statement', () => {
    const doc = parse(fixture('no-statement.sta'));
    expect(doc.statements).toBeUndefined();
    expect(doc.warnings).toEqual([
      { line: null, message: 'the file holds no statement (no account, balance or :61: line)' },
    ]);
  });

  it('keeps at most a thousand warnings', () => {
    const text = `:20:X\n:25:1\n:60F:C240101EUR1,00\n${'stray\n'.repeat(1500)}`;
    const doc = parseText(createMt940Parser, 'mt940', text, { fileName: 'x' });
    expect(doc.warnings).toHaveLength(1000);
    expect(doc.warnings[999]?.message).toBe('more than 999 warnings; the rest are left out');
  });
});

describe('unreadable files', () => {
  it('rejects a file without any MT940 field', () => {
    expect(unreadable(fixture('not-mt940.txt'), 'not-mt940.txt')).toBe(
      'not-mt940.txt:1: no MT940/MT942 field (a line starting with :20:, :25:, :60F:, :61: …) found: not a SWIFT statement',
    );
    expect(unreadable('', 'empty.sta')).toMatch(/^empty\.sta: no MT940/);
  });

  it('rejects a long file early when no field comes', () => {
    expect(unreadable('Date,Amount\n'.repeat(500))).toBe(
      'bad.sta:101: 100 lines without an MT940/MT942 field: not a SWIFT statement',
    );
  });

  it('rejects a line longer than a megabyte without scanning it over and over', () => {
    expect(unreadable(`:20:X\n:86:${'x'.repeat(1_100_000)}`)).toBe(
      'bad.sta:2: a line longer than 1048576 characters: not a SWIFT statement',
    );
  });

  it('rejects a statement line without a debit/credit mark', () => {
    expect(unreadable(fixture('bad-statement-line.sta'))).toBe(
      'bad.sta:4: statement line :61: "240101X5,00NTRFNONREF" has no debit/credit mark (C, D, RC or RD)',
    );
  });

  it('rejects a balance without a date', () => {
    expect(unreadable(fixture('bad-balance.sta'))).toBe(
      'bad.sta:3: balance :60F: "C2401EUR1,00" has no date (YYMMDD)',
    );
  });

  it('rejects an amount with more decimals than its currency has', () => {
    expect(unreadable(fixture('bad-amount.sta'))).toBe(
      'bad.sta:4: statement line :61: amount "1,234" is not an amount in EUR',
    );
  });
});

describe('parts', () => {
  it('reads statement lines field by field', () => {
    expect(parseStatementLine('0709040904RCR204,88NRTINONREF')).toEqual({
      valueDate: '070904',
      entryDate: '0904',
      mark: 'RC',
      amount: '204,88',
      type: 'NRTI',
      customerReference: 'NONREF',
      bankReference: null,
      extra: null,
    });
    expect(parseStatementLine('110527D000000001213,28N0440121470966      W.P. Jansen   ')).toMatchObject({
      mark: 'D',
      customerReference: '0121470966',
      extra: 'W.P. Jansen',
    });
    expect(parseStatementLine('1407290729C500NTRF29-07-2014 10:05//B4G29PGDCK1QFV3E')).toMatchObject({
      amount: '500',
      customerReference: '29-07-2014 10:05',
      bankReference: 'B4G29PGDCK1QFV3E',
    });
    expect(parseStatementLine('17091')).toBe('"17091" does not start with a value date (YYMMDD)');
    expect(parseStatementLine('1709140')).toBe('"1709140" has an incomplete entry date (MMDD)');
    expect(parseStatementLine('170914CR')).toBe('"170914CR" has no amount');
  });

  it('reads amounts with the currency exponent', () => {
    expect(readAmount('380115,', 'EUR')?.decimal).toBe('380115.00');
    expect(readAmount('000000001000,5', 'EUR')?.decimal).toBe('1000.50');
    expect(readAmount('1000,', 'JPY')?.decimal).toBe('1000');
    expect(readAmount('1,250', 'KWD')?.decimal).toBe('1.250');
    expect(readAmount('0,125', 'DEM')?.decimal).toBe('0.125');
    expect(readAmount('12', null)?.decimal).toBe('12.00');
    expect(readAmount('1,5', 'JPY')).toBeNull();
    expect(readAmount('1.5', 'EUR')).toBeNull();
    expect(readAmount('1,2,3', 'EUR')).toBeNull();
    expect(readAmount(',', 'EUR')).toBeNull();
    expect(readAmount('-5', 'EUR')).toBeNull();
  });

  it('reads :86: layouts', () => {
    expect(readDetails(['166?00GUTSCHRIFT?20KREF+K-1?21SVWZ+Text?60weiter'])).toEqual({
      customerRef: 'K-1',
      name: null,
      account: null,
      endToEnd: null,
      remittance: 'Text weiter',
      returnReason: null,
    });
    expect(readDetails(['/REMI/STRD/CUR/RF18539007547034/'])).toMatchObject({
      remittance: 'RF18539007547034',
    });
    expect(readDetails(['/TRTP/X/CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/1234567/'])).toMatchObject({
      remittance: '1234567',
    });
    expect(readDetails(['/NOTAKEY/plain text'])).toMatchObject({ remittance: '/NOTAKEY/plain text' });
    expect(readDetails(['109?00RUECKLASTSCHRIFT?20SVWZ+X?31123456?30COBADEFFXXX?34912'])).toMatchObject({
      account: '123456',
      returnReason: '912',
    });
  });
});
