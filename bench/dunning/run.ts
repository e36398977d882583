/**
 * `npm run bench:dunning`: a dunning run over 50,000 accounts and 1,000,000 open items on PostgreSQL,
 * documents rendered included (issue 6 target: ≤ 60 s), written to its section of docs/benchmarks.md.
 *
 *   npm run bench:dunning -- [--invoices 1000000] [--customers 50000] [--pg-url URL] [--out FILE] [--keep]
 *
 * Data: bench/generate-data.ts (every invoice open, issue dates over 18 months), imported with the
 * real `arbor import`; half the customers get an accounts-payable email address, so notices go both
 * by email (queued in the outbox) and on paper. Measured in one process, as the job worker runs it:
 * - the first run, on a portfolio never dunned: nearly every account has items past some step, so
 *   nearly every account gets a notice — the worst case, tens of thousands of PDFs;
 * - the next day's run (steady state): only items that reached a new step.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { fixedClock } from '../../src/core/clock.ts';
import type { ServiceContext } from '../../src/core/context.ts';
import { addDays, type LocalDate } from '../../src/core/local-date.ts';
import { openDatabase } from '../../src/db/database.ts';
import { type DunningRunResult, runDunning } from '../../src/modules/dunning/index.ts';
import { getTenantId } from '../../src/modules/tenancy/index.ts';
import { writeBenchData } from '../generate-data.ts';
import { processorsText } from '../machine.ts';

const root = resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    invoices: { type: 'string', default: '1000000' },
    customers: { type: 'string', default: '50000' },
    out: { type: 'string', default: join(root, 'docs', 'benchmarks.md') },
    'pg-url': {
      type: 'string',
      default: process.env.ARBOR_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    keep: { type: 'boolean', default: false },
  },
});
const invoices = Number(values.invoices);
const customers = Number(values.customers);
const TODAY = '2026-11-30' as LocalDate;
const TARGET_S = 60;
const dataDir = join(root, '.bench-data');
mkdirSync(dataDir, { recursive: true });

function run(cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((ok, fail) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) =>
      code === 0
        ? ok((performance.now() - started) / 1000)
        : fail(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`)),
    );
  });
}

const fmt = (n: number) => n.toLocaleString('en-US');
/** The machine's 1-minute load average when the runs start (the bench machine is shared). */
let load = 0;

async function main() {
  const admin = new pg.Client({ connectionString: values['pg-url'] });
  await admin.connect();
  const dbName = 'arbor_bench_dunning';
  const u = new URL(values['pg-url'] as string);
  u.pathname = `/${dbName}`;
  const target = u.toString();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [dbName])).rowCount === 1;
  const env = { ARBOR_TODAY: TODAY, ARBOR_USER: 'bench' };
  const arbor = join(root, 'bin', 'arbor.js');
  let importSeconds: number | null = null;
  if (!values.keep || !exists) {
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.query(`create database ${dbName}`);
    console.error(`generating ${fmt(customers)} customers and ${fmt(invoices)} invoices…`);
    const files = await writeBenchData(dataDir, { customers, invoices, today: TODAY });
    await run('node', [arbor, '--db', target, 'init'], env);
    await run('node', [arbor, '--db', target, 'import', 'customers', files.customers], env);
    console.error('importing invoices…');
    importSeconds = await run('node', [arbor, '--db', target, 'import', 'invoices', files.invoices], env);
  }
  await admin.end();

  const database = await openDatabase(target);
  try {
    const tenantId = await getTenantId(database, 'default');
    const db = database.db;
    // A fresh start for --keep: no run has happened (ledger, messages, documents, outbox emptied).
    await db.transaction().execute(async (tx) => {
      await sql`alter table documents disable trigger documents_append_only`.execute(tx);
      for (const table of ['dunning_ledger', 'dunning_messages', 'documents', 'email_outbox', 'jobs'])
        await sql`delete from ${sql.table(table)} where tenant_id = ${tenantId}`.execute(tx);
      await sql`delete from collection_activities where tenant_id = ${tenantId}`.execute(tx);
      await sql`alter table documents enable trigger documents_append_only`.execute(tx);
      // Half the accounts have an accounts-payable email address: their notices go by email.
      await sql`delete from contacts where tenant_id = ${tenantId} and role = 'accounts_payable'`.execute(tx);
      await sql`insert into contacts (tenant_id, id, customer_id, role, name, email)
        select tenant_id, 'con_bench_' || id, id, 'accounts_payable', 'Accounts Payable', account_number || '@ap.example'
        from customers where tenant_id = ${tenantId} and right(account_number, 1) in ('0', '2', '4', '6', '8')`.execute(
        tx,
      );
    });
    // As autovacuum would have long since done on a live database (a fresh import is not yet).
    await database.exec('vacuum analyze');
    load = loadavg()[0] ?? 0;
    const ctx: ServiceContext = { database, clock: fixedClock(TODAY), tenantId, actor: 'bench' };
    console.error('first dunning run…');
    const first = await runDunning(ctx, { runDate: TODAY });
    const stats = await db
      .selectFrom('documents')
      .select((s) => [s.fn.countAll<number>().as('n'), s.fn.sum<string>('size_bytes').as('bytes')])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    // What was stored is what was rendered: a PDF whose digest is the one recorded beside it.
    const damaged = await sql<{ n: number }>`select count(*)::integer as n from documents
      where tenant_id = ${tenantId}
        and (encode(sha256(content), 'hex') <> sha256 or substring(content from 1 for 5) <> '%PDF-'::bytea)`.execute(
      db,
    );
    if ((damaged.rows[0]?.n ?? 0) > 0)
      throw new Error(
        `${damaged.rows[0]?.n} stored documents are not the PDFs rendered (digest or header differs)`,
      );
    console.error('next day’s run…');
    const nextDay = addDays(TODAY, 1);
    const second = await runDunning({ ...ctx, clock: fixedClock(nextDay) }, { runDate: nextDay });
    console.error('same day again…');
    const rerun = await runDunning({ ...ctx, clock: fixedClock(nextDay) }, { runDate: nextDay });
    writeSection({
      first,
      second,
      rerun,
      documents: Number(stats.n),
      bytes: Number(stats.bytes ?? 0),
      importSeconds,
    });
  } finally {
    await database.close();
  }
}

