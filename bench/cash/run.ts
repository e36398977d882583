/**
 * `npm run bench:cash`: the synthetic cash-application benchmark (issue 4, item 7).
 *
 *   npm run bench:cash -- [--seeds 101,102] [--tune-seeds 1,2,3] [--receipts 2000] [--customers 1000]
 *     [--open-items 20000] [--format camt|bai2|csv] [--engine pglite|postgres] [--pg-url URL]
 *     [--mix scenario=share,...] [--as-of DATE] [--keep] [--write] [--out FILE]
 *
 * For each seed: generate the data (bench/cash/generate.ts) into a temporary directory, create a
 * fresh database (a PGlite directory; with `--engine postgres` a database `arbor_bench_cash` on the
 * server, dropped afterwards), load everything through the `arbor` command line run in-process
 * (INTERCHANGE.md §1: init, import customers, parties, invoices, history, bank, remittance), time
 * `arbor cash apply --as-of`, export the applications with suggestions, and score the export against
 * the truth (bench/cash/score.ts).
 *
 * Honesty: tuning seeds (`--tune-seeds`) are scored and printed apart, marked as tuning; the confidence
 * threshold for "auto-applied at a precision of at least 99.5 %" is chosen on them and only applied to
 * the report seeds (`--seeds`), whose figures are the ones reported. `--write` replaces the section
 * between `<!-- bench:cash:begin -->` and `<!-- bench:cash:end -->` of docs/benchmarks.md (appending
 * it when absent) with the command, seeds, data sizes, machine and figures.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { main } from '../../src/cli/main.ts';
import { formatMoneyForDisplay } from '../../src/core/money.ts';
import { processorsText } from '../machine.ts';
import {
  BANK_FORMATS,
  type BankFormat,
  type CashBenchParams,
  CURRENCY,
  generateCashBench,
  resolveParams,
  SCENARIOS,
  type Scenario,
  type TruthReceipt,
  writeCashBench,
} from './generate.ts';
import {
  combine,
  type Evaluation,
  type ExportRow,
  evaluate,
  type Share,
  type Summary,
  summarize,
  thresholdForPrecision,
  type ValueShare,
} from './score.ts';

const root = resolve(import.meta.dirname, '..', '..');
/** Each run writes one named section of docs/benchmarks.md (`--section`, default `cash`). */
const begin = (section: string) => `<!-- bench:${section}:begin -->`;
const end = (section: string) => `<!-- bench:${section}:end -->`;
const PRECISION_TARGET = 0.995;

