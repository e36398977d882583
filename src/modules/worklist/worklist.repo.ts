import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { accountLogit, type RiskModel, type RiskSettings } from './logic/risk-model.ts';

/**
 * SQL only, no rules. The risk model's formula is computed here per open item (one pass, in the
 * database), from coefficients passed as parameters; risk-model.ts holds the same formula for the
 * tests and the calibration, and worklist.int.test.ts checks that the two agree.
 */

export type CustomerScope =
  | { readonly collector: string }
  | { readonly customerIds: readonly string[] }
  | null;

const f8 = (x: number) => sql`${x}::float8`;

/** `and <column> in (the scope's customers)`. */
function scopeFilter(tenantId: number, column: RawBuilder<unknown>, scope: CustomerScope) {
  if (scope === null) return sql``;
  if ('collector' in scope)
    return sql`and ${column} in (select id from customers where tenant_id = ${tenantId} and collector = ${scope.collector})`;
  return sql`and ${column} = any(${scope.customerIds as string[]}::text[])`;
}

/**
 * An account's payment behaviour as of a day (risk-model.ts, Behaviour): settled invoices from the
 * applications dated on or before it, plus open invoices already more than `lateAfterDays` past due.
 * An application row of an item names the item's customer (applyBatches refuses another), so a
 * scope narrows the applications before they are grouped by item, not only after.
 */
function behaviourSql(tenantId: number, asOf: LocalDate, settings: RiskSettings, scope: CustomerScope) {
  const late = sql`${settings.lateAfterDays}::int`;
  return sql`
    select coalesce(c.customer_id, o.customer_id) as customer_id,
      coalesce(c.n, 0) + coalesce(o.n, 0) as observed,
      coalesce(c.late, 0) + coalesce(o.n, 0) as late,
      coalesce(c.mean_late, 0)::float8 as mean_late,
      ${asOf}::date - c.last_paid as days_since_payment
    from (
      select i.customer_id,
        count(*) filter (where i.open_minor = 0) as n,
        count(*) filter (where i.open_minor = 0 and (a.written_off or a.last_paid - i.due_date > ${late})) as late,
        avg(least(365, greatest(0, a.last_paid - i.due_date))) filter (where i.open_minor = 0 and not a.written_off) as mean_late,
        max(a.last_paid) as last_paid
      from (
        select item_id, max(applied_date) filter (where kind = 'invoice') as last_paid,
          coalesce(sum(amount_minor) filter (where kind = 'write_off'), 0) <> 0 as written_off
        from applications
        where tenant_id = ${tenantId} and item_id is not null and kind in ('invoice', 'write_off')
          and applied_date <= ${asOf}::date
          ${scopeFilter(tenantId, sql.ref('customer_id'), scope)}
        group by item_id
      ) a
      join items i on i.tenant_id = ${tenantId} and i.id = a.item_id
      where i.type in ('invoice', 'debit_memo') and a.last_paid is not null
        ${scopeFilter(tenantId, sql.ref('i.customer_id'), scope)}
      group by i.customer_id
    ) c
    full join (
      select customer_id, count(*) as n
      from items
      where tenant_id = ${tenantId} and open_minor > 0 and due_date < ${asOf}::date - ${late}
        ${scopeFilter(tenantId, sql.ref('customer_id'), scope)}
      group by customer_id
    ) o on o.customer_id = c.customer_id`;
}

/** z of the account part (risk-model.ts accountLogit), from a behaviour row `b`. */
function accountLogitSql(model: RiskModel) {
  const m = model.settings.priorStrength;
  const c = model.coefficients;
  const share = sql`least(${f8(1 - 1e-6)}, greatest(${f8(1e-6)}, (b.late + ${f8(m * model.prior)}) / (b.observed + ${f8(m)})))`;
  return sql`${f8(model.intercept)}
    + ${f8(c.late_share_logit)} * ln(${share} / (1 - ${share}))
    + ${f8(c.log_mean_days_late)} * ln(1 + least(365, greatest(0, b.mean_late)))
    + ${f8(c.thin_history)} * (case when b.observed < 3 then 1 else 0 end)
    + ${f8(c.log_days_since_payment)} * ln(1 + least(365, greatest(0, coalesce(b.days_since_payment, 365))))`;
}

