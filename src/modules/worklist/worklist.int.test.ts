import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { addDays, diffDays, type LocalDate } from '../../core/local-date.ts';
import { buildTeamLoad, buildWorklist, calibrateRiskModel } from './index.ts';
import { BUILT_IN_MODEL, predictLateProbability } from './logic/risk-model.ts';
import { findAccountFacts } from './worklist.repo.ts';

/**
 * A built portfolio with known behaviour, as of 2026-06-30 (collector amy unless said):
 * - LATE: six invoices paid 60 days after due; two open, 45 days past due (5,000.00 each).
 * - GOOD: six invoices paid 2 days early; one open, 10 days past due (10,000.00).
 * - DISP: one invoice 40 days past due (5,000.00), wholly in an open dispute.
 * - PROM: 3,000.00, 20 days past due; two promises broken in the last 90 days, one open for tomorrow.
 * - LIMIT: 4,000.00, 5 days past due, credit limit 1,000.00.
 * - TASK: nothing open; a task due yesterday.
 * - BEN1 (collector ben): 90,000.00, 100 days past due.
 */
const TODAY = '2026-06-30' as LocalDate;
let t: TestDatabase;

const customers = csv([
  'account_number,name,terms,credit_limit,collector,customer_type',
  'LATE,Late Payer Inc,NET30,,amy,business',
  'GOOD,Good Payer LLC,NET30,,amy,business',
  'DISP,Disputing Co,NET30,,amy,business',
  'PROM,Promising Partners,NET30,,amy,business',
  'LIMIT,Limit Breaker,NET30,1000.00,amy,business',
  'TASK,Task Only Ltd,NET30,,amy,business',
  'BEN1,Ben Big Account,NET30,,ben,business',
]);

function history(account: string, paidOffset: number) {
  const invoices: string[] = [];
  const receipts: string[] = [];
  for (let k = 0; k < 6; k++) {
    const issue = addDays('2025-09-01' as LocalDate, 30 * k);
    const due = addDays(issue, 30);
    const paid = addDays(due, paidOffset);
    const number = `${account}-H${k}`;
    invoices.push(`${number},${account},invoice,${issue},${due},1000.00`);
    receipts.push(`R-${number},${paid},1000.00,USD,${account},ach,${account},${number},invoice,1000.00`);
  }
  return { invoices, receipts };
}

