import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { extractPdfText } from '../../../test/support/pdf-text.ts';
import { type SmtpSink, startSmtpSink, waitFor } from '../../../test/support/smtp-sink-process.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { fixedClock } from '../../core/clock.ts';
import type { ServiceContext } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { runDunningJobNow, type WorkerDeps, workOnce } from '../../jobs/worker.ts';
import { verifyAuditChain } from '../audit/index.ts';
import { changeDisputeStatus, evaluatePromises, makePromise, openDispute } from '../collections/index.ts';
import { createSmtpMailer, getDocument, type Mailer, runDunning } from './index.ts';

/*
 * The acceptance of issue 6 item 2, against a real SMTP server in its own process: two runs on the
 * same day send each message once; a skipped day is caught up once; a dispute pauses the sequence;
 * a broken promise resumes it (with one notice, not every step missed meanwhile).
 *
 * Default strategy: −5 courtesy, +1 reminder, +15 second reminder, +30 call, +45 demand letter,
 * +60 final notice, +90 agency. Timeline (run dates in July 2026):
 *   ALPHA   due 06-30 → day 1 on 07-01: reminder email (broker in copy)
 *   BRAVO   due 07-01 → courtesy on 07-01; day 1 falls on 07-02 (skipped) → reminder on 07-03
 *   CHARLIE due 05-17 → day 45 on 07-01: demand letter on paper (no email address)
 *   PAPA    due 06-30, disputed → nothing until the dispute ends, then its reminder
 *   QUEBEC  due 06-14, promise to pay by 07-05 → paused; broken → one second reminder (day 15)
 */
let t: TestDatabase;
let sink: SmtpSink;
let mailer: Mailer;

const d = (s: string) => s as LocalDate;
const on = (date: string, hour = 15): ServiceContext => ({
  ...t.ctx,
  clock: fixedClock(d(date), new Date(`${date}T${String(hour).padStart(2, '0')}:00:00Z`)),
});
const worker = (date: string, hour = 15): WorkerDeps & { tenantId: number } => ({
  database: t.database,
  clock: on(date, hour).clock,
  mailer,
  from: 'Arbor AR <ar@arbor.example>',
  tenantId: t.ctx.tenantId,
  worker: 'test-worker',
});
const subjects = () => sink.messages.map((m) => `${m.to.join(',')}|${m.subject}`).sort();

beforeAll(async () => {
  t = await createTestDatabase({ today: d('2026-07-31') });
  sink = await startSmtpSink();
  mailer = createSmtpMailer(sink.url);
  await importCsv(
    t.ctx,
    'customers',
    csv([
      'account_number,name,terms,email,address_line1,city,region,postal_code',
      'ALPHA,Alpha Logistics,NET30,ap@alpha.example,1 Harbor Way,Boston,MA,02110',
      'BRAVO,Bravo Foods,NET30,ap@bravo.example,,,,',
      'CHARLIE,Charlie Clinics,NET30,,9 Elm St,Austin,TX,73301',
      'PAPA,Papa Pharmacy,NET30,ap@papa.example,,,,',
      'QUEBEC,Quebec Dental,NET30,ap@quebec.example,,,,',
    ]),
  );
  await importCsv(
    t.ctx,
    'parties',
    csv(['party_id,party_name,party_kind,account_number,roles', 'BRK,Broker & Co,broker,ALPHA,notice']),
  );
  await sql`update party_relationships set email = 'desk@broker.example' where tenant_id = ${t.ctx.tenantId}`.execute(
    t.database.db,
  );
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,issue_date,due_date,amount',
      'A-1,ALPHA,2026-05-31,2026-06-30,1000.00',
      'B-1,BRAVO,2026-06-01,2026-07-01,250.00',
      'C-1,CHARLIE,2026-04-17,2026-05-17,700.00',
      'C-2,CHARLIE,2026-06-20,2026-07-20,300.00',
      'P-1,PAPA,2026-05-31,2026-06-30,400.00',
      'Q-1,QUEBEC,2026-05-15,2026-06-14,900.00',
    ]),
  );
  await openDispute(on('2026-06-30'), { item: 'P-1', reasonCode: 'pricing' });
  await makePromise(on('2026-06-30'), {
    customer: { account: 'QUEBEC' },
    amount: '900.00',
    promisedDate: d('2026-07-05'),
  });
}, 120_000);

afterAll(async () => {
  await mailer?.close();
  await sink?.stop();
  await t?.close();
});

