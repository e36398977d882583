import type { Selectable } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
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
