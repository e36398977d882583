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

/** Escapes LIKE's wildcards (and its escape character) so a prefix matches literally. */
export const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * A page of items (invoices, memos, deductions, on-account credits) in (due date, id) order, with
 * their customer. Every filter is a bound parameter.
 */
export async function findItemsPage(
  ex: Executor,
  tenantId: number,
  filter: ItemListFilter,
): Promise<ItemListRow[]> {
  let q = ex
    .selectFrom('items as i')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.tenant_id', '=', 'i.tenant_id').onRef('c.id', '=', 'i.customer_id'),
    )
    .innerJoin('entities as e', (j) =>
      j.onRef('e.tenant_id', '=', 'i.tenant_id').onRef('e.id', '=', 'i.entity_id'),
    )
    .where('i.tenant_id', '=', tenantId)
    .select([
      'i.id',
      'i.number',
      'i.type',
      'e.code as entity',
      'c.id as customer_id',
      'c.account_number',
      'c.name as customer_name',
      'c.customer_type',
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
    ])
    .orderBy('i.due_date')
    .orderBy('i.id')
    .limit(filter.limit);
  if (filter.id !== undefined) q = q.where('i.id', '=', filter.id);
  if (filter.number !== undefined) q = q.where('i.number', '=', filter.number);
  if (filter.accountNumber !== undefined) q = q.where('c.account_number', '=', filter.accountNumber);
  if (filter.type !== undefined) q = q.where('i.type', '=', filter.type);
  if (filter.status === 'open') q = q.where('i.open_minor', '<>', 0n);
  if (filter.status === 'closed') q = q.where('i.open_minor', '=', 0n);
  if (filter.dueBefore !== undefined) q = q.where('i.due_date', '<=', filter.dueBefore);
  if (filter.dueAfter !== undefined) q = q.where('i.due_date', '>=', filter.dueAfter);
  if (filter.numberPrefix) q = q.where('i.number', 'like', likePrefix(filter.numberPrefix));
  if (filter.portfolioOf !== undefined) q = q.where('c.collector', '=', filter.portfolioOf);
  if (filter.after !== undefined) {
    const { dueDate, id } = filter.after;
    q = q.where(sql<boolean>`(i.due_date, i.id) > (${dueDate}::date, ${id})`);
  }
  return q.execute();
}
