import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { addDays, type LocalDate } from '../../core/local-date.ts';
import {
  buildExperimentReport,
  createExperiment,
  findVariant,
  getExperiment,
  startExperiment,
  stopExperiment,
} from './index.ts';

/**
 * Forty accounts in two segments, each owing one invoice 15 days past due on 2026-05-01, when the
 * experiment starts. Accounts on the challenger then pay 5 to 14 days after the start; accounts on the
 * champion pay 35 to 44 days after, except every fourth, which never pays. Champion accounts get two
 * calls each, challenger accounts one email.
 */
const TODAY = '2026-06-30' as LocalDate;
const START = '2026-05-01' as LocalDate;
let t: TestDatabase;
const accounts = Array.from({ length: 40 }, (_, i) => `E${String(i).padStart(2, '0')}`);

beforeAll(async () => {
  t = await createTestDatabase({ today: TODAY });
  await importCsv(
    t.ctx,
    'customers',
    csv([
      'account_number,name,terms,segment',
      ...accounts.map((a, i) => `${a},Customer ${a},NET30,${i % 2 === 0 ? 'large' : 'small'}`),
    ]),
  );
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,due_date,amount',
      ...accounts.map((a) => `${a}-1,${a},invoice,2026-03-17,2026-04-16,1000.00`),
    ]),
  );
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('a champion/challenger experiment, end to end', () => {
  it('assigns the eligible accounts at random, stratified and reproducibly', async () => {
    const e = await createExperiment(t.ctx, {
      code: 'dun-2026-05',
      name: 'Earlier first reminder',
      seed: 2026,
      stratifyBy: 'segment',
      population: { pastDueOnly: true },
      settings: { paidWithinDays: 30, costs: { call: '4.00', email: '0.05' } },
      variants: [
        { key: 'A', name: 'current strategy', control: true, config: { strategy: 'dst_current' } },
        { key: 'B', name: 'reminder at day 3', config: { strategy: 'dst_early' } },
      ],
    });
    expect(e.status).toBe('draft');
    const started = await startExperiment(t.ctx, 'dun-2026-05', { date: START });
    expect(started).toMatchObject({ status: 'running', startedOn: START, seed: '2026' });
    // Stratified: each segment of 20 splits 10/10.
    expect(started.assignments).toEqual([
      { variant: 'A', stratum: 'large', accounts: 10 },
      { variant: 'A', stratum: 'small', accounts: 10 },
      { variant: 'B', stratum: 'large', accounts: 10 },
      { variant: 'B', stratum: 'small', accounts: 10 },
    ]);
    await expect(startExperiment(t.ctx, 'dun-2026-05')).rejects.toMatchObject({
      code: 'experiments.wrong_status',
    });

    // The same seed and population give the same assignment (another subject, so both may hold it).
    await createExperiment(t.ctx, {
      code: 'replay',
      name: 'replay',
      subject: 'replay',
      seed: 2026,
      stratifyBy: 'segment',
      population: { pastDueOnly: true },
      variants: [{ key: 'A', control: true }, { key: 'B' }],
    });
    await startExperiment(t.ctx, 'replay', { date: START });
    const pairs = await sql<{ a: string; b: string }>`
      select x.variant_key as a, y.variant_key as b from experiment_assignments x
      join experiments ex on ex.id = x.experiment_id and ex.code = 'dun-2026-05'
      join experiment_assignments y on y.customer_id = x.customer_id
      join experiments ey on ey.id = y.experiment_id and ey.code = 'replay'`.execute(t.database.db);
    expect(pairs.rows).toHaveLength(40);
    expect(pairs.rows.every((p) => p.a === p.b)).toBe(true);
  });

  it('tells dunning each account’s variant while running', async () => {
    const customer = await t.database.db
      .selectFrom('customers')
      .select('id')
      .where('account_number', '=', 'E00')
      .executeTakeFirstOrThrow();
    const v = await findVariant(t.database.db, t.ctx.tenantId, 'dun-2026-05', customer.id);
    expect(['A', 'B']).toContain(v?.variant);
    expect(v?.config).toEqual({ strategy: v?.variant === 'A' ? 'dst_current' : 'dst_early' });
    expect(v?.control).toBe(v?.variant === 'A');
    const byId = await findVariant(t.database.db, t.ctx.tenantId, v?.experimentId as string, customer.id);
    expect(byId?.variant).toBe(v?.variant);
    expect(await findVariant(t.database.db, t.ctx.tenantId, 'dun-2026-05', 'cus_nobody')).toBeNull();
  });

  it('reports cash, days to pay, roll rates, cost of contact and the tests per variant', async () => {
    const rows = await sql<{ account_number: string; id: string; variant_key: string }>`
      select c.account_number, c.id, a.variant_key from experiment_assignments a
      join experiments e on e.id = a.experiment_id and e.code = 'dun-2026-05'
      join customers c on c.id = a.customer_id order by c.account_number`.execute(t.database.db);
    const history: string[] = [];
    const activities: string[] = [];
    rows.rows.forEach((r, i) => {
      const challenger = r.variant_key === 'B';
      if (!challenger && i % 4 === 0) return;
      const paid = addDays(START, (challenger ? 5 : 35) + (i % 10));
      history.push(
        `P-${r.account_number},${paid},1000.00,USD,x,ach,${r.account_number},${r.account_number}-1,invoice,1000.00`,
      );
    });
    for (const r of rows.rows) {
      const kinds = r.variant_key === 'A' ? ['call', 'call'] : ['email'];
      for (const k of kinds) activities.push(`('${r.id}', '${k}')`);
    }
    await importCsv(
      t.ctx,
      'history',
      csv([
        'receipt_reference,receipt_date,receipt_amount,currency,payer_name,method,account_number,invoice_number,kind,applied_amount',
        ...history,
      ]),
    );
    await sql`insert into collection_activities (tenant_id, id, customer_id, kind, occurred_at, created_by)
      select ${t.ctx.tenantId}, 'act_' || md5(random()::text), v.cid, v.kind, '2026-05-10T10:00:00Z', 'test'
      from (values ${sql.raw(activities.join(', '))}) as v(cid, kind)`.execute(t.database.db);

    const report = await buildExperimentReport(t.database.db, t.ctx.tenantId, 'dun-2026-05', { asOf: TODAY });
    expect(report).toMatchObject({
      start: START,
      end: TODAY,
      checkpoint: '2026-05-31',
      champion: 'A',
      horizonReached: true,
    });
    const a = report.variants.find((v) => v.variant === 'A');
    const b = report.variants.find((v) => v.variant === 'B');
    expect(a).toMatchObject({
      accounts: 20,
      accountsWithBalance: 20,
      startBalance: { USD: 2_000_000n },
      paidWithinN: 0,
    });
    expect(b).toMatchObject({
      accounts: 20,
      accountsWithBalance: 20,
      payers: 20,
      paidWithinN: 20,
      pastDueAccounts: 20,
      cured: 20,
      collected: { USD: 2_000_000n },
      contacts: { email: 20 },
      contactCostMinor: 100n,
      rollRate: 0,
    });
    expect(a?.payers).toBe(a?.daysToPay.length);
    expect(a?.cured).toBe(a?.payers);
    expect(a?.payers).toBeGreaterThan(10);
    expect(a?.payers).toBeLessThan(20);
    expect(a?.contacts).toEqual({ call: 40 });
    expect(a?.contactCostMinor).toBe(16_000n);
    expect(a?.meanDaysToPay).toBeGreaterThanOrEqual(35);
    expect(b?.meanDaysToPay).toBeLessThanOrEqual(14);
    // Champion accounts unpaid at the checkpoint rolled from 1–30 to 31–60.
    expect(a?.rolls[1]).toMatchObject({
      from: '1-30',
      startMinor: 2_000_000n,
      rolledMinor: 2_000_000n,
      rate: 1,
    });
    const [c] = report.comparisons;
    expect(c).toMatchObject({ challenger: 'B', champion: 'A' });
    expect(c?.daysToPay?.difference).toBeLessThan(-20);
    expect(c?.daysToPay?.p).toBeLessThan(1e-6);
    expect(c?.paidWithinN).toMatchObject({ x1: 20, n1: 20, x2: 0, n2: 20 });
    expect(c?.paidWithinN?.p).toBeLessThan(1e-6);
    expect(c?.cured).toMatchObject({ x1: 20, n1: 20, n2: 20 });
    expect(c?.cured?.x2).toBe(a?.cured);
  });

  it('stops: dunning gets no variant any more, the report covers the run, the audit trail has it all', async () => {
    const stopped = await stopExperiment(t.ctx, 'dun-2026-05', { date: '2026-06-15' as LocalDate });
    expect(stopped).toMatchObject({ status: 'stopped', stoppedOn: '2026-06-15' });
    const customer = await t.database.db
      .selectFrom('experiment_assignments')
      .select('customer_id')
      .executeTakeFirstOrThrow();
    expect(await findVariant(t.database.db, t.ctx.tenantId, 'dun-2026-05', customer.customer_id)).toBeNull();
    const report = await buildExperimentReport(t.database.db, t.ctx.tenantId, 'dun-2026-05', { asOf: TODAY });
    expect(report.end).toBe('2026-06-15');
    expect((await getExperiment(t.database.db, t.ctx.tenantId, 'dun-2026-05')).status).toBe('stopped');
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('object_id', '=', stopped.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((x) => x.action)).toEqual([
      'experiment.created',
      'experiment.started',
      'experiment.stopped',
    ]);
  });
});
