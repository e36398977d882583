import { sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { newId } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { parseAmount } from '../../core/money.ts';
import { anyText } from '../../db/bulk.ts';
import { withDbErrors } from '../../db/db-errors.ts';
import { recordAudit } from '../audit/index.ts';
import {
  type ApplicationBatchDraft,
  type BatchProblem,
  createReceivablesService,
} from '../receivables/index.ts';
import { loadKnowledge } from './load-knowledge.ts';
import { decideReceipt, ENGINE_VERSION } from './logic/decide-receipt.ts';
import type { AdviceLine, Allocation, EngineDecision, EngineReceipt, EngineSettings } from './logic/types.ts';

export interface CashApplyOptions {
  asOf?: LocalDate;
  /** Apply automatically only at or above this calibrated probability (default 0.995). */
  precisionFloor?: number;
  /** Called after each chunk of receipts with how many are done, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

export interface CashApplyResult {
  runId: string;
  asOf: LocalDate;
  receipts: number;
  applied: number;
  suggested: number;
  left: number;
  appliedAmounts: Record<string, bigint>;
  seconds: number;
  /** Where the time went, in seconds: reading what the engine knows, deciding, writing. */
  phases: { load: number; decide: number; write: number };
  engineVersion: string;
}

const CHUNK = 2000;

/** Tenant settings (tenants.settings jsonb) with the defaults of spec section 6. */
async function settingsOf(
  ex: Executor,
  tenantId: number,
  floor: number | undefined,
): Promise<EngineSettings> {
  const row = await ex.selectFrom('tenants').select('settings').where('id', '=', tenantId).executeTakeFirst();
  const s = (row?.settings ?? {}) as Record<string, unknown>;
  const tolerance = typeof s.wire_fee_tolerance === 'string' ? s.wire_fee_tolerance : '50.00';
  return {
    precisionFloor: floor ?? (typeof s.precision_floor === 'number' ? s.precision_floor : 0.995),
    wireFeeToleranceMinor: parseAmount(tolerance, 'USD' as CurrencyCode),
    discountGraceDays: typeof s.discount_grace_days === 'number' ? s.discount_grace_days : 0,
  };
}

/**
 * `arbor cash apply`: every receipt booked on or before the as-of date with money unapplied is
 * decided by the engine (logic/decide-receipt.ts) against the items as they stand: applied when the
 * calibrated confidence reaches the precision floor (status `auto`, with confidence, explanation and
 * engine version on every row), otherwise given up to three ranked suggestions, or left unapplied
 * with the reason. Receipts are taken in date order and each decision moves the in-memory open
 * amounts, so two payments of one invoice do not both take it. Writes go in chunks, each through the
 * receivables service's application rules and postings, all in one transaction.
 */
export async function runCashApplication(
  ctx: ServiceContext,
  options: CashApplyOptions = {},
): Promise<CashApplyResult> {
  const started = performance.now();
  const asOf = options.asOf ?? ctx.clock.today();
  const { tenantId } = ctx;
  const runId = newId('cashRun');
  const result: CashApplyResult = {
    runId,
    asOf,
    receipts: 0,
    applied: 0,
    suggested: 0,
    left: 0,
    appliedAmounts: {},
    seconds: 0,
    phases: { load: 0, decide: 0, write: 0 },
    engineVersion: ENGINE_VERSION,
  };
  await ctx.database.db.transaction().execute((tx) =>
    withDbErrors(async () => {
      const settings = await settingsOf(tx, tenantId, options.precisionFloor);
      await tx
        .insertInto('cash_runs')
        .values({
          tenant_id: tenantId,
          id: runId,
          as_of: asOf,
          engine_version: ENGINE_VERSION,
          created_by: ctx.actor,
        })
        .execute();
      let mark = performance.now();
      const { knowledge, items } = await loadKnowledge(tx, tenantId, asOf);
      const locked = new Set(
        (
          await tx
            .selectFrom('locked_periods')
            .select(['entity_id', 'period'])
            .where('tenant_id', '=', tenantId)
            .execute()
        ).map((l) => `${l.entity_id}|${l.period}`),
      );
      const receivables = createReceivablesService(ctx);
      const receiptRows = await tx
        .selectFrom('receipts')
        .select([
          'id',
          'reference',
          'entity_id',
          'currency',
          'receipt_date',
          'unapplied_minor',
          'method',
          'payer_name',
          'payer_account',
          'memo',
          'remittance_text',
          'end_to_end_id',
          'customer_id',
        ])
        .where('tenant_id', '=', tenantId)
        .where('unapplied_minor', '>', 0n)
        .where('receipt_date', '<=', asOf)
        .orderBy('receipt_date')
        .orderBy('id')
        .execute();
      result.receipts = receiptRows.length;
      // Earlier runs' open suggestions for these receipts give way to this run's.
      await tx
        .updateTable('cash_suggestions')
        .set({ status: 'superseded' })
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'open')
        .execute();

      // What the receipts bring with them (linked advices, rejected suggestions), read once.
      const allIds = receiptRows.map((r) => r.id);
      const advices = await advicesOf(tx, tenantId, allIds);
      const rejected = await rejectedOf(tx, tenantId, allIds);
      result.phases.load = (performance.now() - mark) / 1000;

      /** Writes one chunk's decisions: applications through the receivables rules, suggestions, notes. */
      const writeChunk = async (
        batches: ApplicationBatchDraft[],
        suggestions: { receiptId: string; list: Allocation[] }[],
        notes: { id: string; explanation: string }[],
        done: number,
      ) => {
        const began = performance.now();
        // A batch the receivables rules refuse (which the engine's view should never allow) is left
        // for an analyst rather than failing the run.
        let pending = batches;
        for (let attempt = 0; attempt < 3 && pending.length > 0; attempt++) {
          const problems: BatchProblem[] = [];
          await receivables.applyBatches(tx, pending, { collectProblems: problems });
          if (problems.length === 0) break;
          const bad = new Set(problems.map((p) => p.index));
          for (const p of problems) {
            const b = pending[p.index];
            if (b)
              notes.push({
                id: b.receiptId as string,
                explanation: `refused by the application rules: ${p.problems.join('; ')}`,
              });
          }
          pending = pending.filter((_, i) => !bad.has(i));
        }
        const appliedIds = new Set(pending.map((b) => b.receiptId));
        for (const b of pending) {
          result.applied++;
          const total = b.rows.reduce((acc, r) => acc + r.amountMinor, 0n);
          result.appliedAmounts[b.currency] = (result.appliedAmounts[b.currency] ?? 0n) + total;
        }
        const suggestionRows = suggestions
          .filter((x) => !appliedIds.has(x.receiptId))
          .flatMap((x) =>
            x.list.slice(0, 3).map((a, i) => ({
              tenant_id: tenantId,
              id: newId('suggestion'),
              run_id: runId,
              receipt_id: x.receiptId,
              rank: i + 1,
              confidence: Math.min(a.confidence, 0.99999).toFixed(5),
              explanation: a.explanation,
              engine_version: ENGINE_VERSION,
              allocation: JSON.stringify(
                a.rows.map((r) => ({
                  kind: r.kind,
                  item_id: r.itemId,
                  item_number: r.itemNumber,
                  customer_id: r.customerId,
                  amount_minor: r.amount.toString(),
                  reason_code: r.reasonCode,
                })),
              ),
            })),
          );
        if (notes.length > 0) {
          await sql`
            update receipts r set engine_explanation = n.explanation
            from unnest(${sql.val(notes.map((n) => n.id))}::text[], ${sql.val(notes.map((n) => n.explanation))}::text[])
              as n(id, explanation)
            where r.tenant_id = ${tenantId} and r.id = n.id`.execute(tx);
        }
        for (let i = 0; i < suggestionRows.length; i += 1000)
          await tx
            .insertInto('cash_suggestions')
            .values(suggestionRows.slice(i, i + 1000))
            .execute();
        result.suggested += new Set(suggestionRows.map((x) => x.receipt_id)).size;
        result.phases.write += (performance.now() - began) / 1000;
        options.onProgress?.(done, receiptRows.length);
      };

      // Deciding is JavaScript, writing is the database: each chunk's writes go on while the next
      // chunk is decided (the decisions need only the run's in-memory view of open amounts, which
      // each decision has already moved). Writes stay in order on the one transaction.
      let writes: Promise<void> = Promise.resolve();
      for (let start = 0; start < receiptRows.length; start += CHUNK) {
        const chunk = receiptRows.slice(start, start + CHUNK);
        const batches: ApplicationBatchDraft[] = [];
        const suggestions: { receiptId: string; list: Allocation[] }[] = [];
        const notes: { id: string; explanation: string }[] = [];
        mark = performance.now();
        for (let k = 0; k < chunk.length; k++) {
          const row = chunk[k] as (typeof chunk)[number];
          // Let the pending writes send their next statement now and then.
          if ((k & 127) === 127) await new Promise((resolve) => setImmediate(resolve));
          const receipt: EngineReceipt = {
            id: row.id,
            reference: row.reference,
            entityId: row.entity_id,
            currency: row.currency as CurrencyCode,
            date: row.receipt_date as LocalDate,
            amount: row.unapplied_minor,
            method: row.method,
            payerName: row.payer_name,
            payerAccount: row.payer_account,
            text: [row.memo, row.remittance_text, row.end_to_end_id].filter((t) => t).join(' '),
            customerId: row.customer_id,
            advice: advices.get(row.id) ?? null,
          };
          const decision = withoutRejected(
            decideReceipt(receipt, knowledge, settings),
            rejected.get(receipt.id),
          );
          if (decision.kind === 'apply') {
            const a = decision.allocation;
            const period = receipt.date.slice(0, 7);
            const appliedDate = locked.has(`${receipt.entityId}|${period}`) ? asOf : receipt.date;
            batches.push({
              entityId: receipt.entityId,
              currency: receipt.currency,
              appliedDate,
              receiptId: receipt.id,
              status: 'auto',
              confidence: a.confidence.toFixed(5),
              explanation: a.explanation,
              engineVersion: ENGINE_VERSION,
              rows: a.rows.map((r) => ({
                kind: r.kind,
                amountMinor: r.amount,
                itemId: r.itemId,
                customerId: r.customerId,
                reasonCode: r.reasonCode,
              })),
            });
            // Move the run's view of the items, so later receipts see what this one took.
            for (const r of a.rows) {
              if (r.itemId !== null && (r.kind === 'invoice' || r.kind === 'credit_memo')) {
                const item = items.get(r.itemId);
                if (item) {
                  item.open -= r.amount;
                  item.touched = true;
                }
              }
            }
          } else if (decision.kind === 'suggest') {
            suggestions.push({ receiptId: receipt.id, list: decision.suggestions });
            notes.push({ id: receipt.id, explanation: `not sure enough to apply: ${decision.explanation}` });
          } else {
            notes.push({ id: receipt.id, explanation: decision.explanation });
          }
        }
        result.phases.decide += (performance.now() - mark) / 1000;
        const w = writes.then(() =>
          writeChunk(batches, suggestions, notes, Math.min(start + CHUNK, receiptRows.length)),
        );
        // Awaited below; until then a failure must not count as unhandled.
        w.catch(() => {});
        writes = w;
      }
      await writes;
      result.left = result.receipts - result.applied - result.suggested;
      result.seconds = (performance.now() - started) / 1000;
      const summary = {
        ...result,
        appliedAmounts: Object.fromEntries(
          Object.entries(result.appliedAmounts).map(([c, v]) => [c, v.toString()]),
        ),
        precision_floor: settings.precisionFloor,
      };
      await tx
        .updateTable('cash_runs')
        .set({ finished_at: new Date(), summary: JSON.stringify(summary) })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', runId)
        .execute();
      await recordAudit(tx, tenantId, [
        { actor: ctx.actor, action: 'cash.apply', objectType: 'cash_run', objectId: runId, after: summary },
      ]);
    }),
  );
  return result;
}

