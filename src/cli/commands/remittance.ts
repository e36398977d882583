import { AppError } from '../../core/errors.ts';
import { importRemittanceFile, type LinkWindow } from '../../modules/remittances/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openContext } from '../runtime.ts';

/** `--link-window 7,10`: days before and after the payment date a receipt may be dated. */
function parseWindow(text: string): LinkWindow {
  const m = /^(\d{1,3}),(\d{1,3})$/.exec(text.trim());
  if (!m) {
    throw new AppError(
      'cli.invalid_arguments',
      'invalid',
      `--link-window ${text}: give the days before and after the payment date, such as 7,10`,
    );
  }
  return { daysBefore: Number(m[1]), daysAfter: Number(m[2]) };
}

export const importRemittanceCommand: Command = {
  words: ['import', 'remittance'],
  usage: 'arbor [--db TARGET] import remittance FILE (X12 820, .csv or .xlsx) [--link-window BEFORE,AFTER]',
  summary: 'import remittance advices (X12 820, CSV) and link them to the receipts they explain',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { 'link-window': { type: 'string' } },
      { min: 1, max: 1 },
    );
    const windowText = values['link-window'] as string | undefined;
    const window = windowText === undefined ? undefined : parseWindow(windowText);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const started = performance.now();
      const r = await importRemittanceFile(ctx, positionals[0] as string, window ? { window } : {});
      const seconds = (performance.now() - started) / 1000;
      input.io.stdout.write(
        `imported ${r.file} (${r.format}) in ${seconds.toFixed(1)} s (${r.importId}): ${r.advices} advice(s), ${r.lines} line(s)\n`,
      );
      input.io.stdout.write(
        `  linked to their receipt: ${r.linked}; unlinked (money not in yet, or several receipts fit): ${r.unlinked}\n`,
      );
      for (const w of r.warnings)
        input.io.stderr.write(`${r.file}${w.line === null ? '' : `:${w.line}`}: warning: ${w.message}\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};
