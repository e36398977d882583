import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../src/db/database.ts';
import { type HttpAnswer, type HttpClient, prng, runClients, sleep } from './http-load.ts';

/**
 * Manual applications through the HTTP API under concurrency, with client retries, and the checks
 * that nothing was applied twice, over-applied, lost or half-written (issue 5 acceptance; used by
 * test/e2e/api-concurrency.int.test.ts, test/e2e/api-kill.int.test.ts and bench/api/run.ts).
 *
 * Each logical request has its own Idempotency-Key. A network error or a 5xx is retried with the
 * SAME key and body, as a careful client does; a 2xx or 4xx is final. A sample of answered requests
 * is sent again (one after the answer, some at the same moment as the first) to check that the
 * server replays instead of applying again.
 */

export interface ReceiptRef {
  readonly id: string;
  readonly reference: string;
}

/** The apply request of the cash workbench: `amount` (major units) of `receipt` to invoice `invoice`. */
export function applyRequest(receipt: ReceiptRef, invoice: string, amount: string) {
  return {
    path: `/api/receipts/${encodeURIComponent(receipt.id)}/apply`,
    body: { rows: [{ kind: 'item', number: invoice, amount }] },
  };
}

export interface ApplyAttempt {
  readonly key: string;
  readonly receiptId: string;
  readonly invoice: string;
  readonly amountMinor: bigint;
  /** Sends of the same key (retries after network errors and 5xx, and deliberate repeats). */
  sends: number;
  /** The final answer's status; null when no answer came (the server died, or the run ended). */
  status: number | null;
  /** The problem code of a 4xx/5xx answer. */
  code: string | null;
  /** Application ids in the 2xx answer. */
  applicationIds: string[];
  /** 2xx answers received for this key (first answer plus deliberate repeats). */
  okAnswers: number;
  /** 2xx answers marked `idempotent-replayed: true`. */
  replayedAnswers: number;
  /** A repeat whose answer differed from the first 2xx (other ids, or not a replay): must stay 0. */
  mismatches: string[];
  /** Network errors and 5xx seen before the final answer. */
  transient: number;
}

export interface ApplyLoadOptions {
  readonly client: HttpClient;
  readonly clients: number;
  readonly receipts: readonly ReceiptRef[];
  readonly invoices: readonly string[];
  /** Minor units of one request, from a random number in [0,1). */
  readonly amountMinor: (r: number) => bigint;
  /** Exponent of the currency (2 for USD). */
  readonly exponent?: number;
  /** Stop starting requests when true; a request in flight then gets no more retries. */
  readonly stop: () => boolean;
  /** Share of answered requests sent once more with the same key after the answer (default 0.05). */
  readonly repeatShare?: number;
  /** Share of requests sent twice at once with the same key (default 0.02). */
  readonly doubleShare?: number;
  readonly seed?: number;
  /** Every final answer, for latency and throughput accounting. */
  readonly onAnswer?: (a: HttpAnswer, attempt: ApplyAttempt) => void;
  /** Every transient failure (network error or 5xx) with its description. */
  readonly onTransient?: (what: string) => void;
}

export function formatMinor(minor: bigint, exponent = 2): string {
  const neg = minor < 0n;
  const s = (neg ? -minor : minor).toString().padStart(exponent + 1, '0');
  const text = exponent === 0 ? s : `${s.slice(0, -exponent)}.${s.slice(-exponent)}`;
  return neg ? `-${text}` : text;
}

/** Every `app_…` id anywhere in a JSON answer (the answer's shape is the route's; the ids are what matter). */
export function applicationIdsIn(body: string): string[] {
  return [...new Set(body.match(/\bapp_[0-9A-HJKMNP-TV-Z]{26}\b/g) ?? [])].sort();
}

function problemCode(body: string): string | null {
  try {
    const v = JSON.parse(body) as { code?: unknown };
    return typeof v.code === 'string' ? v.code : null;
  } catch {
    return null;
  }
}

