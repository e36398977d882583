import type { Executor, ServiceContext } from '../../core/context.ts';
import { maxDate } from '../../core/local-date.ts';
import { formatAmount } from '../../core/money.ts';
import { createReceivablesService, lockReceipts } from '../receivables/index.ts';
import { approvalsError } from './approvals.errors.ts';
import type { Adjustment } from './contract.ts';
import { explain, type PreparedAdjustment } from './prepared-adjustment.ts';

/**
 * Pays part of a receipt's unapplied money back: a `refund` application row, posted Dr unapplied
 * cash / Cr cash (DOMAIN.md, refund of a credit balance) — the same row and posting as the
 * workbench's refund (cash-application/workbench.ts). The workbench function itself opens its own
 * transaction, and an approved refund must post inside the decision's transaction, so the row is
 * applied here through the same receivables path.
 */
export async function prepareRefund(
  tx: Executor,
  ctx: ServiceContext,
  adjustment: Extract<Adjustment, { kind: 'refund' }>,
): Promise<PreparedAdjustment> {
  const receipt = (await lockReceipts(tx, ctx.tenantId, [adjustment.receiptId])).get(adjustment.receiptId);
  if (!receipt)
    throw approvalsError('approvals.receipt_not_found', `receipt ${adjustment.receiptId} not found`);
  const { amount } = adjustment;
  if (amount.currency !== receipt.currency)
    throw approvalsError(
      'approvals.invalid_request',
      `receipt ${receipt.reference} is in ${receipt.currency}, not ${amount.currency}`,
    );
  if (amount.amountMinor > receipt.unappliedMinor) {
    const fmt = (v: bigint) => formatAmount(v, receipt.currency);
    throw approvalsError(
      'approvals.exceeds_open',
      `receipt ${receipt.reference} has ${fmt(receipt.unappliedMinor)} unapplied; cannot refund ${fmt(amount.amountMinor)}`,
    );
  }
  const unappliedBefore = receipt.unappliedMinor;
  return {
    adjustment,
    amount,
    customerId: receipt.customerId,
    subjectId: receipt.id,
    reason: adjustment.note,
    object: { type: 'receipt', id: receipt.id },
    before: { reference: receipt.reference, unapplied_minor: unappliedBefore },
    async post(meta) {
      const r = await createReceivablesService(ctx).applyBatches(tx, [
        {
          entityId: receipt.entityId,
          currency: receipt.currency,
          appliedDate: maxDate(ctx.clock.today(), receipt.receiptDate),
          receiptId: receipt.id,
          status: 'manual',
          rows: [
            { kind: 'refund', amountMinor: amount.amountMinor, itemId: null, customerId: receipt.customerId },
          ],
          explanation: explain('refund', adjustment.note, meta.approvalId, ctx.actor),
        },
      ]);
      return {
        kind: 'refund',
        receiptId: receipt.id,
        reference: receipt.reference,
        amount,
        unappliedAfterMinor: unappliedBefore - amount.amountMinor,
        entryIds: r.entryIds,
        applicationIds: r.applicationIds,
      };
    },
  };
}