beforeAll(async () => {
  t = await createTestDatabase({ today: TODAY });
  await importCsv(t.ctx, 'customers', customers);
  const late = history('LATE', 60);
  const good = history('GOOD', -2);
  const dueAgo = (days: number) => addDays(TODAY, -days);
  const open = [
    `LATE-1,LATE,invoice,${addDays(dueAgo(45), -30)},${dueAgo(45)},5000.00`,
    `LATE-2,LATE,invoice,${addDays(dueAgo(45), -30)},${dueAgo(45)},5000.00`,
    `GOOD-1,GOOD,invoice,${addDays(dueAgo(10), -30)},${dueAgo(10)},10000.00`,
    `DISP-1,DISP,invoice,${addDays(dueAgo(40), -30)},${dueAgo(40)},5000.00`,
    `PROM-1,PROM,invoice,${addDays(dueAgo(20), -30)},${dueAgo(20)},3000.00`,
    `LIMIT-1,LIMIT,invoice,${addDays(dueAgo(5), -30)},${dueAgo(5)},4000.00`,
    `BEN1-1,BEN1,invoice,${addDays(dueAgo(100), -30)},${dueAgo(100)},90000.00`,
  ];
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,due_date,amount',
      ...late.invoices,
      ...good.invoices,
      ...open,
    ]),
  );
  await importCsv(
    t.ctx,
    'history',
    csv([
      'receipt_reference,receipt_date,receipt_amount,currency,payer_name,method,account_number,invoice_number,kind,applied_amount',
      ...late.receipts,
      ...good.receipts,
    ]),
  );
  const id = async (account: string) =>
    (
      await t.database.db
        .selectFrom('customers')
        .select('id')
        .where('account_number', '=', account)
        .executeTakeFirstOrThrow()
    ).id;
  const tenant = t.ctx.tenantId;
  await sql`insert into disputes (tenant_id, id, customer_id, currency, amount_minor, reason_code, owner, opened_on, created_by)
    values (${tenant}, 'dsp_1', ${await id('DISP')}, 'USD', 500000, 'pricing', 'dana', '2026-06-01', 'test')`.execute(
    t.database.db,
  );
  const prom = await id('PROM');
  await sql`insert into promises (tenant_id, id, customer_id, currency, amount_minor, promised_date, status, made_on, resolved_on, created_by)
    values (${tenant}, 'prm_1', ${prom}, 'USD', 100000, '2026-05-15', 'broken', '2026-05-01', '2026-05-20', 'test'),
           (${tenant}, 'prm_2', ${prom}, 'USD', 100000, '2026-06-10', 'broken', '2026-06-01', '2026-06-15', 'test'),
           (${tenant}, 'prm_3', ${prom}, 'USD', 100000, '2026-01-10', 'broken', '2026-01-01', '2026-01-15', 'test'),
           (${tenant}, 'prm_4', ${prom}, 'USD', 100000, '2026-07-01', 'open', '2026-06-29', null, 'test')`.execute(
    t.database.db,
  );
  await sql`insert into collection_activities (tenant_id, id, customer_id, kind, notes, occurred_at, due_date, assigned_to, status, created_by)
    values (${tenant}, 'act_1', ${await id('TASK')}, 'task', 'send the W-9', now(), '2026-06-29', null, 'open', 'test'),
           (${tenant}, 'act_2', ${await id('BEN1')}, 'task', 'covering for ben', now(), '2026-06-30', 'amy', 'open', 'test'),
           (${tenant}, 'act_3', ${await id('GOOD')}, 'task', 'not yet', now(), '2026-07-15', null, 'open', 'test')`.execute(
    t.database.db,
  );
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('the worklist', () => {
  it('ranks a collector’s accounts by expected unpaid amount and its multipliers, with reasons', async () => {
    const w = await buildWorklist(t.ctx, { collector: 'amy' });
    expect(w.date).toBe(TODAY);
    expect(w.model.source).toBe('built-in');
    const order = w.rows.map((r) => r.accountNumber);
    // LATE (10,000 at high risk) before GOOD (10,000 at low risk); DISP is routed off the list.
    expect(order.indexOf('LATE')).toBeLessThan(order.indexOf('GOOD'));
    expect(order).not.toContain('DISP');
    expect(order).toContain('TASK');
    expect(order).toContain('BEN1'); // a task assigned to amy on ben's account
    const late = w.rows.find((r) => r.accountNumber === 'LATE');
    const good = w.rows.find((r) => r.accountNumber === 'GOOD');
    expect(late?.rank).toBe(1);
    expect(late?.probability).toBeGreaterThan(0.5);
    expect(late?.probability).toBeGreaterThan(2 * (good?.probability ?? 1));
    expect(good?.probability).toBeLessThan(0.3);
    expect(late?.reasons[0]).toBe('10,000.00 USD past due on 2 of 2 open items, oldest 45 days past due');
    expect(late?.reasons[1]).toMatch(
      /^\d+ % of the balance likely to be paid late or not at all: 8 of 8 invoices paid more than 30 days late or not at all, paid on average 60 days late$/,
    );
    expect(good?.reasons[1]).toMatch(
      /0 of 6 invoices paid more than 30 days late or not at all, paid on time/,
    );
    const prom = w.rows.find((r) => r.accountNumber === 'PROM');
    expect(prom?.reasons).toContain('2 broken promises in the last 90 days');
    expect(prom?.reasons).toContain('promise of 1,000.00 USD falls due tomorrow (2026-07-01): remind');
    const limit = w.rows.find((r) => r.accountNumber === 'LIMIT');
    expect(limit?.reasons).toContain('over the credit limit by 3,000.00 USD (limit 1,000.00 USD)');
    const task = w.rows.find((r) => r.accountNumber === 'TASK');
    expect(task?.score).toBe(0);
    expect(task?.reasons).toEqual(['task overdue since 2026-06-29: send the W-9']);
    const ben = w.rows.find((r) => r.accountNumber === 'BEN1');
    expect(ben?.tasks.map((x) => x.id)).toEqual(['act_2']);
    // GOOD's task is due later: not on today's list.
    expect(good?.tasks).toEqual([]);
    const scores = w.rows.filter((r) => r.score > 0).map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('keeps accounts with a task due whatever the limit', async () => {
    const w = await buildWorklist(t.ctx, { collector: 'amy', limit: 1 });
    expect(w.rows.map((r) => r.accountNumber)).toEqual(['LATE', 'BEN1', 'TASK']);
    expect(w.candidates).toBeGreaterThan(3);
  });

  it('computes each item’s probability in SQL exactly as the model does in code', async () => {
    const facts = await findAccountFacts(t.database.db, t.ctx.tenantId, {
      asOf: TODAY,
      model: BUILT_IN_MODEL,
      scope: { collector: 'amy' },
    });
    const late = facts.find((f) => f.account_number === 'LATE');
    expect(late).toMatchObject({
      observed: 8,
      late: 8,
      debits: 1_000_000n,
      past_due: 1_000_000n,
      max_dpd: 45,
    });
    const behaviour = {
      observed: late?.observed ?? 0,
      late: late?.late ?? 0,
      meanDaysLate: late?.mean_late ?? 0,
      daysSincePayment: late?.days_since_payment ?? null,
    };
    expect(behaviour.meanDaysLate).toBe(60);
    // The last payment: the sixth history invoice (issued 150 days after the first, NET30), 60 days late.
    const lastPaid = addDays(addDays('2025-09-01' as LocalDate, 150), 30 + 60);
    expect(behaviour.daysSincePayment).toBe(diffDays(TODAY, lastPaid));
    const p = predictLateProbability(BUILT_IN_MODEL, behaviour, 45);
    expect(Number(late?.expected_past_due)).toBe(Math.round(1_000_000 * p));
  });

  it('shows everyone’s accounts without a collector, and the team’s load per collector', async () => {
    const all = await buildWorklist(t.ctx, { limit: 100 });
    expect(all.rows[0]?.accountNumber).toBe('BEN1');
    const team = await buildTeamLoad(t.ctx);
    const amy = team.rows.find((r) => r.collector === 'amy');
    const ben = team.rows.find((r) => r.collector === 'ben');
    expect(amy).toMatchObject({
      currency: 'USD',
      accounts: 6,
      accountsWithBalance: 5,
      balanceMinor: 3_200_000n,
      pastDueMinor: 3_200_000n,
      disputedMinor: 500_000n,
      // act_1 (due), act_2 (assigned to amy on ben's account, due), act_3 (due later)
      openTasks: 3,
      tasksDue: 2,
    });
    expect(ben).toMatchObject({ accounts: 1, balanceMinor: 9_000_000n, openTasks: 0 });
    expect(amy?.promisesDue).toBe(1);
    const only = await buildTeamLoad(t.ctx, { collector: 'ben' });
    expect(only.rows.map((r) => r.collector)).toEqual(['ben']);
  });

  it('checks the model against history and refuses to fit on too little', async () => {
    const report = await calibrateRiskModel(t.ctx, { minSamples: 2 });
    expect(report.holdout).toBe('2026-05-16');
    expect(report.current.summary.samples).toBeGreaterThan(0);
    await expect(calibrateRiskModel(t.ctx, { fit: true })).rejects.toMatchObject({
      code: 'worklist.not_enough_history',
    });
  });
});
