import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/core/context.ts';
import type { CurrencyCode } from '../../src/core/currency.ts';
import { isAppError } from '../../src/core/errors.ts';
import { newId } from '../../src/core/ids.ts';
import { addDays, type LocalDate } from '../../src/core/local-date.ts';
import { checkLedger } from '../../src/modules/integrity/index.ts';
import {
  type ApplicationRowDraft,
  createReceivablesService,
  type ItemDraft,
} from '../../src/modules/receivables/index.ts';
import { buildAgingReport } from '../../src/modules/reporting/index.ts';
import { getDefaultEntity, initTenant } from '../../src/modules/tenancy/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * Random sequences of invoices, credit memos, receipts, applications (valid and invalid) and
 * reversals must keep every invariant of `arbor check`, and the aging rebuilt from the ledger must
 * equal the aging of the materialized open items. Each run gets its own tenant.
 */

const USD = 'USD' as CurrencyCode;
const START = '2026-01-01' as LocalDate;

type Op =
  | { op: 'invoice'; customer: number; amount: number; day: number; credit: boolean }
  | { op: 'receipt'; amount: number; day: number; customer: number | null }
  | { op: 'apply'; receipt: number; picks: { item: number; share: number; kind: number }[]; extra: number }
  | { op: 'reverse'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('invoice' as const),
    customer: fc.nat(2),
    amount: fc.integer({ min: 1, max: 500_000 }),
    day: fc.nat(150),
    credit: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('receipt' as const),
    amount: fc.integer({ min: 1, max: 1_500_000 }),
    day: fc.nat(150),
    customer: fc.option(fc.nat(2)),
  }),
  fc.record({
    op: fc.constant('apply' as const),
    receipt: fc.nat(),
    picks: fc.array(
      fc.record({
        item: fc.nat(),
        // Mostly a share of the open amount; now and then more than all of it (an over-application).
        share: fc.oneof(
          { arbitrary: fc.integer({ min: 1, max: 100 }), weight: 9 },
          { arbitrary: fc.integer({ min: 101, max: 150 }), weight: 1 },
        ),
        kind: fc.nat(9),
      }),
      {
        minLength: 1,
        maxLength: 4,
      },
    ),
    extra: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ op: fc.constant('reverse' as const), pick: fc.nat() }),
);