export interface AccountFactsRow {
  customer_id: string;
  currency: string;
  /** The customer's own currency (its rows may be in others). */
  customer_currency: string;
  account_number: string;
  name: string;
  customer_type: 'business' | 'consumer';
  segment: string | null;
  collector: string | null;
  credit_limit_minor: bigint | null;
  debits: bigint;
  credits: bigint;
  placed: bigint;
  past_due: bigint;
  open_items: number;
  past_due_items: number;
  max_dpd: number | null;
  expected_past_due: bigint;
  expected_current: bigint;
  observed: number;
  late: number;
  mean_late: number;
  days_since_payment: number | null;
}

/**
 * Per customer and currency: open balance (debits not placed with an agency), credits, placed,
 * past due, item counts, the oldest item's days past due and Σ open × p split by past due and not
 * yet due, with the account's behaviour counts. One statement: behaviour, then one pass over the
 * open items computing p per item.
 */
export async function findAccountFacts(
  ex: Executor,
  tenantId: number,
  args: { asOf: LocalDate; model: RiskModel; scope: CustomerScope },
): Promise<AccountFactsRow[]> {
  return (await accountFactsQuery(tenantId, args).execute(ex)).rows;
}

/** The statement of findAccountFacts (apart, so that a benchmark can EXPLAIN it). */
export function accountFactsQuery(
  tenantId: number,
  args: { asOf: LocalDate; model: RiskModel; scope: CustomerScope },
) {
  const { asOf, model, scope } = args;
  const c = model.coefficients;
  const noHistory = accountLogit(model, { observed: 0, late: 0, meanDaysLate: 0, daysSincePayment: null });
  const z = sql`coalesce(bz.z, ${f8(noHistory)})
    + ${f8(c.months_past_due)} * least(360, greatest(0, ${asOf}::date - i.due_date)) / 30.0
    + ${f8(c.log_days_past_due)} * ln(1 + greatest(0, ${asOf}::date - i.due_date))
    + ${f8(c.months_to_due)} * least(60, greatest(0, i.due_date - ${asOf}::date)) / 30.0`;
  const p = sql`(1 / (1 + exp(-least(50, greatest(-50, ${z})))))`;
  // The aggregate over one set of customers; `free` says whether an item is not with an agency. The
  // customers without any placed item (nearly all) are read without the item id, so the open-items
  // index alone answers (an index-only scan, as for the aging); the few with placed items are read
  // with it, to leave those items out.
  const aggregate = (free: RawBuilder<unknown>, from: RawBuilder<unknown>, which: RawBuilder<unknown>) => sql`
      select i.customer_id, i.currency,
        coalesce(sum(i.open_minor) filter (where i.open_minor > 0 and ${free}), 0)::bigint as debits,
        coalesce(sum(i.open_minor) filter (where i.open_minor < 0), 0)::bigint as credits,
        coalesce(sum(i.open_minor) filter (where i.open_minor > 0 and not ${free}), 0)::bigint as placed,
        coalesce(sum(i.open_minor) filter (where i.open_minor > 0 and ${free} and i.due_date < ${asOf}::date), 0)::bigint as past_due,
        (count(*) filter (where i.open_minor > 0 and ${free}))::int as open_items,
        (count(*) filter (where i.open_minor > 0 and ${free} and i.due_date < ${asOf}::date))::int as past_due_items,
        max(${asOf}::date - i.due_date) filter (where i.open_minor > 0 and ${free}) as max_dpd,
        coalesce(round(sum(i.open_minor * ${p}) filter (where i.open_minor > 0 and ${free} and i.due_date < ${asOf}::date)), 0)::bigint as expected_past_due,
        coalesce(round(sum(i.open_minor * ${p}) filter (where i.open_minor > 0 and ${free} and i.due_date >= ${asOf}::date)), 0)::bigint as expected_current,
        coalesce(max(bz.observed), 0)::int as observed,
        coalesce(max(bz.late), 0)::int as late,
        coalesce(max(bz.mean_late), 0)::float8 as mean_late,
        max(bz.days_since_payment) as days_since_payment
      ${from}
      left join bz on bz.customer_id = i.customer_id
      where i.tenant_id = ${tenantId} and i.open_minor <> 0 and ${which}
        ${scopeFilter(tenantId, sql.ref('i.customer_id'), scope)}
      group by i.customer_id, i.currency`;
  return sql<AccountFactsRow>`
    with b as (${behaviourSql(tenantId, asOf, model.settings, scope)}),
    bz as (select b.customer_id, ${accountLogitSql(model)} as z, b.observed, b.late, b.mean_late, b.days_since_payment from b),
    placed as (select item_id from agency_placement_items where tenant_id = ${tenantId} and active),
    placed_customers as (
      select distinct p.customer_id from agency_placements p
      where p.tenant_id = ${tenantId}
        and exists (select 1 from agency_placement_items pi where pi.tenant_id = p.tenant_id and pi.placement_id = p.id and pi.active)
    ),
    agg as (
      ${aggregate(sql`true`, sql`from items i`, sql`i.customer_id not in (select customer_id from placed_customers)`)}
      union all
      ${aggregate(
        sql`pl.item_id is null`,
        sql`from items i left join placed pl on pl.item_id = i.id`,
        sql`i.customer_id in (select customer_id from placed_customers)`,
      )}
    )
    select agg.*, cu.currency as customer_currency, cu.account_number, cu.name, cu.customer_type, cu.segment, cu.collector, cu.credit_limit_minor
    from agg join customers cu on cu.tenant_id = ${tenantId} and cu.id = agg.customer_id`;
}

