import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { checkLedger } from '../integrity/index.ts';
import {
  type AgingReport,
  buildAgingReport,
  buildBuckets,
  buildStatement,
  DEFAULT_BOUNDARIES,
  exportApplications,
} from './index.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ today: '2026-06-30' as LocalDate });
  await loadSmallPortfolio(t.ctx);
});
afterAll(() => t.close());

const row = (r: AgingReport, account: string) => r.rows.find((x) => x.accountNumber === account);

/** The totals are the sums of the rows, per currency (and the unidentified cash, which has no row). */
function expectTotalsOfRows(r: AgingReport): void {
  const sums = new Map<
    string,
    { buckets: bigint[]; credits: bigint; balance: bigint; unapplied: bigint; net: bigint; customers: number }
  >();
  for (const x of r.rows) {
    const s = sums.get(x.currency) ?? {
      buckets: x.buckets.map(() => 0n),
      credits: 0n,
      balance: 0n,
      unapplied: 0n,
      net: 0n,
      customers: 0,
    };
    x.buckets.forEach((b, i) => {
      s.buckets[i] = (s.buckets[i] as bigint) + b;
    });
    s.credits += x.credits;
    s.balance += x.balance;
    s.unapplied += x.unapplied;
    s.net += x.net;
    s.customers += x.customers;
    sums.set(x.currency, s);
  }
  for (const [currency, amount] of r.unidentified) {
    const s = sums.get(currency);
    if (s) {
      s.unapplied += amount;
      s.net += amount;
    }
  }
  expect(r.totals.size).toBe(new Set([...sums.keys(), ...r.unidentified.keys()]).size);
  for (const [currency, s] of sums) expect(r.totals.get(currency as never)).toMatchObject(s);
}

describe('aging', () => {
  it('ages the small portfolio as its README says', async () => {
    const r = await buildAgingReport(t.ctx);
    expect(r.source).toBe('open_items');
    expect(r.buckets.map((b) => b.label)).toEqual([
      'Current',
      '1-30',
      '31-60',
      '61-90',
      '91-120',
      'Over 120',
    ]);
    expect(row(r, 'C1')?.buckets).toEqual([30000n, 0n, 0n, 0n, 0n, 0n]);
    // INV-3 1000.00 one day late, DED-000001 200.00 twenty days late; 700.00 unapplied.
    expect(row(r, 'C3')).toMatchObject({
      buckets: [0n, 120000n, 0n, 0n, 0n, 0n],
      balance: 120000n,
      unapplied: -70000n,
      net: 50000n,
    });
    expect(row(r, 'C2')).toBeUndefined();
    expect(r.totals.get('USD' as never)).toMatchObject({ balance: 150000n, unapplied: -70000n, net: 80000n });
  });

  it('rebuilt from the ledger, it equals the open items at every date', async () => {
    for (const asOf of ['2026-06-30', '2026-06-15', '2026-05-31'] as LocalDate[]) {
      const fromLedger = await buildAgingReport(t.ctx, { asOf, fromLedger: true });
      expect(fromLedger.source).toBe('ledger');
      if (asOf === '2026-06-30') {
        const current = await buildAgingReport(t.ctx, { asOf });
        expect(fromLedger.rows).toEqual(current.rows);
      }
    }
    // As of 2026-05-31: INV-3 (2500.50) less CM-1 (500.50) open and not yet due; nothing paid yet.
    const may = await buildAgingReport(t.ctx, { asOf: '2026-05-31' as LocalDate });
    expect(may.source).toBe('ledger');
    expect(row(may, 'C3')).toMatchObject({ buckets: [200000n, 0n, 0n, 0n, 0n, 0n], unapplied: 0n });
    // As of 2026-02-28: INV-1 was settled on 02-05; INV-2 was not yet issued.
    const feb = await buildAgingReport(t.ctx, { asOf: '2026-02-28' as LocalDate });
    expect(feb.rows).toEqual([]);
    // As of 2026-02-04: INV-1 open and not yet due (issued 01-10, NET30: due 02-09), CM-2 an open credit.
    const early = await buildAgingReport(t.ctx, { asOf: '2026-02-04' as LocalDate });
    expect(row(early, 'C1')).toMatchObject({
      buckets: [100000n, 0n, 0n, 0n, 0n, 0n],
      credits: -10000n,
      balance: 90000n,
    });
  });

  it('ages by issue date with custom buckets, and rolls children into parents', async () => {
    const r = await buildAgingReport(t.ctx, { basis: 'issue', boundaries: [15, 45] });
    expect(r.buckets.map((b) => b.label)).toEqual(['0-15', '16-45', 'Over 45']);
    // INV-3 issued 05-15 (46 days), DED-000001 issued 06-10 (20 days).
    expect(row(r, 'C3')?.buckets).toEqual([0n, 20000n, 100000n]);
    await importCsv(
      t.ctx,
      'invoices',
      csv(['invoice_number,account_number,issue_date,amount', 'INV-C2-9,C2,2026-06-25,50.00']),
    );
    const byParent = await buildAgingReport(t.ctx, { by: 'parent' });
    const acme = row(byParent, 'C1');
    expect(acme).toMatchObject({ customers: 2, balance: 35000n });
    expect(row(byParent, 'C2')).toBeUndefined();
  });
});