/** Runs the load until `stop()`; returns one record per logical request. */
export async function runApplyLoad(o: ApplyLoadOptions): Promise<ApplyAttempt[]> {
  const attempts: ApplyAttempt[] = [];
  const random = prng(o.seed ?? 1);
  const run = randomBytes(4).toString('hex');
  let n = 0;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;

  /** Sends until a final answer (2xx or 4xx) or until told to stop; null when none came. */
  async function send(a: ApplyAttempt, path: string, body: unknown): Promise<HttpAnswer | null> {
    for (let backoff = 20; ; backoff = Math.min(backoff * 2, 500)) {
      a.sends++;
      try {
        const answer = await o.client.request('POST', path, { body, headers: { 'idempotency-key': a.key } });
        if (answer.status < 500) return answer;
        a.transient++;
        o.onTransient?.(`${answer.status} ${problemCode(answer.body) ?? answer.body.slice(0, 200)}`);
      } catch (e) {
        a.transient++;
        o.onTransient?.(`network: ${(e as Error).message}`);
      }
      if (o.stop()) return null;
      await sleep(backoff);
      if (o.stop()) return null;
    }
  }

  function record(a: ApplyAttempt, answer: HttpAnswer) {
    if (a.status === null) {
      a.status = answer.status;
      if (answer.status >= 200 && answer.status < 300) a.applicationIds = applicationIdsIn(answer.body);
      else a.code = problemCode(answer.body);
      o.onAnswer?.(answer, a);
    } else if (a.status < 300 && answer.status >= 300)
      a.mismatches.push(`answer ${answer.status} after a 2xx for the same key`);
    if (answer.status >= 200 && answer.status < 300) {
      a.okAnswers++;
      if (answer.headers['idempotent-replayed'] === 'true') a.replayedAnswers++;
      const ids = applicationIdsIn(answer.body).join(',');
      if (ids !== a.applicationIds.join(','))
        a.mismatches.push(`answer with applications [${ids}] after [${a.applicationIds.join(',')}]`);
    }
  }

  await runClients(o.clients, o.stop, async () => {
    const receipt = pick(o.receipts);
    const invoice = pick(o.invoices);
    const amountMinor = o.amountMinor(random());
    const a: ApplyAttempt = {
      key: `load-${run}-${n++}`,
      receiptId: receipt.id,
      invoice,
      amountMinor,
      sends: 0,
      status: null,
      code: null,
      applicationIds: [],
      okAnswers: 0,
      replayedAnswers: 0,
      mismatches: [],
      transient: 0,
    };
    attempts.push(a);
    const { path, body } = applyRequest(receipt, invoice, formatMinor(amountMinor, o.exponent));
    const double = random() < (o.doubleShare ?? 0.02);
    const repeat = random() < (o.repeatShare ?? 0.05);
    const answers = await Promise.all(
      double ? [send(a, path, body), send(a, path, body)] : [send(a, path, body)],
    );
    // Of two sent at once, the one that ran sets the record and the other must be its replay. A
    // refusal stores nothing, so after one the other runs afresh: a 2xx, if any, is the record.
    const rank = (x: HttpAnswer) =>
      (x.status >= 200 && x.status < 300 ? 0 : 2) + (x.headers['idempotent-replayed'] === 'true' ? 1 : 0);
    const sorted = answers.filter((x): x is HttpAnswer => x !== null).sort((x, y) => rank(x) - rank(y));
    for (const answer of sorted) record(a, answer);
    if (repeat && a.status !== null && a.status < 300 && !o.stop()) {
      const again = await send(a, path, body);
      if (again) {
        record(a, again);
        if (again.headers['idempotent-replayed'] !== 'true')
          a.mismatches.push('a repeat after a 2xx was not a replay');
      }
    }
  });
  return attempts;
}

/** What the database held before the load, to tell the load's own rows apart. */
export interface LoadBaseline {
  readonly applicationIds: ReadonlySet<string>;
}

export async function takeBaseline(database: Database): Promise<LoadBaseline> {
  const rows = await database.db.selectFrom('applications').select('id').execute();
  return { applicationIds: new Set(rows.map((r) => r.id)) };
}

export interface LoadVerdict {
  /** Receipts where amount ≠ applied + unapplied, or unapplied < 0. */
  readonly receiptsOff: string[];
  /** Items whose open amount is below zero or differs from amount − applications. */
  readonly itemsOff: string[];
  /** Sum of the load's applications (minor units). */
  readonly appliedMinor: bigint;
  /** Sum of the amounts of distinct requests answered 2xx. */
  readonly answeredMinor: bigint;
  /** Application ids answered 2xx but not in the database (a lost write). */
  readonly missing: string[];
  /** The load's application rows no 2xx answer named (written without an answer: crash or bug). */
  readonly unclaimed: string[];
  /** An application row whose amount, receipt or item differs from its request. */
  readonly wrongRows: string[];
  /** Journal entries of the load's applications that are missing or do not balance. */
  readonly unbalanced: string[];
  /** Idempotency keys stored without an answer (claimed, never completed). */
  readonly keysWithoutAnswer: number;
  /** Keys with a stored 2xx answer vs distinct requests answered 2xx. */
  readonly keysStoredOk: number;
  readonly requestsOk: number;
}

/**
 * Compares the database with the answers: per receipt and per item, the materialized amounts equal
 * what the application rows say; the load's application rows are exactly those named by 2xx answers
 * (each with its request's amount, receipt and invoice); each one's journal entry balances.
 */
