import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../test/support/api-harness.ts';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import type { LocalDate } from '../../core/local-date.ts';

/** The small portfolio: C3 owes INV-3 1,000.00 (due 2026-06-29) and DED-000001 200.00. */
let h: ApiHarness;
beforeAll(async () => {
  h = await createApiHarness({ today: '2026-06-30' as LocalDate });
  await loadSmallPortfolio(h.ctx);
});
afterAll(() => h.close());

const openOf = async (number: string) =>
  (
    await h.database.db
      .selectFrom('items')
      .select('open_minor')
      .where('number', '=', number)
      .executeTakeFirstOrThrow()
  ).open_minor;

describe('the agencies API', () => {
  let placementId = '';

  it('adds an agency and places an account (agencies:manage)', async () => {
    const made = await h.request('POST', '/api/agencies', {
      as: 'accountant',
      body: { code: 'ACME', name: 'Acme Recovery', commissionRate: '0.2' },
    });
    expect(made.status).toBe(201);
    expect(((await made.json()) as { commissionRate: string }).commissionRate).toBe('0.2');
    const bad = await h.request('POST', '/api/agencies', {
      as: 'accountant',
      body: { code: 'BAD', name: 'x', commissionRate: '2' },
    });
    expect(bad.status).toBe(400);
    const placed = await h.request('POST', '/api/agencies/ACME/placements', {
      as: 'accountant',
      body: { accounts: ['C3'], date: '2026-06-29' },
    });
    expect(placed.status).toBe(201);
    const body = (await placed.json()) as { items: { id: string; placed: string; items: number }[] };
    expect(body.items).toMatchObject([{ placed: '1200.00', items: 2 }]);
    placementId = body.items[0]?.id ?? '';
  });

  it('downloads the placement file as CSV', async () => {
    const res = await h.request('GET', `/api/agencies/placements/${placementId}/file`, { as: 'manager' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]?.startsWith('placement_id,agency_code,placed_on,account_number,customer_name')).toBe(
      true,
    );
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes('INV-3') && l.includes('1000.00'))).toBe(true);
  });

  it('posts recoveries once per Idempotency-Key, and refuses bad lines with each problem', async () => {
    const post = () =>
      h.request('POST', '/api/agencies/recoveries', {
        as: 'accountant',
        headers: { 'idempotency-key': 'acme-remit-1' },
        body: { recoveries: [{ placementId, date: '2026-06-30', amount: '400.00', reference: 'R1' }] },
      });
    const first = await post();
    expect(first.status).toBe(201);
    const r = (await first.json()) as {
      recoveries: { recovered: string; commission: string; net: string }[];
    };
    expect(r.recoveries[0]).toMatchObject({ recovered: '400.00', commission: '80.00', net: '320.00' });
    const again = await post();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // Oldest first: the deduction (200.00), then 200.00 of INV-3.
    expect(await openOf('DED-000001')).toBe(0n);
    expect(await openOf('INV-3')).toBe(80_000n);
    const bad = await h.request('POST', '/api/agencies/recoveries', {
      as: 'accountant',
      body: {
        recoveries: [
          { placementId, date: '2026-06-30', amount: '10.00', reference: 'R1' },
          { accountNumber: 'C1', date: '2026-06-30', amount: '10.00' },
        ],
      },
    });
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { code: string; errors: { line: number; message: string }[] };
    expect(problem.code).toBe('agencies.invalid_recoveries');
    expect(problem.errors.map((e) => e.line)).toEqual([1, 2]);
  });

  it('reports performance to readers and recalls a placement', async () => {
    const report = await h.request('GET', '/api/agencies/report', { as: 'auditor' });
    expect(report.status).toBe(200);
    const items = (
      (await report.json()) as {
        items: { agency: string; recovered: string; net: string; recoveryRate: number }[];
      }
    ).items;
    expect(items[0]).toMatchObject({ agency: 'ACME', recovered: '400.00', net: '320.00' });
    expect(items[0]?.recoveryRate).toBeCloseTo(400 / 1200, 12);
    const recall = await h.request('POST', `/api/agencies/placements/${placementId}/recall`, {
      as: 'manager',
      body: { reason: 'customer called to pay us' },
    });
    expect(recall.status).toBe(200);
    expect(((await recall.json()) as { status: string; open: string }).status).toBe('recalled');
    const list = await h.request('GET', '/api/agencies/placements?status=recalled', { as: 'analyst' });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
  });
});
