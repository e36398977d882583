import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { fixedClock } from '../../core/clock.ts';
import type { ServiceContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { LocalDate } from '../../core/local-date.ts';
import {
  cancelTask,
  checkContact,
  completeTask,
  createTask,
  getCreditHold,
  listActivities,
  listCreditHolds,
  listTasks,
  logActivity,
  logCall,
  placeCreditHold,
  releaseCreditHold,
} from './index.ts';

/**
 * Activities, tasks, the consumer contact rules and credit holds, on a real database. The clock is
 * stopped at 2026-06-30 12:00 UTC: 08:00 in New York, 05:00 in Los Angeles, 21:00 in Tokyo.
 */
const TODAY = '2026-06-30' as LocalDate;
let t: TestDatabase;
const at = (iso: string): ServiceContext => ({
  ...t.ctx,
  clock: fixedClock(iso.slice(0, 10) as LocalDate, new Date(iso)),
});

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const audits = async (action: string) =>
  t.database.db
    .selectFrom('audit_log')
    .select(['action', 'object_id', 'before', 'after', 'actor'])
    .where('tenant_id', '=', t.ctx.tenantId)
    .where('action', '=', action)
    .execute();

beforeAll(async () => {
  t = await createTestDatabase({ today: TODAY });
  await importCsv(
    t.ctx,
    'customers',
    csv([
      'account_number,name,customer_type,collector,time_zone',
      'NY1,Jane Member,consumer,asmith,',
      'NY2,John Member,consumer,asmith,America/New_York',
      'LA1,Luis Patient,consumer,asmith,America/Los_Angeles',
      'LA2,Coast Clinic,business,bjones,America/Los_Angeles',
      'TK1,Tokyo Member,consumer,bjones,Asia/Tokyo',
      'NY3,Maple Member,consumer,asmith,',
      'B1,Birch Group,business,bjones,',
    ]),
  );
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,issue_date,due_date,amount',
      'N-1,NY1,2026-03-01,2026-03-31,120.00',
      'B-1,B1,2026-03-01,2026-03-31,5000.00',
      'B-2,B1,2026-06-01,2026-07-01,700.00',
    ]),
  );
});
afterAll(() => t?.close());

