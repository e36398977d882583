/**
 * `npm run bench:worklist`: the worklist's speed target (issue 6, item 1) — worklists for 50,000
 * accounts and 1M open items in ≤ 5 s on PostgreSQL.
 *
 *   npm run bench:worklist -- [--customers 50000] [--invoices 1000000] [--paid 200000]
 *     [--engine postgres|pglite] [--pg-url URL] [--reuse] [--write] [--out FILE]
 *
 * Data: the foundation generator (bench/generate-data.ts: customers with 25 collectors c0…c24, and
 * 1M open invoices over 18 months) imported with the real `arbor` command, plus a payment history
 * this script writes (`--paid` invoices paid, each customer with its own habit from early to very
 * late, so the late-payment model has history to read) and collections rows written straight into
 * the tables (open and broken promises, disputes, active plans, credit holds, open tasks, calls).
 *
 * Measured in one warm process, median of 5 runs each: everyone's worklist (every account scored and
 * ranked), one collector's worklist, and the team view. `--write` replaces the section between
 * `<!-- bench:worklist:begin -->` and `<!-- bench:worklist:end -->` in docs/benchmarks.md (appending it
 * when absent). `--reuse` skips the import when the database already holds the data.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { fixedClock } from '../../src/core/clock.ts';
import type { ServiceContext } from '../../src/core/context.ts';
import { addDays, type LocalDate } from '../../src/core/local-date.ts';
import { openDatabase } from '../../src/db/database.ts';
import { getTenantId } from '../../src/modules/tenancy/index.ts';
import { buildTeamLoad, buildWorklist } from '../../src/modules/worklist/index.ts';
import { writeBenchData } from '../generate-data.ts';
import { processorsText } from '../machine.ts';

const root = resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '50000' },
    invoices: { type: 'string', default: '1000000' },
    paid: { type: 'string', default: '200000' },
    engine: { type: 'string', default: 'postgres' },
    'pg-url': {
      type: 'string',
      default: process.env.ARBOR_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    reuse: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'docs', 'benchmarks.md') },
  },
});
const customers = Number(values.customers);
const invoices = Number(values.invoices);
const paid = Number(values.paid);
const engine = values.engine as 'postgres' | 'pglite';
const TODAY = '2026-11-30' as LocalDate;
const dataDir = join(root, '.bench-data');
mkdirSync(dataDir, { recursive: true });
const TARGET_MS = 5000;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  let buffer = '';
  for (const line of lines) {
    buffer += line;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.write(buffer);
  out.end();
  await once(out, 'finish');
}

/**
 * Paid invoices and the receipts that paid them. Each customer pays with a habit (days after the due
 * date: early, on time, a little late, late, very late) plus noise; nothing is paid after today.
 */
async function writePaidHistory(): Promise<{ invoices: string; history: string }> {
  const random = prng(11);
  const habits = [-3, 2, 12, 40, 95];
  const habitOf = (c: number) => habits[(c * 2654435761) % habits.length] as number;
  const start = addDays(TODAY, -540);
  const rows: {
    number: string;
    account: string;
    issue: LocalDate;
    due: LocalDate;
    paid: LocalDate;
    cents: number;
  }[] = [];
  for (let i = 0; i < paid; i++) {
    const c = Math.floor(random() * customers);
    const issue = addDays(start, Math.floor(random() * 420));
    const due = addDays(issue, 30);
    let late = habitOf(c) + Math.round((random() - 0.5) * 20);
    let when = addDays(due, late);
    if (when > TODAY) {
      late = 0;
      when = TODAY;
    }
    if (when < issue) when = issue;
    rows.push({
      number: `BP${String(i).padStart(9, '0')}`,
      account: `B${String(c).padStart(7, '0')}`,
      issue,
      due,
      paid: when,
      cents: 1000 + Math.floor(random() * 2_000_000),
    });
  }
  const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const invoicesPath = join(dataDir, `worklist-paid-invoices-${paid}.csv`);
  const historyPath = join(dataDir, `worklist-history-${paid}.csv`);
  await writeLines(
    invoicesPath,
    (function* () {
      yield 'invoice_number,account_number,issue_date,due_date,amount\n';
      for (const r of rows) yield `${r.number},${r.account},${r.issue},${r.due},${money(r.cents)}\n`;
    })(),
  );
  await writeLines(
    historyPath,
    (function* () {
      yield 'receipt_reference,receipt_date,receipt_amount,currency,payer_name,method,account_number,invoice_number,kind,applied_amount\n';
      for (const r of rows)
        yield `R${r.number},${r.paid},${money(r.cents)},USD,${r.account},ach,${r.account},${r.number},invoice,${money(r.cents)}\n`;
    })(),
  );
  return { invoices: invoicesPath, history: historyPath };
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((ok, fail) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      ok((performance.now() - started) / 1000);
    });
  });
}