export async function verifyApplyLoad(
  database: Database,
  attempts: readonly ApplyAttempt[],
  baseline: LoadBaseline,
  scope: { receiptIds: readonly string[]; invoices: readonly string[] },
): Promise<LoadVerdict> {
  const db = database.db;
  const receiptsOff = (
    await sql<{ id: string; amount: string; unapplied: string; applied: string; returned: string }>`
      select r.id, r.amount_minor::text as amount, r.unapplied_minor::text as unapplied,
        r.returned_minor::text as returned,
        coalesce((select sum(a.amount_minor) from applications a
          where a.tenant_id = r.tenant_id and a.receipt_id = r.id), 0)::text as applied
      from receipts r where r.id = any(${scope.receiptIds as string[]})`.execute(db)
  ).rows
    .filter(
      (r) =>
        BigInt(r.unapplied) < 0n ||
        BigInt(r.amount) - BigInt(r.returned) !== BigInt(r.applied) + BigInt(r.unapplied),
    )
    .map((r) => `${r.id}: amount ${r.amount}, applied ${r.applied}, unapplied ${r.unapplied}`);
  const itemsOff = (
    await sql<{ number: string; amount: string; open: string; settled: string }>`
      select i.number, i.amount_minor::text as amount, i.open_minor::text as open,
        coalesce((select sum(a.amount_minor) from applications a
          where a.tenant_id = i.tenant_id and a.item_id = i.id and a.kind in ('invoice', 'credit_memo')), 0)::text as settled
      from items i where i.number = any(${scope.invoices as string[]})`.execute(db)
  ).rows
    .filter((r) => BigInt(r.open) < 0n || BigInt(r.amount) - BigInt(r.settled) !== BigInt(r.open))
    .map((r) => `${r.number}: amount ${r.amount}, settled ${r.settled}, open ${r.open}`);

  const rows = (
    await sql<{
      id: string;
      receipt_id: string | null;
      number: string | null;
      amount: string;
      journal_entry_id: string;
    }>`
      select a.id, a.receipt_id, i.number, a.amount_minor::text as amount, a.journal_entry_id
      from applications a left join items i on i.tenant_id = a.tenant_id and i.id = a.item_id
      where a.receipt_id = any(${scope.receiptIds as string[]})`.execute(db)
  ).rows.filter((r) => !baseline.applicationIds.has(r.id));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ok = attempts.filter((a) => a.status !== null && a.status >= 200 && a.status < 300);
  const named = new Set<string>();
  const missing: string[] = [];
  const wrongRows: string[] = [];
  for (const a of ok) {
    for (const id of a.applicationIds) {
      named.add(id);
      const r = byId.get(id);
      if (!r) missing.push(`${id} (key ${a.key})`);
      else if (r.receipt_id !== a.receiptId || r.number !== a.invoice || BigInt(r.amount) !== a.amountMinor)
        wrongRows.push(
          `${id} (key ${a.key}): ${r.receipt_id} ${r.number} ${r.amount} for ${a.receiptId} ${a.invoice} ${a.amountMinor}`,
        );
    }
  }
  const unclaimed = rows.filter((r) => !named.has(r.id)).map((r) => `${r.id} ${r.number} ${r.amount}`);
  const entryIds = [...new Set(rows.map((r) => r.journal_entry_id))];
  const balanced = new Map<string, { lines: number; sum: bigint }>();
  for (let i = 0; i < entryIds.length; i += 10_000) {
    for (const e of (
      await sql<{ entry_id: string; lines: string; total: string }>`
        select entry_id, count(*)::text as lines, sum(amount_minor)::text as total from journal_lines
        where entry_id = any(${entryIds.slice(i, i + 10_000)}) group by entry_id`.execute(db)
    ).rows)
      balanced.set(e.entry_id, { lines: Number(e.lines), sum: BigInt(e.total) });
  }
  const unbalanced = entryIds.filter((id) => {
    const e = balanced.get(id);
    return !e || e.lines < 2 || e.sum !== 0n;
  });
  const keys = (
    await sql<{ without: string; ok: string }>`
      select count(*) filter (where status_code is null)::text as without,
        count(*) filter (where status_code between 200 and 299)::text as ok
      from idempotency_keys where key = any(${attempts.map((a) => a.key)})`.execute(db)
  ).rows[0];
  return {
    receiptsOff,
    itemsOff,
    appliedMinor: rows.reduce((s, r) => s + BigInt(r.amount), 0n),
    answeredMinor: ok.reduce((s, a) => s + a.amountMinor, 0n),
    missing,
    unclaimed,
    wrongRows,
    unbalanced,
    keysWithoutAnswer: Number(keys?.without ?? 0),
    keysStoredOk: Number(keys?.ok ?? 0),
    requestsOk: ok.length,
  };
}

/** Counts of final answers by status and problem code, for reports. */
export function tallyAnswers(attempts: readonly ApplyAttempt[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of attempts) {
    const k = a.status === null ? 'no answer' : a.code ? `${a.status} ${a.code}` : String(a.status);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
