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
 * parameter, and a search is plain text (no wildcards): the account number starts with it, or the
 * name does ignoring case — `lower(name)` (kept in `name_folded`) starts with `lower(search)`, which
 * is what `name ilike 'search%'` means in a UTF-8 database.
 *
 * The page is chosen first (its filters each have an index: account-number order, collector, the
 * prefix indexes of migration 13), then the open balance is summed for its rows only.
 */
export async function findCustomersPage(
  ex: Executor,
  tenantId: number,
  filter: CustomerListFilter,
): Promise<CustomerListRow[]> {
  let page = ex
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
    .orderBy('c.account_number')
    .limit(filter.limit);
  if (filter.search) {
    // Under row-level security only leakproof conditions become index ranges (migration 13).
    const search = filter.search;
    page = page.where((eb) =>
      eb.or([
        sql<boolean>`starts_with(c.account_number, ${search})`,
        sql<boolean>`starts_with(c.name_folded, lower(${search}))`,
      ]),
    );
  }
  if (filter.segment !== undefined) page = page.where('c.segment', '=', filter.segment);
  if (filter.collector !== undefined) page = page.where('c.collector', '=', filter.collector);
  if (filter.portfolioOf !== undefined) page = page.where('c.collector', '=', filter.portfolioOf);
  if (filter.parentId !== undefined) page = page.where('c.parent_id', '=', filter.parentId);
  if (filter.customerType !== undefined) page = page.where('c.customer_type', '=', filter.customerType);
  if (filter.exactAccount !== undefined) page = page.where('c.account_number', '=', filter.exactAccount);
  if (filter.after !== undefined) page = page.where('c.account_number', '>', filter.after);
  const rows = await ex
    .selectFrom(page.as('c'))
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('items as i')
          .where('i.tenant_id', '=', tenantId)
          .whereRef('i.customer_id', '=', 'c.id')
          .where('i.open_minor', '<>', 0n)
          .select([
            sql<bigint>`coalesce(sum(i.open_minor), 0)::bigint`.as('open_minor'),
            sql<number>`count(*)::int`.as('open_items'),
          ])
          .as('o'),
      (join) => join.onTrue(),
    )
    .selectAll('c')
    .select(['o.open_minor', 'o.open_items'])
    .orderBy('c.account_number')
    .execute();
  return rows.map((r) => ({ ...r, open_minor: r.open_minor ?? 0n, open_items: r.open_items ?? 0 }));
}
