import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import {
  anyText,
  type BulkColumn,
  columnArray,
  insertColumns,
  type PreparedInsert,
  preparedStatement,
  prepareInsert,
  runInserts,
} from '../../db/bulk.ts';
import type { DatabaseKind } from '../../db/database.ts';
import type { ItemState, ItemType, ReceiptState } from './logic/types.ts';

export interface ItemRow {
  id: string;
  entityId: string;
  customerId: string;
  type: ItemType;
  number: string;
  issueDate: LocalDate;
  dueDate: LocalDate;
  currency: CurrencyCode;
  amountMinor: bigint;
  openMinor: bigint;
  terms: string | null;
  discountPercent: string | null;
  discountUntil: LocalDate | null;
  poNumber: string | null;
  reference: string | null;
  description: string | null;
  billToPartyId: string | null;
  reasonCode: string | null;
  originApplicationId: string | null;
  journalEntryId: string;
  importId: string | null;
}

const ITEM_COLUMNS: readonly (BulkColumn & { key: keyof ItemRow | 'tenant' })[] = [
  { name: 'tenant_id', type: 'integer', key: 'tenant' },
  { name: 'id', type: 'text', key: 'id' },
  { name: 'entity_id', type: 'text', key: 'entityId' },
  { name: 'customer_id', type: 'text', key: 'customerId' },
  { name: 'type', type: 'text', key: 'type' },
  { name: 'number', type: 'text', key: 'number' },
  { name: 'issue_date', type: 'date', key: 'issueDate' },
  { name: 'due_date', type: 'date', key: 'dueDate' },
  { name: 'currency', type: 'text', key: 'currency' },
  { name: 'amount_minor', type: 'bigint', key: 'amountMinor' },
  { name: 'open_minor', type: 'bigint', key: 'openMinor' },
  { name: 'terms', type: 'text', key: 'terms' },
  { name: 'discount_percent', type: 'text', key: 'discountPercent' },
  { name: 'discount_until', type: 'date', key: 'discountUntil' },
  { name: 'po_number', type: 'text', key: 'poNumber' },
  { name: 'reference', type: 'text', key: 'reference' },
  { name: 'description', type: 'text', key: 'description' },
  { name: 'bill_to_party_id', type: 'text', key: 'billToPartyId' },
  { name: 'reason_code', type: 'text', key: 'reasonCode' },
  { name: 'origin_application_id', type: 'text', key: 'originApplicationId' },
  { name: 'journal_entry_id', type: 'text', key: 'journalEntryId' },
  { name: 'import_id', type: 'text', key: 'importId' },
];

/** Encodes items (with their open amounts and origins, as applications create them) for `runInserts`. */
export function prepareItemsInsert(tenantId: number, items: readonly ItemRow[]): PreparedInsert {
  const data = ITEM_COLUMNS.map(() => new Array<unknown>(items.length));
  for (let i = 0; i < items.length; i++) {
    const it = items[i] as ItemRow;
    for (let c = 0; c < ITEM_COLUMNS.length; c++) {
      const key = (ITEM_COLUMNS[c] as (typeof ITEM_COLUMNS)[number]).key;
      (data[c] as unknown[])[i] = key === 'tenant' ? tenantId : it[key];
    }
  }
  return prepareInsert('items', ITEM_COLUMNS, data);
}

/** An item as a posting issues it: open for its whole amount, with no application behind it. */
export type NewItem = Omit<ItemRow, 'openMinor' | 'journalEntryId' | 'originApplicationId' | 'reasonCode'> & {
  readonly reasonCode?: string | null;
};

/**
 * Encodes new items for `runInserts`, each posted by the entry of the same index in `entryIds`: the
 * columns are filled straight from the items, with no row objects in between (an import encodes a
 * million of them).
 */
