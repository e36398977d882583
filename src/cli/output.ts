import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { AppError } from '../core/errors.ts';
import { formatTextTable, writeCsv, writeXlsx, type XlsxColumnType } from '../modules/tabular/index.ts';

export type OutputFormat = 'table' | 'csv' | 'json' | 'xlsx';

export function parseFormat(
  text: string | undefined,
  allowed: readonly OutputFormat[],
  fallback: OutputFormat,
): OutputFormat {
  if (text === undefined) return fallback;
  const f = allowed.find((a) => a === text.toLowerCase());
  if (!f)
    throw new AppError(
      'cli.invalid_format',
      'invalid',
      `--format must be one of ${allowed.join(', ')}, not "${text}"`,
    );
  return f;
}

export interface TabularColumn {
  readonly name: string;
  readonly type?: XlsxColumnType;
  readonly align?: 'left' | 'right';
}

/** Where binary or file output goes: `--output FILE`, else stdout unless it is a terminal. */
export async function withOutput<T>(
  stdout: NodeJS.WriteStream,
  path: string | undefined,
  binary: boolean,
  fn: (out: NodeJS.WritableStream) => Promise<T>,
): Promise<T> {
  if (!path) {
    if (binary && stdout.isTTY) {
      throw new AppError(
        'cli.binary_to_terminal',
        'invalid',
        'xlsx output is binary: give --output FILE or redirect stdout',
      );
    }
    return fn(stdout);
  }
  const file = createWriteStream(path);
  try {
    const result = await fn(file);
    // Some writers (XLSX) end the stream themselves.
    if (!file.writableFinished) {
      const finished = once(file, 'finish');
      file.end();
      await finished;
    }
    return result;
  } catch (e) {
    file.destroy();
    throw e;
  }
}

/** Writes one table in the chosen format: aligned text, CSV, JSON (array of objects) or XLSX. */
export async function writeTabular(
  format: OutputFormat,
  out: NodeJS.WritableStream,
  sheet: {
    name: string;
    columns: readonly TabularColumn[];
    rows: readonly (readonly string[])[];
    footer?: readonly (readonly string[])[];
  },
): Promise<void> {
  switch (format) {
    case 'table': {
      const cols = sheet.columns.map((c) => ({
        name: c.name,
        align: c.align ?? (c.type === 'amount' ? 'right' : 'left'),
      }));
      const footer = sheet.footer ?? [];
      // One totals row goes under a rule; several (one per currency) follow the rows.
      const text =
        footer.length === 1 && footer[0]
          ? formatTextTable(cols, sheet.rows, { footer: footer[0] })
          : formatTextTable(cols, [...sheet.rows, ...footer]);
      out.write(text);
      return;
    }
    case 'csv':
      await writeCsv(
        sheet.columns.map((c) => c.name),
        [...sheet.rows, ...(sheet.footer ?? [])],
        out,
      );
      return;
    case 'json': {
      const objects = [...sheet.rows, ...(sheet.footer ?? [])].map((r) =>
        Object.fromEntries(sheet.columns.map((c, i) => [c.name, r[i] ?? ''])),
      );
      out.write(`${JSON.stringify(objects, null, 2)}\n`);
      return;
    }
    case 'xlsx':
      await writeXlsx(out, [
        {
          name: sheet.name,
          columns: sheet.columns.map((c) => ({ name: c.name, type: c.type ?? 'text' })),
          rows: [...sheet.rows, ...(sheet.footer ?? [])],
        },
      ]);
      return;
  }
}
