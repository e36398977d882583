import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { fixedClock } from '../../core/clock.ts';
import type { ServiceContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { type Money, money } from '../../core/money.ts';
import { cancelApproval, decideApproval, getApproval } from '../approvals/index.ts';
import { type Principal, permissionsOf, ROLE_APPROVAL_LIMIT_MINOR, type Role } from '../identity/index.ts';
import { checkLedger } from '../integrity/index.ts';
import {
  changeDisputeStatus,
  evaluateCollections,
  findCollectionsState,
  findPausedCustomers,
  getDispute,
  listActivities,
  listDisputes,
  openDispute,
  resolveDispute,
  settleAccount,
} from './index.ts';

/**
 * Disputes and deductions resolved by credit memo, write-off, re-bill or collection — the money
 * moving through approvals, only on approval above the requester's limit — and settlements.
 */
const TODAY = '2026-06-30' as LocalDate;
const usd = (minor: bigint): Money => money(minor, 'USD');
const d = (s: string) => s as LocalDate;
let t: TestDatabase;
const on = (date: string): ServiceContext => ({ ...t.ctx, clock: fixedClock(date as LocalDate) });
const users: Record<string, Principal> = {};
let ids: Record<string, string> = {};

async function addUser(username: string, role: Role): Promise<Principal> {
  const id = newId('user');
  await t.database.db
    .insertInto('users')
    .values({
      tenant_id: t.ctx.tenantId,
      id,
      username,
      role,
      password_hash: null,
      approval_limit_minor: null,
    })
    .execute();
  const p: Principal = {
    tenantId: t.ctx.tenantId,
    userId: id,
    username,
    role,
    permissions: permissionsOf(role),
    portfolioScoped: false,
    approvalLimitMinor: ROLE_APPROVAL_LIMIT_MINOR[role],
    via: 'session',
  };
  users[username] = p;
  return p;
}
const user = (name: string) => users[name] as Principal;

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const openOf = async (number: string) =>
  (
    await t.database.db
      .selectFrom('items')
      .select('open_minor')
      .where('number', '=', number)
      .executeTakeFirstOrThrow()
  ).open_minor;

beforeAll(async () => {
  t = await createTestDatabase({ today: TODAY });
  await importCsv(
    t.ctx,
    'customers',
    csv([
      'account_number,name,collector',
      'D1,Dogwood Health,asmith',
      'D2,Hawthorn Clinic,asmith',
      'D3,Holly Labs,bjones',
      'S1,Spruce Imaging,asmith',
    ]),
  );
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,issue_date,due_date,amount',
      'D-1,D1,2026-04-01,2026-05-01,5000.00',
      'D-2,D1,2026-04-02,2026-05-02,3000.00',
      'H-1,D2,2026-04-01,2026-05-01,1001.00',
      'J-1,D3,2026-04-01,2026-05-01,400.00',
      'S-1,S1,2026-04-04,2026-05-04,600.00',
      'S-2,S1,2026-04-05,2026-05-05,300.00',
    ]),
  );
  // H-1 paid short: 826.00 with a 175.00 deduction (INTERCHANGE.md §3) → DED-000001 open.
  await importCsv(
    t.ctx,
    'history',
    csv([
      'receipt_reference,receipt_date,receipt_amount,currency,account_number,invoice_number,kind,applied_amount,reason_code',
      'PAY-H1,2026-05-20,826.00,USD,D2,H-1,invoice,1001.00,',
      'PAY-H1,2026-05-20,826.00,USD,D2,H-1,deduction,-175.00,enrollment_dispute',
    ]),
  );
  const rows = await t.database.db.selectFrom('customers').select(['id', 'account_number']).execute();
  ids = Object.fromEntries(rows.map((r) => [r.account_number, r.id]));
  await addUser('ann', 'analyst'); // limit 500.00
  await addUser('mia', 'manager'); // limit 50,000.00, decides
});
afterAll(() => t?.close());

