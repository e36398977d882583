import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { checkLedger } from './index.ts';

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase();
  await loadSmallPortfolio(t.ctx);
});
afterEach(() => t.close());

async function failing(): Promise<Record<string, readonly string[]>> {
  const results = await checkLedger(t.ctx);
  return Object.fromEntries(results.filter((r) => !r.ok).map((r) => [r.name, r.failures]));
}

describe('arbor check', () => {
  it('passes on a consistent ledger', async () => {
    expect(await failing()).toEqual({});
  });

  it('reports the checks in their order, whichever ran first, each with what it examined', async () => {
    // On a server they run two at a time, the heaviest first (runChecks).
    const results = await checkLedger(t.ctx);
    expect(results.map((r) => r.name)).toEqual([
      'entries_balance',
      'lines_match_entries',
      'ar_control_ties',
      'unapplied_ties',
      'items_match_journal',
      'items_match_applications',
      'items_within_amount',
      'receipts_match_applications',
      'receipts_match_journal',
      'subledger_lines_tagged',
      'reversals_mirror',
    ]);
    const items = (await sql<{ n: number }>`select count(*)::int as n from items`.execute(t.database.db))
      .rows[0]?.n;
    expect(results.find((r) => r.name === 'items_match_journal')?.examined).toBe(`${items} items`);
  });

  it('names the item whose open amount was changed behind the ledger', async () => {
    await sql`update items set open_minor = 30000 where number = 'INV-1'`.execute(t.database.db);
    const f = await failing();
    expect(Object.keys(f).sort()).toEqual([
      'ar_control_ties',
      'items_match_applications',
      'items_match_journal',
    ]);
    expect(f.items_match_journal).toEqual(['item INV-1: open 30000, journal 0 (minor units)']);
    expect(f.ar_control_ties?.[0]).toMatch(/AR control 1500\.00, open items 1800\.00/);
  });

  it('names the receipt whose unapplied amount was changed', async () => {
    await sql`update receipts set unapplied_minor = 0 where reference = 'R-3'`.execute(t.database.db);
    const f = await failing();
    expect(Object.keys(f).sort()).toEqual([
      'receipts_match_applications',
      'receipts_match_journal',
      'unapplied_ties',
    ]);
    expect(f.receipts_match_journal).toEqual(['receipt R-3: unapplied 0, journal 70000']);
  });

  it('finds an unbalanced entry slipped in with the triggers disabled', async () => {
    const acct = await t.database.db
      .selectFrom('gl_accounts')
      .select(['id', 'entity_id'])
      .where('role', '=', 'suspense')
      .executeTakeFirstOrThrow();
    const entry = await t.database.db
      .selectFrom('journal_entries')
      .select('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    await t.database.exec(`alter table journal_lines disable trigger journal_lines_checked;
      insert into journal_lines (tenant_id, entry_id, line_no, entity_id, account_id, entry_date, currency, amount_minor)
      select ${t.ctx.tenantId}, '${entry.id}', 99, '${acct.entity_id}', '${acct.id}', e.entry_date, 'USD', 5
      from journal_entries e where e.id = '${entry.id}';
      alter table journal_lines enable trigger journal_lines_checked;`);
    const f = await failing();
    expect(f.entries_balance).toEqual([`entry ${entry.id} in USD is off by 5 minor units`]);
  });
});