interface Options {
  seeds: number[];
  tuneSeeds: number[];
  receipts: number;
  customers: number;
  openItems: number;
  format: BankFormat;
  engine: 'pglite' | 'postgres';
  pgUrl: string;
  mix: Partial<Record<Scenario, number>> | undefined;
  asOf: string | undefined;
  keep: boolean;
  write: boolean;
  out: string;
  section: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string', default: '101,102' },
      'tune-seeds': { type: 'string', default: '1,2,3' },
      receipts: { type: 'string', default: '2000' },
      customers: { type: 'string', default: '1000' },
      'open-items': { type: 'string', default: '20000' },
      format: { type: 'string', default: 'camt' },
      engine: { type: 'string', default: 'pglite' },
      'pg-url': {
        type: 'string',
        default: process.env.ARBOR_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      },
      mix: { type: 'string' },
      'as-of': { type: 'string' },
      keep: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
      section: { type: 'string', default: 'cash' },
      out: { type: 'string', default: join(root, 'docs', 'benchmarks.md') },
    },
  });
  const problems: string[] = [];
  const list = (name: string, text: string) => {
    const parts = text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const seeds = parts.map(Number);
    if (seeds.some((s) => !Number.isSafeInteger(s) || s < 0))
      problems.push(`--${name} must be a list of whole numbers, not "${text}"`);
    return seeds;
  };
  const count = (name: string, text: string) => {
    const n = Number(text.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < 0) problems.push(`--${name} must be a whole number, not "${text}"`);
    return n;
  };
  const seeds = list('seeds', values.seeds as string);
  const tuneSeeds = list('tune-seeds', values['tune-seeds'] as string);
  const overlap = seeds.filter((s) => tuneSeeds.includes(s));
  if (overlap.length > 0) problems.push(`seeds ${overlap.join(', ')} are both tuning and report seeds`);
  if (seeds.length === 0) problems.push('--seeds: give at least one report seed');
  const format = values.format as string;
  if (!(BANK_FORMATS as readonly string[]).includes(format))
    problems.push(`--format must be one of ${BANK_FORMATS.join(', ')}, not "${format}"`);
  const engine = values.engine as string;
  if (engine !== 'pglite' && engine !== 'postgres')
    problems.push(`--engine must be pglite or postgres, not "${engine}"`);
  let mix: Partial<Record<Scenario, number>> | undefined;
  if (typeof values.mix === 'string') {
    mix = {};
    for (const part of values.mix.split(',')) {
      const [name, value] = part.split('=').map((s) => s.trim());
      if (!name || !(SCENARIOS as readonly string[]).includes(name) || value === undefined) {
        problems.push(`--mix: "${part}" is not scenario=share (scenarios: ${SCENARIOS.join(', ')})`);
        continue;
      }
      mix[name as Scenario] = Number(value);
    }
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`bench:cash: ${p}`);
    process.exit(2);
  }
  return {
    seeds,
    tuneSeeds,
    receipts: count('receipts', values.receipts as string),
    customers: count('customers', values.customers as string),
    openItems: count('open-items', values['open-items'] as string),
    format: format as BankFormat,
    engine: engine as 'pglite' | 'postgres',
    pgUrl: values['pg-url'] as string,
    mix,
    asOf: values['as-of'],
    keep: values.keep === true,
    write: values.write === true,
    out: values.out as string,
    section: values.section as string,
  };
}

interface Step {
  name: string;
  code: number;
  seconds: number;
  stdout: string;
  stderr: string;
}

interface SeedResult {
  seed: number;
  params: CashBenchParams;
  sizes: Record<string, number>;
  steps: Step[];
  evaluation: Evaluation;
  engineAvailable: boolean;
  engineMessage: string | null;
  applySeconds: number | null;
  remittanceNote: string | null;
  generateSeconds: number;
}

function captured(): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d) => {
    // Keep the start and the end of long output (progress bars, many issues).
    text += String(d);
    if (text.length > 200_000) text = `${text.slice(0, 100_000)}\n…\n${text.slice(-100_000)}`;
  });
  return { stream: s as unknown as NodeJS.WriteStream, text: () => text };
}

/** Runs `arbor --db TARGET ARGS` in-process; stdout to a file when `stdoutFile` is given. */
async function arbor(
  target: string,
  env: Record<string, string>,
  args: string[],
  stdoutFile?: string,
): Promise<Step> {
  const err = captured();
  const out = stdoutFile ? null : captured();
  const file = stdoutFile ? createWriteStream(stdoutFile) : null;
  const started = performance.now();
  const code = await main(['--db', target, ...args], {
    stdout: (file ?? out?.stream) as unknown as NodeJS.WriteStream,
    stderr: err.stream,
    env: { ...process.env, ...env },
  });
  const seconds = (performance.now() - started) / 1000;
  if (file) {
    file.end();
    await once(file, 'finish');
  }
  return { name: args.slice(0, 2).join(' '), code, seconds, stdout: out?.text() ?? '', stderr: err.text() };
}

function firstLines(text: string, n = 6, separator = '\n    '): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, n)
    .join(separator);
}

async function createPostgresDatabase(url: string): Promise<{ target: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('drop database if exists arbor_bench_cash with (force)');
  await admin.query('create database arbor_bench_cash');
  await admin.end();
  const u = new URL(url);
  u.pathname = '/arbor_bench_cash';
  return {
    target: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query('drop database if exists arbor_bench_cash with (force)');
      await a.end();
    },
  };
}

