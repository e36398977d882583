/**
 * `npm run bench:api`: the HTTP API's speed targets (issue 5), measured against `arbor serve` running
 * as a child process, loaded over loopback with keep-alive connections from this process.
 *
 *   npm run bench:api -- [--engine postgres|pglite|both] [--seconds 30] [--write]
 *                        [--customers 50000] [--invoices 200000] [--receipts 2000]
 *                        [--post-clients 64] [--list-clients 200] [--pool 40] [--warmup 3]
 *
 * Per engine: a fresh database (PostgreSQL: database arbor_bench_api on the server of --pg-url;
 * PGlite: .bench-data/api/pglite-db), data loaded through the real importers (bench/api/generate.ts),
 * a user and an API token made with `arbor user add` / `arbor token create`, then `arbor serve`:
 *
 *  (a) application POSTs: --post-clients clients each POST /api/receipts/{id}/apply of 0.01–0.99 of
 *      a random receipt to a random invoice, with an Idempotency-Key, for --seconds after --warmup;
 *      sustained 2xx POSTs/s, errors, p50/p99 latency. The writes are then checked against the
 *      answers (test/support/apply-load.ts: nothing lost, nothing twice, every entry balanced).
 *  (b) list endpoints: --list-clients connections reading /api/customers, /api/invoices and
 *      /api/receipts with filters, following cursors; p50/p95/p99 and throughput.
 *  (c) one client, one request at a time (--serial of each: application POSTs, then the first page
 *      of GET /api/customers): wall time and CPU per request of `arbor serve`, PostgreSQL's processes
 *      and this process, and the rate the machine's cores could serve at that cost.
 *  (d) `arbor check` on the database afterwards.
 *
 * With --write the figures replace the bench:api section of docs/benchmarks.md (other sections kept).
 * ARBOR_BENCH_SERVE_NODE_ARGS passes Node flags to the server, for example
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it under the load.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import type { LocalDate } from '../../src/core/local-date.ts';
import { openDatabase } from '../../src/db/database.ts';
import {
  type ApplyAttempt,
  type LoadVerdict,
  type ReceiptRef,
  runApplyLoad,
  takeBaseline,
  tallyAnswers,
  verifyApplyLoad,
} from '../../test/support/apply-load.ts';
import {
  HttpClient,
  type LatencySummary,
  prng,
  runClients,
  summarize,
} from '../../test/support/http-load.ts';
import {
  arborOk,
  createUserAndToken,
  recreateDatabase,
  runArbor,
  serverAnswers,
  startServeProcess,
} from '../../test/support/serve-process.ts';
import { postgresCpuSeconds, processCpuSeconds, processorsText } from '../machine.ts';
import { accountNumber, invoiceNumber, receiptReference, writeApiBenchData } from './generate.ts';

const root = resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    customers: { type: 'string', default: '50000' },
    invoices: { type: 'string', default: '200000' },
    receipts: { type: 'string', default: '2000' },
    'target-invoices': { type: 'string', default: '20000' },
    'post-clients': { type: 'string', default: '64' },
    'list-clients': { type: 'string', default: '200' },
    pool: { type: 'string', default: '40' },
    serial: { type: 'string', default: '1000' },
    write: { type: 'boolean', default: false },
    out: { type: 'string', default: join(root, 'docs', 'benchmarks.md') },
    'pg-url': {
      type: 'string',
      default: process.env.ARBOR_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const num = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`--${name} must be a number, not ${String(values[name])}`);
  return n;
};
const SECONDS = num('seconds');
const WARMUP = num('warmup');
const CUSTOMERS = num('customers');
const INVOICES = num('invoices');
const RECEIPTS = num('receipts');
const TARGET_INVOICES = Math.min(num('target-invoices'), INVOICES);
const POST_CLIENTS = num('post-clients');
const SERIAL = num('serial');
const LIST_CLIENTS = num('list-clients');
const POOL = num('pool');
const TODAY = '2026-11-30' as LocalDate;
const RECEIPT_MINOR = 10_000_000n; // 100,000.00: far more than a run can apply in cents
/** The amount of one application request: 0.01–0.99 USD, in cents, from a random number in [0,1). */
const requestMinor = (r: number) => 1n + BigInt(Math.floor(r * 99));
const engines: ('postgres' | 'pglite')[] =
  values.engine === 'both' ? ['postgres', 'pglite'] : [values.engine as 'postgres' | 'pglite'];
if (!engines.every((e) => e === 'postgres' || e === 'pglite'))
  throw new Error('--engine is postgres, pglite or both');

