/**
 * `npm run bench`: the foundation's speed targets (issue 3), measured on both engines, written to
 * docs/benchmarks.md with the command, the data size and the machine.
 *
 *   npm run bench -- [--invoices 1000000] [--customers 50000] [--engines pglite,postgres] [--out FILE]
 *                    [--reuse] [--only aging,as-of,check] [--pg-db arbor_bench] [--import-runs 3]
 *
 * `--reuse` keeps the generated files and an already imported database (same sizes) instead of
 * importing again, so a change to a report can be measured in seconds; the import rows are then left
 * out, so pair it with `--out` to keep docs/benchmarks.md whole. A reused database keeps the schema it
 * was imported with: after a new migration, run once without `--reuse`. `--only` picks the workloads.
 *
 * Imports run as the real `arbor` command in a child process (wall time, peak memory from
 * /usr/bin/time), `--import-runs` times into a fresh database each (the median is reported, every run
 * listed: on a shared 2-core machine one import's time moved by a fifth from run to run). Aging and
 * check run in one warm process and report the median of several runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { fixedClock } from '../src/core/clock.ts';
import type { ServiceContext } from '../src/core/context.ts';
import { addMonths, type LocalDate } from '../src/core/local-date.ts';
import { openDatabase } from '../src/db/database.ts';
import { checkLedger } from '../src/modules/integrity/index.ts';
import { buildAgingReport } from '../src/modules/reporting/index.ts';
import { getTenantId } from '../src/modules/tenancy/index.ts';
import { recreateDatabase } from '../test/support/serve-process.ts';
import { writeBenchData } from './generate-data.ts';
import { processorsText } from './machine.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    invoices: { type: 'string', default: '1000000' },
    customers: { type: 'string', default: '50000' },
    engines: { type: 'string', default: 'pglite,postgres' },
    out: { type: 'string', default: join(root, 'docs', 'benchmarks.md') },
    reuse: { type: 'boolean', default: false },
    only: { type: 'string', default: 'aging,as-of,check' },
    'pg-db': { type: 'string', default: 'arbor_bench' },
    'import-runs': { type: 'string', default: '3' },
    'pg-url': {
      type: 'string',
      default: process.env.ARBOR_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const invoices = Number(values.invoices);
const customers = Number(values.customers);
const TODAY = '2026-11-30' as LocalDate;
const dataDir = join(root, '.bench-data');
mkdirSync(dataDir, { recursive: true });
if (values.reuse && values.out === join(root, 'docs', 'benchmarks.md')) {
  // A reused database has no import figures, and a partial table must not replace the full one.
  throw new Error('--reuse measures without importing: pass --out FILE so docs/benchmarks.md stays whole');
}
const only = new Set((values.only as string).split(','));
const pgDb = values['pg-db'] as string;
const importRuns = Number(values['import-runs']);
if (!Number.isInteger(importRuns) || importRuns < 1)
  throw new Error('--import-runs: a whole number, 1 or more');
if (!/^[a-z_][a-z0-9_]*$/.test(pgDb)) throw new Error(`--pg-db: not a plain database name: ${pgDb}`);

interface Result {
  workload: string;
  engine: string;
  figure: string;
  target: string;
  met: boolean;
  note?: string;
}
const results: Result[] = [];

function runCommand(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ seconds: number; maxRssKb: number | null; out: string }> {
  return new Promise((ok, fail) => {
    const timed = existsSync('/usr/bin/time');
    const started = performance.now();
    const child = spawn(timed ? '/usr/bin/time' : cmd, timed ? ['-f', 'MAXRSS %M', cmd, ...args] : args, {
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return fail(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
      const m = /MAXRSS (\d+)/.exec(err);
      ok({ seconds, maxRssKb: m ? Number(m[1]) : null, out });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Median wall time of `times` runs; each run's wall and CPU time of this process go to `ms`/`cpuMs`. */
async function time(
  times: number,
  f: () => Promise<unknown>,
  ms: number[] = [],
  cpuMs: number[] = [],
): Promise<number> {
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    await f();
    ms.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
  }
  return median(ms);
}

