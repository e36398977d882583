import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { formatAmount } from '../../core/money.ts';
import { recordAudit } from '../audit/index.ts';
import type { Principal } from '../identity/index.ts';
import { createReceivablesService, findWrittenOffAmounts, lockItems } from '../receivables/index.ts';
import { actingAs, inTransaction, throwRefusal } from './approvals.context.ts';
import { approvalsError } from './approvals.errors.ts';
import { findApprovalRequest, findEntryApplications, findEntryForReversal } from './approvals.repo.ts';
import { checkRequester } from './logic/approval-rules.ts';

export interface ReverseAdjustmentInput {
  /** The adjustment's journal entry (`je_…`), or the approved request that posted it (`apr_…`). */
  readonly id: string;
  readonly reason: string;
}

export interface ReversedItem {
  readonly itemId: string;
  readonly itemNumber: string;
  readonly currency: CurrencyCode;
  readonly openBeforeMinor: bigint;
  readonly openAfterMinor: bigint;
}

export interface AdjustmentReversal {
  readonly entryId: string;
  readonly reversalEntryId: string;
  readonly approvalId: string | null;
  readonly reversalIds: readonly string[];
  readonly items: readonly ReversedItem[];
}

/** Kinds of rows an adjustment made without a receipt posts: write-offs, settlements, credit-memo netting, reinstatements. */
const ADJUSTMENT_KINDS = new Set(['invoice', 'credit_memo', 'write_off']);

/**
 * Undoes an adjustment — a write-off, a settlement's written-off remainder, a credit memo netted
 * against an invoice, a reinstatement — by reversing its journal entry (ADR 0003: corrections by
 * reversal), dated today, with a reason: its application rows get mirror rows and the items reopen
 * (receivables.reverseApplications). Refused with nothing changed when the entry was reversed
 * already, is not an adjustment (a receipt's application is undone with `arbor cash unapply`), or when
 * the items were applied since in a way the reversal cannot undo: paid (an item would be open below
 * zero or beyond its amount) or recovered (it would have written off less than nothing). A user who
 * may request adjustments may reverse one. Audited (`adjustment.reversed`).
 */
