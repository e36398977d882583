import { AsyncLocalStorage } from 'node:async_hooks';

/** Where a change came from: the request that made it and the client's address. */
export interface AuditContext {
  readonly requestId?: string | null | undefined;
  readonly source?: string | null | undefined;
  /**
   * When set, `recordAudit` collects the records here instead of writing them, and the owner of the
   * unit of work writes them with `flushDeferredAudit` just before it commits: the tenant's chain
   * head is then locked only for the last moments of the transaction, not for all of it.
   */
  readonly deferred?: DeferredAudit | undefined;
}

/** Audit records held back until the unit of work is about to commit. */
export class DeferredAudit {
  readonly records: { tenantId: number; records: readonly unknown[] }[] = [];
}

// Request-scoped, not a global: the HTTP server serves many requests at once in one process, and each
// request's audit rows must name that request. AsyncLocalStorage carries the value through every
// await of `fn` (and only of `fn`), so the twenty-odd services that call recordAudit need not thread a
// request id through their signatures, and a value can never leak into another request.
const storage = new AsyncLocalStorage<AuditContext>();

/**
 * Runs `fn` with a request id and source address that `recordAudit` writes on every record that
 * does not carry its own. Nested calls replace the outer values they give and keep the others.
 */
export function withAuditContext<T>(context: AuditContext, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run(
    {
      requestId: context.requestId ?? outer?.requestId ?? null,
      source: context.source ?? outer?.source ?? null,
      deferred: context.deferred ?? outer?.deferred,
    },
    fn,
  );
}

/** The audit context of the current request, if any. */
export function currentAuditContext(): AuditContext | undefined {
  return storage.getStore();
}
