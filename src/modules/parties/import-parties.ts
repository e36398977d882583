import { sql } from 'kysely';
import { newId } from '../../core/ids.ts';
import { anyText, insertMany } from '../../db/bulk.ts';
import type { ImportHandlerArgs, ImportOutcome, ImportSpec } from '../imports/index.ts';
import { parseBankAccountList } from './logic/bank-account.ts';
import { findCustomersByNumbers } from './parties.repo.ts';

export const PARTIES_SPEC: ImportSpec = {
  kind: 'parties',
  required: ['party_id', 'party_name', 'party_kind', 'account_number'],
  optional: ['roles', 'email', 'phone', 'bank_accounts'],
};

export const PARTY_KINDS = ['broker', 'tpa', 'captive', 'consultant', 'parent', 'bill_to', 'other'] as const;
export const PARTY_ROLES = ['payer', 'notice', 'statement', 'dispute_contact'] as const;

interface PartyDraft {
  line: number;
  name: string;
  kind: string;
  accounts: Set<string>;
}

interface RelationshipDraft {
  line: number;
  partyCode: string;
  accountNumber: string;
  roles: string[];
  email: string | null;
  phone: string | null;
}

/**
 * `arbor import parties` (INTERCHANGE.md §2.2): one row per relationship between a third party and a
 * customer. Parties are upserted by `party_id`; the rows of one party must agree on its name and
 * kind; its bank accounts are the union over its rows and replace the ones on file.
 */
