import { sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { ulid } from '../../core/ids.ts';
import { diffDays, type LocalDate, minDate } from '../../core/local-date.ts';
import { formatAmount } from '../../core/money.ts';
import type { LetterKind } from '../../db/schema-dunning.ts';
import { type AuditRecord, recordAudit } from '../audit/index.ts';
import { collectionsSettingsOf, findPausedCustomers } from '../collections/index.ts';
import { bucketIndex, buildBuckets, DEFAULT_BOUNDARIES } from '../reporting/index.ts';
import type { StepView, TemplateView } from './contract.ts';
import { money } from './documents/layout.ts';
import { renderNotice } from './documents/render-notice.ts';
import { insertDocuments, type NewDocument, newDocumentId, sha256Hex } from './documents.repo.ts';
import {
  findCandidateCustomers,
  findCustomersOnHold,
  findLastMessages,
  findLedgerLevels,
  findOpenItems,
  findRecipientSources,
  findRunCustomers,
  findStrategyRows,
  findTemplateRows,
  findTenantSettings,
  findUnappliedByCustomer,
  insertActivities,
  insertLedgerRows,
  insertMessages,
  type NewActivity,
  type NewLedgerRow,
  type NewMessage,
  type OpenItem,
  type RunCustomer,
  type StrategyRow,
} from './dunning.repo.ts';
import { type DocumentLabels, labelsFor, pickLanguage } from './logic/labels.ts';
import { type PlanStep, planCustomerDunning } from './logic/plan-customer-dunning.ts';
import { formatItemsText, type MergeField, renderTemplate } from './logic/render-template.ts';
import { resolveRecipients } from './logic/resolve-recipients.ts';
import { riskClassOf, selectStrategy } from './logic/select-strategy.ts';
import { insertEmails, type NewEmail, newEmailId } from './outbox.repo.ts';
import { ensureDefaultStrategy } from './strategies.ts';

/**
 * Consumer accounts get at most one notice (email or letter) in this many days, whatever their
 * strategy says: the team's own frequency policy, in the spirit of Regulation F's 7-in-7 rule for
 * calls (which the collections module enforces for the calls themselves).
 */
export const CONSUMER_MIN_DAYS_BETWEEN_NOTICES = 7;
/** One transaction per this many customers: progress is kept, a crash redoes one batch. */
const DEFAULT_BATCH = 1000;
/** pg_advisory_xact_lock(key + partition, tenant): one batch of a tenant's partition at a time. */
const RUN_LOCK = 727_100;
const PARTITIONS = 8;
/**
 * Batches in progress at once on a server, each in its own transaction, connection and partition:
 * one renders (see runBatch) while the others read or write. With two, a first run over 1,000,000
 * items spent some 30 s in JavaScript in 42–60 s on a shared machine, the process idle meanwhile
 * waiting on the server; four lanes (two partitions each) keep it busier (docs/dunning.md).
 */
const LANES = 4;
/** The longest stretch of rendering before the event loop gets a turn (see runBatch). */
const YIELD_MS = 8;

/** A customer's partition: FNV-1a of its id, so every run puts a customer in the same one. */
export function partitionOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % PARTITIONS;
}

export interface DunningRunOptions {
  readonly runDate: LocalDate;
  /** The first day this run stands for (the day after the last run), for the record. */
  readonly coversFrom?: LocalDate | null;
  readonly batchSize?: number;
}

export interface DunningRunResult {
  readonly runDate: LocalDate;
  readonly coversFrom: LocalDate;
  readonly candidates: number;
  readonly paused: number;
  readonly nothingOwed: number;
  readonly noStrategy: number;
  readonly notices: number;
  readonly emails: number;
  readonly letters: number;
  readonly printed: number;
  readonly callTasks: number;
  readonly recommendations: number;
  readonly itemsDunned: number;
  readonly deferred: number;
  readonly documents: number;
  readonly seconds: number;
  /** Where the time went, in seconds: finding candidates, reading batches, deciding and rendering, writing. */
  readonly phases: { candidates: number; read: number; decide: number; write: number; audit: number };
}

