import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../test/support/api-harness.ts';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import type { LocalDate } from '../../core/local-date.ts';

let h: ApiHarness;
beforeAll(async () => {
  h = await createApiHarness({ today: '2026-06-30' as LocalDate });
  await loadSmallPortfolio(h.ctx);
});
afterAll(() => h.close());

describe('the experiments API', () => {
  it('creates, starts, reports and stops an experiment', async () => {
    const made = await h.request('POST', '/api/experiments', {
      as: 'manager',
      body: {
        code: 'dunning-ab',
        name: 'Shorter first step',
        seed: 7,
        stratifyBy: 'segment',
        variants: [
          { key: 'A', control: true, config: { strategy: 'dst_a' } },
          { key: 'B', config: { strategy: 'dst_b' } },
        ],
      },
    });
    expect(made.status).toBe(201);
    expect(((await made.json()) as { status: string; seed: string }).seed).toBe('7');
    const oneVariant = await h.request('POST', '/api/experiments', {
      as: 'manager',
      body: { code: 'x', name: 'x', variants: [{ key: 'A' }] },
    });
    expect(oneVariant.status).toBe(400);

    const started = await h.request('POST', '/api/experiments/dunning-ab/start', { as: 'manager', body: {} });
    expect(started.status).toBe(200);
    const e = (await started.json()) as { status: string; assignments: { accounts: number }[] };
    expect(e.status).toBe('running');
    expect(e.assignments.reduce((s, a) => s + a.accounts, 0)).toBe(3);
    expect(
      (await h.request('POST', '/api/experiments/dunning-ab/start', { as: 'manager', body: {} })).status,
    ).toBe(409);

    const report = await h.request('GET', '/api/experiments/dunning-ab/report', { as: 'auditor' });
    expect(report.status).toBe(200);
    const r = (await report.json()) as {
      champion: string;
      horizonReached: boolean;
      variants: { variant: string; accounts: number }[];
      comparisons: { challenger: string }[];
    };
    expect(r.champion).toBe('A');
    expect(r.horizonReached).toBe(false);
    expect(r.variants.map((v) => v.variant)).toEqual(['A', 'B']);
    expect(r.comparisons.map((c) => c.challenger)).toEqual(['B']);

    const stopped = await h.request('POST', '/api/experiments/dunning-ab/stop', { as: 'manager', body: {} });
    expect(((await stopped.json()) as { status: string }).status).toBe('stopped');
    const list = await h.request('GET', '/api/experiments', { as: 'analyst' });
    expect(((await list.json()) as { items: { code: string }[] }).items.map((x) => x.code)).toEqual([
      'dunning-ab',
    ]);
  });
});
