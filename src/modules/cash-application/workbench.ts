import { sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { AppError, defineErrors, type InputIssue } from '../../core/errors.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { formatAmount, parseAmount } from '../../core/money.ts';
import { anyText } from '../../db/bulk.ts';
import { withDbErrors } from '../../db/db-errors.ts';
import { type AuditRecord, recordAudit } from '../audit/index.ts';
import { findCustomersByNumbers, normalizeBankAccount } from '../parties/index.ts';
import {
  type ApplicationBatchDraft,
  type ApplicationKind,
  type ApplicationRowDraft,
  type ApplicationStatus,
  checkApplicationBatch,
  createReceivablesService,
  type ItemState,
  type ItemType,
  isCreditItemType,
  lockItems,
  lockItemsByNumber,
  type NumberedItemState,
  type ReceiptState,
} from '../receivables/index.ts';
import { nameKey } from './logic/names.ts';

/**
 * The cash-application workbench: what an analyst does with the receipts the engine (apply-cash.ts)
 * did not apply — list them with their suggestions; confirm or reject a suggestion; apply by hand
 * across invoices and customers; move, unapply, put on account, refund. Each use case is one
 * transaction with an audit entry. Every application goes through the receivables rules and
 * postings (receivables.service.ts), so the workbench cannot break what `arbor check` verifies.
 *
 * Dating: an analyst's action is booked on the day it is taken (the clock's today), not back-dated
 * to the receipt, so that an aging already reported as of an earlier day does not change under it.
 * The engine dates its own applications by the receipt date; reversals here are dated today too.
 *
 * Learning: what an analyst confirms, rejects or corrects is written to `payer_links`, keyed by the
 * receipt's payer account (`account:<normalized account>`) and payer name (`name:<nameKey>`), which
 * load-knowledge.ts reads on the next run (a rejection counts against the customer).
 */

export const workbenchError = defineErrors({
  'cash.receipt_not_found': 'not_found',
  'cash.ambiguous_receipt': 'invalid',
  'cash.invalid_request': 'invalid',
  'cash.invalid_rows': 'invalid',
  'cash.suggestion_not_found': 'not_found',
  'cash.suggestion_closed': 'conflict',
  'cash.suggestion_stale': 'conflict',
  'cash.application_not_found': 'not_found',
  'cash.nothing_applied': 'conflict',
  'cash.nothing_unapplied': 'conflict',
});

/** An amount: minor units, or a decimal string in major units read in the receipt's currency. */
export type AmountInput = bigint | string;

/** A row of a manual application, as an analyst names it. Amounts are positive; the kind gives the sign. */
export type ManualRow =
  /** Settle an invoice, debit memo or deduction, or net a credit memo or on-account credit (default: its open amount). */
  | { readonly kind: 'item'; readonly number: string; readonly amount?: AmountInput }
  /** A discount allowed on an item (negative row). */
  | { readonly kind: 'discount'; readonly item: string; readonly amount: AmountInput }
  /** A short payment with its reason: a new open deduction item on the item's customer. */
  | {
      readonly kind: 'deduction';
      readonly item: string;
      readonly amount: AmountInput;
      readonly reason: string;
    }
  /** Money left as a credit of a customer (default: what the other rows leave of the receipt). */
  | { readonly kind: 'on_account'; readonly customer: string; readonly amount?: AmountInput }
  /** Money paid back (default: what the other rows leave of the receipt). */
  | { readonly kind: 'refund'; readonly amount?: AmountInput };

export type ListStatus = 'suggested' | 'unapplied' | 'all';

export interface SuggestedRow {
  readonly kind: string;
  readonly target: string | null;
  readonly customer: string | null;
  readonly amountMinor: bigint;
  readonly reasonCode: string | null;
}

export interface OpenSuggestion {
  readonly id: string;
  readonly rank: number;
  readonly confidence: string;
  /** One line: the rows by customer (`C3: INV-3 1000.00, discount -20.00`). */
  readonly summary: string;
  readonly explanation: string;
  readonly rows: readonly SuggestedRow[];
}

export interface OpenReceipt {
  readonly id: string;
  readonly reference: string;
  readonly date: LocalDate;
  readonly currency: CurrencyCode;
  readonly amountMinor: bigint;
  readonly unappliedMinor: bigint;
  readonly payerName: string | null;
  readonly payerAccount: string | null;
  /** The receipt's own customer, when the bank file identified it. */
  readonly customer: string | null;
  /** Why the engine left it (null once an analyst has acted on it). */
  readonly explanation: string | null;
  readonly suggestions: readonly OpenSuggestion[];
}

/** A row a workbench action applied (or, for a reversal, undid), with its application's id. */
export interface AppliedRow extends SuggestedRow {
  readonly applicationId: string | null;
}

/** What a workbench action did to a receipt. */
export interface WorkbenchResult {
  readonly receiptId: string;
  readonly reference: string;
  readonly currency: CurrencyCode;
  /** The receipt's unapplied money after the action. */
  readonly unappliedMinor: bigint;
  readonly applicationIds: readonly string[];
  readonly reversalIds: readonly string[];
  /** The rows applied (for a reversal: the rows undone, with their own ids). */
  readonly rows: readonly AppliedRow[];
  /** Payer → customer links recorded for the engine to learn from. */
  readonly learned: readonly { readonly customer: string; readonly source: LinkSource }[];
}

type LinkSource = 'confirmed' | 'corrected' | 'rejected';

interface ReceiptRecord {
  id: string;
  reference: string;
  entityId: string;
  currency: CurrencyCode;
  receiptDate: LocalDate;
  amountMinor: bigint;
  unappliedMinor: bigint;
  payerName: string | null;
  payerAccount: string | null;
  customerId: string | null;
  /** The customer's account number, when the receipt has a customer. */
  customerNumber: string | null;
  /** Whether the engine left a note on the receipt (cleared once an analyst acts). */
  explained: boolean;
  /** Whether the receipt has open or rejected suggestions (false unless lockReceipt was asked). */
  suggested: boolean;
}

interface StoredAllocationRow {
  kind: ApplicationKind;
  item_id: string | null;
  item_number: string | null;
  customer_id: string | null;
  amount_minor: string;
  reason_code: string | null;
}

interface SuggestionRecord {
  id: string;
  rank: number;
  status: string;
  confidence: string;
  explanation: string;
  engineVersion: string;
  rows: StoredAllocationRow[];
}

const trimDecimal = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

function parseAllocation(value: unknown): StoredAllocationRow[] {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? (parsed as StoredAllocationRow[]) : [];
}

/** Runs `fn` in one transaction, database errors translated. */
function inTransaction<T>(ctx: ServiceContext, fn: (tx: Executor) => Promise<T>): Promise<T> {
  return ctx.database.db.transaction().execute((tx) => withDbErrors(() => fn(tx)));
}

// ---------------------------------------------------------------------------------------------------
// Listing

/**
 * Receipts with money unapplied, oldest first, each with its open suggestions (rank order).
 * `suggested`: only those with an open suggestion; `unapplied`: only those without; `all` (default).
 */
export async function listOpenReceipts(
  ctx: ServiceContext,
  options: { status?: ListStatus; limit?: number } = {},
): Promise<OpenReceipt[]> {
  const ex = ctx.database.db;
  const t = ctx.tenantId;
  const status = options.status ?? 'all';
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0))
    throw workbenchError(
      'cash.invalid_request',
      `limit must be a positive whole number, not ${options.limit}`,
    );
  const hasOpen = sql`exists (select 1 from cash_suggestions s
    where s.tenant_id = r.tenant_id and s.receipt_id = r.id and s.status = 'open')`;
  const receipts = (
    await sql<{
      id: string;
      reference: string;
      receipt_date: string;
      currency: string;
      amount_minor: bigint;
      unapplied_minor: bigint;
      payer_name: string | null;
      payer_account: string | null;
      engine_explanation: string | null;
      customer: string | null;
    }>`
      select r.id, r.reference, r.receipt_date, r.currency, r.amount_minor - r.returned_minor as amount_minor,
        r.unapplied_minor, r.payer_name, r.payer_account, r.engine_explanation, c.account_number as customer
      from receipts r left join customers c on c.tenant_id = r.tenant_id and c.id = r.customer_id
      where r.tenant_id = ${t} and r.unapplied_minor > 0
        ${status === 'suggested' ? sql`and ${hasOpen}` : status === 'unapplied' ? sql`and not ${hasOpen}` : sql``}
      order by r.receipt_date, r.id
      ${options.limit === undefined ? sql`` : sql`limit ${options.limit}`}`.execute(ex)
  ).rows;
  if (receipts.length === 0) return [];
  const suggestionRows = (
    await sql<{
      id: string;
      receipt_id: string;
      rank: number;
      confidence: string;
      explanation: string;
      allocation: unknown;
    }>`
      select id, receipt_id, rank, confidence::text as confidence, explanation, allocation from cash_suggestions
      where tenant_id = ${t} and status = 'open' and receipt_id = any(${receipts.map((r) => r.id)}::text[])
      order by receipt_id, rank`.execute(ex)
  ).rows.map((s) => ({ ...s, rows: parseAllocation(s.allocation) }));
  const numbers = await customerNumbers(
    ex,
    t,
    suggestionRows.flatMap((s) => s.rows.flatMap((r) => (r.customer_id ? [r.customer_id] : []))),
  );
  const byReceipt = new Map<string, OpenSuggestion[]>();
  for (const s of suggestionRows) {
    const receipt = receipts.find((r) => r.id === s.receipt_id);
    const currency = (receipt?.currency ?? 'USD') as CurrencyCode;
    const rows = s.rows.map((r) => suggestedRow(r, numbers));
    const list = byReceipt.get(s.receipt_id) ?? [];
    list.push({
      id: s.id,
      rank: s.rank,
      confidence: trimDecimal(s.confidence),
      summary: summarizeRows(rows, currency),
      explanation: s.explanation,
      rows,
    });
    byReceipt.set(s.receipt_id, list);
  }
  return receipts.map((r) => ({
    id: r.id,
    reference: r.reference,
    date: r.receipt_date as LocalDate,
    currency: r.currency as CurrencyCode,
    amountMinor: r.amount_minor,
    unappliedMinor: r.unapplied_minor,
    payerName: r.payer_name,
    payerAccount: r.payer_account,
    customer: r.customer,
    explanation: r.engine_explanation,
    suggestions: byReceipt.get(r.id) ?? [],
  }));
}

