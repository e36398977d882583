import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../test/support/api-harness.ts';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import { checkLedger } from '../../modules/integrity/index.ts';

let h: ApiHarness;
const openOf = async (number: string) =>
  await h.database.db
    .selectFrom('items')
    .select(['id', 'open_minor'])
    .where('tenant_id', '=', h.ctx.tenantId)
    .where('number', '=', number)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  h = await createApiHarness();
  await loadSmallPortfolio(h.ctx);
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('adjustments and approvals over HTTP', () => {
  it('applies a write-off within the caller’s limit at once', async () => {
    const ded = await openOf('DED-000001');
    const res = await h.request('POST', '/api/adjustments', {
      as: 'analyst',
      body: { kind: 'write_off', itemId: ded.id, amount: '200.00', reasonCode: 'small_balance' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('applied');
    expect((await openOf('DED-000001')).open_minor).toBe(0n);
  });

  it('holds a write-off above the limit until another user with authority approves it, once', async () => {
    const inv = await openOf('INV-3');
    expect(inv.open_minor).toBe(100_000n);
    const res = await h.request('POST', '/api/adjustments', {
      as: 'analyst',
      body: { kind: 'write_off', itemId: inv.id, reasonCode: 'bankruptcy' },
    });
    expect(res.status).toBe(202);
    const { approvalId } = (await res.json()) as { approvalId: string };
    expect((await openOf('INV-3')).open_minor).toBe(100_000n); // nothing moved

    // The analyst has no authority to decide; the cash applier neither.
    expect(
      (await h.request('POST', `/api/approvals/${approvalId}/approve`, { as: 'analyst', body: {} })).status,
    ).toBe(403);
    expect(
      (await h.request('POST', `/api/approvals/${approvalId}/approve`, { as: 'cash_applier', body: {} }))
        .status,
    ).toBe(403);

    const listed = (await (
      await h.request('GET', '/api/approvals?status=pending', { as: 'auditor' })
    ).json()) as {
      items: { id: string }[];
    };
    expect(listed.items.map((a) => a.id)).toContain(approvalId);

    const ok = await h.request('POST', `/api/approvals/${approvalId}/approve`, {
      as: 'accountant',
      body: { note: 'ok' },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { status: string }).status).toBe('approved');
    expect((await openOf('INV-3')).open_minor).toBe(0n);

    const again = await h.request('POST', `/api/approvals/${approvalId}/approve`, {
      as: 'manager',
      body: {},
    });
    expect(again.status).toBe(409);
    expect((await checkLedger(h.ctx)).filter((r) => !r.ok)).toEqual([]);
  });

  it('never lets the requester approve their own request', async () => {
    const res = await h.request('POST', '/api/adjustments', {
      as: 'accountant',
      body: { kind: 'credit_memo', customer: 'C1', amount: '6000.00', reason: 'rebate' },
    });
    expect(res.status).toBe(202);
    const { approvalId } = (await res.json()) as { approvalId: string };
    const own = await h.request('POST', `/api/approvals/${approvalId}/approve`, {
      as: 'accountant',
      body: {},
    });
    expect(own.status).toBe(403);
    expect(((await own.json()) as { code: string }).code).toBe('approvals.self_approval');
    const rejected = await h.request('POST', `/api/approvals/${approvalId}/reject`, {
      as: 'manager',
      body: {},
    });
    expect(rejected.status).toBe(200);
    expect(((await rejected.json()) as { status: string }).status).toBe('rejected');
    expect((await checkLedger(h.ctx)).filter((r) => !r.ok)).toEqual([]);
  });

  it('names the field of a bad amount', async () => {
    const inv = await openOf('INV-4');
    const res = await h.request('POST', '/api/adjustments', {
      as: 'manager',
      body: { kind: 'write_off', itemId: inv.id, amount: '1.234', reasonCode: 'x' },
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors[0]?.field).toBe('amount');
  });
});
