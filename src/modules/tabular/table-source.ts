import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { columnLetter } from './column-letter.ts';
import { type CsvRecord, parseCsv } from './csv-reader.ts';
import { fileOpenError } from './open-file-error.ts';
import { tabularError } from './tabular.errors.ts';
import { toCsvLine } from './write-csv.ts';
import { readXlsxRows } from './xlsx-reader.ts';

export interface TableRow {
  line: number;
  fields: string[];
}

/** A row that could not be read (malformed CSV, a value outside the header's columns). */
export interface TableRowError {
  line: number;
  error: string;
}

export type TableFormat = 'csv' | 'xlsx' | 'memory';

/**
 * Rows of a table, whatever it came from: a CSV file, the first sheet of an XLSX workbook, or
 * records in memory. The header is read when the source is opened; `rows()` yields the data rows
 * after it, once. Rows whose fields are all blank are skipped (spreadsheets leave them behind).
 */
export interface TableSource {
  /** As the user named it, for messages (`FILE:LINE: …`). */
  file: string;
  format: TableFormat;
  /** The header row, each name trimmed. */
  header: string[];
  headerLine: number;
  /** The data rows after the header; may be called once. */
  rows(): AsyncGenerator<TableRow | TableRowError>;
  /** File size, for progress; null for memory sources. */
  bytesTotal: number | null;
  bytesRead(): number;
  /**
   * SHA-256 (hex) of the file's bytes, or of a canonical CSV rendering for a memory source; the
   * import uses it to refuse the same file twice. Reads the file separately.
   */
  contentHash(): Promise<string>;
  /** Releases the file when the rows are not read to the end (reading to the end releases it too). */
  close(): Promise<void>;
}

const CSV_CHUNK_BYTES = 1 << 16;

/**
 * Opens a `.csv` or `.xlsx` file (by extension, any case) and reads its header row: the first
 * non-blank line of the CSV, the first non-empty row of the workbook's first sheet.
 */
export async function openTableFile(path: string): Promise<TableSource> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx') {
    throw tabularError(
      'tabular.unsupported_format',
      `${path}: unsupported file type ${ext === '' ? '(no extension)' : `"${ext}"`}; use a .csv or .xlsx file`,
      { details: { file: path } },
    );
  }
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = info.size;
  } catch (e) {
    throw fileOpenError(path, e);
  }
  if (size === 0) {
    throw tabularError(
      'tabular.missing_header',
      `${path}: the file is empty; the first row must be the header`,
      {
        issues: [{ file: path, message: 'the file is empty; the first row must be the header' }],
      },
    );
  }
  return ext === '.csv' ? openCsv(path, size) : openXlsx(path, size);
}

async function openCsv(path: string, size: number): Promise<TableSource> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw fileOpenError(path, e);
  }
  let bytes = 0;
  const stream = handle.createReadStream({ highWaterMark: CSV_CHUNK_BYTES });
  async function* counted(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of stream) {
        bytes += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    } catch (e) {
      throw fileOpenError(path, e);
    }
  }
  const records = parseCsv(counted());
  const first = await records.next();
  const header = await headerOf(path, first.done ? undefined : first.value, () => records.return(undefined));

  return fileSource({
    file: path,
    format: 'csv',
    header: header.names,
    headerLine: header.line,
    records,
    bytesTotal: size,
    bytesRead: () => bytes,
    extraField: (fields, width) =>
      `field ${firstValueBeyond(fields, width)} has a value but the header names only ${width} columns; a value that contains a comma must be enclosed in double quotes`,
  });
}

async function openXlsx(path: string, size: number): Promise<TableSource> {
  let bytes = 0;
  const records = readXlsxRows(path, {
    onBytesRead: (n) => {
      bytes = n;
    },
  });
  const first = await records.next();
  const header = await headerOf(path, first.done ? undefined : first.value, () => records.return(undefined));

  return fileSource({
    file: path,
    format: 'xlsx',
    header: header.names,
    headerLine: header.line,
    records,
    bytesTotal: size,
    bytesRead: () => bytes,
    extraField: (fields, width) =>
      `column ${columnLetter(firstValueBeyond(fields, width))} has a value but no header`,
  });
}

async function headerOf(
  path: string,
  record: CsvRecord | undefined,
  close: () => Promise<unknown>,
): Promise<{ names: string[]; line: number }> {
  if (record === undefined || ('fields' in record && record.fields.every((f) => f.trim() === ''))) {
    await close();
    const message = 'no header row; the first row must name the columns';
    throw tabularError('tabular.missing_header', `${path}: ${message}`, {
      issues: [{ file: path, ...(record === undefined ? {} : { line: record.line }), message }],
    });
  }
  if ('error' in record) {
    await close();
    const message = `the header row cannot be read: ${record.error}`;
    throw tabularError('tabular.missing_header', `${path}:${record.line}: ${message}`, {
      issues: [{ file: path, line: record.line, message }],
    });
  }
  // Trailing unnamed columns (a comma at the end of every line, formatted but empty spreadsheet
  // columns) are not columns; a value under one is reported on its row.
  const names = record.fields.map((f) => f.trim());
  while (names.length > 0 && names.at(-1) === '') names.pop();
  return { names, line: record.line };
}

