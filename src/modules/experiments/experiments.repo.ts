import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { insertMany } from '../../db/bulk.ts';
import type { ExperimentStatus, StratifyBy } from '../../db/schema-agencies.ts';

/** SQL only, no rules. */

export interface ExperimentRow {
  id: string;
  code: string;
  name: string;
  description: string | null;
  subject: string;
  status: ExperimentStatus;
  seed: bigint;
  stratify_by: StratifyBy | null;
  population: unknown;
  settings: unknown;
  started_on: LocalDate | null;
  stopped_on: LocalDate | null;
  created_by: string;
}

export interface VariantRow {
  key: string;
  name: string;
  weight: number;
  is_control: boolean;
  config: unknown;
}

const EXPERIMENT_COLUMNS = [
  'id',
  'code',
  'name',
  'description',
  'subject',
  'status',
  'seed',
  'stratify_by',
  'population',
  'settings',
  'started_on',
  'stopped_on',
  'created_by',
] as const;

/** By id (`exp_…`) or code. */
export async function findExperiment(
  ex: Executor,
  tenantId: number,
  idOrCode: string,
  options: { forUpdate?: boolean } = {},
): Promise<ExperimentRow | null> {
  let q = ex
    .selectFrom('experiments')
    .select(EXPERIMENT_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('id', '=', idOrCode), eb('code', '=', idOrCode)]));
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? (row as ExperimentRow) : null;
}