export interface UnappliedRow {
  customer_id: string;
  currency: string;
  unapplied: bigint;
}

/** Unapplied cash per customer and currency (negative, as in the aging). */
export async function findUnappliedCash(
  ex: Executor,
  tenantId: number,
  scope: CustomerScope,
): Promise<UnappliedRow[]> {
  const r = await sql<UnappliedRow>`
    select customer_id, currency, (-sum(unapplied_minor))::bigint as unapplied
    from receipts
    where tenant_id = ${tenantId} and unapplied_minor > 0 and customer_id is not null
      ${scopeFilter(tenantId, sql.ref('customer_id'), scope)}
    group by customer_id, currency`.execute(ex);
  return r.rows;
}

export interface TaskRow {
  id: string;
  customer_id: string;
  due_date: LocalDate;
  notes: string | null;
  assigned_to: string | null;
  collector: string | null;
}

/**
 * Open tasks due on or before the day (all open tasks when `dueBy` is null): a collector's are those
 * assigned to them, and the unassigned ones on their customers.
 */
export async function findDueTasks(
  ex: Executor,
  tenantId: number,
  args: { dueBy: LocalDate | null; collector: string | null },
): Promise<TaskRow[]> {
  const who =
    args.collector === null
      ? sql``
      : sql`and (a.assigned_to = ${args.collector} or (a.assigned_to is null and c.collector = ${args.collector}))`;
  const r = await sql<TaskRow>`
    select a.id, a.customer_id, a.due_date, a.notes, a.assigned_to, c.collector
    from collection_activities a
    join customers c on c.tenant_id = a.tenant_id and c.id = a.customer_id
    where a.tenant_id = ${tenantId} and a.kind = 'task' and a.status = 'open'
      ${args.dueBy === null ? sql`` : sql`and a.due_date <= ${args.dueBy}::date`} ${who}
    order by a.due_date, a.id`.execute(ex);
  return r.rows;
}

