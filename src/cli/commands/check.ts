import { checkLedger } from '../../modules/integrity/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat } from '../output.ts';
import { openContext } from '../runtime.ts';

export const checkCommand: Command = {
  words: ['check'],
  usage: 'arbor [--db TARGET] check [--format table|json]',
  summary: 'verify every ledger invariant; exit 0 only if all hold, else 5 and name each failure',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json'], 'table');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const started = performance.now();
      const results = await checkLedger(ctx);
      const seconds = (performance.now() - started) / 1000;
      const failed = results.filter((r) => !r.ok);
      const out = input.io.stdout;
      if (format === 'json') {
        out.write(
          `${JSON.stringify(
            {
              ok: failed.length === 0,
              seconds: Number(seconds.toFixed(3)),
              checks: results.map((r) => ({
                name: r.name,
                description: r.description,
                ok: r.ok,
                examined: r.examined,
                failure_count: r.failureCount,
                failures: r.failures,
              })),
            },
            null,
            2,
          )}\n`,
        );
      } else {
        for (const r of results) {
          out.write(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.description} (${r.examined})\n`);
          for (const f of r.failures) out.write(`        ${f}\n`);
          if (r.failureCount > r.failures.length)
            out.write(`        … and ${r.failureCount - r.failures.length} more\n`);
        }
        out.write(
          failed.length === 0
            ? `all ${results.length} checks passed in ${seconds.toFixed(2)} s\n`
            : `${failed.length} of ${results.length} checks FAILED: ${failed.map((f) => f.name).join(', ')}\n`,
        );
      }
      return failed.length === 0 ? EXIT.ok : EXIT.checkFailed;
    } finally {
      await close();
    }
  },
};