export async function importParties(args: ImportHandlerArgs): Promise<ImportOutcome> {
  const { tx, ctx, columns, issues } = args;
  const tenantId = ctx.tenantId;
  const parties = new Map<string, PartyDraft>();
  const relationships: RelationshipDraft[] = [];
  const seenPairs = new Map<string, number>();
  let rows = 0;

  for await (const { line, fields } of args.rows) {
    rows++;
    const code = columns.get(fields, 'party_id');
    const name = columns.get(fields, 'party_name');
    const kind = columns.get(fields, 'party_kind').toLowerCase();
    const accountNumber = columns.get(fields, 'account_number');
    let bad = false;
    for (const [col, v] of [
      ['party_id', code],
      ['party_name', name],
      ['party_kind', kind],
      ['account_number', accountNumber],
    ] as const) {
      if (!v) {
        issues.add(line, col, 'is required');
        bad = true;
      }
    }
    if (bad) continue;
    if (!(PARTY_KINDS as readonly string[]).includes(kind)) {
      issues.add(line, 'party_kind', `"${kind}" is not one of ${PARTY_KINDS.join(', ')}`);
      continue;
    }
    const roles = [
      ...new Set(
        columns
          .get(fields, 'roles')
          .split(';')
          .map((r) => r.trim().toLowerCase())
          .filter((r) => r !== ''),
      ),
    ];
    const unknownRole = roles.find((r) => !(PARTY_ROLES as readonly string[]).includes(r));
    if (unknownRole) {
      issues.add(line, 'roles', `"${unknownRole}" is not one of ${PARTY_ROLES.join(', ')}`);
      continue;
    }
    const pairKey = `${code}\u0000${accountNumber}`;
    const firstPair = seenPairs.get(pairKey);
    if (firstPair !== undefined) {
      issues.add(
        line,
        'account_number',
        `party ${code} and customer ${accountNumber} already related on line ${firstPair}`,
      );
      continue;
    }
    seenPairs.set(pairKey, line);
    let party = parties.get(code);
    if (!party) {
      party = { line, name, kind, accounts: new Set() };
      parties.set(code, party);
    } else if (party.name !== name || party.kind !== kind) {
      issues.add(
        line,
        party.name !== name ? 'party_name' : 'party_kind',
        `party ${code} is "${party.name}" (${party.kind}) on line ${party.line}; its rows must agree`,
      );
      continue;
    }
    if (columns.has('bank_accounts')) {
      const parsed = parseBankAccountList(columns.get(fields, 'bank_accounts'));
      for (const p of parsed.problems) issues.add(line, 'bank_accounts', p);
      for (const a of parsed.accounts) party.accounts.add(a);
    }
    relationships.push({
      line,
      partyCode: code,
      accountNumber,
      roles,
      email: columns.get(fields, 'email') || null,
      phone: columns.get(fields, 'phone') || null,
    });
  }

  // Customers must exist already.
  const found = await findCustomersByNumbers(
    tx,
    tenantId,
    relationships.map((r) => r.accountNumber),
  );
  const customerIds = new Map([...found].map(([n, c]) => [n, c.id]));
  for (const r of relationships) {
    if (!customerIds.has(r.accountNumber)) {
      issues.add(r.line, 'account_number', `unknown customer "${r.accountNumber}"; import customers first`);
    }
  }
  if (issues.count > 0) return { rows, summary: {} };

  const existing = new Map<string, string>();
  const codes = [...parties.keys()];
  for (let i = 0; i < codes.length; i += 5000) {
    const found = await tx
      .selectFrom('parties')
      .select(['id', 'party_code'])
      .where('tenant_id', '=', tenantId)
      .where('party_code', '=', anyText(codes.slice(i, i + 5000)))
      .execute();
    for (const p of found) existing.set(p.party_code, p.id);
  }
  const partyIds = new Map<string, string>();
  for (const code of codes) partyIds.set(code, existing.get(code) ?? newId('party'));
  await insertMany(
    tx,
    'parties',
    [
      { name: 'tenant_id', type: 'integer' },
      { name: 'id', type: 'text' },
      { name: 'party_code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'kind', type: 'text' },
    ],
    codes.map((code) => {
      const p = parties.get(code);
      return [tenantId, partyIds.get(code), code, p?.name, p?.kind];
    }),
    {
      onConflict:
        'on conflict (tenant_id, party_code) do update set name = excluded.name, kind = excluded.kind, updated_at = now()',
    },
  );

  const keepOld = (col: string) => (columns.has(col) ? `excluded.${col}` : `party_relationships.${col}`);
  for (let i = 0; i < relationships.length; i += 5000) {
    const part = relationships.slice(i, i + 5000);
    await sql`insert into party_relationships (tenant_id, id, party_id, customer_id, roles, email, phone)
      select ${tenantId}, v.id, v.party_id, v.customer_id, string_to_array(v.roles, ';'), v.email, v.phone
      from unnest(${part.map(() => newId('relationship'))}::text[], ${part.map((r) => partyIds.get(r.partyCode))}::text[],
        ${part.map((r) => customerIds.get(r.accountNumber))}::text[], ${part.map((r) => r.roles.join(';'))}::text[],
        ${part.map((r) => r.email)}::text[], ${part.map((r) => r.phone)}::text[])
        as v(id, party_id, customer_id, roles, email, phone)
      on conflict (tenant_id, party_id, customer_id) do update set
        roles = ${sql.raw(keepOld('roles'))}, email = ${sql.raw(keepOld('email'))}, phone = ${sql.raw(keepOld('phone'))},
        updated_at = now()`.execute(tx);
  }

  if (columns.has('bank_accounts')) {
    const ids = codes.map((c) => partyIds.get(c) as string);
    await sql`delete from party_bank_accounts where tenant_id = ${tenantId} and party_id = any(${ids}::text[])`.execute(
      tx,
    );
    await insertMany(
      tx,
      'party_bank_accounts',
      [
        { name: 'tenant_id', type: 'integer' },
        { name: 'party_id', type: 'text' },
        { name: 'account', type: 'text' },
      ],
      codes.flatMap((c) => [...(parties.get(c)?.accounts ?? [])].map((a) => [tenantId, partyIds.get(c), a])),
    );
  }
  return {
    rows,
    summary: {
      parties_created: codes.length - existing.size,
      parties_updated: existing.size,
      relationships: relationships.length,
    },
  };
}
