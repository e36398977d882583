import type { Executor } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import type { Access } from './collections.lookup.ts';
import { loadSettings } from './collections.lookup.ts';
import { findCustomersByIds, findHoldsInForce } from './collections.repo.ts';
import type { HoldView } from './contract.ts';
import { buildHoldViews } from './hold-view.ts';

/** The customers on credit hold, longest held first, with the suspension recommendation as of `asOf`. */
export async function listCreditHolds(
  ex: Executor,
  tenantId: number,
  asOf: LocalDate,
  access: Access = {},
): Promise<HoldView[]> {
  const holds = await findHoldsInForce(ex, tenantId, { portfolioOf: access.portfolioOf });
  const customers = await findCustomersByIds(
    ex,
    tenantId,
    holds.map((h) => h.customer_id),
  );
  const settings = await loadSettings(ex, tenantId);
  const ordered = holds.flatMap((h) => {
    const c = customers.get(h.customer_id);
    return c ? [c] : [];
  });
  return buildHoldViews(ex, tenantId, ordered, new Map(holds.map((h) => [h.customer_id, h])), asOf, settings);
}
