import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { type Money, money } from '../../core/money.ts';
import { type Principal, permissionsOf, ROLE_APPROVAL_LIMIT_MINOR, type Role } from '../identity/index.ts';
import { checkLedger } from '../integrity/index.ts';
import { createReceivablesService } from '../receivables/index.ts';
import { decideApproval, reinstateWriteOff, requestAdjustment, reverseAdjustment } from './index.ts';

/**
 * Recovery of written-off amounts (reinstatement) and reversal of adjustments, against a real
 * database: W1 owes W-1 1,000.00, W-2 300.00, W-3 500.00, W-4 200.00, W-5 800.00, W-6 600.00.
 */
const TODAY = '2026-06-30' as LocalDate;
const usd = (minor: bigint): Money => money(minor, 'USD');
let t: TestDatabase;
const users: Record<string, Principal> = {};

async function addUser(username: string, role: Role): Promise<void> {
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
  users[username] = {
    tenantId: t.ctx.tenantId,
    userId: id,
    username,
    role,
    permissions: permissionsOf(role),
    portfolioScoped: false,
    approvalLimitMinor: ROLE_APPROVAL_LIMIT_MINOR[role],
    via: 'session',
  };
}
const user = (name: string): Principal => users[name] as Principal;

beforeAll(async () => {
  t = await createTestDatabase({ today: TODAY });
  await importCsv(t.ctx, 'customers', csv(['account_number,name', 'W1,Willow Clinic']));
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,amount',
      'W-1,W1,invoice,2026-04-01,1000.00',
      'W-2,W1,invoice,2026-04-02,300.00',
      'W-3,W1,invoice,2026-04-03,500.00',
      'W-4,W1,invoice,2026-04-04,200.00',
      'W-5,W1,invoice,2026-04-05,800.00',
      'W-6,W1,invoice,2026-04-06,600.00',
    ]),
  );
  await addUser('ann', 'analyst'); // limit 500.00
  await addUser('mia', 'manager');
  await addUser('max', 'manager');
  await addUser('aud', 'auditor');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

async function item(
  number: string,
): Promise<{ id: string; open: bigint; customerId: string; entityId: string }> {
  const r = await t.database.db
    .selectFrom('items')
    .select(['id', 'open_minor', 'customer_id', 'entity_id'])
    .where('number', '=', number)
    .executeTakeFirstOrThrow();
  return { id: r.id, open: r.open_minor, customerId: r.customer_id, entityId: r.entity_id };
}

async function entryLines(entryId: string) {
  return (
    await sql<{ role: string; amount: bigint; item: string | null }>`
      select a.role, l.amount_minor as amount, i.number as item from journal_lines l
      join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id
      left join items i on i.tenant_id = l.tenant_id and i.id = l.item_id
      where l.entry_id = ${entryId} order by l.line_no`.execute(t.database.db)
  ).rows.map((r) => [r.role, r.amount, r.item]);
}

async function allowanceBalance(): Promise<bigint> {
  const r = await sql<{ b: bigint }>`
    select coalesce(sum(l.amount_minor), 0)::bigint as b from journal_lines l
    join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id
    where a.role = 'allowance'`.execute(t.database.db);
  return r.rows[0]?.b ?? 0n;
}

