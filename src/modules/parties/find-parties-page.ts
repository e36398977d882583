import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';

export interface PartyListFilter {
  readonly kind?: string | undefined;
  /** The party's code or name starts with this (case-insensitive for names; `%` and `_` are plain text). */
  readonly search?: string | undefined;
  /** Exactly this party code (the detail view). */
  readonly exactCode?: string | undefined;
  /**
   * Only parties related to this collector's customers (an analyst's portfolio); the count of
   * customers is then of those customers too.
   */
  readonly portfolioOf?: string | undefined;
  /** Keyset: continue after this party code. */
  readonly after?: string | undefined;
  readonly limit: number;
}

export interface PartyListRow {
  id: string;
  party_code: string;
  name: string;
  kind: string;
  /** How many customers the party has a relationship with. */
  customers: number;
}

/**
 * A page of third parties (brokers, TPAs, captives, …) in party-code order, with how many customers
 * each one serves. Every filter is a bound parameter; `like` patterns escape their wildcards.
 */
export async function findPartiesPage(
  ex: Executor,
  tenantId: number,
  filter: PartyListFilter,
): Promise<PartyListRow[]> {
  const portfolio = filter.portfolioOf;
  let q = ex
    .selectFrom('parties as p')
    .where('p.tenant_id', '=', tenantId)
    .select(['p.id', 'p.party_code', 'p.name', 'p.kind'])
    .select((eb) =>
      eb
        .selectFrom('party_relationships as r')
        .innerJoin('customers as c', (j) =>
          j.onRef('c.tenant_id', '=', 'r.tenant_id').onRef('c.id', '=', 'r.customer_id'),
        )
        .whereRef('r.tenant_id', '=', 'p.tenant_id')
        .whereRef('r.party_id', '=', 'p.id')
        .$if(portfolio !== undefined, (s) => s.where('c.collector', '=', portfolio as string))
        .select(sql<number>`count(*)::int`.as('n'))
        .as('customers'),
    )
    .orderBy('p.party_code')
    .limit(filter.limit);
  if (filter.kind !== undefined) q = q.where('p.kind', '=', filter.kind);
  if (filter.search) {
    const pattern = `${filter.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    q = q.where((eb) => eb.or([eb('p.party_code', 'like', pattern), eb('p.name', 'ilike', pattern)]));
  }
  if (filter.exactCode !== undefined) q = q.where('p.party_code', '=', filter.exactCode);
  if (portfolio !== undefined)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('party_relationships as r')
          .innerJoin('customers as c', (j) =>
            j.onRef('c.tenant_id', '=', 'r.tenant_id').onRef('c.id', '=', 'r.customer_id'),
          )
          .whereRef('r.tenant_id', '=', 'p.tenant_id')
          .whereRef('r.party_id', '=', 'p.id')
          .where('c.collector', '=', portfolio)
          .select(sql`1`.as('one')),
      ),
    );
  if (filter.after !== undefined) q = q.where('p.party_code', '>', filter.after);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, customers: r.customers ?? 0 }));
}
