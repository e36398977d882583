import type { ServiceContext } from '../../core/context.ts';
import { ulid } from '../../core/ids.ts';
import { addDays, type LocalDate } from '../../core/local-date.ts';
import { recordAudit } from '../audit/index.ts';
import { agenciesError } from './agencies.errors.ts';
import { findPlaceableItems, findPlacements, type PlacementRow } from './agencies.repo.ts';
import { getAgencyOrThrow } from './manage-agencies.ts';

export interface PlaceAccountsInput {
  /** The agency's code. */
  readonly agency: string;
  /** Account numbers to place. */
  readonly accounts: readonly string[];
  /** The placement date (default today). */
  readonly date?: LocalDate;
  /** Only items at least this many days past due on the placement date. */
  readonly minDaysPastDue?: number;
  /** Only these item numbers (of those accounts). */
  readonly itemNumbers?: readonly string[];
  readonly notes?: string | null;
}

export interface Placement {
  readonly id: string;
  readonly agencyCode: string;
  readonly agencyName: string;
  readonly customerId: string;
  readonly accountNumber: string;
  readonly customerName: string;
  readonly currency: string;
  readonly placedOn: LocalDate;
  readonly placedMinor: bigint;
  readonly commissionRate: string;
  readonly status: 'placed' | 'recalled' | 'closed';
  readonly closedOn: LocalDate | null;
  readonly closeReason: string | null;
  /** Open today on the items placed. */
  readonly openMinor: bigint;
  readonly items: number;
}

export const toPlacement = (r: PlacementRow): Placement => ({
  id: r.id,
  agencyCode: r.agency_code,
  agencyName: r.agency_name,
  customerId: r.customer_id,
  accountNumber: r.account_number,
  customerName: r.customer_name,
  currency: r.currency,
  placedOn: r.placed_on,
  placedMinor: r.placed_minor,
  commissionRate: r.commission_rate.replace(/\.?0+$/, ''),
  status: r.status,
  closedOn: r.closed_on,
  closeReason: r.close_reason,
  openMinor: r.open_minor,
  items: r.items,
});

/**
 * Hands accounts to a collection agency: each account's open debit items not already with an agency
 * (optionally only those far enough past due, or named ones) become one placement per currency and
 * entity, at the agency's current commission rate. The collector's worklist leaves the placed items
 * out from then on; each placement is logged on the account (activity `agency_placement`) and in the
 * audit trail.
 */
export async function placeAccounts(ctx: ServiceContext, input: PlaceAccountsInput): Promise<Placement[]> {
  if (input.accounts.length === 0)
    throw agenciesError('agencies.invalid_request', 'name at least one account');
  const day = input.date ?? ctx.clock.today();
  const min = input.minDaysPastDue;
  if (min !== undefined && (!Number.isInteger(min) || min < 0))
    throw agenciesError(
      'agencies.invalid_request',
      `minimum days past due must be a whole number ≥ 0, not ${min}`,
    );
  return ctx.database.db.transaction().execute(async (tx) => {
    const agency = await getAgencyOrThrow(tx, ctx.tenantId, input.agency);
    if (!agency.active) throw agenciesError('agencies.agency_inactive', `agency ${agency.code} is inactive`);
    const accounts = [...new Set(input.accounts)];
    const customers = await tx
      .selectFrom('customers')
      .select(['id', 'account_number'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('account_number', 'in', accounts)
      .execute();
    const missing = accounts.filter((a) => !customers.some((c) => c.account_number === a));
    if (missing.length > 0)
      throw agenciesError('agencies.customer_not_found', `no customer ${missing.join(', ')}`);
    const items = await findPlaceableItems(tx, ctx.tenantId, {
      customerIds: customers.map((c) => c.id),
      dueBy: min === undefined ? null : addDays(day, -min),
      numbers: input.itemNumbers ? [...input.itemNumbers] : null,
    });
    if (items.length === 0)
      throw agenciesError(
        'agencies.nothing_to_place',
        `nothing to place: ${accounts.join(', ')} ${accounts.length === 1 ? 'has' : 'have'} no open items${min !== undefined ? ` ${min} or more days past due` : ''} that are not with an agency already`,
      );
    const groups = new Map<string, typeof items>();
    for (const i of items) {
      const key = `${i.customer_id}|${i.currency}|${i.entity_id}`;
      {
        const list = groups.get(key);
        if (list) list.push(i);
        else groups.set(key, [i]);
      }
    }
    const ids: string[] = [];
    const audit = [];
    for (const group of groups.values()) {
      const first = group[0] as (typeof items)[number];
      const id = `plc_${ulid()}`;
      ids.push(id);
      const total = group.reduce((s, i) => s + i.open_minor, 0n);
      await tx
        .insertInto('agency_placements')
        .values({
          tenant_id: ctx.tenantId,
          id,
          agency_id: agency.id,
          customer_id: first.customer_id,
          currency: first.currency,
          placed_on: day,
          placed_minor: total,
          commission_rate: agency.commission_rate,
          notes: input.notes ?? null,
          placed_by: ctx.actor,
        })
        .execute();
      await tx
        .insertInto('agency_placement_items')
        .values(
          group.map((i) => ({
            tenant_id: ctx.tenantId,
            placement_id: id,
            item_id: i.id,
            placed_minor: i.open_minor,
          })),
        )
        .execute();
      await tx
        .insertInto('collection_activities')
        .values({
          tenant_id: ctx.tenantId,
          id: `act_${ulid()}`,
          customer_id: first.customer_id,
          kind: 'agency_placement',
          notes: `placed with ${agency.code} (${agency.name}): ${group.length} item(s)${input.notes ? `; ${input.notes}` : ''}`,
          occurred_at: ctx.clock.now(),
          status: 'done',
          related_id: id,
          item_ids: group.map((i) => i.id),
          created_by: ctx.actor,
        })
        .execute();
      audit.push({
        actor: ctx.actor,
        action: 'agency.placed',
        objectType: 'agency_placement',
        objectId: id,
        after: {
          agency: agency.code,
          customer_id: first.customer_id,
          currency: first.currency,
          placed_on: day,
          placed_minor: total.toString(),
          commission_rate: agency.commission_rate,
          items: group.map((i) => ({ id: i.id, number: i.number, open_minor: i.open_minor.toString() })),
        },
      });
    }
    await recordAudit(tx, ctx.tenantId, audit);
    return (await findPlacements(tx, ctx.tenantId, { ids })).map(toPlacement);
  });
}
