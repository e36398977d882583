import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import { addDays, type LocalDate } from '../../core/local-date.ts';
import type { AgingBucket } from '../reporting/index.ts';
import type { MonthWindow } from './logic/kpi-period.ts';

/** SQL of the analytics module: aggregates only, no rules (those are in logic/ and the services). */

export type KpiGroupBy = 'entity' | 'segment' | 'collector' | null;

/** What rows are grouped by: nothing (one group per currency), the entity's code, the customer's segment or collector. */
export function groupExpression(by: KpiGroupBy, entityAlias: string): RawBuilder<string | null> {
  switch (by) {
    case 'entity':
      return sql<string>`${sql.ref(`${entityAlias}.code`)}`;
    case 'segment':
      return sql<string>`coalesce(c.segment, '(none)')`;
    case 'collector':
      return sql<string>`coalesce(c.collector, '(unassigned)')`;
    default:
      return sql<null>`null::text`;
  }
}

/** `and c.collector = …` for a portfolio-scoped caller; nothing otherwise. */
function collectorFilter(collector: string | undefined): RawBuilder<unknown> {
  return collector === undefined ? sql`` : sql`and c.collector = ${collector}`;
}

/** The bucket index (0 = current) of an item by its due date at `buckets`' as-of date. */
export function bucketCase(dueRef: RawBuilder<unknown>, buckets: readonly AgingBucket[]): RawBuilder<number> {
  const whens = buckets.map((b, i) => {
    const conds: RawBuilder<unknown>[] = [];
    if (b.fromDate) conds.push(sql`${dueRef} >= ${b.fromDate}::date`);
    if (b.toDate) conds.push(sql`${dueRef} <= ${b.toDate}::date`);
    return sql`when ${conds.length > 0 ? sql.join(conds, sql` and `) : sql`true`} then ${sql.lit(i)}`;
  });
  return sql<number>`(case ${sql.join(whens, sql` `)} else ${sql.lit(buckets.length - 1)} end)`;
}

export interface MigrationRow {
  group_key: string | null;
  currency: string;
  /** Bucket at the start (−1: not an open debit item then). */
  sb: number;
  /** Bucket at the end (−1: not an open debit item then). */
  eb: number;
  open_s: bigint;
  open_e: bigint;
  carried: bigint;
  over90_e: bigint;
}

/**
 * Every item's open amount at the start and at the end, rebuilt from the journal lines dated on or
 * before each date (as the aging as of a past date is), summed per group, currency and the pair of
 * buckets the item was in then. Credit items land in (−1, −1).
 */
export async function findMigration(
  ex: Executor,
  tenantId: number,
  q: {
    start: LocalDate;
    end: LocalDate;
    startBuckets: readonly AgingBucket[];
    endBuckets: readonly AgingBucket[];
    by: KpiGroupBy;
    collector?: string;
  },
): Promise<MigrationRow[]> {
  const due = sql`i.due_date`;
  const over90 = addDays(q.end, -90);
  const r = await sql<MigrationRow>`
    with bal as (
      select l.item_id,
        coalesce(sum(l.amount_minor) filter (where l.entry_date <= ${q.start}::date), 0)::bigint as open_s,
        sum(l.amount_minor)::bigint as open_e
      from journal_lines l
      where l.tenant_id = ${tenantId} and l.item_id is not null and l.entry_date <= ${q.end}::date
      group by l.item_id
    ), agg as (
      select i.customer_id, i.entity_id, i.currency,
        case when i.amount_minor > 0 and b.open_s > 0 then ${bucketCase(due, q.startBuckets)} else -1 end as sb,
        case when i.amount_minor > 0 and b.open_e > 0 then ${bucketCase(due, q.endBuckets)} else -1 end as eb,
        sum(b.open_s)::bigint as open_s,
        sum(b.open_e)::bigint as open_e,
        coalesce(sum(least(greatest(b.open_s, 0), greatest(b.open_e, 0))) filter (where i.amount_minor > 0), 0)::bigint as carried,
        coalesce(sum(b.open_e) filter (where i.amount_minor > 0 and i.due_date < ${over90}::date), 0)::bigint as over90_e
      from bal b
      join items i on i.tenant_id = ${tenantId} and i.id = b.item_id
      where b.open_s <> 0 or b.open_e <> 0
      group by 1, 2, 3, 4, 5
    )
    select ${groupExpression(q.by, 'en')} as group_key, a.currency, a.sb, a.eb,
      sum(a.open_s)::bigint as open_s, sum(a.open_e)::bigint as open_e,
      sum(a.carried)::bigint as carried, sum(a.over90_e)::bigint as over90_e
    from agg a
    join customers c on c.tenant_id = ${tenantId} and c.id = a.customer_id
    join entities en on en.tenant_id = ${tenantId} and en.id = a.entity_id
    where true ${collectorFilter(q.collector)}
    group by 1, 2, 3, 4`.execute(ex);
  return r.rows.map((x) => ({ ...x, sb: Number(x.sb), eb: Number(x.eb) }));
}