function suggestedRow(r: StoredAllocationRow, numbers: ReadonlyMap<string, string>): SuggestedRow {
  return {
    kind: r.kind,
    target: r.item_number,
    customer: r.customer_id ? (numbers.get(r.customer_id) ?? r.customer_id) : null,
    amountMinor: BigInt(r.amount_minor),
    reasonCode: r.reason_code,
  };
}

/** `C3: INV-3 1000.00, discount INV-3 -20.00; C1: on_account 5.00` — rows grouped by customer. */
export function summarizeRows(rows: readonly SuggestedRow[], currency: CurrencyCode): string {
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const settles = r.kind === 'invoice' || r.kind === 'credit_memo';
    const what = settles
      ? `${r.target ?? '?'} ${formatAmount(r.amountMinor, currency)}`
      : `${r.kind}${r.target ? ` ${r.target}` : ''} ${formatAmount(r.amountMinor, currency)}${r.reasonCode ? ` (${r.reasonCode})` : ''}`;
    const key = r.customer ?? '';
    groups.set(key, [...(groups.get(key) ?? []), what]);
  }
  return [...groups]
    .map(([customer, parts]) => (customer ? `${customer}: ${parts.join(', ')}` : parts.join(', ')))
    .join('; ');
}

async function customerNumbers(
  ex: Executor,
  tenantId: number,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return out;
  for (const c of await ex
    .selectFrom('customers')
    .select(['id', 'account_number'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', anyText(unique))
    .execute())
    out.set(c.id, c.account_number);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Receipts, suggestions, links

/** The receipts' columns a workbench action reads, with what the actions would otherwise read again. */
function selectReceipts(ex: Executor, tenantId: number, options: { suggestions?: boolean }) {
  return ex
    .selectFrom('receipts')
    .select([
      'id',
      'reference',
      'entity_id',
      'currency',
      'receipt_date',
      'amount_minor',
      'unapplied_minor',
      'payer_name',
      'payer_account',
      'customer_id',
      // What the actions below would otherwise read again, one query each.
      sql<string | null>`(select c.account_number from customers c
        where c.tenant_id = receipts.tenant_id and c.id = receipts.customer_id)`.as('customer_number'),
      sql<boolean>`engine_explanation is not null`.as('explained'),
      // Only where asked (the manual application): one more index probe per receipt otherwise.
      (options.suggestions
        ? sql<boolean>`exists (select 1 from cash_suggestions s where s.tenant_id = receipts.tenant_id
            and s.receipt_id = receipts.id and s.status in ('open', 'rejected'))`
        : sql<boolean>`false`
      ).as('suggested'),
    ])
    .where('tenant_id', '=', tenantId);
}

type ReceiptColumns = Awaited<ReturnType<ReturnType<typeof selectReceipts>['execute']>>[number];

const toReceiptRecord = (r: ReceiptColumns): ReceiptRecord => ({
  id: r.id,
  reference: r.reference,
  entityId: r.entity_id,
  currency: r.currency as CurrencyCode,
  receiptDate: r.receipt_date as LocalDate,
  amountMinor: r.amount_minor,
  unappliedMinor: r.unapplied_minor,
  payerName: r.payer_name,
  payerAccount: r.payer_account,
  customerId: r.customer_id,
  customerNumber: r.customer_number,
  explained: r.explained,
  suggested: r.suggested,
});

/** What the receivables rules check and move of a receipt read by `selectReceipts`. */
const receiptState = (r: ReceiptRecord): ReceiptState => ({
  id: r.id,
  reference: r.reference,
  entityId: r.entityId,
  currency: r.currency,
  receiptDate: r.receiptDate,
  amountMinor: r.amountMinor,
  customerId: r.customerId,
  unappliedMinor: r.unappliedMinor,
});

/**
 * The receipt named by its id or its bank reference, locked for the transaction. A reference that
 * names several receipts (banks reuse them across days and accounts) is refused, listing them.
 */
async function lockReceipt(
  ex: Executor,
  tenantId: number,
  name: string,
  /** Whether to find out if the receipt has open or rejected suggestions (`suggested`). */
  options: { suggestions?: boolean } = {},
): Promise<ReceiptRecord> {
  const text = name.trim();
  if (text === '') throw workbenchError('cash.invalid_request', 'name a receipt by its id or reference');
  const rows = await selectReceipts(ex, tenantId, options)
    .where((eb) => eb.or([eb('id', '=', text), eb('reference', '=', text)]))
    .orderBy('receipt_date')
    .orderBy('id')
    .forUpdate()
    .execute();
  const chosen = rows.find((r) => r.id === text) ?? (rows.length === 1 ? rows[0] : undefined);
  if (chosen === undefined) {
    if (rows.length === 0)
      throw workbenchError('cash.receipt_not_found', `no receipt has the id or reference "${text}"`);
    const list = rows
      .map(
        (r) =>
          `${r.id} (${r.receipt_date}, ${formatAmount(r.amount_minor, r.currency as CurrencyCode)} ${r.currency}${r.payer_name ? `, ${r.payer_name}` : ''})`,
      )
      .join('; ');
    throw workbenchError(
      'cash.ambiguous_receipt',
      `reference "${text}" names ${rows.length} receipts: ${list}; name one by its id`,
      { details: { receipts: rows.map((r) => r.id) } },
    );
  }
  return toReceiptRecord(chosen);
}

function checkRank(rank: number): void {
  if (!Number.isInteger(rank) || rank < 1 || rank > 3)
    throw workbenchError('cash.invalid_request', `a suggestion's rank is 1, 2 or 3, not ${rank}`);
}

/** The receipt's open suggestion of that rank, locked; a clear refusal when it is decided or absent. */
async function openSuggestion(
  ex: Executor,
  tenantId: number,
  receipt: ReceiptRecord,
  rank: number,
): Promise<SuggestionRecord> {
  const rows = await ex
    .selectFrom('cash_suggestions')
    .select(['id', 'rank', 'status', 'confidence', 'explanation', 'engine_version', 'allocation'])
    .where('tenant_id', '=', tenantId)
    .where('receipt_id', '=', receipt.id)
    .where('rank', '=', rank)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .forUpdate()
    .execute();
  const open = rows.find((r) => r.status === 'open');
  if (open === undefined) {
    const latest = rows[0];
    if (latest === undefined)
      throw workbenchError(
        'cash.suggestion_not_found',
        `receipt ${receipt.reference} has no suggestion of rank ${rank}; see \`arbor cash list\``,
      );
    throw workbenchError(
      'cash.suggestion_closed',
      `suggestion ${rank} of receipt ${receipt.reference} is ${latest.status}, not open; see \`arbor cash list\``,
    );
  }
  return {
    id: open.id,
    rank: open.rank,
    status: open.status,
    confidence: open.confidence,
    explanation: open.explanation,
    engineVersion: open.engine_version,
    rows: parseAllocation(open.allocation),
  };
}

function payerKeys(receipt: ReceiptRecord): string[] {
  const keys: string[] = [];
  const account = receipt.payerAccount ? normalizeBankAccount(receipt.payerAccount) : '';
  if (account !== '') keys.push(`account:${account}`);
  const name = nameKey(receipt.payerName);
  if (name !== '') keys.push(`name:${name}`);
  return keys;
}

/**
 * Records that the receipt's payer (by account and by name) pays — or, for `rejected`, does not pay
 * — for these customers: an upsert that adds one to the link's weight and moves `last_seen` to the
 * receipt's date when later. A receipt with neither payer account nor name teaches nothing.
 */
async function recordPayerLinks(
  ex: Executor,
  tenantId: number,
  receipt: ReceiptRecord,
  customerIds: readonly string[],
  source: LinkSource,
): Promise<number> {
  const keys = payerKeys(receipt);
  const customers = [...new Set(customerIds)];
  if (keys.length === 0 || customers.length === 0) return 0;
  await ex
    .insertInto('payer_links')
    .values(
      keys.flatMap((payer_key) =>
        customers.map((customer_id) => ({
          tenant_id: tenantId,
          payer_key,
          customer_id,
          source,
          weight: 1,
          last_seen: receipt.receiptDate,
        })),
      ),
    )
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'payer_key', 'customer_id', 'source']).doUpdateSet({
        weight: sql`payer_links.weight + excluded.weight`,
        last_seen: sql`greatest(payer_links.last_seen, excluded.last_seen)`,
      }),
    )
    .execute();
  return customers.length;
}

