import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import { type BulkColumn, type PreparedInsert, prepareInsert } from '../../db/bulk.ts';
import type { DatabaseKind } from '../../db/database.ts';
import type { AccountRole } from './logic/chart.ts';
import type { EntryDraft } from './logic/journal-entry.ts';

const ENTRY_COLUMNS: readonly BulkColumn[] = [
  { name: 'tenant_id', type: 'integer' },
  { name: 'id', type: 'text' },
  { name: 'entity_id', type: 'text' },
  { name: 'entry_date', type: 'date' },
  { name: 'source_type', type: 'text' },
  { name: 'source_id', type: 'text' },
  { name: 'description', type: 'text' },
  { name: 'reversal_of', type: 'text' },
  { name: 'import_id', type: 'text' },
  { name: 'created_by', type: 'text' },
];

const LINE_COLUMNS: readonly BulkColumn[] = [
  { name: 'tenant_id', type: 'integer' },
  { name: 'entry_id', type: 'text' },
  { name: 'line_no', type: 'integer' },
  { name: 'entity_id', type: 'text' },
  { name: 'account_id', type: 'text' },
  { name: 'entry_date', type: 'date' },
  { name: 'currency', type: 'text' },
  { name: 'amount_minor', type: 'bigint' },
  { name: 'customer_id', type: 'text' },
  { name: 'item_id', type: 'text' },
  { name: 'receipt_id', type: 'text' },
];

/**
 * Encodes complete entries for writing: all entries' headers in one statement, then all their lines
 * in one statement (the balance trigger checks each statement's lines per entry, so an entry's lines
 * never straddle statements). Callers pass at most some thousands of entries at a time.
 */
export function prepareEntries(
  tenantId: number,
  actor: string,
  entries: readonly EntryDraft[],
  accountId: (entityId: string, role: AccountRole) => string,
  engine?: DatabaseKind,
): PreparedInsert[] {
  // One array per column, in ENTRY_COLUMNS and LINE_COLUMNS order.
  const eTenant: unknown[] = [];
  const eId: unknown[] = [];
  const eEntity: unknown[] = [];
  const eDate: unknown[] = [];
  const eSourceType: unknown[] = [];
  const eSourceId: unknown[] = [];
  const eDescription: unknown[] = [];
  const eReversalOf: unknown[] = [];
  const eImport: unknown[] = [];
  const eActor: unknown[] = [];
  const lTenant: unknown[] = [];
  const lEntry: unknown[] = [];
  const lNo: unknown[] = [];
  const lEntity: unknown[] = [];
  const lAccount: unknown[] = [];
  const lDate: unknown[] = [];
  const lCurrency: unknown[] = [];
  const lAmount: unknown[] = [];
  const lCustomer: unknown[] = [];
  const lItem: unknown[] = [];
  const lReceipt: unknown[] = [];
  for (const entry of entries) {
    eTenant.push(tenantId);
    eId.push(entry.id);
    eEntity.push(entry.entityId);
    eDate.push(entry.entryDate);
    eSourceType.push(entry.sourceType);
    eSourceId.push(entry.sourceId);
    eDescription.push(entry.description);
    eReversalOf.push(entry.reversalOf ?? null);
    eImport.push(entry.importId ?? null);
    eActor.push(actor);
    let lineNo = 0;
    for (const line of entry.lines) {
      lTenant.push(tenantId);
      lEntry.push(entry.id);
      lNo.push(++lineNo);
      lEntity.push(entry.entityId);
      lAccount.push(accountId(entry.entityId, line.role));
      lDate.push(entry.entryDate);
      lCurrency.push(line.currency);
      lAmount.push(line.amountMinor);
      lCustomer.push(line.customerId ?? null);
      lItem.push(line.itemId ?? null);
      lReceipt.push(line.receiptId ?? null);
    }
  }
  return [
    prepareInsert(
      'journal_entries',
      ENTRY_COLUMNS,
      [eTenant, eId, eEntity, eDate, eSourceType, eSourceId, eDescription, eReversalOf, eImport, eActor],
      { engine },
    ),
    prepareInsert(
      'journal_lines',
      LINE_COLUMNS,
      [lTenant, lEntry, lNo, lEntity, lAccount, lDate, lCurrency, lAmount, lCustomer, lItem, lReceipt],
      { engine },
    ),
  ];
}

export async function findAccounts(
  ex: Executor,
  tenantId: number,
  entityId: string,
): Promise<{ id: string; role: string | null; code: string }[]> {
  return ex
    .selectFrom('gl_accounts')
    .select(['id', 'role', 'code'])
    .where('tenant_id', '=', tenantId)
    .where('entity_id', '=', entityId)
    .execute();
}

export async function findEntryWithLines(ex: Executor, tenantId: number, entryId: string) {
  const entry = await ex
    .selectFrom('journal_entries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', entryId)
    .executeTakeFirst();
  if (!entry) return null;
  const lines = await ex
    .selectFrom('journal_lines as l')
    .innerJoin('gl_accounts as a', (j) =>
      j.onRef('a.tenant_id', '=', 'l.tenant_id').onRef('a.id', '=', 'l.account_id'),
    )
    .select([
      'l.line_no',
      'l.amount_minor',
      'l.currency',
      'l.customer_id',
      'l.item_id',
      'l.receipt_id',
      'a.role',
    ])
    .where('l.tenant_id', '=', tenantId)
    .where('l.entry_id', '=', entryId)
    .orderBy('l.line_no')
    .execute();
  return { entry, lines };
}

/** Balances per account and currency, optionally as of a date (entries dated on or before it). */
export async function findAccountBalances(ex: Executor, tenantId: number, asOf: string | null) {
  const rows = await sql<{
    entity_id: string;
    account_id: string;
    code: string;
    name: string;
    role: string | null;
    currency: string;
    balance: bigint;
  }>`
    select l.entity_id, l.account_id, a.code, a.name, a.role, l.currency, sum(l.amount_minor)::bigint as balance
    from journal_lines l
    join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id
    where l.tenant_id = ${tenantId} ${asOf ? sql`and l.entry_date <= ${asOf}` : sql``}
    group by l.entity_id, l.account_id, a.code, a.name, a.role, l.currency
    order by l.entity_id, a.code, l.currency`.execute(ex);
  return rows.rows;
}