export interface SalesRow {
  group_key: string | null;
  currency: string;
  /** Index of the countback month (0 = newest), −1 outside them. */
  w: number;
  in_period: boolean;
  sales: bigint;
  credit_memos: bigint;
}

/**
 * Credit sales (invoices and debit memos, by issue date) and credit memos issued, per group and
 * currency, split by the countback months and by whether they fall in the period.
 */
export async function findSales(
  ex: Executor,
  tenantId: number,
  q: { from: LocalDate; to: LocalDate; months: readonly MonthWindow[]; by: KpiGroupBy; collector?: string },
): Promise<SalesRow[]> {
  const earliest = q.months.reduce((min, m) => (m.from < min ? m.from : min), q.from);
  const whens = q.months.map(
    (m, i) => sql`when i.issue_date between ${m.from}::date and ${m.to}::date then ${sql.lit(i)}`,
  );
  const windowCase = whens.length > 0 ? sql`case ${sql.join(whens, sql` `)} else -1 end` : sql`-1`;
  const r = await sql<SalesRow>`
    with agg as (
      select i.customer_id, i.entity_id, i.currency, ${windowCase} as w,
        (i.issue_date >= ${q.from}::date) as in_period,
        coalesce(sum(i.amount_minor) filter (where i.type in ('invoice', 'debit_memo')), 0)::bigint as sales,
        coalesce(-sum(i.amount_minor) filter (where i.type = 'credit_memo'), 0)::bigint as credit_memos
      from items i
      where i.tenant_id = ${tenantId} and i.type in ('invoice', 'debit_memo', 'credit_memo')
        and i.issue_date between ${earliest}::date and ${q.to}::date
      group by 1, 2, 3, 4, 5
    )
    select ${groupExpression(q.by, 'en')} as group_key, a.currency, a.w, a.in_period,
      sum(a.sales)::bigint as sales, sum(a.credit_memos)::bigint as credit_memos
    from agg a
    join customers c on c.tenant_id = ${tenantId} and c.id = a.customer_id
    join entities en on en.tenant_id = ${tenantId} and en.id = a.entity_id
    where true ${collectorFilter(q.collector)}
    group by 1, 2, 3, 4`.execute(ex);
  return r.rows.map((x) => ({ ...x, w: Number(x.w) }));
}

export interface PaidRow {
  group_key: string | null;
  currency: string;
  count: bigint;
  sum_amount: bigint;
  sum_days_to_pay: bigint;
  sum_amount_days_to_pay: string;
  sum_days_late: bigint;
  sum_amount_days_late: string;
}

/**
 * Invoices and debit memos paid in the period: open balance zero at its end (journal lines up to
 * then), with cash applied (live `invoice` applications from receipts, applied by then), the payment
 * date being the latest of those receipts' dates, inside the period. Items closed only by credit
 * memos or write-offs were not paid and are left out.
 */
export async function findPaidInvoices(
  ex: Executor,
  tenantId: number,
  q: { from: LocalDate; to: LocalDate; by: KpiGroupBy; collector?: string },
): Promise<PaidRow[]> {
  const r = await sql<PaidRow>`
    with cash as (
      select a.item_id, max(r.receipt_date) as paid_on
      from applications a
      join receipts r on r.tenant_id = a.tenant_id and r.id = a.receipt_id
      where a.tenant_id = ${tenantId} and a.kind = 'invoice' and a.item_id is not null
        and a.reversal_of is null and a.applied_date <= ${q.to}::date and a.amount_minor > 0
        and not exists (
          select 1 from applications x
          where x.tenant_id = a.tenant_id and x.reversal_of = a.id and x.applied_date <= ${q.to}::date)
      group by a.item_id
    ), bal as (
      select l.item_id, sum(l.amount_minor) as open_e
      from journal_lines l
      where l.tenant_id = ${tenantId} and l.item_id is not null and l.entry_date <= ${q.to}::date
      group by l.item_id
    ), paid as (
      select c.item_id, c.paid_on from cash c join bal b on b.item_id = c.item_id
      where b.open_e = 0 and c.paid_on between ${q.from}::date and ${q.to}::date
    ),
    agg as (
      select i.customer_id, i.entity_id, i.currency,
        count(*)::bigint as count,
        sum(i.amount_minor)::bigint as sum_amount,
        sum(p.paid_on - i.issue_date)::bigint as sum_days_to_pay,
        sum(i.amount_minor::numeric * (p.paid_on - i.issue_date)) as sum_amount_days_to_pay,
        sum(p.paid_on - i.due_date)::bigint as sum_days_late,
        sum(i.amount_minor::numeric * (p.paid_on - i.due_date)) as sum_amount_days_late
      from paid p
      join items i on i.tenant_id = ${tenantId} and i.id = p.item_id
      where i.type in ('invoice', 'debit_memo')
      group by 1, 2, 3
    )
    select ${groupExpression(q.by, 'en')} as group_key, a.currency,
      sum(a.count)::bigint as count, sum(a.sum_amount)::bigint as sum_amount,
      sum(a.sum_days_to_pay)::bigint as sum_days_to_pay,
      sum(a.sum_amount_days_to_pay)::text as sum_amount_days_to_pay,
      sum(a.sum_days_late)::bigint as sum_days_late,
      sum(a.sum_amount_days_late)::text as sum_amount_days_late
    from agg a
    join customers c on c.tenant_id = ${tenantId} and c.id = a.customer_id
    join entities en on en.tenant_id = ${tenantId} and en.id = a.entity_id
    where true ${collectorFilter(q.collector)}
    group by 1, 2`.execute(ex);
  return r.rows;
}