export async function reverseAdjustment(
  ctx: ServiceContext,
  principal: Principal,
  input: ReverseAdjustmentInput,
): Promise<AdjustmentReversal> {
  throwRefusal(checkRequester(principal, ctx.tenantId));
  const reason = input.reason.trim();
  if (reason === '' || reason.length > 500)
    throw approvalsError(
      'approvals.invalid_request',
      'reason: say why the adjustment is reversed (1 to 500 characters)',
      {
        issues: [{ column: 'reason', message: 'required, at most 500 characters' }],
      },
    );
  const acting = actingAs(ctx, principal);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const { entryId, approvalId } = await resolveEntry(tx, t, input.id);
    const entry = await findEntryForReversal(tx, t, entryId);
    if (!entry) throw approvalsError('approvals.entry_not_found', `no journal entry ${entryId}`);
    if (entry.reversed_by)
      throw approvalsError(
        'approvals.already_reversed',
        `the adjustment ${entryId} was already reversed by ${entry.reversed_by} on ${entry.reversed_on}; nothing was changed`,
      );
    if (entry.reversal_of)
      throw approvalsError(
        'approvals.not_reversible',
        `${entryId} is itself the reversal of ${entry.reversal_of}; post the adjustment again instead`,
      );
    const rows = await findEntryApplications(tx, t, entryId);
    if (rows.length === 0)
      throw approvalsError(
        'approvals.not_reversible',
        `${entryId} is not an adjustment (a ${entry.source_type} entry): only write-offs, settlements, credit-memo netting and reinstatements are reversed here`,
      );
    if (rows.some((r) => r.receipt_id !== null))
      throw approvalsError(
        'approvals.not_reversible',
        `${entryId} applies a receipt: undo it with \`arbor cash unapply\` (POST /api/receipts/{id}/unapply)`,
      );
    if (
      rows.some((r) => r.reversal_of !== null || r.created_item_id !== null || !ADJUSTMENT_KINDS.has(r.kind))
    )
      throw approvalsError(
        'approvals.not_reversible',
        `${entryId} is not an adjustment that can be reversed`,
      );
    const partly = rows.filter((r) => r.reversed_by !== null);
    if (partly.length > 0)
      throw approvalsError(
        'approvals.already_reversed',
        `rows of ${entryId} were already reversed (${partly.map((r) => r.reversed_by).join(', ')}); nothing was changed`,
      );

    // What the reversal does to each item: settling rows give back their amount; write-off rows
    // (negative) take their amount off what the item has written off.
    const itemIds = [...new Set(rows.flatMap((r) => (r.item_id ? [r.item_id] : [])))];
    const items = await lockItems(tx, t, itemIds);
    const writtenOff = await findWrittenOffAmounts(tx, t, itemIds);
    const problems: string[] = [];
    const reopened: ReversedItem[] = [];
    for (const id of itemIds) {
      const item = items.get(id);
      if (!item) throw approvalsError('approvals.item_not_found', `item ${id} not found`);
      const fmt = (v: bigint) => formatAmount(v < 0n ? -v : v, item.currency);
      const mine = rows.filter((r) => r.item_id === id);
      const settled = mine
        .filter((r) => r.kind === 'invoice' || r.kind === 'credit_memo')
        .reduce((s, r) => s + r.amount_minor, 0n);
      const writeOff = mine.filter((r) => r.kind === 'write_off').reduce((s, r) => s + r.amount_minor, 0n);
      const openAfter = item.openMinor + settled;
      const debit = item.amountMinor > 0n;
      if ((writtenOff.get(id) ?? 0n) + writeOff < 0n)
        problems.push(
          `${item.number} has had ${fmt(-writeOff - (writtenOff.get(id) ?? 0n))} of this write-off recovered since; reverse the reinstatement first`,
        );
      else if (debit ? openAfter > item.amountMinor : openAfter < item.amountMinor)
        problems.push(
          `${item.number} has ${fmt(item.openMinor)} open of ${fmt(item.amountMinor)}: reopening it by ${fmt(settled)} would go beyond its amount`,
        );
      else if (debit ? openAfter < 0n : openAfter > 0n)
        problems.push(
          `${item.number} has been paid or credited since: ${fmt(item.openMinor)} open, and undoing this needs ${fmt(settled)}; unapply that first`,
        );
      reopened.push({
        itemId: id,
        itemNumber: item.number,
        currency: item.currency,
        openBeforeMinor: item.openMinor,
        openAfterMinor: openAfter,
      });
    }
    if (problems.length > 0)
      throw approvalsError('approvals.items_changed', `cannot reverse ${entryId}: ${problems.join('; ')}`, {
        details: { problems },
      });

    const reversal = await createReceivablesService(acting).reverseApplications(tx, {
      applicationIds: rows.map((r) => r.id),
      date: ctx.clock.today(),
      notBeforeRows: true,
      reason,
    });
    const reversalEntryId = reversal.entryIds[0];
    if (!reversalEntryId || reversal.entryIds.length !== 1)
      throw new Error(`reversing ${entryId} posted ${reversal.entryIds.length} entries, expected one`);
    await recordAudit(tx, t, [
      {
        actor: acting.actor,
        action: 'adjustment.reversed',
        objectType: 'journal_entry',
        objectId: entryId,
        before: {
          approval_id: approvalId,
          items: reopened.map((i) => ({ id: i.itemId, number: i.itemNumber, open_minor: i.openBeforeMinor })),
        },
        after: {
          reversal_entry_id: reversalEntryId,
          reversal_ids: reversal.reversalIds,
          reason,
          date: ctx.clock.today(),
          requested_by: principal.userId,
          items: reopened.map((i) => ({ id: i.itemId, number: i.itemNumber, open_minor: i.openAfterMinor })),
        },
      },
    ]);
    return {
      entryId,
      reversalEntryId,
      approvalId,
      reversalIds: reversal.reversalIds,
      items: reopened,
    };
  });
}

/** A journal entry id as given, or the one entry an approved write-off or settlement posted. */
async function resolveEntry(
  tx: Executor,
  tenantId: number,
  id: string,
): Promise<{ entryId: string; approvalId: string | null }> {
  if (!id.startsWith('apr_')) return { entryId: id, approvalId: null };
  const request = await findApprovalRequest(tx, tenantId, id);
  if (!request) throw approvalsError('approvals.not_found', `no approval request ${id}`);
  if (request.kind !== 'write_off' && request.kind !== 'settlement')
    throw approvalsError(
      'approvals.not_reversible',
      `${id} is a ${request.kind.replace('_', ' ')}: only write-offs and settlements are reversed by their request; name the journal entry of a credit memo's netting`,
    );
  if (request.status !== 'approved')
    throw approvalsError(
      'approvals.not_reversible',
      `${id} is ${request.status}: nothing was posted to reverse`,
    );
  const result = (typeof request.result === 'string' ? JSON.parse(request.result) : request.result) as {
    entryIds?: unknown;
  } | null;
  const entryIds = Array.isArray(result?.entryIds)
    ? result.entryIds.filter((e) => typeof e === 'string')
    : [];
  const entryId = entryIds[0];
  if (entryIds.length !== 1 || typeof entryId !== 'string')
    throw approvalsError(
      'approvals.not_reversible',
      `${id} did not post exactly one entry; name the entry to reverse`,
    );
  return { entryId, approvalId: id };
}
