import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, TEST_PASSWORD } from '../../../test/support/api-harness.ts';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { createApiToken, createUser } from '../../modules/identity/index.ts';
import { collectionsRoutes } from './collections.routes.ts';

/**
 * Collections over HTTP. The harness clock stands at 2026-06-30 12:00 UTC: 08:00 in New York (the
 * tenant's default zone), 05:00 in Los Angeles. M1 and M2 are consumers (patients) of asmith's.
 */
let h: ApiHarness;
let scoped: string;

interface Problem {
  status: number;
  code: string;
  detail: string;
}
type Json = Record<string, unknown> & {
  id: string;
  items: Json[];
  status: string;
  customer: { name: string; accountNumber: string };
};

const post = async (path: string, body: unknown, as: Parameters<ApiHarness['request']>[2] = {}) => {
  const res = await h.request('POST', path, { body, ...as });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.json()) as Json & Problem,
  };
};
const get = async (path: string, as: Parameters<ApiHarness['request']>[2] = {}) => {
  const res = await h.request('GET', path, as);
  return { status: res.status, body: (await res.json()) as Json & Problem };
};

beforeAll(async () => {
  h = await createApiHarness({ today: '2026-06-30' as LocalDate });
  await importCsv(
    h.ctx,
    'customers',
    csv([
      'account_number,name,customer_type,collector,time_zone',
      'M1,Mary Patient,consumer,asmith,',
      'M2,Larry Patient,consumer,asmith,America/Los_Angeles',
      'B1,Birch Group,business,bjones,America/Los_Angeles',
      'B2,Beech Partners,business,bjones,',
    ]),
  );
  await importCsv(
    h.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,issue_date,due_date,amount',
      'M-1,M1,2026-03-01,2026-03-31,250.00',
      'M-2,M2,2026-03-01,2026-03-31,80.00',
      'B-1,B1,2026-03-01,2026-03-31,4000.00',
      'B-2,B2,2026-05-01,2026-05-31,900.00',
    ]),
  );
  await createUser(h.ctx, {
    username: 'asmith',
    role: 'analyst',
    portfolioScoped: true,
    password: TEST_PASSWORD,
  });
  scoped = (await createApiToken(h.ctx, { username: 'asmith', name: 'tests' })).token;
}, 120_000);
afterAll(() => h?.close());

describe('consumer contact rules (the acceptance)', () => {
  it('refuses a call outside 08:00–21:00 local time with 409 collections.contact_window and a clear reason', async () => {
    const r = await post('/api/customers/M2/calls', { outcome: 'no_answer' }, { as: 'analyst' });
    expect(r.status).toBe(409);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.code).toBe('collections.contact_window');
    expect(r.body.detail).toBe(
      'call to M2 refused: it is 05:00 for the customer (America/Los_Angeles); consumers may be called only between 08:00 and 21:00 their time (Regulation F)',
    );
    const check = await get('/api/customers/M2/contact-check', { as: 'auditor' });
    expect(check.body).toMatchObject({
      allowed: false,
      code: 'collections.contact_window',
      localTime: '2026-06-30T05:00',
    });
    // A business account in the same zone is outside those rules.
    expect((await post('/api/customers/B1/calls', { outcome: 'reached', conversation: true })).status).toBe(
      201,
    );
  });

  it('refuses a call task for a consumer outside the window and leaves it open', async () => {
    const task = await post(
      '/api/customers/M2/tasks',
      { dueDate: '2026-06-30', notes: 'call about M-2' },
      { as: 'analyst' },
    );
    expect(task.status).toBe(201);
    const r = await post(
      `/api/tasks/${task.body.id}/done`,
      { call: { outcome: 'reached' } },
      { as: 'analyst' },
    );
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('collections.contact_window');
    const open = await get('/api/tasks?assignee=asmith&due=2026-06-30');
    expect(open.body.items.map((x) => x.id)).toContain(task.body.id);
  });

  it('allows seven attempts in seven days and refuses the eighth with 409 collections.contact_frequency', async () => {
    for (let i = 1; i <= 7; i++) {
      const r = await post('/api/customers/M1/calls', { outcome: 'no_answer' }, { as: 'analyst' });
      expect(r.status, `attempt ${i}`).toBe(201);
    }
    const eighth = await post('/api/customers/M1/calls', { outcome: 'no_answer' }, { as: 'analyst' });
    expect(eighth.status).toBe(409);
    expect(eighth.body.code).toBe('collections.contact_frequency');
    expect(eighth.body.detail).toMatch(
      /7 call attempts in the last 7 days; this would be attempt 8, over Regulation F's limit/,
    );
    const history = await get('/api/customers/M1/activities?kind=call&limit=50');
    expect(history.body.items).toHaveLength(7);
  });
});