/** The aging by its definition: each open debit in the bucket its date falls in, credits apart. */
async function agingFromItems(options: { basis: 'due' | 'issue'; boundaries: readonly number[] }) {
  const asOf = t.ctx.clock.today();
  const buckets = buildBuckets(asOf, options.basis, options.boundaries);
  const items = await t.ctx.database.db
    .selectFrom('items')
    .innerJoin('customers', (j) =>
      j.onRef('customers.tenant_id', '=', 'items.tenant_id').onRef('customers.id', '=', 'items.customer_id'),
    )
    .select([
      'customers.account_number',
      'items.currency',
      'items.due_date',
      'items.issue_date',
      'items.open_minor',
    ])
    .where('items.tenant_id', '=', t.ctx.tenantId)
    .where('items.open_minor', '<>', 0n)
    .execute();
  const expected = new Map<string, { buckets: bigint[]; credits: bigint }>();
  for (const i of items) {
    const key = `${i.account_number}|${i.currency}`;
    const row = expected.get(key) ?? { buckets: buckets.map(() => 0n), credits: 0n };
    expected.set(key, row);
    if (i.open_minor < 0n) row.credits += i.open_minor;
    const date = options.basis === 'due' ? i.due_date : i.issue_date;
    buckets.forEach((b, k) => {
      if (
        i.open_minor > 0n &&
        (b.fromDate === null || date >= b.fromDate) &&
        (b.toDate === null || date <= b.toDate)
      )
        row.buckets[k] = (row.buckets[k] ?? 0n) + i.open_minor;
    });
  }
  return expected;
}

describe('statement', () => {
  it('runs from the opening balance to a closing balance that ties to the open items', async () => {
    const s = await buildStatement(t.ctx, 'C3', {
      from: '2026-05-16' as LocalDate,
      to: '2026-06-30' as LocalDate,
    });
    expect(s.opening.get('USD' as never)).toBe(250050n);
    expect(s.lines.map((l) => [l.type, l.document, l.amount])).toEqual([
      ['Credit memo', 'CM-1', -50050n],
      ['Payment', 'R-3', -150000n],
    ]);
    const closing = s.closing.get('USD' as never) ?? 0n;
    expect(closing).toBe(50000n);
    const open = s.openItems.reduce((sum, o) => sum + o.open, 0n);
    expect(open + (s.unapplied.get('USD' as never) ?? 0n)).toBe(closing);
    expect(s.openItems.map((o) => o.number).sort()).toEqual(['DED-000001', 'INV-3']);
  });

  it('shows a discount as its own line', async () => {
    const s = await buildStatement(t.ctx, 'C2', {
      from: '2026-01-01' as LocalDate,
      to: '2026-03-31' as LocalDate,
    });
    expect(s.lines.map((l) => [l.type, l.amount])).toEqual([
      ['Invoice', 100000n],
      ['Payment', -98000n],
      ['Discount', -2000n],
    ]);
    expect(s.closing.get('USD' as never)).toBe(0n);
  });

  it('refuses an unknown account', async () => {
    await expect(
      buildStatement(t.ctx, 'NOPE', { from: '2026-01-01' as LocalDate, to: '2026-03-31' as LocalDate }),
    ).rejects.toMatchObject({ code: 'parties.customer_not_found', kind: 'not_found' });
  });
});

