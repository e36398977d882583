import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../test/support/api-harness.ts';
import { csv } from '../../../test/support/import-text.ts';
import { checkLedger } from '../../modules/integrity/index.ts';

let h: ApiHarness;

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { line?: number; field?: string; message: string }[];
}

interface Row {
  applicationId: string | null;
  kind: string;
  target: string | null;
  customer: string | null;
  amount: string;
  reasonCode: string | null;
}

interface Result {
  receiptId: string;
  reference: string;
  currency: string;
  unapplied: string;
  applicationIds: string[];
  reversalIds: string[];
  rows: Row[];
  learned: { customer: string; source: string }[];
}

interface OpenReceipt {
  id: string;
  reference: string;
  amount: string;
  unapplied: string;
  payerName: string | null;
  explanation: string | null;
  suggestions: { id: string; rank: number; confidence: string; rows: Omit<Row, 'applicationId'>[] }[];
}

/** Uploads a file the way a client does (raw body, name in the query), as the cash applier. */
async function upload(path: string, body: string, type = 'text/csv'): Promise<void> {
  const res = await h.app.request(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.tokens.cash_applier}`, 'content-type': type },
    body,
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

const BAI2 = [
  '01,TESTBANK,ARBOR,260612,0800,API1,,,2/',
  '02,ARBOR,TESTBANK,1,260612,,USD,2/',
  '03,555000555,USD/',
  '16,195,123400,0,WIR0001,,INCOMING WIRE/',
  '88,DBNM: ALDER MEDICAL GROUP/',
  '16,195,50000,0,WIR0002,,INCOMING WIRE/',
  '88,DBNM: OAK STREET TRUST/',
  '16,195,80000,0,WIR0003,,INCOMING WIRE/',
  '88,DBNM: BIRCH DENTAL PARTNERS/',
  '49,253400,8/',
  '98,253400,1,10/',
  '99,253400,1,12/',
  '',
].join('\n');

const unappliedOf = async (reference: string) =>
  (
    await h.database.db
      .selectFrom('receipts')
      .select('unapplied_minor')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow()
  ).unapplied_minor;

const applicationCount = async (reference: string) =>
  Number(
    (
      await h.database.db
        .selectFrom('applications')
        .innerJoin('receipts', (j) =>
          j
            .onRef('receipts.id', '=', 'applications.receipt_id')
            .onRef('receipts.tenant_id', '=', 'applications.tenant_id'),
        )
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('receipts.reference', '=', reference)
        .executeTakeFirstOrThrow()
    ).n,
  );

const post = async <T>(path: string, body: unknown, as: Parameters<ApiHarness['request']>[2] = {}) => {
  const res = await h.request('POST', path, { as: 'cash_applier', ...as, body });
  return { res, body: (await res.json()) as T };
};

beforeAll(async () => {
  h = await createApiHarness();
  await upload(
    '/api/imports/customers?filename=customers.csv',
    csv([
      'account_number,name',
      'A1,Alder Medical Group',
      'B1,Birch Dental Partners',
      'C1,Cedar Pharmacy Services',
    ]),
  );
  await upload(
    '/api/imports/invoices?filename=invoices.csv',
    csv([
      'invoice_number,account_number,type,issue_date,amount',
      'A-1001,A1,invoice,2026-05-01,1234.00',
      'B-2001,B1,invoice,2026-05-02,800.00',
      'B-2002,B1,invoice,2026-05-03,450.00',
      'C-3001,C1,invoice,2026-05-04,999.99',
    ]),
  );
  await upload('/api/imports/bank?filename=jun12.bai', BAI2, 'text/plain');
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('the engine and the list', () => {
  it('runs cash application and answers with the run', async () => {
    const { res, body } = await post<Record<string, unknown>>('/api/cash/runs', { asOf: '2026-06-30' });
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ asOf: '2026-06-30', receipts: 3, applied: 0, suggested: 2, left: 1 });
    expect(body.runId).toMatch(/^[a-z]+_/);
  });

  it('lists receipts with money unapplied and their ranked suggestions, amounts as decimal strings', async () => {
    const res = await h.request('GET', '/api/cash/receipts', { as: 'analyst' });
    expect(res.status).toBe(200);
    const { items, hasMore } = (await res.json()) as { items: OpenReceipt[]; hasMore: boolean };
    expect(hasMore).toBe(false);
    expect(items.map((r) => [r.reference, r.amount, r.unapplied])).toEqual([
      ['WIR0001', '1234.00', '1234.00'],
      ['WIR0002', '500.00', '500.00'],
      ['WIR0003', '800.00', '800.00'],
    ]);
    const alder = items[0];
    expect(alder?.suggestions[0]).toMatchObject({
      rank: 1,
      rows: [{ kind: 'invoice', target: 'A-1001', customer: 'A1', amount: '1234.00' }],
    });
    expect(Number(alder?.suggestions[0]?.confidence)).toBeGreaterThan(0);
    expect(items[1]?.suggestions).toEqual([]);

    const page = await h.request('GET', '/api/cash/receipts?limit=2&status=unapplied', { as: 'analyst' });
    const one = (await page.json()) as { items: OpenReceipt[]; hasMore: boolean };
    expect(one.items.map((r) => r.reference)).toEqual(['WIR0002']);
    expect(one.hasMore).toBe(false);
    const first = (await (await h.request('GET', '/api/cash/receipts?limit=1')).json()) as {
      items: OpenReceipt[];
      hasMore: boolean;
    };
    expect(first.items.map((r) => r.reference)).toEqual(['WIR0001']);
    expect(first.hasMore).toBe(true);
  });

  it('rejects a suggestion: nothing is applied and it leaves the list of suggested receipts', async () => {
    const rejected = await post<Result>('/api/receipts/WIR0003/reject', { rank: 1 });
    expect(rejected.res.status).toBe(200);
    expect(rejected.body).toMatchObject({ reference: 'WIR0003', unapplied: '800.00', applicationIds: [] });
    expect(rejected.body.rows).toEqual([
      expect.objectContaining({ kind: 'invoice', target: 'B-2001', customer: 'B1', amount: '800.00' }),
    ]);
    const suggested = (await (await h.request('GET', '/api/cash/receipts?status=suggested')).json()) as {
      items: OpenReceipt[];
    };
    expect(suggested.items.map((r) => r.reference)).toEqual(['WIR0001']);
    expect(await unappliedOf('WIR0003')).toBe(80000n);
    const again = await post<Problem>('/api/receipts/WIR0003/reject', {});
    expect(again.res.status).toBe(409);
  });
});

describe('confirm, unapply, apply', () => {
  it('confirms the suggestion, then unapplies it, restoring the unapplied amount', async () => {
    const confirmed = await post<Result>('/api/receipts/WIR0001/confirm', { rank: 1 });
    expect(confirmed.res.status).toBe(200);
    expect(confirmed.body).toMatchObject({ reference: 'WIR0001', unapplied: '0.00', currency: 'USD' });
    expect(confirmed.body.applicationIds).toHaveLength(1);
    expect(confirmed.body.rows).toEqual([
      expect.objectContaining({ kind: 'invoice', target: 'A-1001', amount: '1234.00', customer: 'A1' }),
    ]);
    expect(await unappliedOf('WIR0001')).toBe(0n);

    // Confirming again: the suggestion is no longer open.
    const twice = await post<Problem>('/api/receipts/WIR0001/confirm', {});
    expect(twice.res.status).toBe(409);
    expect(twice.body.code).toBe('cash.suggestion_closed');

    const nothingNamed = await post<Problem>('/api/receipts/WIR0001/unapply', {});
    expect(nothingNamed.res.status).toBe(400);
    expect(await unappliedOf('WIR0001')).toBe(0n);

    const undone = await post<Result>('/api/receipts/WIR0001/unapply', { all: true });
    expect(undone.res.status).toBe(200);
    expect(undone.body.unapplied).toBe('1234.00');
    expect(undone.body.reversalIds).toHaveLength(1);
    expect(await unappliedOf('WIR0001')).toBe(123400n);
  });

  it('applies by hand across customers and unapplies one item', async () => {
    const receipt = (
      await h.database.db
        .selectFrom('receipts')
        .select('id')
        .where('reference', '=', 'WIR0001')
        .executeTakeFirstOrThrow()
    ).id;
    const applied = await post<Result>(`/api/receipts/${receipt}/apply`, {
      rows: [
        { kind: 'item', number: 'A-1001', amount: '1000.00' },
        { kind: 'item', number: 'C-3001', amount: '200' },
        { kind: 'on_account', customer: 'A1' },
      ],
    });
    expect(applied.res.status).toBe(200);
    expect(applied.body.unapplied).toBe('0.00');
    expect(applied.body.rows.map((r) => [r.kind, r.target, r.customer, r.amount])).toEqual([
      ['invoice', 'A-1001', 'A1', '1000.00'],
      ['invoice', 'C-3001', 'C1', '200.00'],
      ['on_account', null, 'A1', '34.00'],
    ]);
    const partly = await post<Result>(`/api/receipts/${receipt}/unapply`, { items: ['C-3001'] });
    expect(partly.res.status).toBe(200);
    expect(partly.body.unapplied).toBe('200.00');
    expect(partly.body.rows.map((r) => r.target)).toEqual(['C-3001']);
    expect(await unappliedOf('WIR0001')).toBe(20000n);
  });

  it('refuses amounts that do not fit the currency, naming the field, and applies nothing', async () => {
    const { res, body } = await post<Problem>('/api/receipts/WIR0002/apply', {
      rows: [
        { kind: 'item', number: 'B-2002', amount: '450.001' },
        { kind: 'discount', item: 'B-2002', amount: '1.5' },
        { kind: 'on_account', customer: 'B1', amount: '0.125' },
      ],
    });
    expect(res.status).toBe(400);
    expect(body.code).toBe('api.invalid_request');
    expect(body.errors?.map((e) => e.field)).toEqual(['rows.0.amount', 'rows.2.amount']);
    expect(body.errors?.[0]?.message).toContain('more than 2 decimal places for USD');
    expect(await unappliedOf('WIR0002')).toBe(50000n);

    const comma = await post<Problem>('/api/receipts/WIR0002/apply', {
      rows: [{ kind: 'discount', item: 'B-2002', amount: '1,00' }],
    });
    expect(comma.res.status).toBe(400);
    expect(comma.body.errors?.map((e) => e.field)).toEqual(['rows.0.amount']);
    expect(await unappliedOf('WIR0002')).toBe(50000n);

    // A misspelt key is refused, not ignored: a row without its amount would settle the whole item.
    const typo = await post<Problem>('/api/receipts/WIR0002/apply', {
      rows: [{ kind: 'item', number: 'B-2002', amout: '1.00' }],
    });
    expect(typo.res.status).toBe(400);
    expect(typo.body.errors).toEqual([{ field: 'rows.0', message: 'Unrecognized key: "amout"' }]);
    const unknown = await post<Problem>('/api/receipts/WIR0002/apply', {
      rows: [
        { kind: 'item', number: 'NOPE-1' },
        { kind: 'item', number: 'B-2002', amount: '1.00' },
      ],
    });
    expect(unknown.res.status).toBe(400);
    expect(unknown.body.code).toBe('cash.invalid_rows');
    expect(unknown.body.errors).toEqual([{ field: 'NOPE-1', message: 'no item numbered "NOPE-1"' }]);
    expect(await unappliedOf('WIR0002')).toBe(50000n);

    const missing = await post<Problem>('/api/receipts/NO-SUCH-RECEIPT/apply', {
      rows: [{ kind: 'item', number: 'B-2002', amount: '1.00' }],
    });
    expect(missing.res.status).toBe(404);
    expect(missing.body.code).toBe('cash.receipt_not_found');
  });

  it('replays a manual application sent again with the same Idempotency-Key, applying it once', async () => {
    const body = {
      rows: [
        { kind: 'item', number: 'B-2002', amount: '450.00' },
        { kind: 'on_account', customer: 'B1', amount: '30.00' },
      ],
    };
    const headers = { 'idempotency-key': 'apply-wir0002-1' };
    const first = await h.request('POST', '/api/receipts/WIR0002/apply', {
      as: 'cash_applier',
      body,
      headers,
    });
    expect(first.status).toBe(200);
    const firstText = await first.text();
    expect((JSON.parse(firstText) as Result).unapplied).toBe('20.00');
    const applications = await applicationCount('WIR0002');

    const again = await h.request('POST', '/api/receipts/WIR0002/apply', {
      as: 'cash_applier',
      body,
      headers,
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(firstText);
    expect(await unappliedOf('WIR0002')).toBe(2000n);
    expect(await applicationCount('WIR0002')).toBe(applications);

    const other = await h.request('POST', '/api/receipts/WIR0002/apply', {
      as: 'cash_applier',
      body: { rows: [{ kind: 'item', number: 'B-2001', amount: '20.00' }] },
      headers,
    });
    expect(other.status).toBe(409);
    expect(((await other.json()) as Problem).code).toBe('api.idempotency_key_reused');
    expect(await unappliedOf('WIR0002')).toBe(2000n);
  });
});

describe('move, on account, refund', () => {
  it('moves what a receipt applied from one invoice to another', async () => {
    const { res, body } = await post<Result>('/api/receipts/WIR0002/move', { from: 'B-2002', to: 'B-2001' });
    expect(res.status).toBe(200);
    expect(body.rows.map((r) => [r.kind, r.target, r.amount])).toEqual([['invoice', 'B-2001', '450.00']]);
    expect(body.reversalIds).toHaveLength(1);
    const items = await h.database.db
      .selectFrom('items')
      .select(['number', 'open_minor'])
      .where('number', 'in', ['B-2001', 'B-2002'])
      .orderBy('number')
      .execute();
    expect(items.map((i) => [i.number, i.open_minor])).toEqual([
      ['B-2001', 35000n],
      ['B-2002', 45000n],
    ]);
  });

  it('puts money on account, with the amount read in the receipt currency', async () => {
    const { res, body } = await post<Result>('/api/receipts/WIR0002/on-account', {
      customer: 'B1',
      amount: '5',
    });
    expect(res.status).toBe(200);
    expect(body.unapplied).toBe('15.00');
    expect(body.rows).toEqual([
      expect.objectContaining({ kind: 'on_account', customer: 'B1', amount: '5.00' }),
    ]);
  });

  it('refunds with cash:refund only, also inside a manual application', async () => {
    const denied = await post<Problem>('/api/receipts/WIR0002/refund', { amount: '5.00' });
    expect(denied.res.status).toBe(403);
    const hidden = await post<Problem>('/api/receipts/WIR0002/apply', {
      rows: [{ kind: 'refund', amount: '5.00' }],
    });
    expect(hidden.res.status).toBe(403);
    expect(await unappliedOf('WIR0002')).toBe(1500n);

    const refunded = await post<Result>(
      '/api/receipts/WIR0002/refund',
      { amount: '5.00' },
      { as: 'accountant' },
    );
    expect(refunded.res.status).toBe(200);
    expect(refunded.body.unapplied).toBe('10.00');
    expect(refunded.body.rows).toEqual([expect.objectContaining({ kind: 'refund', amount: '5.00' })]);
    const rest = await post<Result>('/api/receipts/WIR0002/refund', undefined, { as: 'accountant' });
    expect(rest.res.status).toBe(200);
    expect(rest.body.unapplied).toBe('0.00');
  });
});

describe('permissions and validation', () => {
  it('answers 403 to a role without cash:apply, and changes nothing', async () => {
    const before = await unappliedOf('WIR0001');
    for (const [path, body] of [
      ['/api/receipts/WIR0001/apply', { rows: [{ kind: 'item', number: 'C-3001', amount: '1.00' }] }],
      ['/api/receipts/WIR0001/confirm', {}],
      ['/api/cash/runs', {}],
    ] as const) {
      const res = await h.request('POST', path, { as: 'analyst', body });
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as Problem).code).toBe('api.forbidden');
    }
    expect(await unappliedOf('WIR0001')).toBe(before);
  });

  it('refuses a bad body with 400 naming the field', async () => {
    const rank = await post<Problem>('/api/receipts/WIR0001/confirm', { rank: 7 });
    expect(rank.res.status).toBe(400);
    expect(rank.body.errors?.[0]?.field).toBe('rank');
    const asOf = await post<Problem>('/api/cash/runs', { asOf: '2026-02-30' });
    expect(asOf.res.status).toBe(400);
    expect(asOf.body.errors?.[0]?.field).toBe('asOf');
    const negative = await post<Problem>('/api/receipts/WIR0001/on-account', {
      customer: 'A1',
      amount: '-1.00',
    });
    expect(negative.res.status).toBe(400);
    expect(negative.body.errors?.[0]?.field).toBe('amount');
  });

  it('leaves every ledger invariant holding', async () => {
    const results = await checkLedger(h.ctx);
    expect(results.length).toBeGreaterThan(5);
    expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.failures.join('; ')}`)).toEqual([]);
  });
});
