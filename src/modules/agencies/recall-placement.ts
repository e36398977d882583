import type { ServiceContext } from '../../core/context.ts';
import { ulid } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { recordAudit } from '../audit/index.ts';
import { agenciesError } from './agencies.errors.ts';
import { closePlacements, findPlacedItems, findPlacements } from './agencies.repo.ts';
import { type Placement, toPlacement } from './place-accounts.ts';

/**
 * Takes a placement back from the agency: the items return to the collector's worklist. Recoveries
 * the agency reports later for money it collected before the recall can still be recorded against it.
 */
export async function recallPlacement(
  ctx: ServiceContext,
  input: { placementId: string; reason: string; date?: LocalDate },
): Promise<Placement> {
  const reason = input.reason.trim();
  if (reason === '') throw agenciesError('agencies.invalid_request', 'a recall needs a reason');
  const day = input.date ?? ctx.clock.today();
  return ctx.database.db.transaction().execute(async (tx) => {
    const [p] = await findPlacements(tx, ctx.tenantId, { ids: [input.placementId], forUpdate: true });
    if (!p) throw agenciesError('agencies.placement_not_found', `no placement ${input.placementId}`);
    if (p.status !== 'placed')
      throw agenciesError('agencies.not_placed', `placement ${p.id} is ${p.status} already (${p.closed_on})`);
    if (day < p.placed_on)
      throw agenciesError(
        'agencies.invalid_request',
        `cannot recall on ${day}, before the placement (${p.placed_on})`,
      );
    const items = await findPlacedItems(tx, ctx.tenantId, [p.id]);
    await closePlacements(tx, ctx.tenantId, [p.id], { status: 'recalled', on: day, reason });
    await tx
      .insertInto('collection_activities')
      .values({
        tenant_id: ctx.tenantId,
        id: `act_${ulid()}`,
        customer_id: p.customer_id,
        kind: 'agency_recall',
        notes: `recalled from ${p.agency_code}: ${reason}`,
        occurred_at: ctx.clock.now(),
        status: 'done',
        related_id: p.id,
        item_ids: items.map((i) => i.item_id),
        created_by: ctx.actor,
      })
      .execute();
    const [after] = await findPlacements(tx, ctx.tenantId, { ids: [p.id] });
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'agency.recalled',
        objectType: 'agency_placement',
        objectId: p.id,
        before: { status: p.status },
        after: { status: 'recalled', closed_on: day, reason, open_minor: p.open_minor.toString() },
      },
    ]);
    return toPlacement(after as NonNullable<typeof after>);
  });
}