describe('protected health information on consumer accounts', () => {
  it('masks names, contact names and notes for roles without phi:read, and audits unmasked reads', async () => {
    await post(
      '/api/customers/M1/activities',
      { kind: 'note', contactName: 'Mary', notes: 'diabetes claim pending' },
      { as: 'analyst' },
    );
    const masked = await get('/api/customers/M1/activities?kind=note', { as: 'analyst' });
    expect(masked.body.items[0]).toMatchObject({
      contactName: 'M•••',
      notes: 'd•••',
      customer: { name: 'M•••' },
    });
    const plain = await get('/api/customers/M1/activities?kind=note', { as: 'manager' });
    expect(plain.body.items[0]).toMatchObject({
      contactName: 'Mary',
      notes: 'diabetes claim pending',
      customer: { name: 'Mary Patient' },
    });
    const reads = await h.database.db
      .selectFrom('audit_log')
      .select(['actor', 'object_id'])
      .where('action', '=', 'phi.read')
      .where('actor', '=', 'manager')
      .execute();
    expect(reads.length).toBeGreaterThan(0);
    // Business accounts are not masked.
    await post(
      '/api/customers/B2/activities',
      { kind: 'note', notes: 'AP contact changed' },
      { as: 'analyst' },
    );
    expect(
      (await get('/api/customers/B2/activities?kind=note', { as: 'analyst' })).body.items[0]?.notes,
    ).toBe('AP contact changed');
  });

  it('keeps a portfolio-scoped analyst to their own customers', async () => {
    expect((await get('/api/customers/B2/activities', { as: { token: scoped } })).status).toBe(404);
    expect(
      (await post('/api/customers/B2/credit-hold', { reason: 'x' }, { as: { token: scoped } })).status,
    ).toBe(404);
    expect((await get('/api/customers/M1/activities', { as: { token: scoped } })).status).toBe(200);
  });
});

