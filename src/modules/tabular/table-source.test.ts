import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openTableFile,
  type TableRow,
  type TableRowError,
  type TableSource,
  tableFromRecords,
} from './table-source.ts';
import { writeXlsx } from './write-xlsx.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-tabular-source-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function allRows(source: TableSource): Promise<(TableRow | TableRowError)[]> {
  const rows: (TableRow | TableRowError)[] = [];
  for await (const row of source.rows()) rows.push(row);
  return rows;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('openTableFile on CSV', () => {
  const text =
    '\uFEFF\r\n Account_Number , Name ,amount\r\nA-1,"Acme, Inc.",10.00\r\n,,\r\nA-2,Zoë,"5.5"\r\nA-3,x,1,surplus\r\nA-4,y,2,,\r\n"bad"x,1,2\r\n';

  it('reads the header (trimmed) and the data rows with their lines', async () => {
    const path = join(dir, 'customers.csv');
    await writeFile(path, text);
    const source = await openTableFile(path);
    expect(source.file).toBe(path);
    expect(source.format).toBe('csv');
    expect(source.header).toEqual(['Account_Number', 'Name', 'amount']);
    expect(source.headerLine).toBe(2);
    expect(source.bytesTotal).toBe(Buffer.byteLength(text));

    expect(await allRows(source)).toEqual([
      { line: 3, fields: ['A-1', 'Acme, Inc.', '10.00'] },
      // Line 4 (",,") is blank: skipped.
      { line: 5, fields: ['A-2', 'Zoë', '5.5'] },
      {
        line: 6,
        error:
          'field 4 has a value but the header names only 3 columns; a value that contains a comma must be enclosed in double quotes',
      },
      // Extra fields that are empty (trailing commas) are harmless.
      { line: 7, fields: ['A-4', 'y', '2', '', ''] },
      { line: 8, error: expect.stringContaining('text after the closing quote') },
    ]);
    expect(source.bytesRead()).toBe(Buffer.byteLength(text));
    expect(await source.contentHash()).toBe(sha256(text));
    expect(() => source.rows()).toThrow(/only once/);
  });

  it('ignores unnamed trailing columns, but not a value under one', async () => {
    const path = join(dir, 'trailing.csv');
    await writeFile(path, 'a,b,,\n1,2,,\n3,4,,x\n');
    const source = await openTableFile(path);
    expect(source.header).toEqual(['a', 'b']);
    expect(await allRows(source)).toEqual([
      { line: 2, fields: ['1', '2', '', ''] },
      { line: 3, error: expect.stringMatching(/^field 4 has a value but the header names only 2 columns/) },
    ]);
  });

  it('accepts the extension in any case', async () => {
    const path = join(dir, 'UPPER.CSV');
    await writeFile(path, 'a\n1\n');
    const source = await openTableFile(path);
    expect(source.header).toEqual(['a']);
    await source.close();
  });

  it('refuses an empty file, blank lines only, or a malformed header', async () => {
    const empty = join(dir, 'empty.csv');
    await writeFile(empty, '');
    await expect(openTableFile(empty)).rejects.toMatchObject({
      code: 'tabular.missing_header',
      kind: 'invalid',
    });

    const blank = join(dir, 'blank.csv');
    await writeFile(blank, '\r\n\r\n');
    await expect(openTableFile(blank)).rejects.toMatchObject({ code: 'tabular.missing_header' });

    const commas = join(dir, 'commas.csv');
    await writeFile(commas, ' , ,\n1,2,3\n');
    await expect(openTableFile(commas)).rejects.toMatchObject({
      code: 'tabular.missing_header',
      issues: [{ file: commas, line: 1 }],
    });

    const broken = join(dir, 'broken.csv');
    await writeFile(broken, '\n"a"b,c\n1,2\n');
    await expect(openTableFile(broken)).rejects.toMatchObject({
      code: 'tabular.missing_header',
      issues: [{ file: broken, line: 2, message: expect.stringContaining('text after the closing quote') }],
    });
  });
});

