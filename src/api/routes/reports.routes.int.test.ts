import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, TEST_PASSWORD } from '../../../test/support/api-harness.ts';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { formatAmount } from '../../core/money.ts';
import { buildBankReconciliation, importBankFile } from '../../modules/banking/index.ts';
import { createApiToken, createUser } from '../../modules/identity/index.ts';
import {
  type AgingOptions,
  type AgingRow,
  buildAgingReport,
  buildStatement,
} from '../../modules/reporting/index.ts';

/**
 * The small portfolio (C1 and its child C2 collected by asmith, C3 by bjones), C4 a consumer of
 * asmith's with an invoice 60 days past due, and a bank statement whose one credit comes from a payer
 * nobody knows (unidentified cash, in the aging totals but in no row).
 */
let h: ApiHarness;
let scopedToken: string;
let c4Id: string;

type As = Parameters<ApiHarness['request']>[2];

interface AmountsJson {
  currency: string;
  buckets: string[];
  credits: string;
  balance: string;
  unapplied: string;
  net: string;
}
interface AgingJson {
  asOf: string;
  basis: string;
  by: string;
  source: string;
  buckets: { key: string; label: string }[];
  rows: (AmountsJson & {
    accountNumber: string;
    name: string;
    parentAccountNumber: string | null;
    customers: number;
  })[];
  unidentified: { currency: string; unapplied: string }[];
  totals: (AmountsJson & { accounts: number })[];
  nextCursor: string | null;
  code?: string;
}

async function get<T>(path: string, as: As = {}) {
  const res = await h.request('GET', path, as);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.json()) as T & { code?: string },
  };
}

const f = (v: bigint, currency: string) => formatAmount(v, currency as CurrencyCode);
/** Decimal text of a two-digit currency back to minor units. */
const minor = (s: string) => BigInt(s.replace('.', ''));

const amountsOf = (r: AgingRow) => ({
  currency: r.currency,
  buckets: r.buckets.map((b) => f(b, r.currency)),
  credits: f(r.credits, r.currency),
  balance: f(r.balance, r.currency),
  unapplied: f(r.unapplied, r.currency),
  net: f(r.net, r.currency),
});

/** The API's aging equals buildAgingReport's, row by row and total by total. */
async function expectSameAging(query: string, options: AgingOptions) {
  const api = await get<AgingJson>(`/api/reports/aging${query}`, { as: 'manager' });
  expect(api.status).toBe(200);
  const report = await buildAgingReport(h.ctx, options);
  expect(api.body.buckets.map((b) => b.label)).toEqual(report.buckets.map((b) => b.label));
  expect(api.body.source).toBe(report.source);
  expect(api.body.rows).toEqual(
    report.rows.map((r) => ({
      accountNumber: r.accountNumber,
      name: r.name,
      parentAccountNumber: r.parentAccountNumber,
      customers: r.customers,
      ...amountsOf(r),
    })),
  );
  expect(api.body.totals).toEqual(
    [...report.totals.values()].map((t) => ({ accounts: t.customers, ...amountsOf(t) })),
  );
  return api.body;
}

/** Totals are the sum of the rows, plus unidentified cash in unapplied and net. */
function expectTotalsAreSums(body: AgingJson) {
  for (const t of body.totals) {
    const rows = body.rows.filter((r) => r.currency === t.currency);
    const sum = (pick: (r: AmountsJson) => string) => rows.reduce((s, r) => s + minor(pick(r)), 0n);
    const unidentified = body.unidentified
      .filter((u) => u.currency === t.currency)
      .reduce((s, u) => s + minor(u.unapplied), 0n);
    t.buckets.forEach((b, i) => {
      expect(minor(b)).toBe(sum((r) => r.buckets[i] ?? '0'));
    });
    expect(minor(t.credits)).toBe(sum((r) => r.credits));
    expect(minor(t.balance)).toBe(sum((r) => r.balance));
    expect(minor(t.unapplied)).toBe(sum((r) => r.unapplied) + unidentified);
    expect(minor(t.net)).toBe(sum((r) => r.net) + unidentified);
    expect(t.accounts).toBe(rows.reduce((s, r) => s + r.customers, 0));
  }
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
    ]),
  );
  const dir = await mkdtemp(join(tmpdir(), 'arbor-api-reports-'));
  const path = join(dir, 'stmt.xml');
  await writeFile(
    path,
    `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>S1</MsgId><CreDtTm>2026-06-25T06:00:00Z</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><CreDtTm>2026-06-25T06:00:00Z</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>USD</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="USD">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-25</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="USD">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-25</Dt></Dt></Bal>
<Ntry><Amt Ccy="USD">250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>false</RvslInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-06-25</Dt></BookgDt><ValDt><Dt>2026-06-25</Dt></ValDt><AcctSvcrRef>UNK-1</AcctSvcrRef><NtryDtls><TxDtls><Refs><AcctSvcrRef>UNK-1</AcctSvcrRef></Refs><RltdPties><Dbtr><Pty><Nm>Nobody Known</Nm></Pty></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>
`,
  );
  await importBankFile(h.ctx, path, { progress: false });
  await createUser(h.ctx, {
    username: 'asmith',
    role: 'analyst',
    portfolioScoped: true,
    password: TEST_PASSWORD,
  });
  scopedToken = (await createApiToken(h.ctx, { username: 'asmith', name: 'tests' })).token;
  c4Id = (
    await h.database.db
      .selectFrom('customers')
      .select('id')
      .where('account_number', '=', 'C4')
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => h.close());

