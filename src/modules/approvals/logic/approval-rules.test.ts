import { describe, expect, it } from 'vitest';
import type { CurrencyCode } from '../../../core/currency.ts';
import {
  type Permission,
  permissionsOf,
  ROLE_APPROVAL_LIMIT_MINOR,
  type Role,
} from '../../identity/index.ts';
import {
  type Actor,
  checkCanceller,
  checkDecider,
  checkRequester,
  type PendingRequest,
  routeAdjustment,
} from './approval-rules.ts';

const T = 1;
const actor = (userId: string, role: Role, over: Partial<Actor> = {}): Actor => ({
  tenantId: T,
  userId,
  username: userId,
  permissions: permissionsOf(role),
  approvalLimitMinor: ROLE_APPROVAL_LIMIT_MINOR[role],
  ...over,
});
const request = (over: Partial<PendingRequest> = {}): PendingRequest => ({
  status: 'pending',
  requestedBy: 'ann',
  amountMinor: 100_000n,
  currency: 'USD' as CurrencyCode,
  ...over,
});

describe('routeAdjustment', () => {
  it('applies at once up to and including the limit, and asks for approval above it', () => {
    expect(routeAdjustment(50_000n, 1n)).toBe('apply');
    expect(routeAdjustment(50_000n, 50_000n)).toBe('apply');
    expect(routeAdjustment(50_000n, 50_001n)).toBe('approval');
  });

  it('sends everything to approval for a zero limit (auditor)', () => {
    expect(routeAdjustment(ROLE_APPROVAL_LIMIT_MINOR.auditor, 1n)).toBe('approval');
  });
});

describe('checkRequester', () => {
  it('lets roles with adjustments:request ask', () => {
    expect(checkRequester(actor('ann', 'analyst'), T)).toBeNull();
    expect(checkRequester(actor('cas', 'cash_applier'), T)).toBeNull();
  });

  it('refuses the auditor and a principal of another tenant', () => {
    expect(checkRequester(actor('aud', 'auditor'), T)?.code).toBe('approvals.not_permitted');
    expect(checkRequester(actor('ann', 'analyst', { tenantId: 2 }), T)?.code).toBe('approvals.not_permitted');
  });
});

describe('checkDecider', () => {
  it('accepts another user with approvals:decide and a limit that covers the amount', () => {
    expect(checkDecider(actor('acc', 'accountant'), T, request())).toBeNull();
    expect(checkDecider(actor('acc', 'accountant'), T, request({ amountMinor: 500_000n }))).toBeNull();
  });

  it('refuses the requester, even a manager with every authority (segregation of duties)', () => {
    const r = checkDecider(actor('ann', 'manager'), T, request({ requestedBy: 'ann' }));
    expect(r?.code).toBe('approvals.self_approval');
  });

  it('refuses a user without approvals:decide', () => {
    for (const role of ['analyst', 'cash_applier', 'auditor'] as const)
      expect(checkDecider(actor('bob', role, { approvalLimitMinor: 10n ** 12n }), T, request())?.code).toBe(
        'approvals.not_permitted',
      );
  });

  it('refuses an approver whose own limit is below the amount, naming both', () => {
    const r = checkDecider(actor('acc', 'accountant'), T, request({ amountMinor: 500_001n }));
    expect(r).toEqual({
      code: 'approvals.over_limit',
      message: "acc's approval limit of 5000.00 is below the 5000.01 USD requested",
    });
  });

  it('refuses a request that is no longer pending, for approve and reject alike', () => {
    for (const status of ['approved', 'rejected', 'cancelled'] as const)
      expect(checkDecider(actor('acc', 'accountant'), T, request({ status }))?.code).toBe(
        'approvals.not_pending',
      );
  });

  it('checks permissions before anything about the request', () => {
    const permissions = new Set<Permission>(['approvals:read']);
    expect(
      checkDecider(actor('ann', 'manager', { permissions }), T, request({ status: 'approved' }))?.code,
    ).toBe('approvals.not_permitted');
  });
});

describe('checkCanceller', () => {
  it('lets the requester cancel while pending', () => {
    expect(checkCanceller(actor('ann', 'analyst'), T, request())).toBeNull();
  });

  it('refuses anyone else, and any request not pending', () => {
    expect(checkCanceller(actor('mgr', 'manager'), T, request())?.code).toBe('approvals.not_requester');
    expect(checkCanceller(actor('ann', 'analyst'), T, request({ status: 'approved' }))?.code).toBe(
      'approvals.not_pending',
    );
  });
});
