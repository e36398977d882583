import { type RawBuilder, sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { anyText } from '../../db/bulk.ts';
import { createLedgerService } from '../ledger/index.ts';
import { findEntityByCode, tenancyError } from '../tenancy/index.ts';
import {
  type AgingBasis,
  type AgingBucket,
  buildBuckets,
  DEFAULT_BOUNDARIES,
} from './logic/aging-buckets.ts';

export interface AgingOptions {
  readonly asOf?: LocalDate;
  readonly basis?: AgingBasis;
  readonly boundaries?: readonly number[];
  /** Entity code; all entities when absent. */
  readonly entity?: string;
  /** `parent` rolls each customer into its top-level parent. */
  readonly by?: 'customer' | 'parent';
  /** Rebuild from the journal even when the materialized open amounts would do (auditors, tests). */
  readonly fromLedger?: boolean;
}

export interface AgingRow {
  readonly customerId: string | null;
  readonly accountNumber: string;
  readonly name: string;
  readonly parentAccountNumber: string | null;
  readonly currency: CurrencyCode;
  /** Open debit items (invoices, debit memos, deductions) by age, one amount per bucket. */
  readonly buckets: bigint[];
  /** Open credit items (credit memos, on-account credits): zero or negative. */
  credits: bigint;
  /** What the customer owes per the AR ledger: buckets + credits. */
  balance: bigint;
  /** Cash received from the customer and not yet applied: zero or negative. */
  unapplied: bigint;
  /** balance + unapplied. */
  net: bigint;
  /** Customers rolled into this row (1 unless rolled up by parent). */
  customers: number;
}

export interface AgingReport {
  readonly asOf: LocalDate;
  readonly basis: AgingBasis;
  readonly buckets: readonly AgingBucket[];
  /** `open_items` when read from the current open amounts, `ledger` when rebuilt from the journal. */
  readonly source: 'open_items' | 'ledger';
  readonly by: 'customer' | 'parent';
  readonly rows: AgingRow[];
  /** Receipts not tied to any customer, per currency (negative). */
  readonly unidentified: Map<CurrencyCode, bigint>;
  readonly totals: Map<CurrencyCode, AgingRow>;
}

interface RawRow {
  customer_id: string;
  currency: string;
  credits: bigint | null;
  account_number: string;
  name: string;
  parent_id: string | null;
  [bucket: string]: unknown;
}

/**
 * The aged open items per customer (DOMAIN.md, aging). When the as-of date is on or after the last
 * posting, it reads the materialized open amounts; for an earlier date it rebuilds every item's open
 * amount from the journal lines dated on or before it, so the report shows the ledger as it stood.
 */
export async function buildAgingReport(
  ctx: ServiceContext,
  options: AgingOptions = {},
): Promise<AgingReport> {
  const ex = ctx.database.db;
  const tenantId = ctx.tenantId;
  const asOf = options.asOf ?? ctx.clock.today();
  const basis = options.basis ?? 'due';
  const by = options.by ?? 'customer';
  const buckets = buildBuckets(asOf, basis, options.boundaries ?? DEFAULT_BOUNDARIES);
  let entityId: string | null = null;
  if (options.entity) {
    const entity = await findEntityByCode(ex, tenantId, options.entity);
    if (!entity) throw tenancyError('tenancy.entity_not_found', `unknown entity "${options.entity}"`);
    entityId = entity.id;
  }
  const dateCol = basis === 'due' ? 'due_date' : 'issue_date';

  const bucketSums = (
    amount: RawBuilder<unknown>,
    dateRef: RawBuilder<unknown>,
    positive: RawBuilder<unknown>,
  ) =>
    sql.join(
      buckets.map((b, i) => {
        const conds = [positive];
        if (b.fromDate) conds.push(sql`${dateRef} >= ${b.fromDate}::date`);
        if (b.toDate) conds.push(sql`${dateRef} <= ${b.toDate}::date`);
        return sql`sum(${amount}) filter (where ${sql.join(conds, sql` and `)})::bigint as ${sql.ref(`b${i}`)}`;
      }),
    );

  // Names come with the aggregate (one round trip, and only for customers that have open items).
  const named = (aggregate: RawBuilder<unknown>) => sql<RawRow>`
    select a.*, c.account_number, c.name, c.parent_id
    from (${aggregate}) a join customers c on c.tenant_id = ${tenantId} and c.id = a.customer_id`;
  // One snapshot for the item and cash queries, so they cannot straddle a posting.
  const { itemRows, unappliedRows, source } = await ex
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const latest = await createLedgerService(ctx).latestEntryDate(tx);
      const source: AgingReport['source'] =
        !options.fromLedger && (latest === null || asOf >= latest) ? 'open_items' : 'ledger';
      let itemRows: RawRow[];
      let unappliedRows: { customer_id: string | null; currency: string; unapplied: bigint }[];
      // Open items come in index order (customer, currency, due date): grouping them as they stream
      // beats hashing a million text keys on both engines (docs/benchmarks.md).
      if (source === 'open_items') await sql`set local enable_hashagg = off`.execute(tx);
      await sql`set local work_mem = '256MB'`.execute(tx);
      if (source === 'open_items') {
        itemRows = (
          await named(sql`
            select customer_id, currency,
              ${bucketSums(sql.ref('open_minor'), sql.ref(dateCol), sql`open_minor > 0`)},
              sum(open_minor) filter (where open_minor < 0)::bigint as credits
            from items
            where tenant_id = ${tenantId} and open_minor <> 0 ${entityId ? sql`and entity_id = ${entityId}` : sql``}
            group by customer_id, currency`).execute(tx)
        ).rows;
        unappliedRows = (
          await sql<{ customer_id: string | null; currency: string; unapplied: bigint }>`
            select customer_id, currency, -sum(unapplied_minor)::bigint as unapplied
            from receipts
            where tenant_id = ${tenantId} and unapplied_minor > 0 ${entityId ? sql`and entity_id = ${entityId}` : sql``}
            group by customer_id, currency`.execute(tx)
        ).rows;
      } else {
        // Lines carrying an item are AR control lines; the item gives the dates and the side.
        itemRows = (
          await named(sql`
            select i.customer_id, l.currency,
              ${bucketSums(sql.ref('l.amount_minor'), sql.ref(`i.${dateCol}`), sql`i.amount_minor > 0`)},
              sum(l.amount_minor) filter (where i.amount_minor < 0)::bigint as credits
            from journal_lines l
            join items i on i.tenant_id = l.tenant_id and i.id = l.item_id
            where l.tenant_id = ${tenantId} and l.item_id is not null and l.entry_date <= ${asOf}::date
              ${entityId ? sql`and l.entity_id = ${entityId}` : sql``}
            group by i.customer_id, l.currency`).execute(tx)
        ).rows;
        unappliedRows = (
          await sql<{ customer_id: string | null; currency: string; unapplied: bigint }>`
            select l.customer_id, l.currency, sum(l.amount_minor)::bigint as unapplied
            from journal_lines l
            join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id and a.role = 'unapplied_cash'
            where l.tenant_id = ${tenantId} and l.entry_date <= ${asOf}::date
              ${entityId ? sql`and l.entity_id = ${entityId}` : sql``}
            group by l.customer_id, l.currency
            having sum(l.amount_minor) <> 0`.execute(tx)
        ).rows;
      }
      return { itemRows, unappliedRows, source };
    });
  const rows = new Map<string, AgingRow>();
  const customerIds = new Set<string>();
  const rowFor = (customerId: string, currency: CurrencyCode): AgingRow => {
    const key = `${customerId}|${currency}`;
    let row = rows.get(key);
    if (!row) {
      row = emptyRow(customerId, '', currency, buckets.length, 1);
      rows.set(key, row);
      customerIds.add(customerId);
    }
    return row;
  };
  const customers = new Map<string, CustomerName>();
  for (const r of itemRows) {
    customers.set(r.customer_id, { accountNumber: r.account_number, name: r.name, parentId: r.parent_id });
    const row = rowFor(r.customer_id, r.currency as CurrencyCode);
    buckets.forEach((_, i) => {
      row.buckets[i] = (r[`b${i}`] as bigint | null) ?? 0n;
    });
    row.credits = r.credits ?? 0n;
  }
  const unidentified = new Map<CurrencyCode, bigint>();
  for (const u of unappliedRows) {
    const currency = u.currency as CurrencyCode;
    if (u.customer_id === null) unidentified.set(currency, (unidentified.get(currency) ?? 0n) + u.unapplied);
    else rowFor(u.customer_id, currency).unapplied = u.unapplied;
  }
  await loadMissingCustomers(ex, tenantId, customers, customerIds, by === 'parent');
  let result = [...rows.values()].map((row) => {
    const c = row.customerId ? customers.get(row.customerId) : undefined;
    const parent = c?.parentId ? customers.get(c.parentId) : undefined;
    const balance = row.buckets.reduce((s, b) => s + b, 0n) + row.credits;
    return {
      ...row,
      accountNumber: c?.accountNumber ?? '?',
      name: c?.name ?? '?',
      parentAccountNumber: parent?.accountNumber ?? null,
      balance,
      net: balance + row.unapplied,
    };
  });
  if (by === 'parent') result = rollUpToParents(result, customers);
  result = result.filter((r) => r.balance !== 0n || r.unapplied !== 0n || r.buckets.some((b) => b !== 0n));
  result.sort((a, b) =>
    a.accountNumber < b.accountNumber
      ? -1
      : a.accountNumber > b.accountNumber
        ? 1
        : a.currency < b.currency
          ? -1
          : 1,
  );

  const totals = new Map<CurrencyCode, AgingRow>();
  for (const r of result) {
    let t = totals.get(r.currency);
    if (!t) {
      t = emptyRow(null, 'TOTAL', r.currency, buckets.length, 0);
      totals.set(r.currency, t);
    }
    r.buckets.forEach((b, i) => {
      t.buckets[i] = (t.buckets[i] ?? 0n) + b;
    });
    t.credits += r.credits;
    t.balance += r.balance;
    t.unapplied += r.unapplied;
    t.net += r.net;
    t.customers += r.customers;
  }
  for (const [currency, amount] of unidentified) {
    let t = totals.get(currency);
    if (!t) {
      t = emptyRow(null, 'TOTAL', currency, buckets.length, 0);
      totals.set(currency, t);
    }
    t.unapplied += amount;
    t.net += amount;
  }
  return { asOf, basis, buckets, source, by, rows: result, unidentified, totals };
}