export function prepareNewItemsInsert(
  tenantId: number,
  items: readonly NewItem[],
  entryIds: readonly string[],
  engine?: DatabaseKind,
): PreparedInsert {
  const count = items.length;
  // One array per column, in ITEM_COLUMNS order.
  const tenant = new Array<unknown>(count);
  const id = new Array<unknown>(count);
  const entity = new Array<unknown>(count);
  const customer = new Array<unknown>(count);
  const type = new Array<unknown>(count);
  const number = new Array<unknown>(count);
  const issue = new Array<unknown>(count);
  const due = new Array<unknown>(count);
  const currency = new Array<unknown>(count);
  const amount = new Array<unknown>(count);
  const open = new Array<unknown>(count);
  const terms = new Array<unknown>(count);
  const discountPercent = new Array<unknown>(count);
  const discountUntil = new Array<unknown>(count);
  const po = new Array<unknown>(count);
  const reference = new Array<unknown>(count);
  const description = new Array<unknown>(count);
  const billTo = new Array<unknown>(count);
  const reason = new Array<unknown>(count);
  const origin = new Array<unknown>(count);
  const entry = new Array<unknown>(count);
  const importId = new Array<unknown>(count);
  for (let i = 0; i < count; i++) {
    const it = items[i] as NewItem;
    tenant[i] = tenantId;
    id[i] = it.id;
    entity[i] = it.entityId;
    customer[i] = it.customerId;
    type[i] = it.type;
    number[i] = it.number;
    issue[i] = it.issueDate;
    due[i] = it.dueDate;
    currency[i] = it.currency;
    amount[i] = it.amountMinor;
    open[i] = it.amountMinor;
    terms[i] = it.terms;
    discountPercent[i] = it.discountPercent;
    discountUntil[i] = it.discountUntil;
    po[i] = it.poNumber;
    reference[i] = it.reference;
    description[i] = it.description;
    billTo[i] = it.billToPartyId;
    reason[i] = it.reasonCode ?? null;
    origin[i] = null;
    entry[i] = entryIds[i];
    importId[i] = it.importId;
  }
  return prepareInsert(
    'items',
    ITEM_COLUMNS,
    [
      tenant,
      id,
      entity,
      customer,
      type,
      number,
      issue,
      due,
      currency,
      amount,
      open,
      terms,
      discountPercent,
      discountUntil,
      po,
      reference,
      description,
      billTo,
      reason,
      origin,
      entry,
      importId,
    ],
    { engine },
  );
}

/**
 * Of `numbers`, those already taken by an item of the tenant. Numbers of one batch usually sit
 * together (a run of new invoice numbers), so the taken ones are first looked for between the
 * batch's smallest and largest number (compared byte by byte: the order of the number's key, which
 * is `text_pattern_ops`, migration 16), one index range scan; only when that range holds many other
 * items is each number looked up on its own.
 */
export async function findTakenNumbers(
  ex: Executor,
  tenantId: number,
  numbers: readonly string[],
): Promise<Set<string>> {
  const taken = new Set<string>();
  if (numbers.length === 0) return taken;
  const cap = 4 * numbers.length;
  const inRange = await sql<{ number: string }>`
    with bounds as materialized (
      select min(n collate "C") collate "default" as lo, max(n collate "C") collate "default" as hi
      from unnest(${columnArray(numbers, 'text')}) as n
    )
    select number from items
    where tenant_id = ${tenantId}
      and number ~>=~ (select lo from bounds) and number ~<=~ (select hi from bounds)
    limit ${cap + 1}`.execute(ex);
  if (inRange.rows.length === 0) return taken;
  if (inRange.rows.length <= cap) {
    const wanted = new Set(numbers);
    for (const r of inRange.rows) if (wanted.has(r.number)) taken.add(r.number);
    return taken;
  }
  for (const number of (await findItemIdsByNumber(ex, tenantId, numbers)).keys()) taken.add(number);
  return taken;
}

export interface ReceiptRow {
  id: string;
  entityId: string;
  reference: string;
  receiptDate: LocalDate;
  currency: CurrencyCode;
  amountMinor: bigint;
  unappliedMinor: bigint;
  payerName: string | null;
  payerAccount: string | null;
  method: string;
  memo: string | null;
  remittanceText: string | null;
  customerId: string | null;
  source: 'history' | 'bank' | 'manual';
  journalEntryId: string;
  importId: string | null;
  /** What the bank's file says, for receipts read from one. */
  bankAccountId?: string | null;
  valueDate?: LocalDate | null;
  endToEndId?: string | null;
  checkNumber?: string | null;
  bankTypeCode?: string | null;
}