/** Collections rows, straight into the tables (the collections services are not what is measured). */
async function seedCollections(ctx: ServiceContext): Promise<Record<string, number>> {
  const t = ctx.tenantId;
  const db = ctx.database.db;
  const counts: Record<string, number> = {};
  const exec = async (name: string, q: ReturnType<typeof sql>) => {
    const r = await q.execute(db);
    counts[name] = Number(r.numAffectedRows ?? 0n);
  };
  // Every 10th customer has an open promise (half of them falling due within a week), every 17th a
  // promise broken last month, every 25th an open dispute on its oldest item, every 100th an active
  // plan, every 150th a credit hold, every 5th an open task, every 3rd a call in the last week.
  await exec(
    'open promises',
    sql`insert into promises (tenant_id, id, customer_id, currency, amount_minor, promised_date, status, made_on, created_by)
      select ${t}, 'prm_w' || n, id, 'USD', 50000 + (n % 7) * 10000, ${TODAY}::date + (n % 14)::int - 3, 'open', ${TODAY}::date - 5, 'bench'
      from (select id, row_number() over (order by id) as n from customers where tenant_id = ${t}) c where n % 10 = 0`,
  );
  await exec(
    'broken promises',
    sql`insert into promises (tenant_id, id, customer_id, currency, amount_minor, promised_date, status, made_on, resolved_on, created_by)
      select ${t}, 'prm_b' || n, id, 'USD', 80000, ${TODAY}::date - 40, 'broken', ${TODAY}::date - 50, ${TODAY}::date - 30, 'bench'
      from (select id, row_number() over (order by id) as n from customers where tenant_id = ${t}) c where n % 17 = 0`,
  );
  await exec(
    'disputes',
    sql`insert into disputes (tenant_id, id, customer_id, item_id, currency, amount_minor, reason_code, owner, opened_on, created_by)
      select ${t}, 'dsp_w' || n, c.id, i.id, 'USD', i.open_minor, 'pricing', 'dispute_desk', ${TODAY}::date - 20, 'bench'
      from (select id, row_number() over (order by id) as n from customers where tenant_id = ${t}) c
      join lateral (select id, open_minor from items where tenant_id = ${t} and customer_id = c.id and open_minor > 0
        order by due_date limit 1) i on true
      where n % 25 = 0`,
  );
  await exec(
    'active plans',
    sql`insert into payment_plans (tenant_id, id, customer_id, currency, total_minor, starts_on, created_by)
      select ${t}, 'pln_w' || n, id, 'USD', 1000000, ${TODAY}::date - 30, 'bench'
      from (select id, row_number() over (order by id) as n from customers where tenant_id = ${t}) c where n % 100 = 0`,
  );
  await exec(
    'plan instalments',
    sql`insert into plan_instalments (tenant_id, plan_id, seq, due_date, amount_minor)
      select ${t}, p.id, s, p.starts_on + 30 * s, 250000 from payment_plans p, generate_series(1, 4) s
      where p.tenant_id = ${t} and p.id like 'pln_w%'`,
  );
  await exec(
    'credit holds',
    sql`insert into credit_holds (tenant_id, id, customer_id, reason, placed_by, placed_at)
      select ${t}, 'hld_w' || n, id, 'over limit', 'bench', now()
      from (select id, row_number() over (order by id) as n from customers where tenant_id = ${t}) c where n % 150 = 0`,
  );
  await exec(
    'open tasks',
    sql`insert into collection_activities (tenant_id, id, customer_id, kind, notes, occurred_at, due_date, status, created_by)
      select ${t}, 'act_t' || n, id, 'task', 'call back', now(), ${TODAY}::date + (n % 10)::int - 5, 'open', 'bench'
      from (select id, row_number() over (order by id) as n from customers where tenant_id = ${t}) c where n % 5 = 0`,
  );
  await exec(
    'calls',
    sql`insert into collection_activities (tenant_id, id, customer_id, kind, outcome_code, conversation, occurred_at, created_by)
      select ${t}, 'act_c' || n, id, 'call', 'reached', n % 2 = 0, (${TODAY}::date - (n % 6)::int)::timestamptz + interval '10 hours', 'bench'
      from (select id, row_number() over (order by id) as n from customers where tenant_id = ${t}) c where n % 3 = 0`,
  );
  for (const table of [
    'promises',
    'disputes',
    'payment_plans',
    'plan_instalments',
    'credit_holds',
    'collection_activities',
  ])
    await ctx.database.exec(`analyze ${table}`);
  return counts;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function time(times: number, f: () => Promise<unknown>): Promise<{ median: number; all: number[] }> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return { median: median(ms), all: ms };
}

