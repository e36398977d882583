import type { Executor } from '../../core/context.ts';
import { findPlacements, findRecoveries } from './agencies.repo.ts';
import { type AgencyPerformanceRow, summarizeAgencyPerformance } from './logic/agency-performance.ts';
import { type Placement, toPlacement } from './place-accounts.ts';

/** Agency performance (logic/agency-performance.ts), over every placement, or one agency's. */
export async function buildAgencyReport(
  ex: Executor,
  tenantId: number,
  options: { agency?: string } = {},
): Promise<AgencyPerformanceRow[]> {
  const placements = await findPlacements(ex, tenantId, options.agency ? { agencyCode: options.agency } : {});
  const recoveries = await findRecoveries(ex, tenantId, options.agency ? placements.map((p) => p.id) : null);
  return summarizeAgencyPerformance(
    placements.map((p) => ({
      id: p.id,
      agencyCode: p.agency_code,
      agencyName: p.agency_name,
      currency: p.currency,
      placedOn: p.placed_on,
      placedMinor: p.placed_minor,
      status: p.status,
      openMinor: p.open_minor,
    })),
    recoveries.map((r) => ({
      placementId: r.placement_id,
      recoveredOn: r.recovered_on,
      recoveredMinor: r.recovered_minor,
      commissionMinor: r.commission_minor,
    })),
  );
}

/** Placements, newest last, optionally of one agency or status. */
export async function listPlacements(
  ex: Executor,
  tenantId: number,
  filter: { agency?: string; status?: 'placed' | 'recalled' | 'closed' } = {},
): Promise<Placement[]> {
  return (
    await findPlacements(ex, tenantId, {
      ...(filter.agency ? { agencyCode: filter.agency } : {}),
      ...(filter.status ? { status: filter.status } : {}),
    })
  ).map(toPlacement);
}
