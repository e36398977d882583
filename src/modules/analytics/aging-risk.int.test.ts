import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { buildAgingComparison, buildAtRiskList } from './index.ts';

/**
 * As of 2026-06-30 against 2026-06-23:
 * - A1 (limit 5,000): INV-A1a 3,000 due 05-25 went from 1–30 (29 days) to 31–60 (36 days); INV-A1b
 *   4,000 issued 06-25 takes the balance from 3,000 to 7,000, over the limit: at risk for both reasons.
 * - A2 (a consumer): 1,500 due 06-01 stays in 1–30, 500 paid on 06-26: nothing worse.
 * - A3: 2,000 due 05-20 was in 31–60 both weeks: the older money did not grow.
 * - A4: 800 due 05-28 crossed into 31–60 (below a 1,000 threshold, above a 500 one).
 */
let t: TestDatabase;
const asOf = '2026-06-30' as LocalDate;

beforeAll(async () => {
  t = await createTestDatabase({ today: asOf });
  await importCsv(
    t.ctx,
    'customers',
    csv([
      'account_number,name,customer_type,credit_limit,collector,terms',
      'A1,Alpha Corp,business,5000.00,asmith,NET30',
      'A2,Jane Patient,consumer,,bjones,NET30',
      'A3,Gamma LLC,business,100000.00,asmith,NET30',
      'A4,Delta Inc,business,,bjones,NET30',
    ]),
  );
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,issue_date,due_date,amount',
      'INV-A1a,A1,2026-04-25,2026-05-25,3000.00',
      'INV-A1b,A1,2026-06-25,2026-07-25,4000.00',
      'INV-A2,A2,2026-05-01,2026-06-01,1500.00',
      'INV-A3,A3,2026-04-20,2026-05-20,2000.00',
      'INV-A4,A4,2026-04-28,2026-05-28,800.00',
    ]),
  );
  await importCsv(
    t.ctx,
    'history',
    csv([
      'receipt_reference,receipt_date,receipt_amount,currency,account_number,invoice_number,applied_amount',
      'R-A2,2026-06-26,500.00,USD,A2,INV-A2,500.00',
    ]),
  );
});
afterAll(() => t.close());

describe('aging comparison', () => {
  it('gives each account its buckets now and a week before, rebuilt from the ledger', async () => {
    const c = await buildAgingComparison(t.ctx, { asOf });
    expect(c.before).toBe('2026-06-23');
    const a1 = c.accounts.find((a) => a.accountNumber === 'A1');
    expect(a1?.bucketsNow).toEqual([400_000n, 0n, 300_000n, 0n, 0n, 0n]);
    expect(a1?.bucketsBefore).toEqual([0n, 300_000n, 0n, 0n, 0n, 0n]);
    expect([a1?.balanceBefore, a1?.balanceNow]).toEqual([300_000n, 700_000n]);
    const a2 = c.accounts.find((a) => a.accountNumber === 'A2');
    expect([a2?.bucketsBefore[1], a2?.bucketsNow[1]]).toEqual([150_000n, 100_000n]);
    const total = c.totals[0];
    expect(total?.balanceNow).toBe(c.accounts.reduce((s, a) => s + a.balanceNow, 0n));
    expect(total?.balanceNow).toBe(700_000n + 100_000n + 200_000n + 80_000n);
    // Two weeks back (06-16): A2's 1,500 was 15 days past due, nothing paid yet.
    const two = await buildAgingComparison(t.ctx, { asOf, weeks: 2 });
    expect(two.before).toBe('2026-06-16');
    expect(two.accounts.find((a) => a.accountNumber === 'A2')?.bucketsBefore[1]).toBe(150_000n);
  });

  it('keeps a portfolio to its collector', async () => {
    const c = await buildAgingComparison(t.ctx, { asOf, collector: 'asmith' });
    expect(c.accounts.map((a) => a.accountNumber)).toEqual(['A1', 'A3']);
  });
});

describe('at-risk list', () => {
  it('lists worsened aging and breached limits, worst first, with the change since last week', async () => {
    const list = await buildAtRiskList(t.ctx, { asOf, threshold: '1000' });
    expect(list.accounts.map((a) => [a.accountNumber, a.reasons, a.olderChange, a.newlyOverLimit])).toEqual([
      ['A1', ['aging_worsened', 'over_credit_limit'], 300_000n, true],
    ]);
    const lower = await buildAtRiskList(t.ctx, { asOf, threshold: '500' });
    expect(lower.accounts.map((a) => [a.accountNumber, a.olderChange])).toEqual([
      ['A1', 300_000n],
      ['A4', 80_000n],
    ]);
    // Older than 60 days: nothing crossed 60 this week; A1 is still over its limit.
    const sixty = await buildAtRiskList(t.ctx, { asOf, threshold: '0', olderThanDays: 60 });
    expect(sixty.accounts.map((a) => [a.accountNumber, a.reasons])).toEqual([['A1', ['over_credit_limit']]]);
  });

  it('refuses an older-than that is not a bucket boundary, and a bad threshold', async () => {
    await expect(buildAtRiskList(t.ctx, { asOf, olderThanDays: 45 })).rejects.toMatchObject({
      code: 'analytics.invalid_options',
    });
    await expect(buildAtRiskList(t.ctx, { asOf, threshold: '1,000' })).rejects.toMatchObject({
      code: 'analytics.invalid_options',
    });
  });
});