const workDir = join(root, '.bench-data', 'api');
mkdirSync(workDir, { recursive: true });
const log = (m: string) => console.error(`bench:api: ${m}`);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => (n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`);

interface EngineResult {
  engine: 'postgres' | 'pglite';
  imports: { what: string; seconds: number }[];
  sizes: { customers: number; openItems: number; receiptsUnapplied: number };
  post: {
    ok: number;
    perSecond: number;
    perSecondMin: number;
    perSecondMax: number;
    latency: LatencySummary;
    answers: Record<string, number>;
    transient: Record<string, number>;
    transientSamples: string[];
    waits: Record<string, number> | null;
    cpu: CpuUse;
    verdict: LoadVerdict;
    duplicatesReplayed: number;
  };
  list: {
    perSecond: number;
    all: LatencySummary;
    byEndpoint: Record<string, LatencySummary>;
    statuses: Record<string, number>;
    networkErrors: Record<string, number>;
    waits: Record<string, number> | null;
    cpu: CpuUse;
  };
  serial: { post: SerialCost; list: SerialCost };
  check: { code: number | null; seconds: number; out: string };
  serverErrors: string[];
  serverStatuses: Record<string, number>;
}

async function prepare(engine: 'postgres' | 'pglite', files: Awaited<ReturnType<typeof writeApiBenchData>>) {
  let target: string;
  if (engine === 'postgres') {
    target = await recreateDatabase(values['pg-url'] as string, 'arbor_bench_api');
  } else {
    target = join(workDir, 'pglite-db');
    rmSync(target, { recursive: true, force: true });
  }
  const env = { ARBOR_TODAY: TODAY, ARBOR_USER: 'bench' };
  const imports: { what: string; seconds: number }[] = [];
  await arborOk(target, ['init'], env);
  for (const [what, file] of [
    ['customers', files.customers],
    ['invoices', files.invoices],
    ['history', files.history],
  ] as const) {
    log(`[${engine}] import ${what}…`);
    const r = await arborOk(target, ['import', what, file], env);
    imports.push({ what, seconds: r.seconds });
  }
  log(`[${engine}] user and token…`);
  const token = await createUserAndToken(target, 'bench-applier', 'cash_applier', env);
  return { target, env, token, imports };
}

async function readScope(target: string) {
  const database = await openDatabase(target);
  try {
    const refs = Array.from({ length: RECEIPTS }, (_, j) => receiptReference(j));
    const receipts: ReceiptRef[] = (
      await database.db
        .selectFrom('receipts')
        .select(['id', 'reference'])
        .where('reference', 'in', refs)
        .execute()
    ).map((r) => ({ id: r.id, reference: r.reference }));
    const count = async (q: string) =>
      Number((await sql<{ n: string }>`${sql.raw(q)}`.execute(database.db)).rows[0]?.n ?? Number.NaN);
    const sizes = {
      customers: await count('select count(*)::text as n from customers'),
      openItems: await count('select count(*)::text as n from items where open_minor <> 0'),
      receiptsUnapplied: await count('select count(*)::text as n from receipts where unapplied_minor > 0'),
    };
    const baseline = await takeBaseline(database);
    return { receipts, sizes, baseline };
  } finally {
    await database.close();
  }
}

/** Counts per second over the measured window. */
function perSecondSeries(times: readonly number[], from: number, seconds: number): number[] {
  const buckets = new Array<number>(Math.max(1, Math.floor(seconds))).fill(0);
  for (const t of times) {
    const i = Math.floor((t - from) / 1000);
    if (i >= 0 && i < buckets.length) buckets[i] = (buckets[i] ?? 0) + 1;
  }
  return buckets;
}

/** A failed send, classed: the client's 30 s timeout, another network error, or the HTTP status. */
function failureKind(what: string): string {
  if (what.includes('timed out')) return 'client timeout (30 s)';
  if (what.startsWith('network:')) return 'network error';
  return `HTTP ${what.split(' ')[0]}`;
}

const sumValues = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const listKinds = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, v]) => `${k}: ${fmt(v)}`)
    .join(', ');

/**
 * Samples what the server's PostgreSQL sessions are doing, every 200 ms, while a workload runs:
 * the average number of sessions in each state (waiting on a lock — named by its statement — on
 * I/O, or running). Shows where a throughput limit comes from.
 */
function sampleWaits(target: string) {
  const client = new pg.Client({ connectionString: target });
  const counts: Record<string, number> = {};
  let ticks = 0;
  let busy = false;
  const ready = client.connect();
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      await ready;
      const rows = (
        await client.query<{ type: string | null; event: string | null; query: string; state: string }>(
          `select wait_event_type as type, wait_event as event, query, state from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid()
             and state in ('active', 'idle in transaction')`,
        )
      ).rows;
      ticks++;
      for (const r of rows) {
        const what =
          r.state === 'idle in transaction'
            ? 'in a transaction, waiting for the server process to send the next statement'
            : r.type === 'Lock'
              ? /audit_chain/.test(r.query)
                ? 'waiting for the audit chain head (row lock)'
                : /from "receipts"/.test(r.query)
                  ? 'waiting for a receipt (row lock)'
                  : /idempotency_keys/.test(r.query)
                    ? 'waiting for an idempotency key (row lock)'
                    : /from "items"|update items/.test(r.query)
                      ? 'waiting for an item (row lock)'
                      : `waiting for a lock (${r.event})`
              : r.type === null
                ? 'running (CPU)'
                : `${r.type}: ${r.event}`;
        counts[what] = (counts[what] ?? 0) + 1;
      }
    } catch {
      // a sample lost is no figure lost
    } finally {
      busy = false;
    }
  }, 200);
  return {
    async stop(): Promise<Record<string, number>> {
      clearInterval(timer);
      await client.end().catch(() => {});
      return Object.fromEntries(
        Object.entries(counts)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [k, ticks === 0 ? 0 : v / ticks]),
      );
    },
  };
}

/** Jiffies of the whole machine: all and idle (incl. iowait), from /proc/stat. */
function machineTicks(): { all: number; idle: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/).slice(1).map(Number) ?? [];
    return { all: cpu.reduce((a, b) => a + b, 0), idle: (cpu[3] ?? 0) + (cpu[4] ?? 0) };
  } catch {
    return null;
  }
}

/**
 * Runs `f`, measuring the CPU of the server process, of PostgreSQL's processes (on a server on this
 * machine) and of this process (the load generator), each in cores, and the machine's idle share.
 */
async function withCpu<T>(
  pid: number | undefined,
  engine: 'postgres' | 'pglite',
  f: () => Promise<T>,
): Promise<T & { cpu: CpuUse }> {
  const p0 = processCpuSeconds(pid);
  const g0 = engine === 'postgres' ? postgresCpuSeconds() : null;
  const c0 = process.cpuUsage();
  const m0 = machineTicks();
  const t0 = performance.now();
  const out = await f();
  const seconds = (performance.now() - t0) / 1000;
  const p1 = processCpuSeconds(pid);
  const g1 = engine === 'postgres' ? postgresCpuSeconds() : null;
  const c = process.cpuUsage(c0);
  const m1 = machineTicks();
  return {
    ...out,
    cpu: {
      server: p0 === null || p1 === null ? null : (p1 - p0) / seconds,
      postgres: g0 === null || g1 === null ? null : (g1 - g0) / seconds,
      client: (c.user + c.system) / 1e6 / seconds,
      machineIdle: m0 === null || m1 === null ? null : (m1.idle - m0.idle) / Math.max(1, m1.all - m0.all),
    },
  };
}

interface CpuUse {
  /** CPU of the `arbor serve` process, in cores (1.0 = one core busy all the time). */
  readonly server: number | null;
  /** CPU of all PostgreSQL server processes, in cores (null for the embedded engine or no /proc). */
  readonly postgres: number | null;
  /** CPU of this process, the load generator, in cores. */
  readonly client: number;
  /** Share of the machine's CPU time left idle. */
  readonly machineIdle: number | null;
}

const pct = (v: number | null) => (v === null ? '?' : `${Math.round(v * 100)} %`);
const cpuText = (c: CpuUse) =>
  `\`arbor serve\` used ${pct(c.server)} of one core${c.postgres === null ? '' : `, PostgreSQL ${pct(c.postgres)}`}, the load generator ${pct(c.client)}; the machine's ${cpus().length} cores were ${pct(c.machineIdle)} idle`;

/** The CPU of the load divided by its rate (the CPU covers the warm-up too, at about the same rate). */
const perRequestText = (c: CpuUse, perSecond: number, what: string) =>
  perSecond <= 0
    ? ''
    : `; per ${what} at the measured rate: \`arbor serve\` ${c.server === null ? '?' : fmt((c.server * 1000) / perSecond, 2)} ms${c.postgres === null ? '' : `, PostgreSQL ${fmt((c.postgres * 1000) / perSecond, 2)} ms`}, load generator ${fmt((c.client * 1000) / perSecond, 2)} ms`;

/** Runs one statement on a connection of its own (the bench's, not the server's pool). */
async function adminStatement(target: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: target });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** What one request costs when requests come one at a time: wall time, and CPU per process. */
interface SerialCost {
  readonly requests: number;
  readonly wallMs: number;
  readonly serverMs: number | null;
  /** Every PostgreSQL process on the machine (its other users' work included); null on PGlite. */
  readonly postgresMs: number | null;
  readonly clientMs: number;
}

