import type { ServiceContext } from '../../core/context.ts';
import type { Money } from '../../core/money.ts';
import type { Principal } from '../identity/index.ts';
import { createReceivablesService, lockItems } from '../receivables/index.ts';
import { actingAs, inTransaction, throwRefusal } from './approvals.context.ts';
import { approvalsError } from './approvals.errors.ts';
import { checkRequester } from './logic/approval-rules.ts';

export interface ReinstatementInput {
  readonly itemId: string;
  /** Default: all the item has written off (net of earlier recoveries). */
  readonly amount?: Money;
  readonly reason: string;
}

export interface ReinstatementResult {
  readonly itemId: string;
  readonly itemNumber: string;
  readonly amount: Money;
  readonly openAfterMinor: bigint;
  readonly writtenOffAfterMinor: bigint;
  readonly entryId: string;
  readonly applicationIds: readonly string[];
}

/**
 * Recovery of a written-off amount: reopens the item by up to what it has written off (Dr AR, Cr
 * allowance; receivables.reinstateWrittenOff), dated today, so that the money received for it is
 * then applied as usual (cash application, `arbor cash apply`). Asked for by a user who may request
 * adjustments, as a write-off is; it moves no money out of the books and so needs no approval.
 * Audited (`item.reinstated`) with the reason.
 */
export async function reinstateWriteOff(
  ctx: ServiceContext,
  principal: Principal,
  input: ReinstatementInput,
): Promise<ReinstatementResult> {
  throwRefusal(checkRequester(principal, ctx.tenantId));
  const reason = input.reason.trim();
  if (reason === '' || reason.length > 500)
    throw approvalsError(
      'approvals.invalid_request',
      'reason: give why the amount is reinstated (1 to 500 characters)',
      {
        issues: [{ column: 'reason', message: 'required, at most 500 characters' }],
      },
    );
  const acting = actingAs(ctx, principal);
  return inTransaction(ctx, async (tx) => {
    const item = (await lockItems(tx, ctx.tenantId, [input.itemId])).get(input.itemId);
    if (!item) throw approvalsError('approvals.item_not_found', `item ${input.itemId} not found`);
    if (input.amount && input.amount.currency !== item.currency)
      throw approvalsError(
        'approvals.invalid_request',
        `${item.number} is in ${item.currency}, not ${input.amount.currency}`,
      );
    const r = await createReceivablesService(acting).reinstateWrittenOff(tx, {
      parts: [{ itemId: item.id, ...(input.amount ? { amountMinor: input.amount.amountMinor } : {}) }],
      date: ctx.clock.today(),
      reason,
    });
    const part = r.items[0];
    if (!part) throw new Error('a reinstatement of one item returned none');
    return {
      itemId: item.id,
      itemNumber: item.number,
      amount: { amountMinor: part.amountMinor, currency: item.currency },
      openAfterMinor: part.openAfterMinor,
      writtenOffAfterMinor: part.writtenOffAfterMinor,
      entryId: r.entryId,
      applicationIds: r.applicationIds,
    };
  });
}
