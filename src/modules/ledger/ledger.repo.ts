import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import { type BulkColumn, insertColumns } from '../../db/bulk.ts';
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
 * Writes complete entries: all entries' headers in one statement, then all their lines in one
 * statement (the balance trigger checks each statement's lines per entry, so an entry's lines never
 * straddle statements). Callers pass at most a few thousand entries at a time.
 */
export async function insertEntries(
  ex: Executor,
  tenantId: number,
  actor: string,
  entries: readonly EntryDraft[],
  accountId: (entityId: string, role: AccountRole) => string,
): Promise<void> {
  if (entries.length === 0) return;
  const e: unknown[][] = ENTRY_COLUMNS.map(() => []);
  const l: unknown[][] = LINE_COLUMNS.map(() => []);
  for (const entry of entries) {
    const values = [
      tenantId,
      entry.id,
      entry.entityId,
      entry.entryDate,
      entry.sourceType,
      entry.sourceId,
      entry.description,
      entry.reversalOf ?? null,
      entry.importId ?? null,
      actor,
    ];
    for (let c = 0; c < values.length; c++) e[c]?.push(values[c]);
    let lineNo = 0;
    for (const line of entry.lines) {
      lineNo++;
      const lv = [
        tenantId,
        entry.id,
        lineNo,
        entry.entityId,
        accountId(entry.entityId, line.role),
        entry.entryDate,
        line.currency,
        line.amountMinor,
        line.customerId ?? null,
        line.itemId ?? null,
        line.receiptId ?? null,
      ];
      for (let c = 0; c < lv.length; c++) l[c]?.push(lv[c]);
    }
  }
  await insertColumns(ex, 'journal_entries', ENTRY_COLUMNS, e);
  await insertColumns(ex, 'journal_lines', LINE_COLUMNS, l);
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