async function measureSerial(
  pid: number | undefined,
  engine: 'postgres' | 'pglite',
  f: () => Promise<number>,
  settle?: () => Promise<void>,
): Promise<SerialCost> {
  // What the phase before left to write (WAL, dirty pages) is written first, so that the server's
  // background writers' work for it is not counted against these requests.
  await settle?.();
  const s0 = processCpuSeconds(pid);
  const p0 = engine === 'postgres' ? postgresCpuSeconds() : null;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const requests = await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const s1 = processCpuSeconds(pid);
  const p1 = engine === 'postgres' ? postgresCpuSeconds() : null;
  return {
    requests,
    wallMs: wall / requests,
    serverMs: s0 === null || s1 === null ? null : ((s1 - s0) * 1000) / requests,
    postgresMs: p0 === null || p1 === null ? null : ((p1 - p0) * 1000) / requests,
    clientMs: (c.user + c.system) / 1000 / requests,
  };
}

/**
 * One client, one request at a time: the application POSTs (same requests as the load, its
 * attempts verified with the rest) and the first page of GET /api/customers. With nothing queued,
 * the CPU each process spends per request is read from /proc (see serialText for what it implies).
 */
async function serialWorkload(
  url: string,
  token: string,
  receipts: ReceiptRef[],
  engine: 'postgres' | 'pglite',
  pid: number | undefined,
  target: string,
) {
  const settle = engine === 'postgres' ? () => adminStatement(target, 'checkpoint') : undefined;
  const invoices = Array.from({ length: TARGET_INVOICES }, (_, i) => invoiceNumber(i));
  const client = new HttpClient(url, { sockets: 2, token });
  let attempts: ApplyAttempt[] = [];
  try {
    let answered = 0;
    const post = await measureSerial(
      pid,
      engine,
      async () => {
        attempts = await runApplyLoad({
          client,
          clients: 1,
          receipts,
          invoices,
          amountMinor: requestMinor,
          stop: () => answered >= SERIAL,
          repeatShare: 0,
          doubleShare: 0,
          seed: 11,
          onAnswer: () => {
            answered++;
          },
        });
        return attempts.reduce((n, a) => n + a.sends, 0);
      },
      settle,
    );
    const list = await measureSerial(
      pid,
      engine,
      async () => {
        for (let i = 0; i < SERIAL; i++) {
          const path = i % 2 === 0 ? '/api/customers?limit=50' : '/api/customers?segment=mid&limit=50';
          const a = await client.request('GET', path);
          if (a.status !== 200) throw new Error(`GET ${path}: ${a.status} ${a.body.slice(0, 200)}`);
        }
        return SERIAL;
      },
      settle,
    );
    return { post, list, attempts };
  } finally {
    client.close();
  }
}

