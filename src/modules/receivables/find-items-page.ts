import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { ItemType } from '../../db/schema.ts';

export interface ItemListFilter {
  /** One item by id (the detail view). */
  readonly id?: string | undefined;
  /** One item by its number, exactly. */
  readonly number?: string | undefined;
  /** The customer's account number, exactly. */
  readonly accountNumber?: string | undefined;
  readonly type?: ItemType | undefined;
  /** `open`: an open amount other than zero; `closed`: fully settled. */
  readonly status?: 'open' | 'closed' | 'all' | undefined;
  /** Due on or before / on or after (YYYY-MM-DD). */
  readonly dueBefore?: string | undefined;
  readonly dueAfter?: string | undefined;
  /** The item number starts with this (plain text: `%` and `_` are not wildcards). */
  readonly numberPrefix?: string | undefined;
  /** Only the items of this collector's customers (an analyst's portfolio). */
  readonly portfolioOf?: string | undefined;
  /** Keyset: continue after this (due date, id). */
  readonly after?: { readonly dueDate: string; readonly id: string } | undefined;
  readonly limit: number;
}

export interface ItemListRow {
  id: string;
  number: string;
  type: ItemType;
  entity: string;
  customer_id: string;
  account_number: string;
  customer_name: string;
  customer_type: 'business' | 'consumer';
  issue_date: string;
  due_date: string;
  currency: string;
  amount_minor: bigint;
  open_minor: bigint;
  terms: string | null;
  po_number: string | null;
  reference: string | null;
  description: string | null;
  reason_code: string | null;
  origin_application_id: string | null;
}

/** The item's own columns a list row shows: picked by the page query, passed through the joins. */
const SHOWN = [
  'i.number',
  'i.type',
  'i.issue_date',
  'i.due_date',
  'i.currency',
  'i.amount_minor',
  'i.open_minor',
  'i.terms',
  'i.po_number',
  'i.reference',
  'i.description',
  'i.reason_code',
  'i.origin_application_id',
] as const;

/**
 * A page of items (invoices, memos, deductions, on-account credits) in (due date, id) order, with
 * their customer. Every filter is a bound parameter.
 *
 * The page is chosen from the items alone (a customer filter as the customer's ids), in the order of
 * an index where one serves the filters (open items by due date, a customer's open items, the
 * number prefix), and only its rows are joined to their customer and entity.
 */
export async function findItemsPage(
  ex: Executor,
  tenantId: number,
  filter: ItemListFilter,
): Promise<ItemListRow[]> {
  let matching = ex.selectFrom('items as i').where('i.tenant_id', '=', tenantId);
  if (filter.id !== undefined) matching = matching.where('i.id', '=', filter.id);
  if (filter.number !== undefined) matching = matching.where('i.number', '=', filter.number);
  if (filter.accountNumber !== undefined) {
    const account = filter.accountNumber;
    matching = matching.where('i.customer_id', 'in', (eb) =>
      eb
        .selectFrom('customers as fc')
        .select('fc.id')
        .where('fc.tenant_id', '=', tenantId)
        .where('fc.account_number', '=', account),
    );
  }
  if (filter.type !== undefined) matching = matching.where('i.type', '=', filter.type);
  if (filter.status === 'open') matching = matching.where('i.open_minor', '<>', 0n);
  if (filter.status === 'closed') matching = matching.where('i.open_minor', '=', 0n);
  if (filter.dueBefore !== undefined) matching = matching.where('i.due_date', '<=', filter.dueBefore);
  if (filter.dueAfter !== undefined) matching = matching.where('i.due_date', '>=', filter.dueAfter);
  if (filter.numberPrefix) {
    // Not `like`: under row-level security only a leakproof condition is an index range (migration 13).
    const prefix = filter.numberPrefix;
    matching = matching.where(sql<boolean>`starts_with(i.number, ${prefix})`);
  }
  if (filter.portfolioOf !== undefined) {
    const collector = filter.portfolioOf;
    matching = matching.where('i.customer_id', 'in', (eb) =>
      eb
        .selectFrom('customers as pc')
        .select('pc.id')
        .where('pc.tenant_id', '=', tenantId)
        .where('pc.collector', '=', collector),
    );
  }
  if (filter.after !== undefined) {
    const { dueDate, id } = filter.after;
    matching = matching.where(sql<boolean>`(i.due_date, i.id) > (${dueDate}::date, ${id})`);
  }
  const columns = ['i.id', 'i.entity_id', 'i.customer_id', ...SHOWN] as const;
  // A number prefix picks few rows, found by its index (which holds what the default filter and the
  // order need); the planner cannot tell how few, and might instead walk every open item in due-date
  // order looking for them. So the matching keys are taken first, sorted, and only the page's rows read.
  const page = filter.numberPrefix
    ? ex
        .with(
          (w) => w('matching').materialized(),
          () => matching.select(['i.id', 'i.due_date']),
        )
        .selectFrom((eb) =>
          eb
            .selectFrom('matching as m')
            .select(['m.id', 'm.due_date'])
            .orderBy('m.due_date')
            .orderBy('m.id')
            .limit(filter.limit)
            .as('k'),
        )
        .innerJoin('items as i', (j) => j.on('i.tenant_id', '=', tenantId).onRef('i.id', '=', 'k.id'))
        .select(columns)
        .orderBy('i.due_date')
        .orderBy('i.id')
    : matching.select(columns).orderBy('i.due_date').orderBy('i.id').limit(filter.limit);
  return ex
    .selectFrom(page.as('i'))
    .innerJoin('customers as c', (j) =>
      j.on('c.tenant_id', '=', tenantId).onRef('c.id', '=', 'i.customer_id'),
    )
    .innerJoin('entities as e', (j) => j.on('e.tenant_id', '=', tenantId).onRef('e.id', '=', 'i.entity_id'))
    .select([
      'i.id',
      'e.code as entity',
      'c.id as customer_id',
      'c.account_number',
      'c.name as customer_name',
      'c.customer_type',
      ...SHOWN,
    ])
    .orderBy('i.due_date')
    .orderBy('i.id')
    .execute();
}
