/**
 * What PostgreSQL spends on each statement of an application POST, one request at a time:
 *
 *   npx tsx bench/api/statements.ts [--requests 60] [--log /var/log/postgresql/postgresql-15-main.log]
 *                                   [--db postgres://postgres@127.0.0.1:5432/arbor_bench_api]
 *                                   [--get '/api/customers?limit=50']
 *
 * With --get, the request is that GET instead of the application POST.
 *
 * Runs on the database `npm run bench:api` left (its receipts and invoices). For the run, the
 * database logs every statement with its duration (`log_min_duration_statement = 0`, set on the
 * database and reset afterwards); `arbor serve` gets --requests manual applications
 * (`POST /api/receipts/{id}/apply`, as in bench:api) from one client; the server log written
 * meanwhile is read back and its parse, bind (planning) and execute times summed per statement text.
 * Needs to read the server's log file (--log) and a server that logs to it.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { applyRequest } from '../../test/support/apply-load.ts';
import { HttpClient } from '../../test/support/http-load.ts';
import { createUserAndToken, startServeProcess } from '../../test/support/serve-process.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '60' },
    log: { type: 'string', default: '/var/log/postgresql/postgresql-15-main.log' },
    db: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/arbor_bench_api' },
    get: { type: 'string' },
  },
});
const target = values.db as string;
const logFile = values.log as string;
const requests = Number(values.requests);
const database = new URL(target).pathname.slice(1);

const admin = new pg.Client({ connectionString: target });
await admin.connect();
const receipts = (
  await admin.query<{ id: string; reference: string }>(
    'select id, reference from receipts where unapplied_minor > 100000 order by id limit 20',
  )
).rows;
const invoices = (
  await admin.query<{ number: string }>(
    `select number from items where type = 'invoice' and open_minor > 100000 order by id limit 200`,
  )
).rows.map((r) => r.number);
if (receipts.length === 0 || invoices.length === 0)
  throw new Error(`${database}: no receipts or invoices to apply; run npm run bench:api first`);

const user = `statements${Date.now() % 100000}`;
const token = await createUserAndToken(target, user, 'cash_applier');
const quoted = `"${database.replaceAll('"', '""')}"`;
// Sessions read the setting when they start: set it before the server opens its connections.
await admin.query(`alter database ${quoted} set log_min_duration_statement = 0`);
let from = 0;
try {
  const serve = await startServeProcess(target, { ARBOR_DB_POOL: '4' });
  const client = new HttpClient(serve.url, { sockets: 1, token });
  try {
    const send = async (i: number) => {
      if (values.get !== undefined) {
        const a = await client.request('GET', values.get);
        if (a.status !== 200) throw new Error(`GET ${values.get}: ${a.status} ${a.body.slice(0, 200)}`);
        return;
      }
      const r = applyRequest(
        receipts[i % receipts.length] as (typeof receipts)[number],
        invoices[(i * 7) % invoices.length] as string,
        '0.01',
      );
      const a = await client.request('POST', r.path, {
        body: r.body,
        headers: { 'idempotency-key': `${user}-${i}` },
      });
      if (a.status >= 300) throw new Error(`POST ${r.path}: ${a.status} ${a.body.slice(0, 200)}`);
    };
    // Warm the connections and their prepared statements first; their lines are not counted.
    for (let i = 0; i < 20; i++) await send(i);
    from = statSync(logFile).size;
    for (let i = 20; i < 20 + requests; i++) await send(i);
  } finally {
    client.close();
    await serve.stop();
  }
} finally {
  await admin.query(`alter database ${quoted} reset log_min_duration_statement`);
  await admin.end();
}

const text = readFileSync(logFile).subarray(from).toString('utf8');
const escaped = database.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const entry = new RegExp(
  `@${escaped} LOG: {2}duration: ([\\d.]+) ms {2}(parse|bind|execute|statement)[^:]*: ?(.*)\\n((?:\\t.*\\n?)*)`,
  'g',
);
const sums = new Map<string, { kind: string; text: string; n: number; ms: number }>();
let total = 0;
for (const m of text.matchAll(entry)) {
  const statement = `${m[3]} ${m[4]}`.replace(/\s+/g, ' ').trim().slice(0, 110);
  const key = `${m[2]}|${statement}`;
  const s = sums.get(key) ?? { kind: m[2] as string, text: statement, n: 0, ms: 0 };
  s.n++;
  s.ms += Number(m[1]);
  total += Number(m[1]);
  sums.set(key, s);
}
if (sums.size === 0)
  throw new Error(
    `nothing logged in ${logFile}: does the server log there (log_destination, logging_collector)?`,
  );
const what = values.get === undefined ? 'application POST' : `GET ${values.get}`;
console.log(
  `${requests} × ${what}, one at a time; PostgreSQL's logged time per request: ${(total / requests).toFixed(3)} ms`,
);
console.log('ms/request  calls/request  kind       statement');
for (const s of [...sums.values()].sort((a, b) => b.ms - a.ms))
  console.log(
    `${(s.ms / requests).toFixed(3).padStart(10)}  ${(s.n / requests).toFixed(2).padStart(13)}  ${s.kind.padEnd(9)}  ${s.text}`,
  );