/**
 * The serial costs, and the rates they imply: the machine's cores divided by the CPU of one request
 * (all processes), and one core divided by the CPU of `arbor serve` (its JavaScript, and on PGlite
 * the database too, runs on one thread; its CPU here includes its helper threads). With
 * `connections` clients that always have a request out, an answer takes on average connections /
 * rate (Little's law). Estimates, not bounds: under load a request can cost less (a busy server
 * reads and writes more per system call) or more (processes waiting on each other's cores).
 */
const serialText = (c: SerialCost, connections?: number) => {
  const total = (c.serverMs ?? 0) + (c.postgresMs ?? 0) + c.clientMs;
  const byCores = (cpus().length * 1000) / total;
  const byThread = c.serverMs === null ? Number.POSITIVE_INFINITY : 1000 / c.serverMs;
  const rate = Math.min(byCores, byThread);
  return `${fmt(c.wallMs, 2)} ms each; CPU per request: \`arbor serve\` ${c.serverMs === null ? '?' : `${fmt(c.serverMs, 2)} ms`}${c.postgresMs === null ? '' : `, PostgreSQL (all its processes) ${fmt(c.postgresMs, 2)} ms`}, load generator ${fmt(c.clientMs, 2)} ms (${fmt(c.requests)} requests). At that cost: about ${fmt(rate)} per second (the ${cpus().length} cores at ${fmt(total, 2)} ms each: ${fmt(byCores)}/s; \`arbor serve\`'s one thread: ${Number.isFinite(byThread) ? `${fmt(byThread)}/s` : '?'})${connections ? `, and ${fmt(connections)} connections always waiting would wait about ${fmt((connections * 1000) / rate)} ms on average` : ''}`;
};

const waitsText = (w: Record<string, number>) =>
  Object.entries(w)
    .filter(([, v]) => v >= 0.05)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join('; ');

/** The disk's synchronous-write rate (pg_test_fsync, fdatasync), when the PostgreSQL tools are installed. */
function fsyncRate(): string | null {
  const candidates = [
    '/usr/lib/postgresql/17/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/lib/postgresql/15/bin',
  ];
  const bin = candidates.map((d) => join(d, 'pg_test_fsync')).find((p) => existsSync(p));
  if (!bin) return null;
  const file = join(workDir, 'fsync-test');
  try {
    const out = execFileSync(bin, ['-s', '2', '-f', file], { encoding: 'utf8', timeout: 120_000 });
    const m = /^\s*fdatasync\s+([\d.]+) ops\/sec\s+(\d+) usecs\/op/m.exec(out);
    return m
      ? `${fmt(Number(m[1]))} fdatasync/s (${fmt(Number(m[2]) / 1000, 1)} ms each; \`pg_test_fsync -s 2\`, 8 kB writes, one at a time)`
      : null;
  } catch {
    return null;
  } finally {
    rmSync(file, { force: true });
  }
}

async function postWorkload(url: string, token: string, receipts: ReceiptRef[]) {
  const invoices = Array.from({ length: TARGET_INVOICES }, (_, i) => invoiceNumber(i));
  const client = new HttpClient(url, { sockets: POST_CLIENTS, token });
  const okTimes: number[] = [];
  const okLatency: number[] = [];
  const transientSamples: string[] = [];
  const transient: Record<string, number> = {};
  const started = performance.now();
  const measureFrom = started + WARMUP * 1000;
  const end = measureFrom + SECONDS * 1000;
  let attempts: ApplyAttempt[];
  try {
    attempts = await runApplyLoad({
      client,
      clients: POST_CLIENTS,
      receipts,
      invoices,
      amountMinor: requestMinor,
      stop: () => performance.now() >= end,
      seed: 5,
      onAnswer: (a) => {
        const now = performance.now();
        if (a.status >= 200 && a.status < 300) {
          okTimes.push(now);
          if (now >= measureFrom && now < end) okLatency.push(a.ms);
        }
      },
      onTransient: (what) => {
        const kind = failureKind(what);
        transient[kind] = (transient[kind] ?? 0) + 1;
        if (transientSamples.length < 5) transientSamples.push(what);
      },
    });
  } finally {
    client.close();
  }
  const series = perSecondSeries(okTimes, measureFrom, SECONDS);
  const ok = okTimes.filter((t) => t >= measureFrom && t < end).length;
  return {
    attempts,
    ok,
    perSecond: ok / SECONDS,
    perSecondMin: Math.min(...series),
    perSecondMax: Math.max(...series),
    latency: summarize(okLatency),
    answers: tallyAnswers(attempts),
    transient,
    transientSamples,
    duplicatesReplayed: attempts.reduce((s, a) => s + a.replayedAnswers, 0),
  };
}

