import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import type { PlacementStatus } from '../../db/schema-agencies.ts';

/** SQL only, no rules. */

export interface AgencyRow {
  id: string;
  code: string;
  name: string;
  commission_rate: string;
  email: string | null;
  phone: string | null;
  active: boolean;
}

const AGENCY_COLUMNS = ['id', 'code', 'name', 'commission_rate', 'email', 'phone', 'active'] as const;

export async function findAgencyByCode(
  ex: Executor,
  tenantId: number,
  code: string,
): Promise<AgencyRow | null> {
  return (
    (await ex
      .selectFrom('agencies')
      .select(AGENCY_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('code', '=', code)
      .executeTakeFirst()) ?? null
  );
}

export async function findAgencies(ex: Executor, tenantId: number): Promise<AgencyRow[]> {
  return ex
    .selectFrom('agencies')
    .select(AGENCY_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .orderBy('code')
    .execute();
}

export interface PlaceableItemRow {
  id: string;
  number: string;
  customer_id: string;
  entity_id: string;
  currency: string;
  due_date: LocalDate;
  open_minor: bigint;
}

/**
 * Open debit items of the customers that are not with an agency now, optionally only those due on or
 * before `dueBy` or with the given numbers. Locked, so that a concurrent payment or placement waits.
 */
export async function findPlaceableItems(
  ex: Executor,
  tenantId: number,
  args: { customerIds: readonly string[]; dueBy: LocalDate | null; numbers: readonly string[] | null },
): Promise<PlaceableItemRow[]> {
  const r = await sql<PlaceableItemRow>`
    select i.id, i.number, i.customer_id, i.entity_id, i.currency, i.due_date, i.open_minor
    from items i
    where i.tenant_id = ${tenantId} and i.customer_id = any(${args.customerIds as string[]}::text[])
      and i.open_minor > 0
      ${args.dueBy === null ? sql`` : sql`and i.due_date <= ${args.dueBy}::date`}
      ${args.numbers === null ? sql`` : sql`and i.number = any(${args.numbers as string[]}::text[])`}
      and not exists (select 1 from agency_placement_items p
        where p.tenant_id = i.tenant_id and p.item_id = i.id and p.active)
    order by i.customer_id, i.currency, i.due_date, i.number
    for update of i`.execute(ex);
  return r.rows;
}

export interface PlacementRow {
  id: string;
  agency_id: string;
  agency_code: string;
  agency_name: string;
  customer_id: string;
  account_number: string;
  customer_name: string;
  currency: string;
  placed_on: LocalDate;
  placed_minor: bigint;
  commission_rate: string;
  status: PlacementStatus;
  closed_on: LocalDate | null;
  close_reason: string | null;
  /** Open amount today of the items placed. */
  open_minor: bigint;
  items: number;
}

/** Placements with their agency, customer and the placed items' open amount today. */
export async function findPlacements(
  ex: Executor,
  tenantId: number,
  filter: {
    ids?: readonly string[];
    agencyCode?: string;
    customerId?: string;
    status?: PlacementStatus;
    placedOn?: LocalDate;
    forUpdate?: boolean;
  } = {},
): Promise<PlacementRow[]> {
  const r = await sql<PlacementRow>`
    select p.id, p.agency_id, g.code as agency_code, g.name as agency_name, p.customer_id,
      c.account_number, c.name as customer_name, p.currency, p.placed_on, p.placed_minor, p.commission_rate::text,
      p.status, p.closed_on, p.close_reason,
      coalesce((select sum(i.open_minor) from agency_placement_items pi
        join items i on i.tenant_id = pi.tenant_id and i.id = pi.item_id
        where pi.tenant_id = p.tenant_id and pi.placement_id = p.id), 0)::bigint as open_minor,
      (select count(*) from agency_placement_items pi where pi.tenant_id = p.tenant_id and pi.placement_id = p.id)::int as items
    from agency_placements p
    join agencies g on g.tenant_id = p.tenant_id and g.id = p.agency_id
    join customers c on c.tenant_id = p.tenant_id and c.id = p.customer_id
    where p.tenant_id = ${tenantId}
      ${filter.ids ? sql`and p.id = any(${filter.ids as string[]}::text[])` : sql``}
      ${filter.agencyCode !== undefined ? sql`and g.code = ${filter.agencyCode}` : sql``}
      ${filter.customerId !== undefined ? sql`and p.customer_id = ${filter.customerId}` : sql``}
      ${filter.status !== undefined ? sql`and p.status = ${filter.status}` : sql``}
      ${filter.placedOn !== undefined ? sql`and p.placed_on = ${filter.placedOn}::date` : sql``}
    order by p.placed_on, p.id
    ${filter.forUpdate ? sql`for update of p` : sql``}`.execute(ex);
  return r.rows;
}

export interface PlacedItemRow {
  placement_id: string;
  item_id: string;
  number: string;
  type: string;
  entity_id: string;
  customer_id: string;
  issue_date: LocalDate;
  due_date: LocalDate;
  currency: string;
  amount_minor: bigint;
  placed_minor: bigint;
  open_minor: bigint;
  active: boolean;
  po_number: string | null;
}

export async function findPlacedItems(
  ex: Executor,
  tenantId: number,
  placementIds: readonly string[],
): Promise<PlacedItemRow[]> {
  if (placementIds.length === 0) return [];
  const r = await sql<PlacedItemRow>`
    select pi.placement_id, i.id as item_id, i.number, i.type, i.entity_id, i.customer_id, i.issue_date, i.due_date,
      i.currency, i.amount_minor, pi.placed_minor, i.open_minor, pi.active, i.po_number
    from agency_placement_items pi
    join items i on i.tenant_id = pi.tenant_id and i.id = pi.item_id
    where pi.tenant_id = ${tenantId} and pi.placement_id = any(${placementIds as string[]}::text[])
    order by pi.placement_id, i.due_date, i.number`.execute(ex);
  return r.rows;
}

export interface PlacementFileSourceRow extends PlacedItemRow {
  agency_code: string;
  placed_on: LocalDate;
  account_number: string;
  customer_name: string;
  customer_type: string;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  region: string | null;
  postal_code: string | null;
  country: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  placement_total: bigint;
}

/** Everything a placement file needs, one row per placed item. */
export async function findPlacementFileRows(
  ex: Executor,
  tenantId: number,
  placementIds: readonly string[],
): Promise<PlacementFileSourceRow[]> {
  if (placementIds.length === 0) return [];
  const r = await sql<PlacementFileSourceRow>`
    select pi.placement_id, i.id as item_id, i.number, i.type, i.entity_id, i.customer_id, i.issue_date, i.due_date,
      i.currency, i.amount_minor, pi.placed_minor, i.open_minor, pi.active, i.po_number,
      g.code as agency_code, p.placed_on, p.placed_minor as placement_total,
      c.account_number, c.name as customer_name, c.customer_type, c.address_line1, c.address_line2, c.city,
      c.region, c.postal_code, c.country,
      k.name as contact_name, k.email as contact_email, k.phone as contact_phone
    from agency_placement_items pi
    join agency_placements p on p.tenant_id = pi.tenant_id and p.id = pi.placement_id
    join agencies g on g.tenant_id = p.tenant_id and g.id = p.agency_id
    join items i on i.tenant_id = pi.tenant_id and i.id = pi.item_id
    join customers c on c.tenant_id = p.tenant_id and c.id = p.customer_id
    left join lateral (
      select name, email, phone from contacts k
      where k.tenant_id = c.tenant_id and k.customer_id = c.id
      order by (k.role = 'accounts_payable') desc, k.role limit 1
    ) k on true
    where pi.tenant_id = ${tenantId} and pi.placement_id = any(${placementIds as string[]}::text[])
    order by pi.placement_id, i.due_date, i.number`.execute(ex);
  return r.rows;
}

export interface RecoveryRow {
  id: string;
  placement_id: string;
  recovered_on: LocalDate;
  currency: string;
  recovered_minor: bigint;
  commission_minor: bigint;
  net_minor: bigint;
  receipt_id: string | null;
  reference: string | null;
}

export async function findRecoveries(
  ex: Executor,
  tenantId: number,
  placementIds: readonly string[] | null,
): Promise<RecoveryRow[]> {
  const r = await sql<RecoveryRow>`
    select id, placement_id, recovered_on, currency, recovered_minor, commission_minor, net_minor, receipt_id, reference
    from agency_recoveries
    where tenant_id = ${tenantId}
      ${placementIds === null ? sql`` : sql`and placement_id = any(${placementIds as string[]}::text[])`}
    order by recovered_on, id`.execute(ex);
  return r.rows;
}

export async function findTakenReferences(
  ex: Executor,
  tenantId: number,
  pairs: readonly { placementId: string; reference: string }[],
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const r = await sql<{ placement_id: string; reference: string }>`
    select placement_id, reference from agency_recoveries
    where tenant_id = ${tenantId} and placement_id = any(${pairs.map((p) => p.placementId)}::text[])
      and reference = any(${pairs.map((p) => p.reference)}::text[])`.execute(ex);
  return new Set(r.rows.map((x) => `${x.placement_id}|${x.reference}`));
}

/** Ends placements: status, date, reason; their items go back to the collector. */
export async function closePlacements(
  ex: Executor,
  tenantId: number,
  ids: readonly string[],
  args: { status: 'recalled' | 'closed'; on: LocalDate; reason: string },
): Promise<void> {
  if (ids.length === 0) return;
  await ex
    .updateTable('agency_placements')
    .set({ status: args.status, closed_on: args.on, close_reason: args.reason })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sql<string>`any(${ids as string[]}::text[])`)
    .execute();
  await ex
    .updateTable('agency_placement_items')
    .set({ active: false })
    .where('tenant_id', '=', tenantId)
    .where('placement_id', '=', sql<string>`any(${ids as string[]}::text[])`)
    .execute();
}