function describeRun(r: DunningRunResult): string {
  return `${fmt(r.notices)} notices (${fmt(r.emails)} emails queued, ${fmt(r.printed)} on paper), ${fmt(r.letters)} PDFs, ${fmt(r.callTasks)} call tasks, ${fmt(r.recommendations)} recommendations, ${fmt(r.itemsDunned)} items dunned`;
}

function phasesOf(r: DunningRunResult): string {
  const p = r.phases;
  return `time: candidates ${p.candidates.toFixed(1)} s, reading ${p.read.toFixed(1)} s, deciding and rendering ${p.decide.toFixed(1)} s, writing ${p.write.toFixed(1)} s, audit ${p.audit.toFixed(1)} s`;
}

function writeSection(m: {
  first: DunningRunResult;
  second: DunningRunResult;
  rerun: DunningRunResult;
  documents: number;
  bytes: number;
  importSeconds: number | null;
}) {
  const command = `npm run bench:dunning -- --invoices ${invoices} --customers ${customers}`;
  const rows = [
    {
      workload: `first dunning run, ${fmt(customers)} accounts, ${fmt(invoices)} open items, never dunned before`,
      figure: `${m.first.seconds.toFixed(1)} s`,
      detail: `${fmt(m.first.candidates)} accounts with something due; ${describeRun(m.first)}; ${phasesOf(m.first)}`,
      met: m.first.seconds <= TARGET_S,
    },
    {
      workload: 'next day’s run (steady state)',
      figure: `${m.second.seconds.toFixed(1)} s`,
      detail: `${fmt(m.second.candidates)} accounts with something due; ${describeRun(m.second)}; ${phasesOf(m.second)}`,
      met: m.second.seconds <= TARGET_S,
    },
    {
      workload: 'the same day again (nothing to send)',
      figure: `${m.rerun.seconds.toFixed(1)} s`,
      detail: `${fmt(m.rerun.notices)} notices, ${fmt(m.rerun.itemsDunned)} items`,
      met: m.rerun.seconds <= TARGET_S && m.rerun.notices === 0,
    },
  ];
  const lines = [
    '<!-- bench:dunning:begin -->',
    '## Dunning (`npm run bench:dunning`)',
    '',
    'Written by `npm run bench:dunning` (bench/dunning/run.ts): `runDunning` in one process against PostgreSQL, as the',
    'job worker runs it — candidates, strategy choice, plans, letters rendered as PDF and stored (bytea + SHA-256),',
    'emails queued in the outbox, activities, the dunning ledger and the audit trail, batch by batch. Half the',
    'accounts have an email address. Delivery over SMTP is the worker’s separate step and is not timed here.',
    '',
    `- command: \`${command}\``,
    `- data: ${fmt(customers)} customers, ${fmt(invoices)} invoices (all open, issue dates over 18 months before ${TODAY}; bench/generate-data.ts)${m.importSeconds === null ? '' : `, imported in ${m.importSeconds.toFixed(0)} s`}`,
    `- documents stored by the first run: ${fmt(m.documents)} PDFs, ${(m.bytes / 2 ** 20).toFixed(0)} MiB`,
    `- machine: ${processorsText()}, ${Math.round(totalmem() / 2 ** 30)} GB; Node ${process.version}; PostgreSQL server (defaults); load average ${load.toFixed(1)} when the runs started (other work on the same machine slows them)`,
    `- run on: ${new Date().toISOString()}`,
    '',
    '| workload | measured | target | met | what it did |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.workload} | ${r.figure} | ≤ ${TARGET_S} s | ${r.met ? 'yes' : '**no**'} | ${r.detail} |`,
    ),
    '<!-- bench:dunning:end -->',
  ];
  const out = values.out as string;
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : '# Benchmarks\n';
  const section = lines.join('\n');
  const pattern = /<!-- bench:dunning:begin -->[\s\S]*<!-- bench:dunning:end -->/;
  writeFileSync(
    out,
    pattern.test(previous) ? previous.replace(pattern, section) : `${previous.trimEnd()}\n\n${section}\n`,
  );
  console.log(section);
}

await main();
