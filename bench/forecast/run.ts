/**
 * `npm run bench:forecast`: backtest of the cash forecast (issue 6, item 8) on the demo portfolio.
 *
 *   npm run bench:forecast -- [--db DIR] [--today 2026-11-30] [--seed 42] [--months 6] [--every 4]
 *                             [--weeks 13] [--write] [--out docs/benchmarks.md]
 *
 * Loads `arbor demo` (2,000 customers, 18 months, seed 42, dated to --today) into DIR unless it is
 * there already, then runs the same backtest as `arbor report forecast-backtest`: at as-of dates every
 * --every weeks over the last --months months, forecast with only what was known then, by the model
 * and by the naive baseline (due date + the customer's average days late), and compare each week with
 * the cash received for the items open then. Weighted absolute error Σ|forecast − actual| / Σ actual.
 * Run twice: the whole open book, and invoices only (deductions left out). With --write the results
 * replace the section between `<!-- bench:forecast:begin -->` and `<!-- bench:forecast:end -->` of
 * docs/benchmarks.md (appended when absent); other sections are left as they are.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fixedClock } from '../../src/core/clock.ts';
import type { ServiceContext } from '../../src/core/context.ts';
import { isLocalDate, type LocalDate } from '../../src/core/local-date.ts';
import { formatMoneyForDisplay } from '../../src/core/money.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { type ForecastBacktest, runForecastBacktest } from '../../src/modules/analytics/index.ts';
import { DEMO_DEFAULTS, loadDemo } from '../../src/modules/demo/index.ts';
import { DEFAULT_TENANT, getTenantId, initTenant } from '../../src/modules/tenancy/index.ts';
import { processorsText } from '../machine.ts';

const root = resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: join(root, '.bench-data', 'forecast', 'demo-db') },
    today: { type: 'string', default: '2026-11-30' },
    seed: { type: 'string', default: '42' },
    months: { type: 'string', default: '6' },
    every: { type: 'string', default: '4' },
    weeks: { type: 'string', default: '13' },
    write: { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'docs', 'benchmarks.md') },
  },
});
const today = values.today as string;
if (!isLocalDate(today)) throw new Error(`--today must be YYYY-MM-DD, not ${today}`);
const TARGET = 0.2;
const SECTION = 'forecast';

const pct = (e: number | null) => (e === null ? '–' : `${(e * 100).toFixed(2)} %`);

function table(b: ForecastBacktest): string[] {
  const lines: string[] = [];
  for (const c of b.currencies) {
    const m = (v: bigint) => formatMoneyForDisplay(v, c.currency);
    lines.push(
      `**${c.currency}** — overall: model ${pct(c.overall.scores.survival.error)}, naive ${pct(c.overall.scores.naive.error)}; ` +
        `the model's error is ${c.improvement === null ? '–' : `${(c.improvement * 100).toFixed(1)} %`} lower ` +
        `(target ≥ 20 %: ${c.improvement !== null && c.improvement >= TARGET ? 'met' : '**missed**'}); cash compared ${m(c.overall.actual)}`,
      '',
      '| week ahead | as-of dates | actual cash | model forecast | model error | naive forecast | naive error |',
      '|---:|---:|---:|---:|---:|---:|---:|',
      ...c.weeks.map(
        (w) =>
          `| ${w.week} | ${w.compared} | ${m(w.actual)} | ${m(w.scores.survival.forecast)} | ${pct(w.scores.survival.error)} | ${m(w.scores.naive.forecast)} | ${pct(w.scores.naive.error)} |`,
      ),
      '',
    );
  }
  return lines;
}

async function run(): Promise<number> {
  const clock = fixedClock(today as LocalDate);
  const database = await openDatabase(values.db as string);
  try {
    await migrateToLatest(database);
    let tenantId: number;
    try {
      tenantId = await getTenantId(database, DEFAULT_TENANT);
    } catch {
      tenantId = (
        await initTenant(database, clock, { slug: DEFAULT_TENANT, currency: 'USD', actor: 'bench' })
      ).tenantId;
    }
    const ctx: ServiceContext = { database, clock, tenantId, actor: 'bench' };
    const demo = await loadDemo(ctx, {
      seed: Number(values.seed),
      customers: DEMO_DEFAULTS.customers,
      months: DEMO_DEFAULTS.months,
      onStep: (step) => console.error(`bench:forecast: loading demo ${step}…`),
    });
    if (!demo.alreadyLoaded) console.error(`bench:forecast: loaded the demo in ${demo.seconds.toFixed(1)} s`);
    const options = {
      to: today as LocalDate,
      months: Number(values.months),
      everyWeeks: Number(values.every),
      weeks: Number(values.weeks),
    };
    const started = performance.now();
    const all = await runForecastBacktest(ctx, { ...options, includeDeductions: true });
    const allSeconds = (performance.now() - started) / 1000;
    const invoicesOnly = await runForecastBacktest(ctx, { ...options, includeDeductions: false });
    const lines = [
      `<!-- bench:${SECTION}:begin -->`,
      '## Cash forecast backtest (`npm run bench:forecast`)',
      '',
      'Written by `npm run bench:forecast` (bench/forecast/run.ts), the same backtest as `arbor report forecast-backtest`; every figure below is what that command measured. Model: per-customer money-weighted Kaplan–Meier curves of days from due date to payment, shrunk towards the paying party’s, the segment’s and everyone’s, conditioned on each item’s age (docs/kpis.md). Naive: due date + the customer’s amount-weighted average days late (overdue → week 1). Error per week ahead: Σ |forecast − actual| / Σ actual over the as-of dates whose week had ended by the end of the history.',
      '',
      `- command: \`npm run bench:forecast -- --today ${today} --seed ${values.seed} --months ${values.months} --every ${values.every} --weeks ${values.weeks}${values.write ? ' --write' : ''}\``,
      `- data: \`arbor demo\` (seed ${values.seed}, ${DEMO_DEFAULTS.customers.toLocaleString('en-US')} customers, ${DEMO_DEFAULTS.months} months to ${today}); history up to each as-of date only`,
      `- as-of dates: ${all.asOfDates.join(', ')} (every ${values.every} weeks over the last ${values.months} months); horizon ${all.weeks} weeks`,
      `- actual: cash received for the items open at the as-of date (applied amounts net of discounts, deductions and fees taken on them), by receipt date`,
      `- machine: ${processorsText()}, ${Math.round(totalmem() / 2 ** 30)} GB; Node ${process.version}; PGlite 0.5 (embedded); backtest of the whole book took ${allSeconds.toFixed(1)} s`,
      `- run on: ${new Date().toISOString()}`,
      '',
      '### The whole open book (invoices, debit memos and deductions)',
      '',
      ...table(all),
      '### Invoices and debit memos only (deductions left out of both forecasts and of the actuals)',
      '',
      ...table(invoicesOnly),
      `<!-- bench:${SECTION}:end -->`,
    ];
    const section = lines.join('\n');
    console.log(section);
    if (values.write) {
      const file = values.out as string;
      const begin = `<!-- bench:${SECTION}:begin -->`;
      const end = `<!-- bench:${SECTION}:end -->`;
      let text = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n';
      const a = text.indexOf(begin);
      const b = text.indexOf(end);
      if (a >= 0 && b > a) text = `${text.slice(0, a)}${section}${text.slice(b + end.length)}`;
      else text = `${text.replace(/\s*$/, '')}\n\n${section}\n`;
      await writeFile(file, text);
      console.error(`bench:forecast: wrote the section to ${file}`);
    }
    const missed = all.currencies.some((c) => c.improvement === null || c.improvement < TARGET);
    return missed ? 1 : 0;
  } finally {
    await database.close();
  }
}

process.exitCode = await run();