const newMessageId = () => `dms_${ulid()}`;
const newActivityId = () => `act_${ulid()}`;

type Counters = {
  -readonly [K in keyof Omit<DunningRunResult, 'runDate' | 'coversFrom' | 'seconds' | 'phases'>]: number;
};
type Phases = { -readonly [K in keyof DunningRunResult['phases']]: number };

const since = (t0: number) => (performance.now() - t0) / 1000;

/**
 * One dunning run for a tenant on `runDate` (docs/dunning.md). Finds the customers with an item at
 * a step not yet taken, then, a batch of customers per transaction: leaves paused customers alone,
 * picks each customer's strategy, plans its notice and call task, renders letters as PDF, queues
 * emails in the outbox, records activities, the ledger of steps taken and the audit trail.
 *
 * Idempotent: the ledger (tenant, customer, item, step) and one notice and one call task per customer
 * and run date make a rerun, a concurrent run or a retried batch send nothing twice. A run stands for
 * every day since the previous one: an item that reached a step on a missed day has reached it still,
 * and is dunned once, dated this run.
 */
export async function runDunning(ctx: ServiceContext, options: DunningRunOptions): Promise<DunningRunResult> {
  const started = performance.now();
  const { runDate } = options;
  const tenantId = ctx.tenantId;
  const db = ctx.database.db;
  const setup = async (tx: Executor) => {
    await ensureDefaultStrategy(tx, tenantId);
    return {
      strategies: (await findStrategyRows(tx, tenantId)).filter((s) => s.active),
      templates: await findTemplateRows(tx, tenantId),
      settings: await findTenantSettings(tx, tenantId),
    };
  };
  const { strategies, templates, settings } = db.isTransaction
    ? await setup(db)
    : await db.transaction().execute(setup);
  const offsets = strategies.flatMap((s) => s.steps.map((x) => x.dayOffset));
  const phases: Phases = { candidates: 0, read: 0, decide: 0, write: 0, audit: 0 };
  const t0 = performance.now();
  const candidates = await findCandidateCustomers(db, tenantId, runDate, offsets);
  phases.candidates = since(t0);
  const unapplied = await findUnappliedByCustomer(db, tenantId);
  const counters: Counters = {
    candidates: candidates.length,
    paused: 0,
    nothingOwed: 0,
    noStrategy: 0,
    notices: 0,
    emails: 0,
    letters: 0,
    printed: 0,
    callTasks: 0,
    recommendations: 0,
    itemsDunned: 0,
    deferred: 0,
    documents: 0,
  };
  const batch = options.batchSize ?? DEFAULT_BATCH;
  const run: RunState = {
    ctx,
    runDate,
    strategies,
    templates: indexTemplates(templates),
    unapplied,
    // Where the tenant's customers are when a customer does not say (the collections settings).
    defaultZone: collectionsSettingsOf(settings).timeZone,
    counters,
    phases,
    renderTurn: { tail: Promise.resolve() },
  };
  // Customers fall in fixed partitions by a hash of their id; a batch holds only one partition's
  // customers and the partition's lock, so two runs never work on one customer at once. On a server,
  // LANES workers take the partitions in turn: one renders while the others' batches are read or written.
  const partitions: string[][] = Array.from({ length: PARTITIONS }, () => []);
  for (const id of candidates) partitions[partitionOf(id)]?.push(id);
  const lanes = db.isTransaction || ctx.database.kind !== 'postgres' ? 1 : LANES;
  // Settled, not raced: a failing lane lets the others finish their batch before the run reports failure.
  const settled = await Promise.allSettled(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let p = lane; p < PARTITIONS; p += lanes) {
        const ids = partitions[p] ?? [];
        for (let i = 0; i < ids.length; i += batch) {
          const work = async (tx: Executor) => {
            await sql`select pg_advisory_xact_lock(${RUN_LOCK + p}, ${tenantId})`.execute(tx);
            await runBatch(tx, run, ids.slice(i, i + batch));
          };
          if (db.isTransaction) await work(db);
          else await db.transaction().execute(work);
        }
      }
    }),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return {
    runDate,
    coversFrom: options.coversFrom ? minDate(options.coversFrom, runDate) : runDate,
    ...counters,
    seconds: Math.round((performance.now() - started) / 10) / 100,
    phases: Object.fromEntries(
      Object.entries(phases).map(([k, v]) => [k, Math.round(v * 100) / 100]),
    ) as Phases,
  };
}