describe('GET /api/reports/aging', () => {
  it('equals buildAgingReport, with amounts as decimal strings and totals that are the sums of the rows', async () => {
    const body = await expectSameAging('', {});
    expect(body.rows.map((r) => r.accountNumber)).toEqual(['C1', 'C3', 'C4']);
    expect(body.rows.find((r) => r.accountNumber === 'C3')).toMatchObject({
      buckets: ['0.00', '1200.00', '0.00', '0.00', '0.00', '0.00'],
      balance: '1200.00',
      unapplied: '-700.00',
      net: '500.00',
    });
    expect(body.rows.find((r) => r.accountNumber === 'C4')?.buckets).toEqual([
      '0.00',
      '0.00',
      '400.00',
      '0.00',
      '0.00',
      '0.00',
    ]);
    expect(body.unidentified).toEqual([{ currency: 'USD', unapplied: '-250.00' }]);
    expectTotalsAreSums(body);
    expect(body.totals).toMatchObject([
      { currency: 'USD', balance: '1900.00', unapplied: '-950.00', net: '950.00' },
    ]);
  });

  it('takes basis, buckets, by, entity and a past as-of date like the CLI', async () => {
    expectTotalsAreSums(
      await expectSameAging('?basis=issue&buckets=30,60', { basis: 'issue', boundaries: [30, 60] }),
    );
    const parent = await expectSameAging('?by=parent', { by: 'parent' });
    expect(parent.by).toBe('parent');
    expectTotalsAreSums(parent);
    const past = await expectSameAging('?asOf=2026-05-31', { asOf: '2026-05-31' as LocalDate });
    expect(past.source).toBe('ledger');
    expectTotalsAreSums(past);
    expectTotalsAreSums(
      await expectSameAging('?entity=MAIN&fromLedger=true', { entity: 'MAIN', fromLedger: true }),
    );
  });

  it('pages the rows with limit and cursor, totals staying those of the whole report', async () => {
    const full = await get<AgingJson>('/api/reports/aging', { as: 'manager' });
    expect(full.body.nextCursor).toBeNull();
    const rows: AgingJson['rows'] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const r: { body: AgingJson } = await get<AgingJson>(
        `/api/reports/aging?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { as: 'manager' },
      );
      expect(r.body.rows.length).toBeLessThanOrEqual(1);
      expect(r.body.totals).toEqual(full.body.totals);
      rows.push(...r.body.rows);
      cursor = r.body.nextCursor;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    expect(rows).toEqual(full.body.rows);
    const bad = await get<AgingJson>('/api/reports/aging?limit=1&cursor=bm9wZQ');
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    expect(bad.body.code).toBe('api.invalid_cursor');
  });

  it('refuses bad options with 400 and an unknown entity with 404, never 500', async () => {
    for (const q of [
      'buckets=abc',
      'buckets=60,30',
      `buckets=${encodeURIComponent("30' or 1=1 --")}`,
      'asOf=2026-02-30',
      'basis=paid',
      'by=region',
      'limit=0',
    ]) {
      const r = await get<AgingJson>(`/api/reports/aging?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.type).toContain('application/problem+json');
    }
    for (const entity of ["' or 1=1 --", '%', '_', '\\', 'NOPE']) {
      const r = await get<AgingJson>(`/api/reports/aging?entity=${encodeURIComponent(entity)}`);
      expect(r.status, entity).toBe(404);
    }
  });

  it("masks a consumer's name for the analyst and shows it to a manager, with an audit row", async () => {
    const analyst = await get<AgingJson>('/api/reports/aging', { as: 'analyst' });
    expect(analyst.body.rows.find((r) => r.accountNumber === 'C4')?.name).toBe('J•••');
    expect(analyst.body.rows.find((r) => r.accountNumber === 'C3')?.name).toBe('Beta Co');
    const before = await phiReads(c4Id);
    const manager = await get<AgingJson>('/api/reports/aging', { as: 'manager' });
    expect(manager.body.rows.find((r) => r.accountNumber === 'C4')?.name).toBe('Jane Patient');
    const after = await phiReads(c4Id);
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatchObject({ actor: 'manager', action: 'phi.read', object_type: 'customer' });
    // The analyst's masked read is not a disclosure.
    expect(after.some((a) => a.actor === 'analyst')).toBe(false);
  });

  it("shows a portfolio-scoped analyst only their customers' rows, totalled over those", async () => {
    const as = { as: { token: scopedToken } };
    const r = await get<AgingJson>('/api/reports/aging', as);
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x) => x.accountNumber)).toEqual(['C1', 'C4']);
    expect(r.body.unidentified).toEqual([]);
    expectTotalsAreSums(r.body);
    expect(r.body.totals).toMatchObject([{ currency: 'USD', balance: '700.00', accounts: 2 }]);
  });

  it("rolls a portfolio-scoped analyst's customers up by parent, summing only theirs", async () => {
    // C5, a child of asmith's C1 worked by bjones: in bjones's rows, never in asmith's roll-up.
    await importCsv(
      h.ctx,
      'customers',
      csv(['account_number,name,parent_account_number,collector,terms', 'C5,Acme East,C1,bjones,NET30']),
    );
    await importCsv(
      h.ctx,
      'invoices',
      csv(['invoice_number,account_number,issue_date,amount', 'INV-C5,C5,2026-06-20,90.00']),
    );
    const as = { as: { token: scopedToken } };
    const r = await get<AgingJson>('/api/reports/aging?by=parent', as);
    expect(r.status).toBe(200);
    expect(r.body.by).toBe('parent');
    expect(r.body.rows.map((x) => [x.accountNumber, x.balance])).toEqual([
      ['C1', '300.00'],
      ['C4', '400.00'],
    ]);
    expect(r.body.unidentified).toEqual([]);
    expectTotalsAreSums(r.body);
    const theirs = await buildAgingReport(h.ctx, { by: 'parent', collector: 'asmith' });
    expect(r.body.rows.map((x) => x.balance)).toEqual(theirs.rows.map((x) => f(x.balance, x.currency)));
    // Everyone's roll-up puts C5 under C1; bjones's own aging has C5 and C3, not C1.
    const all = await get<AgingJson>('/api/reports/aging?by=parent', { as: 'manager' });
    expect(all.body.rows.find((x) => x.accountNumber === 'C1')?.balance).toBe('390.00');
    const bjones = await buildAgingReport(h.ctx, { collector: 'bjones' });
    expect(bjones.rows.map((x) => x.accountNumber)).toEqual(['C3', 'C5']);
  });

  it('needs reports:read', async () => {
    expect((await get<AgingJson>('/api/reports/aging', { as: null })).status).toBe(401);
  });
});

