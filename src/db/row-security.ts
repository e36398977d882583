/**
 * Transactions that act as the `arbor_app` role under row-level security (the HTTP API's units of
 * work). PostgreSQL refuses `COPY … FROM` into a table with row-level security for such a role, so
 * bulk writes go by INSERT there. A WeakSet: nothing to clean up when a transaction ends.
 */
const secured = new WeakSet<object>();

export function markRowSecurity(...handles: object[]): void {
  for (const h of handles) secured.add(h);
}

export function isUnderRowSecurity(handle: object): boolean {
  return secured.has(handle);
}
