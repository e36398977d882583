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
import {
  type AdjustmentInput,
  cancelApproval,
  decideApproval,
  getApproval,
  listApprovals,
  requestAdjustment,
} from './index.ts';

const TODAY = '2026-06-30' as LocalDate;
const usd = (minor: bigint): Money => money(minor, 'USD');

let t: TestDatabase;
const users: Record<string, Principal> = {};

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
const user = (name: string): Principal => {
  const p = users[name];
  if (!p) throw new Error(`no user ${name}`);
  return p;
};

beforeAll(async () => {
  t = await createTestDatabase({ today: TODAY });
  await importCsv(
    t.ctx,
    'customers',
    csv([
      'account_number,name',
      'W1,Willow Clinic',
      'C1,Cedar Labs',
      'R1,Rowan Health',
      'S1,Spruce Imaging',
      'P1,Poplar Partners',
      'Q1,Quince Dental',
    ]),
  );
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,amount',
      'W-1,W1,invoice,2026-04-01,1000.00',
      'W-2,W1,invoice,2026-04-02,300.00',
      'C-1,C1,invoice,2026-04-03,2000.00',
      'S-1,S1,invoice,2026-04-04,600.00',
      'S-2,S1,invoice,2026-04-05,300.00',
      'S-3,S1,invoice,2026-04-06,100.00',
      'P-1,P1,invoice,2026-04-07,10000.00',
      'P-2,P1,invoice,2026-04-08,20000.00',
      'P-3,P1,invoice,2026-04-09,8000.00',
      'P-4,P1,invoice,2026-04-10,9000.00',
      'P-5,P1,invoice,2026-04-11,7000.00',
      'Q-1,Q1,invoice,2026-04-12,4000.00',
      'Q-2,Q1,invoice,2026-04-13,4000.00',
      'Q-CM,Q1,credit_memo,2026-04-14,10.00',
    ]),
  );
  const entity = await t.database.db.selectFrom('entities').select('id').executeTakeFirstOrThrow();
  await createReceivablesService(t.ctx).postReceipts(t.database.db, [
    {
      id: 'rct_r1',
      reference: 'R1-PAY',
      entityId: entity.id,
      currency: 'USD' as never,
      receiptDate: '2026-06-01' as LocalDate,
      amountMinor: 100000n,
      payerName: 'ROWAN HEALTH',
      payerAccount: null,
      method: 'ach',
      memo: null,
      remittanceText: null,
      customerId: await customerId('R1'),
      source: 'bank',
      importId: null,
    },
  ]);
  await addUser('ann', 'analyst'); // limit 500.00
  await addUser('abe', 'analyst');
  await addUser('cas', 'cash_applier'); // limit 100.00
  await addUser('acc', 'accountant'); // limit 5,000.00, may decide
  await addUser('mia', 'manager'); // limit 50,000.00, may decide
  await addUser('max', 'manager');
  await addUser('aud', 'auditor');
});

afterAll(async () => {
  await t?.close();
});

async function customerId(accountNumber: string): Promise<string> {
  const r = await t.database.db
    .selectFrom('customers')
    .select('id')
    .where('account_number', '=', accountNumber)
    .executeTakeFirstOrThrow();
  return r.id;
}

async function item(number: string): Promise<{ id: string; open: bigint }> {
  const r = await t.database.db
    .selectFrom('items')
    .select(['id', 'open_minor'])
    .where('number', '=', number)
    .executeTakeFirstOrThrow();
  return { id: r.id, open: r.open_minor };
}

/** Everything that moves money: entries, lines, application rows, items and their open amounts. */
async function ledgerState() {
  const r = await sql<{
    entries: bigint;
    lines: bigint;
    applications: bigint;
    items: bigint;
    open: bigint;
    unapplied: bigint;
  }>`
    select (select count(*) from journal_entries)::bigint as entries,
      (select count(*) from journal_lines)::bigint as lines,
      (select count(*) from applications)::bigint as applications,
      (select count(*) from items)::bigint as items,
      (select coalesce(sum(open_minor), 0) from items)::bigint as open,
      (select coalesce(sum(unapplied_minor), 0) from receipts)::bigint as unapplied`.execute(t.database.db);
  return r.rows[0];
}

/** The GL roles an entry's lines post to, with their amounts (debit positive). */
async function entryLines(entryId: string) {
  return (
    await sql<{ role: string; amount: bigint; item: string | null }>`
      select a.role, l.amount_minor as amount, i.number as item from journal_lines l
      join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id
      left join items i on i.tenant_id = l.tenant_id and i.id = l.item_id
      where l.entry_id = ${entryId} order by l.line_no`.execute(t.database.db)
  ).rows.map((r) => [r.role, r.amount, r.item]);
}