describe('applications export', () => {
  it('gives each receipt rows that sum to its amount, signed as in the contract', async () => {
    const rows = [];
    for await (const r of exportApplications(t.ctx)) rows.push(r);
    const byReceipt = new Map<string, typeof rows>();
    for (const r of rows)
      byReceipt.set(r.receipt_reference, [...(byReceipt.get(r.receipt_reference) ?? []), r]);
    expect([...byReceipt.keys()]).toEqual(['R-1', 'R-2', 'R-3']);
    for (const [, rs] of byReceipt) {
      const total = rs.reduce((s, r) => s + Math.round(Number(r.amount) * 100), 0);
      expect(total).toBe(Math.round(Number(rs[0]?.receipt_amount) * 100));
    }
    expect(byReceipt.get('R-3')?.map((r) => [r.kind, r.target, r.amount, r.reason_code, r.status])).toEqual([
      ['invoice', 'INV-3', '1000.00', '', 'history'],
      ['deduction', '', '-200.00', 'pricing_dispute', 'history'],
      ['unapplied', '', '700.00', '', 'open'],
    ]);
    const open = [];
    for await (const r of exportApplications(t.ctx, { statuses: ['open'] })) open.push(r.receipt_reference);
    expect([...new Set(open)]).toEqual(['R-3']);
    const since = [];
    for await (const r of exportApplications(t.ctx, { since: '2026-03-01' as LocalDate }))
      since.push(r.receipt_reference);
    expect([...new Set(since)]).toEqual(['R-2', 'R-3']);
  });

  it('keeps every invariant', async () => {
    const results = await checkLedger(t.ctx);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});

describe('aging against its definition', () => {
  it('puts every open item in its bucket, for any basis and boundaries', async () => {
    // Credits of both kinds and items in several buckets, so every threshold is crossed.
    await importCsv(
      t.ctx,
      'invoices',
      csv([
        'invoice_number,account_number,issue_date,amount',
        'INV-DEF-1,C1,2026-01-15,120.00',
        'INV-DEF-2,C1,2026-04-01,80.25',
        'INV-DEF-3,C3,2026-05-20,33.33',
        'INV-DEF-4,C3,2026-06-29,10.00',
      ]),
    );
    for (const options of [
      { basis: 'due' as const, boundaries: DEFAULT_BOUNDARIES },
      { basis: 'issue' as const, boundaries: [15, 45] },
      { basis: 'due' as const, boundaries: [1, 2, 700] },
      { basis: 'issue' as const, boundaries: [7] },
    ]) {
      const expected = await agingFromItems(options);
      const report = await buildAgingReport(t.ctx, options);
      const got = new Map(
        report.rows
          .filter((r) => r.buckets.some((b) => b !== 0n) || r.credits !== 0n)
          .map((r) => [`${r.accountNumber}|${r.currency}`, { buckets: r.buckets, credits: r.credits }]),
      );
      expect(got).toEqual(expected);
      expect(expected.size).toBeGreaterThan(1);
      expectTotalsOfRows(report);
    }
  });
});

describe('aging of very large amounts', () => {
  let big: TestDatabase;
  beforeAll(async () => {
    big = await createTestDatabase({ today: '2026-06-30' as LocalDate });
    await loadSmallPortfolio(big.ctx);
  });
  afterAll(() => big.close());

  it('sums a row of many buckets exactly, past what a double holds', async () => {
    // Sixteen buckets of one customer, each holding 9,999,999,999,999.99 (and a few C3's other
    // items): the row's balance is about 1.6 × 10^16 minor units, beyond 2^53, where doubles no
    // longer count by ones; an odd count of these odd amounts would round there.
    const amount = '9999999999999.99';
    const rows = Array.from({ length: 16 }, (_, i) => {
      const d = new Date(Date.UTC(2026, 5, 30 - 30 * i - 15));
      return `BIG-${i},C3,${d.toISOString().slice(0, 10)},${amount}`;
    });
    await importCsv(big.ctx, 'invoices', csv(['invoice_number,account_number,issue_date,amount', ...rows]));
    const boundaries = Array.from({ length: 15 }, (_, i) => 30 * (i + 1));
    const report = await buildAgingReport(big.ctx, { basis: 'issue', boundaries });
    const c3 = row(report, 'C3');
    const each = 999999999999999n;
    expect(c3?.buckets.filter((b) => b >= each)).toHaveLength(16);
    expect(c3?.balance).toBe(c3?.buckets.reduce((a, b) => a + b, c3.credits));
    expect((c3?.balance ?? 0n) - 16n * each).toBeLessThan(10n ** 9n); // C3's own small items besides
    expectTotalsOfRows(report);
  });
});

describe('aging while money moves', () => {
  let m: TestDatabase;
  beforeAll(async () => {
    m = await createTestDatabase({ today: '2026-06-30' as LocalDate });
    await loadSmallPortfolio(m.ctx);
  });
  afterAll(() => m.close());

  // On a server the aging reads two halves of the customers on two connections: both must see the
  // same committed state. Each write here moves one cent between an item of the first customer and
  // one of the last (opposite halves) in one transaction, so the total open balance never changes,
  // and a report whose halves saw different commits would be off by a cent.
  it('reads every customer in one snapshot', async () => {
    const db = m.ctx.database.db;
    const ids = await sql<{ id: string; account_number: string }>`
      select id, account_number from customers where tenant_id = ${m.ctx.tenantId} order by id`.execute(db);
    const first = ids.rows[0]?.account_number;
    const last = ids.rows.at(-1)?.account_number;
    expect(first).toBeDefined();
    expect(last).not.toBe(first);
    await importCsv(
      m.ctx,
      'invoices',
      csv([
        'invoice_number,account_number,issue_date,amount',
        `INV-MOVE-A,${first},2026-06-01,10.00`,
        `INV-MOVE-B,${last},2026-06-01,10.00`,
      ]),
    );
    const open = (n: string) =>
      sql`(select id from items where tenant_id = ${m.ctx.tenantId} and number = ${n})`;
    // B starts a cent short, so each move keeps both within their amounts.
    await sql`update items set open_minor = open_minor - 1 where tenant_id = ${m.ctx.tenantId} and id = ${open('INV-MOVE-B')}`.execute(
      db,
    );
    const total = async () => (await buildAgingReport(m.ctx)).totals.get('USD' as never)?.balance;
    const expected = await total();
    expect(expected).toBeDefined();
    let stop = false;
    let moves = 0;
    const writer = (async () => {
      for (let k = 0; !stop; k++) {
        const [from, to] = k % 2 === 0 ? ['INV-MOVE-A', 'INV-MOVE-B'] : ['INV-MOVE-B', 'INV-MOVE-A'];
        await db.transaction().execute(async (tx) => {
          await sql`update items set open_minor = open_minor - 1 where tenant_id = ${m.ctx.tenantId} and id = ${open(from)}`.execute(
            tx,
          );
          await sql`update items set open_minor = open_minor + 1 where tenant_id = ${m.ctx.tenantId} and id = ${open(to)}`.execute(
            tx,
          );
        });
        moves++;
      }
    })();
    const seen: (bigint | undefined)[] = [];
    try {
      for (let i = 0; i < 60; i++) seen.push(await total());
    } finally {
      stop = true;
      await writer;
    }
    expect(moves).toBeGreaterThan(0);
    expect(seen.filter((x) => x !== expected)).toEqual([]);
  });
});

describe('aging of cash without open items', () => {
  let c: TestDatabase;
  beforeAll(async () => {
    c = await createTestDatabase({ today: '2026-06-30' as LocalDate });
    await loadSmallPortfolio(c.ctx);
  });
  afterAll(() => c.close());

  it('gives a customer with cash and no open items a row of its own, named, and keeps currencies apart', async () => {
    // Each receipt pays a new invoice in full and leaves the rest unapplied: C2 then has cash and no
    // open item (INV-2 was paid in March), C3 has euros and no open euro item.
    await importCsv(
      c.ctx,
      'invoices',
      csv([
        'invoice_number,account_number,issue_date,amount,currency',
        'INV-C2X,C2,2026-06-01,10.00,USD',
        'INV-C3E,C3,2026-06-01,10.00,EUR',
      ]),
    );
    await importCsv(
      c.ctx,
      'history',
      csv([
        'receipt_reference,receipt_date,receipt_amount,currency,payer_name,method,account_number,invoice_number,kind,applied_amount,reason_code',
        'R-CASH-1,2026-06-20,50.00,USD,Acme West,ach,C2,INV-C2X,invoice,10.00,',
        'R-CASH-2,2026-06-21,30.00,EUR,Beta Co,wire,C3,INV-C3E,invoice,10.00,',
      ]),
    );
    const r = await buildAgingReport(c.ctx);
    // C2 has no open item (INV-2 was paid): its row holds only the cash, named from the customer.
    const c2 = r.rows.filter((x) => x.accountNumber === 'C2');
    expect(c2).toHaveLength(1);
    expect(c2[0]).toMatchObject({
      name: 'Acme West',
      parentAccountNumber: 'C1',
      currency: 'USD',
      balance: 0n,
      unapplied: -4000n,
      net: -4000n,
    });
    // C3's euros are a row apart from its dollars, which keep their own cash.
    const c3 = r.rows
      .filter((x) => x.accountNumber === 'C3')
      .map((x) => [x.currency, x.balance, x.unapplied]);
    expect(c3).toEqual([
      ['EUR', 0n, -2000n],
      ['USD', 120000n, -70000n],
    ]);
    expect(r.totals.get('EUR' as never)).toMatchObject({ unapplied: -2000n, customers: 1 });
    expectTotalsOfRows(r);
    // The same from the ledger.
    const fromLedger = await buildAgingReport(c.ctx, { fromLedger: true });
    expect(fromLedger.rows).toEqual(r.rows);
    expect(fromLedger.totals).toEqual(r.totals);
    // Rolled up by parent: other rows, the same totals but for the count of customers.
    const byParent = await buildAgingReport(c.ctx, { by: 'parent' });
    expectTotalsOfRows(byParent);
    for (const [currency, total] of r.totals)
      expect({ ...byParent.totals.get(currency), customers: 0 }).toEqual({ ...total, customers: 0 });
  });
});
