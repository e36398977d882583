import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import { addDays, type LocalDate } from '../../core/local-date.ts';

/**
 * SQL of the cash forecast. Every query reads the books as they stood at the as-of date: journal
 * lines and applications dated on or before it, receipts received by then, items issued by then —
 * so that a forecast for a past date (the backtest) uses nothing it could not have known.
 */

/** Item types the forecast collects: invoices, debit memos and deductions (positive open items). */
const DEBIT_TYPES = sql`('invoice', 'debit_memo', 'deduction')`;

export interface ObservationRow {
  customer_id: string;
  /** Deductions behave unlike invoices (disputed, mostly credited): they get curves of their own. */
  deduction: boolean;
  x: number;
  kind: 'paid' | 'open' | 'never';
  weight: bigint;
  n: number;
}

/**
 * The payment history as of `asOf`, per customer, in days relative to the due date: cash applied to
 * each item by receipt date (`paid`), what was still open at `asOf` (`open`, right-censored), and what
 * was settled without cash (`never`: credit memos, write-offs).
 */
export async function findPaymentObservations(
  ex: Executor,
  tenantId: number,
  asOf: LocalDate,
): Promise<ObservationRow[]> {
  const r = await sql<ObservationRow>`
    with state as (
      select l.item_id, sum(l.amount_minor)::bigint as open_t
      from journal_lines l
      where l.tenant_id = ${tenantId} and l.item_id is not null and l.entry_date <= ${asOf}::date
      group by l.item_id
    ), cash as (
      select a.item_id, r.receipt_date, sum(a.amount_minor)::bigint as w
      from applications a
      join receipts r on r.tenant_id = a.tenant_id and r.id = a.receipt_id
      where a.tenant_id = ${tenantId} and a.kind = 'invoice' and a.item_id is not null
        and a.applied_date <= ${asOf}::date and r.receipt_date <= ${asOf}::date
      group by a.item_id, r.receipt_date
    ), cash_total as (
      select item_id, sum(w)::bigint as w from cash group by item_id
    ), obs as (
      select i.customer_id, i.type = 'deduction' as deduction, (c.receipt_date - i.due_date) as x,
        'paid' as kind, c.w as weight
      from cash c join items i on i.tenant_id = ${tenantId} and i.id = c.item_id
      where c.w > 0 and i.type in ${DEBIT_TYPES}
      union all
      select i.customer_id, i.type = 'deduction', (${asOf}::date - i.due_date), 'open', s.open_t
      from state s join items i on i.tenant_id = ${tenantId} and i.id = s.item_id
      where s.open_t > 0 and i.type in ${DEBIT_TYPES}
      union all
      select i.customer_id, i.type = 'deduction', 0, 'never',
        i.amount_minor - s.open_t - coalesce(ct.w, 0)
      from state s join items i on i.tenant_id = ${tenantId} and i.id = s.item_id
      left join cash_total ct on ct.item_id = s.item_id
      where i.type in ${DEBIT_TYPES} and i.amount_minor - s.open_t - coalesce(ct.w, 0) > 0
    )
    select customer_id, deduction, x, kind, sum(weight)::bigint as weight, count(*)::int as n
    from obs group by 1, 2, 3, 4`.execute(ex);
  return r.rows.map((o) => ({ ...o, x: Number(o.x) }));
}

export interface OpenItemRow {
  id: string;
  number: string;
  type: string;
  customer_id: string;
  currency: string;
  due_date: string;
  open: bigint;
}

/** Debit items open at `asOf` (open amount from the journal lines dated on or before it). */
export async function findOpenItemsAt(
  ex: Executor,
  tenantId: number,
  asOf: LocalDate,
  options: { collector?: string; includeDeductions: boolean },
): Promise<OpenItemRow[]> {
  const r = await sql<OpenItemRow>`
    with state as (
      select l.item_id, sum(l.amount_minor)::bigint as open_t
      from journal_lines l
      where l.tenant_id = ${tenantId} and l.item_id is not null and l.entry_date <= ${asOf}::date
      group by l.item_id
    )
    select i.id, i.number, i.type, i.customer_id, i.currency, i.due_date, s.open_t as open
    from state s
    join items i on i.tenant_id = ${tenantId} and i.id = s.item_id
    join customers c on c.tenant_id = ${tenantId} and c.id = i.customer_id
    where s.open_t > 0 and i.type in ${options.includeDeductions ? DEBIT_TYPES : sql`('invoice', 'debit_memo')`}
      ${options.collector === undefined ? sql`` : sql`and c.collector = ${options.collector}`}
    order by i.currency, i.due_date, i.number`.execute(ex);
  return r.rows;
}

