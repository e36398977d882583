import type { Executor } from '../../core/context.ts';
import { type Access, getCustomerOrThrow, summaryOf } from './collections.lookup.ts';
import type { CustomerKey, CustomerSummary } from './contract.ts';

/** A customer as collections sees it (within the caller's portfolio), or `collections.customer_not_found`. */
export async function getCollectionsCustomer(
  ex: Executor,
  tenantId: number,
  customer: CustomerKey,
  access: Access = {},
): Promise<CustomerSummary> {
  return summaryOf(await getCustomerOrThrow(ex, tenantId, customer, access));
}
