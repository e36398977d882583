import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSmallPortfolio } from '../../../test/support/small-portfolio.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { checkLedger } from '../integrity/index.ts';
import { createReceivablesService } from '../receivables/index.ts';
import { type ApplicationExportRow, exportApplications } from '../reporting/index.ts';
import { runCashApplication } from './apply-cash.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await loadSmallPortfolio(t.ctx);
  const entity = await t.database.db.selectFrom('entities').select('id').executeTakeFirstOrThrow();
  const base = {
    entityId: entity.id,
    currency: 'USD' as never,
    receiptDate: '2026-06-29' as LocalDate,
    method: 'ach',
    memo: null,
    customerId: null,
    source: 'bank' as const,
    importId: null,
  };
  await createReceivablesService(t.ctx).postReceipts(t.database.db, [
    // C1 pays INV-4 by reference from its known account.
    {
      ...base,
      id: 'rct_a',
      reference: 'BNK-A',
      amountMinor: 30000n,
      payerName: 'ACME HOLDINGS INC',
      payerAccount: '021000021:111222333',
      remittanceText: 'INV 4',
    },
    // A payment of INV-1, which is already settled: a duplicate, on account.
    {
      ...base,
      id: 'rct_b',
      reference: 'BNK-B',
      amountMinor: 100000n,
      payerName: 'ACME HOLDINGS',
      payerAccount: '021000021:111222333',
      remittanceText: 'INV-1',
    },
    // Interest from the bank: not a customer payment.
    {
      ...base,
      id: 'rct_c',
      reference: 'BNK-C',
      amountMinor: 5500n,
      payerName: 'FIRST BANK',
      payerAccount: null,
      remittanceText: 'INTEREST PAYMENT',
    },
    // Beta Co by name only, the amount of INV-3: a suggestion, not an application.
    {
      ...base,
      id: 'rct_d',
      reference: 'BNK-D',
      amountMinor: 100000n,
      payerName: 'BETA CO',
      payerAccount: null,
      remittanceText: null,
    },
  ]);
});
afterAll(async () => {
  await t?.close();
});

async function exported(): Promise<ApplicationExportRow[]> {
  const rows: ApplicationExportRow[] = [];
  for await (const r of exportApplications(t.ctx, { includeSuggestions: true })) rows.push(r);
  return rows;
}

describe('arbor cash apply', () => {
  it('applies what it is sure of, suggests, leaves the rest with a reason, and the books still tie', async () => {
    const r = await runCashApplication(t.ctx, { asOf: '2026-06-30' as LocalDate });
    expect(r).toMatchObject({ applied: 2, suggested: 1 });
    const rows = (await exported()).filter((x) => x.receipt_reference.startsWith('BNK-'));
    const view = rows.map((x) => [
      x.receipt_reference,
      x.kind,
      x.target,
      x.account_number,
      x.amount,
      x.status,
    ]);
    expect(view).toEqual([
      ['BNK-A', 'invoice', 'INV-4', 'C1', '300.00', 'auto'],
      ['BNK-B', 'on_account', '', 'C1', '1000.00', 'auto'],
      ['BNK-C', 'unapplied', '', '', '55.00', 'open'],
      ['BNK-D', 'unapplied', '', '', '1000.00', 'open'],
      ['BNK-D', 'invoice', 'INV-3', 'C3', '1000.00', 'suggested'],
    ]);
    const a = rows[0] as ApplicationExportRow;
    expect(Number(a.confidence)).toBeGreaterThanOrEqual(0.995);
    expect(a.explanation).toMatch(/INV-4/);
    expect(rows[2]?.explanation).toBe('not a customer payment: interest');
    expect(Number(rows[4]?.confidence)).toBeLessThan(0.995);
    const applied = await t.database.db
      .selectFrom('applications')
      .select(['engine_version', 'status'])
      .where('status', '=', 'auto')
      .execute();
    expect(applied.every((x) => x.engine_version === 'arbor-match-1')).toBe(true);
    expect((await checkLedger(t.ctx)).filter((c) => !c.ok)).toEqual([]);
  });

  it('a second run finds nothing new to apply and does not apply twice', async () => {
    const before = await t.database.db
      .selectFrom('applications')
      .select((e) => e.fn.countAll<bigint>().as('n'))
      .executeTakeFirstOrThrow();
    const r = await runCashApplication(t.ctx, { asOf: '2026-06-30' as LocalDate });
    expect(r.applied).toBe(0);
    const after = await t.database.db
      .selectFrom('applications')
      .select((e) => e.fn.countAll<bigint>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const open = await t.database.db.selectFrom('cash_suggestions').select(['status']).execute();
    expect(open.filter((s) => s.status === 'open')).toHaveLength(1);
    expect(open.filter((s) => s.status === 'superseded').length).toBeGreaterThanOrEqual(1);
  });
});
