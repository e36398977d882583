import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { extractPdfText } from '../../../test/support/pdf-text.ts';
import { type SmtpSink, startSmtpSink, waitFor } from '../../../test/support/smtp-sink-process.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { fixedClock } from '../../core/clock.ts';
import type { ServiceContext } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { workOnce } from '../../jobs/worker.ts';
import {
  createSmtpMailer,
  deliverOutbox,
  findOutbox,
  getDocument,
  type Mailer,
  type OutgoingEmail,
  scheduleStatements,
  sendStatement,
} from './index.ts';

/*
 * Statements (issue 6 item 3): the PDF's text holds the customer, the items and the total due, and
 * the total ties to the ledger; statements go out on a schedule, once; the outbox retries temporary
 * SMTP failures, records permanent ones, and holds consumer emails until the contact window opens.
 */
let t: TestDatabase;
const d = (s: string) => s as LocalDate;
const at = (date: string, time = '15:00'): ServiceContext => ({
  ...t.ctx,
  clock: fixedClock(d(date), new Date(`${date}T${time}:00Z`)),
});

/** A mailer that keeps what it is given (the SMTP path itself is tested against a real server). */
function memoryMailer(): Mailer & { sent: OutgoingEmail[] } {
  const sent: OutgoingEmail[] = [];
  return {
    sent,
    async send(e) {
      sent.push(e);
      return { messageId: `<${e.messageId}@arbor>`, response: '250 ok' };
    },
    async close() {},
  };
}