describe('promises, plans and evaluation', () => {
  it('records a promise (replayed with the same Idempotency-Key), keeps it from cash, and cancels another', async () => {
    const key = { headers: { 'idempotency-key': 'promise-b2-1' } };
    const first = await post(
      '/api/customers/B2/promises',
      { amount: '900.00', promisedDate: '2026-07-03', items: ['B-2'] },
      key,
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      amount: '900.00',
      currency: 'USD',
      status: 'open',
      paid: '0.00',
      madeOn: '2026-06-30',
    });
    const again = await post(
      '/api/customers/B2/promises',
      { amount: '900.00', promisedDate: '2026-07-03', items: ['B-2'] },
      key,
    );
    expect(again.body.id).toBe(first.body.id);
    expect((await get('/api/customers/B2/promises')).body.items).toHaveLength(1);
    expect(
      (await post('/api/customers/B2/promises', { amount: '1.005', promisedDate: '2026-07-03' })).status,
    ).toBe(400);
    expect(
      (await post('/api/customers/B2/promises', { amount: '10.00', promisedDate: '2026-06-01' })).status,
    ).toBe(400);

    await importCsv(
      h.ctx,
      'history',
      csv([
        'receipt_reference,receipt_date,receipt_amount,currency,account_number,invoice_number,kind,applied_amount',
        'PAY-B2,2026-06-30,900.00,USD,B2,B-2,invoice,900.00',
      ]),
    );
    const ev = await post('/api/collections/evaluate', {});
    expect(ev.status).toBe(200);
    expect(ev.body).toMatchObject({ asOf: '2026-06-30', promises: { kept: 1, broken: 0 } });
    const kept = await get('/api/promises?status=kept');
    expect(kept.body.items.map((p) => p.id)).toEqual([first.body.id]);
    expect(kept.body.items[0]).toMatchObject({ paid: '900.00', resolvedOn: '2026-06-30' });

    const other = await post(
      '/api/customers/M1/promises',
      { amount: '50.00', promisedDate: '2026-07-10' },
      { as: 'analyst' },
    );
    const cancelled = await post(
      `/api/promises/${other.body.id}/cancel`,
      { reason: 'wrong amount' },
      { as: 'analyst' },
    );
    expect(cancelled.body.status).toBe('cancelled');
    expect((await post(`/api/promises/${other.body.id}/cancel`, {}, { as: 'analyst' })).status).toBe(409);
  });

  it('sets up a plan of equal instalments, shows it, and refuses a bad schedule', async () => {
    const r = await post(
      '/api/customers/M2/payment-plans',
      { amount: '80.00', count: 3, everyDays: 14, firstDueDate: '2026-07-01' },
      { as: 'analyst' },
    );
    expect(r.status).toBe(201);
    expect((r.body as unknown as { instalments: { amount: string; dueDate: string }[] }).instalments).toEqual(
      [
        { seq: 1, dueDate: '2026-07-01', amount: '26.67', paid: '0.00', status: 'due' },
        { seq: 2, dueDate: '2026-07-15', amount: '26.67', paid: '0.00', status: 'due' },
        { seq: 3, dueDate: '2026-07-29', amount: '26.66', paid: '0.00', status: 'due' },
      ],
    );
    expect((await get(`/api/payment-plans/${r.body.id}`, { as: 'auditor' })).body).toMatchObject({
      status: 'active',
      total: '80.00',
    });
    expect((await get('/api/customers/M2/collections')).body).toMatchObject({
      activePlan: { id: r.body.id, nextDueDate: '2026-07-01', nextDue: '26.67' },
      paused: `payment plan ${r.body.id} active`,
    });
    const both = await post('/api/customers/B1/payment-plans', {
      count: 2,
      everyDays: 7,
      firstDueDate: '2026-07-01',
      instalments: [{ dueDate: '2026-07-01', amount: '1.00' }],
    });
    expect(both.status).toBe(400);
    const tooMuch = await post('/api/customers/B1/payment-plans', {
      amount: '4000.01',
      count: 2,
      everyDays: 7,
      firstDueDate: '2026-07-01',
    });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('collections.exceeds_open');
  });
});

