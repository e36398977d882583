import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { BankTransactionsTable } from '../../db/schema.ts';

/** SQL of the banking module: bank accounts, statements, transactions, receipts to return. */

export interface BankAccountRow {
  id: string;
  entity_id: string;
  account: string;
  currency: string;
  name: string | null;
}

export async function findBankAccount(
  ex: Executor,
  tenantId: number,
  account: string,
  currency: string,
): Promise<BankAccountRow | undefined> {
  return ex
    .selectFrom('bank_accounts')
    .select(['id', 'entity_id', 'account', 'currency', 'name'])
    .where('tenant_id', '=', tenantId)
    .where('account', '=', account)
    .where('currency', '=', currency)
    .executeTakeFirst();
}

export async function listBankAccounts(ex: Executor, tenantId: number) {
  return ex
    .selectFrom('bank_accounts as b')
    .innerJoin('entities as e', (j) =>
      j.onRef('e.tenant_id', '=', 'b.tenant_id').onRef('e.id', '=', 'b.entity_id'),
    )
    .select(['b.id', 'b.account', 'b.currency', 'b.name', 'e.code as entity'])
    .where('b.tenant_id', '=', tenantId)
    .orderBy('e.code')
    .orderBy('b.account')
    .execute();
}

/** A bank transaction as the import writes it (the table's columns but the tenant and timestamp). */
export type BankTransactionRow = Omit<BankTransactionsTable, 'tenant_id' | 'created_at'>;

export async function insertBankTransactions(
  ex: Executor,
  tenantId: number,
  rows: readonly BankTransactionRow[],
): Promise<void> {
  // 25 columns a row: 1,000 rows stay well under PostgreSQL's 65,535 parameters.
  for (let i = 0; i < rows.length; i += 1000) {
    await ex
      .insertInto('bank_transactions')
      .values(rows.slice(i, i + 1000).map((r) => ({ tenant_id: tenantId, ...r })))
      .execute();
  }
}

/**
 * Transactions of earlier files on the same account with the same bank reference, amount, direction
 * and booking date: intraday reports (camt.052, MT942) and the end-of-day statement repeat them.
 */
export async function findSeenTransactions(
  ex: Executor,
  tenantId: number,
  bankAccountId: string,
  references: readonly string[],
): Promise<Set<string>> {
  if (references.length === 0) return new Set();
  const rows = await ex
    .selectFrom('bank_transactions')
    .select(['reference', 'end_to_end_id', 'amount_minor', 'direction', 'booking_date'])
    .where('tenant_id', '=', tenantId)
    .where('bank_account_id', '=', bankAccountId)
    .where('reference', 'in', [...new Set(references)])
    .where('disposition', '<>', 'duplicate')
    .execute();
  return new Set(
    rows.map((r) => seenKey(r.reference ?? '', r.end_to_end_id, r.amount_minor, r.direction, r.booking_date)),
  );
}

/** A bank reference may cover a batch of transfers (camt); the end-to-end id tells them apart. */
export function seenKey(
  reference: string,
  endToEndId: string | null,
  amount: bigint,
  direction: string,
  date: string,
): string {
  return `${reference}|${endToEndId ?? ''}|${amount}|${direction}|${date}`;
}

export interface ReturnCandidate {
  id: string;
  reference: string;
  entity_id: string;
  customer_id: string | null;
  currency: string;
  receipt_date: string;
  amount_minor: bigint;
  returned_minor: bigint;
  unapplied_minor: bigint;
  payer_account: string | null;
  end_to_end_id: string | null;
}

/**
 * Receipts a return may take back, locked: by the original reference when the return names one
 * (an ACH return's original trace, a reversal's bank reference), else by end-to-end id, else those
 * of the same entity and currency, booked on or before the return, with enough left to return, the
 * same payer account when the return names one, and the exact amount first.
 */
export async function findReturnCandidates(
  ex: Executor,
  tenantId: number,
  q: {
    entityId: string;
    currency: string;
    amountMinor: bigint;
    date: string;
    references: readonly string[];
    endToEndId: string | null;
    payerAccount: string | null;
  },
): Promise<ReturnCandidate[]> {
  const base = () =>
    ex
      .selectFrom('receipts')
      .select([
        'id',
        'reference',
        'entity_id',
        'customer_id',
        'currency',
        'receipt_date',
        'amount_minor',
        'returned_minor',
        'unapplied_minor',
        'payer_account',
        'end_to_end_id',
      ])
      .where('tenant_id', '=', tenantId)
      .where('entity_id', '=', q.entityId)
      .where('currency', '=', q.currency)
      .where('receipt_date', '<=', q.date)
      .where(sql<boolean>`amount_minor - returned_minor >= ${q.amountMinor}`)
      .orderBy('receipt_date', 'desc')
      .orderBy('id')
      .limit(20)
      .forUpdate();
  const refs = q.references.filter((r) => r !== '');
  if (refs.length > 0) {
    const byRef = await base().where('reference', 'in', refs).execute();
    if (byRef.length > 0) return byRef;
  }
  if (q.endToEndId !== null && q.endToEndId !== '' && q.endToEndId.toUpperCase() !== 'NOTPROVIDED') {
    const byE2e = await base().where('end_to_end_id', '=', q.endToEndId).execute();
    if (byE2e.length > 0) return byE2e;
  }
  let query = base().where('amount_minor', '=', q.amountMinor);
  if (q.payerAccount !== null) query = query.where('payer_account', '=', q.payerAccount);
  return query.execute();
}

/** The receipt's applications that are in force (not reversals, not reversed). */
export async function activeApplicationIds(
  ex: Executor,
  tenantId: number,
  receiptId: string,
): Promise<string[]> {
  const rows = await ex
    .selectFrom('applications as a')
    .select('a.id')
    .where('a.tenant_id', '=', tenantId)
    .where('a.receipt_id', '=', receiptId)
    .where('a.reversal_of', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('applications as r')
            .select('r.id')
            .whereRef('r.tenant_id', '=', 'a.tenant_id')
            .whereRef('r.reversal_of', '=', 'a.id'),
        ),
      ),
    )
    .orderBy('a.id')
    .execute();
  return rows.map((r) => r.id);
}