/** The remittance advices linked to these receipts, with their lines. */
async function advicesOf(ex: Executor, tenantId: number, receiptIds: readonly string[]) {
  const out = new Map<string, NonNullable<EngineReceipt['advice']>>();
  if (receiptIds.length === 0) return out;
  const rows = await sql<{
    receipt_id: string;
    advice_id: string;
    payer_name: string | null;
    payment_amount_minor: bigint | null;
    invoice_number: string | null;
    document_type: 'invoice' | 'credit_memo' | null;
    account_number: string | null;
    paid_minor: bigint | null;
    gross_minor: bigint | null;
    discount_minor: bigint | null;
    deduction_minor: bigint | null;
    deduction_reason: string | null;
  }>`
    select a.receipt_id, a.id as advice_id, a.payer_name, a.payment_amount_minor, l.invoice_number, l.document_type,
           l.account_number, l.paid_minor, l.gross_minor, l.discount_minor, l.deduction_minor, l.deduction_reason
    from remittance_advices a
    left join remittance_lines l on l.tenant_id = a.tenant_id and l.advice_id = a.id
    where a.tenant_id = ${tenantId} and a.receipt_id = any(${sql.val(receiptIds)}::text[])
    order by a.receipt_id, a.id, l.line_no`.execute(ex);
  for (const r of rows.rows) {
    let advice = out.get(r.receipt_id);
    if (!advice) {
      advice = { lines: [], paymentAmount: r.payment_amount_minor, payer: r.payer_name };
      out.set(r.receipt_id, advice);
    }
    if (r.invoice_number !== null && r.paid_minor !== null) {
      const line: AdviceLine = {
        invoiceNumber: r.invoice_number,
        documentType: r.document_type,
        accountNumber: r.account_number,
        paid: r.paid_minor,
        gross: r.gross_minor,
        discount: r.discount_minor,
        deduction: r.deduction_minor,
        deductionReason: r.deduction_reason,
      };
      advice.lines.push(line);
    }
  }
  return out;
}