async function runSeed(o: Options, seed: number, workDir: string): Promise<SeedResult> {
  const params = resolveParams({
    seed,
    receipts: o.receipts,
    customers: o.customers,
    openItems: o.openItems,
    ...(o.asOf ? { asOf: o.asOf as CashBenchParams['asOf'] } : {}),
    ...(o.mix ? { mix: o.mix } : {}),
  });
  const dir = join(workDir, `seed-${seed}`);
  console.error(`[seed ${seed}] generating ${params.receipts.toLocaleString('en-US')} receipts…`);
  const g0 = performance.now();
  let truth: readonly TruthReceipt[];
  let sizes: Record<string, number>;
  let files: Awaited<ReturnType<typeof writeCashBench>>;
  let periodStart: string;
  {
    const data = generateCashBench(params);
    files = await writeCashBench(dir, data, o.format);
    truth = data.truth;
    periodStart = data.periodStart;
    sizes = JSON.parse(await readFile(files.manifest, 'utf8')).sizes;
  }
  const generateSeconds = (performance.now() - g0) / 1000;

  let target: string;
  let drop: (() => Promise<void>) | null = null;
  if (o.engine === 'postgres') {
    const db = await createPostgresDatabase(o.pgUrl);
    target = db.target;
    drop = db.drop;
  } else {
    target = join(dir, 'db');
  }
  const env = { ARBOR_TODAY: params.asOf, ARBOR_USER: 'bench-cash' };
  const steps: Step[] = [];
  const must = async (args: string[]) => {
    console.error(`[seed ${seed}] arbor ${args.join(' ').replace(dir, '…')}`);
    const step = await arbor(target, env, args);
    steps.push(step);
    if (step.code !== 0)
      throw new Error(`arbor ${args.join(' ')} exited ${step.code}:\n    ${firstLines(step.stderr, 12)}`);
    return step;
  };
  try {
    await must(['init']);
    await must(['import', 'customers', files.customers]);
    await must(['import', 'parties', files.parties]);
    await must(['import', 'invoices', files.invoices]);
    await must(['import', 'history', files.history]);
    await must(['import', 'bank', files.bank, ...(files.mapping ? ['--mapping', files.mapping] : [])]);

    let remittanceNote: string | null = null;
    for (const file of [files.remittance, files.remittanceSeparate]) {
      if (file === null) continue;
      console.error(`[seed ${seed}] arbor import remittance ${file.replace(dir, '…')}`);
      const step = await arbor(target, env, ['import', 'remittance', file]);
      steps.push(step);
      if (step.code !== 0) {
        remittanceNote = /unknown command/.test(step.stderr)
          ? '`arbor import remittance` does not exist yet: the remittance advices were not imported'
          : `arbor import remittance ${basename(file)} failed (exit ${step.code}): ${firstLines(step.stderr, 2, ' ')}`;
        console.error(`[seed ${seed}] ${remittanceNote}`);
      }
    }

    console.error(`[seed ${seed}] arbor cash apply --as-of ${params.asOf}`);
    const apply = await arbor(target, env, ['cash', 'apply', '--as-of', params.asOf]);
    steps.push(apply);
    let engineAvailable = true;
    let engineMessage: string | null = null;
    if (apply.code !== 0) {
      engineAvailable = false;
      engineMessage = /unknown command/.test(apply.stderr)
        ? '`arbor cash apply` does not exist yet (arbor: unknown command "cash apply"): the export holds history and unapplied receipts only'
        : `arbor cash apply failed (exit ${apply.code}): ${firstLines(apply.stderr, 3, ' ')}`;
      console.error(`[seed ${seed}] ${engineMessage}`);
    } else {
      console.error(`[seed ${seed}] ${firstLines(apply.stdout, 2)}`);
    }

    const exportFile = join(dir, 'applications.json');
    console.error(`[seed ${seed}] arbor export applications --format json --include-suggestions`);
    const exp = await arbor(
      target,
      env,
      ['export', 'applications', '--format', 'json', '--include-suggestions', '--since', periodStart],
      exportFile,
    );
    steps.push(exp);
    if (exp.code !== 0)
      throw new Error(`arbor export applications exited ${exp.code}: ${firstLines(exp.stderr)}`);
    const rows = JSON.parse(await readFile(exportFile, 'utf8')) as ExportRow[];
    const evaluation = evaluate(truth, rows);
    return {
      seed,
      params,
      sizes,
      steps,
      evaluation,
      engineAvailable,
      engineMessage,
      applySeconds: engineAvailable ? apply.seconds : null,
      remittanceNote,
      generateSeconds,
    };
  } finally {
    if (drop) await drop();
  }
}