/** The ids of the customers in scope. */
export async function findScopeCustomerIds(
  ex: Executor,
  tenantId: number,
  scope: CustomerScope,
): Promise<string[]> {
  if (scope !== null && 'customerIds' in scope) return [...scope.customerIds];
  let q = ex.selectFrom('customers').select('id').where('tenant_id', '=', tenantId);
  if (scope !== null) q = q.where('collector', '=', scope.collector);
  return (await q.execute()).map((r) => r.id);
}

export interface CustomerRow {
  id: string;
  account_number: string;
  name: string;
  customer_type: 'business' | 'consumer';
  segment: string | null;
  collector: string | null;
  currency: string;
  credit_limit_minor: bigint | null;
}

export async function findCustomerRows(
  ex: Executor,
  tenantId: number,
  ids: readonly string[],
): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return ex
    .selectFrom('customers')
    .select([
      'id',
      'account_number',
      'name',
      'customer_type',
      'segment',
      'collector',
      'currency',
      'credit_limit_minor',
    ])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sql<string>`any(${ids as string[]}::text[])`)
    .execute();
}

export interface ContactRow {
  customer_id: string;
  calls: number;
  last_conversation: LocalDate | null;
  seventh_latest: LocalDate | null;
}

/** Call attempts in the 7 days before the day, per consumer customer (Regulation F). */
export async function findRecentCalls(
  ex: Executor,
  tenantId: number,
  args: { day: LocalDate; scope: CustomerScope },
): Promise<ContactRow[]> {
  const r = await sql<ContactRow>`
    select customer_id, count(*)::int as calls,
      (max(occurred_at) filter (where conversation))::date as last_conversation,
      ((array_agg(occurred_at order by occurred_at desc))[7])::date as seventh_latest
    from collection_activities a
    where tenant_id = ${tenantId} and kind = 'call' and occurred_at >= (${args.day}::date - 7)
      and occurred_at < (${args.day}::date + 1)
      and customer_id in (select id from customers where tenant_id = ${tenantId} and customer_type = 'consumer')
      ${scopeFilter(tenantId, sql.ref('a.customer_id'), args.scope)}
    group by customer_id`.execute(ex);
  return r.rows;
}

/** Codes of the agencies holding a customer's items now. */
export async function findPlacingAgencies(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (customerIds.length === 0) return out;
  const r = await sql<{ customer_id: string; code: string }>`
    select distinct p.customer_id, g.code
    from agency_placements p join agencies g on g.tenant_id = p.tenant_id and g.id = p.agency_id
    where p.tenant_id = ${tenantId} and p.status = 'placed' and p.customer_id = any(${customerIds as string[]}::text[])
    order by g.code`.execute(ex);
  for (const row of r.rows) {
    const list = out.get(row.customer_id);
    if (list) list.push(row.code);
    else out.set(row.customer_id, [row.code]);
  }
  return out;
}

export interface TeamCountsRow {
  collector: string | null;
  customers: number;
}

/** Customers per collector (all, with or without a balance). */
export async function countCustomersByCollector(ex: Executor, tenantId: number): Promise<TeamCountsRow[]> {
  const r = await sql<TeamCountsRow>`
    select collector, count(*)::int as customers from customers where tenant_id = ${tenantId} group by collector`.execute(
    ex,
  );
  return r.rows;
}

export interface BacktestRow {
  customer_id: string;
  currency: CurrencyCode;
  dpd: number;
  open_minor: bigint;
  bad: boolean;
  observed: number;
  late: number;
  mean_late: number;
  /** Days since the account's last payment on or before `t`; null: none yet. */
  days_since_payment: number | null;
}

/**
 * The samples of a backtest at snapshot `t`: every invoice or debit memo open on `t` whose outcome is
 * known by `observedBy` (the later of `t` and its due date, plus the horizon), with the account's
 * behaviour counted from the facts dated on or before `t` only, and whether it turned out bad (not
 * paid in full by then, or written off). Open amounts on `t` are rebuilt from the applications.
 */
