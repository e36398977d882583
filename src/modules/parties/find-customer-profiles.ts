import type { Executor } from '../../core/context.ts';
import { anyText } from '../../db/bulk.ts';

export interface CustomerProfile {
  readonly customerType: 'business' | 'consumer';
  readonly collector: string | null;
}

/**
 * Whether each customer is a consumer (whose name is protected) and who collects it, for callers
 * that show rows keyed by customer id (reports) and must mask or scope them.
 */
export async function findCustomerProfiles(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
): Promise<Map<string, CustomerProfile>> {
  const out = new Map<string, CustomerProfile>();
  const ids = [...new Set(customerIds)];
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await ex
      .selectFrom('customers')
      .select(['id', 'customer_type', 'collector'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', anyText(ids.slice(i, i + 5000)))
      .execute();
    for (const r of rows) out.set(r.id, { customerType: r.customer_type, collector: r.collector });
  }
  return out;
}