describe('disputes resolved by credit memo through approval', () => {
  it('moves no money until the credit memo is approved, then resolves the dispute as of the approval', async () => {
    const dispute = await openDispute(on('2026-06-10'), {
      item: 'D-1',
      amount: usd(100_000n),
      reasonCode: 'pricing_dispute',
      notes: 'customer says the contract rate is lower',
    });
    expect(dispute).toMatchObject({
      status: 'open',
      itemNumber: 'D-1',
      owner: 'asmith',
      openedOn: '2026-06-10',
      amount: usd(100_000n),
    });
    expect(
      (await findPausedCustomers(t.database.db, t.ctx.tenantId, [ids.D1 as string], TODAY)).get(
        ids.D1 as string,
      ),
    ).toBe(`dispute ${dispute.id} open (pricing_dispute)`);
    await changeDisputeStatus(on('2026-06-12'), dispute.id, {
      status: 'investigating',
      owner: 'bjones',
      note: 'pulled the contract',
    });

    const asked = await resolveDispute(on('2026-06-20'), user('ann'), dispute.id, {
      resolution: 'credit_memo',
      rootCause: 'pricing error in billing',
    });
    expect(asked.outcome).toBe('pending');
    expect(asked.dispute).toMatchObject({
      status: 'investigating',
      resolution: 'credit_memo',
      awaitingApproval: true,
    });
    const approvalId = asked.dispute.approvalId as string;
    expect((await getApproval(t.ctx, approvalId)).adjustment).toMatchObject({
      kind: 'credit_memo',
      invoiceId: dispute.itemId,
    });
    expect(await openOf('D-1')).toBe(500_000n); // nothing moved
    // Waiting for the approval: no other resolution, no status change, still paused.
    expect(
      (
        await failure(
          resolveDispute(t.ctx, user('ann'), dispute.id, { resolution: 'collect', rootCause: 'x' }),
        )
      ).code,
    ).toBe('collections.dispute_closed');
    expect((await failure(changeDisputeStatus(t.ctx, dispute.id, { status: 'open' }))).message).toMatch(
      /waiting for approval/,
    );
    expect((await findPausedCustomers(t.database.db, t.ctx.tenantId, [ids.D1 as string], TODAY)).size).toBe(
      1,
    );

    await decideApproval(on('2026-06-22'), user('mia'), approvalId, 'approve', 'contract checked');
    expect(await openOf('D-1')).toBe(400_000n); // the memo netted against D-1, on approval, once

    const r = await evaluateCollections(on('2026-06-25'), d('2026-06-25'));
    expect(r.disputes).toEqual({ resolved: 1, reopened: 0 });
    const resolved = await getDispute(t.database.db, t.ctx.tenantId, dispute.id);
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolution: 'credit_memo',
      rootCause: 'pricing error in billing',
      approvalId,
      awaitingApproval: false,
      resolvedOn: '2026-06-22',
      cycleDays: 12,
    });
    expect((await findPausedCustomers(t.database.db, t.ctx.tenantId, [ids.D1 as string], TODAY)).size).toBe(
      0,
    );
    expect((await evaluateCollections(on('2026-06-26'), d('2026-06-26'))).disputes).toEqual({
      resolved: 0,
      reopened: 0,
    });

    const trail = await t.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('object_id', '=', dispute.id)
      .orderBy('seq')
      .execute();
    expect(trail.map((a) => a.action)).toEqual([
      'collections.dispute_opened',
      'collections.dispute_updated',
      'collections.dispute_resolution_requested',
      'collections.dispute_resolved',
    ]);
    const history = await listActivities(
      t.database.db,
      t.ctx.tenantId,
      { account: 'D1' },
      { kinds: ['dispute'] },
    );
    expect(history.map((a) => a.outcomeCode)).toEqual([
      'resolved',
      'resolution_requested',
      'investigating',
      'opened',
    ]);
  });

  it('withdraws a rejected (or cancelled) resolution and leaves the dispute open for another', async () => {
    const dispute = await openDispute(on('2026-06-15'), { item: 'D-2', reasonCode: 'service_not_rendered' });
    expect(dispute.amount).toEqual(usd(300_000n)); // the item's open amount
    const asked = await resolveDispute(t.ctx, user('ann'), dispute.id, {
      resolution: 'credit_memo',
      rootCause: 'claimed missing service',
    });
    await decideApproval(
      t.ctx,
      user('mia'),
      asked.dispute.approvalId as string,
      'reject',
      'service was rendered',
    );
    // The next action on the dispute catches up with the rejection first.
    const collected = await resolveDispute(on('2026-06-30'), user('ann'), dispute.id, {
      resolution: 'collect',
      rootCause: 'service was rendered; signed delivery note',
    });
    expect(collected.outcome).toBe('resolved');
    expect(collected.dispute).toMatchObject({
      status: 'resolved',
      resolution: 'collect',
      approvalId: null,
      cycleDays: 15,
    });
    expect(await openOf('D-2')).toBe(300_000n);

    const other = await openDispute(t.ctx, {
      customer: { account: 'D1' },
      amount: usd(120_000n),
      reasonCode: 'duplicate_billing',
    });
    const pending = await resolveDispute(t.ctx, user('ann'), other.id, {
      resolution: 'credit_memo',
      rootCause: 'billed twice',
    });
    await cancelApproval(t.ctx, user('ann'), pending.dispute.approvalId as string);
    const r = await evaluateCollections(t.ctx, TODAY);
    expect(r.disputes).toEqual({ resolved: 0, reopened: 1 });
    expect(await getDispute(t.database.db, t.ctx.tenantId, other.id)).toMatchObject({
      status: 'open',
      resolution: null,
      approvalId: null,
    });
    await changeDisputeStatus(t.ctx, other.id, { status: 'cancelled', note: 'opened in error' });
  });

  it('resolves a deduction within the analyst’s limit at once: credit memo or write-off', async () => {
    expect(await openOf('DED-000001')).toBe(17_500n);
    const ded = await openDispute(t.ctx, { item: 'DED-000001', reasonCode: 'enrollment_dispute' });
    expect(ded.customer.accountNumber).toBe('D2');
    const r = await resolveDispute(t.ctx, user('ann'), ded.id, {
      resolution: 'credit_memo',
      rootCause: 'member terminated retroactively',
    });
    expect(r.outcome).toBe('resolved');
    expect(r.adjustment).toMatchObject({ kind: 'credit_memo', appliedMinor: 17_500n });
    expect(r.dispute).toMatchObject({
      status: 'resolved',
      approvalId: null,
      resolvedOn: TODAY,
      cycleDays: 0,
    });
    expect(await openOf('DED-000001')).toBe(0n);

    const small = await openDispute(t.ctx, {
      item: 'J-1',
      amount: usd(4_000n),
      reasonCode: 'short_shipment',
    });
    const w = await resolveDispute(t.ctx, user('ann'), small.id, {
      resolution: 'write_off',
      rootCause: 'not worth pursuing',
      reasonCode: 'small_balance',
    });
    expect(w.adjustment).toMatchObject({ kind: 'write_off', openAfterMinor: 36_000n });
    expect(await openOf('J-1')).toBe(36_000n);
  });

  it('records a re-bill and refuses what cannot be', async () => {
    const a = await openDispute(t.ctx, {
      customer: { account: 'D3' },
      amount: usd(5_000n),
      reasonCode: 'wrong_address',
      owner: 'carol',
    });
    expect(
      (await failure(resolveDispute(t.ctx, user('ann'), a.id, { resolution: 'write_off', rootCause: 'x' })))
        .message,
    ).toMatch(/write-off needs the disputed item/);
    const rebilled = await resolveDispute(t.ctx, user('ann'), a.id, {
      resolution: 'rebill',
      rootCause: 'billed the old entity',
      rebillInvoice: 'J-2',
    });
    expect(rebilled.dispute).toMatchObject({ status: 'resolved', resolution: 'rebill', owner: 'carol' });
    expect(rebilled.dispute.notes).toMatch(/rebilled as J-2/);
    expect((await failure(openDispute(t.ctx, { item: 'NOPE', reasonCode: 'x' }))).code).toBe(
      'collections.item_not_found',
    );
    expect((await failure(openDispute(t.ctx, { customer: { account: 'D3' }, reasonCode: 'x' }))).kind).toBe(
      'invalid',
    );
    expect((await failure(openDispute(t.ctx, { item: 'D-1', reasonCode: 'Pricing Dispute!' }))).kind).toBe(
      'invalid',
    );
    const list = await listDisputes(t.database.db, t.ctx.tenantId, {
      status: 'resolved',
      portfolioOf: 'bjones',
    });
    expect(list.map((x) => x.customer.accountNumber).sort()).toEqual(['D3', 'D3']);
  });

  it('counts open disputes in the collections state', async () => {
    await openDispute(t.ctx, { item: 'D-1', amount: usd(1_000n), reasonCode: 'freight' });
    await openDispute(t.ctx, { item: 'D-2', amount: usd(2_000n), reasonCode: 'freight' });
    const state = await findCollectionsState(
      t.database.db,
      t.ctx.tenantId,
      [ids.D1 as string, 'cus_unknown'],
      TODAY,
    );
    expect(state.get(ids.D1 as string)?.openDisputes).toEqual({ count: 2, amounts: [usd(3_000n)] });
    expect(state.get('cus_unknown')).toMatchObject({
      openDisputes: { count: 0 },
      paused: null,
      onHold: false,
    });
  });
});

