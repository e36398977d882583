import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { anyText, type BulkColumn, columnArray, insertColumns } from '../../db/bulk.ts';
import type { DatabaseKind } from '../../db/database.ts';
import type {
  DunningChannel,
  DunningMessageStatus,
  LetterKind,
  Recommendation,
} from '../../db/schema-dunning.ts';
import { COPY_FROM_ROWS, writeRows } from './bulk-write.ts';
import type { StepView, StrategyView, TemplateView } from './contract.ts';

/* Strategies and templates. */

export interface StrategyRow extends StrategyView {
  readonly steps: StepView[];
}

export async function findStrategyRows(ex: Executor, tenantId: number): Promise<StrategyRow[]> {
  const strategies = await ex
    .selectFrom('dunning_strategies')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('priority')
    .orderBy('id')
    .execute();
  const steps = await ex
    .selectFrom('dunning_steps')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('strategy_id')
    .orderBy('day_offset')
    .execute();
  return strategies.map((s) => ({
    id: s.id,
    name: s.name,
    priority: s.priority,
    segments: s.segments,
    customerTypes: s.customer_types,
    riskClasses: s.risk_classes,
    minDaysBetweenNotices: s.min_days_between_notices,
    active: s.active,
    isDefault: s.is_default,
    steps: steps
      .filter((x) => x.strategy_id === s.id)
      .map((x) => ({
        id: x.id,
        dayOffset: x.day_offset,
        channel: x.channel,
        template: x.template_code,
        letterKind: x.letter_kind,
        recommendation: x.recommendation,
        to: x.to_roles,
        cc: x.cc_roles,
      })),
  }));
}

