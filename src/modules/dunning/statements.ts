import { sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { ulid } from '../../core/ids.ts';
import { addDays, isLocalDate, type LocalDate } from '../../core/local-date.ts';
import { formatAmount, formatMoneyForDisplay } from '../../core/money.ts';
import { recordAudit } from '../audit/index.ts';
import { collectionsSettingsOf } from '../collections/index.ts';
import { findCustomerByNumber } from '../parties/index.ts';
import { buildStatement } from '../reporting/index.ts';
import { renderStatement } from './documents/render-statement.ts';
import { insertDocuments, newDocumentId, sha256Hex } from './documents.repo.ts';
import { dunningError } from './dunning.errors.ts';
import {
  findRecipientSources,
  findRunCustomers,
  findTemplateRows,
  findTenantSettings,
  insertActivities,
} from './dunning.repo.ts';
import { STATEMENT_TO_ROLES } from './logic/default-templates.ts';
import { labelsFor, pickLanguage } from './logic/labels.ts';
import {
  defaultStatementFrom,
  nextStatementDate,
  type StatementFrequency,
} from './logic/next-statement-date.ts';
import { renderTemplate } from './logic/render-template.ts';
import { resolveRecipients } from './logic/resolve-recipients.ts';
import { insertEmails, newEmailId } from './outbox.repo.ts';
import { ensureDefaultStrategy } from './strategies.ts';

export interface StatementScheduleView {
  readonly accountNumber: string;
  readonly customerId: string;
  readonly frequency: StatementFrequency;
  readonly day: number;
  readonly nextRunDate: LocalDate;
  readonly lastRunDate: LocalDate | null;
  readonly active: boolean;
}

export interface SentStatement {
  readonly documentId: string;
  readonly accountNumber: string;
  readonly from: LocalDate;
  readonly to: LocalDate;
  readonly delivery: 'email' | 'print';
  readonly emailId: string | null;
  /** False when the statement of that date already existed (nothing was made or sent again). */
  readonly created: boolean;
  readonly totals: readonly { currency: string; totalDue: string }[];
}

async function inTransaction<T>(ctx: ServiceContext, fn: (tx: Executor) => Promise<T>): Promise<T> {
  const db = ctx.database.db;
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(fn);
}

/** A context whose database is the open transaction (buildStatement reads through it). */
const within = (ctx: ServiceContext, tx: Executor): ServiceContext => ({
  ...ctx,
  database: { ...ctx.database, db: tx },
});

async function customerOrThrow(tx: Executor, tenantId: number, accountNumber: string) {
  const c = await findCustomerByNumber(tx, tenantId, accountNumber);
  if (!c)
    throw dunningError('dunning.customer_not_found', `no customer with account number "${accountNumber}"`);
  return c;
}

/**
 * Sends a customer's statement for statements on a schedule (monthly on a day, weekly on a weekday),
 * or stops it (`off`). The first statement is on the next such date from today.
 */
export async function scheduleStatements(
  ctx: ServiceContext,
  accountNumber: string,
  schedule: { frequency: StatementFrequency; day?: number } | { off: true },
): Promise<StatementScheduleView | null> {
  return inTransaction(ctx, async (tx) => {
    const t = ctx.tenantId;
    const customer = await customerOrThrow(tx, t, accountNumber);
    const before = await tx
      .selectFrom('statement_schedules')
      .selectAll()
      .where('tenant_id', '=', t)
      .where('customer_id', '=', customer.id)
      .executeTakeFirst();
    if ('off' in schedule) {
      if (!before?.active) return null;
      await tx
        .updateTable('statement_schedules')
        .set({ active: false, updated_at: new Date() })
        .where('tenant_id', '=', t)
        .where('customer_id', '=', customer.id)
        .execute();
      await recordAudit(tx, t, [
        {
          actor: ctx.actor,
          action: 'statement_schedule.stopped',
          objectType: 'statement_schedule',
          objectId: customer.id,
          before: { frequency: before.frequency, day: before.day, active: true },
          after: { active: false },
        },
      ]);
      return null;
    }
    const today = ctx.clock.today();
    const day = schedule.day ?? (schedule.frequency === 'monthly' ? 31 : 1); // month end, or Mondays
    const valid =
      Number.isInteger(day) &&
      (schedule.frequency === 'monthly' ? day >= 1 && day <= 31 : day >= 1 && day <= 7);
    if (!valid)
      throw dunningError(
        'dunning.invalid_schedule',
        schedule.frequency === 'monthly'
          ? `a monthly statement day is 1 to 31 (31: the month's last day), not ${day}`
          : `a weekly statement day is an ISO weekday 1 (Monday) to 7 (Sunday), not ${day}`,
      );
    const next = nextStatementDate(schedule.frequency, day, today);
    await tx
      .insertInto('statement_schedules')
      .values({
        tenant_id: t,
        customer_id: customer.id,
        frequency: schedule.frequency,
        day,
        next_run_date: next,
        active: true,
        created_by: ctx.actor,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'customer_id']).doUpdateSet({
          frequency: schedule.frequency,
          day,
          next_run_date: next,
          active: true,
          updated_at: new Date(),
        }),
      )
      .execute();
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'statement_schedule.set',
        objectType: 'statement_schedule',
        objectId: customer.id,
        before: before ? { frequency: before.frequency, day: before.day, active: before.active } : null,
        after: { frequency: schedule.frequency, day, next_run_date: next, active: true },
      },
    ]);
    return {
      accountNumber: customer.accountNumber,
      customerId: customer.id,
      frequency: schedule.frequency,
      day,
      nextRunDate: next,
      lastRunDate: (before?.last_run_date ?? null) as LocalDate | null,
      active: true,
    };
  });
}