/** Open suggestions of the receipt give way once an analyst has applied its money otherwise. */
async function supersedeOpenSuggestions(
  ctx: ServiceContext,
  ex: Executor,
  receiptId: string,
  except: string | null = null,
): Promise<number> {
  let q = ex
    .updateTable('cash_suggestions')
    .set({ status: 'superseded', decided_by: ctx.actor, decided_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenantId)
    .where('receipt_id', '=', receiptId)
    .where('status', '=', 'open');
  if (except !== null) q = q.where('id', '<>', except);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The engine's note on why it left the receipt no longer describes what is left once an analyst acts. */
async function clearEngineExplanation(ex: Executor, tenantId: number, receiptId: string): Promise<void> {
  await ex
    .updateTable('receipts')
    .set({ engine_explanation: null })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', receiptId)
    .execute();
}

async function unappliedOf(ex: Executor, tenantId: number, receiptId: string): Promise<bigint> {
  const r = await ex
    .selectFrom('receipts')
    .select('unapplied_minor')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', receiptId)
    .executeTakeFirstOrThrow();
  return r.unapplied_minor;
}

/** Applies one batch of the receipt's money through the receivables rules, dated today (or `meta.date`). */
async function applyRows(
  ctx: ServiceContext,
  ex: Executor,
  receipt: ReceiptRecord,
  rows: readonly ApplicationRowDraft[],
  meta: {
    status: ApplicationStatus;
    confidence?: string | null;
    explanation?: string | null;
    engineVersion?: string | null;
    date?: LocalDate;
  },
  /** The receipt and items, already locked by the caller in this transaction (not read again). */
  locked?: { receipt: ReceiptState; items: Map<string, ItemState> },
): Promise<string[]> {
  const receivables = createReceivablesService(ctx);
  const result = await receivables.applyBatches(
    ex,
    [
      {
        entityId: receipt.entityId,
        currency: receipt.currency,
        appliedDate: meta.date ?? ctx.clock.today(),
        receiptId: receipt.id,
        status: meta.status,
        rows,
        confidence: meta.confidence ?? null,
        explanation: meta.explanation ?? null,
        engineVersion: meta.engineVersion ?? null,
      },
    ],
    locked ? { receipts: new Map([[locked.receipt.id, locked.receipt]]), items: locked.items } : {},
  );
  return [...result.applicationIds];
}

// ---------------------------------------------------------------------------------------------------
// Confirm, reject

/**
 * Applies a suggestion as the engine proposed it (status `confirmed`), after checking that nothing
 * it relies on moved since the run that made it: no application touched its items or the receipt
 * since, and each item still has the amount open. The suggestion becomes `confirmed`, the receipt's
 * other open suggestions `superseded`, and the payer is linked to each customer of the allocation.
 */
export async function confirmSuggestion(
  ctx: ServiceContext,
  request: { receipt: string; rank?: number },
): Promise<WorkbenchResult> {
  const rank = request.rank ?? 1;
  checkRank(rank);
  return inTransaction(ctx, async (tx) => {
    const t = ctx.tenantId;
    const receipt = await lockReceipt(tx, t, request.receipt);
    const s = await openSuggestion(tx, t, receipt, rank);
    const itemIds = [...new Set(s.rows.flatMap((r) => (r.item_id ? [r.item_id] : [])))];
    const items = await lockItems(tx, t, itemIds);
    const fmt = (v: bigint) => formatAmount(v, receipt.currency);
    const problems: string[] = [];
    for (const id of itemIds) if (!items.has(id)) problems.push(`item ${id} no longer exists`);
    const moved = (
      await sql<{ item_id: string; reference: string | null; applied_date: string; reversal: boolean }>`
        select a.item_id, r.reference, a.applied_date::text as applied_date, a.reversal_of is not null as reversal
        from applications a
        join cash_suggestions s on s.tenant_id = a.tenant_id and s.id = ${s.id}
        left join receipts r on r.tenant_id = a.tenant_id and r.id = a.receipt_id
        where a.tenant_id = ${t} and a.item_id = any(${itemIds}::text[]) and a.created_at > s.created_at
        order by a.created_at, a.id`.execute(tx)
    ).rows;
    const reported = new Set<string>();
    for (const m of moved) {
      if (reported.has(m.item_id)) continue;
      reported.add(m.item_id);
      const item = items.get(m.item_id);
      problems.push(
        `${item?.number ?? m.item_id} has changed since the suggestion was made (${item ? `${fmt(item.openMinor < 0n ? -item.openMinor : item.openMinor)} open now; ` : ''}${m.reversal ? 'an application reversed' : 'applied'}${m.reference ? ` by receipt ${m.reference}` : ''} on ${m.applied_date})`,
      );
    }
    for (const r of s.rows) {
      if (!r.item_id || reported.has(r.item_id) || (r.kind !== 'invoice' && r.kind !== 'credit_memo'))
        continue;
      const item = items.get(r.item_id);
      const amount = BigInt(r.amount_minor);
      if (item && (amount > 0n ? item.openMinor < amount : item.openMinor > amount)) {
        reported.add(r.item_id);
        problems.push(
          `${item.number} has ${fmt(item.openMinor < 0n ? -item.openMinor : item.openMinor)} open, not the ${fmt(amount < 0n ? -amount : amount)} suggested`,
        );
      }
    }
    const total = s.rows.reduce((a, r) => a + BigInt(r.amount_minor), 0n);
    const receiptMoved = await sql<{ n: bigint }>`
      select count(*)::bigint as n from applications a
      join cash_suggestions s on s.tenant_id = a.tenant_id and s.id = ${s.id}
      where a.tenant_id = ${t} and a.receipt_id = ${receipt.id} and a.created_at > s.created_at`.execute(tx);
    if ((receiptMoved.rows[0]?.n ?? 0n) > 0n || total > receipt.unappliedMinor)
      problems.push(
        `receipt ${receipt.reference} has changed since (${fmt(receipt.unappliedMinor)} unapplied now; the suggestion uses ${fmt(total)})`,
      );
    if (problems.length > 0)
      throw workbenchError(
        'cash.suggestion_stale',
        `suggestion ${rank} of receipt ${receipt.reference} no longer fits: ${problems.join('; ')}. Run \`arbor cash apply\` again for a fresh suggestion, or apply by hand`,
        { details: { problems } },
      );

    const applicationIds = await applyRows(
      ctx,
      tx,
      receipt,
      s.rows.map((r) => ({
        kind: r.kind,
        amountMinor: BigInt(r.amount_minor),
        itemId: r.item_id,
        customerId: r.customer_id,
        reasonCode: r.reason_code,
      })),
      {
        status: 'confirmed',
        confidence: s.confidence,
        explanation: s.explanation,
        engineVersion: s.engineVersion,
      },
    );
    await tx
      .updateTable('cash_suggestions')
      .set({ status: 'confirmed', decided_by: ctx.actor, decided_at: ctx.clock.now() })
      .where('tenant_id', '=', t)
      .where('id', '=', s.id)
      .execute();
    const superseded = await supersedeOpenSuggestions(ctx, tx, receipt.id, s.id);
    const customers = [...new Set(s.rows.flatMap((r) => (r.customer_id ? [r.customer_id] : [])))];
    await recordPayerLinks(tx, t, receipt, customers, 'confirmed');
    await clearEngineExplanation(tx, t, receipt.id);
    const numbers = await customerNumbers(tx, t, customers);
    const rows = s.rows.map((r, i) => ({
      ...suggestedRow(r, numbers),
      applicationId: applicationIds[i] ?? null,
    }));
    const unapplied = await unappliedOf(tx, t, receipt.id);
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'cash.suggestion_confirmed',
        objectType: 'receipt',
        objectId: receipt.id,
        before: { unapplied_minor: receipt.unappliedMinor, suggestion: s.id, rank },
        after: {
          unapplied_minor: unapplied,
          applications: applicationIds,
          superseded,
          payer_keys: payerKeys(receipt),
          customers,
        },
      },
    ]);
    return {
      receiptId: receipt.id,
      reference: receipt.reference,
      currency: receipt.currency,
      unappliedMinor: unapplied,
      applicationIds,
      reversalIds: [],
      rows,
      learned: learnedList(customers, numbers, 'confirmed', receipt),
    };
  });
}

