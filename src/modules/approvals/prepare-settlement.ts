import type { Executor, ServiceContext } from '../../core/context.ts';
import type { InputIssue } from '../../core/errors.ts';
import { formatAmount } from '../../core/money.ts';
import {
  buildWriteOffBatch,
  createReceivablesService,
  isCreditItemType,
  lockItems,
} from '../receivables/index.ts';
import { approvalsError } from './approvals.errors.ts';
import { findCustomerById } from './approvals.repo.ts';
import type { Adjustment } from './contract.ts';
import { allocateSettlement } from './logic/allocate-settlement.ts';
import { explain, type PreparedAdjustment } from './prepared-adjustment.ts';

/** The reason code on the write-off rows of a settlement. */
export const SETTLEMENT_REASON = 'settlement';

/**
 * A settlement: the customer will pay the agreed amount for these items, and the rest of their open
 * total is written off now (Dr allowance, Cr AR on each item), spread over the items by
 * allocateSettlement; the items stay open for the agreed amount, to be paid as usual. What the
 * limits measure is the amount written off.
 */
export async function prepareSettlement(
  tx: Executor,
  ctx: ServiceContext,
  adjustment: Extract<Adjustment, { kind: 'settlement' }>,
): Promise<PreparedAdjustment> {
  const t = ctx.tenantId;
  const customer = await findCustomerById(tx, t, adjustment.customerId);
  if (!customer)
    throw approvalsError('approvals.customer_not_found', `customer ${adjustment.customerId} not found`);
  const agreed = adjustment.agreedAmount;
  const locked = await lockItems(tx, t, adjustment.itemIds);
  const missing = adjustment.itemIds.filter((id) => !locked.has(id));
  if (missing.length > 0)
    throw approvalsError('approvals.item_not_found', `item ${missing.join(', ')} not found`);
  const items = adjustment.itemIds.flatMap((id) => {
    const item = locked.get(id);
    return item ? [item] : [];
  });
  const issues: InputIssue[] = [];
  const entityId = items[0]?.entityId;
  for (const item of items) {
    const problem =
      item.customerId !== customer.id
        ? `belongs to another customer than ${customer.accountNumber}`
        : isCreditItemType(item.type)
          ? `is a ${item.type.replace('_', ' ')}; a settlement covers what the customer owes`
          : item.currency !== agreed.currency
            ? `is in ${item.currency}, not ${agreed.currency}`
            : item.entityId !== entityId
              ? 'belongs to another entity than the other items'
              : null;
    if (problem) issues.push({ column: item.number, message: `${item.number} ${problem}` });
  }
  if (issues.length > 0)
    throw approvalsError(
      'approvals.invalid_request',
      `cannot settle: ${issues.map((i) => i.message).join('; ')}`,
      { issues },
    );
  const closed = items.filter((i) => i.openMinor <= 0n);
  if (closed.length > 0)
    throw approvalsError(
      'approvals.exceeds_open',
      `${closed.map((i) => i.number).join(', ')} ${closed.length === 1 ? 'has' : 'have'} nothing open to settle`,
    );
  const allocation = allocateSettlement(
    items.map((i) => ({ itemId: i.id, openMinor: i.openMinor })),
    agreed.amountMinor,
  );
  if (!allocation.ok) throw approvalsError('approvals.invalid_request', allocation.problem);
  const fmt = (v: bigint) => formatAmount(v, agreed.currency);
  const number = new Map(items.map((i) => [i.id, i.number]));
  const first = items[0];
  if (!first) throw approvalsError('approvals.invalid_request', 'a settlement needs at least one item');
  return {
    adjustment,
    amount: { amountMinor: allocation.remainderMinor, currency: agreed.currency },
    customerId: customer.id,
    subjectId: items.length === 1 ? first.id : null,
    reason: adjustment.note ?? `settle ${fmt(allocation.openMinor)} for ${fmt(agreed.amountMinor)}`,
    object: { type: 'customer', id: customer.id },
    before: {
      items: items.map((i) => ({ id: i.id, number: i.number, open_minor: i.openMinor })),
      open_minor: allocation.openMinor,
    },
    async post(meta) {
      const batch = buildWriteOffBatch({
        entityId: first.entityId,
        currency: agreed.currency,
        date: ctx.clock.today(),
        reasonCode: SETTLEMENT_REASON,
        parts: allocation.parts
          .filter((p) => p.writeOffMinor > 0n)
          .map((p) => ({ itemId: p.itemId, customerId: customer.id, amountMinor: p.writeOffMinor })),
        explanation: explain(
          `settlement of ${fmt(allocation.openMinor)} for ${fmt(agreed.amountMinor)}`,
          adjustment.note,
          meta.approvalId,
          ctx.actor,
        ),
      });
      const r = await createReceivablesService(ctx).applyBatches(tx, [batch]);
      return {
        kind: 'settlement',
        customerId: customer.id,
        agreedAmount: agreed,
        writtenOff: { amountMinor: allocation.remainderMinor, currency: agreed.currency },
        items: allocation.parts.map((p) => ({
          itemId: p.itemId,
          itemNumber: number.get(p.itemId) ?? p.itemId,
          writtenOffMinor: p.writeOffMinor,
          openAfterMinor: p.openAfterMinor,
        })),
        entryIds: r.entryIds,
        applicationIds: r.applicationIds,
      };
    },
  };
}