export async function findStatementSchedules(
  ctx: ServiceContext,
  options: { activeOnly?: boolean } = {},
): Promise<StatementScheduleView[]> {
  const rows = await ctx.database.db
    .selectFrom('statement_schedules as s')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.tenant_id', '=', 's.tenant_id').onRef('c.id', '=', 's.customer_id'),
    )
    .select([
      'c.account_number',
      's.customer_id',
      's.frequency',
      's.day',
      's.next_run_date',
      's.last_run_date',
      's.active',
    ])
    .where('s.tenant_id', '=', ctx.tenantId)
    .$if(options.activeOnly === true, (q) => q.where('s.active', '=', true))
    .orderBy('c.account_number')
    .execute();
  return rows.map((r) => ({
    accountNumber: r.account_number,
    customerId: r.customer_id,
    frequency: r.frequency,
    day: r.day,
    nextRunDate: r.next_run_date as LocalDate,
    lastRunDate: r.last_run_date as LocalDate | null,
    active: r.active,
  }));
}

/**
 * Makes a customer's statement of account for a period as PDF, keeps it, and queues it by email to
 * the accounts-payable contact and parties with the statement role (else marks it for post). Once
 * per customer and end date: asking again returns the statement already made.
 */
export async function sendStatement(
  ctx: ServiceContext,
  accountNumber: string,
  range: { from: LocalDate; to: LocalDate },
): Promise<SentStatement> {
  if (!isLocalDate(range.from) || !isLocalDate(range.to) || range.from > range.to)
    throw dunningError('dunning.invalid_date', `not a period: ${range.from} to ${range.to}`);
  return inTransaction(ctx, async (tx) => {
    const t = ctx.tenantId;
    const ref = await customerOrThrow(tx, t, accountNumber);
    const dedupeKey = `statement:${ref.id}:${range.to}`;
    const existing = await tx
      .selectFrom('documents')
      .select(['id'])
      .where('tenant_id', '=', t)
      .where('dedupe_key', '=', dedupeKey)
      .executeTakeFirst();
    if (existing) {
      const email = await tx
        .selectFrom('email_outbox')
        .select('id')
        .where('tenant_id', '=', t)
        .where(sql<boolean>`${existing.id} = any(document_ids)`)
        .executeTakeFirst();
      return {
        documentId: existing.id,
        accountNumber: ref.accountNumber,
        from: range.from,
        to: range.to,
        delivery: email ? 'email' : 'print',
        emailId: email?.id ?? null,
        created: false,
        totals: [],
      };
    }
    await ensureDefaultStrategy(tx, t);
    const statement = await buildStatement(within(ctx, tx), accountNumber, range);
    const customer = (await findRunCustomers(tx, t, [ref.id])).get(ref.id);
    if (!customer) throw dunningError('dunning.customer_not_found', `no customer "${accountNumber}"`);
    const templates = (await findTemplateRows(tx, t)).filter((x) => x.code === 'statement');
    const language = pickLanguage(
      customer.language,
      templates.map((x) => x.language),
    );
    const template = templates.find((x) => x.language === language);
    const labels = labelsFor(language);
    const sources = await findRecipientSources(tx, t, [ref.id]);
    const recipients = resolveRecipients(
      { to: [...STATEMENT_TO_ROLES], cc: [] },
      { contacts: sources.contacts.get(ref.id) ?? [], parties: sources.parties.get(ref.id) ?? [] },
    );
    const closing = statement.currencies.map((c) => ({
      currency: c,
      amount: statement.closing.get(c) ?? 0n,
    }));
    const values = {
      'customer.name': customer.name,
      'customer.account_number': customer.accountNumber,
      'customer.address': customer.address.join(', '),
      'company.name': customer.company,
      'contact.name': recipients.to[0]?.name ?? customer.name,
      total_due: closing
        .map((x) => `${formatMoneyForDisplay(x.amount, x.currency)} ${x.currency}`)
        .join('; '),
      as_of: range.to,
    };
    const subject = renderTemplate(template?.subject ?? labels.statementTitle, values);
    const body = renderTemplate(template?.body ?? labels.attachedStatement, values);
    const content = renderStatement({
      company: customer.company,
      statement,
      address: customer.address,
      intro: '',
      labels,
    });
    const documentId = newDocumentId();
    await insertDocuments(tx, ctx.database.kind, t, ctx.actor, [
      {
        id: documentId,
        customerId: ref.id,
        kind: 'statement',
        title: subject,
        language,
        asOf: range.to,
        content,
        dedupeKey,
        messageId: null,
      },
    ]);
    let emailId: string | null = null;
    if (recipients.to.length > 0) {
      emailId = newEmailId();
      const settings = await findTenantSettings(tx, t);
      const zone = customer.timeZone ?? collectionsSettingsOf(settings).timeZone;
      await insertEmails(tx, ctx.database.kind, t, ctx.actor, [
        {
          id: emailId,
          customerId: ref.id,
          purpose: 'statement',
          messageId: null,
          to: recipients.to.map((r) => r.email),
          cc: recipients.cc.map((r) => r.email),
          subject,
          bodyText: body,
          documentIds: [documentId],
          windowTimeZone: customer.customerType === 'consumer' ? zone : null,
          notBefore: ctx.clock.now(),
        },
      ]);
    }
    const delivery = emailId ? 'email' : 'print';
    await insertActivities(tx, ctx.database.kind, t, ctx.actor, [
      {
        id: `act_${ulid()}`,
        customerId: ref.id,
        kind: 'statement',
        notes: `Statement ${range.from} – ${range.to}${delivery === 'print' ? ' — to print and post' : ''}`,
        occurredAt: ctx.clock.now(),
        dueDate: null,
        assignedTo: null,
        status: 'done',
        relatedId: documentId,
        itemIds: [],
        contactName: recipients.to[0]?.name ?? null,
      },
    ]);
    const totals = closing.map((x) => ({
      currency: x.currency,
      totalDue: formatAmount(x.amount, x.currency as CurrencyCode),
    }));
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'document.created',
        objectType: 'document',
        objectId: documentId,
        after: {
          customer_id: ref.id,
          kind: 'statement',
          title: subject,
          from: range.from,
          to: range.to,
          sha256: sha256Hex(content),
          size_bytes: content.length,
          delivery,
          email_id: emailId,
          totals,
        },
      },
    ]);
    return {
      documentId,
      accountNumber: ref.accountNumber,
      from: range.from,
      to: range.to,
      delivery,
      emailId,
      created: true,
      totals,
    };
  });
}

