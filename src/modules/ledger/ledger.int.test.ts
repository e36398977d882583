import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { newId } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { getDefaultEntity } from '../tenancy/index.ts';
import { createLedgerService, type EntryDraft } from './index.ts';

const USD = 'USD' as CurrencyCode;
let t: TestDatabase;
let entityId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  entityId = (await getDefaultEntity(t.database.db, t.ctx.tenantId)).id;
});
afterAll(() => t.close());

function entry(date: string, amount: bigint, other = -amount): EntryDraft {
  return {
    id: newId('journalEntry'),
    entityId,
    entryDate: date as LocalDate,
    sourceType: 'test',
    sourceId: null,
    description: 'test entry',
    lines: [
      { role: 'cash', amountMinor: amount, currency: USD },
      { role: 'suspense', amountMinor: other, currency: USD },
    ],
  };
}

describe('ledger', () => {
  it('posts balanced entries and reports balances', async () => {
    const ledger = createLedgerService(t.ctx);
    await ledger.post(t.database.db, [entry('2026-06-01', 12_345n)]);
    const tb = await ledger.trialBalance(t.database.db, null);
    const cash = tb.find((r) => r.role === 'cash');
    expect(cash?.balance).toBe(12_345n);
    expect(tb.reduce((s, r) => s + r.balance, 0n)).toBe(0n);
  });

  it('refuses an unbalanced entry, in the service and in the database', async () => {
    const ledger = createLedgerService(t.ctx);
    await expect(ledger.post(t.database.db, [entry('2026-06-01', 100n, -99n)])).rejects.toThrow(
      /does not balance/,
    );
    // Bypass the service: the trigger still refuses it.
    const id = newId('journalEntry');
    const accounts = await ledger.chartFor(t.database.db, entityId);
    await expect(
      t.database.db.transaction().execute(async (tx) => {
        await sql`insert into journal_entries (tenant_id, id, entity_id, entry_date, source_type, created_by)
          values (${t.ctx.tenantId}, ${id}, ${entityId}, '2026-06-01', 'test', 'test')`.execute(tx);
        await sql`insert into journal_lines (tenant_id, entry_id, line_no, entity_id, account_id, entry_date, currency, amount_minor)
          values (${t.ctx.tenantId}, ${id}, 1, ${entityId}, ${accounts.get('cash')}, '2026-06-01', 'USD', 500),
                 (${t.ctx.tenantId}, ${id}, 2, ${entityId}, ${accounts.get('suspense')}, '2026-06-01', 'USD', -400)`.execute(
          tx,
        );
      }),
    ).rejects.toThrow(/does not balance/);
  });

  it('makes posted lines append-only: UPDATE and DELETE fail in the database', async () => {
    const ledger = createLedgerService(t.ctx);
    const e = entry('2026-06-02', 700n);
    await ledger.post(t.database.db, [e]);
    await expect(
      sql`update journal_lines set amount_minor = 1 where tenant_id = ${t.ctx.tenantId} and entry_id = ${e.id}`.execute(
        t.database.db,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`delete from journal_lines where tenant_id = ${t.ctx.tenantId} and entry_id = ${e.id}`.execute(
        t.database.db,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`update journal_entries set entry_date = '2026-01-01' where id = ${e.id}`.execute(t.database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`truncate journal_lines`.execute(t.database.db)).rejects.toThrow(/append-only/);
    const lines = await t.database.db
      .selectFrom('journal_lines')
      .select('amount_minor')
      .where('entry_id', '=', e.id)
      .execute();
    expect(lines.map((l) => l.amount_minor).sort()).toEqual([-700n, 700n]);
  });

  it('refuses, per statement, lines without their entry, accounts of another entity, and items of unknown customers', async () => {
    const ledger = createLedgerService(t.ctx);
    const accounts = await ledger.chartFor(t.database.db, entityId);
    await expect(
      sql`insert into journal_lines (tenant_id, entry_id, line_no, entity_id, account_id, entry_date, currency, amount_minor)
        values (${t.ctx.tenantId}, 'je_missing', 1, ${entityId}, ${accounts.get('cash')}, '2026-06-01', 'USD', 5),
               (${t.ctx.tenantId}, 'je_missing', 2, ${entityId}, ${accounts.get('suspense')}, '2026-06-01', 'USD', -5)`.execute(
        t.database.db,
      ),
    ).rejects.toThrow(/lines of je_missing have no entry/);
    const e = entry('2026-06-05', 40n);
    await ledger.post(t.database.db, [e]);
    await expect(
      sql`insert into journal_lines (tenant_id, entry_id, line_no, entity_id, account_id, entry_date, currency, amount_minor)
        values (${t.ctx.tenantId}, ${e.id}, 9, ${entityId}, 'gla_of_someone_else', '2026-06-05', 'USD', 5),
               (${t.ctx.tenantId}, ${e.id}, 10, ${entityId}, ${accounts.get('suspense')}, '2026-06-05', 'USD', -5)`.execute(
        t.database.db,
      ),
    ).rejects.toThrow(/not an account of the entity/);
    await expect(
      sql`insert into items (tenant_id, id, entity_id, customer_id, type, number, issue_date, due_date, currency,
          amount_minor, open_minor, journal_entry_id)
        values (${t.ctx.tenantId}, 'itm_x', ${entityId}, 'cus_nobody', 'invoice', 'NOBODY-1', '2026-06-01', '2026-07-01',
          'USD', 100, 100, ${e.id})`.execute(t.database.db),
    ).rejects.toThrow(/unknown customer cus_nobody/);
    await expect(
      sql`insert into items (tenant_id, id, entity_id, customer_id, type, number, issue_date, due_date, currency,
          amount_minor, open_minor, journal_entry_id)
        values (${t.ctx.tenantId}, 'itm_y', 'ent_nowhere', 'cus_nobody', 'invoice', 'NOWHERE-1', '2026-06-01', '2026-07-01',
          'USD', 100, 100, ${e.id})`.execute(t.database.db),
    ).rejects.toThrow(/unknown customer cus_nobody or entity ent_nowhere/);
  });

  it('finds the one unknown customer among the thousands of customers a statement names', async () => {
    const ledger = createLedgerService(t.ctx);
    const e = entry('2026-06-07', 10n);
    await ledger.post(t.database.db, [e]);
    const customers = Array.from({ length: 1500 }, () => newId('customer'));
    await t.database.db
      .insertInto('customers')
      .values(
        customers.map((id, i) => ({
          tenant_id: t.ctx.tenantId,
          id,
          account_number: `BULK${i}`,
          name: `Bulk ${i}`,
          entity_id: entityId,
          currency: 'USD' as CurrencyCode,
          terms: 'NET30',
          customer_type: 'business' as const,
        })),
      )
      .execute();
    // 1,500 items of known customers but one.
    const named = customers.map((id, i) => (i === 700 ? 'cus_unknown_among_many' : id));
    const insert = (ids: readonly string[], prefix: string) =>
      sql`insert into items (tenant_id, id, entity_id, customer_id, type, number, issue_date, due_date, currency,
          amount_minor, open_minor, journal_entry_id)
        select ${t.ctx.tenantId}, ${prefix} || n, ${entityId}, c, 'invoice', ${prefix} || n, '2026-06-07', '2026-07-07',
          'USD', 1, 1, ${e.id}
        from unnest(${ids}::text[]) with ordinality as u(c, n)`.execute(t.database.db);
    await expect(insert(named, 'itm_bulk_bad_')).rejects.toThrow(/unknown customer cus_unknown_among_many/);
    // The same statement with every customer known is accepted (the items alone: this test is about
    // the check, not the postings that would go with them).
    await insert(customers, 'itm_bulk_ok_');
    const n = await t.database.db
      .selectFrom('items')
      .select((q) => q.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', t.ctx.tenantId)
      .where('id', 'like', 'itm_bulk_%')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1500);
  });

  it('corrects by reversal, once', async () => {
    const ledger = createLedgerService(t.ctx);
    const e = entry('2026-06-03', 250n);
    await ledger.post(t.database.db, [e]);
    await expect(
      ledger.reverse(t.database.db, e.id, '2026-06-02' as LocalDate, 'dated before the entry'),
    ).rejects.toMatchObject({ code: 'ledger.reversal_before_entry' });
    const rev = await ledger.reverse(t.database.db, e.id, '2026-06-04' as LocalDate, 'posted twice');
    expect(rev.lines.map((l) => l.amountMinor)).toEqual([-250n, 250n]);
    await expect(ledger.reverse(t.database.db, e.id, '2026-06-04' as LocalDate, 'again')).rejects.toThrow(
      /was reversed by/,
    );
    const tb = await ledger.trialBalance(t.database.db, '2026-06-03' as LocalDate);
    const tbAfter = await ledger.trialBalance(t.database.db, '2026-06-04' as LocalDate);
    const cashAt = (rows: typeof tb) => rows.find((r) => r.role === 'cash')?.balance ?? 0n;
    expect(cashAt(tbAfter) - cashAt(tb)).toBe(-250n);
  });

  it('refuses postings into a locked period, and takes them again once unlocked', async () => {
    const ledger = createLedgerService(t.ctx);
    await ledger.lockPeriod(t.database.db, entityId, '2026-05');
    await expect(ledger.post(t.database.db, [entry('2026-05-31', 10n)])).rejects.toMatchObject({
      code: 'ledger.period_locked',
    });
    await ledger.post(t.database.db, [entry('2026-06-01', 10n)]);
    await ledger.unlockPeriod(t.database.db, entityId, '2026-05');
    await ledger.post(t.database.db, [entry('2026-05-31', 10n)]);
    await expect(ledger.lockPeriod(t.database.db, entityId, '2026-13')).rejects.toThrow(/YYYY-MM/);
  });
});
