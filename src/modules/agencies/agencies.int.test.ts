import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { checkLedger } from '../integrity/index.ts';
import { buildWorklist } from '../worklist/index.ts';
import {
  buildAgencyReport,
  buildPlacementFile,
  createAgency,
  importRecoveriesFile,
  listPlacements,
  PLACEMENT_FILE_COLUMNS,
  placeAccounts,
  recallPlacement,
  recordRecoveries,
  updateAgency,
} from './index.ts';

/**
 * As of 2026-06-30. X1 owes three invoices (due 2026-01-31 1,000.00; 2026-02-28 2,000.00;
 * 2026-06-20 500.00); X2 owes one (due 2026-02-15, 800.00). Acme Recovery takes 25 %.
 */
const TODAY = '2026-06-30' as LocalDate;
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ today: TODAY });
  await importCsv(
    t.ctx,
    'customers',
    csv([
      'account_number,name,terms,collector,email,phone,address_line1,city,postal_code,country',
      'X1,Xylo Clinics,NET30,amy,ap@xylo.example.com,555-0100,1 Main St,Springfield,12345,US',
      'X2,Xeno Labs,NET30,amy,,,,,,',
    ]),
  );
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,due_date,amount',
      'X1-A,X1,invoice,2026-01-01,2026-01-31,1000.00',
      'X1-B,X1,invoice,2026-01-29,2026-02-28,2000.00',
      'X1-C,X1,invoice,2026-05-21,2026-06-20,500.00',
      'X2-A,X2,invoice,2026-01-16,2026-02-15,800.00',
    ]),
  );
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const openOf = async (number: string) =>
  (
    await t.database.db
      .selectFrom('items')
      .select('open_minor')
      .where('number', '=', number)
      .executeTakeFirstOrThrow()
  ).open_minor;

