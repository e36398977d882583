// Reading and writing tabular files (CSV, XLSX) for imports and reports. The module's only public
// surface: other modules import from here, never from the files behind it.

export { type BindHeaderResult, bindHeader, ColumnBinding, type HeaderSpec } from './bind-header.ts';
export { type CsvOptions, CsvParser, type CsvRecord, parseCsv } from './csv-reader.ts';
export { displayWidth, formatTextTable, type TextTableColumn } from './format-table.ts';
export { createProgressBar, type ProgressBar, type ProgressBarOptions } from './progress-bar.ts';
export {
  openTableFile,
  type TableFormat,
  type TableRow,
  type TableRowError,
  type TableSource,
  tableFromRecords,
} from './table-source.ts';
export type { TabularErrorCode } from './tabular.errors.ts';
export { toCsvLine, type WriteCsvOptions, writeCsv } from './write-csv.ts';
export { writeXlsx, type XlsxColumn, type XlsxColumnType, type XlsxSheet } from './write-xlsx.ts';
export { readXlsxRows, type XlsxReadOptions, type XlsxRow } from './xlsx-reader.ts';
