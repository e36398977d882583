import type { Executor } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { type Access, getCustomerOrThrow, loadSettings } from './collections.lookup.ts';
import { findHoldsInForce } from './collections.repo.ts';
import type { CustomerKey, HoldView } from './contract.ts';
import { buildHoldViews } from './hold-view.ts';

/**
 * Whether a customer's credit is on hold (for order systems), how far past due it is as of `asOf`,
 * and whether suspending service is recommended (on hold and more than the tenant's
 * `suspension_days_past_due`, default 60, past due).
 */
export async function getCreditHold(
  ex: Executor,
  tenantId: number,
  customer: CustomerKey,
  asOf: LocalDate,
  access: Access = {},
): Promise<HoldView> {
  const c = await getCustomerOrThrow(ex, tenantId, customer, access);
  const [hold] = await findHoldsInForce(ex, tenantId, { customerIds: [c.id] });
  const settings = await loadSettings(ex, tenantId);
  const [view] = await buildHoldViews(ex, tenantId, [c], new Map(hold ? [[c.id, hold]] : []), asOf, settings);
  if (!view) throw new Error('no hold view');
  return view;
}
