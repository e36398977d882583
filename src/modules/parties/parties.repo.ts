import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { anyText } from '../../db/bulk.ts';

export interface CustomerRef {
  id: string;
  accountNumber: string;
  name: string;
  entityId: string;
  currency: CurrencyCode;
  terms: string;
  parentId: string | null;
}

/** Looks customers up by account number, a few thousand at a time. */
export async function findCustomersByNumbers(
  ex: Executor,
  tenantId: number,
  numbers: readonly string[],
): Promise<Map<string, CustomerRef>> {
  const out = new Map<string, CustomerRef>();
  const unique = [...new Set(numbers)];
  for (let i = 0; i < unique.length; i += 5000) {
    const rows = await ex
      .selectFrom('customers')
      .select(['id', 'account_number', 'name', 'entity_id', 'currency', 'terms', 'parent_id'])
      .where('tenant_id', '=', tenantId)
      .where('account_number', '=', anyText(unique.slice(i, i + 5000)))
      .execute();
    for (const r of rows) {
      out.set(r.account_number, {
        id: r.id,
        accountNumber: r.account_number,
        name: r.name,
        entityId: r.entity_id,
        currency: r.currency as CurrencyCode,
        terms: r.terms,
        parentId: r.parent_id,
      });
    }
  }
  return out;
}

export async function findCustomerByNumber(ex: Executor, tenantId: number, accountNumber: string) {
  return (await findCustomersByNumbers(ex, tenantId, [accountNumber])).get(accountNumber) ?? null;
}