let t: TestDatabase;
let runs = 0;
const done = { apply: 0, reverse: 0, refused: 0 };
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function runSequence(ops: Op[]): Promise<void> {
  runs++;
  const init = await initTenant(t.database, t.ctx.clock, {
    slug: `prop${runs}`,
    currency: 'USD',
    actor: 'property',
  });
  const ctx: ServiceContext = { ...t.ctx, tenantId: init.tenantId };
  const db = t.database.db;
  const entityId = (await getDefaultEntity(db, ctx.tenantId)).id;
  const customers: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = newId('customer');
    await db
      .insertInto('customers')
      .values({
        tenant_id: ctx.tenantId,
        id,
        account_number: `P${i}`,
        name: `Customer ${i}`,
        entity_id: entityId,
        currency: USD,
        terms: 'NET30',
        customer_type: 'business',
      })
      .execute();
    customers.push(id);
  }
  const receivables = createReceivablesService(ctx);
  let n = 0;
  for (const op of ops) {
    try {
      await db.transaction().execute(async (tx) => {
        if (op.op === 'invoice') {
          const date = addDays(START, op.day);
          const draft: ItemDraft = {
            id: newId('item'),
            entityId,
            customerId: customers[op.customer] as string,
            type: op.credit ? 'credit_memo' : 'invoice',
            number: `D-${++n}`,
            issueDate: date,
            dueDate: addDays(date, 30),
            currency: USD,
            amountMinor: op.credit ? -BigInt(op.amount) : BigInt(op.amount),
            terms: 'NET30',
            discountPercent: null,
            discountUntil: null,
            poNumber: null,
            reference: null,
            description: null,
            billToPartyId: null,
            importId: null,
          };
          await receivables.postItems(tx, [draft]);
        } else if (op.op === 'receipt') {
          await receivables.postReceipts(tx, [
            {
              id: newId('receipt'),
              entityId,
              reference: `R-${++n}`,
              receiptDate: addDays(START, op.day),
              currency: USD,
              amountMinor: BigInt(op.amount),
              payerName: null,
              payerAccount: null,
              method: 'ach',
              memo: null,
              remittanceText: null,
              customerId: op.customer === null ? null : (customers[op.customer] as string),
              source: 'manual',
              importId: null,
            },
          ]);
        } else if (op.op === 'apply') {
          const receipts = await tx
            .selectFrom('receipts')
            .selectAll()
            .where('tenant_id', '=', ctx.tenantId)
            .orderBy('id')
            .execute();
          const receipt = receipts[op.receipt % Math.max(1, receipts.length)];
          if (!receipt) return;
          const all = await tx
            .selectFrom('items')
            .selectAll()
            .where('tenant_id', '=', ctx.tenantId)
            .orderBy('id')
            .execute();
          if (all.length === 0) return;
          // Mostly open items; closed ones too when the pick says so (applying to them must be refused).
          const openItems = all.filter((i) => i.open_minor !== 0n);
          const items = op.extra === 3 || openItems.length === 0 ? all : openItems;
          const rows: ApplicationRowDraft[] = [];
          for (const p of op.picks) {
            const item = items[p.item % items.length];
            if (!item) continue;
            // Mostly sensible amounts (a share of the open amount); shares over 100 % try to over-apply.
            const base = item.open_minor === 0n ? item.amount_minor : item.open_minor;
            const amount = (base * BigInt(p.share)) / 100n;
            if (amount === 0n) continue;
            const kinds = [
              'invoice',
              'invoice',
              'invoice',
              'credit_memo',
              'discount',
              'deduction',
              'on_account',
              'write_off',
              'bank_fee',
              'invoice',
            ] as const;
            let kind: ApplicationRowDraft['kind'] = kinds[p.kind] ?? 'invoice';
            if (kind === 'invoice' || kind === 'credit_memo')
              kind = item.amount_minor > 0n ? 'invoice' : 'credit_memo';
            const abs = amount < 0n ? -amount : amount;
            const signed = kind === 'invoice' || kind === 'on_account' ? abs : -abs;
            rows.push({
              kind,
              amountMinor:
                signed / (kind === 'invoice' || kind === 'credit_memo' ? 1n : 10n) ||
                (signed < 0n ? -1n : 1n),
              itemId: kind === 'on_account' ? null : item.id,
              customerId: item.customer_id,
            });
          }
          if (op.extra > 0)
            rows.push({
              kind: 'on_account',
              amountMinor: BigInt(op.extra * 100),
              itemId: null,
              customerId: customers[0] as string,
            });
          // Keep most batches spendable: credits and discounts need cash rows beside them.
          const sum = rows.reduce((x, r) => x + r.amountMinor, 0n);
          if (sum <= 0n && op.extra !== 3) {
            rows.push({
              kind: 'on_account',
              amountMinor: 1n - sum,
              itemId: null,
              customerId: customers[1] as string,
            });
          }
          const latest = all.reduce((d, i) => (i.issue_date > d ? i.issue_date : d), receipt.receipt_date);
          await receivables.applyBatches(tx, [
            {
              entityId,
              currency: USD,
              appliedDate: latest as LocalDate,
              receiptId: receipt.id,
              status: 'manual',
              rows,
            },
          ]);
          done.apply++;
        } else {
          const live = await tx
            .selectFrom('applications as a')
            .select(['a.id'])
            .where('a.tenant_id', '=', ctx.tenantId)
            .where('a.reversal_of', 'is', null)
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb.selectFrom('applications as r').select('r.id').whereRef('r.reversal_of', '=', 'a.id'),
                ),
              ),
            )
            .orderBy('a.id')
            .execute();
          const pick = live[op.pick % Math.max(1, live.length)];
          if (!pick) return;
          const latest = await tx
            .selectFrom('journal_entries')
            .select((eb) => eb.fn.max('entry_date').as('d'))
            .where('tenant_id', '=', ctx.tenantId)
            .executeTakeFirst();
          await receivables.reverseApplications(tx, {
            applicationIds: [pick.id],
            date: (latest?.d ?? START) as LocalDate,
            reason: 'property test',
          });
          done.reverse++;
        }
      });
    } catch (e) {
      // Refusals are expected (over-application, unbalanced partial reversal, …); anything else is a bug.
      if (!isAppError(e) || (e.kind !== 'invalid' && e.kind !== 'conflict')) throw e;
      done.refused++;
      if (process.env.ARBOR_PROPERTY_DEBUG) console.log(op.op, e.message);
    }
  }
  const results = await checkLedger(ctx);
  expect(results.filter((r) => !r.ok)).toEqual([]);
  const latest = await db
    .selectFrom('journal_entries')
    .select((eb) => eb.fn.max('entry_date').as('d'))
    .where('tenant_id', '=', ctx.tenantId)
    .executeTakeFirst();
  const asOf = (latest?.d ?? START) as LocalDate;
  const fast = await buildAgingReport(ctx, { asOf });
  const rebuilt = await buildAgingReport(ctx, { asOf, fromLedger: true });
  expect(rebuilt.rows).toEqual(fast.rows);
}

describe('ledger invariants under random activity', () => {
  it('hold after any sequence of invoices, receipts, applications and reversals', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), runSequence), {
      numRuns: Number(process.env.ARBOR_PROPERTY_RUNS ?? 40),
    });
    if (process.env.ARBOR_PROPERTY_DEBUG) console.log('done', JSON.stringify(done));
    // The sequences must exercise the paths, not only be refused.
    expect(done.apply).toBeGreaterThan(10);
    expect(done.reverse).toBeGreaterThan(3);
    expect(done.refused).toBeGreaterThan(3);
  });
});