function learnedList(
  customers: readonly string[],
  numbers: ReadonlyMap<string, string>,
  source: LinkSource,
  receipt: ReceiptRecord,
): WorkbenchResult['learned'] {
  if (payerKeys(receipt).length === 0) return [];
  return customers.map((c) => ({ customer: numbers.get(c) ?? c, source }));
}

/**
 * Says no to a suggestion: it becomes `rejected` (a later run's suggestions do not bring it back
 * to open), and the payer is linked against each of its customers, which the next run counts
 * against them (load-knowledge.ts weighs a rejection five times a confirmation).
 */
export async function rejectSuggestion(
  ctx: ServiceContext,
  request: { receipt: string; rank?: number },
): Promise<WorkbenchResult> {
  const rank = request.rank ?? 1;
  checkRank(rank);
  return inTransaction(ctx, async (tx) => {
    const t = ctx.tenantId;
    const receipt = await lockReceipt(tx, t, request.receipt);
    const s = await openSuggestion(tx, t, receipt, rank);
    await tx
      .updateTable('cash_suggestions')
      .set({ status: 'rejected', decided_by: ctx.actor, decided_at: ctx.clock.now() })
      .where('tenant_id', '=', t)
      .where('id', '=', s.id)
      .execute();
    const customers = [...new Set(s.rows.flatMap((r) => (r.customer_id ? [r.customer_id] : [])))];
    await recordPayerLinks(tx, t, receipt, customers, 'rejected');
    const numbers = await customerNumbers(tx, t, customers);
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'cash.suggestion_rejected',
        objectType: 'receipt',
        objectId: receipt.id,
        before: { suggestion: s.id, rank, status: 'open' },
        after: { status: 'rejected', payer_keys: payerKeys(receipt), customers },
      },
    ]);
    return {
      receiptId: receipt.id,
      reference: receipt.reference,
      currency: receipt.currency,
      unappliedMinor: receipt.unappliedMinor,
      applicationIds: [],
      reversalIds: [],
      rows: s.rows.map((r) => ({ ...suggestedRow(r, numbers), applicationId: null })),
      learned: learnedList(customers, numbers, 'rejected', receipt),
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Manual application

interface ItemRef {
  id: string;
  number: string;
  type: ItemType;
  customerId: string;
  openMinor: bigint;
}

async function findItems(ex: Executor, tenantId: number, numbers: readonly string[]) {
  const out = new Map<string, ItemRef>();
  const unique = [...new Set(numbers)];
  if (unique.length === 0) return out;
  for (const r of await ex
    .selectFrom('items')
    .select(['id', 'number', 'type', 'customer_id', 'open_minor'])
    .where('tenant_id', '=', tenantId)
    .where('number', '=', anyText(unique))
    .execute())
    out.set(r.number, {
      id: r.id,
      number: r.number,
      type: r.type,
      customerId: r.customer_id,
      openMinor: r.open_minor,
    });
  return out;
}

function rowLabel(row: ManualRow): string {
  switch (row.kind) {
    case 'item':
      return row.number;
    case 'discount':
      return `discount ${row.item}`;
    case 'deduction':
      return `deduction ${row.item}`;
    case 'on_account':
      return `on_account ${row.customer}`;
    case 'refund':
      return 'refund';
  }
}

/**
 * Turns an analyst's rows into application rows, reporting every problem (unknown items and
 * customers, unreadable or non-positive amounts, a deduction without a reason, more than one row
 * taking the remainder) at once, each named by its row. The receivables rules then check the result
 * against the items' and receipt's current state.
 */
async function resolveManualRows(
  ex: Executor,
  tenantId: number,
  receipt: ReceiptRecord,
  rows: readonly ManualRow[],
): Promise<{
  drafts: ApplicationRowDraft[];
  items: Map<string, NumberedItemState>;
  customers: Map<string, { id: string }>;
}> {
  if (rows.length === 0)
    throw workbenchError('cash.invalid_rows', `say where receipt ${receipt.reference}'s money goes`);
  const items = await lockItemsByNumber(ex, tenantId, rows.flatMap(itemNumbersOf));
  const customers = await findCustomersByNumbers(ex, tenantId, rows.flatMap(customerNumbersOf));
  return { drafts: draftManualRows(receipt, rows, items, customers), items, customers };
}

/** The item numbers a manual row names. */
const itemNumbersOf = (r: ManualRow): string[] =>
  r.kind === 'item' ? [r.number] : r.kind === 'discount' || r.kind === 'deduction' ? [r.item] : [];

/** The account numbers a manual row names. */
const customerNumbersOf = (r: ManualRow): string[] => (r.kind === 'on_account' ? [r.customer] : []);

/**
 * The pure half of `resolveManualRows`: the rows as application rows, given the items (by number) and
 * customers (by account number) they name, read already. Throws `cash.invalid_rows` with every problem.
 */
function draftManualRows(
  receipt: ReceiptRecord,
  rows: readonly ManualRow[],
  items: ReadonlyMap<string, NumberedItemState>,
  customers: ReadonlyMap<string, { id: string }>,
): ApplicationRowDraft[] {
  const issues: InputIssue[] = [];
  if (rows.length === 0)
    throw workbenchError('cash.invalid_rows', `say where receipt ${receipt.reference}'s money goes`);
  const amountOf = (row: ManualRow, value: AmountInput, allowNegative: boolean): bigint | null => {
    let v: bigint;
    try {
      v = typeof value === 'bigint' ? value : parseAmount(value, receipt.currency);
    } catch (e) {
      issues.push({ column: rowLabel(row), message: e instanceof AppError ? e.message : String(e) });
      return null;
    }
    if (allowNegative && v < 0n) v = -v;
    if (v <= 0n) {
      issues.push({
        column: rowLabel(row),
        message: `the amount must be positive (the kind gives the sign), not ${formatAmount(v, receipt.currency)}`,
      });
      return null;
    }
    return v;
  };
  const itemOf = (row: ManualRow, number: string): ItemRef | null => {
    const item = items.get(number);
    if (!item) issues.push({ column: rowLabel(row), message: `no item numbered "${number}"` });
    return item ?? null;
  };

  const out: (ApplicationRowDraft | null)[] = [];
  let remainderAt = -1;
  for (const row of rows) {
    switch (row.kind) {
      case 'item': {
        const item = itemOf(row, row.number);
        const credit = item ? isCreditItemType(item.type) : false;
        let amount: bigint | null = null;
        if (row.amount !== undefined) amount = amountOf(row, row.amount, credit);
        else if (item) {
          amount = item.openMinor < 0n ? -item.openMinor : item.openMinor;
          if (amount === 0n) {
            issues.push({ column: rowLabel(row), message: `${item.number} has nothing open` });
            amount = null;
          }
        }
        if (item && amount !== null)
          out.push({
            kind: credit ? 'credit_memo' : 'invoice',
            amountMinor: credit ? -amount : amount,
            itemId: item.id,
            customerId: item.customerId,
          });
        break;
      }
      case 'discount':
      case 'deduction': {
        const item = itemOf(row, row.item);
        const amount = amountOf(row, row.amount, false);
        const reason = row.kind === 'deduction' ? row.reason.trim() : null;
        if (row.kind === 'deduction' && reason === '')
          issues.push({ column: rowLabel(row), message: 'a deduction needs its reason code' });
        if (item && amount !== null && reason !== '')
          out.push({
            kind: row.kind,
            amountMinor: -amount,
            itemId: item.id,
            customerId: item.customerId,
            reasonCode: reason,
          });
        break;
      }
      case 'on_account':
      case 'refund': {
        let customerId: string | null = receipt.customerId;
        if (row.kind === 'on_account') {
          const customer = customers.get(row.customer);
          if (!customer)
            issues.push({
              column: rowLabel(row),
              message: `no customer with account number "${row.customer}"`,
            });
          customerId = customer?.id ?? null;
        }
        if (row.amount === undefined) {
          if (remainderAt >= 0)
            issues.push({
              column: rowLabel(row),
              message: 'only one on_account or refund row can take what is left; give the others an amount',
            });
          remainderAt = out.length;
          out.push({ kind: row.kind, amountMinor: 0n, itemId: null, customerId });
        } else {
          const amount = amountOf(row, row.amount, false);
          if (amount !== null) out.push({ kind: row.kind, amountMinor: amount, itemId: null, customerId });
        }
        break;
      }
    }
  }
  const remainderRow = remainderAt >= 0 ? out[remainderAt] : undefined;
  if (remainderRow && issues.length === 0) {
    const used = out.reduce((a, r) => a + (r && r !== remainderRow ? r.amountMinor : 0n), 0n);
    const left = receipt.unappliedMinor - used;
    if (left <= 0n)
      issues.push({
        column: `${remainderRow.kind}`,
        message: `nothing is left of receipt ${receipt.reference} for it (${formatAmount(receipt.unappliedMinor, receipt.currency)} unapplied, the other rows use ${formatAmount(used, receipt.currency)})`,
      });
    else out[remainderAt] = { ...remainderRow, amountMinor: left };
  }
  if (issues.length > 0)
    throw workbenchError(
      'cash.invalid_rows',
      `${issues.length} problem(s) with the rows for receipt ${receipt.reference}; nothing was applied`,
      { issues },
    );
  return out.filter((r): r is ApplicationRowDraft => r !== null);
}

/** Sorted targets of an allocation (items settled, on-account customers), to tell allocations apart. */
function targetKey(rows: readonly { kind: string; itemId: string | null; customerId: string | null }[]) {
  return rows
    .flatMap((r) =>
      r.kind === 'invoice' || r.kind === 'credit_memo'
        ? [`item:${r.itemId}`]
        : r.kind === 'on_account'
          ? [`oa:${r.customerId}`]
          : r.kind === 'refund'
            ? ['refund']
            : [],
    )
    .sort()
    .join('|');
}

/**
 * Applies the receipt's money as an analyst says (status `manual`); the shared path of
 * applyManually, putOnAccount and refund. When the engine had suggested something for the receipt
 * (open or rejected suggestions): an open suggestion with the same targets counts as confirmed;
 * otherwise the analyst corrected the engine, and the payer is linked to the customers chosen.
 */
async function applyManualRows(
  ctx: ServiceContext,
  tx: Executor,
  request: {
    receipt: string;
    rows: readonly ManualRow[] | ((currency: CurrencyCode) => readonly ManualRow[]);
  },
  action: string,
): Promise<WorkbenchResult> {
  const t = ctx.tenantId;
  const receipt = await lockReceipt(tx, t, request.receipt, { suggestions: true });
  if (receipt.unappliedMinor <= 0n)
    throw workbenchError(
      'cash.nothing_unapplied',
      `receipt ${receipt.reference} has nothing unapplied; unapply first to apply it otherwise`,
    );
  const manualRows = typeof request.rows === 'function' ? request.rows(receipt.currency) : request.rows;
  const { drafts, items, customers } = await resolveManualRows(tx, t, receipt, manualRows);
  const suggestions = receipt.suggested
    ? (
        await tx
          .selectFrom('cash_suggestions')
          .select(['id', 'status', 'allocation'])
          .where('tenant_id', '=', t)
          .where('receipt_id', '=', receipt.id)
          .where('status', 'in', ['open', 'rejected'])
          .forUpdate()
          .execute()
      ).map((s) => ({
        ...s,
        rows: parseAllocation(s.allocation).map((r) => ({
          kind: r.kind,
          itemId: r.item_id,
          customerId: r.customer_id,
        })),
      }))
    : [];
  // The receipt and items as locked above: the receivables service checks and moves these.
  const state = receiptState(receipt);
  const locked = new Map<string, ItemState>();
  for (const item of items.values()) locked.set(item.id, item);
  const applicationIds = await applyRows(
    ctx,
    tx,
    receipt,
    drafts,
    { status: 'manual', explanation: `applied by hand by ${ctx.actor}` },
    { receipt: state, items: locked },
  );
  const key = targetKey(drafts);
  const same = suggestions.find((s) => s.status === 'open' && targetKey(s.rows) === key);
  const chosen = [
    ...new Set(
      drafts.flatMap((r) =>
        r.customerId && (r.kind === 'invoice' || r.kind === 'credit_memo' || r.kind === 'on_account')
          ? [r.customerId]
          : [],
      ),
    ),
  ];
  let source: LinkSource | null = null;
  if (same) {
    await tx
      .updateTable('cash_suggestions')
      .set({ status: 'confirmed', decided_by: ctx.actor, decided_at: ctx.clock.now() })
      .where('tenant_id', '=', t)
      .where('id', '=', same.id)
      .execute();
    source = 'confirmed';
  } else if (suggestions.length > 0 && chosen.length > 0) {
    source = 'corrected';
  }
  // Suggestions are read under the receipt's lock, which whoever writes them holds too.
  const superseded = suggestions.some((s) => s.status === 'open' && s !== same)
    ? await supersedeOpenSuggestions(ctx, tx, receipt.id)
    : 0;
  if (source !== null) await recordPayerLinks(tx, t, receipt, chosen, source);
  if (receipt.explained) await clearEngineExplanation(tx, t, receipt.id);
  // Account and item numbers for the answer, from what was read above (a query only for the rest).
  const numbers = new Map<string, string>();
  const itemNumbers = new Map<string, string>();
  for (const item of items.values()) {
    numbers.set(item.customerId, item.customerNumber);
    itemNumbers.set(item.id, item.number);
  }
  for (const [number, c] of customers) numbers.set(c.id, number);
  if (receipt.customerId && receipt.customerNumber) numbers.set(receipt.customerId, receipt.customerNumber);
  const unknownCustomers = drafts.flatMap((r) =>
    r.customerId && !numbers.has(r.customerId) ? [r.customerId] : [],
  );
  for (const [id, number] of await customerNumbers(tx, t, unknownCustomers)) numbers.set(id, number);
  const rows: AppliedRow[] = drafts.map((r, i) => ({
    applicationId: applicationIds[i] ?? null,
    kind: r.kind,
    target: r.itemId ? (itemNumbers.get(r.itemId) ?? r.itemId) : null,
    customer: r.customerId ? (numbers.get(r.customerId) ?? r.customerId) : null,
    amountMinor: r.amountMinor,
    reasonCode: r.reasonCode ?? null,
  }));
  const unapplied = state.unappliedMinor;
  await recordAudit(tx, t, [
    {
      actor: ctx.actor,
      action,
      objectType: 'receipt',
      objectId: receipt.id,
      before: { unapplied_minor: receipt.unappliedMinor },
      after: {
        unapplied_minor: unapplied,
        applications: applicationIds,
        rows: rows.map((r) => ({ ...r, amountMinor: r.amountMinor.toString() })),
        suggestion_confirmed: same?.id ?? null,
        superseded,
        learned: source,
      },
    },
  ]);
  return {
    receiptId: receipt.id,
    reference: receipt.reference,
    currency: receipt.currency,
    unappliedMinor: unapplied,
    applicationIds,
    reversalIds: [],
    rows,
    learned: source === null ? [] : learnedList(chosen, numbers, source, receipt),
  };
}

/**
 * Applies a receipt by hand: items of any customers (in full by default, or the amount given),
 * credits netted, discounts and deductions with reasons against items, on account, refund — one
 * batch, status `manual`, checked by the receivables rules (signs, open amounts, the receipt's
 * money). Nothing is applied unless every row is good.
 */
export function applyManually(
  ctx: ServiceContext,
  request: {
    receipt: string;
    /** The rows, or a function making them in the receipt's currency (called once it is locked). */
    rows: readonly ManualRow[] | ((currency: CurrencyCode) => readonly ManualRow[]);
  },
): Promise<WorkbenchResult> {
  return inTransaction(ctx, (tx) => applyManualRows(ctx, tx, request, 'cash.applied_manually'));
}

/** A manual application written with others in one transaction (see `applyManuallyTogether`). */
export interface TogetherRequest {
  /** The receipt's id (a reference may name several receipts: such a request runs alone). */
  readonly receipt: string;
  /** The rows, made in the receipt's currency once it is locked (a throw sends the request alone). */
  readonly rows: (currency: CurrencyCode) => readonly ManualRow[];
  /** The request's id and source address, for its audit row. */
  readonly requestId: string | null;
  readonly source: string | null;
}

/**
 * Many manual applications (as `applyManually`, by one actor) in the caller's transaction `tx`,
 * written set by set: the receipts locked in one statement, the items named in one more, every
 * request checked in order against the state the ones before it leave, then one posting statement
 * for all (ADR 0017). Each request gets its own audit row (its request id and source) and the
 * answer `applyManually` would have given.
 *
 * A request this path does not take answers null, and nothing of it is written: the caller runs it
 * alone through `applyManually`, after this transaction commits. That is every request whose answer
 * would be anything else than a plain application: an unknown receipt or item, a receipt with
 * suggestions or an engine note, a refund row, bad rows, too much money (its error then comes from
 * `applyManually`, as it would have).
 */
export async function applyManuallyTogether(
  ctx: ServiceContext,
  tx: Executor,
  requests: readonly TogetherRequest[],
): Promise<(WorkbenchResult | null)[]> {
  const t = ctx.tenantId;
  const out: (WorkbenchResult | null)[] = requests.map(() => null);
  if (requests.length === 0) return out;
  const receipts = new Map<string, ReceiptRecord>();
  for (const r of await selectReceipts(tx, t, { suggestions: true })
    .where('id', '=', anyText(requests.map((r) => r.receipt)))
    .orderBy('id')
    .forUpdate()
    .execute())
    receipts.set(r.id, toReceiptRecord(r));
  const candidates: { index: number; receipt: ReceiptRecord; rows: readonly ManualRow[] }[] = [];
  requests.forEach((request, index) => {
    const receipt = receipts.get(request.receipt);
    if (!receipt || receipt.suggested || receipt.explained) return;
    let rows: readonly ManualRow[];
    try {
      rows = request.rows(receipt.currency);
    } catch {
      return;
    }
    if (rows.length === 0 || rows.some((r) => r.kind === 'refund')) return;
    candidates.push({ index, receipt, rows });
  });
  if (candidates.length === 0) return out;
  const items = await lockItemsByNumber(
    tx,
    t,
    candidates.flatMap((c) => c.rows.flatMap(itemNumbersOf)),
  );
  const customers = await findCustomersByNumbers(
    tx,
    t,
    candidates.flatMap((c) => c.rows.flatMap(customerNumbersOf)),
  );
  // Working copies, moved as each request would move them; applyBatches starts again from the state read.
  const workingItems = new Map<string, ItemState>();
  for (const item of items.values()) workingItems.set(item.id, { ...item });
  const workingReceipts = new Map<string, ReceiptState>();
  for (const r of receipts.values()) workingReceipts.set(r.id, receiptState(r));
  const appliedDate = ctx.clock.today();
  const explanation = `applied by hand by ${ctx.actor}`;
  const good: {
    index: number;
    receipt: ReceiptRecord;
    batch: ApplicationBatchDraft;
    before: bigint;
    after: bigint;
  }[] = [];
  for (const c of candidates) {
    const state = workingReceipts.get(c.receipt.id) as ReceiptState;
    if (state.unappliedMinor <= 0n) continue;
    // The items as the requests before this one left them (an amount left out is the open amount).
    const named = new Map<string, NumberedItemState>();
    for (const number of c.rows.flatMap(itemNumbersOf)) {
      const item = items.get(number);
      const working = item ? workingItems.get(item.id) : undefined;
      if (item && working) named.set(number, { ...item, openMinor: working.openMinor });
    }
    let drafts: ApplicationRowDraft[];
    try {
      drafts = draftManualRows(
        { ...c.receipt, unappliedMinor: state.unappliedMinor },
        c.rows,
        named,
        customers,
      );
    } catch {
      continue;
    }
    const batch: ApplicationBatchDraft = {
      entityId: c.receipt.entityId,
      currency: c.receipt.currency,
      appliedDate,
      receiptId: c.receipt.id,
      status: 'manual',
      rows: drafts,
      confidence: null,
      explanation,
      engineVersion: null,
    };
    const before = state.unappliedMinor;
    if (checkApplicationBatch(batch, workingItems, state).problems.length > 0) continue;
    good.push({ index: c.index, receipt: c.receipt, batch, before, after: state.unappliedMinor });
  }
  if (good.length === 0) return out;

  const lockedItems = new Map<string, ItemState>();
  for (const item of items.values()) lockedItems.set(item.id, { ...item });
  const lockedReceipts = new Map<string, ReceiptState>();
  for (const r of receipts.values()) lockedReceipts.set(r.id, receiptState(r));
  const result = await createReceivablesService(ctx).applyBatches(
    tx,
    good.map((g) => g.batch),
    { receipts: lockedReceipts, items: lockedItems },
  );
  const numbers = new Map<string, string>();
  const itemNumbers = new Map<string, string>();
  for (const item of items.values()) {
    numbers.set(item.customerId, item.customerNumber);
    itemNumbers.set(item.id, item.number);
  }
  for (const [number, c] of customers) numbers.set(c.id, number);
  const audit: AuditRecord[] = [];
  let next = 0;
  for (const g of good) {
    const applicationIds = result.applicationIds.slice(next, next + g.batch.rows.length);
    next += g.batch.rows.length;
    const rows: AppliedRow[] = g.batch.rows.map((r, i) => ({
      applicationId: applicationIds[i] ?? null,
      kind: r.kind,
      target: r.itemId ? (itemNumbers.get(r.itemId) ?? r.itemId) : null,
      customer: r.customerId ? (numbers.get(r.customerId) ?? r.customerId) : null,
      amountMinor: r.amountMinor,
      reasonCode: r.reasonCode ?? null,
    }));
    const request = requests[g.index] as TogetherRequest;
    audit.push({
      actor: ctx.actor,
      action: 'cash.applied_manually',
      objectType: 'receipt',
      objectId: g.receipt.id,
      before: { unapplied_minor: g.before },
      after: {
        unapplied_minor: g.after,
        applications: applicationIds,
        rows: rows.map((r) => ({ ...r, amountMinor: r.amountMinor.toString() })),
        suggestion_confirmed: null,
        superseded: 0,
        learned: null,
      },
      requestId: request.requestId,
      source: request.source,
    });
    out[g.index] = {
      receiptId: g.receipt.id,
      reference: g.receipt.reference,
      currency: g.receipt.currency,
      unappliedMinor: g.after,
      applicationIds,
      reversalIds: [],
      rows,
      learned: [],
    };
  }
  await recordAudit(tx, t, audit);
  return out;
}

/** Leaves the receipt's money (all that is unapplied, or `amount`) as a credit on the customer's account. */
export function putOnAccount(
  ctx: ServiceContext,
  request: { receipt: string; customer: string; amount?: AmountInput },
): Promise<WorkbenchResult> {
  const row: ManualRow =
    request.amount === undefined
      ? { kind: 'on_account', customer: request.customer }
      : { kind: 'on_account', customer: request.customer, amount: request.amount };
  return inTransaction(ctx, (tx) =>
    applyManualRows(ctx, tx, { receipt: request.receipt, rows: [row] }, 'cash.put_on_account'),
  );
}

/**
 * Pays the receipt's money (all that is unapplied, or `amount`) back: a `refund` row, which debits
 * unapplied cash and credits cash (DOMAIN.md, refund of a credit balance), dated today.
 */
export function refund(
  ctx: ServiceContext,
  request: { receipt: string; amount?: AmountInput },
): Promise<WorkbenchResult> {
  const row: ManualRow =
    request.amount === undefined ? { kind: 'refund' } : { kind: 'refund', amount: request.amount };
  return inTransaction(ctx, (tx) =>
    applyManualRows(ctx, tx, { receipt: request.receipt, rows: [row] }, 'cash.refunded'),
  );
}

// ---------------------------------------------------------------------------------------------------
// Unapply, move

interface LiveApplication {
  id: string;
  kind: ApplicationKind;
  item_id: string | null;
  customer_id: string | null;
  amount_minor: bigint;
  reason_code: string | null;
  item_number: string | null;
  /** The deduction or on-account credit the row created, if any. */
  created_number: string | null;
  customer_number: string | null;
}

/** The receipt's applications that stand: not reversals, and not reversed. */
async function liveApplications(ex: Executor, tenantId: number, receiptId: string) {
  return (
    await sql<LiveApplication>`
      select a.id, a.kind, a.item_id, a.customer_id, a.amount_minor, a.reason_code,
        coalesce(i.number, ci.number) as item_number, ci.number as created_number, c.account_number as customer_number
      from applications a
      left join items i on i.tenant_id = a.tenant_id and i.id = a.item_id
      left join items ci on ci.tenant_id = a.tenant_id and ci.id = a.created_item_id
      left join customers c on c.tenant_id = a.tenant_id and c.id = a.customer_id
      where a.tenant_id = ${tenantId} and a.receipt_id = ${receiptId} and a.reversal_of is null
        and not exists (select 1 from applications x where x.tenant_id = a.tenant_id and x.reversal_of = a.id)
      order by a.id`.execute(ex)
  ).rows;
}

const shown = (a: LiveApplication): AppliedRow => ({
  applicationId: a.id,
  kind: a.kind,
  target: a.item_number,
  customer: a.customer_number,
  amountMinor: a.amount_minor,
  reasonCode: a.reason_code,
});

/**
 * Reverses the receipt's live applications — all of them, or those named by id or by the item they
 * concern (`items`: every row of the receipt settling, concerning or creating those items) — dated
 * today: settled items reopen,
 * deductions and on-account credits the rows created close (refused when something was applied to
 * them since), and the money is unapplied again.
 */
export function unapply(
  ctx: ServiceContext,
  request: { receipt: string; applicationIds?: readonly string[]; items?: readonly string[] },
): Promise<WorkbenchResult> {
  return inTransaction(ctx, async (tx) => {
    const t = ctx.tenantId;
    const receipt = await lockReceipt(tx, t, request.receipt);
    const live = await liveApplications(tx, t, receipt.id);
    const ids = request.applicationIds ?? [];
    const items = request.items ?? [];
    const issues: InputIssue[] = [];
    for (const id of ids)
      if (!live.some((a) => a.id === id))
        issues.push({ column: id, message: `not a live application of receipt ${receipt.reference}` });
    for (const number of items)
      if (!live.some((a) => a.item_number === number || a.created_number === number))
        issues.push({ column: number, message: `receipt ${receipt.reference} has nothing applied to it` });
    if (issues.length > 0)
      throw workbenchError(
        'cash.application_not_found',
        `nothing to unapply for ${issues.map((i) => i.column).join(', ')} on receipt ${receipt.reference}`,
        { issues },
      );
    const all = ids.length === 0 && items.length === 0;
    const onItems = (a: LiveApplication) => items.some((n) => n === a.item_number || n === a.created_number);
    const chosen = all ? live : live.filter((a) => ids.includes(a.id) || onItems(a));
    if (chosen.length === 0)
      throw workbenchError(
        'cash.nothing_applied',
        `receipt ${receipt.reference} has nothing applied to undo`,
      );
    const receivables = createReceivablesService(ctx);
    const r = await receivables.reverseApplications(tx, {
      applicationIds: chosen.map((a) => a.id),
      date: ctx.clock.today(),
      notBeforeRows: true,
      reason: `unapplied by ${ctx.actor}`,
    });
    await clearEngineExplanation(tx, t, receipt.id);
    const unapplied = await unappliedOf(tx, t, receipt.id);
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'cash.unapplied',
        objectType: 'receipt',
        objectId: receipt.id,
        before: { unapplied_minor: receipt.unappliedMinor, applications: chosen.map((a) => a.id) },
        after: { unapplied_minor: unapplied, reversals: r.reversalIds },
      },
    ]);
    return {
      receiptId: receipt.id,
      reference: receipt.reference,
      currency: receipt.currency,
      unappliedMinor: unapplied,
      applicationIds: [],
      reversalIds: r.reversalIds,
      rows: chosen.map(shown),
      learned: [],
    };
  });
}

