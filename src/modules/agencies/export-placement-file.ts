import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { diffDays, type LocalDate } from '../../core/local-date.ts';
import { formatAmount } from '../../core/money.ts';
import { agenciesError } from './agencies.errors.ts';
import { findPlacementFileRows, findPlacements } from './agencies.repo.ts';
import { PLACEMENT_FILE_COLUMNS, type PlacementFileRow, placementFileCells } from './logic/placement-file.ts';

export { PLACEMENT_FILE_COLUMNS };

/**
 * The placement file for an agency: the placements named, or the agency's placements made on a day
 * (default: all its active ones). One row per placed item; see logic/placement-file.ts.
 */
export async function buildPlacementFile(
  ex: Executor,
  tenantId: number,
  args: { agency?: string; placementIds?: readonly string[]; placedOn?: LocalDate; asOf: LocalDate },
): Promise<{ columns: readonly string[]; rows: string[][]; placements: number }> {
  let ids = args.placementIds ? [...args.placementIds] : null;
  if (ids === null) {
    if (!args.agency) throw agenciesError('agencies.invalid_request', 'name the agency or the placements');
    const found = await findPlacements(ex, tenantId, {
      agencyCode: args.agency,
      ...(args.placedOn ? { placedOn: args.placedOn } : { status: 'placed' as const }),
    });
    ids = found.map((p) => p.id);
  } else {
    const found = await findPlacements(ex, tenantId, { ids });
    const missing = ids.filter((id) => !found.some((p) => p.id === id));
    if (missing.length > 0)
      throw agenciesError('agencies.placement_not_found', `no placement ${missing.join(', ')}`);
    if (args.agency && found.some((p) => p.agency_code !== args.agency))
      throw agenciesError('agencies.invalid_request', `not every placement named is with ${args.agency}`);
  }
  const source = await findPlacementFileRows(ex, tenantId, ids);
  const rows: PlacementFileRow[] = source.map((r) => {
    const c = r.currency as CurrencyCode;
    return {
      placement_id: r.placement_id,
      agency_code: r.agency_code,
      placed_on: r.placed_on,
      account_number: r.account_number,
      customer_name: r.customer_name,
      customer_type: r.customer_type,
      address_line1: r.address_line1 ?? '',
      address_line2: r.address_line2 ?? '',
      city: r.city ?? '',
      region: r.region ?? '',
      postal_code: r.postal_code ?? '',
      country: r.country ?? '',
      contact_name: r.contact_name ?? '',
      contact_email: r.contact_email ?? '',
      contact_phone: r.contact_phone ?? '',
      currency: r.currency,
      account_placed_total: formatAmount(r.placement_total, c),
      item_number: r.number,
      item_type: r.type,
      issue_date: r.issue_date,
      due_date: r.due_date,
      days_past_due: String(diffDays(args.asOf, r.due_date as LocalDate)),
      item_amount: formatAmount(r.amount_minor, c),
      placed_amount: formatAmount(r.placed_minor, c),
      open_amount: formatAmount(r.open_minor, c),
      po_number: r.po_number ?? '',
    };
  });
  return { columns: PLACEMENT_FILE_COLUMNS, rows: placementFileCells(rows), placements: ids.length };
}
