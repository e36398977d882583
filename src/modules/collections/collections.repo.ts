import { type Selectable, sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { anyText } from '../../db/bulk.ts';
import type {
  CollectionActivitiesTable,
  DisputeStatus,
  ItemType,
  PlanStatus,
  PromiseStatus,
} from '../../db/schema.ts';
import type { ActivityKind, CustomerSummary, TaskStatus } from './contract.ts';
import type { CashRow } from './logic/cash-payments.ts';

/** The row's customer is collected by `collector` (an analyst's portfolio); `alias` names the row's table. */
const inPortfolio = (alias: string, collector: string) =>
  sql<boolean>`exists (select 1 from customers c where c.tenant_id = ${sql.ref(`${alias}.tenant_id`)}
    and c.id = ${sql.ref(`${alias}.customer_id`)} and c.collector = ${collector})`;

/**
 * SQL of the collections module, and nothing else: no rules here. Every statement names its tenant
 * (row-level security would catch one that forgot, ADR 0011).
 */

// ---------------------------------------------------------------- customers, settings, items

export interface CustomerRecord extends CustomerSummary {
  readonly entityId: string;
  readonly timeZone: string | null;
}

const CUSTOMER_COLUMNS = [
  'c.id',
  'c.account_number',
  'c.name',
  'c.customer_type',
  'c.collector',
  'c.currency',
  'c.entity_id',
  'c.time_zone',
] as const;

type CustomerDbRow = {
  id: string;
  account_number: string;
  name: string;
  customer_type: 'business' | 'consumer';
  collector: string | null;
  currency: string;
  entity_id: string;
  time_zone: string | null;
};

const toCustomer = (r: CustomerDbRow): CustomerRecord => ({
  id: r.id,
  accountNumber: r.account_number,
  name: r.name,
  customerType: r.customer_type,
  collector: r.collector,
  currency: r.currency as CurrencyCode,
  entityId: r.entity_id,
  timeZone: r.time_zone,
});

export async function findCustomer(
  ex: Executor,
  tenantId: number,
  key: { id: string } | { account: string },
  lock = false,
): Promise<CustomerRecord | null> {
  let q = ex
    .selectFrom('customers as c')
    .select(CUSTOMER_COLUMNS)
    .where('c.tenant_id', '=', tenantId)
    .where('id' in key ? 'c.id' : 'c.account_number', '=', 'id' in key ? key.id : key.account);
  // The customer row serializes one customer's collections changes (calls counted, one hold, one plan).
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toCustomer(r) : null;
}

export async function findCustomersByIds(
  ex: Executor,
  tenantId: number,
  ids: readonly string[],
): Promise<Map<string, CustomerRecord>> {
  const out = new Map<string, CustomerRecord>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 5000) {
    const rows = await ex
      .selectFrom('customers as c')
      .select(CUSTOMER_COLUMNS)
      .where('c.tenant_id', '=', tenantId)
      .where('c.id', '=', anyText(unique.slice(i, i + 5000)))
      .execute();
    for (const r of rows) out.set(r.id, toCustomer(r));
  }
  return out;
}

export async function findTenantSettings(ex: Executor, tenantId: number): Promise<Record<string, unknown>> {
  const row = await ex.selectFrom('tenants').select('settings').where('id', '=', tenantId).executeTakeFirst();
  return (row?.settings ?? {}) as Record<string, unknown>;
}

export interface ItemRecord {
  readonly id: string;
  readonly number: string;
  readonly customerId: string;
  readonly type: ItemType;
  readonly currency: CurrencyCode;
  readonly openMinor: bigint;
  readonly dueDate: LocalDate;
}

/** Items named by id or number (an id wins when a number happens to equal another item's id). */
export async function findItems(
  ex: Executor,
  tenantId: number,
  keys: readonly string[],
): Promise<Map<string, ItemRecord>> {
  const out = new Map<string, ItemRecord>();
  if (keys.length === 0) return out;
  const rows = await ex
    .selectFrom('items')
    .select(['id', 'number', 'customer_id', 'type', 'currency', 'open_minor', 'due_date'])
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('id', '=', anyText(keys)), eb('number', '=', anyText(keys))]))
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const byNumber = new Map(rows.map((r) => [r.number, r]));
  for (const key of keys) {
    const r = byId.get(key) ?? byNumber.get(key);
    if (r)
      out.set(key, {
        id: r.id,
        number: r.number,
        customerId: r.customer_id,
        type: r.type,
        currency: r.currency as CurrencyCode,
        openMinor: r.open_minor,
        dueDate: r.due_date as LocalDate,
      });
  }
  return out;
}

