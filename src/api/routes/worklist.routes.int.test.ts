import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, TEST_PASSWORD } from '../../../test/support/api-harness.ts';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { createApiToken, createUser } from '../../modules/identity/index.ts';

/**
 * The small portfolio (C1, C2 collected by asmith; C3 by bjones) plus C4, a consumer of asmith's
 * 40 days past due, and C6, a business of bjones's 50 days past due.
 */
let h: ApiHarness;
let scoped: string;

interface Row {
  accountNumber: string;
  name: string;
  collector: string;
  pastDue: string;
  atRisk: string;
  score: number;
  reasons: string[];
}

beforeAll(async () => {
  h = await createApiHarness({ today: '2026-06-30' as LocalDate });
  await loadSmallPortfolio(h.ctx);
  await importCsv(
    h.ctx,
    'customers',
    csv([
      'account_number,name,customer_type,collector,terms',
      'C4,Jane Patient,consumer,asmith,NET30',
      'C6,Sixth Street Clinic,business,bjones,NET30',
    ]),
  );
  await importCsv(
    h.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,due_date,amount',
      'W-4,C4,invoice,2026-04-21,2026-05-21,700.00',
      'W-6,C6,invoice,2026-04-11,2026-05-11,900.00',
    ]),
  );
  await createUser(h.ctx, {
    username: 'asmith',
    role: 'analyst',
    portfolioScoped: true,
    password: TEST_PASSWORD,
  });
  scoped = (await createApiToken(h.ctx, { username: 'asmith', name: 'tests' })).token;
});
afterAll(() => h.close());

describe('GET /api/worklist', () => {
  it('gives a portfolio-scoped analyst their own list whatever collector they ask for, names of consumers masked', async () => {
    const res = await h.request('GET', '/api/worklist?collector=bjones', { as: { token: scoped } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { collector: string; rows: Row[]; model: { source: string } };
    expect(body.collector).toBe('asmith');
    expect(body.model.source).toBe('built-in');
    // C4 past due first; C1's invoice is not yet due (it counts a quarter).
    expect(body.rows.map((r) => r.accountNumber)).toEqual(['C4', 'C1']);
    expect(body.rows.every((r) => r.collector === 'asmith')).toBe(true);
    const c4 = body.rows[0];
    expect(c4?.name).toBe('J•••');
    expect(c4?.pastDue).toBe('700.00');
    expect(c4?.atRisk).toMatch(/^\d+\.\d{2}$/);
    expect(c4?.reasons[0]).toBe('700.00 USD past due on 1 of 1 open item, oldest 40 days past due');
  });

  it('lets a manager pick any collector, or see everyone', async () => {
    const one = (await (
      await h.request('GET', '/api/worklist?collector=bjones', { as: 'manager' })
    ).json()) as {
      rows: Row[];
    };
    expect(one.rows.map((r) => r.accountNumber)).toEqual(['C6', 'C3']);
    expect(one.rows.every((r) => r.collector === 'bjones')).toBe(true);
    const all = (await (await h.request('GET', '/api/worklist?limit=1', { as: 'manager' })).json()) as {
      rows: Row[];
      candidates: number;
    };
    expect(all.rows).toHaveLength(1);
    expect(all.candidates).toBeGreaterThanOrEqual(3);
    // A consumer's name is shown to roles that may read health information.
    const full = (await (
      await h.request('GET', '/api/worklist?collector=asmith', { as: 'manager' })
    ).json()) as {
      rows: Row[];
    };
    expect(full.rows.find((r) => r.accountNumber === 'C4')?.name).toBe('Jane Patient');
  });

  it('refuses a bad day or limit with 400', async () => {
    expect((await h.request('GET', '/api/worklist?date=2026-02-30')).status).toBe(400);
    expect((await h.request('GET', '/api/worklist?limit=0')).status).toBe(400);
  });
});

describe('GET /api/worklist/team', () => {
  it('shows a manager every collector, a scoped analyst only their line', async () => {
    const team = (await (await h.request('GET', '/api/worklist/team', { as: 'manager' })).json()) as {
      rows: { collector: string; balance: string; pastDue: string; accounts: number }[];
    };
    const bjones = team.rows.find((r) => r.collector === 'bjones');
    // C3: INV-3 1,000.00 and DED-000001 200.00; C6: 900.00
    expect(bjones).toMatchObject({ accounts: 2, balance: '2100.00', pastDue: '2100.00' });
    const mine = (await (await h.request('GET', '/api/worklist/team', { as: { token: scoped } })).json()) as {
      rows: { collector: string }[];
    };
    expect(mine.rows.map((r) => r.collector)).toEqual(['asmith']);
  });
});
