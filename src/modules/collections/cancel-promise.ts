import type { ServiceContext } from '../../core/context.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import { collectionsError } from './collections.errors.ts';
import { type Access, getCustomerOfObject, text } from './collections.lookup.ts';
import { findPromise, insertActivity, updatePromise } from './collections.repo.ts';
import { toPromiseView } from './collections.views.ts';
import type { PromiseView } from './contract.ts';

/** Withdraws an open promise (recorded by mistake, or replaced by a plan); kept and broken ones are final. */
export async function cancelPromise(
  ctx: ServiceContext,
  id: string,
  options: { readonly reason?: string } = {},
  access: Access = {},
): Promise<PromiseView> {
  const reason = text('reason', options.reason, 1000);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const row = await findPromise(tx, t, id, true);
    if (!row) throw collectionsError('collections.promise_not_found', `no promise ${id}`);
    const customer = await getCustomerOfObject(tx, t, row.customer_id, access, () =>
      collectionsError('collections.promise_not_found', `no promise ${id}`),
    );
    if (row.status !== 'open')
      throw collectionsError('collections.promise_closed', `promise ${id} is already ${row.status}`);
    const today = ctx.clock.today();
    await updatePromise(tx, t, id, { status: 'cancelled', paid_minor: row.paid_minor, resolved_on: today });
    await insertActivity(tx, t, {
      id: newCollectionsId('activity'),
      customerId: row.customer_id,
      kind: 'promise',
      outcomeCode: 'cancelled',
      notes: reason,
      occurredAt: ctx.clock.now(),
      relatedId: id,
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'collections.promise_cancelled',
        objectType: 'promise',
        objectId: id,
        before: { status: 'open' },
        after: { status: 'cancelled', resolved_on: today, reason },
      },
    ]);
    const after = await findPromise(tx, t, id);
    if (!after) throw new Error(`promise ${id} vanished`);
    return toPromiseView(after, customer);
  });
}