function fileSource(input: {
  file: string;
  format: 'csv' | 'xlsx';
  header: string[];
  headerLine: number;
  records: AsyncGenerator<CsvRecord>;
  bytesTotal: number;
  bytesRead: () => number;
  extraField: (fields: string[], width: number) => string;
}): TableSource {
  const { file, header, records, extraField } = input;
  const width = header.length;
  let started = false;
  let hash: Promise<string> | undefined;

  return {
    file,
    format: input.format,
    header,
    headerLine: input.headerLine,
    bytesTotal: input.bytesTotal,
    bytesRead: input.bytesRead,
    rows() {
      if (started) throw new Error(`rows() of ${file} may be read only once`);
      started = true;
      return dataRows(records, width, extraField);
    },
    contentHash() {
      hash ??= hashFile(file);
      return hash;
    },
    async close() {
      await records.return(undefined);
    },
  };
}

async function* dataRows(
  records: AsyncGenerator<CsvRecord>,
  width: number,
  extraField: (fields: string[], width: number) => string,
): AsyncGenerator<TableRow | TableRowError> {
  for await (const record of records) {
    if ('error' in record) {
      yield record;
      continue;
    }
    const fields = record.fields;
    if (isBlank(fields)) continue;
    if (fields.length > width && !isBlank(fields, width)) {
      yield { line: record.line, error: extraField(fields, width) };
      continue;
    }
    yield record;
  }
}

/** The 1-based position of the first non-blank field after the first `width`. */
function firstValueBeyond(fields: readonly string[], width: number): number {
  return fields.findIndex((f, i) => i >= width && f.trim() !== '') + 1;
}

function isBlank(fields: readonly string[], from = 0): boolean {
  for (let i = from; i < fields.length; i++) {
    const f = fields[i];
    if (f !== undefined && f.trim() !== '') return false;
  }
  return true;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CSV_CHUNK_BYTES })) {
      hash.update(chunk as Buffer);
    }
  } catch (e) {
    throw fileOpenError(path, e);
  }
  return hash.digest('hex');
}

/**
 * A table over records in memory (the demo generator's output, a test's input). Fields are taken
 * from each record by header name (missing → ""); a key outside the header is a programming error.
 * Line numbers start at 2, as if line 1 were the header of a CSV file. The content hash is over the
 * canonical CSV rendering (header and rows, `toCsvLine`, LF-terminated); asking for it before the
 * rows have been read keeps the remaining records in memory until `rows()` yields them.
 */
export function tableFromRecords(
  name: string,
  header: string[],
  records: Iterable<Record<string, string>> | AsyncIterable<Record<string, string>>,
): TableSource {
  const keys = [...header];
  const names = keys.map((h) => h.trim());
  const known = new Set(keys);
  const iterator: Iterator<Record<string, string>> | AsyncIterator<Record<string, string>> =
    Symbol.asyncIterator in records ? records[Symbol.asyncIterator]() : records[Symbol.iterator]();

  const hash = createHash('sha256');
  const headerText = `${toCsvLine(names)}\n`;
  hash.update(headerText);
  let bytes = Buffer.byteLength(headerText);
  let exhausted = false;
  let digest: string | undefined;
  // Records pulled by contentHash() before rows() reached them.
  let queue: string[][] = [];
  let head = 0;
  // Pulls are serialised so that the hash sees the records in order.
  let lock: Promise<unknown> = Promise.resolve();
  let started = false;

  async function pull(): Promise<string[] | undefined> {
    if (exhausted) return undefined;
    const next = await iterator.next();
    if (next.done === true) {
      exhausted = true;
      return undefined;
    }
    const record = next.value;
    const fields = keys.map((k) => (Object.hasOwn(record, k) ? (record[k] ?? '') : ''));
    for (const k of Object.keys(record)) {
      if (!known.has(k)) throw new Error(`${name}: record has a field "${k}" that is not in the header`);
    }
    const text = `${toCsvLine(fields)}\n`;
    hash.update(text);
    bytes += Buffer.byteLength(text);
    return fields;
  }

  function serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = lock.then(task);
    lock = run.catch(() => {});
    return run;
  }

  async function take(): Promise<string[] | undefined> {
    if (head < queue.length) {
      const fields = queue[head];
      queue[head++] = [];
      if (head === queue.length) {
        queue = [];
        head = 0;
      }
      return fields;
    }
    return pull();
  }

  async function* memoryRows(): AsyncGenerator<TableRow> {
    let line = 2;
    for (;;) {
      const fields = await serialised(take);
      if (fields === undefined) return;
      yield { line: line++, fields };
    }
  }

  return {
    file: name,
    format: 'memory',
    header: names,
    headerLine: 1,
    bytesTotal: null,
    bytesRead: () => bytes,
    rows() {
      if (started) throw new Error(`rows() of ${name} may be read only once`);
      started = true;
      return memoryRows();
    },
    async contentHash() {
      if (digest === undefined) {
        await serialised(async () => {
          for (;;) {
            const fields = await pull();
            if (fields === undefined) break;
            queue.push(fields);
          }
        });
        digest ??= hash.digest('hex');
      }
      return digest;
    },
    async close() {
      exhausted = true;
      await iterator.return?.();
    },
  };
}
