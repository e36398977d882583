import type { ServiceContext } from '../../core/context.ts';
import { isLocalDate } from '../../core/local-date.ts';
import { money } from '../../core/money.ts';
import { requestAdjustment } from '../approvals/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Principal } from '../identity/index.ts';
import { inTransaction, joinedContext, newCollectionsId } from './collections.context.ts';
import {
  type Access,
  checkPositive,
  getCustomerOrThrow,
  invalid,
  resolveCustomerItems,
  show,
  text,
  toMoney,
} from './collections.lookup.ts';
import { insertActivity } from './collections.repo.ts';
import type { SettleInput, SettleResult } from './contract.ts';
import { makePromise } from './make-promise.ts';

/**
 * A settlement: the customer agrees to pay `agreedAmount` for some items and the rest of their open
 * total is written off — through approvals (requestAdjustment, kind `settlement`), so above the
 * principal's limit nothing is written off until another user approves. A `settlement` activity on
 * the account links the approval request (or, within the limit, records what was written off); with
 * `payBy`, a promise to pay the agreed amount by that day is recorded as well. One transaction.
 */
export async function settleAccount(
  ctx: ServiceContext,
  principal: Principal,
  input: SettleInput,
  access: Access = {},
): Promise<SettleResult> {
  const note = text('note', input.note, 1000);
  if (input.items.length === 0) throw invalid('items', 'name at least one item the settlement covers');
  if (input.payBy !== undefined && !isLocalDate(input.payBy))
    throw invalid('payBy', `"${input.payBy}" is not a date (YYYY-MM-DD)`);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const joined = joinedContext(ctx, tx);
    const customer = await getCustomerOrThrow(tx, t, input.customer, access);
    const agreed = toMoney('agreedAmount', input.agreedAmount, customer.currency);
    const currency = agreed.currency;
    checkPositive('agreedAmount', agreed, currency);
    const items = await resolveCustomerItems(tx, t, customer, input.items, currency);
    const outcome = await requestAdjustment(joined, principal, {
      kind: 'settlement',
      customerId: customer.id,
      itemIds: items.map((i) => i.id),
      agreedAmount: agreed,
      ...(note === null ? {} : { note }),
    });
    const writtenOff =
      outcome.status === 'applied' && outcome.result.kind === 'settlement' ? outcome.result.writtenOff : null;
    const open = items.reduce((s, i) => s + i.openMinor, 0n);
    const activityId = newCollectionsId('activity');
    const line =
      outcome.status === 'pending'
        ? `settlement: ${show(agreed)} agreed for ${items.map((i) => i.number).join(', ')} (open ${show(money(open, currency))}); the rest waits for approval ${outcome.approvalId}`
        : `settlement: ${show(agreed)} agreed for ${items.map((i) => i.number).join(', ')}; ${writtenOff ? show(writtenOff) : 'nothing'} written off`;
    await insertActivity(tx, t, {
      id: activityId,
      customerId: customer.id,
      kind: 'settlement',
      outcomeCode: outcome.status === 'pending' ? 'pending_approval' : 'applied',
      notes: note === null ? line : `${line}\n${note}`,
      occurredAt: ctx.clock.now(),
      relatedId: outcome.approvalId,
      itemIds: items.map((i) => i.id),
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'collections.settlement_recorded',
        objectType: 'customer',
        objectId: customer.id,
        after: {
          activity_id: activityId,
          approval_id: outcome.approvalId,
          status: outcome.status,
          agreed_minor: agreed.amountMinor,
          currency,
          item_ids: items.map((i) => i.id),
        },
      },
    ]);
    const promise =
      input.payBy === undefined
        ? null
        : await makePromise(
            joined,
            {
              customer: { customerId: customer.id },
              amount: agreed,
              promisedDate: input.payBy,
              items: items.map((i) => i.id),
              notes: `settlement: ${show(agreed)} by ${input.payBy}`,
            },
            access,
          );
    return {
      status: outcome.status,
      approvalId: outcome.approvalId,
      activityId,
      promiseId: promise?.id ?? null,
      writtenOff,
    };
  });
}
