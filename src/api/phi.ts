import type { ServiceContext } from '../core/context.ts';
import { recordAudit } from '../modules/audit/index.ts';
import type { Principal } from '../modules/identity/index.ts';

/**
 * Protected health information. In a pharmacy-benefits or healthcare receivables book a consumer
 * account is a patient or member: their name, address and contact details are PHI, as are member
 * and claim ids. Roles without `phi:read` see them masked; every unmasked read is written to the
 * audit trail (who, which records, request id), as HIPAA's access accounting expects.
 */
export const MASK = '•••';

export function maskText(value: string | null): string | null {
  if (value === null || value === '') return value;
  return `${value.slice(0, 1)}${MASK}`;
}

export function canReadPhi(principal: Principal): boolean {
  return principal.permissions.has('phi:read');
}

/** Records that the caller was shown these records' protected fields (one audit row per record). */
export async function logPhiReads(
  ctx: ServiceContext,
  principal: Principal,
  objectType: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0 || !canReadPhi(principal)) return;
  await recordAudit(
    ctx.database.db,
    ctx.tenantId,
    ids.map((id) => ({ actor: principal.username, action: 'phi.read', objectType, objectId: id })),
  );
}
