import type { CurrencyCode } from '../../core/currency.ts';
import { AppError } from '../../core/errors.ts';
import { isLocalDate, type LocalDate } from '../../core/local-date.ts';
import { formatAmount } from '../../core/money.ts';
import { runCashApplication } from '../../modules/cash-application/index.ts';
import { createProgressBar } from '../../modules/tabular/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openContext } from '../runtime.ts';

export const cashApplyCommand: Command = {
  words: ['cash', 'apply'],
  usage: 'arbor [--db TARGET] cash apply [--as-of DATE] [--precision-floor P]',
  summary: 'automatic cash application over every receipt with money unapplied (spec section 6)',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { 'as-of': { type: 'string' }, 'precision-floor': { type: 'string' } },
      { min: 0, max: 0 },
    );
    const asOf = values['as-of'] as string | undefined;
    if (asOf !== undefined && !isLocalDate(asOf))
      throw new AppError('cli.invalid_arguments', 'invalid', `--as-of ${asOf}: not a date (YYYY-MM-DD)`);
    const floorText = values['precision-floor'] as string | undefined;
    const floor = floorText === undefined ? undefined : Number(floorText);
    if (floor !== undefined && !(floor > 0 && floor <= 1))
      throw new AppError(
        'cli.invalid_arguments',
        'invalid',
        `--precision-floor ${floorText}: a probability in (0, 1]`,
      );
    const { ctx, close } = await openContext(global, input.io);
    const bar = createProgressBar({ label: 'cash apply', total: null, unit: 'rows' });
    try {
      const r = await runCashApplication(ctx, {
        ...(asOf === undefined ? {} : { asOf: asOf as LocalDate }),
        ...(floor === undefined ? {} : { precisionFloor: floor }),
        onProgress: (done) => bar.update(done),
      });
      bar.finish();
      const amounts = Object.entries(r.appliedAmounts)
        .map(([c, v]) => `${formatAmount(v, c as CurrencyCode)} ${c}`)
        .join(', ');
      input.io.stdout.write(
        `cash apply as of ${r.asOf} (${r.engineVersion}, run ${r.runId}) in ${r.seconds.toFixed(1)} s: ${r.receipts} receipt(s) with money unapplied; ${r.applied} applied automatically${amounts ? ` (${amounts})` : ''}, ${r.suggested} with suggestions, ${r.left} left unapplied\n`,
      );
      input.io.stderr.write(
        `cash apply: read ${r.phases.load.toFixed(1)} s, decide ${r.phases.decide.toFixed(1)} s, write ${r.phases.write.toFixed(1)} s\n`,
      );
      return EXIT.ok;
    } finally {
      bar.finish();
      await close();
    }
  },
};
