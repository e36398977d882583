import type { Kysely, Transaction } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import { ulid } from '../../core/ids.ts';
import { withDbErrors } from '../../db/db-errors.ts';
import type { DB } from '../../db/schema.ts';

/**
 * Runs `fn` in one transaction, database errors translated. Inside a transaction already (an API
 * request joins services into its own, ADR 0011; a caller may hand us its transaction) it runs there.
 */
export function inTransaction<T>(ctx: ServiceContext, fn: (tx: Executor) => Promise<T>): Promise<T> {
  const db = ctx.database.db;
  if (db.isTransaction) return withDbErrors(() => fn(db));
  return db.transaction().execute((tx) => withDbErrors(() => fn(tx)));
}

/**
 * The context bound to an open transaction, so that another module's service (approvals opens its
 * own transaction) joins ours: a dispute resolved by a credit memo records the dispute, the memo and
 * their audit entries together or not at all. The same technique as the API's joinTransaction
 * (src/api/unit-of-work.ts), which modules do not import.
 */
export function joinedContext(ctx: ServiceContext, tx: Executor): ServiceContext {
  const joined = () => {
    const builder = {
      setIsolationLevel: () => builder,
      setAccessMode: () => builder,
      execute: <T>(fn: (t: Transaction<DB>) => Promise<T>) => fn(tx as Transaction<DB>),
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
  return { ...ctx, database: { ...ctx.database, db } };
}

/** Id prefixes of this module's objects (time-sortable ULIDs, as core/ids.ts makes them). */
const PREFIXES = {
  activity: 'act',
  promise: 'ptp',
  plan: 'pln',
  dispute: 'dsp',
  hold: 'hld',
} as const;

export type CollectionsIdKind = keyof typeof PREFIXES;

export function newCollectionsId(kind: CollectionsIdKind): string {
  return `${PREFIXES[kind]}_${ulid()}`;
}
