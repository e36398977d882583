import { describe, expect, it } from 'vitest';
import { buildPrincipal } from './build-principal.ts';

const user = {
  tenantId: 1,
  userId: 'usr_01JD8X3Q6W9K2M4N7P5R8T0V2Y',
  username: 'ana',
  role: 'cash_applier' as const,
  portfolioScoped: false,
  approvalLimitMinor: null,
};

describe('buildPrincipal', () => {
  it("gives a session its role's permissions and limit", () => {
    const p = buildPrincipal(user, { kind: 'session', sessionId: 'ses_1' });
    expect(p).toMatchObject({ via: 'session', sessionId: 'ses_1', approvalLimitMinor: 10_000n });
    expect(p.permissions.has('cash:apply')).toBe(true);
    expect(p.permissions.has('users:manage')).toBe(false);
    expect(p.tokenId).toBeUndefined();
  });

  it('narrows a token to its scopes, keeps self, and never widens past the role', () => {
    const p = buildPrincipal(user, {
      kind: 'token',
      tokenId: 'tok_1',
      scopes: ['receipts:read', 'users:manage'],
    });
    expect([...p.permissions].sort()).toEqual(['receipts:read', 'self']);
    const all = buildPrincipal(user, { kind: 'token', tokenId: 'tok_1', scopes: null });
    expect(all.permissions.has('cash:apply')).toBe(true);
  });

  it("prefers the user's own approval limit, even zero", () => {
    expect(
      buildPrincipal({ ...user, approvalLimitMinor: 0n }, { kind: 'session', sessionId: 's' })
        .approvalLimitMinor,
    ).toBe(0n);
    expect(
      buildPrincipal({ ...user, approvalLimitMinor: 123n }, { kind: 'session', sessionId: 's' })
        .approvalLimitMinor,
    ).toBe(123n);
  });
});
