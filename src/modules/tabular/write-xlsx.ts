import { type FileHandle, open, unlink } from 'node:fs/promises';
import type Excel from 'exceljs';
import { isLocalDate } from '../../core/local-date.ts';
import { loadExcel } from './load-excel.ts';
import { tabularError } from './tabular.errors.ts';

export type XlsxColumnType = 'text' | 'amount' | 'date' | 'integer';

export interface XlsxColumn {
  name: string;
  /** Default `text`. */
  type?: XlsxColumnType;
  /** In characters; default from the type and the name. */
  width?: number;
}

export interface XlsxSheet {
  name: string;
  columns: readonly XlsxColumn[];
  rows: Iterable<readonly string[]> | AsyncIterable<readonly string[]>;
}

/** How often (in rows) to let the zip catch up, and how far it may fall behind (bytes of XML). */
const ROWS_PER_CHECK = 500;
const SHEET_BACKLOG_LIMIT = 1 << 20;

const AMOUNT_FORMAT = '#,##0.00';
const DATE_FORMAT = 'yyyy-mm-dd';
const INTEGER_FORMAT = '0';

const DECIMAL = /^-?(\d+)(?:\.(\d+))?$/;
const INTEGER = /^-?\d+$/;

/**
 * Writes a workbook with exceljs's streaming writer: each row is committed as soon as it is built,
 * so memory stays bounded however many rows there are. Values arrive as strings and are typed by
 * their column:
 *
 * - `amount`: a numeric cell formatted `#,##0.00` (more decimals when the value has them, so that a
 *   three-decimal currency is not shown rounded). The decimal string goes through `Number`, which is
 *   exact to 15 significant digits; that is acceptable for a spreadsheet meant for reading and
 *   summing, but a value with more significant digits is kept as its exact text instead.
 * - `date`: a real Excel date (`YYYY-MM-DD` as the UTC midnight serial), formatted `yyyy-mm-dd`.
 * - `integer`: a number when it is a safe integer.
 * - `text`: a string cell, never a formula.
 *
 * A value that does not fit its column's type is written as text, unchanged; "" leaves the cell empty.
 * The header row is bold and frozen. When `target` is a path, a partly written file is removed on
 * failure; when it is a stream, the stream is ended (an XLSX file is a zip, complete or useless).
 */
export async function writeXlsx(
  target: string | NodeJS.WritableStream,
  sheets: readonly XlsxSheet[],
): Promise<void> {
  let handle: FileHandle | undefined;
  let stream: NodeJS.WritableStream;
  if (typeof target === 'string') {
    try {
      handle = await open(target, 'w');
    } catch (e) {
      throw tabularError(
        'tabular.file_unwritable',
        `${target}: cannot be written (${e instanceof Error ? e.message : String(e)})`,
        { cause: e },
      );
    }
    stream = handle.createWriteStream();
  } else {
    stream = target;
  }

  // exceljs attaches its error listener to the output only when it finalizes; an earlier error
  // would otherwise be unhandled, and a later one would leave `commit` waiting for ever.
  let onError: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    onError = reject;
  });
  failed.catch(() => {});
  stream.on('error', (e: unknown) => onError(e));

  try {
    const workbook = new (await loadExcel()).stream.xlsx.WorkbookWriter({
      stream: stream as unknown as import('node:stream').Stream,
      useStyles: true,
      // Inline strings: a shared-strings table would grow with every distinct text in memory.
      useSharedStrings: false,
    });
    await Promise.race([writeSheets(workbook, sheets), failed]);
    await Promise.race([workbook.commit(), failed]);
  } catch (e) {
    if (handle !== undefined && typeof target === 'string') {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      await unlink(target).catch(() => {});
    }
    throw e;
  }
}

async function writeSheets(workbook: Excel.stream.xlsx.WorkbookWriter, sheets: readonly XlsxSheet[]) {
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    worksheet.columns = sheet.columns.map((c) => ({ width: c.width ?? defaultWidth(c) }));
    const types = sheet.columns.map((c) => c.type ?? 'text');

    const header = worksheet.addRow(sheet.columns.map((c) => c.name));
    header.font = { bold: true };
    header.commit();

    let n = 0;
    for await (const values of sheet.rows) {
      const row = worksheet.addRow([]);
      for (let i = 0; i < types.length; i++) {
        const raw = values[i];
        if (raw === undefined || raw === '') continue;
        setCell(row.getCell(i + 1), types[i] ?? 'text', raw);
      }
      row.commit();
      if (++n % ROWS_PER_CHECK === 0) await letZipCatchUp(worksheet);
    }
    worksheet.commit();
  }
}

/**
 * exceljs's streaming writer does not apply backpressure: a committed row's XML goes into a buffer
 * feeding the zip, which deflates more slowly than rows are made, so the sheet would pile up in
 * memory (measured: the whole sheet, ~20 MB per 100,000 rows). This waits for the zip whenever the
 * buffer in front of it holds more than SHEET_BACKLOG_LIMIT. The buffer is reached through exceljs
 * internals (the worksheet's stream and the stream it pipes into); should they change, it falls
 * back to yielding one turn of the event loop.
 */
async function letZipCatchUp(worksheet: Excel.Worksheet): Promise<void> {
  const internals = worksheet as unknown as { stream?: { pipes?: unknown[] } };
  const next = internals.stream?.pipes?.[0] as
    | { _writableState?: { length?: unknown }; once?: (event: 'drain', listener: () => void) => unknown }
    | undefined;
  const backlog = next?._writableState?.length;
  if (typeof backlog === 'number' && typeof next?.once === 'function') {
    if (backlog > SHEET_BACKLOG_LIMIT) {
      await new Promise<void>((resolve) => next.once?.('drain', resolve));
    }
    return;
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
}

function setCell(cell: Excel.Cell, type: XlsxColumnType, raw: string): void {
  switch (type) {
    case 'amount': {
      const m = DECIMAL.exec(raw);
      if (m !== null && significantDigits(m[1] ?? '', m[2] ?? '') <= 15) {
        cell.value = Number(raw);
        const decimals = m[2]?.length ?? 0;
        cell.numFmt = decimals > 2 ? `#,##0.${'0'.repeat(decimals)}` : AMOUNT_FORMAT;
        return;
      }
      break;
    }
    case 'date':
      if (isLocalDate(raw)) {
        const y = Number(raw.slice(0, 4));
        const m = Number(raw.slice(5, 7));
        const d = Number(raw.slice(8, 10));
        const date = new Date(0);
        date.setUTCFullYear(y, m - 1, d); // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as given
        cell.value = date;
        cell.numFmt = DATE_FORMAT;
        return;
      }
      break;
    case 'integer':
      if (INTEGER.test(raw) && Number.isSafeInteger(Number(raw))) {
        cell.value = Number(raw);
        cell.numFmt = INTEGER_FORMAT;
        return;
      }
      break;
    default:
      break;
  }
  cell.value = raw;
}

function significantDigits(intPart: string, fracPart: string): number {
  const digits = (intPart + fracPart).replace(/^0+/, '');
  return digits.length;
}

function defaultWidth(column: XlsxColumn): number {
  const byType =
    column.type === 'amount' ? 14 : column.type === 'date' ? 12 : column.type === 'integer' ? 10 : 16;
  return Math.max(byType, Math.min(column.name.length + 2, 40));
}
