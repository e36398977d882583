import type { ServiceContext } from '../../core/context.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import { collectionsError } from './collections.errors.ts';
import { type Access, getCustomerOrThrow, loadSettings, text } from './collections.lookup.ts';
import { findHoldsInForce, insertActivity, insertHold } from './collections.repo.ts';
import type { CustomerKey, HoldView } from './contract.ts';
import { buildHoldViews } from './hold-view.ts';

/**
 * Puts a customer's credit on hold, with a reason: order systems asking GET
 * /api/customers/{account}/credit-hold then refuse new credit. At most one hold is in force per
 * customer (a unique index says so too); placing a second is a conflict.
 */
export async function placeCreditHold(
  ctx: ServiceContext,
  customer: CustomerKey,
  options: { readonly reason: string },
  access: Access = {},
): Promise<HoldView> {
  const reason = text('reason', options.reason, 1000, true);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const c = await getCustomerOrThrow(tx, t, customer, access, true);
    const [existing] = await findHoldsInForce(tx, t, { customerIds: [c.id] });
    if (existing)
      throw collectionsError(
        'collections.hold_in_force',
        `customer ${c.accountNumber} is already on credit hold since ${existing.placed_at.toISOString()} (${existing.reason})`,
      );
    const id = newCollectionsId('hold');
    const now = ctx.clock.now();
    await insertHold(tx, t, { id, customer_id: c.id, reason, placed_by: ctx.actor, placed_at: now });
    await insertActivity(tx, t, {
      id: newCollectionsId('activity'),
      customerId: c.id,
      kind: 'credit_hold',
      notes: reason,
      occurredAt: now,
      relatedId: id,
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'collections.credit_hold_placed',
        objectType: 'customer',
        objectId: c.id,
        before: { on_hold: false },
        after: { on_hold: true, hold_id: id, reason },
      },
    ]);
    const settings = await loadSettings(tx, t);
    const [hold] = await findHoldsInForce(tx, t, { customerIds: [c.id] });
    const [view] = await buildHoldViews(
      tx,
      t,
      [c],
      new Map(hold ? [[c.id, hold]] : []),
      ctx.clock.today(),
      settings,
    );
    if (!view) throw new Error('no hold view');
    return view;
  });
}
