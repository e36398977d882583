import type { ServiceContext } from '../../core/context.ts';
import { isLocalDate } from '../../core/local-date.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
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
import { findPromise, insertActivity, insertPromise } from './collections.repo.ts';
import { toPromiseView } from './collections.views.ts';
import type { MakePromiseInput, PromiseView } from './contract.ts';

/**
 * Records a promise to pay an amount by a date, for the account or for some of its items. Made today;
 * the promised date is today or later. `evaluatePromises` later decides kept or broken from the cash
 * applied meanwhile. Several promises may be open at once (a part now, the rest later).
 */
export async function makePromise(
  ctx: ServiceContext,
  input: MakePromiseInput,
  access: Access = {},
): Promise<PromiseView> {
  if (!isLocalDate(input.promisedDate))
    throw invalid('promisedDate', `"${input.promisedDate}" is not a date (YYYY-MM-DD)`);
  const today = ctx.clock.today();
  if (input.promisedDate < today)
    throw invalid(
      'promisedDate',
      `${input.promisedDate} is in the past; a promise is to pay on or after today (${today})`,
    );
  const notes = text('notes', input.notes, 4000);
  const contactName = text('contactName', input.contactName, 200);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const customer = await getCustomerOrThrow(tx, t, input.customer, access);
    const amount = toMoney('amount', input.amount, customer.currency);
    const currency = amount.currency;
    checkPositive('amount', amount, currency);
    const items = await resolveCustomerItems(tx, t, customer, input.items, currency);
    const id = newCollectionsId('promise');
    const itemIds = items.map((i) => i.id);
    await insertPromise(tx, t, {
      id,
      customer_id: customer.id,
      currency,
      amount_minor: amount.amountMinor,
      promised_date: input.promisedDate,
      item_ids: itemIds,
      made_on: today,
      created_by: ctx.actor,
    });
    await insertActivity(tx, t, {
      id: newCollectionsId('activity'),
      customerId: customer.id,
      kind: 'promise',
      outcomeCode: 'made',
      contactName,
      notes: notes ?? `promise to pay ${show(amount)} by ${input.promisedDate}`,
      occurredAt: ctx.clock.now(),
      relatedId: id,
      itemIds,
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'collections.promise_made',
        objectType: 'promise',
        objectId: id,
        after: {
          customer_id: customer.id,
          amount_minor: amount.amountMinor,
          currency,
          promised_date: input.promisedDate,
          item_ids: itemIds,
          status: 'open',
        },
      },
    ]);
    const row = await findPromise(tx, t, id);
    if (!row) throw new Error(`promise ${id} vanished`);
    return toPromiseView(row, customer);
  });
}
