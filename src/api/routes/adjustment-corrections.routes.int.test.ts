import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../test/support/api-harness.ts';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { checkLedger } from '../../modules/integrity/index.ts';

/** Reinstating written-off amounts and reversing adjustments over HTTP. */
let h: ApiHarness;
const itemOf = async (number: string) =>
  await h.database.db
    .selectFrom('items')
    .select(['id', 'open_minor'])
    .where('tenant_id', '=', h.ctx.tenantId)
    .where('number', '=', number)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  h = await createApiHarness();
  await importCsv(h.ctx, 'customers', csv(['account_number,name', 'K1,Kestrel Labs']));
  await importCsv(
    h.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,amount',
      'K-1,K1,invoice,2026-04-01,300.00',
      'K-2,K1,invoice,2026-04-02,200.00',
    ]),
  );
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function writeOff(number: string): Promise<string> {
  const res = await h.request('POST', '/api/adjustments', {
    as: 'analyst',
    body: { kind: 'write_off', itemId: (await itemOf(number)).id, reasonCode: 'bad_debt' },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: { entryIds: string[] } };
  return body.result.entryIds[0] as string;
}

describe('POST /api/items/{id}/reinstate', () => {
  it('reinstates part of a write-off, refuses more than is written off, and is not for auditors', async () => {
    await writeOff('K-1');
    const id = (await itemOf('K-1')).id;
    const res = await h.request('POST', `/api/items/${id}/reinstate`, {
      as: 'analyst',
      body: { amount: '120.00', reason: 'customer paid late' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      itemNumber: 'K-1',
      amount: '120.00',
      open: '120.00',
      writtenOff: '180.00',
    });
    expect((await itemOf('K-1')).open_minor).toBe(12_000n);

    const over = await h.request('POST', `/api/items/${id}/reinstate`, {
      as: 'analyst',
      body: { amount: '180.01', reason: 'too much' },
    });
    expect(over.status).toBe(409);
    expect(((await over.json()) as { code: string }).code).toBe('receivables.exceeds_written_off');

    const auditor = await h.request('POST', `/api/items/${id}/reinstate`, {
      as: 'auditor',
      body: { reason: 'no' },
    });
    expect(auditor.status).toBe(403);
    expect((await itemOf('K-1')).open_minor).toBe(12_000n);

    const missing = await h.request('POST', '/api/items/itm_nope/reinstate', {
      as: 'analyst',
      body: { reason: 'x' },
    });
    expect(missing.status).toBe(404);
    expect((await checkLedger(h.ctx)).filter((r) => !r.ok)).toEqual([]);
  });
});

describe('POST /api/adjustments/{id}/reverse', () => {
  it('reverses a write-off once, reopening the item; a second reversal is 409', async () => {
    const entryId = await writeOff('K-2');
    expect((await itemOf('K-2')).open_minor).toBe(0n);
    const res = await h.request('POST', `/api/adjustments/${entryId}/reverse`, {
      as: 'analyst',
      body: { reason: 'wrong invoice' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      entryId: string;
      items: { itemNumber: string; openAfter: string }[];
    };
    expect(body.entryId).toBe(entryId);
    expect(body.items).toEqual([
      expect.objectContaining({ itemNumber: 'K-2', openBefore: '0.00', openAfter: '200.00' }),
    ]);
    expect((await itemOf('K-2')).open_minor).toBe(20_000n);

    const again = await h.request('POST', `/api/adjustments/${entryId}/reverse`, {
      as: 'analyst',
      body: { reason: 'again' },
    });
    expect(again.status).toBe(409);
    const problem = (await again.json()) as { code: string; detail: string };
    expect(problem.code).toBe('approvals.already_reversed');
    expect(problem.detail).toContain('already reversed');
    expect((await itemOf('K-2')).open_minor).toBe(20_000n);

    const listed = await h.request('GET', `/api/items/${(await itemOf('K-2')).id}/adjustments`, {
      as: 'auditor',
    });
    expect(listed.status).toBe(200);
    const { items } = (await listed.json()) as {
      items: { entryId: string; kind: string; closed: string; reversedBy: string | null }[];
    };
    expect(items.map((i) => [i.kind, i.closed])).toEqual([
      ['write_off', '200.00'],
      ['reversal', '-200.00'],
    ]);
    expect(items[0]?.entryId).toBe(entryId);
    expect(items[0]?.reversedBy).toBe(items[1]?.entryId);

    const noReason = await h.request('POST', `/api/adjustments/${entryId}/reverse`, {
      as: 'analyst',
      body: {},
    });
    expect(noReason.status).toBe(400);
    expect((await checkLedger(h.ctx)).filter((r) => !r.ok)).toEqual([]);
  });
});
