import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness } from '../../../test/support/api-harness.ts';
import { csv } from '../../../test/support/import-text.ts';
import type { Role } from '../../modules/identity/index.ts';
import { checkLedger } from '../../modules/integrity/index.ts';
import { writeXlsx } from '../../modules/tabular/index.ts';
import { createApp } from '../app.ts';
import { createImportRoutes } from './imports.routes.ts';

const REMITTANCE = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'remittance');

let h: ApiHarness;

beforeAll(async () => {
  h = await createApiHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { line?: number; field?: string; message: string }[];
}

/** Sends `body` as the raw request body, as a client uploading a file does. */
function upload(
  path: string,
  body: string | Uint8Array,
  options: { type?: string; as?: Role | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const as = options.as === undefined ? 'cash_applier' : options.as;
  const headers: Record<string, string> = {
    'content-type': options.type ?? 'text/csv',
    ...options.headers,
  };
  if (as !== null) headers.authorization = `Bearer ${h.tokens[as]}`;
  return Promise.resolve(h.app.request(path, { method: 'POST', headers, body }));
}

const count = async (table: 'customers' | 'items' | 'receipts' | 'imports' | 'remittance_advices') =>
  Number(
    (
      await h.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const uploadsLeft = async () => (await readdir(tmpdir())).filter((n) => n.startsWith('arbor-upload-')).length;

const CUSTOMERS = csv([
  'account_number,name,terms',
  'A1,Alder Medical Group,NET30',
  'B1,Birch Dental Partners,NET30',
]);
const INVOICES = csv([
  'invoice_number,account_number,type,issue_date,amount',
  'A-1001,A1,invoice,2026-05-01,1234.00',
  'B-2001,B1,invoice,2026-05-02,800.00',
  'B-2002,B1,credit_memo,2026-05-03,50.25',
]);

describe('table imports', () => {
  it('imports customers from a raw CSV body, named by ?filename=', async () => {
    const before = await uploadsLeft();
    const res = await upload('/api/imports/customers?filename=customers.csv', CUSTOMERS);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      importId: string;
      kind: string;
      file: string;
      rows: number;
      summary: unknown;
    };
    expect(body).toMatchObject({
      kind: 'customers',
      file: 'customers.csv',
      rows: 2,
      summary: { created: 2, updated: 0 },
    });
    expect(body.importId).toMatch(/^imp/);
    expect(await count('customers')).toBe(2);
    const record = await h.database.db
      .selectFrom('imports')
      .select('file_name')
      .where('id', '=', body.importId)
      .executeTakeFirstOrThrow();
    expect(record.file_name).toBe('customers.csv');
    // The temporary copy of the upload is gone.
    expect(await uploadsLeft()).toBe(before);
  });

  it('refuses the same file again with 409 and changes nothing', async () => {
    const res = await upload('/api/imports/customers?filename=again.csv', CUSTOMERS);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const p = (await res.json()) as Problem;
    expect(p.code).toBe('import.duplicate_file');
    expect(p.detail).toContain('again.csv');
    expect(p.detail).not.toContain('arbor-upload-');
    expect(await count('imports')).toBe(1);
  });

  it('reports every bad row of an invoice file with its line and column, and writes nothing', async () => {
    const bad = csv([
      'invoice_number,account_number,type,issue_date,amount',
      'X-1,A1,invoice,2026-05-01,10.00',
      'X-2,ZZ,invoice,2026-05-01,10.00',
      'X-3,A1,invoice,2026-02-30,10.00',
      'X-4,A1,invoice,2026-05-01,12.345',
      'X-5,B1,invoice,2026-05-01,5.00',
    ]);
    const res = await upload('/api/imports/invoices?filename=bad-invoices.csv', bad);
    expect(res.status).toBe(400);
    const p = (await res.json()) as Problem;
    expect(p.code).toBe('import.invalid_rows');
    expect(p.detail).toContain('bad-invoices.csv');
    expect(p.errors?.map((e) => e.line)).toEqual([3, 4, 5]);
    expect(p.errors?.find((e) => e.line === 3)?.field).toBe('account_number');
    expect(p.errors?.find((e) => e.line === 5)?.field).toBe('amount');
    expect(await count('items')).toBe(0);
    expect(await count('imports')).toBe(1);
  });

  it('reports a header that does not fit the format', async () => {
    const res = await upload(
      '/api/imports/customers?filename=wrong.csv',
      csv(['account_number,name,colour', 'Q1,Quince,red']),
    );
    expect(res.status).toBe(400);
    const p = (await res.json()) as Problem;
    expect(p.code).toBe('import.invalid_header');
    expect(p.errors?.some((e) => e.message.includes('colour'))).toBe(true);
  });

  it('imports invoices from a multipart form, with money totals as decimal strings', async () => {
    const form = new FormData();
    form.append('file', new Blob([INVOICES], { type: 'text/csv' }), 'invoices.csv');
    const res = await Promise.resolve(
      h.app.request('/api/imports/invoices', {
        method: 'POST',
        headers: { authorization: `Bearer ${h.tokens.cash_applier}` },
        body: form,
      }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { file: string; rows: number; summary: Record<string, unknown> };
    expect(body.file).toBe('invoices.csv');
    expect(body.rows).toBe(3);
    expect(body.summary).toMatchObject({
      invoices: 2,
      credit_memos: 1,
      totals: { 'invoice:USD': '2034.00', 'credit_memo:USD': '-50.25' },
    });
    expect(await count('items')).toBe(3);
  });

  it('imports an XLSX workbook sent as the raw body', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arbor-xlsx-test-'));
    try {
      const path = join(dir, 'entities.xlsx');
      await writeXlsx(path, [
        {
          name: 'entities',
          columns: [{ name: 'code' }, { name: 'name' }, { name: 'currency' }, { name: 'country' }],
          rows: [['EU1', 'Arbor Europe BV', 'EUR', 'NL']],
        },
      ]);
      const bytes = await readFile(path);
      const res = await upload('/api/imports/entities?filename=entities.xlsx', bytes, {
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        as: 'admin',
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        kind: 'entities',
        file: 'entities.xlsx',
        rows: 1,
        summary: { created: 1 },
      });
      const eu = await h.database.db
        .selectFrom('entities')
        .select(['currency'])
        .where('code', '=', 'EU1')
        .executeTakeFirst();
      expect(eu?.currency).toBe('EUR');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('replays an upload sent again with the same Idempotency-Key, importing it once', async () => {
    const parties = csv([
      'party_id,party_name,party_kind,account_number,roles',
      'TPA1,Claims Admin LLC,tpa,A1,payer',
    ]);
    const send = () =>
      upload('/api/imports/parties?filename=parties.csv', parties, {
        headers: { 'idempotency-key': 'parties-1' },
      });
    const first = await send();
    expect(first.status).toBe(200);
    const firstBody = await first.text();
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(firstBody);
    const imports = await h.database.db
      .selectFrom('imports')
      .select('id')
      .where('kind', '=', 'parties')
      .execute();
    expect(imports).toHaveLength(1);
    // The same key with another file is a conflict, not a replay.
    const other = await upload(
      '/api/imports/parties?filename=parties.csv',
      `${parties}TPA1,Claims Admin LLC,tpa,B1,payer\n`,
      {
        headers: { 'idempotency-key': 'parties-1' },
      },
    );
    expect(other.status).toBe(409);
    expect(((await other.json()) as Problem).code).toBe('api.idempotency_key_reused');
  });
});

describe('bank files and remittances', () => {
  it('imports a BAI2 file as receipts', async () => {
    const bai = [
      '01,TESTBANK,ARBOR,260612,0800,API1,,,2/',
      '02,ARBOR,TESTBANK,1,260612,,USD,2/',
      '03,555000555,USD/',
      '16,195,123400,0,WIR0001,,INCOMING WIRE/',
      '88,DBNM: ALDER MEDICAL GROUP/',
      '16,195,50000,0,WIR0002,,INCOMING WIRE/',
      '88,DBNM: OAK STREET TRUST/',
      '49,173400,6/',
      '98,173400,1,8/',
      '99,173400,1,10/',
      '',
    ].join('\n');
    const res = await upload('/api/imports/bank?filename=jun12.bai', bai, { type: 'text/plain' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      file: string;
      format: string;
      receipts: { count: number; amounts: Record<string, string> };
    };
    expect(body).toMatchObject({
      file: 'jun12.bai',
      format: 'bai2',
      receipts: { count: 2, amounts: { USD: '1734.00' } },
    });
    expect(await count('receipts')).toBe(2);
    const again = await upload('/api/imports/bank?filename=jun12-copy.bai', bai, { type: 'text/plain' });
    expect(again.status).toBe(409);
    expect(await count('receipts')).toBe(2);
  });

  it('refuses a bank file that breaks its controls, each warning with its line, unless told to accept it', async () => {
    const bai = [
      '01,TESTBANK,ARBOR,260613,0800,API2,,,2/',
      '02,ARBOR,TESTBANK,1,260613,,USD,2/',
      '03,555000555,USD/',
      '16,195,10000,0,WIR0003,,INCOMING WIRE/',
      '49,99999,3/',
      '98,10000,1,5/',
      '99,10000,1,7/',
      '',
    ].join('\n');
    const res = await upload('/api/imports/bank?filename=controls.bai', bai, {
      type: 'application/octet-stream',
    });
    expect(res.status).toBe(400);
    const p = (await res.json()) as Problem;
    expect(p.errors?.some((e) => e.line === 5)).toBe(true);
    expect(await count('receipts')).toBe(2);
    const accepted = await upload('/api/imports/bank?filename=controls.bai&acceptControlMismatch=true', bai, {
      type: 'application/octet-stream',
    });
    expect(accepted.status).toBe(200);
    expect(await count('receipts')).toBe(3);
  });

  it('imports a remittance CSV, naming the file as the client did', async () => {
    const res = await upload(
      '/api/imports/remittance?filename=advice-before-money.csv',
      await readFile(join(REMITTANCE, 'advice-before-money.csv')),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { file: string; format: string; advices: number; lines: number };
    expect(body).toMatchObject({ file: 'advice-before-money.csv', format: 'csv', advices: 2, lines: 4 });
    expect(await count('remittance_advices')).toBe(2);
  });

  it('reports every bad row of a remittance file by line, without the temporary path, and writes nothing', async () => {
    const res = await upload(
      '/api/imports/remittance?filename=bad-rows.csv',
      await readFile(join(REMITTANCE, 'bad-rows.csv')),
    );
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain('arbor-upload-');
    const p = JSON.parse(text) as Problem;
    expect([...new Set(p.errors?.map((e) => e.line))].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([
      3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(await count('remittance_advices')).toBe(2);
  });

  it('imports an X12 820 without a file name (format from content)', async () => {
    const res = await upload('/api/imports/remittance', await readFile(join(REMITTANCE, 'tpa-820.edi')), {
      type: 'application/edi-x12',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ format: 'x12-820', advices: 1 });
  });
});

describe('refusals', () => {
  it('answers 403 to a role without imports:write, before reading the file', async () => {
    const res = await upload(
      '/api/imports/customers?filename=c.csv',
      csv(['account_number,name', 'Z9,Zed']),
      { as: 'analyst' },
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as Problem).code).toBe('api.forbidden');
  });

  it('answers 415 to a JSON body and 400 to an empty file', async () => {
    const json = await upload('/api/imports/customers', '{"rows":[]}', { type: 'application/json' });
    expect(json.status).toBe(415);
    const empty = await upload('/api/imports/customers?filename=empty.csv', '');
    expect(empty.status).toBe(400);
  });

  it('answers 413 to a file over the limit, and removes what it received', async () => {
    const small = createApp(
      { database: h.database, clock: h.ctx.clock, logger: h.logger },
      createImportRoutes({ maxUploadBytes: 64 }),
    );
    const before = await uploadsLeft();
    const big = csv([
      'account_number,name',
      ...Array.from({ length: 20 }, (_, i) => `L${i},Large Customer ${i}`),
    ]);
    const res = await small.request('/api/imports/customers?filename=big.csv', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.tokens.admin}`, 'content-type': 'text/csv' },
      // A stream, so that no Content-Length tells the size in advance.
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as Problem).code).toBe('api.payload_too_large');
    expect(await uploadsLeft()).toBe(before);
    expect(await count('customers')).toBe(2);
  });

  it('imports a large file, running the maintenance it asks for after the transaction', async () => {
    // 10,000 rows or more: the import asks for ANALYZE / VACUUM, which cannot run in a transaction.
    const rows = Array.from(
      { length: 10_000 },
      (_, i) => `M${String(i).padStart(5, '0')},Many Customer ${i}`,
    );
    const res = await upload(
      '/api/imports/customers?filename=many.csv',
      csv(['account_number,name', ...rows]),
      {
        as: 'admin',
      },
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ rows: 10_000, summary: { created: 10_000 } });
    expect(h.logger.lines.filter((l) => l.event === 'import.maintenance_failed')).toEqual([]);
    expect(await count('customers')).toBe(10_002);
  });

  it('describes the upload content types in the OpenAPI document', async () => {
    const doc = (await (await h.request('GET', '/api/openapi.json')).json()) as {
      paths: Record<string, { post?: { requestBody?: { content?: Record<string, unknown> } } }>;
    };
    for (const path of [
      '/api/imports/customers',
      '/api/imports/history',
      '/api/imports/bank',
      '/api/imports/remittance',
    ]) {
      const types = Object.keys(doc.paths[path]?.post?.requestBody?.content ?? {});
      expect(types, path).toContain('multipart/form-data');
      expect(types, path).toContain('application/octet-stream');
    }
    expect(Object.keys(doc.paths['/api/imports/invoices']?.post?.requestBody?.content ?? {})).toEqual(
      expect.arrayContaining([
        'text/csv',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ]),
    );
    expect(doc.paths['/api/receipts/{id}/apply']?.post?.requestBody?.content).toHaveProperty(
      'application/json',
    );
  });

  it('leaves every ledger invariant holding', async () => {
    const results = await checkLedger(h.ctx);
    expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.failures.join('; ')}`)).toEqual([]);
  });
});
