import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_ENTRY, parseEveryChunking, unreadableMessage } from '../../../../test/support/parser-fuzz.ts';
import type { ParsedFile } from '../model.ts';
import { createOfxParser, ofxDate, readOfxAmount } from './ofx.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bank-files', 'ofx');

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

const parse = (text: string, fileName = 'test.ofx'): ParsedFile =>
  parseEveryChunking(createOfxParser, 'ofx', text, fileName);

const unreadable = (text: string, fileName = 'bad.ofx'): string =>
  unreadableMessage(createOfxParser, 'ofx', text, fileName);

const ENTRY = EMPTY_ENTRY;

describe('OFX 1.x (SGML)', () => {
  const doc = parse(fixture('sgml-bank.ofx'));

  it('reads the header version, the account, the currency and the ledger balance', () => {
    expect(doc.format).toBe('ofx');
    expect(doc.version).toBe('102');
    expect(doc.warnings).toEqual([]);
    expect(doc.statements).toHaveLength(1);
    const { entries, ...statement } = doc.statements?.[0] ?? { entries: [] };
    expect(statement).toEqual({
      account: '4000123456',
      currency: 'USD',
      opening_balance: null,
      closing_balance: '3170.25',
    });
    expect(entries).toHaveLength(3);
  });

  it('reads every field of a transaction: PAYEE, BANKACCTTO, DTAVAIL, REFNUM, entities', () => {
    expect(doc.statements?.[0]?.entries[0]).toEqual({
      ...ENTRY,
      reference: 'FIT-0001',
      booking_date: '2024-01-05',
      value_date: '2024-01-06',
      amount: '1250.00',
      direction: 'credit',
      type_code: 'CREDIT',
      counterparty_name: 'ACME CORP & SONS',
      counterparty_account: '026009593:9876543210',
      customer_reference: 'REF-77',
      remittance_text: 'INVOICE INV-1001 AND INV-1002',
      line: 17,
    });
  });

  it('reads a cheque number, a negative amount as a debit, and drops CHECKNUM 0', () => {
    expect(doc.statements?.[0]?.entries[1]).toEqual({
      ...ENTRY,
      reference: 'FIT-0002',
      booking_date: '2024-01-10',
      amount: '75.50',
      direction: 'debit',
      type_code: 'CHECK',
      counterparty_name: 'CITY WATER DEPT',
      check_number: '1042',
      remittance_text: 'CHECK 1042',
      line: 18,
    });
    // An empty <MEMO> followed by another tag is an empty element, not an aggregate.
    expect(doc.statements?.[0]?.entries[2]).toMatchObject({
      reference: 'FIT-0003',
      amount: '4.25',
      direction: 'debit',
      check_number: null,
      remittance_text: null,
    });
  });
});

describe('OFX 2.x (XML)', () => {
  const doc = parse(fixture('xml-multi.ofx'));

  it('reads the version of the OFX processing instruction and one statement per account', () => {
    expect(doc.version).toBe('211');
    expect(doc.warnings).toEqual([]);
    expect(doc.statements?.map(({ entries, ...s }) => ({ ...s, n: entries.length }))).toEqual([
      {
        account: 'DE89370400440532013000',
        currency: 'EUR',
        opening_balance: null,
        closing_balance: '2380.00',
        n: 3,
      },
      {
        account: '4111111111111111',
        currency: 'USD',
        opening_balance: null,
        closing_balance: '-250.75',
        n: 1,
      },
    ]);
  });

  it('reads CDATA verbatim, character references, lower-case tags and an IBAN counterparty', () => {
    expect(doc.statements?.[0]?.entries[0]).toEqual({
      ...ENTRY,
      reference: 'X-1',
      booking_date: '2024-02-15',
      amount: '480.00',
      type_code: 'DIRECTDEP',
      counterparty_name: 'Müller & Söhne <GmbH>',
      counterparty_account: 'DE44500105175407324931',
      remittance_text: 'Rechnung R-2024-5 – Danke',
      line: 26,
    });
  });

  it('marks an entry in another currency and reads a zero fee as a debit', () => {
    expect(doc.statements?.[0]?.entries[1]).toMatchObject({
      amount: '100.00',
      direction: 'debit',
      currency: 'USD',
    });
    expect(doc.statements?.[0]?.entries[2]).toMatchObject({
      amount: '0.00',
      direction: 'debit',
      type_code: 'FEE',
      counterparty_name: null,
    });
    expect(doc.statements?.[1]?.entries[0]).toMatchObject({
      reference: 'CC-1',
      amount: '250.75',
      direction: 'credit',
      type_code: 'PAYMENT',
    });
  });
});

describe('investment statements', () => {
  const doc = parse(fixture('investment.ofx'));

  it('reads the cash transactions, rounds extra decimals half-even and counts security transactions', () => {
    expect(doc.statements).toHaveLength(1);
    expect(doc.statements?.[0]).toMatchObject({ account: 'INV-555', currency: 'USD', closing_balance: null });
    expect(doc.statements?.[0]?.entries.map((e) => [e.reference, e.amount, e.direction])).toEqual([
      ['C-1', '115.84', 'credit'],
      ['C-2', '10.12', 'credit'],
      ['C-3', '10.14', 'debit'],
    ]);
    expect(doc.warnings).toEqual([
      {
        line: 17,
        message: 'amount +00000000000115.8351 has more decimals than USD has; rounded half-even to 115.84',
      },
      { line: 18, message: 'amount 10.125 has more decimals than USD has; rounded half-even to 10.12' },
      { line: 19, message: 'amount -10.135 has more decimals than USD has; rounded half-even to -10.14' },
      {
        line: 13,
        message:
          'investment statement of account INV-555: 2 security transactions (BUYSTOCK ×1, INCOME ×1) are not read; only its cash transactions (INVBANKTRAN) are',
      },
    ]);
  });
});

