import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { money } from '../../core/money.ts';
import { type AdjustmentInput, type RequestOutcome, requestAdjustment } from '../approvals/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Principal } from '../identity/index.ts';
import { inTransaction, joinedContext, newCollectionsId } from './collections.context.ts';
import { collectionsError } from './collections.errors.ts';
import {
  type Access,
  checkPositive,
  code,
  invalid,
  loadSettings,
  show,
  text,
  toMoney,
} from './collections.lookup.ts';
import { type DisputeRow, findItems, insertActivity, updateDispute } from './collections.repo.ts';
import { isAwaitingApproval } from './collections.views.ts';
import type { ResolveDisputeInput, ResolveDisputeResult } from './contract.ts';
import { getDisputeRow, loadDisputeView, settleAndRecord } from './dispute-state.ts';
import { checkDisputeResolution, DISPUTE_RESOLUTIONS } from './logic/dispute-rules.ts';

/**
 * Resolves a dispute with its root cause and resolution:
 * - `credit_memo`: a credit memo through approvals (requestAdjustment), netted against the disputed
 *   item when there is one. Within the principal's approval limit it is posted now and the dispute is
 *   resolved; above it the request waits for another user's approval, the dispute keeps its status
 *   with `approval_id` set, and no money moves until it is approved — `evaluateCollections` (or the
 *   next action on the dispute) then resolves it as of the approval's day, or withdraws the
 *   resolution when the request was rejected or cancelled.
 * - `write_off`: the disputed item's amount (at most its open amount) written off through approvals,
 *   the same way. Needs a disputed item.
 * - `rebill`: the customer is billed again correctly (optionally naming the new invoice); recorded.
 * - `collect`: the dispute was found invalid; the amount goes back to collection. Recorded.
 * Cycle time is resolved_on − opened_on.
 */
