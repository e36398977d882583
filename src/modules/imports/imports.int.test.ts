import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { type AppError, formatIssue } from '../../core/errors.ts';
import { takeTextCopyTables } from '../../db/bulk.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected the import to fail');
}

const count = async (table: 'customers' | 'items' | 'journal_lines' | 'receipts' | 'imports') =>
  Number(
    (
      await t.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('imports', () => {
  it('reports every bad row as FILE:LINE: column: message and writes nothing', async () => {
    const e = await failure(
      importCsv(
        t.ctx,
        'customers',
        csv([
          'account_number,name,terms,credit_limit,customer_type,email,currency',
          'A1,Good One,NET30,100.00,business,a@example.com,USD',
          'A2,Bad Terms,30 days,,,,',
          ',No Number,,,,,',
          'A4,Bad Limit,,"1,000.00",,,',
          'A1,Twice,,,,,',
          'A6,Bad Type,,,robot,,',
          'A7,Bad Currency,,,,,XXX',
          'A8,Bad Email,,,,not-an-email,',
        ]),
        'bad-customers.csv',
      ),
    );
    expect(e.code).toBe('import.invalid_rows');
    const lines = e.issues.map(formatIssue);
    expect(lines).toEqual([
      expect.stringMatching(/bad-customers\.csv:3: terms: unknown payment terms "30 days"/),
      expect.stringMatching(/bad-customers\.csv:4: account_number: is required$/),
      expect.stringMatching(/bad-customers\.csv:5: credit_limit: "1,000.00" is not an amount/),
      expect.stringMatching(
        /bad-customers\.csv:6: account_number: "A1" appears twice in the file \(first on line 2\)$/,
      ),
      expect.stringMatching(
        /bad-customers\.csv:7: customer_type: must be "business" or "consumer", not "robot"$/,
      ),
      expect.stringMatching(/bad-customers\.csv:8: currency: unknown currency code "XXX"/),
      expect.stringMatching(/bad-customers\.csv:9: email: "not-an-email" is not an email address$/),
    ]);
    expect(await count('customers')).toBe(0);
    expect(await count('imports')).toBe(0);
  });

  it('refuses unknown and missing columns before reading any row', async () => {
    const e = await failure(
      importCsv(t.ctx, 'customers', csv(['account_number,nmae,colour', 'A1,Acme,red'])),
    );
    expect(e.code).toBe('import.invalid_header');
    const text = e.issues.map(formatIssue).join('\n');
    expect(text).toMatch(/unknown column "nmae"/);
    expect(text).toMatch(/unknown column "colour"/);
    expect(text).toMatch(/name/);
  });

  it('refuses a second import of the same file as a conflict, changing nothing', async () => {
    const file = csv(['account_number,name', 'B1,Bravo', 'B2,Charlie']);
    const first = await importCsv(t.ctx, 'customers', file, 'same.csv');
    expect(first.rows).toBe(2);
    const e = await failure(importCsv(t.ctx, 'customers', file, 'same-again.csv'));
    expect(e.kind).toBe('conflict');
    expect(e.message).toMatch(/already imported/);
    expect(await count('customers')).toBe(2);
  });

  it('upserts customers: absent columns kept, parents may come later, cycles refused', async () => {
    await importCsv(
      t.ctx,
      'customers',
      csv([
        'account_number,name,parent_account_number,credit_limit,segment',
        'K2,Kid Two,K1,10.00,small',
        'K1,Kin Parent,,500.00,large',
      ]),
    );
    await importCsv(t.ctx, 'customers', csv(['account_number,name', 'K2,Kid Two Renamed']));
    const k2 = await t.database.db
      .selectFrom('customers as c')
      .leftJoin('customers as p', 'p.id', 'c.parent_id')
      .select(['c.name', 'c.credit_limit_minor', 'c.segment', 'p.account_number as parent'])
      .where('c.account_number', '=', 'K2')
      .executeTakeFirstOrThrow();
    expect(k2).toEqual({
      name: 'Kid Two Renamed',
      credit_limit_minor: 1000n,
      segment: 'small',
      parent: 'K1',
    });
    const e = await failure(
      importCsv(t.ctx, 'customers', csv(['account_number,name,parent_account_number', 'K1,Kin Parent,K2'])),
    );
    expect(e.issues.map(formatIssue)).toEqual([
      expect.stringMatching(/:2: parent_account_number: .* creates a cycle/),
    ]);
    const still = await t.database.db
      .selectFrom('customers')
      .select('parent_id')
      .where('account_number', '=', 'K1')
      .executeTakeFirstOrThrow();
    expect(still.parent_id).toBeNull();
  });

  it('posts invoices with their entries, all or nothing', async () => {
    const before = await count('journal_lines');
    const e = await failure(
      importCsv(
        t.ctx,
        'invoices',
        csv([
          'invoice_number,account_number,issue_date,amount,terms,due_date',
          'I-1,B1,2026-06-01,100.00,,',
          'I-2,NOBODY,2026-06-01,100.00,,',
          'I-3,B1,2026-06-01,-5,,',
          'I-4,B1,2026-06-01,10.999,,',
          'I-5,B1,2026-06-01,10,,2026-05-01',
          'I-1,B1,2026-06-01,10,,',
        ]),
        'inv.csv',
      ),
    );
    expect(e.issues.map((i) => `${i.line}:${i.column}`)).toEqual([
      '3:account_number',
      '4:amount',
      '5:amount',
      '6:due_date',
      '7:invoice_number',
    ]);
    expect(await count('items')).toBe(0);
    expect(await count('journal_lines')).toBe(before);
    const ok = await importCsv(
      t.ctx,
      'invoices',
      csv([
        'invoice_number,account_number,issue_date,amount,terms',
        'I-1,B1,2026-06-01,100.00,NET30EOM',
        'I-2,B1,2026-06-01,200.00,2/10NET30',
      ]),
    );
    expect(ok.summary).toMatchObject({ invoices: 2 });
    const items = await t.database.db
      .selectFrom('items')
      .select(['number', 'due_date', 'discount_until', 'open_minor'])
      .orderBy('number')
      .execute();
    expect(items).toEqual([
      { number: 'I-1', due_date: '2026-07-30', discount_until: null, open_minor: 10000n },
      { number: 'I-2', due_date: '2026-07-01', discount_until: '2026-06-11', open_minor: 20000n },
    ]);
    // Same day, same entity: one entry with an AR line per invoice and one revenue line.
    expect(await count('journal_lines')).toBe(before + 3);
    const dup = await failure(
      importCsv(
        t.ctx,
        'invoices',
        csv(['invoice_number,account_number,issue_date,amount', 'I-2,B1,2026-06-02,1']),
      ),
    );
    expect(dup.issues.map(formatIssue)).toEqual([
      expect.stringMatching(/:2: invoice_number: "I-2" already exists/),
    ]);
  });

  it('reports every invoice number already taken, wherever the numbers of the file fall among the taken ones', async () => {
    const numbers = Array.from({ length: 40 }, (_, i) => `N-${String(i + 1).padStart(4, '0')}`);
    await importCsv(
      t.ctx,
      'invoices',
      csv([
        'invoice_number,account_number,issue_date,amount',
        ...numbers.map((n) => `${n},B1,2026-06-03,1.00`),
      ]),
    );
    const items = await count('items');
    const lines = await count('journal_lines');
    // Two taken numbers among new ones, six items between its first and last number (found by one
    // range); then a file whose first and last numbers span all forty (looked up one by one).
    for (const file of [
      ['N-0035', 'N-0100', 'N-0038', 'N-0041'],
      ['N-0000', 'N-0020', 'N-9999'],
    ]) {
      const e = await failure(
        importCsv(
          t.ctx,
          'invoices',
          csv([
            'invoice_number,account_number,issue_date,amount',
            ...file.map((n) => `${n},B1,2026-06-04,2.00`),
          ]),
          'taken.csv',
        ),
      );
      const taken = file.flatMap((n, i) =>
        numbers.includes(n) ? [`taken.csv:${i + 2}: invoice_number: "${n}" already exists`] : [],
      );
      expect(e.issues.map((i) => `${i.file}:${i.line}: ${i.column}: ${i.message}`)).toEqual(
        taken.map((m) => expect.stringContaining(m)),
      );
    }
    expect(await count('items')).toBe(items);
    expect(await count('journal_lines')).toBe(lines);
  });

  it('applies a credit memo to its invoice up to the open amount, the rest stays a credit', async () => {
    await importCsv(
      t.ctx,
      'invoices',
      csv([
        'invoice_number,account_number,type,issue_date,amount,applies_to',
        'CM-BIG,B2,credit_memo,2026-06-05,150.00,I-9',
        'I-9,B2,invoice,2026-06-01,100.00,',
      ]),
    );
    const rows = await t.database.db
      .selectFrom('items')
      .select(['number', 'open_minor'])
      .where('number', 'in', ['CM-BIG', 'I-9'])
      .orderBy('number')
      .execute();
    expect(rows).toEqual([
      { number: 'CM-BIG', open_minor: -5000n },
      { number: 'I-9', open_minor: 0n },
    ]);
    const e = await failure(
      importCsv(
        t.ctx,
        'invoices',
        csv([
          'invoice_number,account_number,type,issue_date,amount,applies_to',
          'CM-X,B1,credit_memo,2026-06-05,1.00,I-9',
        ]),
      ),
    );
    expect(e.issues.map(formatIssue)).toEqual([
      expect.stringMatching(/:2: applies_to: invoice "I-9" belongs to another customer/),
    ]);
  });

  it('imports history: receipts with every kind of application, refusing over-application', async () => {
    await importCsv(
      t.ctx,
      'invoices',
      csv([
        'invoice_number,account_number,issue_date,amount',
        'H-1,B1,2026-06-01,500.00',
        'H-2,B1,2026-06-02,300.00',
      ]),
    );
    const e = await failure(
      importCsv(
        t.ctx,
        'history',
        csv([
          'receipt_reference,receipt_date,receipt_amount,currency,account_number,invoice_number,kind,applied_amount',
          'RX,2026-06-10,600.00,USD,B1,H-1,invoice,600.00',
          'RY,2026-06-10,10.00,USD,B1,H-2,invoice,20.00',
          'RZ,2026-06-10,10.00,USD,B1,H-2,unapplied,10.00',
          'RW,2026-06-10,10.00,USD,B1,H-2,discount,5.00',
        ]),
      ),
    );
    const messages = e.issues.map(formatIssue).join('\n');
    expect(messages).toMatch(/H-1 has 500\.00 open; cannot apply 600\.00/);
    expect(messages).toMatch(/rows use 20\.00 but receipt RY has only 10\.00 unapplied/);
    expect(messages).toMatch(/:4: kind: leave money unapplied/);
    expect(messages).toMatch(/a discount row must be negative/);
    expect(await count('receipts')).toBe(0);

    await importCsv(
      t.ctx,
      'history',
      csv([
        'receipt_reference,receipt_date,receipt_amount,currency,account_number,invoice_number,kind,applied_amount,reason_code,method',
        'RA,2026-06-10,480.00,USD,B1,H-1,invoice,500.00,,wire',
        'RA,2026-06-10,480.00,USD,B1,H-1,bank_fee,-20.00,,wire',
        'RB,2026-06-11,350.00,USD,B1,H-2,invoice,300.00,,ach',
        'RB,2026-06-11,350.00,USD,B1,,on_account,50.00,,ach',
      ]),
    );
    const items = await t.database.db
      .selectFrom('items')
      .select(['number', 'type', 'open_minor'])
      .where('customer_id', 'in', (eb) =>
        eb.selectFrom('customers').select('id').where('account_number', '=', 'B1'),
      )
      .where('number', 'in', ['H-1', 'H-2', 'OA-000001'])
      .orderBy('number')
      .execute();
    expect(items).toEqual([
      { number: 'H-1', type: 'invoice', open_minor: 0n },
      { number: 'H-2', type: 'invoice', open_minor: 0n },
      { number: 'OA-000001', type: 'on_account', open_minor: -5000n },
    ]);
  });
});

describe('bulk writes on a server', () => {
  it("write the imports' rows in COPY's binary form, every table", async () => {
    takeTextCopyTables();
    await importCsv(
      t.ctx,
      'invoices',
      csv([
        'invoice_number,account_number,issue_date,amount,currency',
        'BIN-1,B1,2026-06-01,500.00,USD',
        'BIN-2,B1,2026-06-02,300.00,USD',
      ]),
    );
    await importCsv(
      t.ctx,
      'history',
      csv([
        'receipt_reference,receipt_date,receipt_amount,currency,account_number,invoice_number,kind,applied_amount,reason_code,method',
        'RBIN,2026-06-10,480.00,USD,B1,BIN-1,invoice,500.00,,wire',
        'RBIN,2026-06-10,480.00,USD,B1,BIN-1,bank_fee,-20.00,,wire',
      ]),
    );
    // The embedded engine writes by INSERT: nothing goes by COPY there.
    expect(takeTextCopyTables()).toEqual([]);
  });
});

describe('customer contacts', () => {
  it("keeps the file's email and phone as the accounts-payable contact", async () => {
    await importCsv(
      t.ctx,
      'customers',
      csv(['account_number,name,email,phone', 'P1,Payables Test,ap@p1.example.com,555-0100']),
    );
    await importCsv(t.ctx, 'customers', csv(['account_number,name,phone', 'P1,Payables Test,555-0199']));
    const contact = await t.database.db
      .selectFrom('contacts as k')
      .innerJoin('customers as c', 'c.id', 'k.customer_id')
      .select(['k.role', 'k.email', 'k.phone'])
      .where('c.account_number', '=', 'P1')
      .execute();
    expect(contact).toEqual([{ role: 'accounts_payable', email: 'ap@p1.example.com', phone: '555-0199' }]);
  });
});

describe('large imports', () => {
  it('refresh the statistics of what they wrote (vacuum and analyze run after 10,000 rows)', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `L${i},Large ${i}`);
    const result = await importCsv(t.ctx, 'customers', csv(['account_number,name', ...rows]));
    expect(result.rows).toBe(10_000);
    const stats = await sql<{ n: string }>`
      select reltuples::bigint::text as n from pg_class where relname = 'customers'`.execute(t.database.db);
    expect(Number(stats.rows[0]?.n)).toBeGreaterThanOrEqual(10_000);
    const invoices = Array.from({ length: 10_000 }, (_, i) => `LI${i},L${i % 100},2026-06-01,1.00`);
    await importCsv(t.ctx, 'invoices', csv(['invoice_number,account_number,issue_date,amount', ...invoices]));
    const vacuumed = await sql<{ n: string }>`
      select coalesce(last_vacuum, last_autovacuum) is not null as n from pg_stat_user_tables where relname = 'items'`.execute(
      t.database.db,
    );
    expect(vacuumed.rows[0]?.n).toBe(true);
  });
});
