import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, TEST_PASSWORD } from '../../../test/support/api-harness.ts';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { createApiToken, createUser } from '../../modules/identity/index.ts';

/**
 * The small portfolio's TPA1 (serving C2 of asmith's and C3 of bjones's), and three parties whose
 * codes hold LIKE's wildcards or look like them: BRK_1 for the consumer C4 (asmith), BRKA1 for C1
 * (asmith), B%1 for C3 (bjones).
 */
let h: ApiHarness;
let scopedToken: string;

type As = Parameters<ApiHarness['request']>[2];

interface PartyJson {
  id: string;
  code: string;
  name: string;
  kind: string;
  customers: number;
  bankAccounts: string[];
  relationships: {
    customer: { id: string; accountNumber: string; name: string };
    roles: string[];
    email: string | null;
  }[];
}
type Body = PartyJson & { items: PartyJson[]; nextCursor: string | null; code: string };

async function get(path: string, as: As = {}) {
  const res = await h.request('GET', path, as);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Body };
}

const codes = async (query: string, as: As = {}) =>
  (await get(`/api/parties${query}`, as)).body.items.map((p) => p.code).sort();

beforeAll(async () => {
  h = await createApiHarness({ today: '2026-06-30' as LocalDate });
  await loadSmallPortfolio(h.ctx);
  await importCsv(
    h.ctx,
    'customers',
    csv(['account_number,name,customer_type,collector', 'C4,Jane Patient,consumer,asmith']),
  );
  await importCsv(
    h.ctx,
    'parties',
    csv([
      'party_id,party_name,party_kind,account_number,roles,email',
      'BRK_1,Broker Underscore,broker,C4,notice,notices@brk.example.com',
      'BRKA1,Broker A,broker,C1,payer;statement,',
      'B%1,Percent Consulting,consultant,C3,dispute_contact,',
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

describe('GET /api/parties', () => {
  it('lists every party with how many customers it serves', async () => {
    const r = await get('/api/parties');
    expect(r.status).toBe(200);
    expect(r.body.items.map((p) => p.code).sort()).toEqual(['B%1', 'BRKA1', 'BRK_1', 'TPA1']);
    expect(r.body.items.find((p) => p.code === 'TPA1')).toMatchObject({
      name: 'Claims Admin LLC',
      kind: 'tpa',
      customers: 2,
    });
  });

  it('filters by kind and by code or name prefix, wildcards as plain characters', async () => {
    expect(await codes('?kind=broker')).toEqual(['BRKA1', 'BRK_1']);
    expect(await codes('?kind=tpa')).toEqual(['TPA1']);
    expect(await codes('?q=BRK_')).toEqual(['BRK_1']);
    expect(await codes('?q=B%25')).toEqual(['B%1']);
    expect(await codes('?q=claims')).toEqual(['TPA1']);
    expect(await codes('?q=percent')).toEqual(['B%1']);
    for (const bad of ["' or 1=1 --", '%', '_', '\\', '%%', "'; drop table parties; --"]) {
      const r = await get(`/api/parties?q=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(200);
      expect(r.body.items, bad).toEqual([]);
    }
    expect((await get('/api/parties?kind=nope')).status).toBe(400);
  });

  it('pages through every party once and refuses a forged cursor', async () => {
    const full = (await get('/api/parties?limit=500')).body.items.map((p) => p.code);
    const walked: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const r: { body: Body } = await get(
        `/api/parties?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      walked.push(...r.body.items.map((p) => p.code));
      cursor = r.body.nextCursor;
      if (cursor === null) break;
    }
    expect(walked).toEqual(full);
    for (const forged of [
      '%%%',
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ]) {
      const r = await get(`/api/parties?cursor=${encodeURIComponent(forged)}`);
      expect(r.status, forged).toBe(400);
      expect(r.type).toContain('application/problem+json');
      expect(r.body.code).toBe('api.invalid_cursor');
    }
  });

  it('shows a portfolio-scoped analyst the parties of their customers, counting only those', async () => {
    const as = { as: { token: scopedToken } };
    expect(await codes('', as)).toEqual(['BRKA1', 'BRK_1', 'TPA1']);
    const tpa = (await get('/api/parties?kind=tpa', as)).body.items[0];
    expect(tpa?.customers).toBe(1);
  });
});

describe('GET /api/parties/{code}', () => {
  it('shows a party with its relationships and bank accounts', async () => {
    const r = await get('/api/parties/TPA1');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ code: 'TPA1', kind: 'tpa', customers: 2 });
    expect(r.body.relationships.map((x) => [x.customer.accountNumber, x.roles])).toEqual([
      ['C2', ['payer', 'notice']],
      ['C3', ['payer']],
    ]);
    expect(r.body.bankAccounts).toHaveLength(1);
    const wild = await get(`/api/parties/${encodeURIComponent('B%1')}`);
    expect(wild.body.relationships.map((x) => x.customer.accountNumber)).toEqual(['C3']);
  });

  it('is 404 for an unknown code, metacharacters included', async () => {
    for (const code of ["' or 1=1 --", '%', '_', '\\', 'B%', 'NOPE']) {
      const r = await get(`/api/parties/${encodeURIComponent(code)}`);
      expect(r.status, code).toBe(404);
      expect(r.type).toContain('application/problem+json');
    }
  });

  it("masks a consumer customer's name without phi:read and logs a manager's read", async () => {
    const analyst = await get('/api/parties/BRK_1', { as: 'analyst' });
    expect(analyst.body.relationships[0]?.customer.name).toBe('J•••');
    const manager = await get('/api/parties/BRK_1', { as: 'manager' });
    const c4 = manager.body.relationships[0]?.customer;
    expect(c4?.name).toBe('Jane Patient');
    const reads = await h.database.db
      .selectFrom('audit_log')
      .select(['actor', 'object_type'])
      .where('action', '=', 'phi.read')
      .where('object_id', '=', c4?.id ?? '')
      .execute();
    expect(reads).toEqual([{ actor: 'manager', object_type: 'customer' }]);
  });

  it("shows a portfolio-scoped analyst only their customers' relationships", async () => {
    const as = { as: { token: scopedToken } };
    const tpa = await get('/api/parties/TPA1', as);
    expect(tpa.body.relationships.map((x) => x.customer.accountNumber)).toEqual(['C2']);
    expect((await get(`/api/parties/${encodeURIComponent('B%1')}`, as)).status).toBe(404);
  });
});
