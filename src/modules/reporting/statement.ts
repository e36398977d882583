import { sql } from 'kysely';
import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { addDays, diffDays, type LocalDate } from '../../core/local-date.ts';
import { findCustomerByNumber, partiesError } from '../parties/index.ts';
import { type AgingBucket, bucketIndex, buildBuckets, DEFAULT_BOUNDARIES } from './logic/aging-buckets.ts';

export interface StatementLine {
  readonly date: LocalDate;
  readonly type: string;
  readonly document: string;
  readonly reference: string | null;
  readonly currency: CurrencyCode;
  /** Positive: a charge (the customer owes more); negative: a credit or payment. */
  readonly amount: bigint;
  readonly balance: bigint;
}

export interface StatementOpenItem {
  readonly number: string;
  readonly type: string;
  readonly issueDate: LocalDate;
  readonly dueDate: LocalDate;
  readonly currency: CurrencyCode;
  readonly amount: bigint;
  readonly open: bigint;
  readonly daysPastDue: number;
}

export interface Statement {
  readonly customer: { accountNumber: string; name: string };
  readonly from: LocalDate;
  readonly to: LocalDate;
  readonly currencies: readonly CurrencyCode[];
  readonly opening: Map<CurrencyCode, bigint>;
  readonly closing: Map<CurrencyCode, bigint>;
  readonly lines: readonly StatementLine[];
  readonly openItems: readonly StatementOpenItem[];
  /** Unapplied payments at `to` (negative). */
  readonly unapplied: Map<CurrencyCode, bigint>;
  readonly buckets: readonly AgingBucket[];
  readonly aging: Map<CurrencyCode, bigint[]>;
}

const LABELS: Record<string, string> = {
  invoice: 'Invoice',
  debit_memo: 'Debit memo',
  credit_memo: 'Credit memo',
  deduction: 'Deduction',
  on_account: 'On account',
  receipt: 'Payment',
  application: 'Adjustment',
};

/**
 * A customer's statement of account for a period (`report statement`): the balance brought forward,
 * every movement of what the customer owes (documents, payments, discounts, write-offs, reversals)
 * with a running balance, and the items open at the end with their age. Built from the journal lines
 * of AR control and unapplied cash that carry the customer; movements that only move money between
 * the two (applying a payment already shown) net to zero and are left out.
 */
