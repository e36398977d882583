import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import { isUnderRowSecurity, markRowSecurity } from '../db/row-security.ts';
import type { DB } from '../db/schema.ts';
import { tenantEntered, tenantSettingsSql } from '../db/tenant-begin.ts';

/**
 * A view of the database bound to one open transaction. Services open their own transactions with
 * `ctx.database.db.transaction().execute(fn)`; inside a request that call joins the request's
 * transaction instead, so everything a request does (its writes, its audit entries, its idempotency
 * record) commits or rolls back together. Methods are bound to the real transaction because Kysely
 * keeps its state in private fields, which a proxy cannot reach. Scripts given to `exec` are queued
 * in `afterCommit` for the caller to run once the transaction has committed.
 */
export function joinTransaction(
  database: Database,
  tx: Transaction<DB>,
  afterCommit: string[] = [],
): Database {
  const joined = () => {
    const builder = {
      setIsolationLevel: () => builder,
      setAccessMode: () => builder,
      execute: <T>(fn: (t: Transaction<DB>) => Promise<T>) => fn(tx),
    };
    return builder;
  };
  const db = new Proxy(tx, {
    get(target, prop) {
      if (prop === 'transaction' || prop === 'startTransaction') return joined;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as Kysely<DB>;
  if (isUnderRowSecurity(tx)) markRowSecurity(db);
  // A script (ANALYZE, VACUUM after a large import) runs on its own connection, outside any
  // transaction: inside a request it waits until the request has committed (on PGlite it would
  // otherwise wait for the request's own transaction to end, forever).
  return {
    ...database,
    db,
    exec: async (script) => {
      afterCommit.push(script);
    },
  };
}

/**
 * Acts as the `arbor_app` role for the tenant until the transaction ends: PostgreSQL's row-level
 * security then shows and accepts only the tenant's rows (migration 04), whatever a query forgets.
 */
export async function enterTenant(tx: Transaction<DB>, tenantId: number): Promise<void> {
  // On a server the transaction usually began as the tenant already, in the same round trip as its
  // `begin` (db/tenant-begin.ts, inside beginAsTenant).
  if (!tenantEntered(tenantId)) await sql.raw(tenantSettingsSql(tenantId)).execute(tx);
  markRowSecurity(tx);
}

const RETRYABLE = new Set(['40001', '40P01']);

/** A serialization failure or deadlock: the whole unit of work may be run again. */
export function isRetryable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const YIELD_EVERY_MS = 10;

/**
 * One at a time, in arrival order. The embedded engine has a single connection, and Kysely's PGlite
 * driver keeps one transaction per connection: two requests interleaving there would run inside each
 * other's transaction. On PGlite the server therefore serializes requests that touch the database.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #yielded = Number.NEGATIVE_INFINITY;

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((r) => {
      release = r;
    });
    await previous;
    // Back to the event loop now and then: the embedded engine answers without waiting on I/O, so
    // holders handing over to each other in one run of promise callbacks would keep the server from
    // reading its sockets, and requests not yet read would wait behind every queued one. Not before
    // every holder: a turn of the event loop per request cost a quarter of the list throughput.
    if (performance.now() - this.#yielded >= YIELD_EVERY_MS) {
      await new Promise<void>((resume) => setImmediate(resume));
      this.#yielded = performance.now();
    }
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