async function expectCheckPasses(): Promise<void> {
  const results = await checkLedger(t.ctx);
  expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.failures.join('; ')}`)).toEqual([]);
  expect(results.length).toBeGreaterThan(5);
}

async function auditActions(objectId: string): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('audit_log')
    .select('action')
    .where('object_id', '=', objectId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.action);
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; kind: string }> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  const a = e as AppError;
  return { code: a.code, kind: a.kind };
}

describe('within the requester’s limit the adjustment posts at once', () => {
  it('write-off: Dr allowance / Cr AR on the item, as application rows; audited', async () => {
    const w1 = await item('W-1');
    const r = await requestAdjustment(t.ctx, user('ann'), {
      kind: 'write_off',
      itemId: w1.id,
      amount: usd(20000n),
      reasonCode: 'small_balance',
      note: 'agreed with the customer',
    });
    expect(r.status).toBe('applied');
    if (r.status !== 'applied' || r.result.kind !== 'write_off') throw new Error('not applied');
    expect(r.approvalId).toBeNull();
    expect(r.result).toMatchObject({ itemNumber: 'W-1', amount: usd(20000n), openAfterMinor: 80000n });
    expect((await item('W-1')).open).toBe(80000n);
    const [entryId] = r.result.entryIds;
    expect(await entryLines(entryId ?? '')).toEqual([
      ['ar_control', -20000n, 'W-1'],
      ['allowance', 20000n, null],
    ]);
    const apps = await t.database.db
      .selectFrom('applications')
      .select(['kind', 'amount_minor', 'reason_code', 'receipt_id', 'created_by'])
      .where('id', 'in', [...r.result.applicationIds])
      .orderBy('id')
      .execute();
    expect(apps).toEqual([
      { kind: 'invoice', amount_minor: 20000n, reason_code: null, receipt_id: null, created_by: 'ann' },
      {
        kind: 'write_off',
        amount_minor: -20000n,
        reason_code: 'small_balance',
        receipt_id: null,
        created_by: 'ann',
      },
    ]);
    expect(await auditActions(w1.id)).toContain('adjustment.write_off');
    // Applied at once: no approval request is kept.
    expect(await listApprovals(t.ctx)).toEqual([]);
    await expectCheckPasses();
  });

  it('write-off without an amount takes the whole open amount', async () => {
    const w2 = await item('W-2');
    const r = await requestAdjustment(t.ctx, user('ann'), {
      kind: 'write_off',
      itemId: w2.id,
      reasonCode: 'bad_debt',
    });
    expect(r.status === 'applied' && r.result).toMatchObject({ amount: usd(30000n), openAfterMinor: 0n });
    expect((await item('W-2')).open).toBe(0n);
    await expectCheckPasses();
  });

  it('credit memo against an invoice: Dr revenue / Cr AR, netted against the invoice at once', async () => {
    const c1 = await item('C-1');
    const r = await requestAdjustment(t.ctx, user('ann'), {
      kind: 'credit_memo',
      customerId: await customerId('C1'),
      amount: usd(15000n),
      reason: 'pricing error on C-1',
      invoiceId: c1.id,
    });
    if (r.status !== 'applied' || r.result.kind !== 'credit_memo') throw new Error('not applied');
    expect(r.result).toMatchObject({
      itemNumber: 'CM-000001',
      amount: usd(15000n),
      invoiceId: c1.id,
      appliedMinor: 15000n,
      openAfterMinor: 0n,
    });
    expect((await item('C-1')).open).toBe(185000n);
    const memo = await t.database.db
      .selectFrom('items')
      .select(['type', 'amount_minor', 'open_minor', 'description'])
      .where('id', '=', r.result.itemId)
      .executeTakeFirstOrThrow();
    expect(memo).toEqual({
      type: 'credit_memo',
      amount_minor: -15000n,
      open_minor: 0n,
      description: 'pricing error on C-1',
    });
    const [issue, netting] = r.result.entryIds;
    expect(await entryLines(issue ?? '')).toEqual([
      ['ar_control', -15000n, 'CM-000001'],
      ['revenue', 15000n, null],
    ]);
    expect(await entryLines(netting ?? '')).toEqual([
      ['ar_control', -15000n, 'C-1'],
      ['ar_control', 15000n, 'CM-000001'],
    ]);
    await expectCheckPasses();
  });

  it('credit memo without an invoice stays an open credit; a credit larger than the invoice keeps the rest', async () => {
    const open = await requestAdjustment(t.ctx, user('ann'), {
      kind: 'credit_memo',
      customerId: await customerId('C1'),
      amount: usd(5000n),
      reason: 'goodwill',
      documentNumber: 'CM-GOODWILL-1',
    });
    expect(open.status === 'applied' && open.result).toMatchObject({
      itemNumber: 'CM-GOODWILL-1',
      appliedMinor: 0n,
      openAfterMinor: -5000n,
    });
    await expectCheckPasses();
    // A number already used is refused, nothing posted.
    const before = await ledgerState();
    expect(
      await refusal(
        requestAdjustment(t.ctx, user('ann'), {
          kind: 'credit_memo',
          customerId: await customerId('C1'),
          amount: usd(100n),
          reason: 'again',
          documentNumber: 'CM-GOODWILL-1',
        }),
      ),
    ).toEqual({ code: 'approvals.number_taken', kind: 'conflict' });
    expect(await ledgerState()).toEqual(before);
  });

  it('refund: Dr unapplied cash / Cr cash on the receipt, as the workbench posts it', async () => {
    const r = await requestAdjustment(t.ctx, user('cas'), {
      kind: 'refund',
      receiptId: 'rct_r1',
      amount: usd(8000n),
      note: 'overpaid',
    });
    if (r.status !== 'applied' || r.result.kind !== 'refund') throw new Error('not applied');
    expect(r.result).toMatchObject({ reference: 'R1-PAY', unappliedAfterMinor: 92000n });
    expect(await entryLines(r.result.entryIds[0] ?? '')).toEqual([
      ['unapplied_cash', 8000n, null],
      ['cash', -8000n, null],
    ]);
    expect(await auditActions('rct_r1')).toContain('adjustment.refund');
    await expectCheckPasses();
  });

  it('settlement: the remainder is written off over the items by largest remainder; they stay open for the agreed amount', async () => {
    const ids = await Promise.all(['S-1', 'S-2', 'S-3'].map(async (n) => (await item(n)).id));
    const r = await requestAdjustment(t.ctx, user('ann'), {
      kind: 'settlement',
      customerId: await customerId('S1'),
      itemIds: ids,
      agreedAmount: usd(70001n),
    });
    if (r.status !== 'applied' || r.result.kind !== 'settlement') throw new Error('not applied');
    // Open 1,000.00, agreed 700.01: 299.99 written off as 179.99 / 90.00 / 30.00.
    expect(r.result.writtenOff).toEqual(usd(29999n));
    expect(r.result.items.map((i) => [i.itemNumber, i.writtenOffMinor, i.openAfterMinor])).toEqual([
      ['S-1', 17999n, 42001n],
      ['S-2', 9000n, 21000n],
      ['S-3', 3000n, 7000n],
    ]);
    expect([(await item('S-1')).open, (await item('S-2')).open, (await item('S-3')).open]).toEqual([
      42001n,
      21000n,
      7000n,
    ]);
    expect(await entryLines(r.result.entryIds[0] ?? '')).toEqual([
      ['ar_control', -17999n, 'S-1'],
      ['allowance', 17999n, null],
      ['ar_control', -9000n, 'S-2'],
      ['allowance', 9000n, null],
      ['ar_control', -3000n, 'S-3'],
      ['allowance', 3000n, null],
    ]);
    await expectCheckPasses();
  });

  it('refuses bad requests before anything is posted', async () => {
    const before = await ledgerState();
    const w1 = await item('W-1');
    expect(
      await refusal(
        requestAdjustment(t.ctx, user('ann'), {
          kind: 'write_off',
          itemId: w1.id,
          amount: usd(80001n),
          reasonCode: 'x',
        }),
      ),
    ).toEqual({ code: 'approvals.exceeds_open', kind: 'conflict' });
    expect(
      await refusal(
        requestAdjustment(t.ctx, user('ann'), { kind: 'write_off', itemId: 'itm_nope', reasonCode: 'x' }),
      ),
    ).toEqual({ code: 'approvals.item_not_found', kind: 'not_found' });
    expect(
      await refusal(
        requestAdjustment(t.ctx, user('ann'), { kind: 'write_off', itemId: w1.id, reasonCode: ' ' }),
      ),
    ).toEqual({ code: 'approvals.invalid_request', kind: 'invalid' });
    expect(
      await refusal(
        requestAdjustment(t.ctx, user('aud'), { kind: 'write_off', itemId: w1.id, reasonCode: 'x' }),
      ),
    ).toEqual({ code: 'approvals.not_permitted', kind: 'forbidden' });
    expect(
      await refusal(
        requestAdjustment(t.ctx, user('cas'), { kind: 'refund', receiptId: 'rct_r1', amount: usd(92001n) }),
      ),
    ).toEqual({ code: 'approvals.exceeds_open', kind: 'conflict' });
    const q1 = await item('Q-1');
    expect(
      await refusal(
        requestAdjustment(t.ctx, user('ann'), {
          kind: 'settlement',
          customerId: await customerId('S1'),
          itemIds: [q1.id],
          agreedAmount: usd(0n),
        }),
      ),
    ).toEqual({ code: 'approvals.invalid_request', kind: 'invalid' });
    expect(await ledgerState()).toEqual(before);
  });
});

describe('above the limit the adjustment waits for another user', () => {
  let pendingId = '';

  it('becomes a pending request, audited, with nothing posted', async () => {
    const p1 = await item('P-1');
    const before = await ledgerState();
    const r = await requestAdjustment(t.ctx, user('acc'), {
      kind: 'write_off',
      itemId: p1.id,
      amount: usd(600000n),
      reasonCode: 'bankruptcy',
    });
    expect(r.status).toBe('pending');
    if (r.status !== 'pending') throw new Error('not pending');
    pendingId = r.approvalId;
    expect(await ledgerState()).toEqual(before);
    expect((await item('P-1')).open).toBe(1000000n);
    const view = await getApproval(t.ctx, pendingId);
    expect(view).toMatchObject({
      id: pendingId,
      kind: 'write_off',
      status: 'pending',
      amount: usd(600000n),
      subjectId: p1.id,
      customerId: await customerId('P1'),
      reason: 'bankruptcy',
      requestedBy: user('acc').userId,
      decidedBy: null,
      result: null,
      adjustment: {
        kind: 'write_off',
        itemId: p1.id,
        amount: usd(600000n),
        reasonCode: 'bankruptcy',
        note: null,
      },
    });
    expect(await auditActions(pendingId)).toEqual(['approval.requested']);
  });

  it('the requester cannot approve their own request, even with authority (segregation of duties)', async () => {
    expect(await refusal(decideApproval(t.ctx, user('acc'), pendingId, 'approve'))).toEqual({
      code: 'approvals.self_approval',
      kind: 'forbidden',
    });
    expect(await refusal(decideApproval(t.ctx, user('acc'), pendingId, 'reject'))).toEqual({
      code: 'approvals.self_approval',
      kind: 'forbidden',
    });
  });

  it('a user without approvals:decide, or whose limit is below the amount, is refused', async () => {
    expect(await refusal(decideApproval(t.ctx, user('ann'), pendingId, 'approve'))).toEqual({
      code: 'approvals.not_permitted',
      kind: 'forbidden',
    });
    expect(await refusal(decideApproval(t.ctx, user('aud'), pendingId, 'approve'))).toEqual({
      code: 'approvals.not_permitted',
      kind: 'forbidden',
    });
    const acc2 = await addUser('ava', 'accountant'); // limit 5,000.00 < 6,000.00
    expect(await refusal(decideApproval(t.ctx, acc2, pendingId, 'approve'))).toEqual({
      code: 'approvals.over_limit',
      kind: 'forbidden',
    });
    expect((await getApproval(t.ctx, pendingId)).status).toBe('pending');
  });

  it('another user with authority approves: the write-off posts exactly once', async () => {
    const before = await ledgerState();
    const view = await decideApproval(t.ctx, user('mia'), pendingId, 'approve', 'documented in the file');
    expect(view).toMatchObject({
      status: 'approved',
      decidedBy: user('mia').userId,
      decisionNote: 'documented in the file',
      result: { kind: 'write_off', itemNumber: 'P-1', openAfterMinor: 400000n },
    });
    expect(view.decidedAt).not.toBeNull();
    expect((await item('P-1')).open).toBe(400000n);
    const after = await ledgerState();
    expect(after?.entries).toBe((before?.entries ?? 0n) + 1n);
    expect(after?.applications).toBe((before?.applications ?? 0n) + 2n);
    const createdBy = await t.database.db
      .selectFrom('applications')
      .select('created_by')
      .where('id', 'in', view.result?.applicationIds ?? [])
      .execute();
    expect(createdBy.map((r) => r.created_by)).toEqual(['mia', 'mia']);
    expect(await auditActions(pendingId)).toEqual(['approval.requested', 'approval.approved']);
    expect(await auditActions((await item('P-1')).id)).toContain('adjustment.write_off');
    await expectCheckPasses();

    expect(await refusal(decideApproval(t.ctx, user('max'), pendingId, 'approve'))).toEqual({
      code: 'approvals.not_pending',
      kind: 'conflict',
    });
    expect(await ledgerState()).toEqual(after);
  });

  it('a rejection posts nothing, and a rejected request cannot be approved later', async () => {
    const p2 = await item('P-2');
    const r = await requestAdjustment(t.ctx, user('ann'), {
      kind: 'credit_memo',
      customerId: await customerId('P1'),
      amount: usd(100000n),
      reason: 'service credit',
      invoiceId: p2.id,
    });
    if (r.status !== 'pending') throw new Error('not pending');
    const before = await ledgerState();
    const view = await decideApproval(t.ctx, user('acc'), r.approvalId, 'reject', 'no evidence');
    expect(view).toMatchObject({ status: 'rejected', decidedBy: user('acc').userId, result: null });
    expect(await ledgerState()).toEqual(before);
    expect(await refusal(decideApproval(t.ctx, user('mia'), r.approvalId, 'approve'))).toEqual({
      code: 'approvals.not_pending',
      kind: 'conflict',
    });
    expect(await ledgerState()).toEqual(before);
    expect(await auditActions(r.approvalId)).toEqual(['approval.requested', 'approval.rejected']);
  });

  it('each kind above the limit posts on approval and the check passes', async () => {
    const p3 = await item('P-3');
    const inputs: [string, AdjustmentInput][] = [
      [
        'ann',
        {
          kind: 'credit_memo',
          customerId: await customerId('P1'),
          amount: usd(60000n),
          reason: 'returns',
          invoiceId: p3.id,
        },
      ],
      ['cas', { kind: 'refund', receiptId: 'rct_r1', amount: usd(20000n) }],
      [
        'ann',
        {
          kind: 'settlement',
          customerId: await customerId('P1'),
          itemIds: [(await item('P-4')).id, (await item('P-5')).id],
          agreedAmount: usd(1500000n),
        },
      ],
    ];
    for (const [who, input] of inputs) {
      const before = await ledgerState();
      const r = await requestAdjustment(t.ctx, user(who), input);
      if (r.status !== 'pending') throw new Error(`${input.kind} not pending`);
      expect(await ledgerState()).toEqual(before);
      const view = await decideApproval(t.ctx, user('acc'), r.approvalId, 'approve');
      expect(view.status).toBe('approved');
      expect(view.result?.kind).toBe(input.kind);
      await expectCheckPasses();
    }
    expect((await item('P-3')).open).toBe(740000n);
    expect([(await item('P-4')).open, (await item('P-5')).open]).toEqual([843750n, 656250n]);
    const receipt = await t.database.db
      .selectFrom('receipts')
      .select('unapplied_minor')
      .where('id', '=', 'rct_r1')
      .executeTakeFirstOrThrow();
    expect(receipt.unapplied_minor).toBe(72000n);
  });

  it('an approval that no longer fits fails with nothing written, and the request stays pending', async () => {
    const q1 = await item('Q-1');
    const r = await requestAdjustment(t.ctx, user('ann'), {
      kind: 'write_off',
      itemId: q1.id,
      reasonCode: 'bad_debt',
    });
    if (r.status !== 'pending') throw new Error('not pending');
    // Meanwhile 10.00 of Q-1 is settled by the customer's credit memo.
    const credit = await item('Q-CM');
    const entity = await t.database.db.selectFrom('entities').select('id').executeTakeFirstOrThrow();
    await createReceivablesService(t.ctx).applyBatches(t.database.db, [
      {
        entityId: entity.id,
        currency: 'USD' as never,
        appliedDate: TODAY,
        receiptId: null,
        status: 'manual',
        rows: [
          { kind: 'invoice', amountMinor: 1000n, itemId: q1.id, customerId: await customerId('Q1') },
          { kind: 'credit_memo', amountMinor: -1000n, itemId: credit.id, customerId: await customerId('Q1') },
        ],
      },
    ]);
    const before = await ledgerState();
    expect(await refusal(decideApproval(t.ctx, user('mia'), r.approvalId, 'approve'))).toEqual({
      code: 'approvals.exceeds_open',
      kind: 'conflict',
    });
    expect(await ledgerState()).toEqual(before);
    expect((await getApproval(t.ctx, r.approvalId)).status).toBe('pending');

    // A settlement whose items changed since is refused as stale rather than writing off another amount.
    const q2 = await item('Q-2');
    const s = await requestAdjustment(t.ctx, user('ann'), {
      kind: 'settlement',
      customerId: await customerId('Q1'),
      itemIds: [q2.id],
      agreedAmount: usd(100000n),
    });
    if (s.status !== 'pending') throw new Error('not pending');
    await requestAdjustment(t.ctx, user('ann'), {
      kind: 'write_off',
      itemId: q2.id,
      amount: usd(100n),
      reasonCode: 'x',
    });
    const mid = await ledgerState();
    expect(await refusal(decideApproval(t.ctx, user('mia'), s.approvalId, 'approve'))).toEqual({
      code: 'approvals.stale_request',
      kind: 'conflict',
    });
    expect(await ledgerState()).toEqual(mid);
    await expectCheckPasses();
  });

  it('only the requester cancels, only while pending', async () => {
    const pending = await listApprovals(t.ctx, { status: 'pending' });
    const mine = pending.find((a) => a.requestedBy === user('ann').userId);
    if (!mine) throw new Error('no pending request of ann');
    expect(await refusal(cancelApproval(t.ctx, user('mia'), mine.id))).toEqual({
      code: 'approvals.not_requester',
      kind: 'forbidden',
    });
    const view = await cancelApproval(t.ctx, user('ann'), mine.id);
    expect(view).toMatchObject({ status: 'cancelled', decidedBy: user('ann').userId });
    expect(await refusal(cancelApproval(t.ctx, user('ann'), mine.id))).toEqual({
      code: 'approvals.not_pending',
      kind: 'conflict',
    });
    expect(await refusal(decideApproval(t.ctx, user('mia'), mine.id, 'approve'))).toEqual({
      code: 'approvals.not_pending',
      kind: 'conflict',
    });
    expect(await auditActions(mine.id)).toEqual(['approval.requested', 'approval.cancelled']);
  });

  it('lists by status, a page at a time', async () => {
    const all = await listApprovals(t.ctx);
    expect(all.length).toBeGreaterThanOrEqual(7);
    expect(all.map((a) => a.id)).toEqual([...all.map((a) => a.id)].sort());
    const page1 = await listApprovals(t.ctx, { limit: 2 });
    const page2 = await listApprovals(t.ctx, { limit: 2, after: page1.at(-1)?.id ?? '' });
    expect([...page1, ...page2].map((a) => a.id)).toEqual(all.slice(0, 4).map((a) => a.id));
    const approved = await listApprovals(t.ctx, { status: 'approved' });
    expect(approved.every((a) => a.status === 'approved' && a.result !== null)).toBe(true);
    expect(approved.length).toBe(4);
    expect(await refusal(getApproval(t.ctx, 'apr_missing'))).toEqual({
      code: 'approvals.not_found',
      kind: 'not_found',
    });
    expect(await refusal(listApprovals(t.ctx, { limit: 0 }))).toEqual({
      code: 'approvals.invalid_request',
      kind: 'invalid',
    });
  });
});

describe('two approvers at once', () => {
  // PGlite has one connection and one transaction at a time; concurrency is a server matter.
  it.runIf(process.env.ARBOR_TEST_DATABASE_URL)(
    'post the adjustment once: the second finds it approved',
    async () => {
      const p5 = await item('P-5');
      const r = await requestAdjustment(t.ctx, user('ann'), {
        kind: 'write_off',
        itemId: p5.id,
        amount: usd(60000n),
        reasonCode: 'bad_debt',
      });
      if (r.status !== 'pending') throw new Error('not pending');
      const before = await ledgerState();
      const outcomes = await Promise.allSettled([
        decideApproval(t.ctx, user('mia'), r.approvalId, 'approve'),
        decideApproval(t.ctx, user('max'), r.approvalId, 'approve'),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const failed = outcomes.find((o) => o.status === 'rejected');
      expect(failed?.status === 'rejected' && (failed.reason as AppError).code).toBe('approvals.not_pending');
      const after = await ledgerState();
      expect(after?.entries).toBe((before?.entries ?? 0n) + 1n);
      expect(after?.applications).toBe((before?.applications ?? 0n) + 2n);
      expect((await item('P-5')).open).toBe(656250n - 60000n);
      await expectCheckPasses();
    },
  );
});
