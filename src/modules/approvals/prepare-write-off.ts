import type { Executor, ServiceContext } from '../../core/context.ts';
import { formatAmount, type Money } from '../../core/money.ts';
import {
  buildWriteOffBatch,
  createReceivablesService,
  isCreditItemType,
  lockItems,
} from '../receivables/index.ts';
import { approvalsError } from './approvals.errors.ts';
import type { Adjustment } from './contract.ts';
import { explain, type PreparedAdjustment } from './prepared-adjustment.ts';

/**
 * A write-off of one debit item (invoice, debit memo, deduction), by default its whole open amount:
 * Dr allowance for doubtful accounts, Cr AR on the item (DOMAIN.md), as an application batch without
 * a receipt (buildWriteOffBatch; ADR 0012). A credit balance is not written off here: that would
 * credit income rather than the allowance, and is refunded or applied instead.
 */
export async function prepareWriteOff(
  tx: Executor,
  ctx: ServiceContext,
  adjustment: Extract<Adjustment, { kind: 'write_off' }>,
): Promise<PreparedAdjustment> {
  const item = (await lockItems(tx, ctx.tenantId, [adjustment.itemId])).get(adjustment.itemId);
  if (!item) throw approvalsError('approvals.item_not_found', `item ${adjustment.itemId} not found`);
  const fmt = (v: bigint) => formatAmount(v, item.currency);
  if (isCreditItemType(item.type))
    throw approvalsError(
      'approvals.invalid_request',
      `${item.number} is a ${item.type.replace('_', ' ')}: a credit balance is refunded or applied, not written off`,
    );
  if (item.openMinor <= 0n)
    throw approvalsError('approvals.exceeds_open', `${item.number} has nothing open to write off`);
  const amount: Money = adjustment.amount ?? { amountMinor: item.openMinor, currency: item.currency };
  if (amount.currency !== item.currency)
    throw approvalsError(
      'approvals.invalid_request',
      `${item.number} is in ${item.currency}, not ${amount.currency}`,
    );
  if (amount.amountMinor > item.openMinor)
    throw approvalsError(
      'approvals.exceeds_open',
      `${item.number} has ${fmt(item.openMinor)} open; cannot write off ${fmt(amount.amountMinor)}`,
    );
  const openBefore = item.openMinor;
  return {
    adjustment: { ...adjustment, amount },
    amount,
    customerId: item.customerId,
    subjectId: item.id,
    reason: adjustment.reasonCode,
    object: { type: 'item', id: item.id },
    before: { number: item.number, open_minor: openBefore },
    async post(meta) {
      const batch = buildWriteOffBatch({
        entityId: item.entityId,
        currency: item.currency,
        date: ctx.clock.today(),
        reasonCode: adjustment.reasonCode,
        parts: [{ itemId: item.id, customerId: item.customerId, amountMinor: amount.amountMinor }],
        explanation: explain(
          `write-off (${adjustment.reasonCode})`,
          adjustment.note,
          meta.approvalId,
          ctx.actor,
        ),
      });
      const r = await createReceivablesService(ctx).applyBatches(tx, [batch]);
      return {
        kind: 'write_off',
        itemId: item.id,
        itemNumber: item.number,
        amount,
        openAfterMinor: openBefore - amount.amountMinor,
        entryIds: r.entryIds,
        applicationIds: r.applicationIds,
      };
    },
  };
}
