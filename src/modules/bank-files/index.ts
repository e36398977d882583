// Bank and remittance file parsers (BAI2, camt, MT940/MT942, NACHA, lockbox, OFX, bank CSV). The
// module's only public surface. The parsers share one event model (model.ts): spec section 4.

export { decimalFromMinor, exponentOf, minorFromDecimal, normalizeDecimal } from './amounts.ts';
export { type BankFilesErrorCode, bankFilesError, unreadable } from './bank-files.errors.ts';
export { LineSplitter } from './lines.ts';
export {
  type AchEntry,
  type BankFileFormat,
  type Claim,
  type ClaimAdjustment,
  type ClaimPayment,
  collectParse,
  type Direction,
  type FormatParser,
  type ParsedFile,
  type ParserFactory,
  type ParserOptions,
  type ParseSink,
  type ParseWarning,
  type Remittance,
  type RemittanceAdjustment,
  type RemittanceLine,
  type StatementEntry,
  type StatementInfo,
} from './model.ts';
export { parseText } from './parse-text.ts';
export { createBai2Parser } from './parsers/bai2.ts';
export {
  type BankCsvMapping,
  type BankCsvOptions,
  createBankCsvParser,
  parseBankCsvMapping,
  ZBankCsvMapping,
} from './parsers/bank-csv.ts';
export { createCamtParser } from './parsers/camt.ts';
export { createLockboxParser } from './parsers/lockbox.ts';
export { createMt940Parser } from './parsers/mt940.ts';
export {
  achEntryDetails,
  createNachaParser,
  type NachaAchEntry,
  type NachaEntryDetails,
} from './parsers/nacha.ts';
export { createOfxParser } from './parsers/ofx.ts';
export { XmlReader } from './parsers/xml-reader.ts';
