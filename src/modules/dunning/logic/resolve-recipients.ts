/** A person or party Arbor can write to. */
export interface Recipient {
  readonly name: string | null;
  readonly email: string;
}

export interface RecipientSources {
  /** The customer's contacts, each with one role (`accounts_payable`, …). */
  readonly contacts: readonly {
    readonly role: string;
    readonly name: string | null;
    readonly email: string | null;
  }[];
  /** Third parties related to the customer, with their roles (`payer`, `notice`, `statement`, …). */
  readonly parties: readonly {
    readonly roles: readonly string[];
    readonly name: string;
    readonly email: string | null;
  }[];
}

function byRole(role: string, sources: RecipientSources): Recipient[] {
  const [kind, name] = role.split(':');
  if (kind === 'contact')
    return sources.contacts
      .filter((c) => c.role === name && c.email)
      .map((c) => ({ name: c.name, email: c.email as string }));
  if (kind === 'party')
    return sources.parties
      .filter((p) => p.roles.includes(name ?? '') && p.email)
      .map((p) => ({ name: p.name, email: p.email as string }));
  return [];
}

/**
 * The addresses of a step's recipients by role, in the order the roles are given, each address once
 * (one already in To is not repeated in Cc). Roles without an email address give nobody: a notice
 * with nobody in To goes on paper instead.
 */
export function resolveRecipients(
  roles: { readonly to: readonly string[]; readonly cc: readonly string[] },
  sources: RecipientSources,
): { to: Recipient[]; cc: Recipient[] } {
  const seen = new Set<string>();
  const pick = (list: readonly string[]) => {
    const out: Recipient[] = [];
    for (const role of list)
      for (const r of byRole(role, sources)) {
        const key = r.email.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(r);
      }
    return out;
  };
  const to = pick(roles.to);
  const cc = pick(roles.cc);
  return { to, cc };
}