export async function findExperiments(ex: Executor, tenantId: number): Promise<ExperimentRow[]> {
  const rows = await ex
    .selectFrom('experiments')
    .select(EXPERIMENT_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows as ExperimentRow[];
}

export async function findVariants(
  ex: Executor,
  tenantId: number,
  experimentId: string,
): Promise<VariantRow[]> {
  return ex
    .selectFrom('experiment_variants')
    .select(['key', 'name', 'weight', 'is_control', 'config'])
    .where('tenant_id', '=', tenantId)
    .where('experiment_id', '=', experimentId)
    .orderBy('is_control', 'desc')
    .orderBy('key')
    .execute();
}

export interface Population {
  readonly segments?: readonly string[];
  readonly customerType?: 'business' | 'consumer';
  readonly collectors?: readonly string[];
  /** Only accounts with an open item past due on the start date. */
  readonly pastDueOnly?: boolean;
}

export interface EligibleRow {
  id: string;
  segment: string | null;
  customer_type: string;
  collector: string | null;
}

/**
 * Customers in the population, not yet in this experiment, and not in another running experiment
 * of the same subject (a customer follows one strategy at a time).
 */
export async function findEligibleCustomers(
  ex: Executor,
  tenantId: number,
  args: { experimentId: string; subject: string; population: Population; on: LocalDate },
): Promise<EligibleRow[]> {
  const p = args.population;
  const r = await sql<EligibleRow>`
    select c.id, c.segment, c.customer_type, c.collector
    from customers c
    where c.tenant_id = ${tenantId}
      ${p.segments && p.segments.length > 0 ? sql`and c.segment = any(${[...p.segments]}::text[])` : sql``}
      ${p.customerType ? sql`and c.customer_type = ${p.customerType}` : sql``}
      ${p.collectors && p.collectors.length > 0 ? sql`and c.collector = any(${[...p.collectors]}::text[])` : sql``}
      ${
        p.pastDueOnly
          ? sql`and exists (select 1 from items i where i.tenant_id = c.tenant_id and i.customer_id = c.id
              and i.open_minor > 0 and i.due_date < ${args.on}::date)`
          : sql``
      }
      and not exists (select 1 from experiment_assignments a where a.tenant_id = c.tenant_id
        and a.experiment_id = ${args.experimentId} and a.customer_id = c.id)
      and not exists (select 1 from experiment_assignments a
        join experiments e on e.tenant_id = a.tenant_id and e.id = a.experiment_id
        where a.tenant_id = c.tenant_id and a.customer_id = c.id and e.status = 'running'
          and e.subject = ${args.subject} and e.id <> ${args.experimentId})
    order by c.id`.execute(ex);
  return r.rows;
}

export async function insertAssignments(
  ex: Executor,
  tenantId: number,
  experimentId: string,
  on: LocalDate,
  rows: readonly { id: string; stratum: string; variant: string }[],
): Promise<void> {
  await insertMany(
    ex,
    'experiment_assignments',
    [
      { name: 'tenant_id', type: 'integer' },
      { name: 'experiment_id', type: 'text' },
      { name: 'customer_id', type: 'text' },
      { name: 'variant_key', type: 'text' },
      { name: 'stratum', type: 'text' },
      { name: 'assigned_on', type: 'date' },
    ],
    rows.map((r) => [tenantId, experimentId, r.id, r.variant, r.stratum, on]),
  );
}

export async function countAssignments(
  ex: Executor,
  tenantId: number,
  experimentId: string,
): Promise<{ variant_key: string; stratum: string; n: number }[]> {
  const r = await sql<{ variant_key: string; stratum: string; n: number }>`
    select variant_key, stratum, count(*)::int as n from experiment_assignments
    where tenant_id = ${tenantId} and experiment_id = ${experimentId}
    group by variant_key, stratum order by variant_key, stratum`.execute(ex);
  return r.rows;
}

export interface CohortItemRow {
  customer_id: string;
  variant_key: string;
  currency: string;
  due_date: LocalDate;
  /** Unpaid on the start date, at the roll checkpoint, at the end (write-offs count as unpaid). */
  open_s: bigint;
  open_c: bigint;
  open_e: bigint;
  /** The first and the last payment (a receipt's application) in the window. */
  first_e: LocalDate | null;
  last_e: LocalDate | null;
}

/**
 * The invoices and debit memos of the assigned accounts open on the start date, with what was still
 * unpaid at the checkpoint and at the end, rebuilt from the applications (a write-off settles nothing
 * here: its `write_off` row is added back), and the first and last payment in the window. Deductions
 * are left out: they are disputes, not what dunning chases.
 */
export async function findCohortItems(
  ex: Executor,
  tenantId: number,
  args: { experimentId: string; start: LocalDate; checkpoint: LocalDate; end: LocalDate },
): Promise<CohortItemRow[]> {
  const { start, checkpoint, end } = args;
  const paid = (d: LocalDate) =>
    sql`coalesce(sum(ap.amount_minor) filter (where ap.applied_date <= ${d}::date), 0)`;
  const r = await sql<CohortItemRow>`
    with a as (
      select customer_id, variant_key from experiment_assignments
      where tenant_id = ${tenantId} and experiment_id = ${args.experimentId}
    ),
    ev as (
      select i.customer_id, a.variant_key, i.currency, i.due_date, i.amount_minor,
        ${paid(start)} as paid_s, ${paid(checkpoint)} as paid_c, ${paid(end)} as paid_e,
        min(ap.applied_date) filter (where ap.kind = 'invoice' and ap.receipt_id is not null
          and ap.applied_date > ${start}::date and ap.applied_date <= ${end}::date) as first_e,
        max(ap.applied_date) filter (where ap.kind = 'invoice' and ap.receipt_id is not null
          and ap.applied_date > ${start}::date and ap.applied_date <= ${end}::date) as last_e
      from items i
      join a on a.customer_id = i.customer_id
      left join applications ap on ap.tenant_id = i.tenant_id and ap.item_id = i.id and ap.kind in ('invoice', 'write_off')
      where i.tenant_id = ${tenantId} and i.type in ('invoice', 'debit_memo') and i.issue_date <= ${start}::date
      group by i.tenant_id, i.id, a.variant_key
    )
    select customer_id, variant_key, currency, due_date,
      (amount_minor - paid_s)::bigint as open_s, (amount_minor - paid_c)::bigint as open_c,
      (amount_minor - paid_e)::bigint as open_e, first_e, last_e
    from ev where amount_minor - paid_s > 0`.execute(ex);
  return r.rows;
}

/** Cash applied to the assigned accounts' items in (start, end], per account and currency. */
export async function findCashCollected(
  ex: Executor,
  tenantId: number,
  args: { experimentId: string; start: LocalDate; end: LocalDate },
): Promise<{ customer_id: string; currency: string; collected: bigint }[]> {
  const r = await sql<{ customer_id: string; currency: string; collected: bigint }>`
    select i.customer_id, ap.currency, sum(ap.amount_minor)::bigint as collected
    from applications ap
    join items i on i.tenant_id = ap.tenant_id and i.id = ap.item_id
    where ap.tenant_id = ${tenantId} and ap.kind = 'invoice' and ap.receipt_id is not null
      and ap.applied_date > ${args.start}::date and ap.applied_date <= ${args.end}::date
      and i.customer_id in (select customer_id from experiment_assignments
        where tenant_id = ${tenantId} and experiment_id = ${args.experimentId})
    group by i.customer_id, ap.currency`.execute(ex);
  return r.rows;
}

/** Contacts made with the assigned accounts from the start to the end day, per account and channel. */
export async function findContacts(
  ex: Executor,
  tenantId: number,
  args: { experimentId: string; start: LocalDate; end: LocalDate; kinds: readonly string[] },
): Promise<{ customer_id: string; kind: string; n: number }[]> {
  const r = await sql<{ customer_id: string; kind: string; n: number }>`
    select customer_id, kind, count(*)::int as n
    from collection_activities
    where tenant_id = ${tenantId} and kind = any(${[...args.kinds]}::text[])
      and occurred_at >= ${args.start}::date and occurred_at < (${args.end}::date + 1)
      and customer_id in (select customer_id from experiment_assignments
        where tenant_id = ${tenantId} and experiment_id = ${args.experimentId})
    group by customer_id, kind`.execute(ex);
  return r.rows;
}

export async function findAssignmentsOf(
  ex: Executor,
  tenantId: number,
  experimentId: string,
): Promise<{ customer_id: string; variant_key: string }[]> {
  return ex
    .selectFrom('experiment_assignments')
    .select(['customer_id', 'variant_key'])
    .where('tenant_id', '=', tenantId)
    .where('experiment_id', '=', experimentId)
    .execute();
}