async function writeSection(file: string, section: string): Promise<void> {
  const BEGIN = '<!-- bench:worklist:begin -->';
  const END = '<!-- bench:worklist:end -->';
  const block = `${BEGIN}\n${section.trim()}\n${END}`;
  let text = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n';
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a >= 0 && b > a) text = `${text.slice(0, a)}${block}${text.slice(b + END.length)}`;
  else text = `${text.replace(/\s*$/, '')}\n\n${block}\n`;
  await writeFile(file, text);
}

async function main(): Promise<void> {
  let target: string;
  if (engine === 'postgres') {
    const u = new URL(values['pg-url'] as string);
    u.pathname = '/arbor_bench_worklist';
    target = u.toString();
  } else target = join(dataDir, 'pglite-worklist');
  const env = { ARBOR_TODAY: TODAY, ARBOR_USER: 'bench' };
  const arbor = join(root, 'bin', 'arbor.js');
  const timings: string[] = [];
  let seeded: Record<string, number> = {};
  let fresh = true;
  if (values.reuse) {
    try {
      const probe = await openDatabase(target);
      const n = await sql<{ n: number }>`select count(*)::int as n from items`.execute(probe.db);
      await probe.close();
      fresh = (n.rows[0]?.n ?? 0) < invoices;
    } catch {
      fresh = true;
    }
  }
  if (fresh) {
    if (engine === 'postgres') {
      const admin = new pg.Client({ connectionString: values['pg-url'] as string });
      await admin.connect();
      await admin.query('drop database if exists arbor_bench_worklist with (force)');
      await admin.query('create database arbor_bench_worklist');
      await admin.end();
    }
    console.error(`generating ${customers} customers, ${invoices} open invoices, ${paid} paid invoices…`);
    const files = await writeBenchData(dataDir, { customers, invoices, today: TODAY });
    const history = await writePaidHistory();
    for (const [label, args] of [
      ['init', ['init']],
      ['import customers', ['import', 'customers', files.customers]],
      ['import open invoices', ['import', 'invoices', files.invoices]],
      ['import paid invoices', ['import', 'invoices', history.invoices]],
      ['import payment history', ['import', 'history', history.history]],
    ] as const) {
      console.error(`${label}…`);
      const s = await run('node', [arbor, '--db', target, ...args], env);
      timings.push(`${label} ${s.toFixed(1)} s`);
    }
  }
  const database = await openDatabase(target);
  try {
    const tenantId = await getTenantId(database, 'default');
    const ctx: ServiceContext = { database, clock: fixedClock(TODAY), tenantId, actor: 'bench' };
    const already = await sql<{
      n: number;
    }>`select count(*)::int as n from promises where id like 'prm_w%'`.execute(database.db);
    if ((already.rows[0]?.n ?? 0) === 0) await seedCollections(ctx);
    const c = await sql<Record<string, number>>`
      select (select count(*)::int from promises where status = 'open') as "open promises",
        (select count(*)::int from promises where status = 'broken') as "broken promises",
        (select count(*)::int from disputes where status in ('open', 'investigating')) as "open disputes",
        (select count(*)::int from payment_plans where status = 'active') as "active plans",
        (select count(*)::int from credit_holds where released_at is null) as "credit holds",
        (select count(*)::int from collection_activities where kind = 'task' and status = 'open') as "open tasks",
        (select count(*)::int from collection_activities where kind = 'call') as "calls"`.execute(
      database.db,
    );
    seeded = c.rows[0] ?? {};
    const size = await sql<{ customers: number; open: number; applications: number }>`
      select (select count(*)::int from customers) as customers,
        (select count(*)::int from items where open_minor > 0) as open,
        (select count(*)::int from applications) as applications`.execute(database.db);
    const s = size.rows[0];
    const loadBefore = loadavg()[0] ?? 0;
    console.error('warming up…');
    const warm = await buildWorklist(ctx, { limit: 50 });
    console.error(`everyone's worklist: ${warm.candidates} accounts ranked`);
    const everyone = await time(5, () => buildWorklist(ctx, { limit: 50 }));
    const one = await time(5, () => buildWorklist(ctx, { collector: 'c7', limit: 50 }));
    const oneList = await buildWorklist(ctx, { collector: 'c7', limit: 50 });
    const team = await time(5, () => buildTeamLoad(ctx));
    const teamRows = (await buildTeamLoad(ctx)).rows.length;
    const loadAfter = loadavg()[0] ?? 0;
    let pgVersion = 'n/a';
    try {
      pgVersion = execFileSync('psql', ['--version']).toString().trim();
    } catch {}
    const command = `npm run bench:worklist -- --customers ${customers} --invoices ${invoices} --paid ${paid} --engine ${engine}${values.reuse ? ' --reuse' : ''}${values.write ? ' --write' : ''}`;
    const ms = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`;
    const lines = [
      '## Worklist (`npm run bench:worklist`)',
      '',
      'Written by `npm run bench:worklist` (bench/worklist/run.ts); every figure below is what that command measured.',
      '',
      `- command: \`${command}\``,
      `- data: ${s?.customers.toLocaleString('en-US')} customers (25 collectors), ${s?.open.toLocaleString('en-US')} open items (bench/generate-data.ts) plus ${paid.toLocaleString('en-US')} paid invoices with their receipts (${s?.applications.toLocaleString('en-US')} applications; each customer with a payment habit from early to 95 days late); collections rows written directly: ${
        Object.entries(seeded)
          .map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`)
          .join(', ') || 'from an earlier run (--reuse)'
      }`,
      `- machine: ${processorsText()}, ${Math.round(totalmem() / 2 ** 30)} GB; Node ${process.version}; ${engine === 'postgres' ? `${pgVersion} (server defaults)` : 'PGlite 0.5'}`,
      `- run on: ${new Date().toISOString()}; warm process, median of 5 runs (all runs in brackets); 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after (the machine is shared: above ${cpus().length}, other work competed for the CPUs)`,
      ...(timings.length > 0 ? [`- loading: ${timings.join(', ')}`] : []),
      '',
      '| workload | engine | measured | target | met |',
      '|---|---|---|---|---|',
      `| everyone's worklist: ${warm.candidates.toLocaleString('en-US')} accounts scored (every open item's late-payment probability), ranked, top 50 with reasons | ${engine} | ${ms(everyone.median)} (${everyone.all.map((x) => Math.round(x)).join(', ')}) | ≤ 5 s | ${everyone.median <= TARGET_MS ? 'yes' : '**no**'} |`,
      `| one collector's worklist (c7: ${oneList.candidates.toLocaleString('en-US')} accounts) | ${engine} | ${ms(one.median)} (${one.all.map((x) => Math.round(x)).join(', ')}) | ≤ 5 s | ${one.median <= TARGET_MS ? 'yes' : '**no**'} |`,
      `| team view (${teamRows} collector lines over every account) | ${engine} | ${ms(team.median)} (${team.all.map((x) => Math.round(x)).join(', ')}) | ≤ 5 s | ${team.median <= TARGET_MS ? 'yes' : '**no**'} |`,
      '',
    ];
    console.log(lines.join('\n'));
    if (values.write) {
      await writeSection(values.out as string, lines.join('\n'));
      console.error(`bench:worklist: wrote the section to ${values.out}`);
    }
  } finally {
    await database.close();
  }
}

await main();
