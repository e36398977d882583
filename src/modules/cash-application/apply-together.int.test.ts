import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csv, importCsv } from '../../../test/support/import-text.ts';
import { receiptDraft } from '../../../test/support/receipt-draft.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { Executor } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { DeferredAudit, flushDeferredAudit, verifyAuditChain, withAuditContext } from '../audit/index.ts';
import { checkLedger } from '../integrity/index.ts';
import { createReceivablesService } from '../receivables/index.ts';
import {
  applyManually,
  applyManuallyTogether,
  type ManualRow,
  type TogetherRequest,
  type WorkbenchResult,
} from './workbench.ts';

// ADR 0017: many manual applications in one transaction, each checked against what the ones before
// it left, each with its own audit row; what the batch does not take is left (null) for applyManually.

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ today: '2026-06-30' as LocalDate });
  await importCsv(
    t.ctx,
    'customers',
    csv(['account_number,name', 'A1,Alder Medical Group', 'B1,Birch Dental Partners']),
  );
  await importCsv(
    t.ctx,
    'invoices',
    csv([
      'invoice_number,account_number,type,issue_date,amount',
      'A-1,A1,invoice,2026-05-01,100.00',
      'A-2,A1,invoice,2026-05-02,100.00',
      'A-3,A1,invoice,2026-05-03,100.00',
      'B-1,B1,invoice,2026-05-04,50.00',
      'B-2,B1,credit_memo,2026-05-05,20.00',
    ]),
  );
  const entity = await t.database.db.selectFrom('entities').select('id').executeTakeFirstOrThrow();
  const receipt = (id: string, reference: string, amountMinor: bigint) =>
    receiptDraft(entity.id, { id, reference, amountMinor, date: '2026-06-10' });
  await createReceivablesService(t.ctx).postReceipts(t.database.db, [
    receipt('rct_t1', 'T1', 15000n),
    receipt('rct_t2', 'T2', 15000n),
    receipt('rct_t3', 'T3', 5000n),
    receipt('rct_noted', 'TN', 5000n),
  ]);
  await t.database.db
    .updateTable('receipts')
    .set({ engine_explanation: 'no customer matched the payer' })
    .where('id', '=', 'rct_noted')
    .execute();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const rows =
  (...r: ManualRow[]) =>
  () =>
    r;

/** The batch as the API runs it: one transaction, the audit rows deferred to its end. */
async function together(requests: readonly TogetherRequest[]): Promise<(WorkbenchResult | null)[]> {
  return t.database.db.transaction().execute(async (tx) => {
    const deferred = new DeferredAudit();
    const out = await withAuditContext({ deferred }, () =>
      applyManuallyTogether(t.ctx, tx as unknown as Executor, requests),
    );
    await flushDeferredAudit(tx, deferred);
    return out;
  });
}

const open = async (number: string) =>
  (
    await t.database.db
      .selectFrom('items')
      .select('open_minor')
      .where('number', '=', number)
      .executeTakeFirstOrThrow()
  ).open_minor;
const unapplied = async (id: string) =>
  (
    await t.database.db
      .selectFrom('receipts')
      .select('unapplied_minor')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  ).unapplied_minor;

