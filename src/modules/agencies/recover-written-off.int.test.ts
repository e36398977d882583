import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { checkLedger } from '../integrity/index.ts';
import { buildWriteOffBatch, createReceivablesService } from '../receivables/index.ts';
import { createAgency, placeAccounts, recordRecoveries } from './index.ts';

/**
 * An agency recovers money on a placed account whose oldest item was written off meanwhile: the
 * written-off amount is reinstated (Dr AR, Cr allowance) and the recovery applied as usual, instead of
 * being refused. Y1 owes Y-A 1,000.00 (due 2026-01-31) and Y-B 500.00 (due 2026-02-28).
 */
const TODAY = '2026-06-30' as LocalDate;
let t: TestDatabase;
let placementId: string;

beforeAll(async () => {
  t = await createTestDatabase({ today: TODAY });
  await importCsv(t.ctx, 'customers', csv(['account_number,name,terms', 'Y1,Yarrow Care,NET30']));
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,due_date,amount',
      'Y-A,Y1,invoice,2026-01-01,2026-01-31,1000.00',
      'Y-B,Y1,invoice,2026-01-29,2026-02-28,500.00',
    ]),
  );
  await createAgency(t.ctx, { code: 'ACME', name: 'Acme Recovery', commissionRate: '0.25' });
  const [placement] = await placeAccounts(t.ctx, {
    agency: 'ACME',
    accounts: ['Y1'],
    minDaysPastDue: 90,
    date: '2026-06-01' as LocalDate,
  });
  placementId = placement?.id as string;
  // Y-A is written off in full after the placement.
  const ya = await item('Y-A');
  await createReceivablesService(t.ctx).applyBatches(t.database.db, [
    buildWriteOffBatch({
      entityId: ya.entity_id,
      currency: 'USD' as CurrencyCode,
      date: '2026-06-10' as LocalDate,
      reasonCode: 'bad_debt',
      parts: [{ itemId: ya.id, customerId: ya.customer_id, amountMinor: 100_000n }],
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

async function item(number: string) {
  return t.database.db
    .selectFrom('items')
    .select(['id', 'open_minor', 'entity_id', 'customer_id'])
    .where('number', '=', number)
    .executeTakeFirstOrThrow();
}

describe('agency recoveries on written-off placed items', () => {
  it('reinstates what the open items cannot take and applies the whole recovery', async () => {
    expect((await item('Y-A')).open_minor).toBe(0n);
    const result = await recordRecoveries(t.ctx, [
      { placementId, date: '2026-06-20', amount: '1200.00', reference: 'ACME-9' },
    ]);
    const r = result.recoveries[0];
    expect(r?.reinstated).toEqual([{ itemNumber: 'Y-A', amountMinor: 70_000n }]);
    expect(r?.applied).toEqual([
      { itemNumber: 'Y-B', amountMinor: 50_000n },
      { itemNumber: 'Y-A', amountMinor: 70_000n },
    ]);
    expect((await item('Y-A')).open_minor).toBe(0n);
    expect((await item('Y-B')).open_minor).toBe(0n);

    const lines = await sql<{ role: string; amount: bigint }>`
      select a.role, l.amount_minor as amount from journal_lines l
      join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id
      where l.entry_id = ${r?.reinstatementEntryId} order by l.line_no`.execute(t.database.db);
    expect(lines.rows).toEqual([
      { role: 'ar_control', amount: 70_000n },
      { role: 'allowance', amount: -70_000n },
    ]);
    const entry = await t.database.db
      .selectFrom('journal_entries')
      .select('entry_date')
      .where('id', '=', r?.reinstatementEntryId as string)
      .executeTakeFirstOrThrow();
    expect(String(entry.entry_date)).toBe('2026-06-20');

    // Written off 1,000.00, recovered 700.00: the allowance keeps 300.00 of the charge.
    const allowance = await sql<{ b: bigint }>`
      select coalesce(sum(l.amount_minor), 0)::bigint as b from journal_lines l
      join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id
      where a.role = 'allowance'`.execute(t.database.db);
    expect(allowance.rows[0]?.b).toBe(30_000n);

    const audit = await t.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('object_id', '=', (await item('Y-A')).id)
      .where('action', '=', 'item.reinstated')
      .execute();
    expect(audit).toHaveLength(1);
    const checks = await checkLedger(t.ctx);
    expect(checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.failures.join('; ')}`)).toEqual([]);
  });

  it('still refuses more than the placed items have open and written off', async () => {
    const err = await recordRecoveries(t.ctx, [
      { placementId, date: '2026-06-25', amount: '400.00', reference: 'ACME-10' },
    ]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'agencies.invalid_recoveries' });
    const issues = (err as { issues: { message: string }[] }).issues;
    expect(issues[0]?.message).toMatch(/have only 0.00 open and 300.00 written off/);
    expect((await item('Y-A')).open_minor).toBe(0n);
  });
});