const RECEIPT_COLUMNS: readonly (BulkColumn & { key: keyof ReceiptRow | 'tenant' })[] = [
  { name: 'tenant_id', type: 'integer', key: 'tenant' },
  { name: 'id', type: 'text', key: 'id' },
  { name: 'entity_id', type: 'text', key: 'entityId' },
  { name: 'reference', type: 'text', key: 'reference' },
  { name: 'receipt_date', type: 'date', key: 'receiptDate' },
  { name: 'currency', type: 'text', key: 'currency' },
  { name: 'amount_minor', type: 'bigint', key: 'amountMinor' },
  { name: 'unapplied_minor', type: 'bigint', key: 'unappliedMinor' },
  { name: 'payer_name', type: 'text', key: 'payerName' },
  { name: 'payer_account', type: 'text', key: 'payerAccount' },
  { name: 'method', type: 'text', key: 'method' },
  { name: 'memo', type: 'text', key: 'memo' },
  { name: 'remittance_text', type: 'text', key: 'remittanceText' },
  { name: 'customer_id', type: 'text', key: 'customerId' },
  { name: 'source', type: 'text', key: 'source' },
  { name: 'journal_entry_id', type: 'text', key: 'journalEntryId' },
  { name: 'import_id', type: 'text', key: 'importId' },
  { name: 'bank_account_id', type: 'text', key: 'bankAccountId' },
  { name: 'value_date', type: 'date', key: 'valueDate' },
  { name: 'end_to_end_id', type: 'text', key: 'endToEndId' },
  { name: 'check_number', type: 'text', key: 'checkNumber' },
  { name: 'bank_type_code', type: 'text', key: 'bankTypeCode' },
];

export async function insertReceipts(
  ex: Executor,
  tenantId: number,
  receipts: readonly ReceiptRow[],
): Promise<void> {
  if (receipts.length === 0) return;
  const data = RECEIPT_COLUMNS.map((c) => receipts.map((r) => (c.key === 'tenant' ? tenantId : r[c.key])));
  await insertColumns(ex, 'receipts', RECEIPT_COLUMNS, data);
}

export interface ApplicationRow {
  id: string;
  entityId: string;
  journalEntryId: string;
  receiptId: string | null;
  customerId: string | null;
  itemId: string | null;
  createdItemId: string | null;
  kind: string;
  currency: string;
  amountMinor: bigint;
  reasonCode: string | null;
  status: string;
  confidence: string | null;
  explanation: string | null;
  engineVersion: string | null;
  appliedDate: LocalDate;
  reversalOf: string | null;
  createdBy: string;
}

const APPLICATION_COLUMNS: readonly (BulkColumn & { key: keyof ApplicationRow | 'tenant' })[] = [
  { name: 'tenant_id', type: 'integer', key: 'tenant' },
  { name: 'id', type: 'text', key: 'id' },
  { name: 'entity_id', type: 'text', key: 'entityId' },
  { name: 'journal_entry_id', type: 'text', key: 'journalEntryId' },
  { name: 'receipt_id', type: 'text', key: 'receiptId' },
  { name: 'customer_id', type: 'text', key: 'customerId' },
  { name: 'item_id', type: 'text', key: 'itemId' },
  { name: 'created_item_id', type: 'text', key: 'createdItemId' },
  { name: 'kind', type: 'text', key: 'kind' },
  { name: 'currency', type: 'text', key: 'currency' },
  { name: 'amount_minor', type: 'bigint', key: 'amountMinor' },
  { name: 'reason_code', type: 'text', key: 'reasonCode' },
  { name: 'status', type: 'text', key: 'status' },
  { name: 'confidence', type: 'numeric', key: 'confidence' },
  { name: 'explanation', type: 'text', key: 'explanation' },
  { name: 'engine_version', type: 'text', key: 'engineVersion' },
  { name: 'applied_date', type: 'date', key: 'appliedDate' },
  { name: 'reversal_of', type: 'text', key: 'reversalOf' },
  { name: 'created_by', type: 'text', key: 'createdBy' },
];

export async function insertApplications(
  ex: Executor,
  tenantId: number,
  rows: readonly ApplicationRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await runInserts(ex, [prepareApplicationsInsert(tenantId, rows)]);
}