describe('settlements', () => {
  it('writes off the rest through approval and records a settlement activity linked to it', async () => {
    const r = await settleAccount(t.ctx, user('ann'), {
      customer: { account: 'S1' },
      items: ['S-1', 'S-2'],
      agreedAmount: usd(60_000n),
      note: 'hardship',
      payBy: d('2026-07-15'),
    });
    // 900.00 open, 600.00 agreed: 300.00 to write off is within ann's 500.00 — applied at once.
    expect(r).toMatchObject({ status: 'applied', approvalId: null, writtenOff: usd(30_000n) });
    expect((await openOf('S-1')) + (await openOf('S-2'))).toBe(60_000n);
    expect(r.promiseId).not.toBeNull();
    const [activity] = await listActivities(
      t.database.db,
      t.ctx.tenantId,
      { account: 'S1' },
      { kinds: ['settlement'] },
    );
    expect(activity?.notes).toMatch(/600.00 USD agreed for S-1, S-2; 300.00 USD written off/);

    const big = await settleAccount(t.ctx, user('ann'), {
      customer: { account: 'D1' },
      items: ['D-1'],
      agreedAmount: usd(100_000n),
    });
    expect(big.status).toBe('pending');
    const [linked] = await listActivities(
      t.database.db,
      t.ctx.tenantId,
      { account: 'D1' },
      { kinds: ['settlement'] },
    );
    expect(linked?.relatedId).toBe(big.approvalId);
    expect(linked?.outcomeCode).toBe('pending_approval');
    expect(await openOf('D-1')).toBe(400_000n);
  });

  it('leaves the ledger consistent', async () => {
    expect((await checkLedger(t.ctx)).filter((c) => !c.ok)).toEqual([]);
  });
});
