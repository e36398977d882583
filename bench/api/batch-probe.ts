/**
 * ADR 0017's premise, measured without HTTP: what applying cash to an invoice costs per application
 * when each is a transaction of its own (what `POST /api/receipts/{id}/apply` does today, through the
 * same `applyManually`), and when many go in one transaction, set by set (`applyBatches`, one audit
 * append for all), as ADR 0017 proposes.
 *
 *   npx tsx bench/api/batch-probe.ts [--db postgres://postgres@127.0.0.1:5432/arbor_bench_api]
 *                                    [--applications 640] [--batch 64]
 *
 * Runs on the database `npm run bench:api` left (its receipts with money unapplied, its open
 * invoices) and adds to it: 0.37 USD per application, receipt after receipt, invoices at random
 * (seeded). Prints wall time and CPU per application of this process and of every PostgreSQL process
 * (bench/machine.ts), then runs `arbor check`'s invariants. Neither side has the API's token, row-level
 * security, idempotency key or answer: the two differ only in how the applications are written.
 */
import { parseArgs } from 'node:util';
import { fixedClock } from '../../src/core/clock.ts';
import type { ServiceContext } from '../../src/core/context.ts';
import type { CurrencyCode } from '../../src/core/currency.ts';
import type { LocalDate } from '../../src/core/local-date.ts';
import { openDatabase } from '../../src/db/database.ts';
import { recordAudit } from '../../src/modules/audit/index.ts';
import { applyManually } from '../../src/modules/cash-application/index.ts';
import { checkLedger } from '../../src/modules/integrity/index.ts';
import { type ApplicationBatchDraft, createReceivablesService } from '../../src/modules/receivables/index.ts';
import { getTenantId } from '../../src/modules/tenancy/index.ts';
import { prng } from '../../test/support/http-load.ts';
import { postgresCpuSeconds } from '../machine.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/arbor_bench_api' },
    applications: { type: 'string', default: '640' },
    batch: { type: 'string', default: '64' },
  },
});
const count = Number(values.applications);
const batchSize = Number(values.batch);
const TODAY = '2026-11-30' as LocalDate;
const AMOUNT = 37n;

const database = await openDatabase(values.db as string);
const tenantId = await getTenantId(database, 'default');
const ctx: ServiceContext = { database, clock: fixedClock(TODAY), tenantId, actor: 'probe' };
const db = database.db;
const receipts = await db
  .selectFrom('receipts')
  .select(['id', 'entity_id', 'currency'])
  .where('tenant_id', '=', tenantId)
  .where('unapplied_minor', '>=', AMOUNT * BigInt(2 * count))
  .orderBy('id')
  .limit(2000)
  .execute();
const invoices = await db
  .selectFrom('items')
  .select(['id', 'number', 'currency'])
  .where('tenant_id', '=', tenantId)
  .where('type', '=', 'invoice')
  .where('open_minor', '>=', AMOUNT * 4n)
  .where('issue_date', '<=', TODAY)
  .orderBy('id')
  .limit(20000)
  .execute();
if (receipts.length < batchSize || invoices.length === 0)
  throw new Error(
    `batch-probe: ${receipts.length} receipts, ${invoices.length} invoices; run npm run bench:api first`,
  );
const random = prng(17);
const pick = () => invoices[Math.floor(random() * invoices.length)] as (typeof invoices)[number];

interface Cost {
  wallMs: number;
  nodeMs: number;
  postgresMs: number | null;
}
async function measure(f: () => Promise<void>): Promise<Cost> {
  const p0 = postgresCpuSeconds();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const p1 = postgresCpuSeconds();
  return {
    wallMs: wall / count,
    nodeMs: (c.user + c.system) / 1000 / count,
    postgresMs: p0 === null || p1 === null ? null : ((p1 - p0) * 1000) / count,
  };
}

const oneByOne = await measure(async () => {
  for (let i = 0; i < count; i++) {
    const receipt = receipts[i % receipts.length] as (typeof receipts)[number];
    await applyManually(ctx, {
      receipt: receipt.id,
      rows: [{ kind: 'item', number: pick().number, amount: AMOUNT }],
    });
  }
});

const receivables = createReceivablesService(ctx);
const batched = await measure(async () => {
  for (let start = 0; start < count; start += batchSize) {
    const drafts: ApplicationBatchDraft[] = [];
    for (let i = start; i < Math.min(count, start + batchSize); i++) {
      const receipt = receipts[i % receipts.length] as (typeof receipts)[number];
      drafts.push({
        entityId: receipt.entity_id,
        currency: receipt.currency as CurrencyCode,
        appliedDate: TODAY,
        receiptId: receipt.id,
        status: 'manual',
        explanation: 'applied by hand by probe',
        rows: [{ kind: 'invoice', amountMinor: AMOUNT, itemId: pick().id, customerId: null }],
      });
    }
    await db.transaction().execute(async (tx) => {
      const result = await receivables.applyBatches(tx, drafts);
      await recordAudit(
        tx,
        tenantId,
        drafts.map((d, i) => ({
          actor: 'probe',
          action: 'cash.applied_manually',
          objectType: 'receipt',
          objectId: d.receiptId,
          after: { applications: [result.applicationIds[i]] },
        })),
      );
    });
  }
});

const fmt = (c: Cost) =>
  `wall ${c.wallMs.toFixed(2)} ms, CPU: this process ${c.nodeMs.toFixed(2)} ms, PostgreSQL ${c.postgresMs === null ? '?' : c.postgresMs.toFixed(2)} ms`;
console.log(`per application (${count} applications of ${AMOUNT} minor units each)`);
console.log(`  each its own transaction (applyManually):       ${fmt(oneByOne)}`);
console.log(`  ${batchSize} per transaction (applyBatches, one audit append): ${fmt(batched)}`);
const check = await checkLedger(ctx);
console.log(`arbor check: ${check.every((r) => r.ok) ? 'all invariants hold' : 'FAILED'}`);
await database.close();
if (!check.every((r) => r.ok)) process.exit(1);