// ---- report ----

const pct = (r: number | null, digits = 1) => (r === null ? 'n/a' : `${(r * 100).toFixed(digits)} %`);
const int = (n: number) => n.toLocaleString('en-US');
const money = (v: bigint) => formatMoneyForDisplay(v, CURRENCY);
const cnt = (s: Share, digits = 1) => `${pct(s.rate, digits)} (${int(s.count)} / ${int(s.of)})`;
const val = (s: ValueShare, digits = 1) => pct(s.rate, digits);
const met = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'yes' : '**no**');

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function summaryTable(
  s: Summary,
  atThreshold: Summary | null,
  throughput: string,
  /** Whether the run is the throughput target's configuration, and if so whether it was met. */
  speed: { applies: boolean; met: boolean | null },
): string {
  const autoOk = s.autoByCount.rate === null ? null : s.autoByCount.rate >= 0.9;
  const precOk = s.precisionByCount.rate === null ? null : s.precisionByCount.rate >= PRECISION_TARGET;
  const refOk = s.exactReference.auto.rate === null ? null : s.exactReference.auto.rate >= 0.999;
  const rows: string[][] = [
    ['receipts applied automatically', cnt(s.autoByCount), val(s.autoByValue), '≥ 90 %', met(autoOk)],
    [
      'auto-applied receipts exactly right (precision)',
      cnt(s.precisionByCount, 2),
      val(s.precisionByValue, 2),
      '≥ 99.5 %',
      met(precOk),
    ],
  ];
  if (atThreshold)
    rows.push([
      `auto-applied at ≥ 99.5 % precision (confidence ≥ ${atThreshold.threshold}, chosen on the tuning seeds)`,
      `${cnt(atThreshold.autoByCount)}, precision ${pct(atThreshold.precisionByCount.rate, 2)}`,
      `${val(atThreshold.autoByValue)}, precision ${val(atThreshold.precisionByValue, 2)}`,
      '',
      '',
    ]);
  rows.push(
    [
      'exact-reference receipts applied automatically',
      cnt(s.exactReference.auto, 2),
      '',
      '≥ 99.9 %',
      met(refOk),
    ],
    ['exact-reference auto-applied exactly right', cnt(s.exactReference.precision, 2), '', '', ''],
    [
      '(receipt, document, amount) precision',
      cnt(s.triplePrecision.byCount, 2),
      val(s.triplePrecision.byValue, 2),
      '',
      '',
    ],
    [
      '(receipt, document, amount) recall',
      cnt(s.tripleRecall.byCount, 2),
      val(s.tripleRecall.byValue, 2),
      '',
      '',
    ],
    ['suggestion hit rate (rank 1, receipts not auto-applied)', cnt(s.suggestionHits), '', '', ''],
    ['receipts exactly right, all', cnt(s.exactByCount), val(s.exactByValue), '', ''],
    ['non-AR receipts left unapplied', cnt(s.nonArLeftAlone), '', '', ''],
    ['reason codes right (exact receipts with a reason)', cnt(s.reasonCodes), '', '', ''],
    [
      '`arbor cash apply` throughput',
      throughput,
      '',
      speed.applies
        ? '100,000 receipts / 1M open items ≤ 60 s (PostgreSQL)'
        : 'the target is for 100,000 receipts / 1M open items on PostgreSQL',
      speed.applies ? met(speed.met) : '',
    ],
  );
  return table(['measure', 'by count', 'by value', 'target', 'met'], rows);
}

function scenarioTable(s: Summary): string {
  return table(
    ['scenario', 'receipts', 'value', 'auto', 'auto exactly right', 'exactly right', 'suggestion hits'],
    s.scenarios.map((x) => [
      x.scenario,
      int(x.receipts),
      money(x.value),
      pct(x.auto.rate),
      x.precision.of === 0 ? 'n/a' : `${pct(x.precision.rate)} (${x.precision.count}/${x.precision.of})`,
      pct(x.exact.rate),
      x.suggestionHits.of === 0 ? 'n/a' : pct(x.suggestionHits.rate),
    ]),
  );
}