beforeAll(async () => {
  t = await createTestDatabase({ today: d('2026-06-30') });
  await importCsv(
    t.ctx,
    'customers',
    csv([
      'account_number,name,terms,email,customer_type,time_zone,language',
      'ECHO,Echo Eyecare,NET30,ap@echo.example,business,,',
      'FOX,Fox Foods,NET30,fail@fox.example,business,,',
      'KILO,Kim Kilo,NET30,kim@kilo.example,consumer,America/Los_Angeles,es',
      'ZULU,Dvořák Łódź Sp. z o.o.,NET30,,business,,',
    ]),
  );
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,due_date,amount,applies_to',
      'E-1,ECHO,invoice,2026-04-01,2026-05-01,1000.00,',
      'E-2,ECHO,invoice,2026-06-01,2026-07-01,420.50,',
      'E-CM,ECHO,credit_memo,2026-06-05,2026-06-05,100.00,',
      'F-1,FOX,invoice,2026-06-01,2026-07-01,80.00,',
      'K-1,KILO,invoice,2026-05-01,2026-05-31,65.00,',
      'FA-Ł-1,ZULU,invoice,2026-05-01,2026-05-31,1234.50,',
    ]),
  );
  await importCsv(
    t.ctx,
    'history',
    csv([
      'receipt_reference,receipt_date,receipt_amount,currency,payer_name,method,account_number,invoice_number,kind,applied_amount,reason_code',
      'R-E1,2026-06-10,550.00,USD,Echo,ach,ECHO,E-1,invoice,500.00,',
    ]),
  );
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('statements', () => {
  it('renders the customer, the open items and a total due that ties to the ledger', async () => {
    const sent = await sendStatement(at('2026-06-30'), 'ECHO', {
      from: d('2026-04-01'),
      to: d('2026-06-30'),
    });
    expect(sent).toMatchObject({
      created: true,
      delivery: 'email',
      totals: [{ currency: 'USD', totalDue: '770.50' }],
    });
    const { content, meta } = await getDocument(t.ctx, sent.documentId);
    expect(meta.kind).toBe('statement');
    const text = (await extractPdfText(content)).join('\n');
    expect(text).toContain('Echo Eyecare');
    expect(text).toContain('Statement of account – ECHO');
    expect(text).toMatch(/E-1 2026-04-01 2026-05-01 60 1,000\.00 500\.00/);
    expect(text).toMatch(/E-2 2026-06-01 2026-07-01 420\.50 420\.50/);
    expect(text).toMatch(/E-CM .*-100\.00 -100\.00/);
    expect(text).toContain('Payments received, not yet applied -50.00 USD');
    expect(text).toContain('Total due 770.50 USD');
    // What the ledger says the customer owes: AR control and unapplied cash lines carrying it.
    const ledger = await sql<{ owed: bigint }>`select sum(l.amount_minor)::bigint as owed from journal_lines l
      join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id and a.role in ('ar_control', 'unapplied_cash')
      join customers c on c.tenant_id = l.tenant_id and c.id = l.customer_id
      where l.tenant_id = ${t.ctx.tenantId} and c.account_number = 'ECHO'`.execute(t.database.db);
    expect(ledger.rows[0]?.owed).toBe(77_050n);
    // Asked again for the same date: the statement already made, nothing new queued.
    const again = await sendStatement(at('2026-06-30'), 'ECHO', {
      from: d('2026-04-01'),
      to: d('2026-06-30'),
    });
    expect(again).toMatchObject({ created: false, documentId: sent.documentId });
    expect((await findOutbox(t.ctx, { limit: 10 })).filter((e) => e.customerId !== null)).toHaveLength(1);
  });

  it('goes out on its schedule once, by the worker, with the PDF attached', async () => {
    const schedule = await scheduleStatements(at('2026-07-15'), 'ECHO', { frequency: 'monthly', day: 31 });
    expect(schedule?.nextRunDate).toBe('2026-07-31');
    const mailer = memoryMailer();
    const deps = (date: string) => ({
      database: t.database,
      clock: at(date).clock,
      mailer,
      from: 'ar@arbor.example',
      tenantId: t.ctx.tenantId,
    });
    const early = await workOnce(deps('2026-07-30'));
    expect(early.jobs).toEqual([]);
    const due = await workOnce(deps('2026-07-31'));
    expect(due.jobs.map((j) => [j.job.kind, j.status])).toEqual([['statements.run', 'done']]);
    expect(due.jobs[0]?.result).toMatchObject({ sent: 1, emailed: 1 });
    const again = await workOnce(deps('2026-07-31'));
    expect(again.jobs).toEqual([]);
    const statements = mailer.sent.filter((m) =>
      m.subject.startsWith('Statement of account ECHO as of 2026-07-31'),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]?.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    const text = (await extractPdfText(statements[0]?.attachments[0]?.content ?? new Uint8Array())).join(
      '\n',
    );
    expect(text).toContain('Period: 2026-07-01 – 2026-07-31');
    const [row] = await sql<{ next_run_date: string; last_run_date: string }>`
      select next_run_date, last_run_date from statement_schedules where tenant_id = ${t.ctx.tenantId}`
      .execute(t.database.db)
      .then((r) => r.rows);
    expect(row).toEqual({ next_run_date: '2026-08-31', last_run_date: '2026-07-31' });
  });

  it('holds a consumer’s email until 08:00 in their time zone, in their language', async () => {
    const sent = await sendStatement(at('2026-07-01', '11:00'), 'KILO', {
      from: d('2026-06-01'),
      to: d('2026-07-01'),
    });
    const mailer = memoryMailer();
    // 12:00Z is 05:00 in Los Angeles.
    const early = await deliverOutbox({
      database: t.database,
      clock: at('2026-07-01', '12:00').clock,
      mailer,
      from: 'ar@x',
    });
    expect(early.postponed).toBe(1);
    expect(mailer.sent).toEqual([]);
    const row = (await findOutbox(t.ctx, { limit: 50 })).find((e) => e.id === sent.emailId);
    expect(row?.nextAttemptAt.toISOString()).toBe('2026-07-01T15:00:00.000Z');
    expect(row?.attempts).toBe(0);
    const open = await deliverOutbox({
      database: t.database,
      clock: at('2026-07-01', '15:00').clock,
      mailer,
      from: 'ar@x',
    });
    expect(open.sent).toBe(1);
    expect(mailer.sent[0]?.subject).toBe('Estado de cuenta KILO al 2026-07-01');
    const text = (await extractPdfText(mailer.sent[0]?.attachments[0]?.content ?? new Uint8Array())).join(
      '\n',
    );
    expect(text).toContain('Kim Kilo');
    expect(text).toContain('Total adeudado 65.00 USD');
  });
});