describe('warnings', () => {
  it('reports failed sign-on and statement responses', () => {
    const doc = parse(fixture('status-errors.ofx'));
    expect(doc.version).toBe('220');
    expect(doc.statements).toBeUndefined();
    expect(doc.warnings).toEqual([
      { line: 6, message: 'sign-on failed: status 15500 ERROR: Invalid user id or password' },
      { line: 18, message: 'response <STMTTRNRS> (TRNUID abc-123) failed: status 2000 ERROR' },
      { line: null, message: 'the file holds no statement (no STMTRS, CCSTMTRS or INVSTMTRS)' },
    ]);
  });

  it('reports missing and unreadable dates, a missing account and an empty balance, and goes on', () => {
    const doc = parse(fixture('warnings.ofx'));
    expect(doc.version).toBeNull();
    expect(doc.warnings).toEqual([
      { line: 3, message: '<STMTTRN> outside a statement; it is skipped' },
      { line: 4, message: '<STMTRS> has no account (<ACCTID>)' },
      { line: 7, message: '<STMTTRN> has no posting date (<DTPOSTED>)' },
      { line: 8, message: '<DTPOSTED> "20230231" is not a date' },
      { line: 8, message: '<DTAVAIL> "someday" is not a date' },
      { line: 10, message: 'ledger balance <BALAMT> "" is not an amount; the closing balance is left out' },
    ]);
    expect(doc.statements?.[0]).toMatchObject({ account: '', closing_balance: null });
    expect(doc.statements?.[0]?.entries.map((e) => [e.reference, e.booking_date, e.value_date])).toEqual([
      ['W-1', null, null],
      ['W-2', null, null],
    ]);
  });

  it('reads a file whose last end tags are missing, and says so', () => {
    const doc = parse(fixture('unclosed.ofx'));
    expect(doc.statements?.[0]).toMatchObject({ account: '777', closing_balance: '9.99' });
    expect(doc.warnings).toEqual([
      { line: 14, message: 'the file ends before </OFX> (end tags are missing)' },
    ]);
  });
});

describe('unreadable files', () => {
  it('rejects files that are not OFX', () => {
    expect(unreadable(fixture('not-ofx.html'), 'not-ofx.html')).toBe(
      'not-ofx.html:1: <HTML> where <OFX> should begin: not an OFX file',
    );
    expect(unreadable(fixture('not-ofx.csv'), 'not-ofx.csv')).toBe(
      'not-ofx.csv:1: no <OFX> element found: not an OFX file',
    );
    expect(unreadable('x'.repeat(20_000))).toBe(
      'bad.ofx:1: no <OFX> element at the start of the file: not an OFX file',
    );
    expect(unreadable('')).toBe('bad.ofx:1: no <OFX> element found: not an OFX file');
  });

  it('rejects truncated files', () => {
    expect(unreadable(fixture('truncated-entry.ofx'))).toBe(
      'bad.ofx:13: the file ends inside the <STMTTRN> opened on line 13: it is truncated',
    );
    expect(unreadable(fixture('truncated-statement.ofx'))).toBe(
      'bad.ofx:11: the file ends inside the <STMTRS> opened on line 11: it is truncated',
    );
  });

  it('rejects a transaction whose amount cannot be read', () => {
    expect(unreadable(fixture('bad-amount.ofx'))).toBe('bad.ofx:12: <TRNAMT> "$120" is not an amount');
    expect(unreadable(fixture('no-amount.ofx'))).toBe('bad.ofx:12: <STMTTRN> has no amount (<TRNAMT>)');
  });

  it('rejects markup that never ends and nesting without end', () => {
    expect(unreadable(`<OFX><${'A'.repeat(1_100_000)}`)).toBe(
      'bad.ofx:1: markup longer than 1048576 characters that does not end',
    );
    expect(unreadable(`<OFX>${'<STMTTRNRS>'.repeat(300)}`)).toBe(
      'bad.ofx:1: elements nested deeper than 256',
    );
  });
});

describe('parts', () => {
  it('reads amounts', () => {
    expect(readOfxAmount('-6.60', 'CAD')).toEqual({ decimal: '-6.60', rounded: false });
    expect(readOfxAmount('12,34', 'EUR')).toEqual({ decimal: '12.34', rounded: false });
    expect(readOfxAmount('100', 'JPY')).toEqual({ decimal: '100', rounded: false });
    expect(readOfxAmount('0.5', 'JPY')).toEqual({ decimal: '0', rounded: true });
    expect(readOfxAmount('1.5', 'JPY')).toEqual({ decimal: '2', rounded: true });
    expect(readOfxAmount('1.23456', null)).toEqual({ decimal: '1.23456', rounded: false });
    expect(readOfxAmount('$120', 'CAD')).toBeNull();
    expect(readOfxAmount('', 'CAD')).toBeNull();
  });

  it('reads dates as written, time and zone left out', () => {
    expect(ofxDate('20090401122017.000[-5:EST]')).toBe('2009-04-01');
    expect(ofxDate('20240229')).toBe('2024-02-29');
    expect(ofxDate('20230229')).toBeNull();
    expect(ofxDate('201120000000')).toBeNull();
    expect(ofxDate('2024')).toBeNull();
  });
});
