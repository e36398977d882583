import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  type TransactionSettings,
} from 'kysely';

/**
 * Beginning a transaction and entering a tenant (row-level security, see api/unit-of-work.ts) in one
 * round trip. A request's unit of work runs inside `beginAsTenant(tenantId, …)`; the first
 * transaction begun there on a PostgreSQL server sends `begin` and the `set_config` calls as one
 * simple query, and `tenantEntered()` then tells the unit of work that its own query is not needed.
 * Every round trip to the server costs the API a system call and a wake-up of a server process, and
 * a request makes few of them (docs/benchmarks.md, bench:api). Other engines and transactions begin
 * as usual.
 */
interface PendingTenant {
  readonly tenantId: number;
  /** Plan the transaction's prepared statements once (see `beginAsTenant`). */
  readonly genericPlans: boolean;
  /** Set once a transaction has begun as the tenant: later ones begin as usual. */
  entered: boolean;
}

const pending = new AsyncLocalStorage<PendingTenant>();

/** The settings a unit of work sets, as SQL; `tenantId` is checked to be an integer first. */
export function tenantSettingsSql(tenantId: number, genericPlans = false): string {
  if (!Number.isSafeInteger(tenantId)) throw new Error(`not a tenant id: ${tenantId}`);
  // No parallel workers for a request's queries: they are small and many run at once, and starting
  // workers for each costs more than it saves (measured under load, docs/benchmarks.md bench:api).
  return `select set_config('role', 'arbor_app', true), set_config('arbor.tenant_id', '${tenantId}', true),
    set_config('max_parallel_workers_per_gather', '0', true)${
      genericPlans ? `, set_config('plan_cache_mode', 'force_generic_plan', true)` : ''
    }`;
}

/**
 * Runs `fn` with its first transaction beginning as the tenant. `genericPlans`: the transaction's
 * named prepared statements (db/prepared-statements.ts) are planned once per connection and the plan
 * reused, instead of planned again for each call's values whenever PostgreSQL guesses that pays. For
 * requests whose statements all go by key (a manual application: the receipt, its items by number,
 * the posting, the audit rows), where the plan cannot depend on the values: PostgreSQL planned the
 * application's posting statement on every call, 0.4 ms of its 0.9 ms.
 */
export function beginAsTenant<T>(
  tenantId: number,
  fn: () => Promise<T>,
  options: { genericPlans?: boolean } = {},
): Promise<T> {
  return pending.run({ tenantId, entered: false, genericPlans: options.genericPlans ?? false }, fn);
}

/** Whether the current `beginAsTenant` scope's transaction has begun as its tenant already. */
export function tenantEntered(tenantId: number): boolean {
  const store = pending.getStore();
  return store?.entered === true && store.tenantId === tenantId;
}

class TenantBeginDriver extends PostgresDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const store = pending.getStore();
    if (store === undefined || store.entered || settings.isolationLevel || settings.accessMode) {
      await super.beginTransaction(connection, settings);
      return;
    }
    // Without parameters, pg sends this as one simple query: two statements, one round trip.
    try {
      await connection.executeQuery(
        CompiledQuery.raw(`begin; ${tenantSettingsSql(store.tenantId, store.genericPlans)}`),
      );
    } catch (error) {
      // The transaction may have begun: end it, so the connection goes back to the pool clean.
      await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
      throw error;
    }
    store.entered = true;
  }
}

/** PostgresDialect whose transactions can begin as a tenant (see above). */
export class TenantAwarePostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;

  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new TenantBeginDriver(this.#config);
  }
}
