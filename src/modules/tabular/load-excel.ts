import type Excel from 'exceljs';

let loading: Promise<typeof Excel> | undefined;

/**
 * exceljs, loaded when a workbook is first read or written: loading it takes about 120 ms, which
 * every `arbor` command paid at start-up while only those reading or writing XLSX use it.
 */
export function loadExcel(): Promise<typeof Excel> {
  loading ??= import('exceljs').then((m) => m.default);
  return loading;
}