async function serverAvailable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** One timed import of the invoices into a database that is initialized and given the customers here. */
async function importOnce(
  engine: 'pglite' | 'postgres',
  target: string,
  files: { customers: string; invoices: string },
  run: string,
): Promise<{ seconds: number; maxRssKb: number | null }> {
  const env = { ARBOR_TODAY: TODAY, ARBOR_USER: 'bench' };
  const arbor = join(root, 'bin', 'arbor.js');
  // Whatever the previous engine's run left to write back to disk is written now, not while this
  // import is timed (the PGlite run before a server's leaves gigabytes of dirty pages).
  execFileSync('sync');
  await runCommand('node', [arbor, '--db', target, 'init'], env);
  await runCommand('node', [arbor, '--db', target, 'import', 'customers', files.customers], env);
  console.error(`[${engine}] importing ${invoices.toLocaleString('en-US')} invoices (${run})…`);
  const imp = await runCommand('node', [arbor, '--db', target, 'import', 'invoices', files.invoices], env);
  console.error(`[${engine}] ${run}: ${imp.seconds.toFixed(1)} s`);
  return imp;
}

/** The import's rows of the table: the median of the runs, each run listed; the largest peak memory. */
function importResults(engine: 'pglite' | 'postgres', runs: { seconds: number; maxRssKb: number | null }[]) {
  const seconds = median(runs.map((r) => r.seconds));
  const rate = invoices / seconds;
  const importTarget = engine === 'postgres' ? 50_000 : 20_000;
  results.push({
    workload: `import ${invoices.toLocaleString('en-US')} invoices (CSV, validated, posted)`,
    engine,
    figure: `${Math.round(rate).toLocaleString('en-US')} rows/s (${seconds.toFixed(1)} s${
      runs.length > 1
        ? `, median of ${runs.length} fresh imports: ${runs.map((r) => r.seconds.toFixed(1)).join(', ')} s`
        : ''
    })`,
    target: `≥ ${importTarget.toLocaleString('en-US')} rows/s`,
    met: rate >= importTarget,
  });
  const rss = runs.map((r) => r.maxRssKb).filter((kb): kb is number => kb !== null);
  if (rss.length > 0) {
    const mb = Math.max(...rss) / 1024;
    results.push({
      workload: `peak memory of that import (whole process${runs.length > 1 ? ', the largest of the runs' : ''})`,
      engine,
      figure: `${Math.round(mb)} MB`,
      target: '< 1,024 MB',
      met: mb < 1024,
    });
  }
}

