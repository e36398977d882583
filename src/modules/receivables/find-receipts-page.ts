import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';

export interface ReceiptListFilter {
  /** One receipt by id (the detail view). */
  readonly id?: string | undefined;
  /** `unapplied`: money still to apply; `applied`: nothing left to apply. */
  readonly status?: 'unapplied' | 'applied' | 'all' | undefined;
  /** The credited customer's account number, exactly. */
  readonly accountNumber?: string | undefined;
  /** Received on or after / on or before (YYYY-MM-DD). */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** The bank's reference starts with this (plain text: `%` and `_` are not wildcards). */
  readonly referencePrefix?: string | undefined;
  /** The company's bank account the money came into, as the bank's files name it. */
  readonly bankAccount?: string | undefined;
  /** Only receipts credited to this collector's customers (an analyst's portfolio). */
  readonly portfolioOf?: string | undefined;
  /** Keyset, newest first: continue before this (receipt date, id). */
  readonly before?: { readonly date: string; readonly id: string } | undefined;
  readonly limit: number;
}

export interface ReceiptListRow {
  id: string;
  reference: string;
  entity: string;
  receipt_date: string;
  value_date: string | null;
  currency: string;
  amount_minor: bigint;
  unapplied_minor: bigint;
  returned_minor: bigint;
  returned_on: string | null;
  return_reason: string | null;
  payer_name: string | null;
  payer_account: string | null;
  method: string;
  source: 'history' | 'bank' | 'manual';
  memo: string | null;
  remittance_text: string | null;
  end_to_end_id: string | null;
  check_number: string | null;
  engine_explanation: string | null;
  bank_account: string | null;
  customer_id: string | null;
  account_number: string | null;
  customer_name: string | null;
  customer_type: 'business' | 'consumer' | null;
}

/** The receipt's own columns a list row shows: picked by the page query, passed through the join. */
const SHOWN = [
  'r.reference',
  'r.receipt_date',
  'r.value_date',
  'r.currency',
  'r.amount_minor',
  'r.unapplied_minor',
  'r.returned_minor',
  'r.returned_on',
  'r.return_reason',
  'r.payer_name',
  'r.payer_account',
  'r.method',
  'r.source',
  'r.memo',
  'r.remittance_text',
  'r.end_to_end_id',
  'r.check_number',
  'r.engine_explanation',
] as const;

/**
 * A page of receipts, newest first (receipt date, then id, both descending), with the customer
 * credited and the bank account the money came into. Every filter is a bound parameter.
 *
 * The page is chosen from the receipts alone (a customer or bank-account filter as their ids), then
 * only its rows are joined to their entity, customer and bank account.
 */
export async function findReceiptsPage(
  ex: Executor,
  tenantId: number,
  filter: ReceiptListFilter,
): Promise<ReceiptListRow[]> {
  let page = ex
    .selectFrom('receipts as r')
    .where('r.tenant_id', '=', tenantId)
    .select(['r.id', 'r.entity_id', 'r.customer_id', 'r.bank_account_id', ...SHOWN])
    .orderBy('r.receipt_date', 'desc')
    .orderBy('r.id', 'desc')
    .limit(filter.limit);
  if (filter.id !== undefined) page = page.where('r.id', '=', filter.id);
  if (filter.status === 'unapplied') page = page.where('r.unapplied_minor', '>', 0n);
  if (filter.status === 'applied') page = page.where('r.unapplied_minor', '=', 0n);
  if (filter.accountNumber !== undefined) {
    const account = filter.accountNumber;
    page = page.where('r.customer_id', 'in', (eb) =>
      eb
        .selectFrom('customers as fc')
        .select('fc.id')
        .where('fc.tenant_id', '=', tenantId)
        .where('fc.account_number', '=', account),
    );
  }
  if (filter.from !== undefined) page = page.where('r.receipt_date', '>=', filter.from);
  if (filter.to !== undefined) page = page.where('r.receipt_date', '<=', filter.to);
  if (filter.referencePrefix) {
    // Not `like`: under row-level security only a leakproof condition is an index range (migration 13).
    const prefix = filter.referencePrefix;
    page = page.where(sql<boolean>`starts_with(r.reference, ${prefix})`);
  }
  if (filter.bankAccount !== undefined) {
    const account = filter.bankAccount;
    page = page.where('r.bank_account_id', 'in', (eb) =>
      eb
        .selectFrom('bank_accounts as fba')
        .select('fba.id')
        .where('fba.tenant_id', '=', tenantId)
        .where('fba.account', '=', account),
    );
  }
  if (filter.portfolioOf !== undefined) {
    const collector = filter.portfolioOf;
    page = page.where('r.customer_id', 'in', (eb) =>
      eb
        .selectFrom('customers as pc')
        .select('pc.id')
        .where('pc.tenant_id', '=', tenantId)
        .where('pc.collector', '=', collector),
    );
  }
  if (filter.before !== undefined) {
    const { date, id } = filter.before;
    page = page.where(sql<boolean>`(r.receipt_date, r.id) < (${date}::date, ${id})`);
  }
  return ex
    .selectFrom(page.as('r'))
    .innerJoin('entities as e', (j) => j.on('e.tenant_id', '=', tenantId).onRef('e.id', '=', 'r.entity_id'))
    .leftJoin('customers as c', (j) => j.on('c.tenant_id', '=', tenantId).onRef('c.id', '=', 'r.customer_id'))
    .leftJoin('bank_accounts as ba', (j) =>
      j.on('ba.tenant_id', '=', tenantId).onRef('ba.id', '=', 'r.bank_account_id'),
    )
    .select([
      'r.id',
      'e.code as entity',
      ...SHOWN,
      'ba.account as bank_account',
      'c.id as customer_id',
      'c.account_number',
      'c.name as customer_name',
      'c.customer_type',
    ])
    .orderBy('r.receipt_date', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
}
