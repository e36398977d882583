import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';

export interface CustomerListFilter {
  /** Account number or name starts with this (case-insensitive for names). */
  readonly search?: string | undefined;
  readonly segment?: string | undefined;
  readonly collector?: string | undefined;
  readonly parentId?: string | undefined;
  readonly customerType?: 'business' | 'consumer' | undefined;
  /** Exactly this account number. */
  readonly exactAccount?: string | undefined;
  /** Only the customers of this collector (an analyst's portfolio). */
  readonly portfolioOf?: string | undefined;
  /** Keyset: the account number after which to continue. */
  readonly after?: string | undefined;
  readonly limit: number;
}

export interface CustomerListRow {
  id: string;
  account_number: string;
  name: string;
  currency: string;
  parent_id: string | null;
  terms: string;
  credit_limit_minor: bigint | null;
  customer_type: 'business' | 'consumer';
  segment: string | null;
  collector: string | null;
  /** What the customer owes on open items, in its currency. */
  open_minor: bigint;
  open_items: number;
}

/**
 * A page of customers in account-number order with their open balance. Every filter is a bound
 * parameter; `like` patterns escape their wildcards so a filter value is always plain data.
 */
export async function findCustomersPage(
  ex: Executor,
  tenantId: number,
  filter: CustomerListFilter,
): Promise<CustomerListRow[]> {
  let q = ex
    .selectFrom('customers as c')
    .where('c.tenant_id', '=', tenantId)
    .select([
      'c.id',
      'c.account_number',
      'c.name',
      'c.currency',
      'c.parent_id',
      'c.terms',
      'c.credit_limit_minor',
      'c.customer_type',
      'c.segment',
      'c.collector',
    ])
    .select((eb) => [
      eb
        .selectFrom('items as i')
        .whereRef('i.tenant_id', '=', 'c.tenant_id')
        .whereRef('i.customer_id', '=', 'c.id')
        .where('i.open_minor', '<>', 0n)
        .select(sql<bigint>`coalesce(sum(i.open_minor), 0)::bigint`.as('s'))
        .as('open_minor'),
      eb
        .selectFrom('items as i')
        .whereRef('i.tenant_id', '=', 'c.tenant_id')
        .whereRef('i.customer_id', '=', 'c.id')
        .where('i.open_minor', '<>', 0n)
        .select(sql<number>`count(*)::int`.as('n'))
        .as('open_items'),
    ])
    .orderBy('c.account_number')
    .limit(filter.limit);
  if (filter.search) {
    const pattern = `${filter.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    q = q.where((eb) => eb.or([eb('c.account_number', 'like', pattern), eb('c.name', 'ilike', pattern)]));
  }
  if (filter.segment !== undefined) q = q.where('c.segment', '=', filter.segment);
  if (filter.collector !== undefined) q = q.where('c.collector', '=', filter.collector);
  if (filter.portfolioOf !== undefined) q = q.where('c.collector', '=', filter.portfolioOf);
  if (filter.parentId !== undefined) q = q.where('c.parent_id', '=', filter.parentId);
  if (filter.customerType !== undefined) q = q.where('c.customer_type', '=', filter.customerType);
  if (filter.exactAccount !== undefined) q = q.where('c.account_number', '=', filter.exactAccount);
  if (filter.after !== undefined) q = q.where('c.account_number', '>', filter.after);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, open_minor: r.open_minor ?? 0n, open_items: r.open_items ?? 0 }));
}