describe('applyManuallyTogether', () => {
  it('checks each request against what the ones before it left, and leaves the rest alone', async () => {
    const results = await together([
      // Two on one invoice: 60.00 then 60.00 of A-1's 100.00; the second would over-apply.
      {
        receipt: 'rct_t1',
        rows: rows({ kind: 'item', number: 'A-1', amount: 6000n }),
        requestId: 'r1',
        source: 's1',
      },
      {
        receipt: 'rct_t2',
        rows: rows({ kind: 'item', number: 'A-1', amount: 6000n }),
        requestId: 'r2',
        source: 's2',
      },
      // The rest of A-1 (an amount left out is what the ones before left open: 40.00).
      { receipt: 'rct_t2', rows: rows({ kind: 'item', number: 'A-1' }), requestId: 'r3', source: 's3' },
      // Two on one receipt: T3 has 50.00; 30.00 goes, then 30.00 more is too much.
      {
        receipt: 'rct_t3',
        rows: rows({ kind: 'item', number: 'A-2', amount: 3000n }),
        requestId: 'r4',
        source: null,
      },
      {
        receipt: 'rct_t3',
        rows: rows({ kind: 'item', number: 'A-3', amount: 3000n }),
        requestId: 'r5',
        source: null,
      },
      // An invoice netted with a credit memo: 50.00 - 20.00 = 30.00 of T1's money.
      {
        receipt: 'rct_t1',
        rows: rows({ kind: 'item', number: 'B-1' }, { kind: 'item', number: 'B-2' }),
        requestId: 'r6',
        source: null,
      },
      // Left for applyManually: a reference (not an id), an unknown item, a receipt with the
      // engine's note, a refund row, rows that fail to build.
      {
        receipt: 'T1',
        rows: rows({ kind: 'item', number: 'A-3', amount: 100n }),
        requestId: 'x1',
        source: null,
      },
      {
        receipt: 'rct_t1',
        rows: rows({ kind: 'item', number: 'NOPE-1', amount: 100n }),
        requestId: 'x2',
        source: null,
      },
      {
        receipt: 'rct_noted',
        rows: rows({ kind: 'item', number: 'A-3', amount: 100n }),
        requestId: 'x3',
        source: null,
      },
      { receipt: 'rct_t1', rows: rows({ kind: 'refund', amount: 100n }), requestId: 'x4', source: null },
      {
        receipt: 'rct_t1',
        rows: () => {
          throw new Error('unreadable amount');
        },
        requestId: 'x5',
        source: null,
      },
    ]);
    expect(results.map((r) => (r ? r.unappliedMinor : null))).toEqual([
      9000n,
      null,
      11000n,
      2000n,
      null,
      6000n,
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(results[2]?.rows.map((r) => [r.kind, r.target, r.customer, r.amountMinor])).toEqual([
      ['invoice', 'A-1', 'A1', 4000n],
    ]);
    expect(results[5]?.rows.map((r) => [r.kind, r.target, r.amountMinor])).toEqual([
      ['invoice', 'B-1', 5000n],
      ['credit_memo', 'B-2', -2000n],
    ]);
    expect(results[5]?.applicationIds).toHaveLength(2);
    expect(await open('A-1')).toBe(0n);
    expect(await open('A-2')).toBe(7000n);
    expect(await open('A-3')).toBe(10000n);
    expect(await open('B-1')).toBe(0n);
    expect(await unapplied('rct_t1')).toBe(6000n);
    expect(await unapplied('rct_t2')).toBe(11000n);
    expect(await unapplied('rct_t3')).toBe(2000n);
    expect(await unapplied('rct_noted')).toBe(5000n);

    // One audit row per request applied, naming its request, with the unapplied amount before and after.
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['request_id', 'source', 'object_id', 'before', 'after', 'action'])
      .where('action', '=', 'cash.applied_manually')
      .orderBy('seq')
      .execute();
    expect(
      audit.map((a) => [
        a.request_id,
        a.source,
        a.object_id,
        (a.before as { unapplied_minor: string }).unapplied_minor,
        (a.after as { unapplied_minor: string }).unapplied_minor,
      ]),
    ).toEqual([
      ['r1', 's1', 'rct_t1', '15000', '9000'],
      ['r3', 's3', 'rct_t2', '15000', '11000'],
      ['r4', null, 'rct_t3', '5000', '2000'],
      ['r6', null, 'rct_t1', '9000', '6000'],
    ]);
    expect((await verifyAuditChain(t.ctx)).ok).toBe(true);
    expect((await checkLedger(t.ctx)).filter((r) => !r.ok)).toEqual([]);
  });

  it('gives the answer applyManually gives for the same request', async () => {
    const [batched] = await together([
      {
        receipt: 'rct_t2',
        rows: rows({ kind: 'item', number: 'A-3', amount: 1000n }),
        requestId: null,
        source: null,
      },
      {
        receipt: 'rct_t1',
        rows: rows({ kind: 'item', number: 'A-3', amount: 1000n }),
        requestId: null,
        source: null,
      },
    ]);
    const alone = await applyManually(t.ctx, {
      receipt: 'rct_t2',
      rows: [{ kind: 'item', number: 'A-3', amount: 1000n }],
    });
    const shape = (r: WorkbenchResult | null | undefined) => ({
      ...r,
      applicationIds: r?.applicationIds.length,
      rows: r?.rows.map((x) => ({ ...x, applicationId: typeof x.applicationId })),
      unappliedMinor: undefined,
    });
    expect(shape(batched)).toEqual(shape(alone));
    expect(batched?.unappliedMinor).toBe(10000n);
    expect(alone.unappliedMinor).toBe(9000n);
    // The same audit row, but for who asked.
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['after'])
      .where('action', '=', 'cash.applied_manually')
      .orderBy('seq', 'desc')
      .limit(3)
      .execute();
    const keys = audit.map((a) => Object.keys(a.after as object).sort());
    expect(keys[0]).toEqual(keys[2]);
    expect((await checkLedger(t.ctx)).filter((r) => !r.ok)).toEqual([]);
  });

  it('writes nothing when no request can go', async () => {
    const before = await unapplied('rct_t3');
    const results = await together([
      {
        receipt: 'rct_t3',
        rows: rows({ kind: 'item', number: 'A-3', amount: 99999n }),
        requestId: null,
        source: null,
      },
      {
        receipt: 'rct_missing',
        rows: rows({ kind: 'item', number: 'A-3', amount: 1n }),
        requestId: null,
        source: null,
      },
    ]);
    expect(results).toEqual([null, null]);
    expect(await unapplied('rct_t3')).toBe(before);
  });
});
