import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import { ulid } from '../../core/ids.ts';
import type { DatabaseKind } from '../../db/database.ts';
import type { EmailStatus } from '../../db/schema-dunning.ts';
import { writeRows } from './bulk-write.ts';

export const newEmailId = () => `eml_${ulid()}`;

export interface NewEmail {
  readonly id: string;
  readonly customerId: string | null;
  readonly purpose: 'dunning' | 'statement';
  readonly messageId: string | null;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly bodyText: string;
  readonly documentIds: readonly string[];
  /** Consumer accounts: deliver only inside the contact window of this zone. */
  readonly windowTimeZone: string | null;
  readonly notBefore: Date;
}

export interface OutboxEmail {
  readonly tenantId: number;
  readonly id: string;
  readonly customerId: string | null;
  readonly purpose: 'dunning' | 'statement';
  readonly messageId: string | null;
  readonly to: string[];
  readonly cc: string[];
  readonly subject: string;
  readonly bodyText: string;
  readonly documentIds: string[];
  readonly windowTimeZone: string | null;
  readonly status: EmailStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly nextAttemptAt: Date;
  readonly lastAttemptAt: Date | null;
  readonly lastError: string | null;
  readonly sentAt: Date | null;
  readonly smtpMessageId: string | null;
  readonly createdAt: Date;
}

export async function insertEmails(
  ex: Executor,
  engine: DatabaseKind,
  tenantId: number,
  actor: string,
  emails: readonly NewEmail[],
): Promise<void> {
  await writeRows(
    ex,
    engine,
    'email_outbox',
    [
      { name: 'tenant_id', type: 'integer', value: () => tenantId },
      { name: 'id', type: 'text', value: (e) => e.id },
      { name: 'customer_id', type: 'text', value: (e) => e.customerId },
      { name: 'purpose', type: 'text', value: (e) => e.purpose },
      { name: 'message_id', type: 'text', value: (e) => e.messageId },
      { name: 'to_addresses', type: 'text', value: (e) => [...e.to] },
      { name: 'cc_addresses', type: 'text', value: (e) => [...e.cc] },
      { name: 'subject', type: 'text', value: (e) => e.subject },
      { name: 'body_text', type: 'text', value: (e) => e.bodyText },
      { name: 'document_ids', type: 'text', value: (e) => [...e.documentIds] },
      { name: 'window_time_zone', type: 'text', value: (e) => e.windowTimeZone },
      { name: 'next_attempt_at', type: 'text', value: (e) => e.notBefore },
      { name: 'created_by', type: 'text', value: () => actor },
    ],
    emails,
    (chunk) =>
      ex
        .insertInto('email_outbox')
        .values(
          chunk.map((e) => ({
            tenant_id: tenantId,
            id: e.id,
            customer_id: e.customerId,
            purpose: e.purpose,
            message_id: e.messageId,
            to_addresses: [...e.to],
            cc_addresses: [...e.cc],
            subject: e.subject,
            body_text: e.bodyText,
            document_ids: [...e.documentIds],
            window_time_zone: e.windowTimeZone,
            next_attempt_at: e.notBefore,
            created_by: actor,
          })),
        )
        .execute()
        .then(() => undefined),
  );
}

interface Row {
  tenant_id: number;
  id: string;
  customer_id: string | null;
  purpose: 'dunning' | 'statement';
  message_id: string | null;
  to_addresses: string[];
  cc_addresses: string[];
  subject: string;
  body_text: string;
  document_ids: string[];
  window_time_zone: string | null;
  status: EmailStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date | string;
  last_attempt_at: Date | string | null;
  last_error: string | null;
  sent_at: Date | string | null;
  smtp_message_id: string | null;
  created_at: Date | string;
}

const d = (v: Date | string) => (v instanceof Date ? v : new Date(v));
const dn = (v: Date | string | null) => (v === null ? null : d(v));

