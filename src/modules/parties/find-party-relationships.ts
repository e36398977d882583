import type { Executor } from '../../core/context.ts';

export interface PartyRelationshipRow {
  id: string;
  customer_id: string;
  account_number: string;
  customer_name: string;
  customer_type: 'business' | 'consumer';
  /** `payer`, `notice`, `statement`, `dispute_contact`. */
  roles: string[];
  email: string | null;
  phone: string | null;
}

/** A party's relationships to customers, in account-number order (only a portfolio's customers when given). */
export async function findPartyRelationships(
  ex: Executor,
  tenantId: number,
  partyId: string,
  options: { portfolioOf?: string | undefined } = {},
): Promise<PartyRelationshipRow[]> {
  let q = ex
    .selectFrom('party_relationships as r')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.tenant_id', '=', 'r.tenant_id').onRef('c.id', '=', 'r.customer_id'),
    )
    .where('r.tenant_id', '=', tenantId)
    .where('r.party_id', '=', partyId)
    .select([
      'r.id',
      'c.id as customer_id',
      'c.account_number',
      'c.name as customer_name',
      'c.customer_type',
      'r.roles',
      'r.email',
      'r.phone',
    ])
    .orderBy('c.account_number');
  if (options.portfolioOf !== undefined) q = q.where('c.collector', '=', options.portfolioOf);
  return q.execute();
}

/** The bank accounts a party pays from, sorted. */
export async function findPartyBankAccounts(
  ex: Executor,
  tenantId: number,
  partyId: string,
): Promise<string[]> {
  const rows = await ex
    .selectFrom('party_bank_accounts')
    .where('tenant_id', '=', tenantId)
    .where('party_id', '=', partyId)
    .select('account')
    .orderBy('account')
    .execute();
  return rows.map((r) => r.account);
}