export interface ForecastCustomerRow {
  id: string;
  account_number: string;
  name: string;
  segment: string | null;
  customer_type: 'business' | 'consumer';
  /** The first party with the `payer` role toward this customer, if any. */
  payer_id: string | null;
}

export async function findForecastCustomers(ex: Executor, tenantId: number): Promise<ForecastCustomerRow[]> {
  const r = await sql<ForecastCustomerRow>`
    select c.id, c.account_number, c.name, c.segment, c.customer_type,
      (select min(pr.party_id) from party_relationships pr
       where pr.tenant_id = c.tenant_id and pr.customer_id = c.id and 'payer' = any(pr.roles)) as payer_id
    from customers c where c.tenant_id = ${tenantId}`.execute(ex);
  return r.rows;
}

export interface CommitmentRow {
  kind: 'promise' | 'plan';
  id: string;
  customer_id: string;
  currency: string;
  item_ids: string[];
  date: string;
  amount: bigint;
}

/**
 * Promises and plan instalments in force at `asOf`: made by then and not resolved by then. A promise
 * still open counts for its unpaid rest (amount − paid); one resolved since counts in full (what was
 * paid against it by `asOf` is not recorded). A plan's instalments count likewise; an instalment
 * already due but still within its grace days is expected at once (the day after `asOf`).
 */
export async function findCommitmentsAt(
  ex: Executor,
  tenantId: number,
  asOf: LocalDate,
): Promise<CommitmentRow[]> {
  const r = await sql<CommitmentRow>`
    select 'promise' as kind, p.id, p.customer_id, p.currency, p.item_ids, p.promised_date as date,
      case when p.status = 'open' then p.amount_minor - p.paid_minor else p.amount_minor end as amount
    from promises p
    where p.tenant_id = ${tenantId} and p.made_on <= ${asOf}::date
      and (p.status = 'open' or p.resolved_on > ${asOf}::date)
    union all
    select 'plan', pl.id, pl.customer_id, pl.currency, pl.item_ids,
      greatest(i.due_date, least(i.due_date + pl.grace_days, ${addDays(asOf, 1)}::date)) as date,
      case when i.status = 'due' then i.amount_minor - i.paid_minor else i.amount_minor end
    from payment_plans pl
    join plan_instalments i on i.tenant_id = pl.tenant_id and i.plan_id = pl.id
    where pl.tenant_id = ${tenantId} and pl.starts_on <= ${asOf}::date
      and (pl.status = 'active' or pl.ended_on > ${asOf}::date)
      and (i.status = 'due' or i.due_date > ${asOf}::date)
      and i.due_date + pl.grace_days > ${asOf}::date`.execute(ex);
  return r.rows.filter((c) => c.amount > 0n);
}

export interface ActualCashRow {
  currency: string;
  week: number;
  cash: bigint;
}

/**
 * What was actually received for the items open at `asOf`, per week after it: cash applied to them
 * (`invoice` rows) less the discounts, deductions, fees and write-offs taken on them in the same
 * receipts — the money, by receipt date.
 */
export async function findActualCash(
  ex: Executor,
  tenantId: number,
  asOf: LocalDate,
  weeks: number,
  includeDeductions: boolean,
): Promise<ActualCashRow[]> {
  const r = await sql<ActualCashRow>`
    with state as (
      select l.item_id, sum(l.amount_minor)::bigint as open_t
      from journal_lines l
      where l.tenant_id = ${tenantId} and l.item_id is not null and l.entry_date <= ${asOf}::date
      group by l.item_id
    )
    select i.currency, ((r.receipt_date - ${asOf}::date - 1) / 7 + 1)::int as week, sum(a.amount_minor)::bigint as cash
    from state s
    join items i on i.tenant_id = ${tenantId} and i.id = s.item_id
    join applications a on a.tenant_id = ${tenantId} and a.item_id = s.item_id
    join receipts r on r.tenant_id = a.tenant_id and r.id = a.receipt_id
    where s.open_t > 0 and i.type in ${includeDeductions ? DEBIT_TYPES : sql`('invoice', 'debit_memo')`}
      and a.kind in ('invoice', 'discount', 'deduction', 'bank_fee', 'write_off', 'fx_difference')
      and r.receipt_date > ${asOf}::date and r.receipt_date <= ${addDays(asOf, 7 * weeks)}::date
    group by 1, 2`.execute(ex);
  return r.rows.map((x) => ({ ...x, week: Number(x.week) }));
}