const allocationKey = (rows: readonly { kind: string; itemId: string | null; amount: bigint }[]) =>
  rows
    .map((r) => `${r.kind}:${r.itemId ?? ''}:${r.amount}`)
    .sort()
    .join('|');

/** The allocations analysts rejected for these receipts: the engine does not offer them again. */
async function rejectedOf(ex: Executor, tenantId: number, receiptIds: readonly string[]) {
  const out = new Map<string, Set<string>>();
  if (receiptIds.length === 0) return out;
  const rows = await ex
    .selectFrom('cash_suggestions')
    .select(['receipt_id', 'allocation'])
    .where('tenant_id', '=', tenantId)
    .where('receipt_id', '=', anyText(receiptIds))
    .where('status', '=', 'rejected')
    .execute();
  for (const r of rows) {
    const list = (typeof r.allocation === 'string' ? JSON.parse(r.allocation) : r.allocation) as {
      kind: string;
      item_id: string | null;
      amount_minor: string;
    }[];
    const key = allocationKey(
      list.map((a) => ({ kind: a.kind, itemId: a.item_id, amount: BigInt(a.amount_minor) })),
    );
    let set = out.get(r.receipt_id);
    if (!set) {
      set = new Set();
      out.set(r.receipt_id, set);
    }
    set.add(key);
  }
  return out;
}

function withoutRejected(decision: EngineDecision, rejected: Set<string> | undefined): EngineDecision {
  if (rejected === undefined) return decision;
  const keep = (a: Allocation) => !rejected.has(allocationKey(a.rows));
  if (decision.kind === 'apply') {
    if (keep(decision.allocation)) return decision;
    const rest = decision.suggestions.filter(keep);
    return rest.length > 0
      ? { kind: 'suggest', suggestions: rest, explanation: 'an analyst rejected the best match' }
      : { kind: 'leave', explanation: 'an analyst rejected the best match; nothing else fits' };
  }
  if (decision.kind === 'suggest') {
    const rest = decision.suggestions.filter(keep);
    return rest.length > 0
      ? { ...decision, suggestions: rest }
      : { kind: 'leave', explanation: 'an analyst rejected every match the engine found' };
  }
  return decision;
}