export async function countStrategies(ex: Executor, tenantId: number): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from dunning_strategies
    where tenant_id = ${tenantId}`.execute(ex);
  return r.rows[0]?.n ?? 0;
}

export async function upsertStrategyRow(
  ex: Executor,
  tenantId: number,
  s: Omit<StrategyView, 'steps'>,
): Promise<string> {
  if (s.isDefault)
    await ex
      .updateTable('dunning_strategies')
      .set({ is_default: false, updated_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('is_default', '=', true)
      .where('name', '<>', s.name)
      .execute();
  const row = await ex
    .insertInto('dunning_strategies')
    .values({
      tenant_id: tenantId,
      id: s.id,
      name: s.name,
      priority: s.priority,
      segments: s.segments === null ? null : [...s.segments],
      customer_types: s.customerTypes === null ? null : [...s.customerTypes],
      risk_classes: s.riskClasses === null ? null : [...s.riskClasses],
      min_days_between_notices: s.minDaysBetweenNotices,
      active: s.active,
      is_default: s.isDefault,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'name']).doUpdateSet((eb) => ({
        priority: eb.ref('excluded.priority'),
        segments: eb.ref('excluded.segments'),
        customer_types: eb.ref('excluded.customer_types'),
        risk_classes: eb.ref('excluded.risk_classes'),
        min_days_between_notices: eb.ref('excluded.min_days_between_notices'),
        active: eb.ref('excluded.active'),
        is_default: eb.ref('excluded.is_default'),
        updated_at: new Date(),
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Replaces a strategy's steps, keeping the id of a step whose day is unchanged (the ledger names it). */
export async function replaceSteps(
  ex: Executor,
  tenantId: number,
  strategyId: string,
  steps: readonly (Omit<StepView, 'id'> & { newId: string })[],
): Promise<void> {
  const offsets = steps.map((s) => s.dayOffset);
  await ex
    .deleteFrom('dunning_steps')
    .where('tenant_id', '=', tenantId)
    .where('strategy_id', '=', strategyId)
    .$if(offsets.length > 0, (q) => q.where('day_offset', 'not in', offsets))
    .execute();
  for (const s of steps) {
    await ex
      .insertInto('dunning_steps')
      .values({
        tenant_id: tenantId,
        id: s.newId,
        strategy_id: strategyId,
        day_offset: s.dayOffset,
        channel: s.channel,
        template_code: s.template,
        letter_kind: s.letterKind,
        recommendation: s.recommendation,
        to_roles: [...s.to],
        cc_roles: [...s.cc],
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'strategy_id', 'day_offset']).doUpdateSet((eb) => ({
          channel: eb.ref('excluded.channel'),
          template_code: eb.ref('excluded.template_code'),
          letter_kind: eb.ref('excluded.letter_kind'),
          recommendation: eb.ref('excluded.recommendation'),
          to_roles: eb.ref('excluded.to_roles'),
          cc_roles: eb.ref('excluded.cc_roles'),
        })),
      )
      .execute();
  }
}

export async function findTemplateRows(ex: Executor, tenantId: number): Promise<TemplateView[]> {
  return ex
    .selectFrom('dunning_templates')
    .select(['code', 'language', 'subject', 'body'])
    .where('tenant_id', '=', tenantId)
    .orderBy('code')
    .orderBy('language')
    .execute();
}

export async function upsertTemplate(
  ex: Executor,
  tenantId: number,
  t: TemplateView,
  options: { keepExisting?: boolean } = {},
): Promise<void> {
  await ex
    .insertInto('dunning_templates')
    .values({ tenant_id: tenantId, code: t.code, language: t.language, subject: t.subject, body: t.body })
    .onConflict((oc) =>
      options.keepExisting
        ? oc.columns(['tenant_id', 'code', 'language']).doNothing()
        : oc.columns(['tenant_id', 'code', 'language']).doUpdateSet((eb) => ({
            subject: eb.ref('excluded.subject'),
            body: eb.ref('excluded.body'),
            updated_at: new Date(),
          })),
    )
    .execute();
}

/* What a run reads. */

/**
 * Customers that may have something due: an open debit item that has reached a day offset of some
 * strategy and is not yet dunned at it. A superset (the customer's own strategy may lack that
 * offset); each batch decides exactly. One pass over the open items and the ledger.
 */
export async function findCandidateCustomers(
  ex: Executor,
  tenantId: number,
  runDate: LocalDate,
  offsets: readonly number[],
): Promise<string[]> {
  const sorted = [...new Set(offsets)].sort((a, b) => b - a);
  const lowest = sorted[sorted.length - 1];
  if (lowest === undefined) return [];
  // The highest offset an item due on due_date has reached: the first offset o with due_date + o ≤ run date.
  const reached = sql.join(
    sorted.map((o) => sql`when i.due_date <= ${runDate}::date - ${o}::int then ${o}::int`),
    sql` `,
  );
  const r = await sql<{ customer_id: string }>`
    select distinct i.customer_id from items i
    left join (select item_id, max(day_offset) as level from dunning_ledger where tenant_id = ${tenantId}
      group by item_id) l on l.item_id = i.id
    where i.tenant_id = ${tenantId} and i.open_minor > 0 and i.due_date <= ${runDate}::date - ${lowest}::int
      and (l.level is null or l.level < case ${reached} end)
    order by i.customer_id`.execute(ex);
  return r.rows.map((x) => x.customer_id);
}

export interface RunCustomer {
  readonly id: string;
  readonly accountNumber: string;
  readonly name: string;
  readonly customerType: 'business' | 'consumer';
  readonly segment: string | null;
  readonly collector: string | null;
  readonly creditLimitMinor: bigint | null;
  readonly language: string | null;
  readonly timeZone: string | null;
  readonly address: string[];
  readonly company: string;
}

export async function findRunCustomers(
  ex: Executor,
  tenantId: number,
  ids: readonly string[],
): Promise<Map<string, RunCustomer>> {
  const rows = await ex
    .selectFrom('customers as c')
    .innerJoin('entities as e', (j) =>
      j.onRef('e.tenant_id', '=', 'c.tenant_id').onRef('e.id', '=', 'c.entity_id'),
    )
    .select([
      'c.id',
      'c.account_number',
      'c.name',
      'c.customer_type',
      'c.segment',
      'c.collector',
      'c.credit_limit_minor',
      'c.language',
      'c.time_zone',
      'c.address_line1',
      'c.address_line2',
      'c.city',
      'c.region',
      'c.postal_code',
      'c.country',
      'e.name as company',
    ])
    .where('c.tenant_id', '=', tenantId)
    .where('c.id', '=', anyText(ids))
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        accountNumber: r.account_number,
        name: r.name,
        customerType: r.customer_type,
        segment: r.segment,
        collector: r.collector,
        creditLimitMinor: r.credit_limit_minor,
        language: r.language,
        timeZone: r.time_zone,
        address: addressLines(r),
        company: r.company,
      },
    ]),
  );
}

function addressLines(r: {
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  region: string | null;
  postal_code: string | null;
  country: string | null;
}): string[] {
  const cityLine = [r.city, [r.region, r.postal_code].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [r.address_line1, r.address_line2, cityLine, r.country].filter(
    (x): x is string => x !== null && x !== '',
  );
}

export interface OpenItem {
  readonly id: string;
  readonly customerId: string;
  readonly number: string;
  readonly type: string;
  readonly issueDate: LocalDate;
  readonly dueDate: LocalDate;
  readonly currency: CurrencyCode;
  readonly amount: bigint;
  readonly open: bigint;
}

// Unit and record separators, as db/bulk.ts uses them: never in the data Arbor stores.
const US = '\u001f';
const RS = '\u001e';

/**
 * Open items (debits and credits) of the customers, by customer, due date and number. One row per
 * customer, its items packed in one text: a batch reads some 20,000 items, and the driver's cost is
 * per row and per field, not per byte. Read customer by customer (a nested loop over the batch's ids,
 * each an index scan of `items_open`): no sort of the whole batch's items, which spilled to disk at
 * the default work_mem, only each customer's own few items by due date and number.
 */
export async function findOpenItems(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
): Promise<Map<string, OpenItem[]>> {
  const r = await sql<{ customer_id: string; packed: string }>`
    select c.id as customer_id, x.packed from unnest(${columnArray(customerIds, 'text')}) as c(id)
    cross join lateral (
      select string_agg(concat_ws(${US}, id, number, type, to_char(issue_date, 'YYYY-MM-DD'),
          to_char(due_date, 'YYYY-MM-DD'), currency, amount_minor, open_minor), ${RS}
          order by due_date, number) as packed
      from items where tenant_id = ${tenantId} and customer_id = c.id and open_minor <> 0) x
    where x.packed is not null`.execute(ex);
  const out = new Map<string, OpenItem[]>();
  for (const x of r.rows) {
    const list: OpenItem[] = [];
    for (const record of x.packed.split(RS)) {
      const f = record.split(US);
      list.push({
        id: f[0] ?? '',
        customerId: x.customer_id,
        number: f[1] ?? '',
        type: f[2] ?? '',
        issueDate: (f[3] ?? '') as LocalDate,
        dueDate: (f[4] ?? '') as LocalDate,
        currency: (f[5] ?? '') as CurrencyCode,
        amount: BigInt(f[6] ?? '0'),
        open: BigInt(f[7] ?? '0'),
      });
    }
    out.set(x.customer_id, list);
  }
  return out;
}

/** Unapplied cash per customer and currency (negative amounts), for every customer that has some. */
export async function findUnappliedByCustomer(
  ex: Executor,
  tenantId: number,
  customerIds?: readonly string[],
): Promise<Map<string, Map<CurrencyCode, bigint>>> {
  const r = await sql<{ customer_id: string; currency: string; unapplied: bigint }>`
    select customer_id, currency, -sum(unapplied_minor)::bigint as unapplied from receipts
    where tenant_id = ${tenantId} and unapplied_minor > 0 and customer_id is not null
      ${customerIds ? sql`and customer_id = ${anyText(customerIds)}` : sql``}
    group by customer_id, currency`.execute(ex);
  const out = new Map<string, Map<CurrencyCode, bigint>>();
  for (const x of r.rows) {
    const m = out.get(x.customer_id) ?? new Map<CurrencyCode, bigint>();
    m.set(x.currency as CurrencyCode, x.unapplied);
    out.set(x.customer_id, m);
  }
  return out;
}

/**
 * Per item, the highest day offset the ledger holds for it. Customer by customer (an index scan of
 * the ledger's key per id, `offset 0` keeping the planner from making it one scan of the tenant's
 * whole ledger): a first run's ledger grows from nothing while its statistics still say it is
 * empty, and a scan filtered by customer read every row written so far, once per batch.
 */
export async function findLedgerLevels(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
): Promise<Map<string, number>> {
  const r = await sql<{ item_id: string; level: number }>`
    select l.item_id, max(l.day_offset)::int as level from unnest(${columnArray(customerIds, 'text')}) as c(id)
    cross join lateral (select item_id, day_offset from dunning_ledger
      where tenant_id = ${tenantId} and customer_id = c.id offset 0) l
    group by l.item_id`.execute(ex);
  return new Map(r.rows.map((x) => [x.item_id, x.level]));
}

/** The last run date of a notice and of a call task per customer (customer by customer, as above). */
export async function findLastMessages(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
): Promise<Map<string, { notice: LocalDate | null; callTask: LocalDate | null }>> {
  const r = await sql<{ customer_id: string; kind: 'notice' | 'call_task'; last: string }>`
    select c.id as customer_id, m.kind, max(m.run_date) as last
    from unnest(${columnArray(customerIds, 'text')}) as c(id)
    cross join lateral (select kind, run_date from dunning_messages
      where tenant_id = ${tenantId} and customer_id = c.id offset 0) m
    group by c.id, m.kind`.execute(ex);
  const out = new Map<string, { notice: LocalDate | null; callTask: LocalDate | null }>();
  for (const x of r.rows) {
    const e = out.get(x.customer_id) ?? { notice: null, callTask: null };
    if (x.kind === 'notice') e.notice = x.last as LocalDate;
    else e.callTask = x.last as LocalDate;
    out.set(x.customer_id, e);
  }
  return out;
}

export interface ContactRow {
  readonly customerId: string;
  readonly role: string;
  readonly name: string | null;
  readonly email: string | null;
}

export interface PartyContactRow {
  readonly customerId: string;
  readonly roles: string[];
  readonly name: string;
  readonly email: string | null;
}

export async function findRecipientSources(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
): Promise<{ contacts: Map<string, ContactRow[]>; parties: Map<string, PartyContactRow[]> }> {
  const contacts = await ex
    .selectFrom('contacts')
    .select(['customer_id', 'role', 'name', 'email'])
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', anyText(customerIds))
    .orderBy('customer_id')
    .orderBy('role')
    .execute();
  const parties = await ex
    .selectFrom('party_relationships as r')
    .innerJoin('parties as p', (j) =>
      j.onRef('p.tenant_id', '=', 'r.tenant_id').onRef('p.id', '=', 'r.party_id'),
    )
    .select(['r.customer_id', 'r.roles', 'p.name', 'r.email'])
    .where('r.tenant_id', '=', tenantId)
    .where('r.customer_id', '=', anyText(customerIds))
    .orderBy('r.customer_id')
    .orderBy('p.party_code')
    .execute();
  const group = <T extends { customerId: string }>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) m.set(r.customerId, [...(m.get(r.customerId) ?? []), r]);
    return m;
  };
  return {
    contacts: group(
      contacts.map((c) => ({ customerId: c.customer_id, role: c.role, name: c.name, email: c.email })),
    ),
    parties: group(
      parties.map((p) => ({ customerId: p.customer_id, roles: p.roles, name: p.name, email: p.email })),
    ),
  };
}

/** Customers with a credit hold in force. */
export async function findCustomersOnHold(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
): Promise<Set<string>> {
  const rows = await ex
    .selectFrom('credit_holds')
    .select('customer_id')
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', anyText(customerIds))
    .where('released_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.customer_id));
}

/** The tenant's settings (jsonb): the default time zone and the promise grace days live there. */
export async function findTenantSettings(ex: Executor, tenantId: number): Promise<Record<string, unknown>> {
  const r = await ex.selectFrom('tenants').select('settings').where('id', '=', tenantId).executeTakeFirst();
  return r?.settings ?? {};
}

/* What a run writes. */

export interface NewMessage {
  readonly id: string;
  readonly customerId: string;
  readonly runDate: LocalDate;
  readonly kind: 'notice' | 'call_task';
  readonly strategyId: string;
  readonly stepId: string;
  readonly dayOffset: number;
  readonly channel: DunningChannel;
  readonly language: string;
  readonly delivery: 'email' | 'print' | 'task';
  readonly status: DunningMessageStatus;
  readonly itemIds: readonly string[];
  readonly totals: readonly { currency: string; totalDue: string }[];
  readonly documentId: string | null;
  readonly emailId: string | null;
  readonly activityId: string | null;
}

export async function insertMessages(
  ex: Executor,
  engine: DatabaseKind,
  tenantId: number,
  actor: string,
  messages: readonly NewMessage[],
): Promise<void> {
  await writeRows(
    ex,
    engine,
    'dunning_messages',
    [
      { name: 'tenant_id', type: 'integer', value: () => tenantId },
      { name: 'id', type: 'text', value: (m) => m.id },
      { name: 'customer_id', type: 'text', value: (m) => m.customerId },
      { name: 'run_date', type: 'date', value: (m) => m.runDate },
      { name: 'kind', type: 'text', value: (m) => m.kind },
      { name: 'strategy_id', type: 'text', value: (m) => m.strategyId },
      { name: 'step_id', type: 'text', value: (m) => m.stepId },
      { name: 'day_offset', type: 'integer', value: (m) => m.dayOffset },
      { name: 'channel', type: 'text', value: (m) => m.channel },
      { name: 'language', type: 'text', value: (m) => m.language },
      { name: 'delivery', type: 'text', value: (m) => m.delivery },
      { name: 'status', type: 'text', value: (m) => m.status },
      { name: 'item_ids', type: 'text', value: (m) => [...m.itemIds] },
      { name: 'totals', type: 'jsonb', value: (m) => JSON.stringify(m.totals) },
      { name: 'document_id', type: 'text', value: (m) => m.documentId },
      { name: 'email_id', type: 'text', value: (m) => m.emailId },
      { name: 'activity_id', type: 'text', value: (m) => m.activityId },
      { name: 'created_by', type: 'text', value: () => actor },
    ],
    messages,
    (chunk) =>
      ex
        .insertInto('dunning_messages')
        .values(
          chunk.map((m) => ({
            tenant_id: tenantId,
            id: m.id,
            customer_id: m.customerId,
            run_date: m.runDate,
            kind: m.kind,
            strategy_id: m.strategyId,
            step_id: m.stepId,
            day_offset: m.dayOffset,
            channel: m.channel,
            language: m.language,
            delivery: m.delivery,
            status: m.status,
            item_ids: [...m.itemIds],
            totals: JSON.stringify(m.totals),
            document_id: m.documentId,
            email_id: m.emailId,
            activity_id: m.activityId,
            created_by: actor,
          })),
        )
        .execute()
        .then(() => undefined),
  );
}

export interface NewLedgerRow {
  readonly customerId: string;
  readonly itemId: string;
  readonly stepId: string;
  readonly strategyId: string;
  readonly dayOffset: number;
  readonly messageId: string | null;
}

/** The ledger rows of a run; a row already there is left as it is (a step is taken once, ever). */
export async function insertLedgerRows(
  ex: Executor,
  engine: DatabaseKind,
  tenantId: number,
  runDate: LocalDate,
  rows: readonly NewLedgerRow[],
): Promise<void> {
  const columns: BulkColumn[] = [
    { name: 'tenant_id', type: 'integer' },
    { name: 'customer_id', type: 'text' },
    { name: 'item_id', type: 'text' },
    { name: 'step_id', type: 'text' },
    { name: 'strategy_id', type: 'text' },
    { name: 'day_offset', type: 'integer' },
    { name: 'run_date', type: 'date' },
    { name: 'message_id', type: 'text' },
  ];
  // A run's batch holds the tenant's dunning lock and read the ledger under it, so no row here can
  // already exist: on a server the rows go by COPY (a duplicate would fail the batch, which is retried).
  for (let i = 0; i < rows.length; i += 20_000) {
    const part = rows.slice(i, i + 20_000);
    await insertColumns(
      ex,
      'dunning_ledger',
      columns,
      [
        part.map(() => tenantId),
        part.map((r) => r.customerId),
        part.map((r) => r.itemId),
        part.map((r) => r.stepId),
        part.map((r) => r.strategyId),
        part.map((r) => r.dayOffset),
        part.map(() => runDate),
        part.map((r) => r.messageId),
      ],
      engine === 'postgres' && part.length >= COPY_FROM_ROWS
        ? { engine }
        : { onConflict: 'on conflict (tenant_id, customer_id, item_id, step_id) do nothing' },
    );
  }
}

export interface NewActivity {
  readonly id: string;
  readonly customerId: string;
  readonly kind: 'email' | 'letter' | 'task' | 'statement';
  readonly notes: string;
  readonly occurredAt: Date;
  readonly dueDate: LocalDate | null;
  readonly assignedTo: string | null;
  readonly status: 'open' | 'done';
  readonly relatedId: string | null;
  readonly itemIds: readonly string[];
  readonly contactName: string | null;
}

/** The account history (collection activities): notices sent, tasks for the collector. */
export async function insertActivities(
  ex: Executor,
  engine: DatabaseKind,
  tenantId: number,
  actor: string,
  activities: readonly NewActivity[],
): Promise<void> {
  await writeRows(
    ex,
    engine,
    'collection_activities',
    [
      { name: 'tenant_id', type: 'integer', value: () => tenantId },
      { name: 'id', type: 'text', value: (a) => a.id },
      { name: 'customer_id', type: 'text', value: (a) => a.customerId },
      { name: 'kind', type: 'text', value: (a) => a.kind },
      { name: 'notes', type: 'text', value: (a) => a.notes },
      { name: 'occurred_at', type: 'text', value: (a) => a.occurredAt },
      { name: 'due_date', type: 'date', value: (a) => a.dueDate },
      { name: 'assigned_to', type: 'text', value: (a) => a.assignedTo },
      { name: 'status', type: 'text', value: (a) => a.status },
      { name: 'related_id', type: 'text', value: (a) => a.relatedId },
      { name: 'item_ids', type: 'text', value: (a) => (a.itemIds.length > 0 ? [...a.itemIds] : null) },
      { name: 'contact_name', type: 'text', value: (a) => a.contactName },
      { name: 'created_by', type: 'text', value: () => actor },
    ],
    activities,
    (chunk) =>
      ex
        .insertInto('collection_activities')
        .values(
          chunk.map((a) => ({
            tenant_id: tenantId,
            id: a.id,
            customer_id: a.customerId,
            kind: a.kind,
            notes: a.notes,
            occurred_at: a.occurredAt,
            due_date: a.dueDate,
            assigned_to: a.assignedTo,
            status: a.status,
            related_id: a.relatedId,
            item_ids: a.itemIds.length > 0 ? [...a.itemIds] : null,
            contact_name: a.contactName,
            created_by: actor,
          })),
        )
        .execute()
        .then(() => undefined),
  );
}

export interface MessageRow {
  readonly id: string;
  readonly customerId: string;
  readonly accountNumber: string;
  readonly runDate: LocalDate;
  readonly kind: 'notice' | 'call_task';
  readonly dayOffset: number;
  readonly channel: DunningChannel;
  readonly delivery: 'email' | 'print' | 'task';
  readonly status: DunningMessageStatus;
  readonly language: string;
  readonly itemCount: number;
  readonly totals: { currency: string; totalDue: string }[];
  readonly documentId: string | null;
  readonly emailId: string | null;
  readonly createdAt: Date;
}

/** Messages of a run date, or of a customer, newest first. */
export async function findMessages(
  ex: Executor,
  tenantId: number,
  filter: { runDate?: LocalDate; customerId?: string; limit: number },
): Promise<MessageRow[]> {
  const rows = await ex
    .selectFrom('dunning_messages as m')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.tenant_id', '=', 'm.tenant_id').onRef('c.id', '=', 'm.customer_id'),
    )
    .select([
      'm.id',
      'm.customer_id',
      'c.account_number',
      'm.run_date',
      'm.kind',
      'm.day_offset',
      'm.channel',
      'm.delivery',
      'm.status',
      'm.language',
      'm.item_ids',
      'm.totals',
      'm.document_id',
      'm.email_id',
      'm.created_at',
    ])
    .where('m.tenant_id', '=', tenantId)
    .$if(filter.runDate !== undefined, (q) => q.where('m.run_date', '=', filter.runDate as string))
    .$if(filter.customerId !== undefined, (q) => q.where('m.customer_id', '=', filter.customerId as string))
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    customerId: r.customer_id,
    accountNumber: r.account_number,
    runDate: r.run_date as LocalDate,
    kind: r.kind,
    dayOffset: r.day_offset,
    channel: r.channel,
    delivery: r.delivery,
    status: r.status,
    language: r.language,
    itemCount: r.item_ids.length,
    totals: (typeof r.totals === 'string' ? JSON.parse(r.totals) : r.totals) as {
      currency: string;
      totalDue: string;
    }[],
    documentId: r.document_id,
    emailId: r.email_id,
    createdAt: r.created_at,
  }));
}

export async function setMessageStatus(
  ex: Executor,
  tenantId: number,
  messageId: string,
  status: DunningMessageStatus,
): Promise<void> {
  await ex
    .updateTable('dunning_messages')
    .set({ status, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', messageId)
    .execute();
}

export type { LetterKind, Recommendation };