function throughputOf(results: readonly SeedResult[]): string {
  const applied = results.filter((r) => r.applySeconds !== null);
  if (applied.length === 0) return 'n/a (no engine)';
  const receipts = applied.reduce((a, r) => a + r.params.receipts, 0);
  const seconds = applied.reduce((a, r) => a + (r.applySeconds ?? 0), 0);
  const worst = Math.max(...applied.map((r) => r.applySeconds ?? 0));
  return `${int(Math.round(receipts / seconds))} receipts/s (${applied.map((r) => `${(r.applySeconds ?? 0).toFixed(1)} s`).join(', ')}; slowest ${worst.toFixed(1)} s)`;
}

function sizesLine(r: SeedResult): string {
  const s = r.sizes;
  return `${int(s.customers ?? 0)} customers, ${int(s.partyRelationships ?? 0)} third-party relationships, ${int(s.openItems ?? 0)} open items (${int(s.documents ?? 0)} invoices and credit memos in all), ${int(s.historyReceipts ?? 0)} history receipts, ${int(s.receipts ?? 0)} receipts in the period (+ ${int(s.bankDebits ?? 0)} bank debits), ${int((s.advicesWithPayment ?? 0) + (s.advicesSeparate ?? 0))} remittance advices (${int(s.advicesSeparate ?? 0)} arriving separately)`;
}

async function machine(o: Options): Promise<string> {
  let engine = 'PGlite 0.5 (embedded, data directory on local disk)';
  if (o.engine === 'postgres') {
    try {
      const c = new pg.Client({ connectionString: o.pgUrl });
      await c.connect();
      const v = await c.query<{ server_version: string }>('show server_version');
      await c.end();
      engine = `PostgreSQL ${v.rows[0]?.server_version ?? '?'} (server defaults)`;
    } catch {
      engine = 'PostgreSQL (version unknown)';
    }
  }
  return `${processorsText()}, ${Math.round(totalmem() / 2 ** 30)} GB; Node ${process.version}; ${engine}`;
}

async function writeSection(file: string, name: string, section: string): Promise<void> {
  const BEGIN = begin(name);
  const END = end(name);
  const block = `${BEGIN}\n${section.trim()}\n${END}`;
  let text = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n';
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a >= 0 && b > a) text = `${text.slice(0, a)}${block}${text.slice(b + END.length)}`;
  else text = `${text.replace(/\s*$/, '')}\n\n${block}\n`;
  await writeFile(file, text);
}

