import type { Executor } from '../../core/context.ts';
import type { ApplicationKind, ApplicationStatus, ItemType } from '../../db/schema.ts';

export interface ApplicationListFilter {
  readonly receiptId?: string | undefined;
  /** Rows that settle or concern this item, or that created it (a deduction, an on-account credit). */
  readonly itemId?: string | undefined;
  /** Only rows for this collector's customers (an analyst's portfolio). */
  readonly portfolioOf?: string | undefined;
  /** Keyset: continue after this application id. */
  readonly after?: string | undefined;
  /** Absent: every matching row (one receipt's or one item's rows). */
  readonly limit?: number | undefined;
}

export interface ApplicationListRow {
  id: string;
  receipt_id: string | null;
  receipt_reference: string | null;
  receipt_date: string | null;
  item_id: string | null;
  item_number: string | null;
  item_type: ItemType | null;
  created_item_id: string | null;
  created_item_number: string | null;
  customer_id: string | null;
  account_number: string | null;
  kind: ApplicationKind;
  currency: string;
  amount_minor: bigint;
  reason_code: string | null;
  status: ApplicationStatus;
  /** numeric(6,5) as decimal text. */
  confidence: string | null;
  explanation: string | null;
  applied_date: string;
  reversal_of: string | null;
  /** The row that reversed this one, if any. */
  reversed_by: string | null;
}

/**
 * Applications (one row per allocation, signed as the interchange contract's export) in id order,
 * which is creation order: a reversal comes after the row it reverses.
 */
export async function findApplicationsPage(
  ex: Executor,
  tenantId: number,
  filter: ApplicationListFilter,
): Promise<ApplicationListRow[]> {
  let q = ex
    .selectFrom('applications as a')
    .leftJoin('receipts as r', (j) =>
      j.onRef('r.tenant_id', '=', 'a.tenant_id').onRef('r.id', '=', 'a.receipt_id'),
    )
    .leftJoin('items as it', (j) =>
      j.onRef('it.tenant_id', '=', 'a.tenant_id').onRef('it.id', '=', 'a.item_id'),
    )
    .leftJoin('items as ci', (j) =>
      j.onRef('ci.tenant_id', '=', 'a.tenant_id').onRef('ci.id', '=', 'a.created_item_id'),
    )
    .leftJoin('customers as c', (j) =>
      j.onRef('c.tenant_id', '=', 'a.tenant_id').onRef('c.id', '=', 'a.customer_id'),
    )
    .where('a.tenant_id', '=', tenantId)
    .select([
      'a.id',
      'a.receipt_id',
      'r.reference as receipt_reference',
      'r.receipt_date',
      'a.item_id',
      'it.number as item_number',
      'it.type as item_type',
      'a.created_item_id',
      'ci.number as created_item_number',
      'a.customer_id',
      'c.account_number',
      'a.kind',
      'a.currency',
      'a.amount_minor',
      'a.reason_code',
      'a.status',
      'a.confidence',
      'a.explanation',
      'a.applied_date',
      'a.reversal_of',
    ])
    .select((eb) =>
      eb
        .selectFrom('applications as x')
        .whereRef('x.tenant_id', '=', 'a.tenant_id')
        .whereRef('x.reversal_of', '=', 'a.id')
        .select('x.id')
        .limit(1)
        .as('reversed_by'),
    )
    .orderBy('a.id');
  if (filter.receiptId !== undefined) q = q.where('a.receipt_id', '=', filter.receiptId);
  if (filter.itemId !== undefined) {
    const itemId = filter.itemId;
    q = q.where((eb) => eb.or([eb('a.item_id', '=', itemId), eb('a.created_item_id', '=', itemId)]));
  }
  if (filter.portfolioOf !== undefined) q = q.where('c.collector', '=', filter.portfolioOf);
  if (filter.after !== undefined) q = q.where('a.id', '>', filter.after);
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, reversed_by: r.reversed_by ?? null }));
}