/** The list queries a workbench screen makes: filters, then the next pages by cursor. */
function listQueries(random: () => number): { endpoint: string; path: string }[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const customer = accountNumber(Math.floor(random() * CUSTOMERS));
  const prefix = accountNumber(Math.floor(random() * CUSTOMERS)).slice(0, 6);
  const due = `2026-${String(1 + Math.floor(random() * 11)).padStart(2, '0')}-15`;
  return [
    {
      endpoint: 'customers',
      path: pick([
        '/api/customers?limit=50',
        `/api/customers?q=${prefix}`,
        `/api/customers?segment=mid&limit=50`,
        `/api/customers?collector=c${Math.floor(random() * 25)}&limit=50`,
      ]),
    },
    {
      endpoint: 'invoices',
      path: pick([
        '/api/invoices?limit=50',
        `/api/invoices?customer=${customer}`,
        `/api/invoices?dueBefore=${due}&limit=50`,
        `/api/invoices?q=${invoiceNumber(Math.floor(random() * INVOICES)).slice(0, 8)}`,
        `/api/invoices?status=all&customer=${customer}`,
      ]),
    },
    {
      endpoint: 'receipts',
      path: pick([
        '/api/receipts?limit=50',
        '/api/receipts?status=unapplied&limit=50',
        `/api/receipts?q=${receiptReference(Math.floor(random() * RECEIPTS)).slice(0, 7)}`,
        `/api/receipts?customer=${accountNumber(Math.floor(random() * Math.min(RECEIPTS, CUSTOMERS)))}`,
      ]),
    },
  ];
}

async function listWorkload(url: string, token: string) {
  const client = new HttpClient(url, { sockets: LIST_CLIENTS, token });
  const random = prng(9);
  const latency: Record<string, number[]> = { customers: [], invoices: [], receipts: [] };
  const all: number[] = [];
  const statuses: Record<string, number> = {};
  const networkErrors: Record<string, number> = {};
  let measured = 0;
  const started = performance.now();
  const measureFrom = started + WARMUP * 1000;
  const end = measureFrom + SECONDS * 1000;
  try {
    await runClients(
      LIST_CLIENTS,
      () => performance.now() >= end,
      async () => {
        const q = listQueries(random)[Math.floor(random() * 3)] as { endpoint: string; path: string };
        let path: string | null = q.path;
        // The first page, then up to two more by cursor.
        for (let page = 0; page < 3 && path !== null && performance.now() < end; page++) {
          let answer: Awaited<ReturnType<HttpClient['request']>>;
          try {
            answer = await client.request('GET', path);
          } catch (e) {
            const kind = failureKind(`network: ${(e as Error).message}`);
            networkErrors[kind] = (networkErrors[kind] ?? 0) + 1;
            return;
          }
          const now = performance.now();
          if (now >= measureFrom && now < end) {
            statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
            if (answer.status === 200) {
              latency[q.endpoint]?.push(answer.ms);
              all.push(answer.ms);
              measured++;
            }
          }
          if (answer.status !== 200) return;
          const next = (JSON.parse(answer.body) as { nextCursor?: string | null }).nextCursor;
          path = next
            ? `${q.path}${q.path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(next)}`
            : null;
        }
      },
    );
  } finally {
    client.close();
  }
  return {
    perSecond: measured / SECONDS,
    all: summarize(all),
    byEndpoint: Object.fromEntries(Object.entries(latency).map(([k, v]) => [k, summarize(v)])),
    statuses,
    networkErrors,
  };
}