describe('calls under the consumer contact rules (Regulation F)', () => {
  it('logs a call at 08:00 the consumer’s time, with its outcome, conversation and contact, and audits it', async () => {
    const call = await logCall(t.ctx, {
      customer: { account: 'NY1' },
      outcome: 'left_message',
      contactName: 'Jane',
      notes: 'voicemail, asked for a call back',
      itemIds: ['N-1'],
    });
    expect(call).toMatchObject({
      kind: 'call',
      outcomeCode: 'left_message',
      conversation: false,
      contactName: 'Jane',
    });
    expect(call.itemIds).toHaveLength(1);
    const [audit] = (await audits('collections.call_logged')).filter(
      (a) => (a.after as { activity_id: string }).activity_id === call.id,
    );
    expect(audit?.after).toMatchObject({ outcome: 'left_message', calls_in_last_7_days: 1 });
    // Protected health information stays out of the audit trail.
    expect(JSON.stringify(audit)).not.toContain('Jane');
  });

  it('refuses a call outside 08:00–21:00 in the consumer’s time zone, with the reason, and writes nothing', async () => {
    const early = await failure(logCall(t.ctx, { customer: { account: 'LA1' }, outcome: 'no_answer' }));
    expect(early.code).toBe('collections.contact_window');
    expect(early.kind).toBe('conflict');
    expect(early.message).toMatch(/05:00 for the customer \(America\/Los_Angeles\).*between 08:00 and 21:00/);
    const late = await failure(logCall(t.ctx, { customer: { account: 'TK1' }, outcome: 'no_answer' }));
    expect(late.code).toBe('collections.contact_window');
    expect(await listActivities(t.database.db, t.ctx.tenantId, { account: 'LA1' })).toEqual([]);
  });

  it('takes the tenant’s time zone when the customer has none (default America/New_York)', async () => {
    // 07:59 in New York refused, 08:00 allowed (NY3 has no zone of its own).
    expect(
      (
        await failure(
          logCall(at('2026-06-30T11:59:00Z'), { customer: { account: 'NY3' }, outcome: 'no_answer' }),
        )
      ).code,
    ).toBe('collections.contact_window');
    await logCall(at('2026-06-30T12:00:00Z'), { customer: { account: 'NY3' }, outcome: 'no_answer' });
    await t.database.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify({ time_zone: 'America/Los_Angeles' }) })
      .where('id', '=', t.ctx.tenantId)
      .execute();
    try {
      expect(
        (
          await failure(
            logCall(at('2026-06-30T14:00:00Z'), { customer: { account: 'NY3' }, outcome: 'no_answer' }),
          )
        ).code,
      ).toBe('collections.contact_window');
    } finally {
      await t.database.db
        .updateTable('tenants')
        .set({ settings: '{}' })
        .where('id', '=', t.ctx.tenantId)
        .execute();
    }
  });

  it('allows seven attempts in seven days and refuses the eighth', async () => {
    for (let i = 0; i < 7; i++) {
      const hour = String(13 + i).padStart(2, '0');
      await logCall(at(`2026-06-24T${hour}:00:00Z`), { customer: { account: 'NY2' }, outcome: 'no_answer' });
    }
    const eighth = await failure(
      logCall(at('2026-06-30T13:00:00Z'), { customer: { account: 'NY2' }, outcome: 'no_answer' }),
    );
    expect(eighth.code).toBe('collections.contact_frequency');
    expect(eighth.message).toMatch(/7 call attempts in the last 7 days; this would be attempt 8/);
    const check = await checkContact(at('2026-06-30T13:00:00Z'), { account: 'NY2' });
    expect(check).toMatchObject({
      allowed: false,
      code: 'collections.contact_frequency',
      callsInLast7Days: 7,
    });
    // A week after the first attempt (2026-06-24 13:00 UTC) it drops out of the count.
    await logCall(at('2026-07-01T13:00:00Z'), { customer: { account: 'NY2' }, outcome: 'no_answer' });
  });

  it('refuses any call within seven days after a conversation', async () => {
    await logCall(at('2026-06-20T15:00:00Z'), {
      customer: { account: 'NY1' },
      outcome: 'reached',
      conversation: true,
    });
    const again = await failure(
      logCall(at('2026-06-26T15:00:00Z'), { customer: { account: 'NY1' }, outcome: 'no_answer' }),
    );
    expect(again.code).toBe('collections.contact_frequency');
    expect(again.message).toMatch(
      /reached in a conversation on 2026-06-20T15:00:00.000Z; no further call until 2026-06-27T15:00:00.000Z/,
    );
    await logCall(at('2026-06-27T15:00:00Z'), { customer: { account: 'NY1' }, outcome: 'no_answer' });
  });

  it('does not apply the consumer rules to a business account, unless the team sets its own limit', async () => {
    await logCall(t.ctx, { customer: { account: 'LA2' }, outcome: 'reached', conversation: true });
    await logCall(t.ctx, { customer: { account: 'LA2' }, outcome: 'reached', conversation: true });
    await t.database.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify({ business_calls_per_7_days: 2 }) })
      .where('id', '=', t.ctx.tenantId)
      .execute();
    try {
      const refused = await failure(logCall(t.ctx, { customer: { account: 'LA2' }, outcome: 'no_answer' }));
      expect(refused.code).toBe('collections.contact_frequency');
      expect(refused.message).toMatch(/team's policy allows 2/);
    } finally {
      await t.database.db
        .updateTable('tenants')
        .set({ settings: '{}' })
        .where('id', '=', t.ctx.tenantId)
        .execute();
    }
  });
});

