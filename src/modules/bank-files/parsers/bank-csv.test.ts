import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../core/errors.ts';
import { parseText } from '../parse-text.ts';
import { type BankCsvMapping, createBankCsvParser, parseBankCsvMapping } from './bank-csv.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bank-files', 'csv');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const mappingOf = (name: string) => parseBankCsvMapping(read(`${name}.mapping.json`), `${name}.mapping.json`);

function parse(name: string, chunkSize?: number) {
  const mapping = mappingOf(name);
  return parseText(
    createBankCsvParser,
    'csv',
    read(`${name}.csv`),
    { fileName: `${name}.csv`, mapping },
    chunkSize,
  );
}

describe('bank CSV exports through a column mapping', () => {
  it('reads a signed amount column, US dates, quoted commas and thousands separators', () => {
    const doc = parse('chase-style');
    expect(doc.warnings).toEqual([]);
    expect(doc.statements).toHaveLength(1);
    const st = doc.statements?.[0];
    expect(st).toMatchObject({ account: '000123456789', currency: 'USD' });
    expect(st?.entries.map((e) => [e.booking_date, e.direction, e.amount, e.reference, e.line])).toEqual([
      ['2026-11-02', 'credit', '1250.00', 'BNK0001', 2],
      ['2026-11-03', 'debit', '15.00', 'BNK0002', 3],
      ['2026-11-04', 'credit', '2400.50', 'BNK0003', 4],
    ]);
    expect(st?.entries[0]).toMatchObject({
      counterparty_name: 'ACME HEALTH PLAN, INC.',
      remittance_text: 'INV-1001 INV-1002',
      check_number: null,
      reversal: false,
    });
    expect(st?.entries[2]?.check_number).toBe('10045');
  });

  it('reads split debit/credit columns, comma decimals, semicolons, and warns per bad row with its line', () => {
    const doc = parse('german-split');
    const entries = doc.statements?.[0]?.entries ?? [];
    expect(doc.statements?.[0]).toMatchObject({ account: 'DE89370400440532013000', currency: 'EUR' });
    expect(entries.map((e) => [e.direction, e.amount, e.value_date])).toEqual([
      ['credit', '1234.56', '2026-11-04'],
      ['debit', '7.50', '2026-11-05'],
    ]);
    expect(doc.warnings).toEqual([
      { line: 4, message: 'Valuta: "31.11.2026" is not a date; left empty' },
      { line: 4, message: 'Haben: no amount, or not an amount; row skipped' },
    ]);
  });

  it('gives the same result whatever the chunking', () => {
    const whole = JSON.stringify(parse('german-split'));
    for (const size of [1, 3, 17]) expect(JSON.stringify(parse('german-split', size))).toBe(whole);
  });

  it('uses a direction column with the mapping’s values', () => {
    const mapping: BankCsvMapping = parseBankCsvMapping(
      JSON.stringify({
        account: 'A1',
        columns: { booking_date: 'date', amount: 'amt', direction: 'dc' },
        credit_values: ['+'],
        debit_values: ['-'],
      }),
      'm.json',
    );
    const doc = parseText(
      createBankCsvParser,
      'csv',
      'date,amt,dc\n2026-01-02,5,+\n2026-01-03,6,-\n2026-01-04,7,?\n',
      {
        fileName: 'x.csv',
        mapping,
      },
    );
    expect(doc.statements?.[0]?.entries.map((e) => `${e.direction} ${e.amount}`)).toEqual([
      'credit 5.00',
      'debit 6.00',
    ]);
    expect(doc.warnings[0]?.line).toBe(4);
  });

  it('refuses a mapping that cannot work, naming the field', () => {
    const bad = [
      [{ columns: { booking_date: 'd', amount: 'a' } }, 'account'],
      [{ account: 'x', columns: { booking_date: 'd', amount: 'a', credit: 'c' } }, 'columns'],
      [{ account: 'x', columns: { booking_date: 'd', direction: 'x', credit: 'c' } }, 'columns.direction'],
      [{ account: 'x', columns: { booking_date: 'd', amount: 'a', colour: 'c' } }, 'columns'],
    ] as const;
    for (const [mapping, field] of bad) {
      let error: unknown;
      try {
        parseBankCsvMapping(JSON.stringify(mapping), 'm.json');
      } catch (e) {
        error = e;
      }
      expect(isAppError(error) && error.code).toBe('bank_files.invalid_mapping');
      expect(isAppError(error) && error.issues.map((i) => i.column)).toContain(field);
    }
    expect(() => parseBankCsvMapping('{', 'm.json')).toThrow(/m\.json: not JSON/);
  });

  it('names the mapped columns missing from the header, and refuses an empty file', () => {
    const mapping = mappingOf('chase-style');
    expect(() =>
      parseText(createBankCsvParser, 'csv', 'Date,Amount\n', { fileName: 'e.csv', mapping }),
    ).toThrow(/e\.csv:1: the mapping's columns "Posting Date" \(booking_date\)/);
    expect(() => parseText(createBankCsvParser, 'csv', '', { fileName: 'e.csv', mapping })).toThrow(
      /e\.csv: empty file/,
    );
  });
});