describe('openTableFile on XLSX', () => {
  it('reads the first sheet’s header and rows', async () => {
    const path = join(dir, 'invoices.XLSX');
    await writeXlsx(path, [
      {
        name: 'Invoices',
        columns: [
          { name: ' invoice_number ' },
          { name: 'amount', type: 'amount' },
          { name: 'issue_date', type: 'date' },
        ],
        rows: [
          ['INV-1', '1234.56', '2024-03-15'],
          ['', '', ''],
          ['INV-2', '0.10', '2024-03-16'],
        ],
      },
    ]);
    const source = await openTableFile(path);
    expect(source.format).toBe('xlsx');
    expect(source.header).toEqual(['invoice_number', 'amount', 'issue_date']);
    expect(source.headerLine).toBe(1);
    expect(await allRows(source)).toEqual([
      { line: 2, fields: ['INV-1', '1234.56', '2024-03-15'] },
      { line: 4, fields: ['INV-2', '0.1', '2024-03-16'] },
    ]);
    expect(source.bytesTotal).toBeGreaterThan(0);
    expect(source.bytesRead()).toBe(source.bytesTotal);
    const { readFile } = await import('node:fs/promises');
    expect(await source.contentHash()).toBe(sha256(await readFile(path)));
  });

  it('reports a value in a column without a header by its letter', async () => {
    const path = join(dir, 'extra.xlsx');
    await writeXlsx(path, [
      {
        name: 'S',
        columns: [{ name: 'a' }, { name: 'b' }, { name: '' }, { name: '' }],
        rows: [
          ['1', '2', '', 'stray'],
          ['3', '4', '', ''],
        ],
      },
    ]);
    const source = await openTableFile(path);
    expect(source.header).toEqual(['a', 'b']);
    expect(await allRows(source)).toEqual([
      { line: 2, error: 'column D has a value but no header' },
      { line: 3, fields: ['3', '4'] },
    ]);
  });

  it('refuses a workbook whose first sheet is empty', async () => {
    const path = join(dir, 'nothing.xlsx');
    await writeXlsx(path, [{ name: 'Empty', columns: [{ name: ' ' }], rows: [] }]);
    await expect(openTableFile(path)).rejects.toMatchObject({ code: 'tabular.missing_header' });
  });
});

describe('openTableFile errors', () => {
  it('refuses other extensions', async () => {
    for (const name of ['data.txt', 'data.xls', 'data', 'data.csv.gz']) {
      await expect(openTableFile(join(dir, name))).rejects.toMatchObject({
        code: 'tabular.unsupported_format',
        kind: 'invalid',
      });
    }
  });

  it('reports a missing file or a directory', async () => {
    await expect(openTableFile(join(dir, 'missing.csv'))).rejects.toMatchObject({
      code: 'tabular.file_not_found',
      kind: 'not_found',
      message: `${join(dir, 'missing.csv')}: no such file`,
    });
    await expect(openTableFile(join(dir, 'missing.xlsx'))).rejects.toMatchObject({
      code: 'tabular.file_not_found',
    });
    await mkdir(join(dir, 'folder.csv'));
    await expect(openTableFile(join(dir, 'folder.csv'))).rejects.toMatchObject({
      code: 'tabular.file_not_found',
    });
  });
});

describe('tableFromRecords', () => {
  const header = ['account_number', 'name', 'note'];
  const records = [
    { account_number: 'A-1', name: 'Acme, Inc.' },
    { account_number: 'A-2', name: 'Zoë', note: 'say "hi"' },
  ];
  const canonical = 'account_number,name,note\nA-1,"Acme, Inc.",\nA-2,Zoë,"say ""hi"""\n';

  it('yields fields in header order, numbered from line 2', async () => {
    const source = tableFromRecords('demo customers', header, records);
    expect(source).toMatchObject({
      file: 'demo customers',
      format: 'memory',
      header,
      headerLine: 1,
      bytesTotal: null,
    });
    expect(await allRows(source)).toEqual([
      { line: 2, fields: ['A-1', 'Acme, Inc.', ''] },
      { line: 3, fields: ['A-2', 'Zoë', 'say "hi"'] },
    ]);
    expect(source.bytesRead()).toBe(Buffer.byteLength(canonical));
    expect(await source.contentHash()).toBe(sha256(canonical));
  });

  it('hashes the same content whether asked before or after the rows, from a one-shot source', async () => {
    async function* once() {
      yield* records;
    }
    const before = tableFromRecords('demo', header, once());
    expect(await before.contentHash()).toBe(sha256(canonical));
    // The records drained for the hash are still yielded.
    expect(await allRows(before)).toHaveLength(2);

    const during = tableFromRecords('demo', header, once());
    const rows = during.rows();
    expect((await rows.next()).value).toEqual({ line: 2, fields: ['A-1', 'Acme, Inc.', ''] });
    expect(await during.contentHash()).toBe(sha256(canonical));
    expect((await rows.next()).value).toEqual({ line: 3, fields: ['A-2', 'Zoë', 'say "hi"'] });
    expect((await rows.next()).done).toBe(true);
  });

  it('refuses a record with a field that is not in the header', async () => {
    const source = tableFromRecords('demo', ['a'], [{ a: '1', b: '2' }]);
    await expect(allRows(source)).rejects.toThrow(/"b" that is not in the header/);
  });
});
