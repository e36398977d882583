import { type Selectable, sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import type { ApprovalKind, ApprovalRequestsTable, ApprovalStatus } from '../../db/schema.ts';

export type ApprovalRow = Selectable<ApprovalRequestsTable>;

export async function insertApprovalRequest(
  ex: Executor,
  row: {
    tenantId: number;
    id: string;
    kind: ApprovalKind;
    requestedBy: string;
    requestedAt: Date;
    amountMinor: bigint;
    currency: string;
    customerId: string | null;
    subjectId: string | null;
    reason: string | null;
    payload: string;
  },
): Promise<void> {
  await ex
    .insertInto('approval_requests')
    .values({
      tenant_id: row.tenantId,
      id: row.id,
      kind: row.kind,
      status: 'pending',
      requested_by: row.requestedBy,
      requested_at: row.requestedAt,
      amount_minor: row.amountMinor,
      currency: row.currency,
      customer_id: row.customerId,
      subject_id: row.subjectId,
      reason: row.reason,
      payload: row.payload,
    })
    .execute();
}

/**
 * The request, locked for the rest of the transaction: two deciders of one request queue here, and
 * the second sees the first one's decision.
 */
export async function lockApprovalRequest(
  ex: Executor,
  tenantId: number,
  id: string,
): Promise<ApprovalRow | undefined> {
  return ex
    .selectFrom('approval_requests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function findApprovalRequest(
  ex: Executor,
  tenantId: number,
  id: string,
): Promise<ApprovalRow | undefined> {
  return ex
    .selectFrom('approval_requests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findApprovalRequests(
  ex: Executor,
  tenantId: number,
  filter: { status: ApprovalStatus | null; after: string | null; limit: number },
): Promise<ApprovalRow[]> {
  let q = ex.selectFrom('approval_requests').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status !== null) q = q.where('status', '=', filter.status);
  if (filter.after !== null) q = q.where('id', '>', filter.after);
  return q.orderBy('id').limit(filter.limit).execute();
}

/** Records a decision; only a pending request changes (the caller holds its lock). */
export async function updateApprovalDecision(
  ex: Executor,
  tenantId: number,
  id: string,
  decision: {
    status: Exclude<ApprovalStatus, 'pending'>;
    decidedBy: string;
    decidedAt: Date;
    note: string | null;
    result: string | null;
  },
): Promise<ApprovalRow> {
  return ex
    .updateTable('approval_requests')
    .set({
      status: decision.status,
      decided_by: decision.decidedBy,
      decided_at: decision.decidedAt,
      decision_note: decision.note,
      result: decision.result,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface CustomerRecord {
  id: string;
  accountNumber: string;
  entityId: string;
  currency: CurrencyCode;
}

export async function findCustomerById(
  ex: Executor,
  tenantId: number,
  id: string,
): Promise<CustomerRecord | null> {
  const r = await ex
    .selectFrom('customers')
    .select(['id', 'account_number', 'entity_id', 'currency'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r
    ? {
        id: r.id,
        accountNumber: r.account_number,
        entityId: r.entity_id,
        currency: r.currency as CurrencyCode,
      }
    : null;
}

/** The journal entry that issued an item. */
export async function findItemEntryId(ex: Executor, tenantId: number, itemId: string): Promise<string> {
  const r = await ex
    .selectFrom('items')
    .select('journal_entry_id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', itemId)
    .executeTakeFirstOrThrow();
  return r.journal_entry_id;
}

export interface AdjustmentEntryRow {
  id: string;
  entry_date: LocalDate;
  source_type: string;
  reversal_of: string | null;
  /** The entry that reversed this one, if any. */
  reversed_by: string | null;
  reversed_on: LocalDate | null;
}

/** A journal entry with the entry that reversed it, if any. */
export async function findEntryForReversal(
  ex: Executor,
  tenantId: number,
  entryId: string,
): Promise<AdjustmentEntryRow | undefined> {
  const r = await sql<AdjustmentEntryRow>`
    select e.id, e.entry_date::text as entry_date, e.source_type, e.reversal_of,
      r.id as reversed_by, r.entry_date::text as reversed_on
    from journal_entries e
    left join journal_entries r on r.tenant_id = e.tenant_id and r.reversal_of = e.id
    where e.tenant_id = ${tenantId} and e.id = ${entryId}`.execute(ex);
  return r.rows[0];
}

export interface EntryApplicationRow {
  id: string;
  kind: string;
  amount_minor: bigint;
  item_id: string | null;
  receipt_id: string | null;
  created_item_id: string | null;
  reversal_of: string | null;
  reversed_by: string | null;
}

/** The application rows an entry posted, each with the row that reversed it, if any. */
export async function findEntryApplications(
  ex: Executor,
  tenantId: number,
  entryId: string,
): Promise<EntryApplicationRow[]> {
  const r = await sql<EntryApplicationRow>`
    select a.id, a.kind, a.amount_minor, a.item_id, a.receipt_id, a.created_item_id, a.reversal_of,
      r.id as reversed_by
    from applications a
    left join applications r on r.tenant_id = a.tenant_id and r.reversal_of = a.id
    where a.tenant_id = ${tenantId} and a.journal_entry_id = ${entryId}
    order by a.id`.execute(ex);
  return r.rows;
}

export interface ItemAdjustmentRow {
  entry_id: string;
  applied_date: LocalDate;
  /** Sum of the settling rows on the item: positive closes it, negative reopens it. */
  settled_minor: bigint;
  /** Sum of the write-off rows on the item (negative: written off). */
  write_off_minor: bigint;
  reason_code: string | null;
  is_reversal: boolean;
  reversed_by: string | null;
  created_by: string;
}

/** The adjustments (application entries without a receipt) that touched an item, oldest first. */
export async function findItemAdjustments(
  ex: Executor,
  tenantId: number,
  itemId: string,
): Promise<ItemAdjustmentRow[]> {
  const r = await sql<ItemAdjustmentRow>`
    select a.journal_entry_id as entry_id, min(a.applied_date)::text as applied_date,
      coalesce(sum(a.amount_minor) filter (where a.kind in ('invoice', 'credit_memo')), 0)::bigint as settled_minor,
      coalesce(sum(a.amount_minor) filter (where a.kind = 'write_off'), 0)::bigint as write_off_minor,
      max(a.reason_code) as reason_code,
      bool_or(a.reversal_of is not null) as is_reversal,
      (select r.id from journal_entries r where r.tenant_id = ${tenantId} and r.reversal_of = a.journal_entry_id) as reversed_by,
      min(a.created_by) as created_by
    from applications a
    where a.tenant_id = ${tenantId} and a.item_id = ${itemId} and a.receipt_id is null
    group by a.journal_entry_id
    order by min(a.created_at), a.journal_entry_id`.execute(ex);
  return r.rows;
}