export async function findBacktestSamples(
  ex: Executor,
  tenantId: number,
  args: { t: LocalDate; observedBy: LocalDate; settings: RiskSettings },
): Promise<BacktestRow[]> {
  const { t, observedBy, settings } = args;
  const late = sql`${settings.lateAfterDays}::int`;
  const horizon = sql`${settings.horizonDays}::int`;
  const r = await sql<BacktestRow>`
    with ev as (
      select i.id, i.customer_id, i.currency, i.due_date, i.amount_minor,
        coalesce(sum(a.amount_minor) filter (where a.kind = 'invoice' and a.applied_date <= ${t}::date), 0) as settled_t,
        max(a.applied_date) filter (where a.kind = 'invoice' and a.applied_date <= ${t}::date) as last_t,
        coalesce(sum(a.amount_minor) filter (where a.kind = 'write_off' and a.applied_date <= ${t}::date), 0) as wo_t,
        coalesce(sum(a.amount_minor) filter (where a.kind = 'invoice' and a.applied_date <= greatest(${t}::date, i.due_date) + ${horizon}), 0) as settled_h,
        coalesce(sum(a.amount_minor) filter (where a.kind = 'write_off' and a.applied_date <= greatest(${t}::date, i.due_date) + ${horizon}), 0) as wo_h
      from items i
      left join applications a on a.tenant_id = i.tenant_id and a.item_id = i.id and a.kind in ('invoice', 'write_off')
      where i.tenant_id = ${tenantId} and i.type in ('invoice', 'debit_memo') and i.issue_date <= ${t}::date
      group by i.tenant_id, i.id
    ),
    b as (
      select customer_id,
        count(*) filter (where wo_t <> 0 or settled_t = amount_minor or ${t}::date - due_date > ${late}) as observed,
        count(*) filter (where wo_t <> 0 or (settled_t = amount_minor and last_t - due_date > ${late})
          or (settled_t < amount_minor and ${t}::date - due_date > ${late})) as late,
        coalesce(avg(least(365, greatest(0, last_t - due_date))) filter (where settled_t = amount_minor and wo_t = 0), 0)::float8 as mean_late,
        max(last_t) as last_paid
      from ev group by customer_id
    )
    select ev.customer_id, ev.currency, (${t}::date - ev.due_date) as dpd, (ev.amount_minor - ev.settled_t)::bigint as open_minor,
      (ev.amount_minor - ev.settled_h > 0 or ev.wo_h <> 0) as bad,
      b.observed::int as observed, b.late::int as late, b.mean_late,
      (${t}::date - b.last_paid) as days_since_payment
    from ev join b on b.customer_id = ev.customer_id
    where ev.amount_minor - ev.settled_t > 0 and ev.wo_t = 0
      and greatest(${t}::date, ev.due_date) + ${horizon} <= ${observedBy}::date
    order by ev.id`.execute(ex);
  return r.rows;
}

export interface StoredModelRow {
  id: string;
  as_of: LocalDate;
  model: unknown;
  calibration: unknown;
  created_at: Date;
  created_by: string;
}

export async function findNewestRiskModel(ex: Executor, tenantId: number): Promise<StoredModelRow | null> {
  const row = await ex
    .selectFrom('risk_models')
    .select(['id', 'as_of', 'model', 'calibration', 'created_at', 'created_by'])
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { ...row, as_of: row.as_of as LocalDate } : null;
}

export async function insertRiskModel(
  ex: Executor,
  tenantId: number,
  row: {
    id: string;
    asOf: LocalDate;
    version: string;
    model: unknown;
    calibration: unknown;
    createdBy: string;
  },
): Promise<void> {
  await ex
    .insertInto('risk_models')
    .values({
      tenant_id: tenantId,
      id: row.id,
      as_of: row.asOf,
      version: row.version,
      model: JSON.stringify(row.model),
      calibration: JSON.stringify(row.calibration),
      created_by: row.createdBy,
    })
    .execute();
}