describe('disputes and settlements', () => {
  it('holds a credit memo above the analyst’s limit for approval; the money moves on approval and the dispute resolves', async () => {
    const opened = await post(
      '/api/disputes',
      { item: 'B-1', amount: '1000.00', reasonCode: 'pricing_dispute' },
      { as: 'analyst' },
    );
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      status: 'open',
      itemNumber: 'B-1',
      owner: 'bjones',
      amount: '1000.00',
    });
    const id = opened.body.id;
    expect(
      (await post(`/api/disputes/${id}/status`, { status: 'investigating' }, { as: 'analyst' })).body.status,
    ).toBe('investigating');
    const asked = await post(
      `/api/disputes/${id}/resolve`,
      { resolution: 'credit_memo', rootCause: 'contract rate not loaded' },
      { as: 'analyst' },
    );
    expect(asked.status).toBe(202);
    const dispute = (asked.body as unknown as { dispute: { approvalId: string; awaitingApproval: boolean } })
      .dispute;
    expect(dispute.awaitingApproval).toBe(true);
    const open = async () =>
      (
        await h.database.db
          .selectFrom('items')
          .select('open_minor')
          .where('number', '=', 'B-1')
          .executeTakeFirstOrThrow()
      ).open_minor;
    expect(await open()).toBe(400_000n);
    expect((await post(`/api/approvals/${dispute.approvalId}/approve`, {}, { as: 'manager' })).status).toBe(
      200,
    );
    expect(await open()).toBe(300_000n);
    const ev = await post('/api/collections/evaluate', { asOf: '2026-06-30' });
    expect(ev.body).toMatchObject({ disputes: { resolved: 1, reopened: 0 } });
    expect((await get(`/api/disputes/${id}`, { as: 'auditor' })).body).toMatchObject({
      status: 'resolved',
      resolution: 'credit_memo',
      resolvedOn: '2026-06-30',
      cycleDays: 0,
      awaitingApproval: false,
    });
    expect((await get('/api/disputes?status=resolved')).body.items.map((d) => d.id)).toContain(id);
    expect((await post('/api/disputes', { reasonCode: 'x' })).status).toBe(400);
  });

  it('settles within the limit at once and above it through approval (202)', async () => {
    const big = await post(
      '/api/customers/B1/settlements',
      { items: ['B-1'], agreedAmount: '1000.00' },
      { as: 'analyst' },
    );
    expect(big.status).toBe(202);
    expect(big.body).toMatchObject({ status: 'pending' });
    const acts = await get('/api/customers/B1/activities?kind=settlement');
    expect(acts.body.items[0]?.relatedId).toBe((big.body as unknown as { approvalId: string }).approvalId);
  });
});

describe('credit holds', () => {
  it('places, shows to order systems, lists and releases a hold; one in force at a time; readers cannot change it', async () => {
    const placed = await post('/api/customers/B1/credit-hold', { reason: 'over 90 days' }, { as: 'analyst' });
    expect(placed.status).toBe(201);
    expect(
      (await post('/api/customers/B1/credit-hold', { reason: 'again' }, { as: 'analyst' })).body.code,
    ).toBe('collections.hold_in_force');
    expect((await post('/api/customers/B1/credit-hold', { reason: 'x' }, { as: 'auditor' })).status).toBe(
      403,
    );
    const shown = await get('/api/customers/B1/credit-hold', { as: 'cash_applier' });
    expect(shown.body).toMatchObject({
      onHold: true,
      hold: { reason: 'over 90 days', placedBy: 'analyst' },
      daysPastDue: 91,
      suspension: { recommended: true },
    });
    expect((await get('/api/credit-holds')).body.items.map((x) => x.customer.accountNumber)).toEqual(['B1']);
    const released = await post(
      '/api/customers/B1/credit-hold/release',
      { reason: 'paid' },
      { as: 'analyst' },
    );
    expect(released.body).toMatchObject({ onHold: false, hold: null });
    expect((await post('/api/customers/B1/credit-hold/release', { reason: 'paid' })).status).toBe(409);
    const trail = await h.database.db
      .selectFrom('audit_log')
      .select(['action', 'request_id'])
      .where('action', 'in', ['collections.credit_hold_placed', 'collections.credit_hold_released'])
      .execute();
    expect(trail).toHaveLength(2);
    expect(trail.every((a) => a.request_id !== null)).toBe(true);
  });
});

describe('the collections routes', () => {
  it('answer empty or unknown input with a problem, never a 500', async () => {
    const logged = h.logger.lines.length;
    for (const r of collectionsRoutes) {
      for (const fill of ['x', 'NOPE', 'act_01JD8X3Q6W9K2M4N7P5R8T0V2Y']) {
        const path = r.route.path.replace(/\{[^}]+\}/g, fill);
        const res = await h.request(r.route.method.toUpperCase(), path, { body: {} });
        expect(res.status, `${r.route.method} ${path}`).toBeLessThan(500);
      }
    }
    expect(h.logger.lines.slice(logged).filter((l) => l.level === 'error')).toEqual([]);
  });
});
