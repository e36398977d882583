import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import type Excel from 'exceljs';
import { isAppError } from '../../core/errors.ts';
import { fromDayNumber } from '../../core/local-date.ts';
import { formatPlainNumber } from './format-plain-number.ts';
import { loadExcel } from './load-excel.ts';
import { fileOpenError } from './open-file-error.ts';
import { tabularError } from './tabular.errors.ts';

export interface XlsxRow {
  /** The Excel row number. */
  line: number;
  fields: string[];
}

export interface XlsxReadOptions {
  /** Called as the file is read, with the bytes read so far (for progress). */
  onBytesRead?: (bytes: number) => void;
}

const MS_PER_DAY = 86_400_000;

/**
 * Reads the rows of an XLSX workbook's first worksheet as text, streaming: memory holds the shared
 * strings table, the styles and one row, never the sheet.
 *
 * Cells become strings the way a user reading the sheet expects: numbers as their shortest exact
 * decimal without exponent notation, date-formatted cells as `YYYY-MM-DD` (the UTC calendar date of
 * the serial, time of day dropped), booleans `true`/`false`, formulas their cached result (a
 * boolean formula reads as 1 or 0, a formula never calculated as ""), error cells `#ERROR`, rich text and hyperlinks their plain text, missing cells "". Rows with nothing but
 * blanks are skipped; trailing blank cells are dropped.
 */
export async function* readXlsxRows(path: string, options: XlsxReadOptions = {}): AsyncGenerator<XlsxRow> {
  // Open first so that a missing or unreadable file is reported as such: exceljs pipes the file
  // stream into its unzipper, and a pipe does not carry the source's errors.
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw fileOpenError(path, e);
  }
  const file = handle.createReadStream();
  let failure: unknown;
  let bytes = 0;
  const onBytesRead = options.onBytesRead;
  const input = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      bytes += chunk.length;
      onBytesRead?.(bytes);
      callback(null, chunk);
    },
  });
  file.on('error', (e) => {
    // End the unzipper's input so it stops waiting; the error is rethrown below.
    failure = e;
    input.end();
  });
  file.pipe(input);

  const reader = new (await loadExcel()).stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    // Cached so that string cells resolve to their text as rows stream by.
    sharedStrings: 'cache',
    // Cached so that each cell has its number format: without it a date is just a serial number.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });

  let sawSheet = false;
  try {
    for await (const sheet of reader) {
      if (!isFirstSheet(reader, sheet)) continue;
      sawSheet = true;
      const date1904 = readDate1904(reader);
      for await (const row of sheet) {
        const fields = rowFields(row, date1904);
        if (fields !== null) yield { line: row.number, fields };
      }
      break;
    }
  } catch (e) {
    if (failure !== undefined) throw fileOpenError(path, failure);
    if (isAppError(e)) throw e;
    throw tabularError('tabular.malformed_file', `${path}: not a readable XLSX workbook (${errorText(e)})`, {
      cause: e,
    });
  } finally {
    file.destroy();
    input.destroy();
  }
  if (failure !== undefined) throw fileOpenError(path, failure);
  if (!sawSheet) {
    throw tabularError('tabular.malformed_file', `${path}: not an XLSX workbook, or it has no worksheet`);
  }
}

/**
 * The streaming reader emits worksheets in the order of the zip entries, which need not be the
 * workbook's tab order; the workbook part (read before the sheets in files from Excel and exceljs)
 * names the first tab.
 */
function isFirstSheet(reader: Excel.stream.xlsx.WorkbookReader, sheet: Excel.stream.xlsx.WorksheetReader) {
  const model = (reader as unknown as { model?: { sheets?: { name?: string }[] } }).model;
  const first = model?.sheets?.[0]?.name;
  if (first === undefined) return true;
  return (sheet as unknown as { name?: string }).name === first;
}

function readDate1904(reader: Excel.stream.xlsx.WorkbookReader): boolean {
  const props = (reader as unknown as { properties?: { date1904?: boolean | string } }).properties;
  return props?.date1904 === true || props?.date1904 === '1';
}

/** The row's cells as text, or null when it has no visible content. */
function rowFields(row: Excel.Row, date1904: boolean): string[] | null {
  const fields: string[] = [];
  let blank = true;
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    const text = cellText(cellValue(cell), cell.numFmt, date1904);
    if (text.trim() === '') return;
    blank = false;
    while (fields.length < col - 1) fields.push('');
    fields[col - 1] = text;
  });
  return blank ? null : fields;
}

type CellValue = Excel.CellValue | { error: string } | undefined;

/** exceljs's `ValueType.Formula` (a const enum value; the module itself loads only when needed). */
const FORMULA = 6 satisfies Excel.ValueType.Formula;

/**
 * A cell's value; for a formula, with its cached result read from the cell's model, because
 * exceljs's `cell.value` drops a falsy result (a formula worth 0 would read as blank).
 */
function cellValue(cell: Excel.Cell): CellValue {
  if (cell.type !== FORMULA) return cell.value;
  const model = cell.model as { formula?: string; sharedFormula?: string; result?: unknown };
  return { formula: model.formula ?? model.sharedFormula ?? '', result: model.result } as CellValue;
}

export function cellText(value: CellValue, numFmt: string | undefined, date1904 = false): string {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      // exceljs recognises only lower-case date formats; a `YYYY-MM-DD` cell arrives as its serial.
      return isDateFormat(numFmt) ? utcDate(serialToDate(value, date1904)) : formatPlainNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      break;
  }
  if (value instanceof Date) return utcDate(value);
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result;
    // The streaming reader parses every cached result that is not a string as a number: an error
    // (#DIV/0!, #N/A, …) comes as NaN, a boolean as 1 or 0 (indistinguishable from a number).
    if (typeof result === 'number' && Number.isNaN(result)) return '#ERROR';
    return cellText(result as CellValue, numFmt, date1904);
  }
  if ('error' in value) return '#ERROR';
  if ('hyperlink' in value) return cellText(value.text as CellValue, numFmt, date1904);
  if ('text' in value) return cellText((value as { text: CellValue }).text, numFmt, date1904);
  return '';
}

function serialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * MS_PER_DAY));
}

function utcDate(d: Date): string {
  const ms = d.getTime();
  if (Number.isNaN(ms)) return '#ERROR';
  return fromDayNumber(Math.floor(ms / MS_PER_DAY));
}

/**
 * A number format shows a date when it has date or time letters (any case) outside quoted text,
 * brackets (`[Red]`, `[$-409]`) and escapes (`\d`, `_)`, `*-`).
 */
export function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  const bare = fmt
    .replace(/\[[^\]]*]/g, '')
    .replace(/"[^"]*"/g, '')
    .replace(/[\\_*]./g, '');
  return /[ymdhsb]/i.test(bare);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