async function messagesOf(account: string) {
  return sql<{
    run_date: string;
    kind: string;
    day_offset: number;
    channel: string;
    delivery: string;
    status: string;
  }>`
    select m.run_date, m.kind, m.day_offset, m.channel, m.delivery, m.status from dunning_messages m
    join customers c on c.tenant_id = m.tenant_id and c.id = m.customer_id
    where m.tenant_id = ${t.ctx.tenantId} and c.account_number = ${account} order by m.run_date, m.kind`
    .execute(t.database.db)
    .then((r) => r.rows);
}

describe('dunning against a real SMTP server', () => {
  it('sends each message once when the same day runs twice', async () => {
    const first = await runDunningJobNow(worker('2026-07-01'), d('2026-07-01'), 'test');
    expect(first.alreadyDone).toBe(false);
    expect(first.outcome.status).toBe('done');
    expect(first.outcome.result).toMatchObject({
      notices: 3,
      emails: 2,
      printed: 1,
      paused: 2,
      documents: 1,
    });
    await workOnce(worker('2026-07-01'));
    await waitFor(() => sink.messages.length >= 2);

    // Again through the job (already done), and again straight through the engine (the ledger).
    const again = await runDunningJobNow(worker('2026-07-01'), d('2026-07-01'), 'test');
    expect(again.alreadyDone).toBe(true);
    const engine = await runDunning(on('2026-07-01'), { runDate: d('2026-07-01') });
    expect(engine).toMatchObject({ notices: 0, emails: 0, itemsDunned: 0, callTasks: 0 });
    await workOnce(worker('2026-07-01', 16));
    await new Promise((r) => setTimeout(r, 300));

    expect(subjects()).toEqual([
      'ap@alpha.example|Payment reminder – account ALPHA',
      'ap@bravo.example|Upcoming payment due 2026-07-01 – account BRAVO',
    ]);
    const alpha = sink.messages.find((m) => m.to.includes('ap@alpha.example'));
    expect(alpha?.cc).toEqual(['desk@broker.example']);
    expect(alpha?.text).toContain('A-1');
    expect(alpha?.text).toContain('1,000.00 USD');
    expect(await messagesOf('ALPHA')).toMatchObject([{ day_offset: 1, status: 'sent', delivery: 'email' }]);
    expect(await messagesOf('CHARLIE')).toMatchObject([
      { day_offset: 45, channel: 'letter', delivery: 'print', status: 'to_print' },
    ]);
    expect(await messagesOf('PAPA')).toEqual([]);
    expect(await messagesOf('QUEBEC')).toEqual([]);
  });

  it('catches a skipped day up once, dated the next run', async () => {
    // 07-02 is skipped: Bravo's day-1 reminder falls on it.
    const run = await runDunningJobNow(worker('2026-07-03'), d('2026-07-03'), 'test');
    expect(run.outcome.result).toMatchObject({
      coversFrom: '2026-07-02',
      missedDays: 1,
      notices: 1,
      emails: 1,
    });
    await workOnce(worker('2026-07-03'));
    await waitFor(() => sink.messages.length >= 3);
    // The same date again, and the skipped day run late: nothing more.
    expect((await runDunningJobNow(worker('2026-07-03'), d('2026-07-03'), 'test')).alreadyDone).toBe(true);
    const late = await runDunningJobNow(worker('2026-07-03'), d('2026-07-02'), 'test');
    expect(late.outcome.result).toEqual({ skipped: 'covered by the run of 2026-07-03' });
    await workOnce(worker('2026-07-03', 17));
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.messages.filter((m) => m.to.includes('ap@bravo.example')).map((m) => m.subject)).toEqual([
      'Upcoming payment due 2026-07-01 – account BRAVO',
      'Payment reminder – account BRAVO',
    ]);
    expect(sink.messages).toHaveLength(3);
    expect(await messagesOf('BRAVO')).toMatchObject([
      { run_date: '2026-07-01', day_offset: -5 },
      { run_date: '2026-07-03', day_offset: 1 },
    ]);
  });

  it('pauses a disputed account and resumes it when the dispute ends', async () => {
    const before = sink.messages.length;
    await runDunningJobNow(worker('2026-07-04'), d('2026-07-04'), 'test');
    expect(await messagesOf('PAPA')).toEqual([]);
    const dispute = await t.database.db
      .selectFrom('disputes')
      .select('id')
      .where('tenant_id', '=', t.ctx.tenantId)
      .executeTakeFirstOrThrow();
    await changeDisputeStatus(on('2026-07-05'), dispute.id, { status: 'cancelled', note: 'price confirmed' });
    const run = await runDunningJobNow(worker('2026-07-05'), d('2026-07-05'), 'test');
    expect(run.outcome.result).toMatchObject({ notices: 1 });
    await workOnce(worker('2026-07-05'));
    await waitFor(() => sink.messages.length >= before + 1);
    expect(sink.messages.slice(before).map((m) => `${m.to.join(',')}|${m.subject}`)).toEqual([
      'ap@papa.example|Payment reminder – account PAPA',
    ]);
  });

  it('resumes with one notice when a promise is broken, not every step missed meanwhile', async () => {
    const before = sink.messages.length;
    // Still within the promise's grace days (07-05 + 3).
    await runDunningJobNow(worker('2026-07-08'), d('2026-07-08'), 'test');
    expect(await messagesOf('QUEBEC')).toEqual([]);
    const evaluated = await evaluatePromises(on('2026-07-09'), d('2026-07-09'));
    expect(JSON.stringify(evaluated)).toContain('broken');
    const run = await runDunningJobNow(worker('2026-07-10'), d('2026-07-10'), 'test');
    expect(run.outcome.result).toMatchObject({ notices: 1, emails: 1, callTasks: 0 });
    await workOnce(worker('2026-07-10'));
    await waitFor(() => sink.messages.length >= before + 1);
    expect(sink.messages.slice(before).map((m) => `${m.to.join(',')}|${m.subject}`)).toEqual([
      'ap@quebec.example|Second reminder: 900.00 USD past due – account QUEBEC',
    ]);
    // Day 26: the courtesy (−5) and first reminder (+1) that passed while paused are not sent.
    const ledger = await sql<{ day_offset: number }>`select l.day_offset from dunning_ledger l
      join items i on i.tenant_id = l.tenant_id and i.id = l.item_id
      where l.tenant_id = ${t.ctx.tenantId} and i.number = 'Q-1'`.execute(t.database.db);
    expect(ledger.rows.map((r) => r.day_offset)).toEqual([15]);
  });

  it('keeps every letter as sent, with the customer, items and total due that ties to the ledger', async () => {
    const doc = await t.database.db
      .selectFrom('documents as d')
      .innerJoin('customers as c', (j) =>
        j.onRef('c.tenant_id', '=', 'd.tenant_id').onRef('c.id', '=', 'd.customer_id'),
      )
      .select(['d.id', 'd.customer_id', 'd.kind'])
      .where('d.tenant_id', '=', t.ctx.tenantId)
      .where('c.account_number', '=', 'CHARLIE')
      .executeTakeFirstOrThrow();
    expect(doc.kind).toBe('demand_letter');
    const { meta, content } = await getDocument(t.ctx, doc.id);
    expect(content.subarray(0, 5).toString()).toBe('%PDF-');
    const text = (await extractPdfText(content)).join('\n');
    expect(text).toContain('Charlie Clinics');
    expect(text).toContain('9 Elm St');
    expect(text).toContain('Demand for payment');
    expect(text).toMatch(/C-1 .*2026-05-17 .*45 .*700\.00 .*700\.00/);
    expect(text).toMatch(/C-2 .*2026-07-20 .*300\.00/);
    const ledger = await sql<{ ar: bigint }>`select sum(l.amount_minor)::bigint as ar from journal_lines l
      join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id and a.role = 'ar_control'
      where l.tenant_id = ${t.ctx.tenantId} and l.customer_id = ${doc.customer_id}`.execute(t.database.db);
    expect(ledger.rows[0]?.ar).toBe(100_000n);
    expect(text).toContain('Total due 1,000.00 USD');
    // The aging summary: 700.00 in 31–60, 300.00 current.
    expect(text).toMatch(/USD 300\.00 0\.00 700\.00 0\.00 0\.00 0\.00/);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('tenant_id', '=', t.ctx.tenantId)
      .where('object_id', '=', doc.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['document.created']);
    expect(JSON.stringify(audit[0]?.after)).toContain(meta.sha256);
  });

  it('records every email sent and every status change in the audit trail, and the chain verifies', async () => {
    const rows = await t.database.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('tenant_id', '=', t.ctx.tenantId)
      .where('action', 'in', ['email.sent', 'dunning.notice_created', 'job.done'])
      .execute();
    const count = (a: string) => rows.filter((r) => r.action === a).length;
    expect(count('email.sent')).toBe(sink.messages.length);
    expect(count('dunning.notice_created')).toBe(6);
    expect(count('job.done')).toBeGreaterThanOrEqual(6);
    const report = await verifyAuditChain(t.ctx);
    expect(report.ok).toBe(true);
  });
});