/**
 * The statements due on `runDate` by their schedules (next date on or before it): each covers the
 * days since the previous one (a month or a week for the first), is sent once, and its schedule moves
 * to the next date after `runDate`. A missed day is caught up: the statement is made for the run date.
 */
export async function runScheduledStatements(
  ctx: ServiceContext,
  runDate: LocalDate,
): Promise<{ sent: number; emailed: number; printed: number; alreadySent: number }> {
  const due = await ctx.database.db
    .selectFrom('statement_schedules as s')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.tenant_id', '=', 's.tenant_id').onRef('c.id', '=', 's.customer_id'),
    )
    .select(['s.customer_id', 'c.account_number', 's.frequency', 's.day', 's.last_run_date'])
    .where('s.tenant_id', '=', ctx.tenantId)
    .where('s.active', '=', true)
    .where('s.next_run_date', '<=', runDate)
    .orderBy('c.account_number')
    .execute();
  const result = { sent: 0, emailed: 0, printed: 0, alreadySent: 0 };
  for (const s of due) {
    await inTransaction(ctx, async (tx) => {
      const joined = within(ctx, tx);
      const from = s.last_run_date
        ? addDays(s.last_run_date as LocalDate, 1)
        : defaultStatementFrom(s.frequency, runDate);
      const sent = await sendStatement(joined, s.account_number, {
        from: from > runDate ? runDate : from,
        to: runDate,
      });
      await tx
        .updateTable('statement_schedules')
        .set({
          last_run_date: runDate,
          next_run_date: nextStatementDate(s.frequency, s.day, addDays(runDate, 1)),
          updated_at: new Date(),
        })
        .where('tenant_id', '=', ctx.tenantId)
        .where('customer_id', '=', s.customer_id)
        .execute();
      if (!sent.created) result.alreadySent++;
      else {
        result.sent++;
        if (sent.delivery === 'email') result.emailed++;
        else result.printed++;
      }
    });
  }
  return result;
}