interface RunState {
  readonly ctx: ServiceContext;
  readonly runDate: LocalDate;
  readonly strategies: readonly StrategyRow[];
  readonly templates: Map<string, Map<string, TemplateView>>;
  readonly unapplied: Map<string, Map<CurrencyCode, bigint>>;
  readonly defaultZone: string;
  readonly counters: Counters;
  readonly phases: Phases;
  /** Settles when the lane rendering now has finished (see runBatch). */
  readonly renderTurn: { tail: Promise<void> };
}

function indexTemplates(templates: readonly TemplateView[]): Map<string, Map<string, TemplateView>> {
  const out = new Map<string, Map<string, TemplateView>>();
  for (const t of templates) {
    const m = out.get(t.code) ?? new Map<string, TemplateView>();
    m.set(t.language, t);
    out.set(t.code, m);
  }
  return out;
}

type RunStep = StepView & PlanStep & { readonly strategyId: string };

interface Output {
  readonly messages: NewMessage[];
  readonly ledger: NewLedgerRow[];
  readonly documents: NewDocument[];
  readonly emails: NewEmail[];
  readonly activities: NewActivity[];
  readonly audit: AuditRecord[];
}

async function runBatch(tx: Executor, run: RunState, ids: readonly string[]): Promise<void> {
  const { ctx, runDate, counters, phases } = run;
  const t = ctx.tenantId;
  let t0 = performance.now();
  const paused = await findPausedCustomers(tx, t, ids, runDate);
  const active = ids.filter((id) => !paused.has(id));
  counters.paused += ids.length - active.length;
  if (active.length === 0) {
    phases.read += since(t0);
    return;
  }
  const [customers, items, levels, last, sources, onHold] = [
    await findRunCustomers(tx, t, active),
    await findOpenItems(tx, t, active),
    await findLedgerLevels(tx, t, active),
    await findLastMessages(tx, t, active),
    await findRecipientSources(tx, t, active),
    await findCustomersOnHold(tx, t, active),
  ];
  phases.read += since(t0);
  t0 = performance.now();
  const out: Output = { messages: [], ledger: [], documents: [], emails: [], activities: [], audit: [] };
  const now = ctx.clock.now();
  // Rendering a batch is a few hundred milliseconds of JavaScript. One lane renders at a time (the
  // others meanwhile read or write: taking turns at rendering would make the lanes write all at once
  // and leave the process idle), and the loop hands the event loop back every few milliseconds so
  // that the other lanes' COPYs go out and their results come in, instead of the server waiting for
  // the loop to end.
  const turn = run.renderTurn.tail;
  let release = () => {};
  run.renderTurn.tail = new Promise<void>((resolve) => {
    release = resolve;
  });
  await turn;
  t0 = performance.now();
  try {
    let slice = t0;
    for (const id of active) {
      if (performance.now() - slice > YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const customer = customers.get(id);
      if (!customer) continue;
      dunCustomer(run, out, now, {
        customer,
        items: items.get(id) ?? [],
        levels,
        last: last.get(id) ?? { notice: null, callTask: null },
        sources: { contacts: sources.contacts.get(id) ?? [], parties: sources.parties.get(id) ?? [] },
        onHold: onHold.has(id),
      });
    }
  } finally {
    release();
  }
  phases.decide += since(t0);
  t0 = performance.now();
  const engine = ctx.database.kind;
  await insertDocuments(tx, engine, t, ctx.actor, out.documents);
  await insertEmails(tx, engine, t, ctx.actor, out.emails);
  await insertActivities(tx, engine, t, ctx.actor, out.activities);
  await insertMessages(tx, engine, t, ctx.actor, out.messages);
  await insertLedgerRows(tx, engine, t, runDate, out.ledger);
  phases.write += since(t0);
  t0 = performance.now();
  await recordAudit(tx, t, out.audit);
  phases.audit += since(t0);
}

interface CustomerInput {
  readonly customer: RunCustomer;
  readonly items: readonly OpenItem[];
  readonly levels: ReadonlyMap<string, number>;
  readonly last: { notice: LocalDate | null; callTask: LocalDate | null };
  readonly sources: Parameters<typeof resolveRecipients>[1];
  readonly onHold: boolean;
}

interface Totals {
  readonly currency: CurrencyCode;
  readonly totalDue: bigint;
  readonly overdue: bigint;
  readonly unapplied: bigint;
}

function totalsOf(
  items: readonly OpenItem[],
  unapplied: Map<CurrencyCode, bigint> | undefined,
  runDate: LocalDate,
) {
  const by = new Map<CurrencyCode, { totalDue: bigint; overdue: bigint }>();
  for (const i of items) {
    const e = by.get(i.currency) ?? { totalDue: 0n, overdue: 0n };
    e.totalDue += i.open;
    if (i.open > 0n && i.dueDate < runDate) e.overdue += i.open;
    by.set(i.currency, e);
  }
  for (const c of unapplied?.keys() ?? []) if (!by.has(c)) by.set(c, { totalDue: 0n, overdue: 0n });
  return [...by]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([currency, e]): Totals => ({ currency, ...e, unapplied: unapplied?.get(currency) ?? 0n }));
}