async function benchEngine(
  engine: 'postgres' | 'pglite',
  files: Awaited<ReturnType<typeof writeApiBenchData>>,
): Promise<EngineResult> {
  const { target, env, token, imports } = await prepare(engine, files);
  const { receipts, sizes, baseline } = await readScope(target);
  if (receipts.length !== RECEIPTS)
    throw new Error(`expected ${RECEIPTS} receipts, found ${receipts.length}`);
  log(`[${engine}] arbor serve…`);
  // ARBOR_BENCH_SERVE_NODE_ARGS passes Node flags to the server (for example `--cpu-prof`).
  const nodeArgs = process.env.ARBOR_BENCH_SERVE_NODE_ARGS?.split(' ').filter((a) => a !== '') ?? [];
  const server = await startServeProcess(target, { ...env, ARBOR_DB_POOL: String(POOL) }, { nodeArgs });
  let post: Awaited<ReturnType<typeof postWorkload>> & { waits: Record<string, number> | null; cpu: CpuUse };
  let list: Awaited<ReturnType<typeof listWorkload>> & { waits: Record<string, number> | null; cpu: CpuUse };
  let serial: { post: SerialCost; list: SerialCost };
  try {
    log(`[${engine}] ${POST_CLIENTS} clients POSTing applications for ${WARMUP} + ${SECONDS} s…`);
    const postWaits = engine === 'postgres' ? sampleWaits(target) : null;
    const posted = await withCpu(server.child.pid, engine, () => postWorkload(server.url, token, receipts));
    post = { ...posted, waits: (await postWaits?.stop()) ?? null };
    log(
      `[${engine}] ${fmt(post.perSecond)} POSTs/s; ${LIST_CLIENTS} connections reading lists for ${WARMUP} + ${SECONDS} s…`,
    );
    if (engine === 'postgres') {
      // The POST load rewrote every receipt many times; autovacuum would analyze the tables now (the
      // importers analyze only after 10,000 rows, so the 2,000 receipts never were), but this shared
      // server runs with autovacuum off: without statistics the planner takes 2,000 receipts for ten.
      log(`[${engine}] analyze…`);
      await adminStatement(target, 'analyze');
    }
    const listWaits = engine === 'postgres' ? sampleWaits(target) : null;
    const listed = await withCpu(server.child.pid, engine, () => listWorkload(server.url, token));
    list = { ...listed, waits: (await listWaits?.stop()) ?? null };
    log(`[${engine}] lists: ${fmt(list.perSecond)} requests/s, p99 ${ms(list.all.p99)}`);
    log(`[${engine}] one client: ${fmt(SERIAL)} application POSTs, then ${fmt(SERIAL)} list GETs…`);
    const one = await serialWorkload(server.url, token, receipts, engine, server.child.pid, target);
    serial = { post: one.post, list: one.list };
    post = { ...post, attempts: [...post.attempts, ...one.attempts] };
    log(`[${engine}] one client: POST ${serialText(one.post)}; GET ${serialText(one.list)}`);
  } finally {
    await server.stop();
  }
  log(`[${engine}] arbor check…`);
  const check = await runArbor(target, ['check'], env);
  const database = await openDatabase(target);
  let verdict: LoadVerdict;
  try {
    verdict = await verifyApplyLoad(database, post.attempts, baseline, {
      receiptIds: receipts.map((r) => r.id),
      invoices: Array.from({ length: TARGET_INVOICES }, (_, i) => invoiceNumber(i)),
    });
  } finally {
    await database.close();
  }
  return {
    engine,
    imports,
    sizes,
    post: { ...post, verdict },
    list,
    serial,
    check: { code: check.code, seconds: check.seconds, out: check.out },
    serverErrors: server.errors.slice(0, 5),
    serverStatuses: Object.fromEntries([...server.statuses].map(([k, v]) => [String(k), v])),
  };
}

function verdictText(v: LoadVerdict): { ok: boolean; text: string } {
  const problems = [
    v.receiptsOff.length > 0 ? `${v.receiptsOff.length} receipts off` : '',
    v.itemsOff.length > 0 ? `${v.itemsOff.length} items off` : '',
    v.missing.length > 0 ? `${v.missing.length} answered writes missing` : '',
    v.unclaimed.length > 0 ? `${v.unclaimed.length} writes without a 2xx` : '',
    v.wrongRows.length > 0 ? `${v.wrongRows.length} rows not as requested` : '',
    v.unbalanced.length > 0 ? `${v.unbalanced.length} entries unbalanced` : '',
    v.appliedMinor !== v.answeredMinor
      ? `applied ${v.appliedMinor} ≠ answered ${v.answeredMinor} (minor units)`
      : '',
    v.keysWithoutAnswer > 0 ? `${v.keysWithoutAnswer} keys without an answer` : '',
    v.keysStoredOk !== v.requestsOk
      ? `${v.keysStoredOk} keys stored 2xx vs ${v.requestsOk} requests answered 2xx`
      : '',
  ].filter((p) => p !== '');
  return {
    ok: problems.length === 0,
    text:
      problems.length === 0
        ? `${fmt(v.requestsOk)} answered applications all present once, amounts equal (${fmt(Number(v.appliedMinor) / 100, 2)} USD), entries balanced`
        : problems.join('; '),
  };
}

async function pgVersion(): Promise<string> {
  try {
    const c = new pg.Client({ connectionString: values['pg-url'] as string });
    await c.connect();
    const v = (await c.query('show server_version')).rows[0]?.server_version as string;
    const mc = (await c.query('show max_connections')).rows[0]?.max_connections as string;
    await c.end();
    return `PostgreSQL ${v} (server defaults, max_connections ${mc}, fsync and synchronous_commit on)`;
  } catch {
    return 'PostgreSQL n/a';
  }
}

