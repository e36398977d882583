import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../test/support/api-harness.ts';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { extractPdfText } from '../../../test/support/pdf-text.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { runDunning } from '../../modules/dunning/index.ts';

/*
 * The dunning and documents routes: strategies, templates and runs need dunning:manage; a customer's
 * documents need customers:read; a consumer's PDF only with phi:read, each download in the audit trail.
 */
let h: ApiHarness;
let businessDoc: string;
let consumerDoc: string;

beforeAll(async () => {
  h = await createApiHarness({ today: '2026-07-01' as LocalDate });
  await importCsv(
    h.ctx,
    'customers',
    csv([
      'account_number,name,terms,customer_type,collector',
      'BIZ,Business Buyer Inc,NET30,business,analyst',
      'PAT,Pat Patient,NET30,consumer,analyst',
    ]),
  );
  await importCsv(
    h.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,issue_date,due_date,amount',
      'BZ-1,BIZ,2026-04-17,2026-05-17,1200.00',
      'PT-1,PAT,2026-04-17,2026-05-17,80.00',
    ]),
  );
  // Day 45: demand letters, on paper (no email addresses).
  await runDunning(h.ctx, { runDate: '2026-07-01' as LocalDate });
  const docs = await h.database.db
    .selectFrom('documents as d')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.tenant_id', '=', 'd.tenant_id').onRef('c.id', '=', 'd.customer_id'),
    )
    .select(['d.id', 'c.account_number'])
    .where('d.tenant_id', '=', h.ctx.tenantId)
    .execute();
  businessDoc = docs.find((x) => x.account_number === 'BIZ')?.id ?? '';
  consumerDoc = docs.find((x) => x.account_number === 'PAT')?.id ?? '';
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('dunning routes', () => {
  it('lists the seeded default strategy and saves a new one, naming the field at fault', async () => {
    const list = await h.request('GET', '/api/dunning/strategies', { as: 'manager' });
    expect(list.status).toBe(200);
    const body = (await list.json()) as {
      items: { name: string; isDefault: boolean; steps: { dayOffset: number }[] }[];
    };
    expect(body.items.map((s) => [s.name, s.isDefault])).toEqual([['Standard', true]]);
    expect(body.items[0]?.steps.map((s) => s.dayOffset)).toEqual([-5, 1, 15, 30, 45, 60, 90]);

    const bad = await h.request('POST', '/api/dunning/strategies', {
      as: 'manager',
      body: { name: 'Consumers', steps: [{ dayOffset: 10, channel: 'letter', template: 'demand' }] },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('steps.0.letterKind');

    const ok = await h.request('POST', '/api/dunning/strategies', {
      as: 'manager',
      body: {
        name: 'Consumers',
        priority: 10,
        customerTypes: ['consumer'],
        minDaysBetweenNotices: 14,
        steps: [
          { dayOffset: 10, channel: 'letter', template: 'demand', letterKind: 'reminder_letter' },
          { dayOffset: 40, channel: 'call_task' },
        ],
      },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { steps: unknown[] }).steps).toHaveLength(2);
    expect((await h.request('POST', '/api/dunning/strategies', { as: 'analyst', body: {} })).status).toBe(
      403,
    );
  });

  it('checks templates for unknown merge fields', async () => {
    const bad = await h.request('PUT', '/api/dunning/templates/demand/fr', {
      as: 'admin',
      body: { subject: 'Mise en demeure', body: 'Solde: {{balance}}' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('{{balance}}');
    const ok = await h.request('PUT', '/api/dunning/templates/demand/fr', {
      as: 'admin',
      body: { subject: 'Mise en demeure', body: 'Total dû : {{total_due}}\n\n{{items}}' },
    });
    expect(ok.status).toBe(200);
    const list = (await (await h.request('GET', '/api/dunning/templates')).json()) as {
      items: { code: string; language: string }[];
    };
    expect(list.items.filter((t) => t.code === 'demand').map((t) => t.language)).toEqual(['en', 'es', 'fr']);
  });

  it('queues one run per date for the worker', async () => {
    const a = await h.request('POST', '/api/dunning/runs', { as: 'manager', body: { date: '2026-06-30' } });
    expect(a.status).toBe(202);
    const job = (await a.json()) as { id: string; status: string; runDate: string };
    expect(job).toMatchObject({ status: 'queued', runDate: '2026-06-30' });
    const b = await h.request('POST', '/api/dunning/runs', { as: 'manager', body: { date: '2026-06-30' } });
    expect(((await b.json()) as { id: string }).id).toBe(job.id);
    const future = await h.request('POST', '/api/dunning/runs', {
      as: 'manager',
      body: { date: '2026-07-02' },
    });
    expect(future.status).toBe(400);
    const runs = (await (await h.request('GET', '/api/dunning/runs', { as: 'manager' })).json()) as {
      items: { id: string }[];
    };
    expect(runs.items.map((r) => r.id)).toContain(job.id);
  });
});

describe('documents', () => {
  it("lists a customer's documents for anyone who reads customers", async () => {
    const res = await h.request('GET', '/api/customers/BIZ/documents', { as: 'auditor' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { id: string; kind: string; sha256: string }[] };
    expect(body.items.map((d) => [d.id, d.kind])).toEqual([[businessDoc, 'demand_letter']]);
  });

  it('returns the PDF as sent, with its recorded digest', async () => {
    const res = await h.request('GET', `/api/documents/${businessDoc}`, { as: 'analyst' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const { createHash } = await import('node:crypto');
    expect(res.headers.get('x-content-sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
    const text = (await extractPdfText(bytes)).join('\n');
    expect(text).toContain('Business Buyer Inc');
    expect(text).toContain('Total due 1,200.00 USD');
    expect((await h.request('GET', '/api/documents/doc_01JD8X3Q6W9K2M4N7P5R8T0V2Y')).status).toBe(404);
  });

  it("lets only roles with phi:read download a consumer's PDF, and logs each download", async () => {
    const denied = await h.request('GET', `/api/documents/${consumerDoc}`, { as: 'analyst' });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { code: string }).code).toBe('api.forbidden');
    const before = await phiReads();
    const ok = await h.request('GET', `/api/documents/${consumerDoc}`, { as: 'manager' });
    expect(ok.status).toBe(200);
    expect((await extractPdfText(new Uint8Array(await ok.arrayBuffer()))).join('\n')).toContain(
      'Pat Patient',
    );
    await h.request('GET', `/api/documents/${consumerDoc}`, { as: 'cash_applier' });
    const after = await phiReads();
    expect(after.slice(before.length)).toEqual(['manager', 'cash_applier']);
  });

  it('sets and lists statement schedules', async () => {
    const res = await h.request('PUT', '/api/customers/BIZ/statement-schedule', {
      as: 'manager',
      body: { frequency: 'weekly', day: 5 },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      frequency: 'weekly',
      day: 5,
      nextRunDate: '2026-07-03',
      active: true,
    });
    const bad = await h.request('PUT', '/api/customers/BIZ/statement-schedule', {
      as: 'manager',
      body: { frequency: 'weekly', day: 9 },
    });
    expect(bad.status).toBe(400);
    const list = (await (await h.request('GET', '/api/statement-schedules', { as: 'manager' })).json()) as {
      items: { accountNumber: string }[];
    };
    expect(list.items.map((s) => s.accountNumber)).toEqual(['BIZ']);
  });
});

async function phiReads(): Promise<string[]> {
  const rows = await h.database.db
    .selectFrom('audit_log')
    .select(['actor'])
    .where('tenant_id', '=', h.ctx.tenantId)
    .where('action', '=', 'phi.read')
    .where('object_type', '=', 'document')
    .where('object_id', '=', consumerDoc)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.actor);
}