describe('tasks', () => {
  it('refuses to work a call task on a consumer account outside the window, and leaves it open', async () => {
    const task = await createTask(t.ctx, {
      customer: { account: 'LA1' },
      dueDate: TODAY,
      notes: 'call about N-1',
    });
    expect(task).toMatchObject({ kind: 'task', status: 'open', assignedTo: 'asmith', dueDate: TODAY });
    const refused = await failure(
      completeTask(t.ctx, task.id, { call: { outcome: 'reached', conversation: true } }),
    );
    expect(refused.code).toBe('collections.contact_window');
    const [still] = await listTasks(t.database.db, t.ctx.tenantId, { customerId: task.customer.id });
    expect(still?.status).toBe('open');
    // Later that day (10:00 in Los Angeles) the call goes through and closes the task.
    const done = await completeTask(at('2026-06-30T17:00:00Z'), task.id, {
      call: { outcome: 'reached', conversation: true },
    });
    expect(done.status).toBe('done');
    const history = await listActivities(t.database.db, t.ctx.tenantId, { account: 'LA1' });
    expect(history.map((a) => a.kind)).toEqual(['call', 'task']);
    expect(history[0]?.relatedId).toBe(task.id);
  });

  it('lists tasks by assignee and due date, and closes them once', async () => {
    const a = await createTask(t.ctx, {
      customer: { account: 'B1' },
      dueDate: '2026-07-02' as LocalDate,
      notes: 'send statement',
      assignedTo: 'carol',
    });
    const b = await createTask(t.ctx, {
      customer: { account: 'B1' },
      dueDate: '2026-07-09' as LocalDate,
      notes: 'call AP',
      assignedTo: 'carol',
    });
    const dueByFifth = await listTasks(t.database.db, t.ctx.tenantId, {
      assignee: 'carol',
      dueBy: '2026-07-05' as LocalDate,
    });
    expect(dueByFifth.map((x) => x.id)).toEqual([a.id]);
    expect((await listTasks(t.database.db, t.ctx.tenantId, { assignee: 'carol' })).map((x) => x.id)).toEqual([
      a.id,
      b.id,
    ]);
    await completeTask(t.ctx, a.id, { note: 'sent' });
    await cancelTask(t.ctx, b.id, { reason: 'paid meanwhile' });
    expect(await listTasks(t.database.db, t.ctx.tenantId, { assignee: 'carol' })).toEqual([]);
    expect((await failure(completeTask(t.ctx, a.id))).code).toBe('collections.task_closed');
    expect((await audits('collections.task_cancelled')).map((x) => x.object_id)).toContain(b.id);
    // A portfolio-scoped analyst does not see other collectors' tasks.
    expect((await failure(completeTask(t.ctx, a.id, {}, { portfolioOf: 'asmith' }))).code).toBe(
      'collections.task_not_found',
    );
  });
});

