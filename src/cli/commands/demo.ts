import type { CurrencyCode } from '../../core/currency.ts';
import { AppError } from '../../core/errors.ts';
import { formatMoneyForDisplay, parseAmount } from '../../core/money.ts';
import { DEMO_DEFAULTS, loadDemo } from '../../modules/demo/index.ts';
import { checkLedger } from '../../modules/integrity/index.ts';
import { buildAgingReport } from '../../modules/reporting/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openContext } from '../runtime.ts';

function positiveInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new AppError(
      'cli.invalid_arguments',
      'invalid',
      `--${name} must be a positive whole number, not "${String(value)}"`,
    );
  }
  return n;
}

export const demoCommand: Command = {
  words: ['demo'],
  usage: 'arbor [--db TARGET] demo [--customers N] [--months N] [--seed N]',
  summary: 'create a realistic pharmacy-benefits demo portfolio with 18 months of history',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { customers: { type: 'string' }, months: { type: 'string' }, seed: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const customers = positiveInt('customers', values.customers, DEMO_DEFAULTS.customers);
    const months = positiveInt('months', values.months, DEMO_DEFAULTS.months);
    const seed = positiveInt('seed', values.seed, 42);
    const { ctx, close } = await openContext(global, input.io);
    const out = input.io.stdout;
    try {
      const result = await loadDemo(ctx, {
        seed,
        customers,
        months,
        onStep: (step, rows) =>
          input.io.stderr.write(`loading ${step} (${rows.toLocaleString('en-US')} rows)… `),
        onStepDone: (_step, seconds) => input.io.stderr.write(`${seconds.toFixed(1)} s\n`),
      });
      const s = result.stats;
      if (result.alreadyLoaded) out.write(`the demo portfolio is already loaded in ${ctx.database.target}\n`);
      else
        out.write(
          `loaded the demo portfolio into ${ctx.database.target} in ${result.seconds.toFixed(1)} s\n`,
        );
      out.write(
        `${[
          `  as of ${s.today}: ${s.firstIssueDate} to ${s.lastIssueDate} (${months} months, seed ${seed})`,
          `  customers   ${s.customers.toLocaleString('en-US')} employer groups and members (${s.parents} parents, ${s.children} in corporate families, ${s.consumers} consumer accounts)`,
          `  parties     ${Object.entries(s.parties)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ')}; ${s.partyRelationships.toLocaleString('en-US')} relationships`,
          `  documents   ${s.invoices.toLocaleString('en-US')} invoices, ${s.creditMemos.toLocaleString('en-US')} credit memos, ${s.debitMemos} debit memos`,
          `  receipts    ${s.receipts.toLocaleString('en-US')} (${s.historyRows.toLocaleString('en-US')} application rows)`,
        ].join('\n')}\n`,
      );
      for (const [currency, c] of Object.entries(s.byCurrency)) {
        const m = (v: string) =>
          formatMoneyForDisplay(parseAmount(v, currency as CurrencyCode), currency as CurrencyCode);
        out.write(`  ${currency}         billed ${m(c.billed)}, received ${m(c.received)}\n`);
      }
      const aging = await buildAgingReport(ctx);
      for (const t of aging.totals.values()) {
        const m = (v: bigint) => formatMoneyForDisplay(v, t.currency);
        out.write(
          `  open AR     ${t.currency} ${m(t.balance)} over ${t.customers} accounts: ${aging.buckets
            .map((b, i) => `${b.label} ${m(t.buckets[i] ?? 0n)}`)
            .join(', ')}; credits ${m(t.credits)}; unapplied ${m(t.unapplied)}\n`,
        );
      }
      const checks = await checkLedger(ctx);
      const failed = checks.filter((c) => !c.ok);
      out.write(
        failed.length === 0
          ? `  arbor check: all ${checks.length} invariants hold\n`
          : `  arbor check: FAILED ${failed.map((f) => f.name).join(', ')}\n`,
      );
      out.write('next: arbor report aging, arbor report statement ACCOUNT, arbor export applications\n');
      return failed.length === 0 ? EXIT.ok : EXIT.checkFailed;
    } finally {
      await close();
    }
  },
};
