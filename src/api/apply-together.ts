import type { Context } from 'hono';
import { sql } from 'kysely';
import type { ServiceContext } from '../core/context.ts';
import { columnArray, preparedStatement } from '../db/bulk.ts';
import { beginAsTenant } from '../db/tenant-begin.ts';
import { DeferredAudit, flushDeferredAudit, withAuditContext } from '../modules/audit/index.ts';
import {
  applyManuallyTogether,
  type TogetherRequest,
  type WorkbenchResult,
} from '../modules/cash-application/index.ts';
import type { ApiDeps, ApiEnv } from './env.ts';
import { enterTenant, isRetryable, joinTransaction } from './unit-of-work.ts';

/**
 * Manual applications over HTTP, written many to a transaction (ADR 0017).
 *
 * Requests of one user that arrive while one of that user's units of work is being written wait for
 * the next; everything waiting then goes as one batch, one transaction: the idempotency keys claimed
 * in one statement, the applications written set by set (`applyManuallyTogether`), one audit append
 * with a row per request, and every answer stored in one more statement. A request arriving while
 * nothing is being written runs at once, alone, through the usual unit of work (`alone`), and so
 * does every request the batch does not take (a replayed or reused key, a receipt with suggestions,
 * bad rows, too much money, …), after the batch has committed: the same answer it always got.
 */

/** One request, as the route hands it over. */
export interface TogetherJob {
  readonly c: Context<ApiEnv>;
  readonly request: Omit<TogetherRequest, 'requestId' | 'source'>;
  /** The Idempotency-Key (checked already) and the request's hash, as runUnitOfWork makes them. */
  readonly key: string | undefined;
  readonly requestHash: string;
  /** The answer for the request's result. */
  readonly respond: (result: WorkbenchResult) => Response;
  /** The request alone, through the usual unit of work. */
  readonly alone: () => Promise<Response>;
}

interface Waiting {
  readonly job: TogetherJob;
  readonly resolve: (response: Response) => void;
  readonly reject: (error: unknown) => void;
}

interface Lane {
  readonly tenantId: number;
  readonly userId: string;
  readonly actor: string;
  readonly waiting: Waiting[];
  running: number;
}

/** Requests per transaction at most. */
export const BATCH_LIMIT = 64;
/**
 * Units of work of one user written at once: while one is in PostgreSQL the process can build the
 * next. Requests queue only once this many are running.
 */
const IN_FLIGHT = 2;

export class ApplyTogether {
  readonly #lanes = new Map<string, Lane>();
  /** Counts, for the tests: batches written, the requests they answered, and requests run alone. */
  readonly stats = { batches: 0, together: 0, alone: 0 };

  constructor(private readonly deps: ApiDeps) {}

  submit(job: TogetherJob): Promise<Response> {
    const principal = job.c.get('principal');
    const name = `${principal.tenantId}\u0000${principal.userId}`;
    let lane = this.#lanes.get(name);
    if (!lane) {
      lane = {
        tenantId: principal.tenantId,
        userId: principal.userId,
        actor: principal.username,
        waiting: [],
        running: 0,
      };
      this.#lanes.set(name, lane);
    }
    if (lane.running < IN_FLIGHT && lane.waiting.length === 0) {
      // Nothing to wait for: a batch of one is the usual path.
      const l = lane;
      l.running++;
      this.stats.alone++;
      return job.alone().finally(() => this.#next(l, name));
    }
    const l = lane;
    return new Promise<Response>((resolve, reject) => {
      l.waiting.push({ job, resolve, reject });
    });
  }

  #next(lane: Lane, name: string): void {
    lane.running--;
    if (lane.waiting.length === 0) {
      if (lane.running === 0) this.#lanes.delete(name);
      return;
    }
    const batch = lane.waiting.splice(0, BATCH_LIMIT);
    lane.running++;
    const done = () => this.#next(lane, name);
    if (batch.length === 1) {
      const only = batch[0] as Waiting;
      this.stats.alone++;
      only.job.alone().then(only.resolve, only.reject).finally(done);
      return;
    }
    this.#write(lane, batch).finally(done);
  }

