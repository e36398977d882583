import { describe, expect, it } from 'vitest';
import { resolveRecipients } from './resolve-recipients.ts';

const sources = {
  contacts: [
    { role: 'accounts_payable', name: 'Pat Payable', email: 'ap@acme.example' },
    { role: 'billing', name: null, email: 'billing@acme.example' },
    { role: 'owner', name: 'No Mail', email: null },
  ],
  parties: [
    { roles: ['payer', 'statement'], name: 'Claims Admin LLC', email: 'ar@tpa.example' },
    { roles: ['notice'], name: 'Broker & Co', email: 'desk@broker.example' },
    { roles: ['notice'], name: 'Quiet Broker', email: null },
    { roles: ['dispute_contact'], name: 'Dup', email: 'AP@acme.example' },
  ],
};

describe('resolveRecipients', () => {
  it('finds contacts and related parties by role, To before Cc, each address once', () => {
    const r = resolveRecipients(
      { to: ['contact:accounts_payable', 'party:payer'], cc: ['party:notice', 'party:dispute_contact'] },
      sources,
    );
    expect(r.to.map((x) => x.email)).toEqual(['ap@acme.example', 'ar@tpa.example']);
    expect(r.cc.map((x) => x.email)).toEqual(['desk@broker.example']);
  });

  it('gives nobody for roles without an address or unknown kinds of role', () => {
    expect(resolveRecipients({ to: ['contact:owner', 'team:x'], cc: [] }, sources)).toEqual({
      to: [],
      cc: [],
    });
  });
});