async function benchEngine(engine: 'pglite' | 'postgres', files: { customers: string; invoices: string }) {
  // A reused database is named after its size, so one of another size is never measured by mistake.
  const sized = `${customers}x${invoices}`;
  let target: string;
  let imported = false;
  // Empties the database for a fresh import.
  let reset: () => Promise<void>;
  if (engine === 'pglite') {
    const dir = join(dataDir, values.reuse ? `pglite-db-${sized}` : 'pglite-db');
    target = dir;
    imported = values.reuse === true && existsSync(join(dataDir, `imported-pglite-${sized}`));
    reset = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = values.reuse ? `${pgDb}_${sized}` : pgDb;
    const admin = new pg.Client({ connectionString: values['pg-url'] });
    await admin.connect();
    imported =
      values.reuse === true &&
      existsSync(join(dataDir, `imported-postgres-${sized}`)) &&
      (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    await admin.end();
    reset = async () => {
      await recreateDatabase(values['pg-url'] as string, name);
    };
    const u = new URL(values['pg-url'] as string);
    u.pathname = `/${name}`;
    target = u.toString();
  }
  if (imported) console.error(`[${engine}] reusing the database imported earlier (${target})`);
  else {
    rmSync(join(dataDir, `imported-${engine}-${sized}`), { force: true });
    const runs: { seconds: number; maxRssKb: number | null }[] = [];
    for (let i = 1; i <= importRuns; i++) {
      await reset();
      runs.push(await importOnce(engine, target, files, `run ${i} of ${importRuns}`));
    }
    importResults(engine, runs);
    // Only a finished import is reused.
    if (values.reuse) writeFileSync(join(dataDir, `imported-${engine}-${sized}`), `${target}\n`);
  }

  const database = await openDatabase(target);
  try {
    const tenantId = await getTenantId(database, 'default');
    const ctx: ServiceContext = { database, clock: fixedClock(TODAY), tenantId, actor: 'bench' };
    console.error(`[${engine}] ${[...only].join(', ')}…`);
    if (only.has('aging')) {
      await buildAgingReport(ctx); // warm the cache, as a running server would be
      const runs: number[] = [];
      const cpu: number[] = [];
      const aging = await time(5, () => buildAgingReport(ctx), runs, cpu);
      // On a shared machine wall time swings with the load; this process's CPU time swings less (it
      // is the whole engine for PGlite, only the client side for a server).
      console.error(
        `[${engine}] aging runs (ms): ${runs.map((x) => Math.round(x)).join(', ')}; CPU of this process (ms): ${cpu.map((x) => Math.round(x)).join(', ')}; load average ${loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}`,
      );
      const sample = await buildAgingReport(ctx);
      const agingTarget = engine === 'postgres' ? 300 : 500;
      results.push({
        workload: `aging, ${invoices.toLocaleString('en-US')} open items over ${sample.rows.length.toLocaleString('en-US')} customers`,
        engine,
        figure: `${Math.round(aging)} ms`,
        target: `≤ ${agingTarget} ms`,
        met: aging <= agingTarget,
      });
    }
    if (only.has('as-of')) {
      const asOf = addMonths(TODAY, -6);
      const back = await time(3, () => buildAgingReport(ctx, { asOf }));
      const backTarget = engine === 'postgres' ? 2000 : 4000;
      results.push({
        workload: `aging as of ${asOf} (6 months back, rebuilt from the ledger)`,
        engine,
        figure: `${Math.round(back)} ms`,
        target: `≤ ${backTarget / 1000} s`,
        met: back <= backTarget,
      });
    }
    if (only.has('check')) {
      const check = await time(2, async () => {
        const r = await checkLedger(ctx);
        if (r.some((x) => !x.ok))
          throw new Error(`check failed: ${r.filter((x) => !x.ok).map((x) => x.name)}`);
      });
      const checkTarget = engine === 'postgres' ? 5000 : 10000;
      results.push({
        workload: '`arbor check`, same data (all 11 invariants)',
        engine,
        figure: `${(check / 1000).toFixed(2)} s`,
        target: `≤ ${checkTarget / 1000} s`,
        met: check <= checkTarget,
      });
    }
  } finally {
    await database.close();
  }
}

async function main() {
  console.error(`generating ${customers} customers and ${invoices} invoices in ${dataDir}…`);
  const files = await writeBenchData(dataDir, { customers, invoices, today: TODAY }, values.reuse === true);
  const engines = (values.engines as string).split(',');
  for (const engine of engines) {
    if (engine === 'postgres' && !(await serverAvailable(values['pg-url'] as string))) {
      console.error('no PostgreSQL server answers; skipping the postgres engine');
      continue;
    }
    await benchEngine(engine as 'pglite' | 'postgres', files);
  }
  let pgVersion = 'n/a';
  try {
    pgVersion = execFileSync('psql', ['--version']).toString().trim();
  } catch {}
  const command = `npm run bench -- --invoices ${invoices} --customers ${customers} --engines ${values.engines}${importRuns === 3 ? '' : ` --import-runs ${importRuns}`}`;
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); every figure below is what that command measured. Rerun it to',
    'refresh this file. Imports run as the `arbor` command in a child process (wall time including start-up;',
    'peak memory from `/usr/bin/time`); reports run in one warm process, median of several runs.',
    '',
    `- command: \`${command}\``,
    `- data: ${customers.toLocaleString('en-US')} customers, ${invoices.toLocaleString('en-US')} invoices (all open), issue dates over 18 months before ${TODAY}; generator: bench/generate-data.ts`,
    `- machine: ${processorsText()}, ${Math.round(totalmem() / 2 ** 30)} GB; Node ${process.version}; ${pgVersion} (server defaults); PGlite 0.5 (embedded, data directory on local disk)`,
    `- run on: ${new Date().toISOString()}`,
    '',
    '| workload | engine | measured | target | met |',
    '|---|---|---|---|---|',
    ...results.map(
      (r) => `| ${r.workload} | ${r.engine} | ${r.figure} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`,
    ),
    '',
  ];
  // Every other benchmark (cash, parse, api, dunning, forecast, …) keeps its own marked section.
  const out = values.out as string;
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const kept = [...previous.matchAll(/<!-- bench:([a-z0-9-]+):begin -->[\s\S]*?<!-- bench:\1:end -->/g)].map(
    (m) => m[0],
  );
  writeFileSync(out, `${lines.join('\n')}\n${kept.map((k) => `\n${k}\n`).join('')}`);
  console.log(lines.join('\n'));
}

await main();