/** Encodes applications for `runInserts` (see insertApplications). */
export function prepareApplicationsInsert(tenantId: number, rows: readonly ApplicationRow[]): PreparedInsert {
  const data = APPLICATION_COLUMNS.map((c) => rows.map((r) => (c.key === 'tenant' ? tenantId : r[c.key])));
  return prepareInsert('applications', APPLICATION_COLUMNS, data);
}

/** Sets materialized open amounts; the table's check constraint refuses any over-application. */
export async function updateItemOpenAmounts(
  ex: Executor,
  tenantId: number,
  changes: readonly { id: string; openMinor: bigint }[],
): Promise<void> {
  await runInserts(ex, prepareItemOpenAmounts(tenantId, changes));
}

/** The UPDATEs of `updateItemOpenAmounts`, to be written with others by `runInserts`. */
export function prepareItemOpenAmounts(
  tenantId: number,
  changes: readonly { id: string; openMinor: bigint }[],
): PreparedInsert[] {
  return prepareAmountUpdates(
    'items',
    'open_minor',
    tenantId,
    changes.map((c) => [c.id, c.openMinor]),
  );
}

/** One `update … from unnest(ids, amounts)` per 5,000 rows, setting `column` by id. */
function prepareAmountUpdates(
  table: 'items' | 'receipts',
  column: 'open_minor' | 'unapplied_minor',
  tenantId: number,
  changes: readonly (readonly [string, bigint])[],
): PreparedInsert[] {
  const out: PreparedInsert[] = [];
  for (let i = 0; i < changes.length; i += 5000) {
    const part = changes.slice(i, i + 5000);
    out.push(
      preparedStatement(
        table,
        sql`update ${sql.table(table)} t set ${sql.ref(column)} = v.amount
          from unnest(${part.map((c) => c[0])}::text[], ${part.map((c) => c[1])}::bigint[]) as v(id, amount)
          where t.tenant_id = ${tenantId} and t.id = v.id`,
        part.length,
      ),
    );
  }
  return out;
}

export async function updateReceiptUnapplied(
  ex: Executor,
  tenantId: number,
  changes: readonly { id: string; unappliedMinor: bigint }[],
): Promise<void> {
  await runInserts(ex, prepareReceiptUnapplied(tenantId, changes));
}

/** The UPDATEs of `updateReceiptUnapplied`, to be written with others by `runInserts`. */
export function prepareReceiptUnapplied(
  tenantId: number,
  changes: readonly { id: string; unappliedMinor: bigint }[],
): PreparedInsert[] {
  return prepareAmountUpdates(
    'receipts',
    'unapplied_minor',
    tenantId,
    changes.map((c) => [c.id, c.unappliedMinor]),
  );
}

/** Items by id, locked for the rest of the transaction so that concurrent applications queue. */
export async function lockItems(
  ex: Executor,
  tenantId: number,
  ids: readonly string[],
): Promise<Map<string, ItemState>> {
  const out = new Map<string, ItemState>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 5000) {
    const rows = await ex
      .selectFrom('items')
      .select([
        'id',
        'number',
        'type',
        'entity_id',
        'customer_id',
        'currency',
        'issue_date',
        'amount_minor',
        'open_minor',
      ])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', anyText(unique.slice(i, i + 5000)))
      .orderBy('id')
      .forUpdate()
      .execute();
    for (const r of rows) out.set(r.id, toItemState(r));
  }
  return out;
}

interface ItemStateRow {
  id: string;
  number: string;
  type: ItemType;
  entity_id: string;
  customer_id: string;
  currency: string;
  issue_date: string;
  amount_minor: bigint;
  open_minor: bigint;
}

const toItemState = (r: ItemStateRow): ItemState => ({
  id: r.id,
  number: r.number,
  type: r.type,
  entityId: r.entity_id,
  customerId: r.customer_id,
  currency: r.currency as CurrencyCode,
  issueDate: r.issue_date as LocalDate,
  amountMinor: r.amount_minor,
  openMinor: r.open_minor,
});

/** An item as `lockItemsByNumber` returns it: its state and its customer's account number. */
export interface NumberedItemState extends ItemState {
  readonly customerNumber: string;
}