describe('the outbox over a real SMTP server', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ failFirst: 1, reject: ['fail@fox.example'] });
  });
  afterAll(async () => {
    await sink?.stop();
  });

  it('retries a temporary failure with backoff and records a permanent one', async () => {
    const echo = await sendStatement(at('2026-07-02'), 'ECHO', {
      from: d('2026-07-01'),
      to: d('2026-07-02'),
    });
    const fox = await sendStatement(at('2026-07-02'), 'FOX', { from: d('2026-06-01'), to: d('2026-07-02') });
    const mailer = createSmtpMailer(sink.url);
    try {
      const first = await deliverOutbox({
        database: t.database,
        clock: at('2026-07-02', '15:00').clock,
        mailer,
        from: 'ar@x',
      });
      expect(first).toMatchObject({ sent: 0, retried: 1, failed: 1 });
      const rows = await findOutbox(t.ctx, { limit: 50 });
      const e = rows.find((r) => r.id === echo.emailId);
      const f = rows.find((r) => r.id === fox.emailId);
      expect(e).toMatchObject({ status: 'pending', attempts: 1 });
      expect(e?.lastError).toMatch(/451/);
      expect(e?.nextAttemptAt.toISOString()).toBe('2026-07-02T15:01:00.000Z');
      expect(f).toMatchObject({ status: 'failed', attempts: 1 });
      expect(f?.lastError).toMatch(/550/);
      // Not yet due: nothing happens; a minute later it goes.
      const soon = await deliverOutbox({
        database: t.database,
        clock: at('2026-07-02', '15:00').clock,
        mailer,
        from: 'ar@x',
      });
      expect(soon).toMatchObject({ sent: 0, retried: 0 });
      const later = await deliverOutbox({
        database: t.database,
        clock: at('2026-07-02', '15:02').clock,
        mailer,
        from: 'ar@x',
      });
      expect(later.sent).toBe(1);
      await waitFor(() => sink.messages.length === 1);
      expect(sink.messages[0]?.to).toEqual(['ap@echo.example']);
      expect(sink.messages[0]?.attachments[0]?.contentType).toBe('application/pdf');
      expect(sink.rejected).toEqual(['fail@fox.example']);
      const audit = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'object_id'])
        .where('tenant_id', '=', t.ctx.tenantId)
        .where('object_type', '=', 'email')
        .where('object_id', 'in', [echo.emailId ?? '', fox.emailId ?? ''])
        .orderBy('seq')
        .execute();
      expect(audit.map((a) => `${a.object_id === echo.emailId ? 'echo' : 'fox'}:${a.action}`)).toEqual([
        'echo:email.retry_scheduled',
        'fox:email.failed',
        'echo:email.sent',
      ]);
    } finally {
      await mailer.close();
    }
  });

  it('writes a name WinAnsi cannot encode in an embedded font, and it reads back exactly', async () => {
    const sent = await sendStatement(at('2026-07-03'), 'ZULU', {
      from: d('2026-05-01'),
      to: d('2026-07-03'),
    });
    expect(sent).toMatchObject({ created: true, delivery: 'print' });
    const { content } = await getDocument(t.ctx, sent.documentId);
    const text = (await extractPdfText(content)).join('\n');
    expect(text).toContain('Dvořák Łódź Sp. z o.o.');
    expect(text).toMatch(/FA-Ł-1 2026-05-01 2026-05-31 33 1,234\.50 1,234\.50/);
    expect(text).toContain('Total due 1,234.50 USD');
    const pdf = content.toString('latin1');
    expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans \/Encoding \/Identity-H/);
    expect(pdf).not.toContain('/Helvetica');
  });
});
