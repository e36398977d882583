import type { Executor } from '../../core/context.ts';
import { type Access, getCustomerOrThrow } from './collections.lookup.ts';
import { findActivitiesPage } from './collections.repo.ts';
import { toActivityView } from './collections.views.ts';
import type { ActivityKind, ActivityView, CustomerKey } from './contract.ts';

/** An account's collections history (calls, emails, notes, tasks, promises, holds, …), newest first. */
export async function listActivities(
  ex: Executor,
  tenantId: number,
  customer: CustomerKey,
  options: {
    readonly kinds?: readonly ActivityKind[];
    /** Keyset: continue with what happened before this (occurred at, id). */
    readonly before?: readonly [Date, string];
    /** Default 100, at most 1,000. */
    readonly limit?: number;
  } = {},
  access: Access = {},
): Promise<ActivityView[]> {
  const c = await getCustomerOrThrow(ex, tenantId, customer, access);
  const rows = await findActivitiesPage(ex, tenantId, {
    customerId: c.id,
    kinds: options.kinds,
    before: options.before,
    limit: Math.min(Math.max(options.limit ?? 100, 1), 1000),
  });
  return rows.map((r) => toActivityView(r, c));
}