export async function findItemNumbers(
  ex: Executor,
  tenantId: number,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ex
    .selectFrom('items')
    .select(['id', 'number'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', anyText([...new Set(ids)]))
    .execute();
  return new Map(rows.map((r) => [r.id, r.number]));
}

const DEBIT_TYPES: readonly ItemType[] = ['invoice', 'debit_memo', 'deduction'];

/** What the customer's debit items (or the given ones) have open, in a currency. */
export async function sumOpenDebits(
  ex: Executor,
  tenantId: number,
  customerId: string,
  currency: string,
  itemIds: readonly string[],
): Promise<bigint> {
  let q = ex
    .selectFrom('items')
    .select(sql<bigint>`coalesce(sum(open_minor), 0)::bigint`.as('open'))
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('currency', '=', currency)
    .where('type', 'in', DEBIT_TYPES)
    .where('open_minor', '>', 0n);
  if (itemIds.length > 0) q = q.where('id', '=', anyText(itemIds));
  const row = await q.executeTakeFirst();
  return row?.open ?? 0n;
}

/** Per customer: the oldest due date of an open debit item due before `asOf`, and what is past due by currency. */
export async function findPastDue(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
  asOf: LocalDate,
): Promise<Map<string, { oldestDue: LocalDate; amounts: Map<string, bigint> }>> {
  const out = new Map<string, { oldestDue: LocalDate; amounts: Map<string, bigint> }>();
  if (customerIds.length === 0) return out;
  const rows = await ex
    .selectFrom('items')
    .select([
      'customer_id',
      'currency',
      sql<string>`min(due_date)::text`.as('oldest'),
      sql<bigint>`sum(open_minor)::bigint`.as('past_due'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', anyText([...new Set(customerIds)]))
    .where('type', 'in', DEBIT_TYPES)
    .where('open_minor', '>', 0n)
    .where('due_date', '<', asOf)
    .groupBy(['customer_id', 'currency'])
    .execute();
  for (const r of rows) {
    const entry = out.get(r.customer_id) ?? { oldestDue: r.oldest as LocalDate, amounts: new Map() };
    if (r.oldest < entry.oldestDue) entry.oldestDue = r.oldest as LocalDate;
    entry.amounts.set(r.currency, r.past_due);
    out.set(r.customer_id, entry);
  }
  return out;
}

// ---------------------------------------------------------------- activities and tasks

export interface NewActivity {
  readonly id: string;
  readonly customerId: string;
  readonly kind: ActivityKind;
  readonly outcomeCode?: string | null;
  readonly conversation?: boolean;
  readonly contactName?: string | null;
  readonly notes?: string | null;
  readonly occurredAt: Date;
  readonly dueDate?: LocalDate | null;
  readonly assignedTo?: string | null;
  readonly status?: TaskStatus;
  readonly relatedId?: string | null;
  readonly itemIds?: readonly string[] | null;
  readonly createdBy: string;
}

export async function insertActivity(ex: Executor, tenantId: number, a: NewActivity): Promise<void> {
  await ex
    .insertInto('collection_activities')
    .values({
      tenant_id: tenantId,
      id: a.id,
      customer_id: a.customerId,
      kind: a.kind,
      outcome_code: a.outcomeCode ?? null,
      conversation: a.conversation ?? false,
      contact_name: a.contactName ?? null,
      notes: a.notes ?? null,
      occurred_at: a.occurredAt,
      due_date: a.dueDate ?? null,
      assigned_to: a.assignedTo ?? null,
      status: a.status ?? 'done',
      related_id: a.relatedId ?? null,
      item_ids: a.itemIds && a.itemIds.length > 0 ? [...a.itemIds] : null,
      created_by: a.createdBy,
    })
    .execute();
}

/** Calls to the customer at or after `since` (the rules look at the 7 days before now). */
export async function findRecentCalls(
  ex: Executor,
  tenantId: number,
  customerId: string,
  since: Date,
): Promise<{ at: Date; conversation: boolean }[]> {
  const rows = await ex
    .selectFrom('collection_activities')
    .select(['occurred_at', 'conversation'])
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('kind', '=', 'call')
    .where('occurred_at', '>=', since)
    .execute();
  return rows.map((r) => ({ at: r.occurred_at, conversation: r.conversation }));
}

export type ActivityRow = Omit<Selectable<CollectionActivitiesTable>, 'tenant_id' | 'created_at'>;

const ACTIVITY_COLUMNS = [
  'a.id',
  'a.customer_id',
  'a.kind',
  'a.outcome_code',
  'a.conversation',
  'a.contact_name',
  'a.notes',
  'a.occurred_at',
  'a.due_date',
  'a.assigned_to',
  'a.status',
  'a.related_id',
  'a.item_ids',
  'a.created_by',
] as const;

/** A customer's history, newest first; keyset on (occurred_at, id) descending. */
export async function findActivitiesPage(
  ex: Executor,
  tenantId: number,
  filter: {
    customerId: string;
    kinds?: readonly ActivityKind[] | undefined;
    before?: readonly [Date, string] | undefined;
    limit: number;
  },
): Promise<ActivityRow[]> {
  let q = ex
    .selectFrom('collection_activities as a')
    .select(ACTIVITY_COLUMNS)
    .where('a.tenant_id', '=', tenantId)
    .where('a.customer_id', '=', filter.customerId)
    .orderBy('a.occurred_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(filter.limit);
  if (filter.kinds && filter.kinds.length > 0) q = q.where('a.kind', 'in', filter.kinds);
  const before = filter.before;
  if (before)
    q = q.where((eb) =>
      eb.or([
        eb('a.occurred_at', '<', before[0]),
        eb.and([eb('a.occurred_at', '=', before[0]), eb('a.id', '<', before[1])]),
      ]),
    );
  return (await q.execute()) as ActivityRow[];
}

export async function findActivity(
  ex: Executor,
  tenantId: number,
  id: string,
  lock = false,
): Promise<ActivityRow | null> {
  let q = ex
    .selectFrom('collection_activities as a')
    .select(ACTIVITY_COLUMNS)
    .where('a.tenant_id', '=', tenantId)
    .where('a.id', '=', id);
  if (lock) q = q.forUpdate();
  return ((await q.executeTakeFirst()) as ActivityRow | undefined) ?? null;
}

/** Tasks in due-date order (then id); keyset on (due_date, id). */
export async function findTasks(
  ex: Executor,
  tenantId: number,
  filter: {
    assignee?: string | undefined;
    dueBy?: LocalDate | undefined;
    status: TaskStatus;
    customerId?: string | undefined;
    portfolioOf?: string | undefined;
    after?: readonly [string, string] | undefined;
    limit: number;
  },
): Promise<ActivityRow[]> {
  let q = ex
    .selectFrom('collection_activities as a')
    .select(ACTIVITY_COLUMNS)
    .where('a.tenant_id', '=', tenantId)
    .where('a.kind', '=', 'task')
    .where('a.status', '=', filter.status)
    .orderBy('a.due_date')
    .orderBy('a.id')
    .limit(filter.limit);
  if (filter.assignee !== undefined) q = q.where('a.assigned_to', '=', filter.assignee);
  if (filter.dueBy !== undefined) q = q.where('a.due_date', '<=', filter.dueBy);
  if (filter.customerId !== undefined) q = q.where('a.customer_id', '=', filter.customerId);
  if (filter.portfolioOf !== undefined) q = q.where(inPortfolio('a', filter.portfolioOf));
  const after = filter.after;
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('a.due_date', '>', after[0]),
        eb.and([eb('a.due_date', '=', after[0]), eb('a.id', '>', after[1])]),
      ]),
    );
  return (await q.execute()) as ActivityRow[];
}

export async function updateTaskStatus(
  ex: Executor,
  tenantId: number,
  id: string,
  status: TaskStatus,
  relatedId: string | null,
): Promise<void> {
  await ex
    .updateTable('collection_activities')
    .set({ status, ...(relatedId === null ? {} : { related_id: relatedId }) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------- promises

export interface PromiseRow {
  id: string;
  customer_id: string;
  currency: string;
  amount_minor: bigint;
  promised_date: string;
  item_ids: string[];
  status: PromiseStatus;
  paid_minor: bigint;
  made_on: string;
  resolved_on: string | null;
  created_by: string;
}

const PROMISE_COLUMNS = [
  'p.id',
  'p.customer_id',
  'p.currency',
  'p.amount_minor',
  'p.promised_date',
  'p.item_ids',
  'p.status',
  'p.paid_minor',
  'p.made_on',
  'p.resolved_on',
  'p.created_by',
] as const;

export async function insertPromise(
  ex: Executor,
  tenantId: number,
  p: Omit<PromiseRow, 'status' | 'paid_minor' | 'resolved_on'>,
): Promise<void> {
  await ex
    .insertInto('promises')
    .values({ tenant_id: tenantId, ...p, item_ids: [...p.item_ids] })
    .execute();
}

export async function findPromise(
  ex: Executor,
  tenantId: number,
  id: string,
  lock = false,
): Promise<PromiseRow | null> {
  let q = ex
    .selectFrom('promises as p')
    .select(PROMISE_COLUMNS)
    .where('p.tenant_id', '=', tenantId)
    .where('p.id', '=', id);
  if (lock) q = q.forUpdate();
  return ((await q.executeTakeFirst()) as PromiseRow | undefined) ?? null;
}

export async function findPromises(
  ex: Executor,
  tenantId: number,
  filter: {
    customerIds?: readonly string[] | undefined;
    status?: PromiseStatus | undefined;
    portfolioOf?: string | undefined;
    madeOnOrBefore?: LocalDate | undefined;
    after?: string | undefined;
    limit?: number | undefined;
    lock?: boolean;
  },
): Promise<PromiseRow[]> {
  let q = ex
    .selectFrom('promises as p')
    .select(PROMISE_COLUMNS)
    .where('p.tenant_id', '=', tenantId)
    .orderBy('p.id');
  if (filter.customerIds !== undefined) q = q.where('p.customer_id', '=', anyText(filter.customerIds));
  if (filter.status !== undefined) q = q.where('p.status', '=', filter.status);
  if (filter.madeOnOrBefore !== undefined) q = q.where('p.made_on', '<=', filter.madeOnOrBefore);
  if (filter.after !== undefined) q = q.where('p.id', '>', filter.after);
  if (filter.portfolioOf !== undefined) q = q.where(inPortfolio('p', filter.portfolioOf));
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  if (filter.lock) q = q.forUpdate();
  return (await q.execute()) as PromiseRow[];
}

export async function updatePromise(
  ex: Executor,
  tenantId: number,
  id: string,
  change: { status: PromiseStatus; paid_minor: bigint; resolved_on: LocalDate | null },
): Promise<void> {
  await ex
    .updateTable('promises')
    .set(change)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------- payment plans

export interface PlanRow {
  id: string;
  customer_id: string;
  currency: string;
  total_minor: bigint;
  item_ids: string[];
  grace_days: number;
  status: PlanStatus;
  starts_on: string;
  ended_on: string | null;
  created_by: string;
}

export interface InstalmentRow {
  plan_id: string;
  seq: number;
  due_date: string;
  amount_minor: bigint;
  paid_minor: bigint;
  status: 'due' | 'paid' | 'missed';
}

const PLAN_COLUMNS = [
  'p.id',
  'p.customer_id',
  'p.currency',
  'p.total_minor',
  'p.item_ids',
  'p.grace_days',
  'p.status',
  'p.starts_on',
  'p.ended_on',
  'p.created_by',
] as const;

export async function insertPlan(
  ex: Executor,
  tenantId: number,
  plan: Omit<PlanRow, 'status' | 'ended_on'>,
  instalments: readonly { seq: number; due_date: LocalDate; amount_minor: bigint }[],
): Promise<void> {
  await ex
    .insertInto('payment_plans')
    .values({ tenant_id: tenantId, ...plan, item_ids: [...plan.item_ids] })
    .execute();
  await ex
    .insertInto('plan_instalments')
    .values(instalments.map((i) => ({ tenant_id: tenantId, plan_id: plan.id, ...i })))
    .execute();
}

export async function findPlans(
  ex: Executor,
  tenantId: number,
  filter: {
    ids?: readonly string[] | undefined;
    customerIds?: readonly string[] | undefined;
    status?: PlanStatus | undefined;
    lock?: boolean;
  },
): Promise<PlanRow[]> {
  let q = ex
    .selectFrom('payment_plans as p')
    .select(PLAN_COLUMNS)
    .where('p.tenant_id', '=', tenantId)
    .orderBy('p.id');
  if (filter.ids !== undefined) q = q.where('p.id', '=', anyText(filter.ids));
  if (filter.customerIds !== undefined) q = q.where('p.customer_id', '=', anyText(filter.customerIds));
  if (filter.status !== undefined) q = q.where('p.status', '=', filter.status);
  if (filter.lock) q = q.forUpdate();
  return (await q.execute()) as PlanRow[];
}

export async function findInstalments(
  ex: Executor,
  tenantId: number,
  planIds: readonly string[],
): Promise<Map<string, InstalmentRow[]>> {
  const out = new Map<string, InstalmentRow[]>();
  if (planIds.length === 0) return out;
  const rows = await ex
    .selectFrom('plan_instalments')
    .select(['plan_id', 'seq', 'due_date', 'amount_minor', 'paid_minor', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('plan_id', '=', anyText(planIds))
    .orderBy('plan_id')
    .orderBy('seq')
    .execute();
  for (const r of rows) {
    const list = out.get(r.plan_id) ?? [];
    list.push(r as InstalmentRow);
    out.set(r.plan_id, list);
  }
  return out;
}

export async function updatePlan(
  ex: Executor,
  tenantId: number,
  id: string,
  change: { status: PlanStatus; ended_on: LocalDate | null },
): Promise<void> {
  await ex
    .updateTable('payment_plans')
    .set(change)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

export async function updateInstalment(
  ex: Executor,
  tenantId: number,
  planId: string,
  seq: number,
  change: { paid_minor: bigint; status: 'due' | 'paid' | 'missed' },
): Promise<void> {
  await ex
    .updateTable('plan_instalments')
    .set(change)
    .where('tenant_id', '=', tenantId)
    .where('plan_id', '=', planId)
    .where('seq', '=', seq)
    .execute();
}

// ---------------------------------------------------------------- cash

/**
 * The application rows of receipts for these customers applied between two days (both inclusive),
 * with their receipt's date. Refunds are left to the rules (they are never a payment).
 */
export async function findCashRows(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
  from: LocalDate,
  to: LocalDate,
): Promise<CashRow[]> {
  if (customerIds.length === 0) return [];
  const rows = await ex
    .selectFrom('applications as a')
    .innerJoin('receipts as r', (j) =>
      j.onRef('r.tenant_id', '=', 'a.tenant_id').onRef('r.id', '=', 'a.receipt_id'),
    )
    .select([
      'a.customer_id',
      'a.item_id',
      'a.kind',
      'a.currency',
      'a.amount_minor',
      'a.applied_date',
      'a.reversal_of',
      'r.receipt_date',
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.customer_id', '=', anyText([...new Set(customerIds)]))
    .where('a.applied_date', '>=', from)
    .where('a.applied_date', '<=', to)
    .execute();
  return rows.map((r) => ({
    customerId: r.customer_id as string,
    itemId: r.item_id,
    kind: r.kind,
    currency: r.currency,
    amountMinor: r.amount_minor,
    appliedDate: r.applied_date as LocalDate,
    receiptDate: r.receipt_date as LocalDate,
    reversal: r.reversal_of !== null,
  }));
}

// ---------------------------------------------------------------- disputes

export interface DisputeRow {
  id: string;
  customer_id: string;
  item_id: string | null;
  currency: string;
  amount_minor: bigint;
  reason_code: string;
  owner: string | null;
  status: DisputeStatus;
  root_cause: string | null;
  resolution: 'credit_memo' | 'rebill' | 'collect' | 'write_off' | null;
  approval_id: string | null;
  opened_on: string;
  resolved_on: string | null;
  notes: string | null;
  created_by: string;
}

const DISPUTE_COLUMNS = [
  'd.id',
  'd.customer_id',
  'd.item_id',
  'd.currency',
  'd.amount_minor',
  'd.reason_code',
  'd.owner',
  'd.status',
  'd.root_cause',
  'd.resolution',
  'd.approval_id',
  'd.opened_on',
  'd.resolved_on',
  'd.notes',
  'd.created_by',
] as const;

export async function insertDispute(
  ex: Executor,
  tenantId: number,
  d: Pick<
    DisputeRow,
    | 'id'
    | 'customer_id'
    | 'item_id'
    | 'currency'
    | 'amount_minor'
    | 'reason_code'
    | 'owner'
    | 'opened_on'
    | 'notes'
    | 'created_by'
  >,
): Promise<void> {
  await ex
    .insertInto('disputes')
    .values({ tenant_id: tenantId, ...d })
    .execute();
}

export async function findDispute(
  ex: Executor,
  tenantId: number,
  id: string,
  lock = false,
): Promise<DisputeRow | null> {
  let q = ex
    .selectFrom('disputes as d')
    .select(DISPUTE_COLUMNS)
    .where('d.tenant_id', '=', tenantId)
    .where('d.id', '=', id);
  if (lock) q = q.forUpdate();
  return ((await q.executeTakeFirst()) as DisputeRow | undefined) ?? null;
}

export async function findDisputes(
  ex: Executor,
  tenantId: number,
  filter: {
    statuses?: readonly DisputeStatus[] | undefined;
    owner?: string | undefined;
    customerIds?: readonly string[] | undefined;
    portfolioOf?: string | undefined;
    withApproval?: boolean;
    after?: string | undefined;
    limit?: number | undefined;
    lock?: boolean;
  },
): Promise<DisputeRow[]> {
  let q = ex
    .selectFrom('disputes as d')
    .select(DISPUTE_COLUMNS)
    .where('d.tenant_id', '=', tenantId)
    .orderBy('d.id');
  if (filter.statuses !== undefined) q = q.where('d.status', 'in', filter.statuses);
  if (filter.owner !== undefined) q = q.where('d.owner', '=', filter.owner);
  if (filter.customerIds !== undefined) q = q.where('d.customer_id', '=', anyText(filter.customerIds));
  if (filter.withApproval) q = q.where('d.approval_id', 'is not', null);
  if (filter.after !== undefined) q = q.where('d.id', '>', filter.after);
  if (filter.portfolioOf !== undefined) q = q.where(inPortfolio('d', filter.portfolioOf));
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  if (filter.lock) q = q.forUpdate();
  return (await q.execute()) as DisputeRow[];
}

export async function updateDispute(
  ex: Executor,
  tenantId: number,
  id: string,
  change: Partial<
    Pick<
      DisputeRow,
      'status' | 'owner' | 'root_cause' | 'resolution' | 'approval_id' | 'resolved_on' | 'notes'
    >
  >,
): Promise<void> {
  await ex
    .updateTable('disputes')
    .set(change)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------- credit holds

export interface HoldRow {
  id: string;
  customer_id: string;
  reason: string;
  placed_by: string;
  placed_at: Date;
}

export async function findHoldsInForce(
  ex: Executor,
  tenantId: number,
  filter: { customerIds?: readonly string[] | undefined; portfolioOf?: string | undefined; lock?: boolean },
): Promise<HoldRow[]> {
  let q = ex
    .selectFrom('credit_holds as h')
    .select(['h.id', 'h.customer_id', 'h.reason', 'h.placed_by', 'h.placed_at'])
    .where('h.tenant_id', '=', tenantId)
    .where('h.released_at', 'is', null)
    .orderBy('h.placed_at')
    .orderBy('h.id');
  if (filter.customerIds !== undefined) q = q.where('h.customer_id', '=', anyText(filter.customerIds));
  if (filter.portfolioOf !== undefined) q = q.where(inPortfolio('h', filter.portfolioOf));
  if (filter.lock) q = q.forUpdate();
  return await q.execute();
}

export async function insertHold(
  ex: Executor,
  tenantId: number,
  h: { id: string; customer_id: string; reason: string; placed_by: string; placed_at: Date },
): Promise<void> {
  await ex
    .insertInto('credit_holds')
    .values({ tenant_id: tenantId, ...h })
    .execute();
}

export async function releaseHold(
  ex: Executor,
  tenantId: number,
  id: string,
  release: { released_by: string; released_at: Date; release_reason: string },
): Promise<void> {
  await ex
    .updateTable('credit_holds')
    .set(release)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}