export async function resolveDispute(
  ctx: ServiceContext,
  /** Who asks for the credit memo or write-off (their approval limit decides); rebill and collect need none. */
  principal: Principal | null,
  id: string,
  input: ResolveDisputeInput,
  access: Access = {},
): Promise<ResolveDisputeResult> {
  if (!DISPUTE_RESOLUTIONS.includes(input.resolution))
    throw invalid('resolution', `must be one of ${DISPUTE_RESOLUTIONS.join(', ')}`);
  const rootCause = text('rootCause', input.rootCause, 1000, true);
  const note = text('note', input.note, 4000);
  const rebillInvoice = text('rebillInvoice', input.rebillInvoice, 100);
  const reasonCode = code('reasonCode', input.reasonCode);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    let row = await getDisputeRow(tx, t, id, access, true);
    const settings = await loadSettings(tx, t);
    if (isAwaitingApproval(row) && (await settleAndRecord(ctx, tx, row, settings.timeZone)))
      row = await getDisputeRow(tx, t, id, access);
    const refusal = checkDisputeResolution(
      { status: row.status, itemId: row.item_id, approvalPending: isAwaitingApproval(row) },
      input.resolution,
    );
    if (refusal) throw collectionsError('collections.dispute_closed', `dispute ${id}: ${refusal}`);
    const currency = row.currency as CurrencyCode;
    const amount =
      input.amount === undefined
        ? money(row.amount_minor, currency)
        : toMoney('amount', input.amount, currency);
    checkPositive('amount', amount, currency);
    const today = ctx.clock.today();

    let outcome: RequestOutcome | null = null;
    if (input.resolution === 'credit_memo' || input.resolution === 'write_off') {
      if (principal === null)
        throw invalid(
          'resolution',
          `a ${input.resolution.replace('_', ' ')} goes through approvals: say which user asks for it`,
        );
      const adjustment = await adjustmentFor(tx, t, row, input.resolution, {
        amount: input.amount === undefined ? null : amount,
        rootCause,
        reasonCode,
        note,
      });
      outcome = await requestAdjustment(joinedContext(ctx, tx), principal, adjustment);
    }
    const pending = outcome?.status === 'pending';
    const approvalId = outcome?.status === 'pending' ? outcome.approvalId : null;
    const notes = [row.notes, note, rebillInvoice ? `rebilled as ${rebillInvoice}` : null]
      .filter((x) => x !== null && x !== '')
      .join('\n');
    await updateDispute(tx, t, id, {
      root_cause: rootCause,
      resolution: input.resolution,
      approval_id: approvalId,
      notes: notes === '' ? null : notes,
      ...(pending ? {} : { status: 'resolved', resolved_on: today }),
    });
    const what = `${input.resolution.replace('_', ' ')}${input.resolution === 'credit_memo' || input.resolution === 'write_off' ? ` of ${show(amount)}` : ''}`;
    const posted =
      outcome?.status === 'applied' &&
      (outcome.result.kind === 'credit_memo' || outcome.result.kind === 'write_off')
        ? ` (${outcome.result.kind === 'credit_memo' ? `credit memo ${outcome.result.itemNumber}` : `written off on ${outcome.result.itemNumber}`})`
        : '';
    const line = pending
      ? `dispute ${id}: ${what} requested, waiting for approval ${approvalId}`
      : `dispute ${id} resolved by ${what}${posted}${rebillInvoice ? ` (${rebillInvoice})` : ''}: ${rootCause}`;
    await insertActivity(tx, t, {
      id: newCollectionsId('activity'),
      customerId: row.customer_id,
      kind: 'dispute',
      outcomeCode: pending ? 'resolution_requested' : 'resolved',
      notes: line,
      occurredAt: ctx.clock.now(),
      relatedId: approvalId ?? id,
      itemIds: row.item_id ? [row.item_id] : [],
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: pending ? 'collections.dispute_resolution_requested' : 'collections.dispute_resolved',
        objectType: 'dispute',
        objectId: id,
        before: { status: row.status, resolution: row.resolution },
        after: {
          status: pending ? row.status : 'resolved',
          resolution: input.resolution,
          root_cause: rootCause,
          approval_id: approvalId,
          resolved_on: pending ? null : today,
          rebill_invoice: rebillInvoice,
          adjustment:
            outcome?.status === 'applied'
              ? { kind: outcome.result.kind, entry_ids: outcome.result.entryIds }
              : null,
        },
      },
    ]);
    return {
      dispute: await loadDisputeView(tx, t, id),
      outcome: pending ? 'pending' : 'resolved',
      adjustment: outcome?.status === 'applied' ? outcome.result : null,
    };
  });
}

/** The approvals request that resolves the dispute: a credit memo, or a write-off of the item. */
async function adjustmentFor(
  ex: Executor,
  tenantId: number,
  row: DisputeRow,
  resolution: 'credit_memo' | 'write_off',
  options: {
    amount: ReturnType<typeof money> | null;
    rootCause: string;
    reasonCode: string | null;
    note: string | null;
  },
): Promise<AdjustmentInput> {
  const currency = row.currency as CurrencyCode;
  const why = `dispute ${row.id} (${row.reason_code}): ${options.rootCause}`;
  if (resolution === 'credit_memo')
    return {
      kind: 'credit_memo',
      customerId: row.customer_id,
      amount: options.amount ?? money(row.amount_minor, currency),
      reason: why,
      ...(row.item_id === null ? {} : { invoiceId: row.item_id }),
    };
  if (row.item_id === null) throw invalid('resolution', 'a write-off needs the disputed item');
  const item = (await findItems(ex, tenantId, [row.item_id])).get(row.item_id);
  if (!item) throw collectionsError('collections.item_not_found', `no item ${row.item_id}`);
  // By default no more than the item still has open: what was paid meanwhile is not written off.
  const amount =
    options.amount ?? money(row.amount_minor < item.openMinor ? row.amount_minor : item.openMinor, currency);
  if (amount.amountMinor <= 0n)
    throw collectionsError('collections.exceeds_open', `${item.number} has nothing open to write off`);
  return {
    kind: 'write_off',
    itemId: item.id,
    amount,
    reasonCode: options.reasonCode ?? row.reason_code,
    note: options.note ?? why,
  };
}
