import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, TEST_PASSWORD } from '../../../test/support/api-harness.ts';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { formatAmount } from '../../core/money.ts';
import { buildCashForecast, buildKpiReport, toFixedOrNull } from '../../modules/analytics/index.ts';
import { createApiToken, createUser } from '../../modules/identity/index.ts';

/**
 * The small portfolio (C1, C2 collected by asmith, C3 by bjones) and C4, a consumer of asmith's: one
 * invoice 60 days past due, and INV-C4b 100.00 that crossed from 1–30 into 31–60 this week (due
 * 05-27: 27 days late on 06-23, 34 on 06-30).
 */
let h: ApiHarness;
let scopedToken: string;
type As = Parameters<ApiHarness['request']>[2];

async function get<T>(path: string, as: As = {}) {
  const res = await h.request('GET', path, as);
  return { status: res.status, body: (await res.json()) as T & { code?: string } };
}

beforeAll(async () => {
  h = await createApiHarness({ today: '2026-06-30' as LocalDate });
  await loadSmallPortfolio(h.ctx);
  await importCsv(
    h.ctx,
    'customers',
    csv(['account_number,name,customer_type,collector,terms', 'C4,Jane Patient,consumer,asmith,NET30']),
  );
  await importCsv(
    h.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,issue_date,due_date,amount',
      'INV-C4,C4,2026-04-01,2026-05-01,400.00',
      'INV-C4b,C4,2026-04-27,2026-05-27,100.00',
    ]),
  );
  await createUser(h.ctx, {
    username: 'asmith',
    role: 'analyst',
    portfolioScoped: true,
    password: TEST_PASSWORD,
  });
  scopedToken = (await createApiToken(h.ctx, { username: 'asmith', name: 'tests' })).token;
});
afterAll(() => h.close());

interface KpiJson {
  from: string;
  to: string;
  groups: {
    group: string | null;
    currency: string;
    dso: number | null;
    cei: number | null;
    endingAr: string;
    rollRates: { rate: number | null }[];
  }[];
}

describe('GET /api/reports/kpis', () => {
  it('equals the KPI report, with KPIs as numbers and amounts as decimal strings', async () => {
    const res = await get<KpiJson>('/api/reports/kpis?from=2026-06-01&to=2026-06-30', { as: 'manager' });
    expect(res.status).toBe(200);
    const report = await buildKpiReport(h.ctx, {
      from: '2026-06-01' as LocalDate,
      to: '2026-06-30' as LocalDate,
    });
    const g = report.groups[0];
    expect(res.body.groups).toHaveLength(1);
    expect(res.body.groups[0]).toMatchObject({
      group: null,
      currency: 'USD',
      dso: toFixedOrNull(g?.dso ?? null),
      cei: toFixedOrNull(g?.cei ?? null),
      // INV-4 300.00, INV-3 1000.00, DED-000001 200.00, INV-C4 400.00, INV-C4b 100.00.
      endingAr: '2000.00',
    });
  });

  it('defaults to the last complete month, and refuses a period backwards', async () => {
    const res = await get<KpiJson>('/api/reports/kpis', { as: 'auditor' });
    expect(res.status).toBe(200);
    expect([res.body.from, res.body.to]).toEqual(['2026-05-01', '2026-05-31']);
    const bad = await get<KpiJson>('/api/reports/kpis?from=2026-06-30&to=2026-06-01', { as: 'manager' });
    expect(bad.status).toBe(400);
  });

  it('gives a portfolio-scoped analyst the figures of their own customers only', async () => {
    const res = await get<KpiJson>('/api/reports/kpis?from=2026-06-01&to=2026-06-30', {
      as: { token: scopedToken },
    });
    expect(res.status).toBe(200);
    // asmith: C1's INV-4 300.00 and C4's 500.00.
    expect(res.body.groups[0]?.endingAr).toBe('800.00');
  });
});

interface RowJson {
  accountNumber: string;
  name: string;
  buckets: { now: string; before: string; change: string }[];
}