/**
 * Moves what the receipt applied to item `from` onto item `to`, in one transaction dated today: the
 * receipt's live rows concerning `from` (its settlement and any discount or deduction taken against
 * it) are reversed, and the cash they used is applied to `to` (status `manual`). The discount or
 * deduction is not carried over: it belonged to `from`'s terms or dispute. Refused, with nothing
 * changed, when `to` has less open than the amount; when `to` belongs to another customer, the payer
 * is linked to that customer as a correction.
 */
export function moveApplication(
  ctx: ServiceContext,
  request: { receipt: string; from: string; to: string },
): Promise<WorkbenchResult> {
  return inTransaction(ctx, async (tx) => {
    const t = ctx.tenantId;
    const receipt = await lockReceipt(tx, t, request.receipt);
    const items = await findItems(tx, t, [request.from, request.to]);
    const from = items.get(request.from);
    const to = items.get(request.to);
    const issues: InputIssue[] = [];
    if (!from) issues.push({ column: request.from, message: `no item numbered "${request.from}"` });
    if (!to) issues.push({ column: request.to, message: `no item numbered "${request.to}"` });
    if (to && isCreditItemType(to.type))
      issues.push({ column: to.number, message: `${to.number} is a credit; cash cannot be moved onto it` });
    if (from && to && from.id === to.id)
      issues.push({ column: to.number, message: 'moving an application onto the same item changes nothing' });
    if (issues.length > 0 || !from || !to)
      throw workbenchError('cash.invalid_rows', `cannot move: ${issues.map((i) => i.message).join('; ')}`, {
        issues,
      });
    const rows = (await liveApplications(tx, t, receipt.id)).filter((a) => a.item_id === from.id);
    if (rows.length === 0)
      throw workbenchError(
        'cash.application_not_found',
        `receipt ${receipt.reference} has nothing applied to ${from.number}`,
      );
    const amount = rows.reduce((a, r) => a + r.amount_minor, 0n);
    if (amount <= 0n)
      throw workbenchError(
        'cash.invalid_request',
        `the rows of receipt ${receipt.reference} on ${from.number} net to ${formatAmount(amount, receipt.currency)}: no cash to move; unapply and apply by hand`,
      );
    const receivables = createReceivablesService(ctx);
    const reversal = await receivables.reverseApplications(tx, {
      applicationIds: rows.map((r) => r.id),
      date: ctx.clock.today(),
      notBeforeRows: true,
      reason: `moved from ${from.number} to ${to.number} by ${ctx.actor}`,
    });
    const applicationIds = await applyRows(
      ctx,
      tx,
      receipt,
      [{ kind: 'invoice', amountMinor: amount, itemId: to.id, customerId: to.customerId }],
      // On the reversal's date: today, or the moved rows' own date when later, so that no day has
      // the money on both items.
      { status: 'manual', explanation: `moved from ${from.number} by ${ctx.actor}`, date: reversal.date },
    );
    const corrected = to.customerId !== from.customerId;
    if (corrected) await recordPayerLinks(tx, t, receipt, [to.customerId], 'corrected');
    await clearEngineExplanation(tx, t, receipt.id);
    const numbers = await customerNumbers(tx, t, [to.customerId]);
    const unapplied = await unappliedOf(tx, t, receipt.id);
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'cash.moved',
        objectType: 'receipt',
        objectId: receipt.id,
        before: { item: from.number, applications: rows.map((r) => r.id), amount_minor: amount },
        after: {
          item: to.number,
          applications: applicationIds,
          reversals: reversal.reversalIds,
          unapplied_minor: unapplied,
        },
      },
    ]);
    return {
      receiptId: receipt.id,
      reference: receipt.reference,
      currency: receipt.currency,
      unappliedMinor: unapplied,
      applicationIds,
      reversalIds: reversal.reversalIds,
      rows: [
        {
          applicationId: applicationIds[0] ?? null,
          kind: 'invoice',
          target: to.number,
          customer: numbers.get(to.customerId) ?? to.customerId,
          amountMinor: amount,
          reasonCode: null,
        },
      ],
      learned: corrected ? learnedList([to.customerId], numbers, 'corrected', receipt) : [],
    };
  });
}