function section(
  results: EngineResult[],
  pgText: string,
  load: { before: number[]; after: number[] },
  fsync: string | null,
): string {
  const shown = process.argv.slice(2).filter((a) => a !== '--');
  const command = `npm run bench:api${shown.length > 0 ? ` -- ${shown.join(' ')}` : ''}`;
  const rows: string[] = [];
  for (const r of results) {
    const postTarget = r.engine === 'postgres' ? 2000 : null;
    rows.push(
      `| application POSTs, ${POST_CLIENTS} clients, sustained over ${SECONDS} s | ${r.engine} | ${fmt(r.post.perSecond)} POSTs/s (slowest second ${fmt(r.post.perSecondMin)}, fastest ${fmt(r.post.perSecondMax)}) | ${postTarget ? `≥ ${fmt(postTarget)} POSTs/s` : 'report (PostgreSQL target ≥ 2,000/s)'} | ${postTarget ? (r.post.perSecond >= postTarget ? 'yes' : `**no** (${fmt((100 * r.post.perSecond) / postTarget)} % of target)`) : '—'} |`,
      `| application POST latency (2xx) | ${r.engine} | p50 ${ms(r.post.latency.p50)}, p99 ${ms(r.post.latency.p99)}, max ${ms(r.post.latency.max)} |  |  |`,
      `| application POST answers (whole run incl. warm-up) | ${r.engine} | final answers ${listKinds(r.post.answers)}; sends retried with the same key after ${sumValues(r.post.transient) === 0 ? 'nothing (no timeout, network error or 5xx)' : listKinds(r.post.transient)}; deliberate repeats answered as replays: ${fmt(r.post.duplicatesReplayed)} | every request answered 2xx, no retry needed | ${sumValues(r.post.transient) === 0 && Object.keys(r.post.answers).every((k) => k.startsWith('2')) ? 'yes' : '**no**'} |`,
    );
    rows.push(
      `| CPU during the POST load | ${r.engine} | ${cpuText(r.post.cpu)}${perRequestText(r.post.cpu, r.post.perSecond, 'POST')} |  |  |`,
    );
    if (r.post.waits)
      rows.push(
        `| PostgreSQL sessions during the POST load (average number in each state, sampled every 200 ms) | ${r.engine} | ${waitsText(r.post.waits)} |  |  |`,
      );
    const v = verdictText(r.post.verdict);
    rows.push(
      `| writes vs answers after the load | ${r.engine} | ${v.text} | nothing lost, nothing twice | ${v.ok ? 'yes' : '**no**'} |`,
    );
    const listTarget = 50;
    rows.push(
      `| list endpoints, ${LIST_CLIENTS} connections (all pages) | ${r.engine} | p50 ${ms(r.list.all.p50)}, p95 ${ms(r.list.all.p95)}, p99 ${ms(r.list.all.p99)}; ${fmt(r.list.perSecond)} requests/s | ${r.engine === 'postgres' ? 'p99 ≤ 50 ms' : 'report (PostgreSQL target p99 ≤ 50 ms)'} | ${r.engine === 'postgres' ? (r.list.all.p99 <= listTarget ? 'yes' : `**no** (${(r.list.all.p99 / listTarget).toFixed(1)} × target)`) : '—'} |`,
    );
    for (const [endpoint, s] of Object.entries(r.list.byEndpoint))
      rows.push(
        `| · GET /api/${endpoint} | ${r.engine} | p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)} (${fmt(s.count)} requests) |  |  |`,
      );
    const non200 = Object.entries(r.list.statuses).filter(([k]) => k !== '200');
    if (non200.length > 0 || sumValues(r.list.networkErrors) > 0)
      rows.push(
        `| list requests without a 200 | ${r.engine} | ${[...non200.map(([k, v]) => `HTTP ${k}: ${fmt(v)}`), listKinds(r.list.networkErrors)].filter((x) => x !== '').join(', ')} | none | **no** |`,
      );
    rows.push(
      `| CPU during the list load | ${r.engine} | ${cpuText(r.list.cpu)}${perRequestText(r.list.cpu, r.list.perSecond, 'request')} |  |  |`,
    );
    if (r.list.waits)
      rows.push(
        `| PostgreSQL sessions during the list load (average number in each state) | ${r.engine} | ${waitsText(r.list.waits)} |  |  |`,
      );
    rows.push(
      `| application POSTs, one client at a time | ${r.engine} | ${serialText(r.serial.post)} |  |  |`,
      `| GET /api/customers (first page of 50), one client at a time | ${r.engine} | ${serialText(r.serial.list, LIST_CLIENTS)} |  |  |`,
    );
    rows.push(
      `| \`arbor check\` after the load | ${r.engine} | exit ${r.check.code} (${r.check.seconds.toFixed(1)} s) | exit 0 | ${r.check.code === 0 ? 'yes' : '**no**'} |`,
    );
  }
  const sizes = results[0]?.sizes;
  const lines = [
    '<!-- bench:api:begin -->',
    '## HTTP API (`npm run bench:api`, issue 5)',
    '',
    'Written by `npm run bench:api` (bench/api/run.ts): `arbor serve` runs as a child process on loopback; this process drives it with keep-alive HTTP (node:http). Every figure below is what that command measured.',
    '',
    `- command: \`${command}\``,
    `- data: ${fmt(sizes?.customers ?? CUSTOMERS)} customers, ${fmt(sizes?.openItems ?? INVOICES)} open items, ${fmt(sizes?.receiptsUnapplied ?? RECEIPTS)} receipts with money unapplied (${fmt(Number(RECEIPT_MINOR) / 100)} USD each), loaded with \`arbor import customers|invoices|history\` (generator: bench/api/generate.ts); ${results.map((r) => `${r.engine}: ${r.imports.map((i) => `${i.what} ${i.seconds.toFixed(1)} s`).join(', ')}`).join('; ')}`,
    `- POST workload: ${POST_CLIENTS} clients, each \`POST /api/receipts/{id}/apply\` of 0.01–0.99 USD of one of ${fmt(RECEIPTS)} receipts to one of ${fmt(TARGET_INVOICES)} invoices, with an Idempotency-Key; network errors and 5xx retried with the same key; 5 % of answered requests sent again and 2 % sent twice at once (each must replay); ${WARMUP} s warm-up, then ${SECONDS} s measured. Token of a \`cash_applier\` user (\`arbor token create\`).`,
    `- list workload: ${LIST_CLIENTS} connections, each reading GET /api/customers, /api/invoices or /api/receipts with a random filter (none, prefix, segment, collector, customer, due before, status) and then up to two more pages by cursor; ${WARMUP} s warm-up, then ${SECONDS} s measured. PostgreSQL: \`ANALYZE\` first (what autovacuum would do after the POST load; this server runs with autovacuum off).`,
    `- server: \`arbor serve\` with ARBOR_DB_POOL=${POOL} (PostgreSQL; PGlite serves one request at a time by design), JSON request logs on (read by the benchmark)`,
    `- machine: ${processorsText()}, ${Math.round(totalmem() / 2 ** 30)} GB; Node ${process.version}; ${pgText} on the same machine; PGlite 0.5 (embedded, data directory on local disk). **The machine was shared** with other engineers' builds and tests during the run (1/5/15-minute load average ${load.before.map((x) => x.toFixed(1)).join(' / ')} before the run, ${load.after.map((x) => x.toFixed(1)).join(' / ')} after it): the load generator, the server and PostgreSQL compete for the same two cores, so these figures are noisy and on the low side.`,
    ...(fsync ? [`- disk: ${fsync} — a bound on commits that must happen one after another`] : []),
    `- run on: ${new Date().toISOString()}`,
    '',
    '| workload | engine | measured | target | met |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
  const errors = results.flatMap((r) => r.serverErrors.map((e) => `${r.engine}: ${e.slice(0, 400)}`));
  if (errors.length > 0)
    lines.push('Server error log lines (first few):', '', ...errors.map((e) => `    ${e}`), '');
  lines.push('<!-- bench:api:end -->');
  return lines.join('\n');
}

async function main() {
  const before = loadavg();
  log(
    `generating ${fmt(CUSTOMERS)} customers, ${fmt(INVOICES)} invoices, ${fmt(RECEIPTS)} receipts in ${workDir}…`,
  );
  const files = await writeApiBenchData(workDir, {
    customers: CUSTOMERS,
    invoices: INVOICES,
    receipts: RECEIPTS,
    receiptMinor: RECEIPT_MINOR,
    today: TODAY,
  });
  const results: EngineResult[] = [];
  for (const engine of engines) {
    if (engine === 'postgres' && !(await serverAnswers(values['pg-url'] as string))) {
      log('no PostgreSQL server answers; skipping the postgres engine');
      continue;
    }
    results.push(await benchEngine(engine, files));
  }
  const after = loadavg();
  log('disk sync rate (pg_test_fsync)…');
  const text = section(results, await pgVersion(), { before, after }, fsyncRate());
  console.log(text);
  for (const r of results) {
    if (r.check.code !== 0) console.error(`[${r.engine}] arbor check:\n${r.check.out}`);
    const v = r.post.verdict;
    for (const [name, list] of Object.entries({
      receiptsOff: v.receiptsOff,
      itemsOff: v.itemsOff,
      missing: v.missing,
      unclaimed: v.unclaimed,
      wrongRows: v.wrongRows,
      unbalanced: v.unbalanced,
    }))
      if (list.length > 0) console.error(`[${r.engine}] ${name}: ${list.slice(0, 5).join('; ')}`);
    if (r.post.waits) console.error(`[${r.engine}] POST waits: ${JSON.stringify(r.post.waits)}`);
    if (r.post.transientSamples.length > 0)
      console.error(`[${r.engine}] transient: ${r.post.transientSamples.join(' | ')}`);
    console.error(`[${r.engine}] server statuses: ${JSON.stringify(r.serverStatuses)}`);
  }
  if (values.write) {
    const out = values.out as string;
    const previous = existsSync(out) ? readFileSync(out, 'utf8') : '';
    const re = /<!-- bench:api:begin -->[\s\S]*<!-- bench:api:end -->/;
    writeFileSync(
      out,
      re.test(previous) ? previous.replace(re, () => text) : `${previous.trimEnd()}\n\n${text}\n`,
    );
    log(`wrote the section to ${out}`);
  }
}

await main();