export interface CollectionsRow {
  group_key: string | null;
  currency: string;
  promises_kept: number;
  promises_broken: number;
  disputes_resolved: number;
  dispute_days: bigint;
}

/**
 * Promises to pay that fell due in the period (kept or broken), and disputes resolved in it with their
 * days open, per group (the customer's entity, segment or collector) and currency.
 */
export async function findCollectionOutcomes(
  ex: Executor,
  tenantId: number,
  q: { from: LocalDate; to: LocalDate; by: KpiGroupBy; collector?: string },
): Promise<CollectionsRow[]> {
  const r = await sql<CollectionsRow>`
    select group_key, currency,
      sum(kept)::int as promises_kept, sum(broken)::int as promises_broken,
      sum(resolved)::int as disputes_resolved, coalesce(sum(days), 0)::bigint as dispute_days
    from (
      select ${groupExpression(q.by, 'en')} as group_key, p.currency,
        (p.status = 'kept')::int as kept, (p.status = 'broken')::int as broken, 0 as resolved, null::int as days
      from promises p
      join customers c on c.tenant_id = ${tenantId} and c.id = p.customer_id
      join entities en on en.tenant_id = ${tenantId} and en.id = c.entity_id
      where p.tenant_id = ${tenantId} and p.status in ('kept', 'broken')
        and p.promised_date between ${q.from}::date and ${q.to}::date ${collectorFilter(q.collector)}
      union all
      select ${groupExpression(q.by, 'en')}, d.currency, 0, 0, 1, d.resolved_on - d.opened_on
      from disputes d
      join customers c on c.tenant_id = ${tenantId} and c.id = d.customer_id
      join entities en on en.tenant_id = ${tenantId} and en.id = c.entity_id
      where d.tenant_id = ${tenantId} and d.status = 'resolved' and d.resolved_on is not null
        and d.resolved_on between ${q.from}::date and ${q.to}::date ${collectorFilter(q.collector)}
    ) x
    group by 1, 2`.execute(ex);
  return r.rows;
}

export interface CashRow {
  group_key: string | null;
  currency: string;
  cash: bigint;
}

/** Receipts dated in the period (gross of any later return), per group and currency. */
export async function findCashCollected(
  ex: Executor,
  tenantId: number,
  q: { from: LocalDate; to: LocalDate; by: KpiGroupBy; collector?: string },
): Promise<CashRow[]> {
  // Receipts not tied to a customer have no segment or collector; a scoped caller does not see them.
  const join = q.collector === undefined ? sql`left join` : sql`join`;
  const group =
    q.by === 'segment' || q.by === 'collector'
      ? sql`case when r.customer_id is null then '(unidentified)' else ${groupExpression(q.by, 'en')} end`
      : groupExpression(q.by, 'en');
  const r = await sql<CashRow>`
    select ${group} as group_key, r.currency, sum(r.amount_minor)::bigint as cash
    from receipts r
    ${join} customers c on c.tenant_id = ${tenantId} and c.id = r.customer_id
    join entities en on en.tenant_id = ${tenantId} and en.id = r.entity_id
    where r.tenant_id = ${tenantId} and r.receipt_date between ${q.from}::date and ${q.to}::date
      ${collectorFilter(q.collector)}
    group by 1, 2`.execute(ex);
  return r.rows;
}
