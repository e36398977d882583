import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { anyText, type BulkColumn, columnArray, insertMany } from '../../db/bulk.ts';
import type { RemittanceAdvicesTable } from '../../db/schema.ts';

/** SQL of the remittances module: no rules here, only reads and writes. */

export const IMPORT_KIND = 'remittance';

export async function findImportByHash(ex: Executor, tenantId: number, hash: string) {
  return ex
    .selectFrom('imports')
    .select(['id', 'file_name', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', IMPORT_KIND)
    .where('content_hash', '=', hash)
    .executeTakeFirst();
}

export async function insertImport(
  ex: Executor,
  tenantId: number,
  row: { id: string; fileName: string; hash: string; actor: string },
): Promise<void> {
  await ex
    .insertInto('imports')
    .values({
      tenant_id: tenantId,
      id: row.id,
      kind: IMPORT_KIND,
      file_name: row.fileName,
      content_hash: row.hash,
      row_count: 0,
      summary: '{}',
      created_by: row.actor,
    })
    .execute();
}

export async function updateImportSummary(
  ex: Executor,
  tenantId: number,
  importId: string,
  rowCount: number,
  summary: Record<string, unknown>,
): Promise<void> {
  await ex
    .updateTable('imports')
    .set({ row_count: rowCount, summary: JSON.stringify(summary) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', importId)
    .execute();
}

/** Advices already recorded under any of these payer ids, with the file they came from. */
export async function findAdvicesByAdviceIds(ex: Executor, tenantId: number, adviceIds: readonly string[]) {
  if (adviceIds.length === 0) return [];
  return ex
    .selectFrom('remittance_advices as a')
    .innerJoin('imports as i', (j) =>
      j.onRef('i.tenant_id', '=', 'a.tenant_id').onRef('i.id', '=', 'a.import_id'),
    )
    .select(['a.id', 'a.advice_id', 'a.payer_name', 'a.currency', 'a.import_id', 'i.file_name'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.advice_id', '=', anyText(adviceIds))
    .execute();
}

export type AdviceRow = Omit<RemittanceAdvicesTable, 'tenant_id' | 'created_at'>;

const ADVICE_COLUMNS: readonly BulkColumn[] = [
  { name: 'tenant_id', type: 'integer' },
  { name: 'id', type: 'text' },
  { name: 'import_id', type: 'text' },
  { name: 'source_format', type: 'text' },
  { name: 'advice_id', type: 'text' },
  { name: 'payer_name', type: 'text' },
  { name: 'payment_reference', type: 'text' },
  { name: 'payment_date', type: 'date' },
  { name: 'payment_amount_minor', type: 'bigint' },
  { name: 'currency', type: 'text' },
  { name: 'line', type: 'integer' },
  { name: 'receipt_id', type: 'text' },
  { name: 'linked_by', type: 'text' },
];

export async function insertAdvices(
  ex: Executor,
  tenantId: number,
  rows: readonly AdviceRow[],
): Promise<void> {
  await insertMany(
    ex,
    'remittance_advices',
    ADVICE_COLUMNS,
    rows.map((r) => [
      tenantId,
      r.id,
      r.import_id,
      r.source_format,
      r.advice_id,
      r.payer_name,
      r.payment_reference,
      r.payment_date,
      r.payment_amount_minor,
      r.currency,
      r.line,
      r.receipt_id,
      r.linked_by,
    ]),
  );
}

export interface LineRow {
  advice_id: string;
  line_no: number;
  invoice_number: string;
  document_type: 'invoice' | 'credit_memo' | null;
  account_number: string | null;
  paid_minor: bigint;
  gross_minor: bigint | null;
  discount_minor: bigint | null;
  deduction_minor: bigint | null;
  deduction_reason: string | null;
  /** JSON text of the line's adjustments, or null when it has none. */
  adjustments: string | null;
}

const LINE_COLUMNS: readonly BulkColumn[] = [
  { name: 'tenant_id', type: 'integer' },
  { name: 'advice_id', type: 'text' },
  { name: 'line_no', type: 'integer' },
  { name: 'invoice_number', type: 'text' },
  { name: 'document_type', type: 'text' },
  { name: 'account_number', type: 'text' },
  { name: 'paid_minor', type: 'bigint' },
  { name: 'gross_minor', type: 'bigint' },
  { name: 'discount_minor', type: 'bigint' },
  { name: 'deduction_minor', type: 'bigint' },
  { name: 'deduction_reason', type: 'text' },
  { name: 'adjustments', type: 'jsonb' },
];

export async function insertLines(ex: Executor, tenantId: number, rows: readonly LineRow[]): Promise<void> {
  await insertMany(
    ex,
    'remittance_lines',
    LINE_COLUMNS,
    rows.map((r) => [
      tenantId,
      r.advice_id,
      r.line_no,
      r.invoice_number,
      r.document_type,
      r.account_number,
      r.paid_minor,
      r.gross_minor,
      r.discount_minor,
      r.deduction_minor,
      r.deduction_reason,
      r.adjustments,
    ]),
  );
}

/** Receipts by id, locked for the rest of the transaction, with the advice already linked to each. */
export async function lockReceiptsForLink(ex: Executor, tenantId: number, receiptIds: readonly string[]) {
  if (receiptIds.length === 0) return [];
  const rows = await sql<{
    id: string;
    reference: string;
    currency: string;
    amount_minor: bigint;
    linked_advice: string | null;
  }>`
    select r.id, r.reference, r.currency, r.amount_minor,
      (select a.id from remittance_advices a
        where a.tenant_id = r.tenant_id and a.receipt_id = r.id limit 1) as linked_advice
    from receipts r
    where r.tenant_id = ${tenantId} and r.id = ${anyText(receiptIds)}
    order by r.id
    for update of r`.execute(ex);
  return rows.rows;
}

/** The tenant's own link window, when its settings name one. */
export async function findTenantSettings(ex: Executor, tenantId: number): Promise<Record<string, unknown>> {
  const row = await ex.selectFrom('tenants').select('settings').where('id', '=', tenantId).executeTakeFirst();
  return row?.settings ?? {};
}

export interface CandidateRow {
  advice_id: string;
  advice_currency: string;
  advice_amount_minor: bigint;
  payment_date: LocalDate | null;
  anchor_date: LocalDate;
  payment_reference: string | null;
  advice_payer: string | null;
  receipt_id: string;
  receipt_currency: string;
  receipt_amount_minor: bigint;
  returned_minor: bigint;
  receipt_date: LocalDate;
  reference: string;
  end_to_end_id: string | null;
  check_number: string | null;
  memo: string | null;
  remittance_text: string | null;
  receipt_payer: string | null;
}

/**
 * Pairs of an unlinked advice and a receipt it could explain: same currency, the receipt's amount
 * equal to the advice's payment amount (or, without one, to the sum of its lines), the receipt dated
 * within the window around the advice's payment date (or the day it was recorded), not wholly
 * returned, and not yet explained by another advice. `adviceIds` and `receiptIds` narrow the search;
 * without either, every unlinked advice is considered.
 */
export async function findCandidatePairs(
  ex: Executor,
  tenantId: number,
  window: { daysBefore: number; daysAfter: number },
  scope: { adviceIds?: readonly string[]; receiptIds?: readonly string[] },
): Promise<CandidateRow[]> {
  if (scope.adviceIds?.length === 0 || scope.receiptIds?.length === 0) return [];
  const adviceFilter = scope.adviceIds ? sql`and a.id = any(${columnArray(scope.adviceIds, 'text')})` : sql``;
  const receiptFilter = scope.receiptIds
    ? sql`and r.id = any(${columnArray(scope.receiptIds, 'text')})`
    : sql``;
  const result = await sql<CandidateRow>`
    with adv as (
      select a.id, a.currency, a.payment_reference, a.payer_name, a.payment_date,
        coalesce(a.payment_date, (a.created_at at time zone 'UTC')::date) as anchor_date,
        coalesce(a.payment_amount_minor, (
          select sum(l.paid_minor) from remittance_lines l
          where l.tenant_id = a.tenant_id and l.advice_id = a.id))::bigint as amount_minor
      from remittance_advices a
      where a.tenant_id = ${tenantId} and a.receipt_id is null and a.currency is not null ${adviceFilter}
    )
    select adv.id as advice_id, adv.currency as advice_currency, adv.amount_minor as advice_amount_minor,
      adv.payment_date, adv.anchor_date, adv.payment_reference, adv.payer_name as advice_payer,
      r.id as receipt_id, r.currency as receipt_currency, r.amount_minor as receipt_amount_minor,
      r.returned_minor, r.receipt_date, r.reference, r.end_to_end_id, r.check_number, r.memo,
      r.remittance_text, r.payer_name as receipt_payer
    from adv
    join receipts r on r.tenant_id = ${tenantId}
      and r.currency = adv.currency
      and r.amount_minor = adv.amount_minor
      and r.receipt_date between adv.anchor_date - ${window.daysBefore}::integer
                             and adv.anchor_date + ${window.daysAfter}::integer
      and r.returned_minor < r.amount_minor
      ${receiptFilter}
    where not exists (
      select 1 from remittance_advices x where x.tenant_id = r.tenant_id and x.receipt_id = r.id)
    order by adv.id, r.id`.execute(ex);
  return result.rows;
}

/** The invoice numbers of each advice's lines. */
export async function findInvoiceNumbers(
  ex: Executor,
  tenantId: number,
  adviceIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (adviceIds.length === 0) return out;
  const rows = await ex
    .selectFrom('remittance_lines')
    .select(['advice_id', 'invoice_number'])
    .where('tenant_id', '=', tenantId)
    .where('advice_id', '=', anyText(adviceIds))
    .where('invoice_number', '<>', '')
    .execute();
  for (const r of rows) {
    const list = out.get(r.advice_id);
    if (list) list.push(r.invoice_number);
    else out.set(r.advice_id, [r.invoice_number]);
  }
  return out;
}

/** Links advices to receipts; an advice already linked is left as it is. Returns the ids linked. */
export async function setAdviceLinks(
  ex: Executor,
  tenantId: number,
  links: readonly { adviceId: string; receiptId: string; linkedBy: string }[],
): Promise<Set<string>> {
  if (links.length === 0) return new Set();
  const result = await sql<{ id: string }>`
    update remittance_advices a
    set receipt_id = v.receipt_id, linked_by = v.linked_by
    from unnest(
      ${columnArray(
        links.map((l) => l.adviceId),
        'text',
      )},
      ${columnArray(
        links.map((l) => l.receiptId),
        'text',
      )},
      ${columnArray(
        links.map((l) => l.linkedBy),
        'text',
      )}) as v(advice_id, receipt_id, linked_by)
    where a.tenant_id = ${tenantId} and a.id = v.advice_id and a.receipt_id is null
    returning a.id`.execute(ex);
  return new Set(result.rows.map((r) => r.id));
}

/** The advices of an import, for its summary and for tests. */
export async function findAdvicesOfImport(ex: Executor, tenantId: number, importId: string) {
  return ex
    .selectFrom('remittance_advices')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('import_id', '=', importId)
    .orderBy('line')
    .orderBy('id')
    .execute();
}