  async #write(lane: Lane, batch: readonly Waiting[]): Promise<void> {
    let alone: Waiting[];
    try {
      const { answered, left, afterCommit } = await this.#transaction(lane, batch);
      for (const script of afterCommit) {
        try {
          await this.deps.database.exec(script);
        } catch (error) {
          // Maintenance (statistics) only: the batch is committed.
          this.deps.logger.warn('maintenance_failed', { statement: script, error: String(error) });
        }
      }
      this.stats.batches++;
      this.stats.together += answered.length;
      for (const { waiting, response } of answered) waiting.resolve(response);
      alone = left;
    } catch (error) {
      // Not a conflict the batch could rerun: each request alone, so an unexpected error costs speed,
      // never an answer (and a request that fails alone fails with its own error).
      this.deps.logger.warn('apply_batch_failed', { requests: batch.length, error: String(error) });
      alone = [...batch];
    }
    this.stats.alone += alone.length;
    await Promise.all(alone.map((w) => w.job.alone().then(w.resolve, w.reject)));
  }

  async #transaction(
    lane: Lane,
    batch: readonly Waiting[],
  ): Promise<{
    answered: { waiting: Waiting; response: Response }[];
    left: Waiting[];
    afterCommit: string[];
  }> {
    const { tenantId, userId } = lane;
    for (let attempt = 1; ; attempt++) {
      const afterCommit: string[] = [];
      try {
        const done = await beginAsTenant(
          tenantId,
          () =>
            this.deps.database.db.transaction().execute(async (tx) => {
              await enterTenant(tx, tenantId);
              const left: Waiting[] = [];
              // A key twice in one batch (a client's retry racing its first send): the second waits
              // for the first's answer, alone.
              const seen = new Set<string>();
              const keyed: Waiting[] = [];
              const members: Waiting[] = [];
              for (const w of batch) {
                const key = w.job.key;
                if (key === undefined) members.push(w);
                else if (seen.has(key)) left.push(w);
                else {
                  seen.add(key);
                  keyed.push(w);
                }
              }
              if (keyed.length > 0) {
                const claimed = new Set(
                  (
                    await sql<{ key: string }>`insert into idempotency_keys
                      (tenant_id, user_id, key, method, path, request_hash)
                      select ${tenantId}, ${userId}, k, 'POST', p, h
                      from unnest(${columnArray(
                        keyed.map((w) => w.job.key),
                        'text',
                      )}, ${columnArray(
                        keyed.map((w) => w.job.c.req.path),
                        'text',
                      )}, ${columnArray(
                        keyed.map((w) => w.job.requestHash),
                        'text',
                      )}) as v(k, p, h)
                      on conflict do nothing
                      returning key`.execute(tx)
                  ).rows.map((r) => r.key),
                );
                // A key already there: its replay, its 409 or its wait, alone.
                for (const w of keyed) (claimed.has(w.job.key as string) ? members : left).push(w);
              }
              const ctx: ServiceContext = {
                database: joinTransaction(this.deps.database, tx, afterCommit),
                clock: this.deps.clock,
                tenantId,
                actor: lane.actor,
              };
              const deferred = new DeferredAudit();
              const results = await withAuditContext({ deferred }, () =>
                applyManuallyTogether(
                  ctx,
                  tx,
                  members.map((w) => ({
                    ...w.job.request,
                    requestId: w.job.c.get('requestId') ?? null,
                    source: w.job.c.get('source') ?? null,
                  })),
                ),
              );
              const answered: { waiting: Waiting; response: Response }[] = [];
              const released: string[] = [];
              const stored: { key: string; status: number; type: string | null; body: string }[] = [];
              for (let i = 0; i < members.length; i++) {
                const w = members[i] as Waiting;
                const result = results[i];
                if (!result) {
                  if (w.job.key !== undefined) released.push(w.job.key);
                  left.push(w);
                  continue;
                }
                const response = w.job.respond(result);
                answered.push({ waiting: w, response });
                if (w.job.key !== undefined)
                  stored.push({
                    key: w.job.key,
                    status: response.status,
                    type: response.headers.get('content-type'),
                    body: await response.clone().text(),
                  });
              }
              // The answers go with the audit rows, in their round trip; the keys of the requests
              // that go alone are given back, so that they claim them again there.
              const companions = [];
              if (stored.length > 0)
                companions.push(
                  preparedStatement(
                    'idempotency_keys',
                    sql`update idempotency_keys k set status_code = v.s, content_type = v.t, response_body = v.b
                      from unnest(${columnArray(
                        stored.map((s) => s.key),
                        'text',
                      )}, ${columnArray(
                        stored.map((s) => s.status),
                        'integer',
                      )}, ${columnArray(
                        stored.map((s) => s.type),
                        'text',
                      )}, ${columnArray(
                        stored.map((s) => s.body),
                        'text',
                      )}) as v(k, s, t, b)
                      where k.tenant_id = ${tenantId} and k.user_id = ${userId} and k.key = v.k`,
                    stored.length,
                  ),
                );
              if (released.length > 0)
                companions.push(
                  preparedStatement(
                    'idempotency_keys',
                    sql`delete from idempotency_keys where tenant_id = ${tenantId} and user_id = ${userId}
                      and key = any(${columnArray(released, 'text')})`,
                    released.length,
                  ),
                );
              await flushDeferredAudit(tx, deferred, companions);
              return { answered, left };
            }),
          { genericPlans: true },
        );
        return { ...done, afterCommit };
      } catch (e) {
        if (attempt < 4 && isRetryable(e)) continue;
        throw e;
      }
    }
  }
}

const instances = new WeakMap<ApiDeps, ApplyTogether>();

/** The app's batcher, or null where requests cannot share a transaction (the embedded engine serves one at a time). */
export function applyTogether(deps: ApiDeps): ApplyTogether | null {
  if (deps.database.kind !== 'postgres') return null;
  let batcher = instances.get(deps);
  if (!batcher) {
    batcher = new ApplyTogether(deps);
    instances.set(deps, batcher);
  }
  return batcher;
}
