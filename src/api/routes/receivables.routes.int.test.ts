import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, TEST_PASSWORD } from '../../../test/support/api-harness.ts';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { createApiToken, createUser } from '../../modules/identity/index.ts';

/**
 * The small portfolio (C1, C2 collected by asmith; C3 by bjones) plus C4, a consumer of asmith's,
 * with item numbers that contain LIKE's wildcards, enough items to page through, and a receipt.
 */
let h: ApiHarness;
let scopedToken: string;
const SAME_DUE = '2026-07-15';

beforeAll(async () => {
  h = await createApiHarness({ today: '2026-06-30' as LocalDate });
  await loadSmallPortfolio(h.ctx);
  await importCsv(
    h.ctx,
    'customers',
    csv([
      'account_number,name,customer_type,collector,terms',
      'C4,Jane Patient,consumer,asmith,NET30',
      "C5,O'Brien Clinic,business,bjones,NET30",
    ]),
  );
  const invoices = [
    'invoice_number,account_number,type,issue_date,due_date,amount,reference',
    'X_1,C4,invoice,2026-05-01,2026-05-31,1000.00,CLAIM-123',
    'X%1,C4,invoice,2026-05-02,2026-06-01,200.00,',
    'XA1,C4,invoice,2026-05-03,2026-06-02,300.00,',
    'X\\1,C4,invoice,2026-05-04,2026-06-03,50.00,',
  ];
  // Twelve items, five of them due the same day, so the keyset must break ties by id.
  for (let i = 1; i <= 12; i++) {
    const due = i <= 5 ? SAME_DUE : `2026-08-${String(i).padStart(2, '0')}`;
    invoices.push(`P-${String(i).padStart(2, '0')},C5,invoice,2026-06-01,${due},${i}.25,`);
  }
  invoices.push('CM-5,C5,credit_memo,2026-06-01,2026-06-01,5.00,');
  await importCsv(h.ctx, 'invoices', csv(invoices));
  await importCsv(
    h.ctx,
    'history',
    csv([
      'receipt_reference,receipt_date,receipt_amount,currency,payer_name,method,account_number,invoice_number,kind,applied_amount',
      'R_4,2026-06-20,1200.00,USD,Jane Patient,check,C4,X_1,invoice,1000.00',
      'RA4,2026-06-21,10.00,USD,O Brien,ach,C5,P-01,invoice,1.25',
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

type As = Parameters<ApiHarness['request']>[2];

/** The fields these tests read, from items, receipts, applications and pages of them. */
interface Row {
  id: string;
  number: string;
  reference: string;
  type: string;
  kind: string;
  status: string;
  dueDate: string;
  amount: string;
  open: string;
  appliedDate: string;
  customer: { id: string; accountNumber: string; name: string };
  payerName: string | null;
  receiptReference: string | null;
  itemNumber: string | null;
  accountNumber: string | null;
  originApplicationId: string | null;
  applications: Row[];
}
type Body = Row & { items: Row[]; nextCursor: string | null; code: string };

async function get(path: string, as: As = {}) {
  const res = await h.request('GET', path, as);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Body };
}

/** Follows nextCursor to the end with a small page size; returns every item in order. */
async function walk(path: string, limit: number, as: As = {}) {
  const all: Row[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await get(
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      as,
    );
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(limit);
    all.push(...r.body.items);
    cursor = r.body.nextCursor;
    if (cursor === null) return all;
  }
  throw new Error('did not end');
}

const INJECTIONS = ["' or 1=1 --", '%', '_', '\\', "'; drop table items; --", '%%', '"'];

describe('GET /api/invoices', () => {
  it('lists open items by default, in (due date, id) order, with amounts as decimal strings', async () => {
    const r = await get('/api/invoices?limit=500');
    expect(r.status).toBe(200);
    const numbers = r.body.items.map((i) => i.number);
    // Small portfolio: INV-3, INV-4, DED-000001 open; INV-1, INV-2, CM-1, CM-2 closed. X_1 closed by R_4, P-01 by RA4.
    expect(numbers).toContain('INV-3');
    expect(numbers).toContain('DED-000001');
    expect(numbers).not.toContain('INV-1');
    expect(numbers).not.toContain('X_1');
    expect(numbers).not.toContain('P-01');
    expect(numbers).toContain('CM-5');
    expect(r.body.items.every((i) => i.status === 'open')).toBe(true);
    const keys = r.body.items.map((i) => `${i.dueDate} ${i.id}`);
    expect(keys).toEqual([...keys].sort());
    const inv3 = r.body.items.find((i) => i.number === 'INV-3');
    expect(inv3).toMatchObject({
      type: 'invoice',
      amount: '2500.50',
      open: '1000.00',
      currency: 'USD',
      dueDate: '2026-06-29',
      entity: 'MAIN',
      customer: { accountNumber: 'C3', name: 'Beta Co' },
    });
    const cm5 = r.body.items.find((i) => i.number === 'CM-5');
    expect(cm5).toMatchObject({ type: 'credit_memo', amount: '-5.00', open: '-5.00' });
    for (const i of r.body.items) {
      expect(typeof i.amount).toBe('string');
      expect(typeof i.open).toBe('string');
    }
  });

  it('filters by status, customer, type, due dates and number prefix', async () => {
    const all = await get('/api/invoices?status=all&limit=500');
    expect(all.body.items).toHaveLength(7 + 4 + 13); // small (6 + DED-000001), X…, P-… and CM-5
    const closed = await get('/api/invoices?status=closed&limit=500');
    expect(closed.body.items.map((i) => i.number).sort()).toEqual(
      ['CM-1', 'CM-2', 'INV-1', 'INV-2', 'P-01', 'X_1'].sort(),
    );
    expect(closed.body.items.every((i) => i.open === '0.00' && i.status === 'closed')).toBe(true);
    const c3 = await get('/api/invoices?customer=C3&status=all');
    expect(c3.body.items.map((i) => i.number).sort()).toEqual(['CM-1', 'DED-000001', 'INV-3']);
    const memos = await get('/api/invoices?type=credit_memo&status=all');
    expect(memos.body.items.map((i) => i.number).sort()).toEqual(['CM-1', 'CM-2', 'CM-5']);
    const due = await get('/api/invoices?dueAfter=2026-06-01&dueBefore=2026-06-03&status=all');
    expect(due.body.items.every((i) => i.dueDate >= '2026-06-01' && i.dueDate <= '2026-06-03')).toBe(true);
    expect(due.body.items.map((i) => i.number).sort()).toEqual(['CM-5', 'X%1', 'X\\1', 'XA1'].sort());
    const prefix = await get('/api/invoices?q=P-1&status=all');
    expect(prefix.body.items.map((i) => i.number)).toEqual(['P-10', 'P-11', 'P-12']);
  });

  it('treats LIKE wildcards in q as plain characters', async () => {
    const q = async (text: string) =>
      (await get(`/api/invoices?status=all&q=${encodeURIComponent(text)}`)).body.items.map((i) => i.number);
    expect(await q('X_')).toEqual(['X_1']);
    expect(await q('X%')).toEqual(['X%1']);
    expect(await q('X\\')).toEqual(['X\\1']);
    expect((await q('X')).sort()).toEqual(['X%1', 'XA1', 'X\\1', 'X_1'].sort());
  });

  it('treats SQL metacharacters in every text filter as data', async () => {
    for (const bad of INJECTIONS) {
      for (const param of ['q', 'customer']) {
        const r = await get(`/api/invoices?status=all&${param}=${encodeURIComponent(bad)}`);
        expect(r.status, `${param}=${bad}`).toBe(200);
        expect(r.body.items, `${param}=${bad}`).toEqual([]);
      }
      const one = await get(`/api/invoices/${encodeURIComponent(bad)}`);
      expect(one.status, bad).toBe(404);
    }
  });

  it('pages through every item once, ties on the due date included', async () => {
    const full = await get('/api/invoices?status=all&limit=500');
    for (const limit of [1, 3, 7]) {
      const walked = await walk('/api/invoices?status=all', limit);
      expect(walked.map((i) => i.id)).toEqual(full.body.items.map((i) => i.id));
      expect(new Set(walked.map((i) => i.id)).size).toBe(walked.length);
    }
    const sameDay = full.body.items.filter((i) => i.dueDate === SAME_DUE);
    expect(sameDay).toHaveLength(5);
  });

  it('refuses a cursor it did not give out with 400 problem+json', async () => {
    const forged = [
      'not-a-cursor',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('["2026-13-45","itm_x"]').toString('base64url'),
      Buffer.from('["x"]').toString('base64url'),
    ];
    for (const cursor of forged) {
      const r = await get(`/api/invoices?cursor=${encodeURIComponent(cursor)}`);
      expect(r.status, cursor).toBe(400);
      expect(r.type).toContain('application/problem+json');
      expect(r.body.code).toBe('api.invalid_cursor');
    }
  });

  it('refuses malformed filters with 400, not 500', async () => {
    for (const q of [
      'status=maybe',
      'type=bill',
      'dueBefore=2026-02-30',
      'dueAfter=yesterday',
      'limit=0',
      'limit=x',
    ]) {
      const r = await get(`/api/invoices?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.type).toContain('application/problem+json');
    }
  });

  it('shows a portfolio-scoped analyst only the items of their customers', async () => {
    const as = { as: { token: scopedToken } };
    const items = await walk('/api/invoices?status=all', 4, as);
    const accounts = new Set(items.map((i) => i.customer.accountNumber));
    expect([...accounts].sort()).toEqual(['C1', 'C2', 'C4']);
    expect(items).toHaveLength(4 + 4); // INV-1, INV-2, INV-4, CM-2 and C4's four
    expect((await get('/api/invoices?customer=C3', as)).body.items).toEqual([]);
    expect((await get('/api/invoices/INV-3', as)).status).toBe(404);
    expect((await get('/api/invoices/INV-4', as)).status).toBe(200);
    // An unscoped analyst sees everyone's.
    expect((await get('/api/invoices/INV-3', { as: 'analyst' })).status).toBe(200);
  });

  it("masks a consumer's name and references without phi:read, and logs the reads of those who have it", async () => {
    const masked = await get('/api/invoices?customer=C4&status=all', { as: 'analyst' });
    expect(masked.body.items).toHaveLength(4);
    for (const i of masked.body.items) expect(i.customer.name).toBe('J•••');
    expect(masked.body.items.find((i) => i.number === 'X_1')?.reference).toBe('C•••');
    const before = await phiReads();
    const plain = await get('/api/invoices?customer=C4&status=all', { as: 'manager' });
    expect(plain.body.items.every((i) => i.customer.name === 'Jane Patient')).toBe(true);
    expect(plain.body.items.find((i) => i.number === 'X_1')?.reference).toBe('CLAIM-123');
    const after = await phiReads();
    // One audit row per consumer customer shown (not per item), by the manager.
    expect(after.length - before.length).toBe(1);
    expect(after.at(-1)).toMatchObject({ actor: 'manager', action: 'phi.read', object_type: 'customer' });
    // Business customers are not PHI: no audit row.
    await get('/api/invoices?customer=C3&status=all', { as: 'manager' });
    expect((await phiReads()).length).toBe(after.length);
  });

  it('needs invoices:read', async () => {
    expect((await get('/api/invoices', { as: null })).status).toBe(401);
  });
});

describe('GET /api/invoices/{id}', () => {
  it('shows an item by id or number with its applications', async () => {
    const byNumber = await get('/api/invoices/INV-3');
    expect(byNumber.status).toBe(200);
    const byId = await get(`/api/invoices/${byNumber.body.id}`);
    expect(byId.body).toEqual(byNumber.body);
    const apps = byNumber.body.applications;
    // CM-1 netted at import (no receipt; its own row is on CM-1), R-3: invoice 1000.00 and a deduction
    // of -200.00 that created DED-000001.
    const kinds = apps.map((a) => `${a.kind} ${a.amount} ${a.receiptReference ?? '-'}`).sort();
    expect(kinds).toEqual(['deduction -200.00 R-3', 'invoice 1000.00 R-3', 'invoice 500.50 -'].sort());
    const cm1 = await get('/api/invoices/CM-1');
    expect(cm1.body.applications.map((a) => `${a.kind} ${a.amount}`)).toEqual(['credit_memo -500.50']);
    const ded = apps.find((a) => a.kind === 'deduction');
    expect(ded).toMatchObject({
      createdItemNumber: 'DED-000001',
      status: 'history',
      reasonCode: 'pricing_dispute',
    });
    expect(ded?.appliedDate).toBe('2026-06-10');
    const dedItem = await get('/api/invoices/DED-000001');
    expect(dedItem.body.applications.map((a) => a.id)).toEqual([ded?.id]);
    expect(dedItem.body.originApplicationId).toBe(ded?.id);
  });

  it('is 404 for an unknown item', async () => {
    const r = await get('/api/invoices/itm_01JD8X3Q6W9K2M4N7P5R8T0V2Y');
    expect(r.status).toBe(404);
    expect(r.type).toContain('application/problem+json');
  });
});

describe('GET /api/receipts', () => {
  it('lists receipts newest first with amount, unapplied and returned as decimal strings', async () => {
    const r = await get('/api/receipts');
    expect(r.status).toBe(200);
    expect(r.body.items.map((i) => i.reference)).toEqual(['RA4', 'R_4', 'R-3', 'R-2', 'R-1']);
    expect(r.body.items.find((i) => i.reference === 'R-3')).toMatchObject({
      amount: '1500.00',
      unapplied: '700.00',
      returned: '0.00',
      status: 'unapplied',
      receiptDate: '2026-06-10',
      method: 'check',
      customer: { accountNumber: 'C3', name: 'Beta Co' },
    });
  });

  it('filters by status, customer, dates and reference prefix', async () => {
    const refs = async (q: string) => (await get(`/api/receipts?${q}`)).body.items.map((i) => i.reference);
    expect(await refs('status=unapplied')).toEqual(['RA4', 'R_4', 'R-3']);
    expect(await refs('status=applied')).toEqual(['R-2', 'R-1']);
    expect(await refs('customer=C2')).toEqual(['R-2']);
    expect(await refs('from=2026-03-01&to=2026-06-20')).toEqual(['R_4', 'R-3', 'R-2']);
    expect(await refs('q=R_')).toEqual(['R_4']);
    expect(await refs('q=R-')).toEqual(['R-3', 'R-2', 'R-1']);
    expect(await refs('bankAccount=021000021%3A999')).toEqual([]);
  });

  it('treats SQL metacharacters in every text filter as data', async () => {
    for (const bad of INJECTIONS) {
      for (const param of ['q', 'customer', 'bankAccount']) {
        const r = await get(`/api/receipts?${param}=${encodeURIComponent(bad)}`);
        expect(r.status, `${param}=${bad}`).toBe(200);
        expect(r.body.items, `${param}=${bad}`).toEqual([]);
      }
      expect((await get(`/api/receipts/${encodeURIComponent(bad)}`)).status).toBe(404);
    }
  });

  it('pages through every receipt once', async () => {
    const full = await get('/api/receipts?limit=500');
    for (const limit of [1, 2]) {
      const walked = await walk('/api/receipts', limit);
      expect(walked.map((i) => i.id)).toEqual(full.body.items.map((i) => i.id));
    }
    const bad = await get(`/api/receipts?cursor=${Buffer.from('[1,2]').toString('base64url')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('api.invalid_cursor');
  });

  it('scopes to the analyst portfolio and masks the consumer payer', async () => {
    const scoped = await get('/api/receipts', { as: { token: scopedToken } });
    expect(scoped.body.items.map((i) => i.reference)).toEqual(['R_4', 'R-2', 'R-1']);
    const r4 = scoped.body.items.find((i) => i.reference === 'R_4');
    expect(r4?.payerName).toBe('J•••');
    expect(r4?.customer.name).toBe('J•••');
    const manager = await get('/api/receipts?customer=C4', { as: 'manager' });
    expect(manager.body.items[0]?.payerName).toBe('Jane Patient');
  });
});

describe('GET /api/receipts/{id}', () => {
  it('shows a receipt with its applications and explanation', async () => {
    const list = await get('/api/receipts?q=R-1');
    const id = list.body.items[0]?.id;
    const r = await get(`/api/receipts/${id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      reference: 'R-1',
      amount: '900.00',
      unapplied: '0.00',
      engineExplanation: null,
    });
    expect(r.body.applications.map((a) => [a.kind, a.itemNumber, a.amount])).toEqual([
      ['invoice', 'INV-1', '1000.00'],
      ['credit_memo', 'CM-2', '-100.00'],
    ]);
    const sum = r.body.applications.reduce((s: number, a: Row) => s + Math.round(Number(a.amount) * 100), 0);
    expect(sum).toBe(90000);
  });

  it('is 404 outside the portfolio', async () => {
    const list = await get('/api/receipts?q=R-3');
    expect(
      (await get(`/api/receipts/${list.body.items[0]?.id}`, { as: { token: scopedToken } })).status,
    ).toBe(404);
  });
});

describe('GET /api/applications', () => {
  it('pages all applications in id order and filters by receipt and item', async () => {
    const full = await get('/api/applications?limit=500');
    expect(full.status).toBe(200);
    const ids = full.body.items.map((a) => a.id);
    expect(ids).toEqual([...ids].sort());
    const walked = await walk('/api/applications', 2);
    expect(walked.map((a) => a.id)).toEqual(ids);
    const r3 = (await get('/api/receipts?q=R-3')).body.items[0];
    const byReceipt = await get(`/api/applications?receiptId=${r3?.id}`);
    expect(byReceipt.body.items.map((a) => a.kind).sort()).toEqual(['deduction', 'invoice']);
    const inv1 = (await get('/api/invoices/INV-1')).body;
    const byItem = await get(`/api/applications?itemId=${inv1.id}`);
    expect(byItem.body.items.map((a) => a.receiptReference)).toEqual(['R-1']);
    for (const bad of INJECTIONS) {
      for (const param of ['receiptId', 'itemId']) {
        const r = await get(`/api/applications?${param}=${encodeURIComponent(bad)}`);
        expect(r.status).toBe(200);
        expect(r.body.items).toEqual([]);
      }
    }
  });

  it('scopes to the analyst portfolio', async () => {
    const scoped = await walk('/api/applications', 3, { as: { token: scopedToken } });
    expect(new Set(scoped.map((a) => a.accountNumber))).toEqual(new Set(['C1', 'C2', 'C4']));
  });
});

describe('the OpenAPI document', () => {
  it('describes these routes with their permissions', async () => {
    const res = await h.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, { get?: { description?: string } }> };
    for (const [path, permission] of [
      ['/api/invoices', 'invoices:read'],
      ['/api/invoices/{id}', 'invoices:read'],
      ['/api/receipts', 'receipts:read'],
      ['/api/receipts/{id}', 'receipts:read'],
      ['/api/applications', 'receipts:read'],
      ['/api/reports/aging', 'reports:read'],
      ['/api/reports/statement/{account}', 'reports:read'],
      ['/api/reports/bank-reconciliation', 'reports:read'],
      ['/api/check', 'check:run'],
      ['/api/parties', 'customers:read'],
      ['/api/parties/{code}', 'customers:read'],
    ] as const) {
      expect(doc.paths[path]?.get?.description, path).toContain(`\`${permission}\``);
    }
  });
});

async function phiReads() {
  return h.database.db
    .selectFrom('audit_log')
    .select(['actor', 'action', 'object_type', 'object_id'])
    .where('action', '=', 'phi.read')
    .orderBy('seq')
    .execute();
}