describe('GET /api/reports/aging-compare and /api/reports/at-risk', () => {
  it('shows each bucket now, before and the change, masking consumer names without phi:read', async () => {
    const manager = await get<{ rows: RowJson[]; before: string }>(
      '/api/reports/aging-compare?asOf=2026-06-30',
      {
        as: 'manager',
      },
    );
    expect(manager.status).toBe(200);
    expect(manager.body.before).toBe('2026-06-23');
    const c4 = manager.body.rows.find((r) => r.accountNumber === 'C4');
    expect(c4?.name).toBe('Jane Patient');
    expect(c4?.buckets[1]).toEqual({ now: '0.00', before: '100.00', change: '-100.00' });
    expect(c4?.buckets[2]).toEqual({ now: '500.00', before: '400.00', change: '100.00' });
    const analyst = await get<{ rows: RowJson[] }>('/api/reports/aging-compare?asOf=2026-06-30', {
      as: 'analyst',
    });
    expect(analyst.body.rows.find((r) => r.accountNumber === 'C4')?.name).toBe('J•••');
    const scoped = await get<{ rows: RowJson[] }>('/api/reports/aging-compare?asOf=2026-06-30', {
      as: { token: scopedToken },
    });
    expect(scoped.body.rows.map((r) => r.accountNumber)).toEqual(['C1', 'C4']);
  });

  it('lists the accounts whose older money grew by the threshold, with reasons', async () => {
    const res = await get<{ accounts: (RowJson & { reasons: string[]; older: { change: string } })[] }>(
      '/api/reports/at-risk?asOf=2026-06-30&threshold=50',
      { as: 'analyst' },
    );
    expect(res.status).toBe(200);
    expect(res.body.accounts.map((a) => [a.accountNumber, a.name, a.reasons, a.older.change])).toEqual([
      ['C4', 'J•••', ['aging_worsened'], '100.00'],
    ]);
    const high = await get<{ accounts: unknown[] }>('/api/reports/at-risk?asOf=2026-06-30&threshold=100.01', {
      as: 'analyst',
    });
    expect(high.body.accounts).toEqual([]);
    const bad = await get<{ code: string }>('/api/reports/at-risk?olderThan=45', { as: 'analyst' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('analytics.invalid_options');
  });
});

describe('GET /api/reports/forecast', () => {
  it('equals the forecast service, every open cent in a week or beyond the horizon', async () => {
    const res = await get<{
      currencies: { currency: string; open: string; beyondHorizon: string; weeks: { expected: string }[] }[];
      items: unknown[] | null;
    }>('/api/reports/forecast?asOf=2026-06-30', { as: 'accountant' });
    expect(res.status).toBe(200);
    const f = await buildCashForecast(h.ctx, { asOf: '2026-06-30' as LocalDate });
    const usd = res.body.currencies[0];
    expect(usd?.weeks).toHaveLength(13);
    expect(usd?.open).toBe('2000.00');
    expect(usd?.weeks.map((w) => w.expected)).toEqual(
      f.currencies[0]?.weeks.map((w) => formatAmount(w.expected, 'USD' as CurrencyCode)),
    );
    const cents = (s: string) => BigInt(s.replace('.', ''));
    expect(
      (usd?.weeks ?? []).reduce((s, w) => s + cents(w.expected), 0n) + cents(usd?.beyondHorizon ?? '0'),
    ).toBe(200_000n);
    expect(res.body.items).toBeNull();
    const scoped = await get<{ currencies: { open: string }[]; items: { accountNumber: string }[] }>(
      '/api/reports/forecast?asOf=2026-06-30&items=true&model=naive',
      { as: { token: scopedToken } },
    );
    expect(scoped.body.currencies[0]?.open).toBe('800.00');
    expect([...new Set(scoped.body.items.map((i) => i.accountNumber))].sort()).toEqual(['C1', 'C4']);
  });
});
