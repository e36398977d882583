import type { ServiceContext } from '../../core/context.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import { collectionsError } from './collections.errors.ts';
import { type Access, getCustomerOrThrow, loadSettings, text } from './collections.lookup.ts';
import { findHoldsInForce, insertActivity, releaseHold } from './collections.repo.ts';
import type { CustomerKey, HoldView } from './contract.ts';
import { buildHoldViews } from './hold-view.ts';

/** Releases the customer's credit hold, with a reason; the hold stays on file with who released it and when. */
export async function releaseCreditHold(
  ctx: ServiceContext,
  customer: CustomerKey,
  options: { readonly reason: string },
  access: Access = {},
): Promise<HoldView> {
  const reason = text('reason', options.reason, 1000, true);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const c = await getCustomerOrThrow(tx, t, customer, access, true);
    const [hold] = await findHoldsInForce(tx, t, { customerIds: [c.id], lock: true });
    if (!hold)
      throw collectionsError('collections.no_hold', `customer ${c.accountNumber} is not on credit hold`);
    const now = ctx.clock.now();
    await releaseHold(tx, t, hold.id, { released_by: ctx.actor, released_at: now, release_reason: reason });
    await insertActivity(tx, t, {
      id: newCollectionsId('activity'),
      customerId: c.id,
      kind: 'credit_release',
      notes: reason,
      occurredAt: now,
      relatedId: hold.id,
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'collections.credit_hold_released',
        objectType: 'customer',
        objectId: c.id,
        before: { on_hold: true, hold_id: hold.id, reason: hold.reason },
        after: { on_hold: false, hold_id: hold.id, release_reason: reason },
      },
    ]);
    const settings = await loadSettings(tx, t);
    const [view] = await buildHoldViews(tx, t, [c], new Map(), ctx.clock.today(), settings);
    if (!view) throw new Error('no hold view');
    return view;
  });
}
