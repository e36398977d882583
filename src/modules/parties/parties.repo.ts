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

const REF_COLUMNS = ['id', 'account_number', 'name', 'entity_id', 'currency', 'terms', 'parent_id'] as const;

function toRef(r: {
  id: string;
  account_number: string;
  name: string;
  entity_id: string;
  currency: string;
  terms: string;
  parent_id: string | null;
}): CustomerRef {
  return {
    id: r.id,
    accountNumber: r.account_number,
    name: r.name,
    entityId: r.entity_id,
    currency: r.currency as CurrencyCode,
    terms: r.terms,
    parentId: r.parent_id,
  };
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
      .select(REF_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('account_number', '=', anyText(unique.slice(i, i + 5000)))
      .execute();
    for (const r of rows) out.set(r.account_number, toRef(r));
  }
  return out;
}

/**
 * Every customer of the tenant by account number, when there are at most `limit` of them (a bulk
 * import then needs no lookup per chunk); null when there are more.
 */
export async function findAllCustomers(
  ex: Executor,
  tenantId: number,
  limit: number,
): Promise<Map<string, CustomerRef> | null> {
  const rows = await ex
    .selectFrom('customers')
    .select(REF_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .limit(limit + 1)
    .execute();
  if (rows.length > limit) return null;
  return new Map(rows.map((r) => [r.account_number, toRef(r)]));
}

export async function findCustomerByNumber(ex: Executor, tenantId: number, accountNumber: string) {
  return (await findCustomersByNumbers(ex, tenantId, [accountNumber])).get(accountNumber) ?? null;
}
