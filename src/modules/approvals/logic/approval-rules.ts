import type { CurrencyCode } from '../../../core/currency.ts';
import { formatAmount } from '../../../core/money.ts';
import type { ApprovalStatus } from '../../../db/schema.ts';
import type { Permission } from '../../identity/index.ts';
import type { ApprovalsErrorCode } from '../approvals.errors.ts';

/** The parts of a principal the rules look at. */
export interface Actor {
  readonly tenantId: number;
  readonly userId: string;
  readonly username: string;
  readonly permissions: ReadonlySet<Permission>;
  readonly approvalLimitMinor: bigint;
}

export interface PendingRequest {
  readonly status: ApprovalStatus;
  readonly requestedBy: string;
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
}

export interface Refusal {
  readonly code: ApprovalsErrorCode;
  readonly message: string;
}

/**
 * An adjustment within the requester's limit is made at once; above it, it waits for another
 * user's approval. The limit is inclusive: a limit of 500.00 covers a write-off of exactly 500.00.
 */
export function routeAdjustment(limitMinor: bigint, amountMinor: bigint): 'apply' | 'approval' {
  return amountMinor <= limitMinor ? 'apply' : 'approval';
}

function tenantRefusal(actor: Actor, tenantId: number): Refusal | null {
  return actor.tenantId === tenantId
    ? null
    : { code: 'approvals.not_permitted', message: `${actor.username} acts for another tenant` };
}

/** Who may ask for an adjustment at all. */
export function checkRequester(actor: Actor, tenantId: number): Refusal | null {
  const tenant = tenantRefusal(actor, tenantId);
  if (tenant) return tenant;
  if (!actor.permissions.has('adjustments:request'))
    return {
      code: 'approvals.not_permitted',
      message: `${actor.username} may not request adjustments (needs adjustments:request)`,
    };
  return null;
}

/**
 * Segregation of duties (COSO control activities; SOX 404 practice): a request is decided — approved
 * or rejected — only while it is pending, by a user other than its requester, who holds
 * `approvals:decide` and whose own limit covers the amount. The same rules apply to a rejection, so
 * that whoever can stop a request could also have let it through; the requester withdraws their own
 * request with a cancellation instead.
 */
export function checkDecider(actor: Actor, tenantId: number, request: PendingRequest): Refusal | null {
  const tenant = tenantRefusal(actor, tenantId);
  if (tenant) return tenant;
  if (!actor.permissions.has('approvals:decide'))
    return {
      code: 'approvals.not_permitted',
      message: `${actor.username} may not decide approvals (needs approvals:decide)`,
    };
  if (request.status !== 'pending')
    return { code: 'approvals.not_pending', message: `the request is ${request.status}, not pending` };
  if (actor.userId === request.requestedBy)
    return {
      code: 'approvals.self_approval',
      message: `${actor.username} requested this adjustment and cannot decide it; another user must (segregation of duties)`,
    };
  if (actor.approvalLimitMinor < request.amountMinor) {
    const fmt = (v: bigint) => formatAmount(v, request.currency);
    return {
      code: 'approvals.over_limit',
      message: `${actor.username}'s approval limit of ${fmt(actor.approvalLimitMinor)} is below the ${fmt(request.amountMinor)} ${request.currency} requested`,
    };
  }
  return null;
}

/** Only the requester withdraws a request, and only while it is pending. */
export function checkCanceller(actor: Actor, tenantId: number, request: PendingRequest): Refusal | null {
  const tenant = tenantRefusal(actor, tenantId);
  if (tenant) return tenant;
  if (request.status !== 'pending')
    return { code: 'approvals.not_pending', message: `the request is ${request.status}, not pending` };
  if (actor.userId !== request.requestedBy)
    return {
      code: 'approvals.not_requester',
      message: `only the requester can cancel a request; ${actor.username} can reject it instead`,
    };
  return null;
}
