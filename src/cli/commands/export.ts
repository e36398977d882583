import { AppError } from '../../core/errors.ts';
import {
  APPLICATION_EXPORT_COLUMNS,
  type ApplicationExportRow,
  EXPORT_STATUSES,
  exportApplications,
} from '../../modules/reporting/index.ts';
import { writeCsv, writeXlsx } from '../../modules/tabular/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, withOutput } from '../output.ts';
import { openContext } from '../runtime.ts';
import { parseDateOption } from './report.ts';

export const exportApplicationsCommand: Command = {
  words: ['export', 'applications'],
  usage:
    'arbor export applications [--format csv|json|xlsx] [--include-suggestions] [--since DATE] [--status S,...] [--output FILE]',
  summary: 'one row per allocation of every receipt (INTERCHANGE.md §3)',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        format: { type: 'string' },
        'include-suggestions': { type: 'boolean' },
        since: { type: 'string' },
        status: { type: 'string' },
        output: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['csv', 'json', 'xlsx'], 'csv');
    const since = parseDateOption('since', values.since);
    const statuses =
      typeof values.status === 'string'
        ? values.status
            .split(',')
            .map((s) => s.trim().toLowerCase())
            .filter((s) => s !== '')
        : [];
    const unknown = statuses.find((s) => !(EXPORT_STATUSES as readonly string[]).includes(s));
    if (unknown) {
      throw new AppError(
        'cli.invalid_arguments',
        'invalid',
        `--status "${unknown}" is not one of ${EXPORT_STATUSES.join(', ')}`,
      );
    }
    const { ctx, close } = await openContext(global, input.io);
    try {
      const rows = exportApplications(ctx, {
        ...(since ? { since } : {}),
        statuses,
        includeSuggestions: values['include-suggestions'] === true,
      });
      const cells = async function* () {
        for await (const r of rows) yield APPLICATION_EXPORT_COLUMNS.map((c) => r[c]);
      };
      await withOutput(
        input.io.stdout,
        values.output as string | undefined,
        format === 'xlsx',
        async (out) => {
          if (format === 'csv') {
            await writeCsv(APPLICATION_EXPORT_COLUMNS, cells(), out);
          } else if (format === 'xlsx') {
            await writeXlsx(out, [
              {
                name: 'applications',
                columns: APPLICATION_EXPORT_COLUMNS.map((name) => ({
                  name,
                  type:
                    name === 'receipt_amount' || name === 'amount'
                      ? 'amount'
                      : name === 'receipt_date'
                        ? 'date'
                        : 'text',
                })),
                rows: cells(),
              },
            ]);
          } else {
            await writeJsonArray(out, rows);
          }
        },
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

/** Streams a JSON array of row objects without holding the export in memory. */
async function writeJsonArray(
  out: NodeJS.WritableStream,
  rows: AsyncIterable<ApplicationExportRow>,
): Promise<void> {
  let first = true;
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => {
      out.write(s, (e) => (e ? reject(e) : resolve()));
    });
  await write('[');
  for await (const r of rows) {
    await write(`${first ? '\n' : ',\n'}  ${JSON.stringify(r)}`);
    first = false;
  }
  await write(first ? ']\n' : '\n]\n');
}