describe('emails, notes, escalations and the account history', () => {
  it('keeps every kind newest first', async () => {
    await logActivity(at('2026-06-30T13:00:00Z'), {
      customer: { account: 'B1' },
      kind: 'email',
      outcome: 'sent',
      notes: 'statement sent',
    });
    await logActivity(at('2026-06-30T14:00:00Z'), {
      customer: { account: 'B1' },
      kind: 'note',
      notes: 'AP says invoice B-1 approved',
    });
    await logActivity(at('2026-06-30T15:00:00Z'), {
      customer: { account: 'B1' },
      kind: 'escalation',
      assignedTo: 'manager',
      notes: '90 days',
    });
    const history = await listActivities(
      t.database.db,
      t.ctx.tenantId,
      { account: 'B1' },
      { kinds: ['email', 'note', 'escalation'] },
    );
    expect(history.map((a) => a.kind)).toEqual(['escalation', 'note', 'email']);
    expect(history[0]?.assignedTo).toBe('manager');
    const page = await listActivities(
      t.database.db,
      t.ctx.tenantId,
      { account: 'B1' },
      {
        kinds: ['email', 'note', 'escalation'],
        limit: 1,
        before: [history[0]?.occurredAt as Date, history[0]?.id as string],
      },
    );
    expect(page.map((a) => a.kind)).toEqual(['note']);
  });

  it('refuses a note without text, a call logged as an activity, and a bad outcome code', async () => {
    expect((await failure(logActivity(t.ctx, { customer: { account: 'B1' }, kind: 'note' }))).kind).toBe(
      'invalid',
    );
    expect(
      (await failure(logActivity(t.ctx, { customer: { account: 'B1' }, kind: 'call' as never }))).kind,
    ).toBe('invalid');
    expect(
      (await failure(logCall(t.ctx, { customer: { account: 'B1' }, outcome: 'Left Message!' }))).kind,
    ).toBe('invalid');
    expect((await failure(logCall(t.ctx, { customer: { account: 'NOPE' }, outcome: 'reached' }))).code).toBe(
      'collections.customer_not_found',
    );
  });
});

describe('credit holds', () => {
  it('places and releases a hold with reasons, audited, at most one in force', async () => {
    const on = await placeCreditHold(t.ctx, { account: 'B1' }, { reason: 'over 90 days past due' });
    expect(on).toMatchObject({ onHold: true, hold: { reason: 'over 90 days past due', placedBy: 'test' } });
    // B-1 due 2026-03-31: 91 days past due on 2026-06-30, more than 60 → suspension recommended.
    expect(on.daysPastDue).toBe(91);
    expect(on.pastDue).toEqual([{ amountMinor: 500_000n, currency: 'USD' }]);
    expect(on.suspension).toEqual({
      recommended: true,
      reason: 'on hold and 91 days past due (more than 60): recommend suspending service',
    });
    expect((await failure(placeCreditHold(t.ctx, { account: 'B1' }, { reason: 'again' }))).code).toBe(
      'collections.hold_in_force',
    );
    expect(
      (await listCreditHolds(t.database.db, t.ctx.tenantId, TODAY)).map((h) => h.customer.accountNumber),
    ).toEqual(['B1']);

    const off = await releaseCreditHold(t.ctx, { account: 'B1' }, { reason: 'paid in full promised' });
    expect(off).toMatchObject({ onHold: false, hold: null, suspension: { recommended: false } });
    expect((await failure(releaseCreditHold(t.ctx, { account: 'B1' }, { reason: 'twice' }))).code).toBe(
      'collections.no_hold',
    );
    expect(await listCreditHolds(t.database.db, t.ctx.tenantId, TODAY)).toEqual([]);
    expect((await getCreditHold(t.database.db, t.ctx.tenantId, { account: 'B1' }, TODAY)).onHold).toBe(false);

    const placed = await audits('collections.credit_hold_placed');
    const released = await audits('collections.credit_hold_released');
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({
      before: { on_hold: false },
      after: { on_hold: true, reason: 'over 90 days past due' },
    });
    expect(released[0]).toMatchObject({ after: { on_hold: false, release_reason: 'paid in full promised' } });
    const history = await listActivities(
      t.database.db,
      t.ctx.tenantId,
      { account: 'B1' },
      { kinds: ['credit_hold', 'credit_release'] },
    );
    expect(history.map((a) => a.kind)).toEqual(['credit_release', 'credit_hold']);
    // A new hold can be placed after a release (the unique index covers holds in force only).
    await placeCreditHold(t.ctx, { account: 'B1' }, { reason: 'broken promise' });
    await releaseCreditHold(t.ctx, { account: 'B1' }, { reason: 'plan agreed' });
  });

  it('needs a reason', async () => {
    expect((await failure(placeCreditHold(t.ctx, { account: 'B1' }, { reason: '  ' }))).kind).toBe('invalid');
  });
});
