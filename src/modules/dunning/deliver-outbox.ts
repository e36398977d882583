import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/database.ts';
import { recordAudit } from '../audit/index.ts';
import { retryDelayMs } from '../jobs/index.ts';
import { findDocumentContents } from './documents.repo.ts';
import { setMessageStatus } from './dunning.repo.ts';
import { isInsideWindow, nextWindowOpening } from './logic/contact-window.ts';
import { describeMailError, isPermanentMailError, type Mailer } from './mailer.ts';
import {
  leaseDueEmails,
  markEmailAttemptFailed,
  markEmailSent,
  type OutboxEmail,
  postponeEmail,
} from './outbox.repo.ts';

export interface DeliverOutboxOptions {
  readonly database: Database;
  readonly clock: Clock;
  readonly mailer: Mailer;
  /** The sender address (`Accounts Receivable <ar@example.com>`). */
  readonly from: string;
  /** Only this tenant's emails (default: every tenant's; the worker acts as the owner). */
  readonly tenantId?: number;
  /** Who the audit trail names for status changes (default `jobs:outbox`). */
  readonly actor?: string;
  /** Emails leased at a time. */
  readonly batch?: number;
  /** How long a lease holds before another worker may retry a send this one did not finish. */
  readonly leaseMs?: number;
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
  /** Consumer emails held until their contact window opens. */
  postponed: number;
}

/**
 * Sends what the outbox holds that is due (STYLE.md: side effects leave the process only from an
 * outbox, through a job). Each email is leased, sent over SMTP outside any transaction, and its
 * outcome recorded: sent; or failed with the error, the attempt counted and the next attempt set
 * after a growing delay (1 min, 4 min, 16 min, … 6 h); or failed for good after its last attempt or
 * on a permanent refusal (SMTP 5xx). Consumer emails wait for 08:00–21:00 in the debtor's zone.
 *
 * At least once: a worker that dies after the server accepted a message but before recording it
 * sends it again when the lease runs out; the Message-ID (the outbox id) lets receivers see the repeat.
 */
export async function deliverOutbox(options: DeliverOutboxOptions): Promise<DeliveryResult> {
  const { database, clock } = options;
  const db = database.db;
  const actor = options.actor ?? 'jobs:outbox';
  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0, postponed: 0 };
  for (let round = 0; round < 10_000; round++) {
    const now = clock.now();
    const leased = await leaseDueEmails(db, {
      now,
      leaseUntil: new Date(now.getTime() + (options.leaseMs ?? 5 * 60_000)),
      limit: options.batch ?? 50,
      ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    });
    if (leased.length === 0) break;
    for (const email of leased) {
      if (email.windowTimeZone && !isInsideWindow(now, email.windowTimeZone)) {
        await postponeEmail(db, email, nextWindowOpening(now, email.windowTimeZone));
        result.postponed++;
        continue;
      }
      await sendOne(options, email, actor, result);
    }
  }
  return result;
}

async function sendOne(
  options: DeliverOutboxOptions,
  email: OutboxEmail,
  actor: string,
  result: DeliveryResult,
): Promise<void> {
  const db = options.database.db;
  const attempt = email.attempts + 1;
  let outcome: { ok: true; smtpMessageId: string } | { ok: false; error: unknown };
  try {
    const docs = await findDocumentContents(db, email.tenantId, email.documentIds);
    const sent = await options.mailer.send({
      from: options.from,
      to: email.to,
      cc: email.cc,
      subject: email.subject,
      text: email.bodyText,
      messageId: email.id,
      attachments: docs.map((d) => ({
        filename: `${d.kind.replace('_', '-')}-${d.id}.pdf`,
        content: d.content,
        contentType: 'application/pdf',
      })),
    });
    outcome = { ok: true, smtpMessageId: sent.messageId };
  } catch (error) {
    outcome = { ok: false, error };
  }
  const at = options.clock.now();
  await db.transaction().execute(async (tx) => {
    if (outcome.ok) {
      await markEmailSent(tx, email, { at, smtpMessageId: outcome.smtpMessageId });
      if (email.messageId) await setMessageStatus(tx, email.tenantId, email.messageId, 'sent');
      await recordAudit(tx, email.tenantId, [
        {
          actor,
          action: 'email.sent',
          objectType: 'email',
          objectId: email.id,
          before: { status: 'pending', attempts: email.attempts },
          after: {
            status: 'sent',
            attempts: attempt,
            to: email.to,
            cc: email.cc,
            subject: email.subject,
            documents: email.documentIds,
            smtp_message_id: outcome.smtpMessageId,
            message_id: email.messageId,
          },
        },
      ]);
      result.sent++;
      return;
    }
    const error = describeMailError(outcome.error);
    const final = isPermanentMailError(outcome.error) || attempt >= email.maxAttempts;
    const nextAttemptAt = final ? null : new Date(at.getTime() + retryDelayMs(attempt));
    await markEmailAttemptFailed(tx, email, { at, error, nextAttemptAt });
    if (final && email.messageId) await setMessageStatus(tx, email.tenantId, email.messageId, 'failed');
    await recordAudit(tx, email.tenantId, [
      {
        actor,
        action: final ? 'email.failed' : 'email.retry_scheduled',
        objectType: 'email',
        objectId: email.id,
        before: { status: 'pending', attempts: email.attempts },
        after: {
          status: final ? 'failed' : 'pending',
          attempts: attempt,
          last_error: error,
          next_attempt_at: nextAttemptAt?.toISOString() ?? null,
          message_id: email.messageId,
        },
      },
    ]);
    if (final) result.failed++;
    else result.retried++;
  });
}
