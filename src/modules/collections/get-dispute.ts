import type { Executor } from '../../core/context.ts';
import type { Access } from './collections.lookup.ts';
import type { DisputeView } from './contract.ts';
import { getDisputeRow, loadDisputeView } from './dispute-state.ts';

/** One dispute, within the caller's portfolio. */
export async function getDispute(
  ex: Executor,
  tenantId: number,
  id: string,
  access: Access = {},
): Promise<DisputeView> {
  await getDisputeRow(ex, tenantId, id, access);
  return loadDisputeView(ex, tenantId, id);
}