/**
 * Items by number (numbers are unique in a tenant), locked like `lockItems` (in id order) for the
 * rest of the transaction, with their customers' account numbers: one read where an action names
 * items by number and answers with account numbers.
 */
export async function lockItemsByNumber(
  ex: Executor,
  tenantId: number,
  numbers: readonly string[],
): Promise<Map<string, NumberedItemState>> {
  const out = new Map<string, NumberedItemState>();
  const unique = [...new Set(numbers)];
  for (let i = 0; i < unique.length; i += 5000) {
    const rows = await sql<ItemStateRow & { account_number: string }>`
      select i.id, i.number, i.type, i.entity_id, i.customer_id, i.currency, i.issue_date,
        i.amount_minor, i.open_minor, c.account_number
      from items i join customers c on c.tenant_id = i.tenant_id and c.id = i.customer_id
      where i.tenant_id = ${tenantId} and i.number = ${anyText(unique.slice(i, i + 5000))}
      order by i.id
      for update of i`.execute(ex);
    for (const r of rows.rows) out.set(r.number, { ...toItemState(r), customerNumber: r.account_number });
  }
  return out;
}

export async function lockReceipts(
  ex: Executor,
  tenantId: number,
  ids: readonly string[],
): Promise<Map<string, ReceiptState>> {
  const out = new Map<string, ReceiptState>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 5000) {
    const rows = await ex
      .selectFrom('receipts')
      .select([
        'id',
        'reference',
        'entity_id',
        'currency',
        'receipt_date',
        'amount_minor',
        'unapplied_minor',
        'customer_id',
      ])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', anyText(unique.slice(i, i + 5000)))
      .orderBy('id')
      .forUpdate()
      .execute();
    for (const r of rows) {
      out.set(r.id, {
        id: r.id,
        reference: r.reference,
        entityId: r.entity_id,
        currency: r.currency as CurrencyCode,
        receiptDate: r.receipt_date as LocalDate,
        amountMinor: r.amount_minor,
        unappliedMinor: r.unapplied_minor,
        customerId: r.customer_id,
      });
    }
  }
  return out;
}

/** Item ids by number (numbers are unique in a tenant). */
export async function findItemIdsByNumber(
  ex: Executor,
  tenantId: number,
  numbers: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(numbers)];
  for (let i = 0; i < unique.length; i += 5000) {
    const rows = await ex
      .selectFrom('items')
      .select(['id', 'number'])
      .where('tenant_id', '=', tenantId)
      .where('number', '=', anyText(unique.slice(i, i + 5000)))
      .execute();
    for (const r of rows) out.set(r.number, r.id);
  }
  return out;
}

/** Reserves `count` consecutive numbers of a per-tenant sequence; returns the first. */
export async function reserveNumbers(
  ex: Executor,
  tenantId: number,
  name: string,
  count: number,
): Promise<bigint> {
  const r = await sql<{ first: bigint }>`
    insert into number_sequences (tenant_id, name, next_value) values (${tenantId}, ${name}, ${BigInt(count) + 1n})
    on conflict (tenant_id, name) do update set next_value = number_sequences.next_value + ${BigInt(count)}
    returning next_value - ${BigInt(count)} as first`.execute(ex);
  return r.rows[0]?.first ?? 1n;
}

/**
 * What each item has written off net of what was since reinstated or reversed: minus the sum of its
 * `write_off` rows (a write-off is negative, its reversal and a reinstatement positive). Items with
 * nothing written off are absent.
 */
export async function findWrittenOffAmounts(
  ex: Executor,
  tenantId: number,
  itemIds: readonly string[],
): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  const unique = [...new Set(itemIds)];
  for (let i = 0; i < unique.length; i += 5000) {
    const r = await sql<{ item_id: string; written_off: bigint }>`
      select item_id, (-sum(amount_minor))::bigint as written_off from applications
      where tenant_id = ${tenantId} and kind = 'write_off' and item_id = any(${unique.slice(i, i + 5000)}::text[])
      group by item_id`.execute(ex);
    for (const row of r.rows) if (row.written_off !== 0n) out.set(row.item_id, BigInt(row.written_off));
  }
  return out;
}