export async function buildStatement(
  ctx: ServiceContext,
  accountNumber: string,
  range: { from: LocalDate; to: LocalDate },
): Promise<Statement> {
  const ex = ctx.database.db;
  const tenantId = ctx.tenantId;
  const customer = await findCustomerByNumber(ex, tenantId, accountNumber);
  if (!customer)
    throw partiesError('parties.customer_not_found', `no customer with account number "${accountNumber}"`);
  const { from, to } = range;
  const roles = sql`(select id from gl_accounts where tenant_id = ${tenantId} and role in ('ar_control', 'unapplied_cash'))`;

  const openingRows = await sql<{ currency: string; amount: bigint }>`
    select currency, sum(amount_minor)::bigint as amount from journal_lines
    where tenant_id = ${tenantId} and customer_id = ${customer.id} and entry_date < ${from}::date and account_id in ${roles}
    group by currency`.execute(ex);
  // Documents issued together share an entry (summary posting), so their lines are split per item;
  // other entries (payments, adjustments) are netted per entry.
  const moves = await sql<{
    entry_id: string;
    entry_date: string;
    currency: string;
    amount: bigint;
    source_type: string;
    item_type: string | null;
    reversal_of: string | null;
    receipt_ref: string | null;
    item_numbers: string | null;
    kinds: string | null;
  }>`
    select l.entry_id, l.entry_date, l.currency, sum(l.amount_minor)::bigint as amount,
      e.source_type, min(i.type) filter (where e.source_type = 'items') as item_type, e.reversal_of,
      (select r.reference from receipts r where r.tenant_id = e.tenant_id and r.id = e.source_id) as receipt_ref,
      string_agg(distinct i.number, ', ') as item_numbers,
      (select string_agg(distinct a.kind, ',') from applications a
        where a.tenant_id = e.tenant_id and a.journal_entry_id = e.id
          and a.kind not in ('invoice', 'credit_memo')) as kinds
    from journal_lines l
    join journal_entries e on e.tenant_id = l.tenant_id and e.id = l.entry_id
    left join items i on i.tenant_id = l.tenant_id and i.id = l.item_id
    where l.tenant_id = ${tenantId} and l.customer_id = ${customer.id}
      and l.entry_date between ${from}::date and ${to}::date and l.account_id in ${roles}
    group by l.entry_id, l.entry_date, l.currency, e.tenant_id, e.id, e.source_type, e.reversal_of, e.source_id,
      case when e.source_type = 'items' then l.item_id end
    having sum(l.amount_minor) <> 0
    order by l.entry_date, l.entry_id, min(i.number)`.execute(ex);

  const opening = new Map<CurrencyCode, bigint>(
    openingRows.rows.map((r) => [r.currency as CurrencyCode, r.amount]),
  );
  const running = new Map(opening);
  const lines: StatementLine[] = moves.rows.map((m) => {
    const currency = m.currency as CurrencyCode;
    const balance = (running.get(currency) ?? 0n) + m.amount;
    running.set(currency, balance);
    let type = LABELS[m.item_type ?? m.source_type] ?? m.source_type;
    if (m.source_type === 'application') {
      const kinds = (m.kinds ?? '').split(',').filter((k) => k !== '');
      type = kinds.length > 0 ? kinds.map((k) => k.replace('_', ' ')).join(', ') : 'Payment applied';
      type = type.charAt(0).toUpperCase() + type.slice(1);
    }
    if (m.reversal_of) type = `Reversal: ${type}`;
    return {
      date: m.entry_date as LocalDate,
      type,
      document: m.source_type === 'receipt' ? (m.receipt_ref ?? '') : (m.item_numbers ?? m.receipt_ref ?? ''),
      reference: m.source_type === 'application' ? m.receipt_ref : null,
      currency,
      amount: m.amount,
      balance,
    };
  });

  // Items open at `to`, rebuilt from the journal so a past statement shows what was open then.
  const open = await sql<{
    number: string;
    type: string;
    issue_date: string;
    due_date: string;
    currency: string;
    amount_minor: bigint;
    open: bigint;
  }>`
    select i.number, i.type, i.issue_date, i.due_date, i.currency, i.amount_minor, sum(l.amount_minor)::bigint as open
    from journal_lines l join items i on i.tenant_id = l.tenant_id and i.id = l.item_id
    where l.tenant_id = ${tenantId} and i.customer_id = ${customer.id} and l.entry_date <= ${to}::date
    group by i.id, i.number, i.type, i.issue_date, i.due_date, i.currency, i.amount_minor
    having sum(l.amount_minor) <> 0
    order by i.due_date, i.number`.execute(ex);
  const unappliedRows = await sql<{ currency: string; amount: bigint }>`
    select l.currency, sum(l.amount_minor)::bigint as amount from journal_lines l
    join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id and a.role = 'unapplied_cash'
    where l.tenant_id = ${tenantId} and l.customer_id = ${customer.id} and l.entry_date <= ${to}::date
    group by l.currency having sum(l.amount_minor) <> 0`.execute(ex);

  const buckets = buildBuckets(to, 'due', DEFAULT_BOUNDARIES);
  const aging = new Map<CurrencyCode, bigint[]>();
  const openItems: StatementOpenItem[] = open.rows.map((o) => {
    const currency = o.currency as CurrencyCode;
    if (o.open > 0n) {
      const row = aging.get(currency) ?? buckets.map(() => 0n);
      const i = bucketIndex(buckets, o.due_date as LocalDate);
      row[i] = (row[i] ?? 0n) + o.open;
      aging.set(currency, row);
    }
    return {
      number: o.number,
      type: o.type,
      issueDate: o.issue_date as LocalDate,
      dueDate: o.due_date as LocalDate,
      currency,
      amount: o.amount_minor,
      open: o.open,
      daysPastDue: Math.max(0, diffDays(to, o.due_date as LocalDate)),
    };
  });
  const currencies = [
    ...new Set<CurrencyCode>([
      ...opening.keys(),
      ...running.keys(),
      ...openItems.map((o) => o.currency),
      ...unappliedRows.rows.map((u) => u.currency as CurrencyCode),
    ]),
  ].sort();
  return {
    customer: { accountNumber: customer.accountNumber, name: customer.name },
    from,
    to,
    currencies,
    opening,
    closing: running,
    lines,
    openItems,
    unapplied: new Map(unappliedRows.rows.map((u) => [u.currency as CurrencyCode, u.amount])),
    buckets,
    aging,
  };
}

export function defaultStatementRange(today: LocalDate): { from: LocalDate; to: LocalDate } {
  return { from: addDays(today, -89), to: today };
}
