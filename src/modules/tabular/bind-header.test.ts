import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../core/errors.ts';
import { bindHeader } from './bind-header.ts';

const spec = { required: ['invoice_number', 'amount'], optional: ['currency', 'po_number'] } as const;

describe('bindHeader', () => {
  it('binds names case-insensitively and trimmed, in any order', () => {
    const result = bindHeader(
      { file: 'inv.csv', header: [' Amount', 'PO_Number ', 'INVOICE_NUMBER'], headerLine: 1 },
      spec,
    );
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    const { columns } = result;
    const fields = [' 12.50 ', 'PO-9', 'INV-1'];
    expect(columns.get(fields, 'invoice_number')).toBe('INV-1');
    expect(columns.get(fields, 'amount')).toBe('12.50');
    expect(columns.get(fields, 'po_number')).toBe('PO-9');
    expect(columns.has('po_number')).toBe(true);
    expect(columns.indexOf('invoice_number')).toBe(2);
    // An optional column absent from the file, and a row shorter than the header, read as "".
    expect(columns.has('currency')).toBe(false);
    expect(columns.get(fields, 'currency')).toBe('');
    expect(columns.indexOf('currency')).toBe(-1);
    expect(columns.get(['1.00'], 'invoice_number')).toBe('');
  });

  it('reports every problem, each with the file and the header line', () => {
    const result = bindHeader(
      {
        file: 'inv.csv',
        header: ['invoice_number', 'Foo', '', 'amount', 'AMOUNT', 'bar', 'Amount '],
        headerLine: 3,
      },
      { required: ['invoice_number', 'amount', 'account_number'], optional: ['currency'] },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map(formatIssue)).toEqual([
      'inv.csv:3: unknown column "Foo"; this file takes: invoice_number, amount, account_number, currency',
      'inv.csv:3: column 3 has no name in the header; name it or remove the column',
      'inv.csv:3: unknown column "bar"; this file takes: invoice_number, amount, account_number, currency',
      'inv.csv:3: column "amount" appears 3 times (columns 4, 5 and 7); keep one',
      'inv.csv:3: missing required column "account_number"',
    ]);
  });

  it('names XLSX columns by letter', () => {
    const result = bindHeader(
      { file: 'inv.xlsx', format: 'xlsx', header: ['amount', 'invoice_number', 'amount', ''], headerLine: 1 },
      spec,
    );
    expect(result.ok ? [] : result.issues.map((i) => i.message)).toEqual([
      'column D has no name in the header; name it or remove the column',
      'column "amount" appears 2 times (columns A and C); keep one',
    ]);
  });

  it('refuses a header with only unknown columns and says what is missing', () => {
    const result = bindHeader({ file: 'x.csv', header: ['a'], headerLine: 1 }, spec);
    expect(result.ok ? [] : result.issues.map((i) => i.message)).toEqual([
      'unknown column "a"; this file takes: invoice_number, amount, currency, po_number',
      'missing required column "invoice_number"',
      'missing required column "amount"',
    ]);
  });
});
