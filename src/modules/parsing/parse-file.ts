import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  type BankCsvMapping,
  type BankFileFormat,
  bankFilesError,
  type FormatParser,
  type ParseSink,
} from '../bank-files/index.ts';
import { type DetectedFamily, defaultFormatOf, detectFormat } from './detect-format.ts';
import { readTextChunks, sniffEncoding } from './read-text.ts';
import { parserFor } from './registry.ts';

export interface ParseFileOptions {
  /** The name used in messages; the file's base name by default. */
  fileName?: string;
  /** Skip detection (`--format`). */
  family?: DetectedFamily | 'csv';
  /** A bank CSV export's column mapping; implies the CSV family when detection finds nothing. */
  mapping?: BankCsvMapping;
  /** Called after each chunk with the bytes read so far and the file's size (progress bars). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Awaited after each chunk has been pushed: a consumer that writes what the sink collected (an
   * import) does so here, so that neither the file nor its transactions are ever held whole.
   */
  afterChunk?: () => Promise<void>;
  /** Called once the format is known, before the first chunk is pushed. */
  onFormat?: (format: BankFileFormat, family: DetectedFamily | 'csv') => void;
}

export interface ParseFileResult {
  family: DetectedFamily | 'csv';
  /** The format as first known; the parser may refine it through `sink.format`. */
  format: BankFileFormat;
  encoding: string;
  bytes: number;
}

/**
 * Reads a bank or remittance file and reports its contents to `sink`, streaming: the format is
 * detected from the first characters, then the file is decoded and pushed to the format's parser in
 * chunks, so memory stays bounded whatever the file's size. Throws `bank_files.unreadable`
 * (`FILE:LINE: message`) for a file that cannot be read, `bank_files.unknown_format` when the content
 * is none of the formats (and no CSV mapping was given).
 */
export async function parseBankFile(
  path: string,
  sink: ParseSink,
  options: ParseFileOptions = {},
): Promise<ParseFileResult> {
  const fileName = options.fileName ?? basename(path);
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw bankFilesError('bank_files.file_not_found', `${fileName}: not a file`);
    size = s.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw bankFilesError('bank_files.file_not_found', `${fileName}: no such file`);
    throw e;
  }
  const { encoding, head } = await sniffEncoding(path);
  const headText = new TextDecoder(encoding).decode(head.subarray(0, 16384));
  let family = options.family ?? detectFormat(headText);
  if (family === null && options.mapping !== undefined) family = 'csv';
  if (family === null) {
    throw bankFilesError(
      'bank_files.unknown_format',
      size === 0
        ? `${fileName}: empty file`
        : `${fileName}: not a format Arbor reads (BAI2, camt.052/053/054, MT940/MT942, NACHA, X12 820/835, BAI lockbox, OFX); a bank CSV export needs a column mapping (--mapping FILE)`,
    );
  }
  const format = defaultFormatOf(family);
  options.onFormat?.(format, family);
  const parser: FormatParser = parserFor(family, sink, { fileName, mapping: options.mapping });
  let read = 0;
  for await (const chunk of readTextChunks(path, encoding)) {
    parser.push(chunk);
    read += chunk.length;
    options.onProgress?.(Math.min(read, size), size);
    if (options.afterChunk) await options.afterChunk();
  }
  parser.end();
  if (options.afterChunk) await options.afterChunk();
  return { family, format, encoding, bytes: size };
}