function emptyRow(
  customerId: string | null,
  accountNumber: string,
  currency: CurrencyCode,
  bucketCount: number,
  customers: number,
): AgingRow {
  return {
    customerId,
    accountNumber,
    name: '',
    parentAccountNumber: null,
    currency,
    buckets: new Array<bigint>(bucketCount).fill(0n),
    credits: 0n,
    balance: 0n,
    unapplied: 0n,
    net: 0n,
    customers,
  };
}

interface CustomerName {
  accountNumber: string;
  name: string;
  parentId: string | null;
}

/**
 * Names of the customers not already known from the aggregate (those with only unapplied cash),
 * their parents, and, to roll up by parent, every ancestor up to the roots.
 */
async function loadMissingCustomers(
  ex: Executor,
  tenantId: number,
  known: Map<string, CustomerName>,
  rowIds: ReadonlySet<string>,
  ancestors: boolean,
): Promise<void> {
  let wanted = [...rowIds].filter((id) => !known.has(id));
  for (let depth = 0; depth < 64; depth++) {
    const parents = [...known.values()]
      .map((c) => c.parentId)
      .filter((p): p is string => p !== null && !known.has(p));
    wanted = [...new Set([...wanted, ...parents])];
    if (wanted.length === 0) return;
    for (let i = 0; i < wanted.length; i += 5000) {
      const rows = await ex
        .selectFrom('customers')
        .select(['id', 'account_number', 'name', 'parent_id'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', anyText(wanted.slice(i, i + 5000)))
        .execute();
      for (const r of rows)
        known.set(r.id, { accountNumber: r.account_number, name: r.name, parentId: r.parent_id });
    }
    wanted = [];
    if (!ancestors && depth > 0) return;
  }
}

/** Sums each customer into its top-level parent (the root of its hierarchy). */
function rollUpToParents(rows: AgingRow[], customers: Map<string, CustomerName>): AgingRow[] {
  const rootOf = (id: string): string => {
    let at = id;
    for (let depth = 0; depth < 64; depth++) {
      const parent = customers.get(at)?.parentId;
      if (!parent) return at;
      at = parent;
    }
    return at;
  };
  const out = new Map<string, AgingRow>();
  for (const r of rows) {
    if (!r.customerId) continue;
    const root = rootOf(r.customerId);
    const key = `${root}|${r.currency}`;
    const c = customers.get(root);
    const prior = out.get(key);
    if (!prior) {
      out.set(key, {
        ...r,
        customerId: root,
        accountNumber: c?.accountNumber ?? '?',
        name: c?.name ?? '?',
        parentAccountNumber: null,
        buckets: [...r.buckets],
      });
      continue;
    }
    r.buckets.forEach((b, i) => {
      prior.buckets[i] = (prior.buckets[i] ?? 0n) + b;
    });
    prior.credits += r.credits;
    prior.balance += r.balance;
    prior.unapplied += r.unapplied;
    prior.net += r.net;
    prior.customers += r.customers;
  }
  return [...out.values()];
}
