import type { ServiceContext } from '../../core/context.ts';
import { money } from '../../core/money.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import { collectionsError } from './collections.errors.ts';
import {
  type Access,
  checkPositive,
  code,
  getCustomerOrThrow,
  invalid,
  show,
  text,
  toMoney,
} from './collections.lookup.ts';
import { findDispute, findItems, insertActivity, insertDispute } from './collections.repo.ts';
import { toDisputeView } from './collections.views.ts';
import type { DisputeView, OpenDisputeInput } from './contract.ts';

const DISPUTABLE = new Set(['invoice', 'debit_memo', 'deduction']);

/**
 * Opens a dispute (or records a deduction taken by the customer as one): about an item — an
 * invoice, debit memo, or a deduction item cash application created — or the account as a whole;
 * an amount (default: the item's open amount), a reason code and an owner (default: the customer's
 * collector). While open it pauses dunning for the customer (findPausedCustomers).
 */
export async function openDispute(
  ctx: ServiceContext,
  input: OpenDisputeInput,
  access: Access = {},
): Promise<DisputeView> {
  const reasonCode = code('reasonCode', input.reasonCode, true);
  const ownerText = text('owner', input.owner, 100);
  const notes = text('notes', input.notes, 4000);
  if (input.item === undefined && input.customer === undefined)
    throw invalid('customer', 'or item: say what is disputed');
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    let item = null;
    if (input.item !== undefined) {
      item = (await findItems(tx, t, [input.item.trim()])).get(input.item.trim()) ?? null;
      if (!item) throw collectionsError('collections.item_not_found', `no item ${input.item}`);
      if (!DISPUTABLE.has(item.type))
        throw invalid(
          'item',
          `${item.number} is a ${item.type.replace('_', ' ')}; disputes are about invoices, debit memos and deductions`,
        );
    }
    const customer = await getCustomerOrThrow(
      tx,
      t,
      input.customer ?? { customerId: (item as { customerId: string }).customerId },
      access,
    );
    if (item && item.customerId !== customer.id)
      throw invalid('item', `${item.number} belongs to another customer than ${customer.accountNumber}`);
    const currency = item?.currency ?? customer.currency;
    const amount =
      input.amount !== undefined
        ? toMoney('amount', input.amount, currency)
        : item
          ? money(item.openMinor, currency)
          : undefined;
    if (amount === undefined) throw invalid('amount', 'is required for a dispute about the account');
    if (item && input.amount === undefined && item.openMinor <= 0n)
      throw invalid('amount', `is required: ${item.number} has nothing open`);
    checkPositive('amount', amount, currency);
    const id = newCollectionsId('dispute');
    const owner = ownerText ?? customer.collector;
    const today = ctx.clock.today();
    await insertDispute(tx, t, {
      id,
      customer_id: customer.id,
      item_id: item?.id ?? null,
      currency,
      amount_minor: amount.amountMinor,
      reason_code: reasonCode,
      owner,
      opened_on: today,
      notes,
      created_by: ctx.actor,
    });
    await insertActivity(tx, t, {
      id: newCollectionsId('activity'),
      customerId: customer.id,
      kind: 'dispute',
      outcomeCode: 'opened',
      notes: `dispute of ${show(amount)}${item ? ` on ${item.number}` : ''} (${reasonCode})`,
      occurredAt: ctx.clock.now(),
      assignedTo: owner,
      relatedId: id,
      itemIds: item ? [item.id] : [],
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'collections.dispute_opened',
        objectType: 'dispute',
        objectId: id,
        after: {
          customer_id: customer.id,
          item_id: item?.id ?? null,
          amount_minor: amount.amountMinor,
          currency,
          reason_code: reasonCode,
          owner,
          status: 'open',
          opened_on: today,
        },
      },
    ]);
    const row = await findDispute(tx, t, id);
    if (!row) throw new Error(`dispute ${id} vanished`);
    return toDisputeView(row, customer, item?.number ?? null);
  });
}