interface StatementJson {
  customer: { accountNumber: string; name: string };
  from: string;
  to: string;
  opening: { currency: string; amount: string }[];
  closing: { currency: string; amount: string }[];
  lines: { date: string; type: string; document: string; amount: string; balance: string }[];
  openItems: { number: string; open: string; daysPastDue: number }[];
  unapplied: { currency: string; amount: string }[];
  aging: { currency: string; buckets: string[] }[];
}

describe('GET /api/reports/statement/{account}', () => {
  it('equals buildStatement', async () => {
    const r = await get<StatementJson>('/api/reports/statement/C3?from=2026-05-01&to=2026-06-30');
    expect(r.status).toBe(200);
    const s = await buildStatement(h.ctx, 'C3', {
      from: '2026-05-01' as LocalDate,
      to: '2026-06-30' as LocalDate,
    });
    expect(r.body.customer).toEqual({ accountNumber: 'C3', name: 'Beta Co' });
    expect(r.body.lines.map((l) => [l.date, l.type, l.document, l.amount, l.balance])).toEqual(
      s.lines.map((l) => [l.date, l.type, l.document, f(l.amount, l.currency), f(l.balance, l.currency)]),
    );
    expect(r.body.closing).toEqual(
      [...s.closing].map(([currency, v]) => ({ currency, amount: f(v, currency) })),
    );
    expect(r.body.openItems.map((o) => [o.number, o.open, o.daysPastDue])).toEqual([
      ['DED-000001', '200.00', 20],
      ['INV-3', '1000.00', 1],
    ]);
    expect(r.body.unapplied).toEqual([{ currency: 'USD', amount: '-700.00' }]);
    expect(r.body.closing).toEqual([{ currency: 'USD', amount: '500.00' }]);
  });

  it('defaults to the 90 days to today', async () => {
    const r = await get<StatementJson>('/api/reports/statement/C1');
    expect(r.body).toMatchObject({ from: '2026-04-02', to: '2026-06-30' });
  });

  it('is 404 for an unknown account or one outside the portfolio, 400 for a reversed period', async () => {
    for (const account of ["' or 1=1 --", '%', '_', '\\', 'C9']) {
      const r = await get<StatementJson>(`/api/reports/statement/${encodeURIComponent(account)}`);
      expect(r.status, account).toBe(404);
      expect(r.type).toContain('application/problem+json');
    }
    expect((await get('/api/reports/statement/C3', { as: { token: scopedToken } })).status).toBe(404);
    expect((await get('/api/reports/statement/C1', { as: { token: scopedToken } })).status).toBe(200);
    expect((await get('/api/reports/statement/C1?from=2026-06-30&to=2026-01-01')).status).toBe(400);
  });

  it("masks a consumer's name without phi:read", async () => {
    const analyst = await get<StatementJson>('/api/reports/statement/C4', { as: 'analyst' });
    expect(analyst.body.customer.name).toBe('J•••');
    const before = await phiReads(c4Id);
    const manager = await get<StatementJson>('/api/reports/statement/C4', { as: 'manager' });
    expect(manager.body.customer.name).toBe('Jane Patient');
    expect((await phiReads(c4Id)).length).toBe(before.length + 1);
  });
});