async function run(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const workDir = await mkdtemp(join(tmpdir(), 'arbor-bench-cash-'));
  console.error(`bench:cash: working in ${workDir}`);
  const tuning: SeedResult[] = [];
  const report: SeedResult[] = [];
  try {
    for (const seed of o.tuneSeeds) tuning.push(await runSeed(o, seed, workDir));
    for (const seed of o.seeds) report.push(await runSeed(o, seed, workDir));
  } catch (e) {
    console.error(`bench:cash: ${(e as Error).message}`);
    if (/no parser for|unknown_format/.test((e as Error).message))
      console.error(
        `bench:cash: the ${o.format} parser is not available yet; try --format csv (a bank CSV export)`,
      );
    console.error(`bench:cash: the generated files are kept in ${workDir}`);
    return 1;
  }

  const shown = process.argv.slice(2).map((x) => (x === '' || /[\s'"]/.test(x) ? `'${x}'` : x));
  const command = `npm run bench:cash${shown.length > 0 ? ` -- ${shown.join(' ')}` : ''}`;
  const tuneEval = tuning.length > 0 ? combine(tuning.map((r) => r.evaluation)) : null;
  const threshold = tuneEval ? thresholdForPrecision(tuneEval.receipts, PRECISION_TARGET) : null;
  const reportEval = combine(report.map((r) => r.evaluation));
  const reportSummary = summarize(reportEval);
  const atThreshold = threshold === null ? null : summarize(reportEval, { threshold });
  const timed = report.filter((r) => r.applySeconds !== null);
  const speed = {
    applies: o.engine === 'postgres' && o.receipts >= 100_000 && o.openItems >= 1_000_000,
    met: timed.length === 0 ? null : timed.every((r) => (r.applySeconds as number) <= 60),
  };
  const first = report[0] as SeedResult;
  const engineNotes = [
    ...new Set([...tuning, ...report].flatMap((r) => (r.engineMessage ? [r.engineMessage] : []))),
  ];
  const remittanceNotes = [
    ...new Set([...tuning, ...report].flatMap((r) => (r.remittanceNote ? [r.remittanceNote] : []))),
  ];

  const lines: string[] = [];
  lines.push(
    `## Cash application (\`npm run bench:cash\`${o.section === 'cash' ? '' : `, section ${o.section}`})`,
    '',
  );
  lines.push(
    'Written by `npm run bench:cash` (bench/cash/run.ts); every figure below is what that command measured on synthetic data (bench/cash/generate.ts, scenarios in bench/cash/README.md), scored by bench/cash/score.ts against the generator’s ground truth.',
    '',
  );
  lines.push(`- command: \`${command}\``);
  lines.push(
    `- report seeds: ${o.seeds.join(', ')}; tuning seeds: ${o.tuneSeeds.length > 0 ? o.tuneSeeds.join(', ') : 'none'} (scored apart; the confidence threshold is chosen on them)`,
  );
  lines.push(
    `- data per seed: ${sizesLine(first)}; bank file ${o.format === 'camt' ? 'camt.053.001.02' : o.format === 'bai2' ? 'BAI2' : 'bank CSV export'}; period ${first.params.asOf} and the ${first.params.periodDays} days before`,
  );
  lines.push(`- machine: ${await machine(o)}`);
  lines.push(`- run on: ${new Date().toISOString()}`);
  for (const n of [...engineNotes, ...remittanceNotes]) lines.push(`- **note**: ${n}`);
  if (reportSummary.missing > 0 || reportSummary.unknownReceipts > 0)
    lines.push(
      `- **warning**: ${reportSummary.missing} receipt(s) of the truth are missing from the export and ${reportSummary.unknownReceipts} exported receipt(s) are not in the truth: references do not line up`,
    );
  lines.push('');
  lines.push(
    `### Report seeds (${o.seeds.join(', ')}): ${int(reportSummary.receipts)} receipts, ${money(reportSummary.value)} ${CURRENCY}`,
    '',
  );
  lines.push(summaryTable(reportSummary, atThreshold, throughputOf(report), speed), '');
  lines.push('Per scenario (report seeds):', '', scenarioTable(reportSummary), '');
  if (tuneEval) {
    const tuneSummary = summarize(tuneEval);
    lines.push(
      `### Tuning seeds (${o.tuneSeeds.join(', ')}) — for tuning only, not the reported figures`,
      '',
      `${int(tuneSummary.receipts)} receipts; auto-applied ${cnt(tuneSummary.autoByCount)}, precision ${cnt(tuneSummary.precisionByCount, 2)}; exact-reference auto ${cnt(tuneSummary.exactReference.auto, 2)}; confidence threshold for ≥ 99.5 % precision: ${threshold ?? 'none reaches it'}.`,
      '',
      scenarioTable(tuneSummary),
      '',
    );
  }
  lines.push(
    'Timings per seed (s): ' +
      [...tuning, ...report]
        .map(
          (r) =>
            `seed ${r.seed}: generate ${r.generateSeconds.toFixed(1)}, ${r.steps.map((s) => `${s.name} ${s.seconds.toFixed(1)}`).join(', ')}`,
        )
        .join('; '),
  );
  const section = lines.join('\n');
  console.log(section);
  if (o.write) {
    await writeSection(o.out, o.section, section);
    console.error(`bench:cash: wrote the section to ${o.out}`);
  }
  if (o.keep) console.error(`bench:cash: files kept in ${workDir}`);
  else await rm(workDir, { recursive: true, force: true });
  return 0;
}

process.exitCode = await run();