async function expectCheckPasses(): Promise<void> {
  const results = await checkLedger(t.ctx);
  expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.failures.join('; ')}`)).toEqual([]);
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

async function writeOff(number: string, as: string, amount?: bigint): Promise<string> {
  const outcome = await requestAdjustment(t.ctx, user(as), {
    kind: 'write_off',
    itemId: (await item(number)).id,
    reasonCode: 'bad_debt',
    ...(amount !== undefined ? { amount: usd(amount) } : {}),
  });
  if (outcome.status !== 'applied') throw new Error('expected the write-off to apply at once');
  const entryId = outcome.result.entryIds[0];
  if (!entryId) throw new Error('no entry');
  return entryId;
}

/** Cash received and applied to the item, as cash application does. */
async function pay(number: string, amountMinor: bigint): Promise<string> {
  const i = await item(number);
  const receivables = createReceivablesService(t.ctx);
  const receiptId = newId('receipt');
  await receivables.postReceipts(t.database.db, [
    {
      id: receiptId,
      reference: `PAY-${number}-${amountMinor}`,
      entityId: i.entityId,
      currency: 'USD' as never,
      receiptDate: TODAY,
      amountMinor,
      payerName: 'WILLOW CLINIC',
      payerAccount: null,
      method: 'ach',
      memo: null,
      remittanceText: null,
      customerId: i.customerId,
      source: 'bank',
      importId: null,
    },
  ]);
  const r = await receivables.applyBatches(t.database.db, [
    {
      entityId: i.entityId,
      currency: 'USD' as never,
      appliedDate: TODAY,
      receiptId,
      status: 'manual',
      rows: [{ kind: 'invoice', amountMinor, itemId: i.id, customerId: i.customerId }],
    },
  ]);
  return r.entryIds[0] as string;
}

describe('recovery of a written-off amount', () => {
  it('reopens the item by up to what it wrote off (Dr AR, Cr allowance), and cash then applies as usual', async () => {
    await writeOff('W-1', 'mia');
    expect((await item('W-1')).open).toBe(0n);
    expect(await allowanceBalance()).toBe(100_000n);

    const r = await reinstateWriteOff(t.ctx, user('ann'), {
      itemId: (await item('W-1')).id,
      amount: usd(40_000n),
      reason: 'customer paid after bankruptcy discharge',
    });
    expect(r).toMatchObject({ itemNumber: 'W-1', openAfterMinor: 40_000n, writtenOffAfterMinor: 60_000n });
    expect((await item('W-1')).open).toBe(40_000n);
    expect(await entryLines(r.entryId)).toEqual([
      ['ar_control', 40_000n, 'W-1'],
      ['allowance', -40_000n, null],
    ]);
    expect(await allowanceBalance()).toBe(60_000n);

    // The receipt is then applied as any other, and the books still tie out.
    await pay('W-1', 40_000n);
    expect((await item('W-1')).open).toBe(0n);
    await expectCheckPasses();

    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor', 'after'])
      .where('object_id', '=', (await item('W-1')).id)
      .where('action', '=', 'item.reinstated')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toBe('ann');
    expect(JSON.stringify(audit[0]?.after)).toContain('customer paid after bankruptcy discharge');
  });

  it('defaults to all that is still written off, and refuses more than that', async () => {
    const id = (await item('W-1')).id;
    const over = await refusal(
      reinstateWriteOff(t.ctx, user('ann'), { itemId: id, amount: usd(60_001n), reason: 'more' }),
    );
    expect(over.code).toBe('receivables.exceeds_written_off');
    expect(over.kind).toBe('conflict');
    expect(over.message).toContain('has 600.00 written off; cannot reinstate 600.01');

    const r = await reinstateWriteOff(t.ctx, user('ann'), { itemId: id, reason: 'the rest' });
    expect(r.amount.amountMinor).toBe(60_000n);
    expect((await item('W-1')).open).toBe(60_000n);
    const again = await refusal(reinstateWriteOff(t.ctx, user('ann'), { itemId: id, reason: 'again' }));
    expect(again.code).toBe('receivables.exceeds_written_off');
    expect(again.message).toContain('nothing written off');
    await expectCheckPasses();
  });

  it('refuses an item never written off, an auditor, and a missing reason, changing nothing', async () => {
    const w2 = await item('W-2');
    expect((await refusal(reinstateWriteOff(t.ctx, user('ann'), { itemId: w2.id, reason: 'x' }))).code).toBe(
      'receivables.exceeds_written_off',
    );
    expect((await refusal(reinstateWriteOff(t.ctx, user('aud'), { itemId: w2.id, reason: 'x' }))).code).toBe(
      'approvals.not_permitted',
    );
    expect((await refusal(reinstateWriteOff(t.ctx, user('ann'), { itemId: w2.id, reason: '  ' }))).code).toBe(
      'approvals.invalid_request',
    );
    expect((await item('W-2')).open).toBe(30_000n);
  });
});

describe('reversal of an adjustment', () => {
  it('reverses a write-off by reversing its entry, reopening the item, once', async () => {
    const entryId = await writeOff('W-3', 'ann', 25_000n);
    expect((await item('W-3')).open).toBe(25_000n);
    const r = await reverseAdjustment(t.ctx, user('ann'), { id: entryId, reason: 'written off by mistake' });
    expect(r.items).toEqual([
      expect.objectContaining({ itemNumber: 'W-3', openBeforeMinor: 25_000n, openAfterMinor: 50_000n }),
    ]);
    expect((await item('W-3')).open).toBe(50_000n);
    const reversal = await t.database.db
      .selectFrom('journal_entries')
      .select(['id', 'reversal_of', 'description'])
      .where('reversal_of', '=', entryId)
      .executeTakeFirstOrThrow();
    expect(reversal.id).toBe(r.reversalEntryId);
    expect(reversal.description).toContain('written off by mistake');
    expect(await entryLines(r.reversalEntryId)).toEqual([
      ['ar_control', 25_000n, 'W-3'],
      ['allowance', -25_000n, null],
    ]);
    await expectCheckPasses();

    const again = await refusal(reverseAdjustment(t.ctx, user('ann'), { id: entryId, reason: 'again' }));
    expect(again.code).toBe('approvals.already_reversed');
    expect(again.kind).toBe('conflict');
    expect(again.message).toContain(`already reversed by ${r.reversalEntryId}`);
    expect((await item('W-3')).open).toBe(50_000n);

    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['actor', 'after'])
      .where('action', '=', 'adjustment.reversed')
      .where('object_id', '=', entryId)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]?.after)).toContain('written off by mistake');
  });

  it('reverses an approved settlement named by its request, reopening every item it wrote off', async () => {
    const w4 = await item('W-4');
    const w5 = await item('W-5');
    const outcome = await requestAdjustment(t.ctx, user('ann'), {
      kind: 'settlement',
      customerId: w4.customerId,
      itemIds: [w4.id, w5.id],
      agreedAmount: usd(40_000n),
    });
    expect(outcome.status).toBe('pending'); // 600.00 written off, above the analyst's 500.00
    const approvalId = outcome.approvalId as string;
    await decideApproval(t.ctx, user('mia'), approvalId, 'approve');
    expect((await item('W-4')).open + (await item('W-5')).open).toBe(40_000n);

    const r = await reverseAdjustment(t.ctx, user('max'), {
      id: approvalId,
      reason: 'settlement fell through',
    });
    expect(r.approvalId).toBe(approvalId);
    expect((await item('W-4')).open).toBe(20_000n);
    expect((await item('W-5')).open).toBe(80_000n);
    await expectCheckPasses();
    expect(
      (await refusal(reverseAdjustment(t.ctx, user('max'), { id: approvalId, reason: 'again' }))).code,
    ).toBe('approvals.already_reversed');
  });

  it('refuses to reverse a write-off whose amount was recovered since, and a reinstatement paid since', async () => {
    const entryId = await writeOff('W-6', 'mia');
    const reinstated = await reinstateWriteOff(t.ctx, user('ann'), {
      itemId: (await item('W-6')).id,
      reason: 'agency found them',
    });
    await pay('W-6', 60_000n);
    const allowance = await allowanceBalance();

    const recovered = await refusal(reverseAdjustment(t.ctx, user('mia'), { id: entryId, reason: 'oops' }));
    expect(recovered.code).toBe('approvals.items_changed');
    expect(recovered.kind).toBe('conflict');
    expect(recovered.message).toContain('W-6 has had 600.00 of this write-off recovered since');

    const paid = await refusal(
      reverseAdjustment(t.ctx, user('mia'), { id: reinstated.entryId, reason: 'oops' }),
    );
    expect(paid.code).toBe('approvals.items_changed');
    expect(paid.message).toContain('W-6 has been paid or credited since');

    expect((await item('W-6')).open).toBe(0n);
    expect(await allowanceBalance()).toBe(allowance);
    await expectCheckPasses();
  });

  it('reverses a reinstatement not yet paid, writing the amount off again', async () => {
    const w2 = await item('W-2');
    await writeOff('W-2', 'ann');
    const r = await reinstateWriteOff(t.ctx, user('ann'), {
      itemId: w2.id,
      amount: usd(10_000n),
      reason: 'promised',
    });
    expect((await item('W-2')).open).toBe(10_000n);
    await reverseAdjustment(t.ctx, user('ann'), { id: r.entryId, reason: 'promise broken' });
    expect((await item('W-2')).open).toBe(0n);
    await expectCheckPasses();
  });

  it('refuses what is not an adjustment: a receipt’s application, an unknown entry', async () => {
    const entryId = await pay('W-3', 10_000n);
    const e = await refusal(reverseAdjustment(t.ctx, user('ann'), { id: entryId, reason: 'x' }));
    expect(e.code).toBe('approvals.not_reversible');
    expect(e.message).toContain('cash unapply');
    expect((await refusal(reverseAdjustment(t.ctx, user('ann'), { id: 'je_nope', reason: 'x' }))).code).toBe(
      'approvals.entry_not_found',
    );
    expect((await item('W-3')).open).toBe(40_000n);
  });
});