interface ReconciliationJson {
  asOf: string;
  windowDays: number;
  groups: {
    entity: string;
    currency: string;
    status: string;
    bookBalance: string;
    bankBalance: string | null;
    proof: { difference: string | null; lines: { category: string; total: string }[] };
    items: { category: string; reference: string | null; amount: string }[];
  }[];
}

describe('GET /api/reports/bank-reconciliation', () => {
  it('equals buildBankReconciliation', async () => {
    const r = await get<ReconciliationJson>('/api/reports/bank-reconciliation?asOf=2026-06-30&window=3');
    expect(r.status).toBe(200);
    const report = await buildBankReconciliation(h.ctx, { asOf: '2026-06-30' as LocalDate, windowDays: 3 });
    expect(r.body.windowDays).toBe(3);
    expect(r.body.groups.map((g) => [g.entity, g.currency, g.status, g.bookBalance, g.bankBalance])).toEqual(
      report.groups.map((g) => [
        g.entity,
        g.currency,
        g.proof.status,
        f(g.bookBalanceMinor, g.currency),
        g.bankBalanceMinor === null ? null : f(g.bankBalanceMinor, g.currency),
      ]),
    );
    expect(r.body.groups[0]?.bankBalance).toBe('1250.00');
    expect(r.body.groups[0]?.items.map((i) => [i.category, i.reference, i.amount])).toEqual(
      report.groups[0]?.items.map((i) => [i.category, i.reference, f(i.amountMinor, 'USD')]),
    );
  });

  it('refuses a bad window with 400 and an unknown entity with 404', async () => {
    expect((await get('/api/reports/bank-reconciliation?window=-1')).status).toBe(400);
    expect((await get('/api/reports/bank-reconciliation?asOf=2026-13-01')).status).toBe(400);
    expect(
      (await get(`/api/reports/bank-reconciliation?entity=${encodeURIComponent("' or 1=1 --")}`)).status,
    ).toBe(404);
    const none = await get<ReconciliationJson>(
      `/api/reports/bank-reconciliation?account=${encodeURIComponent("%' or 1=1 --")}`,
    );
    expect(none.status).toBeLessThan(500);
  });
});

interface CheckJson {
  ok: boolean;
  checks: { name: string; ok: boolean; failureCount: number; failures: string[] }[];
}

describe('GET /api/check', () => {
  it('runs every invariant and says all hold', async () => {
    const r = await get<CheckJson>('/api/check', { as: 'auditor' });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(true);
    expect(r.body.checks.length).toBeGreaterThan(5);
    expect(r.body.checks.every((c) => c.ok && c.failureCount === 0)).toBe(true);
  });

  it('needs check:run', async () => {
    const r = await get<CheckJson>('/api/check', { as: 'analyst' });
    expect(r.status).toBe(403);
    expect(r.type).toContain('application/problem+json');
  });
});

async function phiReads(objectId: string) {
  return h.database.db
    .selectFrom('audit_log')
    .select(['actor', 'action', 'object_type', 'object_id'])
    .where('action', '=', 'phi.read')
    .where('object_id', '=', objectId)
    .orderBy('seq')
    .execute();
}