describe('collection agencies', () => {
  it('places the items far enough past due, leaves them off the worklist and writes the placement file', async () => {
    const agency = await createAgency(t.ctx, { code: 'ACME', name: 'Acme Recovery', commissionRate: '0.25' });
    expect(agency.commissionRate).toBe('0.25');
    await expect(
      createAgency(t.ctx, { code: 'ACME', name: 'Again', commissionRate: '0.1' }),
    ).rejects.toMatchObject({
      code: 'agencies.agency_exists',
    });
    await expect(
      createAgency(t.ctx, { code: 'BAD', name: 'Bad', commissionRate: '1.5' }),
    ).rejects.toMatchObject({
      code: 'agencies.invalid_request',
    });
    const placed = await placeAccounts(t.ctx, {
      agency: 'ACME',
      accounts: ['X1', 'X2'],
      minDaysPastDue: 90,
      date: '2026-06-01' as LocalDate,
    });
    expect(placed.map((p) => [p.accountNumber, p.placedMinor, p.items, p.status])).toEqual([
      ['X1', 300_000n, 2, 'placed'],
      ['X2', 80_000n, 1, 'placed'],
    ]);
    // The same items cannot go to an agency twice.
    await expect(placeAccounts(t.ctx, { agency: 'ACME', accounts: ['X2'] })).rejects.toMatchObject({
      code: 'agencies.nothing_to_place',
    });

    const w = await buildWorklist(t.ctx, { collector: 'amy' });
    const x1 = w.rows.find((r) => r.accountNumber === 'X1');
    expect(x1?.balanceMinor).toBe(50_000n);
    expect(x1?.placedMinor).toBe(300_000n);
    expect(x1?.reasons).toContain('3,000.00 USD placed with ACME (left out: the agency works it)');
    expect(w.rows.some((r) => r.accountNumber === 'X2')).toBe(false);

    const file = await buildPlacementFile(t.database.db, t.ctx.tenantId, { agency: 'ACME', asOf: TODAY });
    expect(file.columns).toEqual(PLACEMENT_FILE_COLUMNS);
    expect(file.rows).toHaveLength(3);
    const row = Object.fromEntries(file.columns.map((c, i) => [c, file.rows[0]?.[i]]));
    expect(row).toMatchObject({
      agency_code: 'ACME',
      account_number: 'X1',
      placed_on: '2026-06-01',
      customer_name: 'Xylo Clinics',
      contact_email: 'ap@xylo.example.com',
      contact_phone: '555-0100',
      city: 'Springfield',
      item_number: 'X1-A',
      due_date: '2026-01-31',
      days_past_due: '150',
      placed_amount: '1000.00',
      account_placed_total: '3000.00',
    });
    const activities = await t.database.db
      .selectFrom('collection_activities')
      .select(['kind', 'related_id'])
      .where('kind', '=', 'agency_placement')
      .execute();
    expect(activities).toHaveLength(2);
  });

  it('posts a recovery as a receipt of the net applied to the placed items, commission to bank charges', async () => {
    const [x1] = await listPlacements(t.database.db, t.ctx.tenantId, { agency: 'ACME' });
    if (!x1) throw new Error('no placement');
    const result = await recordRecoveries(t.ctx, [
      { placementId: x1.id, date: '2026-06-15', amount: '1200.00', reference: 'ACME-0001' },
    ]);
    const r = result.recoveries[0];
    expect(r).toMatchObject({
      recoveredMinor: 120_000n,
      commissionMinor: 30_000n,
      netMinor: 90_000n,
      applied: [
        { itemNumber: 'X1-A', amountMinor: 100_000n },
        { itemNumber: 'X1-B', amountMinor: 20_000n },
      ],
    });
    expect(await openOf('X1-A')).toBe(0n);
    expect(await openOf('X1-B')).toBe(180_000n);
    const receipt = await t.database.db
      .selectFrom('receipts')
      .selectAll()
      .where('id', '=', r?.receiptId as string)
      .executeTakeFirstOrThrow();
    expect(receipt).toMatchObject({
      amount_minor: 90_000n,
      unapplied_minor: 0n,
      payer_name: 'Acme Recovery',
    });
    const lines = await sql<{ role: string; amount: bigint }>`
      select a.role, sum(l.amount_minor)::bigint as amount from journal_lines l
      join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id
      where l.entry_id = ${r?.journalEntryId} group by a.role order by a.role`.execute(t.database.db);
    expect(lines.rows).toEqual([
      { role: 'ar_control', amount: -120_000n },
      { role: 'bank_charges', amount: 30_000n },
      { role: 'unapplied_cash', amount: 90_000n },
    ]);
    const checks = await checkLedger(t.ctx);
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'object_id'])
      .where('action', '=', 'agency.recovery_recorded')
      .execute();
    expect(audit.map((a) => a.object_id)).toEqual([r?.id]);
  });

  it('refuses a whole batch when any line is wrong, naming each problem', async () => {
    const [x1] = await listPlacements(t.database.db, t.ctx.tenantId, { agency: 'ACME' });
    const before = await openOf('X1-B');
    const err = await recordRecoveries(t.ctx, [
      {
        line: 2,
        placementId: x1?.id as string,
        date: '2026-06-20',
        amount: '100.00',
        reference: 'ACME-0001',
      },
      { line: 3, accountNumber: 'X1', date: '2026-06-20', amount: '5000.00' },
      { line: 4, accountNumber: 'X1', date: '2026-06-20', amount: '10.00', commission: '20.00' },
      { line: 5, accountNumber: 'NOPE', date: '2026-06-20', amount: '10.00' },
      { line: 6, accountNumber: 'X1', date: '2026-07-20', amount: '10.00' },
      { line: 7, accountNumber: 'X1', date: '2026-06-20', amount: '100.00' },
    ]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'agencies.invalid_recoveries' });
    const issues = (err as { issues: { line: number; message: string }[] }).issues;
    expect(issues.map((i) => i.line)).toEqual([2, 3, 4, 5, 6]);
    expect(issues[0]?.message).toMatch(/reference ACME-0001 was already recorded/);
    expect(issues[1]?.message).toMatch(/5000.00 recovered but the placed items of X1 have only 1800.00 open/);
    expect(issues[2]?.message).toMatch(/commission 20.00 is more than the amount recovered 10.00/);
    expect(issues[3]?.message).toMatch(/account NOPE has no active placement/);
    expect(issues[4]?.message).toMatch(/in the future/);
    expect(await openOf('X1-B')).toBe(before);
  });

  it('imports a recoveries file once, closes a placement paid in full, and recalls another', async () => {
    const path = join(tmpdir(), `recoveries-${process.pid}.csv`);
    await writeFile(
      path,
      csv([
        'account_number,agency,date,amount,commission,reference',
        'X2,ACME,2026-06-25,800.00,200.00,ACME-0002',
      ]),
    );
    const result = await importRecoveriesFile(t.ctx, path);
    expect(result.recoveries).toHaveLength(1);
    expect(result.closedPlacements).toHaveLength(1);
    expect(await openOf('X2-A')).toBe(0n);
    await expect(importRecoveriesFile(t.ctx, path)).rejects.toMatchObject({
      code: 'agencies.duplicate_file',
    });

    const [x1] = await listPlacements(t.database.db, t.ctx.tenantId, { agency: 'ACME', status: 'placed' });
    const recalled = await recallPlacement(t.ctx, {
      placementId: x1?.id as string,
      reason: 'customer disputes',
    });
    expect(recalled).toMatchObject({ status: 'recalled', closedOn: TODAY, openMinor: 180_000n });
    await expect(
      recallPlacement(t.ctx, { placementId: x1?.id as string, reason: 'again' }),
    ).rejects.toMatchObject({ code: 'agencies.not_placed' });
    // Back on the collector's list.
    const w = await buildWorklist(t.ctx, { collector: 'amy' });
    expect(w.rows.find((r) => r.accountNumber === 'X1')?.balanceMinor).toBe(230_000n);
    // A new rate applies to new placements only.
    await updateAgency(t.ctx, 'ACME', { commissionRate: '0.3' });
    const again = await placeAccounts(t.ctx, { agency: 'ACME', accounts: ['X1'], itemNumbers: ['X1-B'] });
    expect(again[0]?.commissionRate).toBe('0.3');
    expect(again[0]?.placedMinor).toBe(180_000n);
  });

  it('reports each agency’s recovery rate, cost and time to recover', async () => {
    const [row] = await buildAgencyReport(t.database.db, t.ctx.tenantId);
    expect(row).toMatchObject({
      agencyCode: 'ACME',
      currency: 'USD',
      placements: 3,
      active: 1,
      recalled: 1,
      closed: 1,
      placedMinor: 560_000n,
      recoveredMinor: 200_000n,
      commissionMinor: 50_000n,
      netMinor: 150_000n,
      placementsWithRecovery: 2,
      // Both placed 2026-06-01: X1's first recovery 14 days later, X2's 24.
      meanDaysToFirstRecovery: 19,
      medianDaysToFirstRecovery: 19,
    });
    expect(row?.recoveryRate).toBeCloseTo(200_000 / 560_000, 12);
    expect(row?.costOfRecovery).toBeCloseTo(0.25, 12);
  });
});
