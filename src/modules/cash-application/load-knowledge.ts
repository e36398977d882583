import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import type { EngineKnowledge } from './logic/decide-receipt.ts';
import { nameKey, nameTokens, tokenSimilarity } from './logic/names.ts';
import { referenceKeys } from './logic/references.ts';
import type { EngineItem } from './logic/types.ts';

const EMPTY: readonly never[] = [];

/**
 * A map from keys that are nearly always unique (document numbers) to items: one item is stored as
 * itself, an array only on a collision. A million one-element arrays cost seconds of allocation and
 * garbage collection in a run.
 */
function addOne(map: Map<string, EngineItem | EngineItem[]>, key: string, item: EngineItem): void {
  const prev = map.get(key);
  if (prev === undefined) map.set(key, item);
  else if (Array.isArray(prev)) prev.push(item);
  else map.set(key, [prev, item]);
}

function getAll(map: Map<string, EngineItem | EngineItem[]>, key: string): readonly EngineItem[] {
  const v = map.get(key);
  return v === undefined ? EMPTY : Array.isArray(v) ? v : [v];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Everything the engine looks up during a run, read once: every item issued on or before the as-of
 * date (open and settled: a payment of a settled invoice is a duplicate), customers and their
 * families, known bank accounts of customers and paying parties, what history and analysts taught
 * (payer → customers), and reason-code aliases. Indexes are maps in memory; a run against a million
 * items holds them for its duration.
 */
export async function loadKnowledge(
  ex: Executor,
  tenantId: number,
  asOf: LocalDate,
): Promise<{ knowledge: EngineKnowledge; items: Map<string, EngineItem> }> {
  const items = new Map<string, EngineItem>();
  const byCustomer = new Map<string, EngineItem[]>();
  const byFull = new Map<string, EngineItem | EngineItem[]>();
  const byCore = new Map<string, EngineItem | EngineItem[]>();
  const itemRows = await ex
    .selectFrom('items')
    .select([
      'id',
      'number',
      'customer_id',
      'entity_id',
      'currency',
      'type',
      'amount_minor',
      'open_minor',
      'issue_date',
      'due_date',
      'discount_percent',
      'discount_until',
    ])
    .where('tenant_id', '=', tenantId)
    .where('issue_date', '<=', asOf)
    .execute();
  for (const r of itemRows) {
    const item: EngineItem = {
      id: r.id,
      number: r.number,
      customerId: r.customer_id,
      entityId: r.entity_id,
      currency: r.currency as CurrencyCode,
      type: r.type as EngineItem['type'],
      amount: r.amount_minor,
      open: r.open_minor,
      issueDate: r.issue_date as LocalDate,
      dueDate: r.due_date as LocalDate,
      discountPercent: r.discount_percent,
      discountUntil: r.discount_until as LocalDate | null,
      touched: r.open_minor !== r.amount_minor,
    };
    items.set(item.id, item);
    push(byCustomer, item.customerId, item);
    const keys = referenceKeys(item.number);
    if (keys !== null) {
      addOne(byFull, keys.full, item);
      if (keys.core !== null) addOne(byCore, keys.core, item);
    }
  }
  itemRows.length = 0;

  const customers = await ex
    .selectFrom('customers')
    .select(['id', 'account_number', 'name', 'parent_id'])
    .where('tenant_id', '=', tenantId)
    .execute();
  const numberOf = new Map<string, string>();
  const idOfNumber = new Map<string, string>();
  const children = new Map<string, string[]>();
  const parentOf = new Map<string, string>();
  for (const c of customers) {
    numberOf.set(c.id, c.account_number);
    idOfNumber.set(c.account_number.toUpperCase(), c.id);
    if (c.parent_id) {
      parentOf.set(c.id, c.parent_id);
      push(children, c.parent_id, c.id);
    }
  }

  const customerAccounts = new Map<string, string[]>();
  for (const r of await ex
    .selectFrom('customer_bank_accounts')
    .select(['customer_id', 'account'])
    .where('tenant_id', '=', tenantId)
    .execute())
    push(customerAccounts, r.account, r.customer_id);

  // Parties with the payer role, their accounts, and the customers they pay for.
  const payerCustomersOfParty = new Map<string, string[]>();
  for (const r of await ex
    .selectFrom('party_relationships')
    .select(['party_id', 'customer_id'])
    .where('tenant_id', '=', tenantId)
    .where(sql<boolean>`'payer' = any(roles)`)
    .execute())
    push(payerCustomersOfParty, r.party_id, r.customer_id);
  const partyAccounts = new Map<string, string[]>();
  for (const r of await ex
    .selectFrom('party_bank_accounts')
    .select(['party_id', 'account'])
    .where('tenant_id', '=', tenantId)
    .execute())
    for (const c of payerCustomersOfParty.get(r.party_id) ?? []) push(partyAccounts, r.account, c);
  const parties = await ex
    .selectFrom('parties')
    .select(['id', 'name'])
    .where('tenant_id', '=', tenantId)
    .execute();

  // Names: customers and paying parties, found through an inverted index of their tokens.
  interface Named {
    label: string;
    name: string;
    key: string;
    tokens: string[];
    customers: string[];
  }
  const named: Named[] = [];
  for (const c of customers)
    named.push({
      label: c.account_number,
      name: c.name,
      key: nameKey(c.name),
      tokens: nameTokens(c.name),
      customers: [c.id],
    });
  for (const p of parties) {
    const paysFor = payerCustomersOfParty.get(p.id);
    if (paysFor && paysFor.length > 0)
      named.push({
        label: p.name,
        name: p.name,
        key: nameKey(p.name),
        tokens: nameTokens(p.name),
        customers: paysFor,
      });
  }
  const byToken = new Map<string, Named[]>();
  for (const n of named) for (const t of new Set(n.tokens)) push(byToken, t, n);
  const nameCache = new Map<string, { customers: readonly string[]; similarity: number; label: string }[]>();

  // Learned payer → customer links: from history (applications of imported receipts) and from what
  // analysts confirmed or corrected (payer_links).
  const learnedByKey = new Map<string, Map<string, number>>();
  const learn = (key: string, customerId: string, weight: number) => {
    let m = learnedByKey.get(key);
    if (!m) {
      m = new Map();
      learnedByKey.set(key, m);
    }
    m.set(customerId, (m.get(customerId) ?? 0) + weight);
  };
  const history = await sql<{
    payer_account: string | null;
    payer_name: string | null;
    customer_id: string;
    n: bigint;
  }>`
    select r.payer_account, r.payer_name, i.customer_id, count(*) as n
    from applications a
    join receipts r on r.tenant_id = a.tenant_id and r.id = a.receipt_id
    join items i on i.tenant_id = a.tenant_id and i.id = a.item_id
    where a.tenant_id = ${tenantId} and a.reversal_of is null and a.kind = 'invoice'
      and (r.payer_account is not null or r.payer_name is not null)
      and not exists (select 1 from applications x where x.tenant_id = a.tenant_id and x.reversal_of = a.id)
    group by 1, 2, 3`.execute(ex);
  for (const h of history.rows) {
    if (h.payer_account) learn(`account:${h.payer_account}`, h.customer_id, Number(h.n));
    if (h.payer_name) learn(`name:${nameKey(h.payer_name)}`, h.customer_id, Number(h.n));
  }
  // Payers an analyst said no to: what history taught about them is no longer taken as settled.
  const disputedPayers = new Set<string>();
  for (const l of await ex
    .selectFrom('payer_links')
    .select(['payer_key', 'customer_id', 'source', 'weight'])
    .where('tenant_id', '=', tenantId)
    .execute()) {
    learn(l.payer_key, l.customer_id, l.source === 'rejected' ? -l.weight * 5 : l.weight * 5);
    if (l.source === 'rejected') disputedPayers.add(l.payer_key);
  }

  // The tenant's canonical reason codes: configured aliases' targets and what history used.
  const knownCodes = new Set<string>();
  for (const r of (
    await sql<{ code: string }>`
      select distinct reason_code as code from items where tenant_id = ${tenantId} and reason_code is not null
      union select distinct reason_code from applications where tenant_id = ${tenantId} and reason_code is not null
      union select distinct reason_code from reason_code_aliases where tenant_id = ${tenantId}`.execute(ex)
  ).rows)
    knownCodes.add(r.code);
  const aliases = new Map<string, string>();
  for (const a of await ex
    .selectFrom('reason_code_aliases')
    .select(['alias', 'reason_code'])
    .where('tenant_id', '=', tenantId)
    .execute())
    aliases.set(a.alias.trim().toUpperCase(), a.reason_code);

  const unlinked = new Map<string, number>();
  for (const a of await ex
    .selectFrom('remittance_advices')
    .select(['currency', 'payment_amount_minor'])
    .where('tenant_id', '=', tenantId)
    .where('receipt_id', 'is', null)
    .where('payment_amount_minor', 'is not', null)
    .execute()) {
    const key = `${a.currency}|${a.payment_amount_minor}`;
    unlinked.set(key, (unlinked.get(key) ?? 0) + 1);
  }

  const knowledge: EngineKnowledge = {
    unlinkedAdvices: (currency, amount) => unlinked.get(`${currency}|${amount}`) ?? 0,
    itemsOfCustomer: (id) => byCustomer.get(id) ?? EMPTY,
    itemsByFullKey: (k) => getAll(byFull, k),
    itemsByCoreKey: (k) => getAll(byCore, k),
    customersByAccount: (a) => customerAccounts.get(a) ?? EMPTY,
    payerCustomersByAccount: (a) => partyAccounts.get(a) ?? EMPTY,
    byName(name) {
      const tokens = nameTokens(name);
      const key = tokens.join(' ');
      const cached = nameCache.get(key);
      if (cached) return cached;
      const seen = new Set<Named>();
      for (const t of new Set(tokens)) {
        const list = byToken.get(t);
        // A token shared by thousands of names (HEALTH, GROUP) says little; skip it.
        if (list && list.length <= 200) for (const n of list) seen.add(n);
      }
      const hits = [...seen]
        .map((n) => ({
          customers: n.customers,
          label: n.label,
          similarity:
            n.key === key
              ? 1
              : Math.min(tokenSimilarity(tokens, n.tokens), tokenSimilarity(n.tokens, tokens)),
        }))
        .filter((h) => h.similarity >= 0.5)
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, 5);
      if (nameCache.size > 100_000) nameCache.clear();
      nameCache.set(key, hits);
      return hits;
    },
    learned(account, name) {
      const out = new Map<string, number>();
      for (const key of [account ? `account:${account}` : null, name ? `name:${nameKey(name)}` : null]) {
        if (key === null) continue;
        for (const [c, w] of learnedByKey.get(key) ?? []) out.set(c, (out.get(c) ?? 0) + w);
      }
      for (const [c, w] of out) if (w <= 0) out.delete(c);
      if (
        (account && disputedPayers.has(`account:${account}`)) ||
        (name && disputedPayers.has(`name:${nameKey(name)}`))
      )
        for (const [c, w] of out) out.set(c, Math.min(w, 1));
      return out;
    },
    familyOf(id) {
      const top = parentOf.get(id) ?? id;
      return [top, ...(children.get(top) ?? [])];
    },
    accountNumberOf: (id) => numberOf.get(id) ?? id,
    customerIdByNumber: (n) => idOfNumber.get(n.toUpperCase()) ?? null,
    reasonCode(raw) {
      if (raw === null || raw.trim() === '') return 'unspecified';
      const mapped = aliases.get(raw.trim().toUpperCase());
      if (mapped) return mapped;
      // `PRICING DISPUTE`, `Pricing-Dispute`, `pricing_dispute thanks` → a known code when one fits.
      const words = raw
        .trim()
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w !== '');
      for (let n = Math.min(words.length, 4); n >= 1; n--) {
        const code = words.slice(0, n).join('_');
        if (knownCodes.has(code)) return code;
        const alias = aliases.get(words.slice(0, n).join(' ').toUpperCase());
        if (alias) return alias;
      }
      return raw.trim();
    },
  };
  return { knowledge, items };
}
