import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Excel from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellText, isDateFormat, readXlsxRows, type XlsxRow } from './xlsx-reader.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-tabular-xlsx-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(path: string): Promise<XlsxRow[]> {
  const rows: XlsxRow[] = [];
  for await (const row of readXlsxRows(path)) rows.push(row);
  return rows;
}

describe('readXlsxRows on a workbook from exceljs’s ordinary writer', () => {
  let path: string;
  beforeAll(async () => {
    const book = new Excel.Workbook();
    // Created first, but the second tab: the reader must follow the tab order, not the file order.
    const other = book.addWorksheet('Notes');
    other.getCell('A1').value = 'not the first tab';
    const sheet = book.addWorksheet('Data');
    // exceljs orders the tabs by `orderNo`, which its typings do not declare.
    (sheet as unknown as { orderNo: number }).orderNo = 0;
    (other as unknown as { orderNo: number }).orderNo = 1;

    sheet.addRow(['kind', 'value', 'extra']);
    sheet.getCell('A2').value = 'formula';
    sheet.getCell('B2').value = { formula: 'C2*2', result: 84 };
    sheet.getCell('C2').value = 42;
    sheet.getCell('A3').value = 'rich';
    sheet.getCell('B3').value = {
      richText: [{ text: 'Bold ', font: { bold: true } }, { text: 'and plain' }],
    };
    sheet.getCell('A4').value = 'boolean';
    sheet.getCell('B4').value = true;
    sheet.getCell('C4').value = false;
    // Row 5 is left empty; row 6 is sparse: A and D only.
    sheet.getCell('A6').value = 'sparse';
    sheet.getCell('D6').value = 'far';
    sheet.getCell('A7').value = 'date';
    sheet.getCell('B7').value = new Date(Date.UTC(2023, 11, 31, 18, 30));
    sheet.getCell('C7').value = 45366; // a serial with a date format in capitals
    sheet.getCell('C7').numFmt = 'YYYY-MM-DD';
    sheet.getCell('A8').value = 'numbers';
    sheet.getCell('B8').value = 0.1 + 0.2;
    sheet.getCell('C8').value = 1e21;
    sheet.getCell('D8').value = 1234.56;
    sheet.getCell('A9').value = 'error';
    sheet.getCell('B9').value = { error: '#DIV/0!' };
    sheet.getCell('C9').value = { formula: '1/0', result: { error: '#DIV/0!' } };
    sheet.getCell('D9').value = { formula: 'C3-C3', result: 0 };
    sheet.getCell('A10').value = 'link';
    sheet.getCell('B10').value = { text: 'Arbor site', hyperlink: 'https://example.com/' };
    sheet.getCell('C10').value = { formula: 'B7+1', result: 45292.5 };
    sheet.getCell('C10').numFmt = 'dd/mm/yyyy';
    sheet.getCell('A11').value = 'blank-ish';
    sheet.getCell('B11').value = '';
    sheet.getCell('C11').value = 'x';
    sheet.getCell('A12').value = ' ';
    sheet.getCell('A13').value = { formula: 'A1&"!"', result: 'kind!' };

    path = join(dir, 'classic.xlsx');
    await book.xlsx.writeFile(path);
  });

  it('reads the first tab, with formulas, rich text, booleans, dates, errors and sparse rows', async () => {
    expect(await readAll(path)).toEqual([
      { line: 1, fields: ['kind', 'value', 'extra'] },
      { line: 2, fields: ['formula', '84', '42'] },
      { line: 3, fields: ['rich', 'Bold and plain'] },
      { line: 4, fields: ['boolean', 'true', 'false'] },
      { line: 6, fields: ['sparse', '', '', 'far'] },
      { line: 7, fields: ['date', '2023-12-31', '2024-03-15'] },
      { line: 8, fields: ['numbers', '0.30000000000000004', '1000000000000000000000', '1234.56'] },
      // A formula worth 0 reads as "0" (exceljs's cell.value would lose it).
      { line: 9, fields: ['error', '#ERROR', '#ERROR', '0'] },
      { line: 10, fields: ['link', 'Arbor site', '2024-01-01'] },
      { line: 11, fields: ['blank-ish', '', 'x'] },
      // Row 12 holds only a space: nothing to read, skipped.
      { line: 13, fields: ['kind!'] },
    ]);
  });

  it('stops reading after the first sheet', async () => {
    const gen = readXlsxRows(path);
    const first = await gen.next();
    expect(first.value).toEqual({ line: 1, fields: ['kind', 'value', 'extra'] });
    // Leaving early releases the file without error.
    await gen.return(undefined);
  });
});

describe('readXlsxRows errors', () => {
  it('reports a missing file', async () => {
    await expect(readAll(join(dir, 'nope.xlsx'))).rejects.toMatchObject({
      code: 'tabular.file_not_found',
      kind: 'not_found',
    });
  });

  it('reports a file that is not a workbook', async () => {
    const path = join(dir, 'fake.xlsx');
    await writeFile(path, 'name,amount\nAcme,1\n');
    await expect(readAll(path)).rejects.toMatchObject({ code: 'tabular.malformed_file', kind: 'invalid' });
  });
});

describe('cellText', () => {
  it('turns each kind of cell value into text', () => {
    expect(cellText(null, undefined)).toBe('');
    expect(cellText('  kept  ', undefined)).toBe('  kept  ');
    expect(cellText(1e-7, 'General')).toBe('0.0000001');
    expect(cellText(45366, 'yyyy-mm-dd')).toBe('2024-03-15');
    expect(cellText(45366.99, 'm/d/yy h:mm')).toBe('2024-03-15');
    expect(cellText(0, undefined, true)).toBe('0');
    expect(cellText(0, 'yyyy-mm-dd', true)).toBe('1904-01-01');
    expect(cellText(new Date(Date.UTC(2024, 0, 2, 23, 59)), undefined)).toBe('2024-01-02');
    expect(cellText({ formula: 'A1', result: undefined } as never, undefined)).toBe('');
    expect(cellText({ formula: 'A1', result: Number.NaN } as never, undefined)).toBe('#ERROR');
    expect(
      cellText({ text: { richText: [{ text: 'a' }, { text: 'b' }] }, hyperlink: 'x' } as never, undefined),
    ).toBe('ab');
  });

  it('knows date formats from number formats', () => {
    expect(isDateFormat('yyyy-mm-dd')).toBe(true);
    expect(isDateFormat('DD/MM/YYYY')).toBe(true);
    expect(isDateFormat('[$-409]mmm d, yyyy')).toBe(true);
    expect(isDateFormat('#,##0.00')).toBe(false);
    expect(isDateFormat('General')).toBe(false);
    expect(isDateFormat('[Red]#,##0.00;[Blue]-#,##0.00')).toBe(false);
    expect(isDateFormat('#,##0 "days"')).toBe(false);
    expect(isDateFormat('0.00_);\\(0.00\\)')).toBe(false);
    expect(isDateFormat(undefined)).toBe(false);
  });
});