function toEmail(r: Row): OutboxEmail {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    customerId: r.customer_id,
    purpose: r.purpose,
    messageId: r.message_id,
    to: r.to_addresses,
    cc: r.cc_addresses,
    subject: r.subject,
    bodyText: r.body_text,
    documentIds: r.document_ids,
    windowTimeZone: r.window_time_zone,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    nextAttemptAt: d(r.next_attempt_at),
    lastAttemptAt: dn(r.last_attempt_at),
    lastError: r.last_error,
    sentAt: dn(r.sent_at),
    smtpMessageId: r.smtp_message_id,
    createdAt: d(r.created_at),
  };
}

/**
 * Takes up to `limit` emails due now (pending, or 'sending' whose lease ran out: a worker died
 * mid-send), across tenants, and leases them to this worker: no other worker takes them until
 * `leaseUntil`. The attempt is counted when the send is tried, not here.
 */
export async function leaseDueEmails(
  ex: Executor,
  options: { now: Date; leaseUntil: Date; limit: number; tenantId?: number },
): Promise<OutboxEmail[]> {
  const r = await sql<Row>`
    update email_outbox o set status = 'sending', next_attempt_at = ${options.leaseUntil}
    where (o.tenant_id, o.id) in (
      select tenant_id, id from email_outbox
      where status in ('pending', 'sending') and next_attempt_at <= ${options.now}
        ${options.tenantId === undefined ? sql`` : sql`and tenant_id = ${options.tenantId}`}
      order by next_attempt_at, id
      limit ${options.limit} for update skip locked)
    returning o.*`.execute(ex);
  return r.rows.map(toEmail).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Puts a leased email back, untried, until `at` (outside a consumer's contact window). */
export async function postponeEmail(ex: Executor, e: OutboxEmail, at: Date): Promise<void> {
  await sql`update email_outbox set status = 'pending', next_attempt_at = ${at}
    where tenant_id = ${e.tenantId} and id = ${e.id}`.execute(ex);
}

export async function markEmailSent(
  ex: Executor,
  e: OutboxEmail,
  result: { at: Date; smtpMessageId: string },
): Promise<void> {
  await sql`update email_outbox set status = 'sent', attempts = attempts + 1, sent_at = ${result.at},
      last_attempt_at = ${result.at}, smtp_message_id = ${result.smtpMessageId}, last_error = null
    where tenant_id = ${e.tenantId} and id = ${e.id}`.execute(ex);
}

export async function markEmailAttemptFailed(
  ex: Executor,
  e: OutboxEmail,
  result: { at: Date; error: string; nextAttemptAt: Date | null },
): Promise<void> {
  await sql`update email_outbox set status = ${result.nextAttemptAt === null ? 'failed' : 'pending'},
      attempts = attempts + 1, last_attempt_at = ${result.at}, last_error = ${result.error.slice(0, 2000)},
      next_attempt_at = ${result.nextAttemptAt ?? result.at}
    where tenant_id = ${e.tenantId} and id = ${e.id}`.execute(ex);
}

export async function findEmailRows(
  ex: Executor,
  tenantId: number,
  filter: { status?: EmailStatus | undefined; customerId?: string; limit: number; before?: string },
): Promise<OutboxEmail[]> {
  const r = await sql<Row>`select * from email_outbox where tenant_id = ${tenantId}
      ${filter.status ? sql`and status = ${filter.status}` : sql``}
      ${filter.customerId ? sql`and customer_id = ${filter.customerId}` : sql``}
      ${filter.before ? sql`and id < ${filter.before}` : sql``}
    order by id desc limit ${filter.limit}`.execute(ex);
  return r.rows.map(toEmail);
}

export async function findEmailRow(ex: Executor, tenantId: number, id: string): Promise<OutboxEmail | null> {
  const r = await sql<Row>`select * from email_outbox where tenant_id = ${tenantId} and id = ${id}`.execute(
    ex,
  );
  return r.rows[0] ? toEmail(r.rows[0]) : null;
}
