import {
  type BankCsvMapping,
  bankFilesError,
  createBai2Parser,
  createBankCsvParser,
  createCamtParser,
  createLockboxParser,
  createMt940Parser,
  createNachaParser,
  createOfxParser,
  type FormatParser,
  type ParseSink,
} from '../bank-files/index.ts';
import { createX12Parser } from '../edi/index.ts';
import type { DetectedFamily } from './detect-format.ts';

/** The parser of each format family. */
export function parserFor(
  family: DetectedFamily | 'csv',
  sink: ParseSink,
  options: { fileName: string; mapping?: BankCsvMapping | undefined },
): FormatParser {
  switch (family) {
    case 'csv':
      if (options.mapping === undefined)
        throw bankFilesError(
          'bank_files.invalid_mapping',
          `${options.fileName}: a bank CSV export needs a column mapping (--mapping FILE)`,
        );
      return createBankCsvParser(sink, { fileName: options.fileName, mapping: options.mapping });
    case 'bai2':
      return createBai2Parser(sink, { fileName: options.fileName });
    case 'lockbox':
      return createLockboxParser(sink, { fileName: options.fileName });
    case 'x12':
      return createX12Parser(sink, { fileName: options.fileName });
    case 'nacha':
      return createNachaParser(sink, { fileName: options.fileName });
    case 'mt940':
      return createMt940Parser(sink, { fileName: options.fileName });
    case 'ofx':
      return createOfxParser(sink, { fileName: options.fileName });
    case 'camt':
      return createCamtParser(sink, { fileName: options.fileName });
    default:
      throw bankFilesError('bank_files.unknown_format', `${options.fileName}: no parser for ${family} yet`);
  }
}