const showMoney = (amount: bigint, currency: CurrencyCode) => money(amount, currency, true);

function dunCustomer(run: RunState, out: Output, now: Date, input: CustomerInput): void {
  const { runDate, counters, ctx } = run;
  const { customer, items } = input;
  const totals = totalsOf(items, run.unapplied.get(customer.id), runDate);
  // Credits and unapplied cash that cover everything: nothing to ask for.
  if (totals.every((x) => x.totalDue + x.unapplied <= 0n)) {
    counters.nothingOwed++;
    return;
  }
  const debits = items.filter((i) => i.open > 0n);
  const maxDaysPastDue = debits.reduce((m, i) => Math.max(m, diffDays(runDate, i.dueDate)), 0);
  const balance = totals.reduce((s, x) => s + x.totalDue, 0n);
  const strategy = selectStrategy(run.strategies, {
    segment: customer.segment,
    customerType: customer.customerType,
    risk: riskClassOf({ maxDaysPastDue, balanceMinor: balance, creditLimitMinor: customer.creditLimitMinor }),
  });
  if (!strategy) {
    counters.noStrategy++;
    return;
  }
  const consumer = customer.customerType === 'consumer';
  const steps: RunStep[] = strategy.steps.map((s) => ({ ...s, strategyId: strategy.id }));
  const plan = planCustomerDunning({
    runDate,
    steps,
    items: debits,
    levels: input.levels,
    lastNoticeOn: input.last.notice,
    lastCallTaskOn: input.last.callTask,
    minDaysBetweenNotices: Math.max(
      strategy.minDaysBetweenNotices,
      consumer ? CONSUMER_MIN_DAYS_BETWEEN_NOTICES : 0,
    ),
  });
  if (plan.deferredNotice) counters.deferred++;
  if (plan.taken.length === 0) return;
  const byId = new Map(items.map((i) => [i.id, i]));
  const totalsJson = totals.map((x) => ({
    currency: x.currency,
    totalDue: formatAmount(x.totalDue, x.currency),
  }));
  const messageOf = new Map<string, string>();
  // The audit entry of each message, completed below with the recommendations it gave rise to.
  const auditOf = new Map<string, { recommendations: { activity_id: string; kind: string }[] }>();
  let noticeId: string | null = null;

  if (plan.notice) {
    const step = plan.notice.step;
    const messageId = newMessageId();
    const stepItems = plan.notice.itemIds.map((id) => byId.get(id)).filter((i) => i !== undefined);
    const code = step.template ?? '';
    const versions = run.templates.get(code);
    const language = pickLanguage(customer.language, [...(versions?.keys() ?? [])]);
    const template = versions?.get(language) ?? { code, language, subject: code, body: '{{items}}' };
    const labels = labelsFor(language);
    const recipients = resolveRecipients({ to: step.to, cc: step.cc }, input.sources);
    const values = mergeValues(
      customer,
      items,
      stepItems,
      totals,
      step,
      runDate,
      labels,
      recipients.to[0]?.name,
    );
    const subject = renderTemplate(template.subject, values);
    const byEmail = recipients.to.length > 0;
    // An email step without an address goes on paper as a reminder letter; a letter step always is one.
    const letterKind: LetterKind | null =
      step.channel === 'letter' ? (step.letterKind ?? 'reminder_letter') : byEmail ? null : 'reminder_letter';
    let documentId: string | null = null;
    if (letterKind) {
      documentId = newDocumentId();
      const content = renderNotice({
        company: customer.company,
        asOf: runDate,
        customer: { name: customer.name, accountNumber: customer.accountNumber, address: customer.address },
        title: subject,
        body: renderTemplate(template.body, { ...values, items: '{{items}}' }),
        items: items.map((i) => ({
          number: i.number,
          type: labels.itemTypes[i.type] ?? i.type,
          issueDate: i.issueDate,
          dueDate: i.dueDate,
          daysPastDue: Math.max(0, diffDays(runDate, i.dueDate)),
          currency: i.currency,
          amount: i.amount,
          open: i.open,
        })),
        totals: totals.map((x) => ({ currency: x.currency, totalDue: x.totalDue, unapplied: x.unapplied })),
        bucketLabels: agingBuckets(runDate).map((b) => b.label),
        aging: agingOf(items, runDate),
        labels,
      });
      const sha256 = sha256Hex(content);
      out.documents.push({
        id: documentId,
        sha256,
        customerId: customer.id,
        kind: letterKind,
        title: subject,
        language,
        asOf: runDate,
        content,
        dedupeKey: `dunning:${customer.id}:${runDate}:notice`,
        messageId,
      });
      out.audit.push({
        actor: ctx.actor,
        action: 'document.created',
        objectType: 'document',
        objectId: documentId,
        after: {
          customer_id: customer.id,
          kind: letterKind,
          title: subject,
          language,
          as_of: runDate,
          sha256,
          size_bytes: content.length,
          message_id: messageId,
        },
      });
      counters.documents++;
      counters.letters++;
    }
    let emailId: string | null = null;
    if (byEmail) {
      emailId = newEmailId();
      out.emails.push({
        id: emailId,
        customerId: customer.id,
        purpose: 'dunning',
        messageId,
        to: recipients.to.map((r) => r.email),
        cc: recipients.cc.map((r) => r.email),
        subject,
        bodyText: renderTemplate(template.body, values),
        documentIds: documentId ? [documentId] : [],
        windowTimeZone: consumer ? (customer.timeZone ?? run.defaultZone) : null,
        notBefore: now,
      });
      counters.emails++;
    } else counters.printed++;
    const activityId = newActivityId();
    out.activities.push({
      id: activityId,
      customerId: customer.id,
      kind: letterKind ? 'letter' : 'email',
      notes: `Dunning day ${step.dayOffset} (${strategy.name}): ${subject}${byEmail ? '' : ' — to print and post'}`,
      occurredAt: now,
      dueDate: null,
      assignedTo: null,
      status: 'done',
      relatedId: messageId,
      itemIds: plan.notice.itemIds,
      contactName: recipients.to[0]?.name ?? null,
    });
    const status = byEmail ? 'queued' : 'to_print';
    out.messages.push({
      id: messageId,
      customerId: customer.id,
      runDate,
      kind: 'notice',
      strategyId: strategy.id,
      stepId: step.id,
      dayOffset: step.dayOffset,
      channel: step.channel,
      language,
      delivery: byEmail ? 'email' : 'print',
      status,
      itemIds: plan.notice.itemIds,
      totals: totalsJson,
      documentId,
      emailId,
      activityId,
    });
    out.audit.push({
      actor: ctx.actor,
      action: 'dunning.notice_created',
      objectType: 'dunning_message',
      objectId: messageId,
      after: {
        customer_id: customer.id,
        run_date: runDate,
        strategy: strategy.name,
        day_offset: step.dayOffset,
        channel: step.channel,
        delivery: byEmail ? 'email' : 'print',
        status,
        document_id: documentId,
        email_id: emailId,
        items: plan.notice.itemIds.length,
        totals: totalsJson,
        recommendations: [],
      },
    });
    auditOf.set(messageId, out.audit[out.audit.length - 1]?.after as never);
    noticeId = messageId;
    for (const id of plan.notice.itemIds) messageOf.set(id, messageId);
    counters.notices++;
  }

  if (plan.callTask) {
    const step = plan.callTask.step;
    const messageId = newMessageId();
    const activityId = newActivityId();
    const zone = customer.timeZone ?? run.defaultZone;
    const notes = [
      `Call ${customer.name} (${customer.accountNumber}): dunning day ${step.dayOffset} (${strategy.name}).`,
      `Total due ${totals.map((x) => showMoney(x.totalDue, x.currency)).join('; ')}; ${plan.callTask.itemIds.length} item(s) reached this step, oldest ${maxDaysPastDue} days past due.`,
      consumer
        ? `Consumer account: call only between 08:00 and 21:00 ${zone} time, at most 7 attempts in 7 days and none within 7 days of a conversation (Regulation F).`
        : '',
    ]
      .filter((x) => x !== '')
      .join(' ');
    out.activities.push({
      id: activityId,
      customerId: customer.id,
      kind: 'task',
      notes,
      occurredAt: now,
      dueDate: runDate,
      assignedTo: customer.collector,
      status: 'open',
      relatedId: messageId,
      itemIds: plan.callTask.itemIds,
      contactName: null,
    });
    out.messages.push({
      id: messageId,
      customerId: customer.id,
      runDate,
      kind: 'call_task',
      strategyId: strategy.id,
      stepId: step.id,
      dayOffset: step.dayOffset,
      channel: 'call_task',
      language: customer.language ?? 'en',
      delivery: 'task',
      status: 'task_created',
      itemIds: plan.callTask.itemIds,
      totals: totalsJson,
      documentId: null,
      emailId: null,
      activityId,
    });
    const callAudit = {
      message_id: messageId,
      day_offset: step.dayOffset,
      status: 'task_created',
      activity_id: activityId,
      assigned_to: customer.collector,
      items: plan.callTask.itemIds.length,
      recommendations: [] as { activity_id: string; kind: string }[],
    };
    // With a notice the same day, one audit entry tells both (a first run makes tens of thousands).
    const noticeAudit = noticeId ? (auditOf.get(noticeId) as { call_task?: unknown } | undefined) : undefined;
    if (noticeAudit) noticeAudit.call_task = callAudit;
    else
      out.audit.push({
        actor: ctx.actor,
        action: 'dunning.call_task_created',
        objectType: 'dunning_message',
        objectId: messageId,
        after: { customer_id: customer.id, run_date: runDate, ...callAudit },
      });
    auditOf.set(messageId, callAudit);
    for (const id of plan.callTask.itemIds) messageOf.set(id, messageId);
    counters.callTasks++;
  }

  for (const r of plan.recommendations) {
    if (r.kind === 'credit_hold' && input.onHold) continue;
    const activityId = newActivityId();
    const what =
      r.kind === 'credit_hold' ? 'place the account on credit hold' : 'place the account with an agency';
    const itemIds = plan.taken.filter((x) => x.step.id === r.step.id).map((x) => x.itemId);
    const messageId = messageOf.get(itemIds[0] ?? '') ?? null;
    out.activities.push({
      id: activityId,
      customerId: customer.id,
      kind: 'task',
      notes: `Recommendation (dunning day ${r.step.dayOffset}, ${strategy.name}): ${what}. Total due ${totals
        .map((x) => showMoney(x.totalDue, x.currency))
        .join('; ')}, oldest item ${maxDaysPastDue} days past due.`,
      occurredAt: now,
      dueDate: runDate,
      assignedTo: customer.collector,
      status: 'open',
      relatedId: messageId,
      itemIds,
      contactName: null,
    });
    // Audited with the message of the step that raised it (every step taken has one).
    const audit = messageId ? auditOf.get(messageId) : undefined;
    if (audit) audit.recommendations.push({ activity_id: activityId, kind: r.kind });
    else
      out.audit.push({
        actor: ctx.actor,
        action: 'dunning.recommendation_created',
        objectType: 'collection_task',
        objectId: activityId,
        after: {
          customer_id: customer.id,
          recommendation: r.kind,
          day_offset: r.step.dayOffset,
          status: 'open',
        },
      });
    counters.recommendations++;
  }

  for (const x of plan.taken)
    out.ledger.push({
      customerId: customer.id,
      itemId: x.itemId,
      stepId: x.step.id,
      strategyId: strategy.id,
      dayOffset: x.step.dayOffset,
      messageId: messageOf.get(x.itemId) ?? null,
    });
  counters.itemsDunned += plan.taken.length;
}

