import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Excel from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeXlsx } from './write-xlsx.ts';
import { readXlsxRows, type XlsxRow } from './xlsx-reader.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-tabular-write-xlsx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(path: string): Promise<XlsxRow[]> {
  const rows: XlsxRow[] = [];
  for await (const row of readXlsxRows(path)) rows.push(row);
  return rows;
}

describe('writeXlsx then readXlsxRows', () => {
  it('writes typed cells and reads them back as the same text', async () => {
    const path = join(dir, 'typed.xlsx');
    await writeXlsx(path, [
      {
        name: 'Aging',
        columns: [
          { name: 'customer' },
          { name: 'amount', type: 'amount' },
          { name: 'due_date', type: 'date' },
          { name: 'days', type: 'integer' },
        ],
        rows: [
          ['Acme Corp', '1234.56', '2024-03-15', '42'],
          ['Zoë & Söhne', '-0.50', '1999-12-31', '-3'],
          ['', '', '', ''],
          ['Only a name', '', '', ''],
          ['KWD', '1.234', '2024-02-29', '0'],
          ['Huge', '12345678901234567.89', 'not a date', 'n/a'],
          [' padded ', '1000000', '2024-01-01', '9007199254740993'],
        ],
      },
      { name: 'Second', columns: [{ name: 'ignored' }], rows: [['not read']] },
    ]);

    expect(await readAll(path)).toEqual([
      { line: 1, fields: ['customer', 'amount', 'due_date', 'days'] },
      { line: 2, fields: ['Acme Corp', '1234.56', '2024-03-15', '42'] },
      // A number cell reads back as its shortest decimal: "-0.50" was stored as -0.5.
      { line: 3, fields: ['Zoë & Söhne', '-0.5', '1999-12-31', '-3'] },
      // Row 4 was all empty: skipped, and the row numbers still match the sheet.
      { line: 5, fields: ['Only a name'] },
      { line: 6, fields: ['KWD', '1.234', '2024-02-29', '0'] },
      // Values that do not fit their column stay text, exactly.
      { line: 7, fields: ['Huge', '12345678901234567.89', 'not a date', 'n/a'] },
      { line: 8, fields: [' padded ', '1000000', '2024-01-01', '9007199254740993'] },
    ]);
  });

  it('writes numbers, real dates, formats, a bold frozen header', async () => {
    const path = join(dir, 'formats.xlsx');
    await writeXlsx(path, [
      {
        name: 'Report',
        columns: [
          { name: 'amount', type: 'amount' },
          { name: 'date', type: 'date', width: 15 },
          { name: 'count', type: 'integer' },
          { name: 'note' },
        ],
        rows: [['1234.56', '2024-03-15', '7', '=1+1']],
      },
    ]);
    const book = new Excel.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.worksheets[0];
    expect(sheet?.name).toBe('Report');
    const header = sheet?.getRow(1);
    expect(header?.getCell(1).value).toBe('amount');
    expect(header?.getCell(1).font?.bold).toBe(true);
    expect(sheet?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet?.getColumn(2).width).toBe(15);

    const row = sheet?.getRow(2);
    expect(row?.getCell(1).value).toBe(1234.56);
    expect(row?.getCell(1).numFmt).toBe('#,##0.00');
    const date = row?.getCell(2).value;
    expect(date).toBeInstanceOf(Date);
    expect((date as Date).toISOString()).toBe('2024-03-15T00:00:00.000Z');
    expect(row?.getCell(2).numFmt).toBe('yyyy-mm-dd');
    expect(row?.getCell(3).value).toBe(7);
    // Text that looks like a formula stays text.
    expect(row?.getCell(4).value).toBe('=1+1');
    expect(row?.getCell(4).formula).toBeUndefined();
  });

  it('streams many rows from an async source into a stream target', async () => {
    async function* rows() {
      for (let i = 1; i <= 5000; i++) yield [`C${i}`, `${i}.25`, '2024-06-30'];
    }
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeXlsx(out, [
      {
        name: 'Big',
        columns: [{ name: 'c' }, { name: 'a', type: 'amount' }, { name: 'd', type: 'date' }],
        rows: rows(),
      },
    ]);
    const path = join(dir, 'big.xlsx');
    await writeFile(path, Buffer.concat(chunks));
    const read = await readAll(path);
    expect(read).toHaveLength(5001);
    expect(read[5000]).toEqual({ line: 5001, fields: ['C5000', '5000.25', '2024-06-30'] });
  });

  it('reports a target that cannot be written', async () => {
    await expect(
      writeXlsx(join(dir, 'no-such-dir', 'x.xlsx'), [{ name: 'S', columns: [{ name: 'x' }], rows: [] }]),
    ).rejects.toMatchObject({ code: 'tabular.file_unwritable', kind: 'invalid' });
  });

  it('removes a partly written file when the rows fail', async () => {
    const path = join(dir, 'failed.xlsx');
    function* rows() {
      yield ['a'];
      throw new Error('source broke');
    }
    await expect(writeXlsx(path, [{ name: 'S', columns: [{ name: 'x' }], rows: rows() }])).rejects.toThrow(
      'source broke',
    );
    await expect(readAll(path)).rejects.toMatchObject({ code: 'tabular.file_not_found' });
  });
});