function mergeValues(
  customer: RunCustomer,
  items: readonly OpenItem[] | null,
  stepItems: readonly OpenItem[],
  totals: readonly Totals[],
  step: RunStep,
  runDate: LocalDate,
  labels: DocumentLabels,
  contactName: string | null | undefined,
): Partial<Record<MergeField, string>> {
  const several = totals.length > 1;
  const earliest = stepItems.reduce<LocalDate | null>(
    (m, i) => (m === null || i.dueDate < m ? i.dueDate : m),
    null,
  );
  const oldest = stepItems.reduce((m, i) => Math.max(m, diffDays(runDate, i.dueDate)), 0);
  return {
    'customer.name': customer.name,
    'customer.account_number': customer.accountNumber,
    'customer.address': customer.address.join(', '),
    'company.name': customer.company,
    'contact.name': contactName ?? customer.name,
    total_due: totals.map((x) => showMoney(x.totalDue, x.currency)).join('; '),
    overdue_total: totals
      .filter((x) => x.overdue > 0n || !several)
      .map((x) => showMoney(x.overdue, x.currency))
      .join('; '),
    items:
      items === null
        ? '{{items}}'
        : formatItemsText(
            items.map((i) => ({
              document: i.number,
              dueDate: i.dueDate,
              daysPastDue: Math.max(0, diffDays(runDate, i.dueDate)),
              open: showMoney(i.open, i.currency),
            })),
            {
              document: labels.document,
              dueDate: labels.dueDate,
              daysPastDue: labels.daysPastDue,
              open: labels.open,
            },
          ),
    due_date: earliest ?? runDate,
    days_past_due: String(Math.max(0, oldest)),
    as_of: runDate,
    'step.days': String(step.dayOffset),
  };
}

const bucketCache = new Map<string, ReturnType<typeof buildBuckets>>();
function agingBuckets(runDate: LocalDate) {
  let b = bucketCache.get(runDate);
  if (!b) {
    b = buildBuckets(runDate, 'due', DEFAULT_BOUNDARIES);
    bucketCache.set(runDate, b);
  }
  return b;
}

/** Open debit items by age in the aging report's buckets (by due date), per currency. */
function agingOf(items: readonly OpenItem[], runDate: LocalDate) {
  const buckets = agingBuckets(runDate);
  const by = new Map<CurrencyCode, bigint[]>();
  for (const i of items) {
    if (i.open <= 0n) continue;
    const row = by.get(i.currency) ?? buckets.map(() => 0n);
    const k = bucketIndex(buckets, i.dueDate);
    row[k] = (row[k] ?? 0n) + i.open;
    by.set(i.currency, row);
  }
  return [...by].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([currency, b]) => ({ currency, buckets: b }));
}
