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
import { createAmountReader } from './logic/amount-reader.ts';
import { bucketThresholds } from './logic/bucket-thresholds.ts';

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
  /**
   * Only the customers this collector works (a portfolio-scoped analyst's own). Rolled up by parent, a
   * parent's row sums only those customers; cash from no known customer (unidentified) is left out.
   */
  readonly collector?: string;
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

/**
 * Every (customer, currency) group in one result row: the drivers parse a field at a time, and 50,000
 * rows of twelve fields cost the embedded engine more than the aggregate itself (measured on the bench
 * data: about 0.7 s of CPU for the rows, 0.1 s for this form).
 * `amounts` holds, per group and in the order of `ids`, one integer per bucket and then the credits,
 * space-separated decimal text (no overflow, no float).
 */
interface PackedGroups {
  n: number;
  amounts: string | null;
  /** Comma-separated. */
  ids: string | null;
  /** Three letters each, no separator. */
  currencies: string | null;
  accounts: string | null;
  names: string | null;
  parents: string | null;
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
  // A customer column restricted to the collector's customers (none when there is no collector).
  const ofCollector = (customerCol: RawBuilder<unknown>) =>
    options.collector === undefined
      ? sql``
      : sql`and ${customerCol} in (select id from customers where tenant_id = ${tenantId} and collector = ${options.collector})`;
  const { thresholds, bounds } = bucketThresholds(buckets);

  // `sign` is the item's side (its amount, or its open amount: never zero); `amount` is what is summed.
  const groupSums = (amount: RawBuilder<unknown>, dateRef: RawBuilder<unknown>, sign: RawBuilder<unknown>) =>
    sql.join([
      sql`sum(${amount}) as total`,
      sql`sum(${amount}) filter (where ${sign} < 0) as credits`,
      // The date first: most items fail it, and then the sign is not evaluated.
      ...thresholds.map(
        (d, i) =>
          sql`sum(${amount}) filter (where ${dateRef} >= ${d}::date and ${sign} > 0) as ${sql.ref(`t${i}`)}`,
      ),
    ]);
  // Debits dated on or after threshold t; every debit when t is null.
  const debitsFrom = (t: number | null) =>
    t === null ? sql`(a.total - coalesce(a.credits, 0))` : sql`coalesce(${sql.ref(`a.t${t}`)}, 0)`;
  // The amounts of a group, space-separated, in one call rather than a chain of concatenations.
  const packedAmounts = sql`concat_ws(' ', ${sql.join([
    ...bounds.map((b) =>
      b.empty
        ? sql`0`
        : b.upper === null
          ? debitsFrom(b.lower)
          : sql`${debitsFrom(b.lower)} - ${debitsFrom(b.upper)}`,
    ),
    sql`coalesce(a.credits, 0)`,
  ])})`;
  // Names come with the aggregate (one round trip, and only for customers that have open items). The
  // aggregates below run in one node and see the same rows in the same order, so their lists line up.
  // Ids (ours: a prefix and base32, never a comma) and currencies (three letters) need no quoting;
  // names and account numbers go as JSON.
  const packed = (aggregate: RawBuilder<unknown>) => sql<PackedGroups>`
    select count(*)::int as n,
      string_agg(${packedAmounts}, ' ') as amounts,
      string_agg(a.customer_id, ',') as ids,
      string_agg(a.currency, '') as currencies,
      json_agg(c.account_number)::text as accounts,
      json_agg(c.name)::text as names,
      json_agg(c.parent_id)::text as parents
    from (${aggregate}) a join customers c on c.tenant_id = ${tenantId} and c.id = a.customer_id`;
  // One snapshot for the item and cash queries, so they cannot straddle a posting.
  const { groups, unappliedRows, source } = await ex
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const latest = await createLedgerService(ctx).latestEntryDate(tx);
      const source: AgingReport['source'] =
        !options.fromLedger && (latest === null || asOf >= latest) ? 'open_items' : 'ledger';
      let groups: PackedGroups | undefined;
      let unappliedRows: { customer_id: string | null; currency: string; unapplied: bigint }[];
      // Open items come in index order (customer, currency, due date): grouping them as they stream
      // beats hashing a million text keys on both engines (docs/benchmarks.md).
      if (source === 'open_items') await sql`set local enable_hashagg = off`.execute(tx);
      // Compiling this plan (once per parallel worker) cost the server as much CPU as it saved on the
      // bench's million rows of simple comparisons, and added wall time; the embedded engine has no JIT.
      // Parallel workers made it slower as well: the leader merges about as many partial groups as
      // there are groups (50,000 on the bench), 490 ms in parallel against 420 ms in one process.
      if (source === 'open_items' && ctx.database.kind === 'postgres')
        await sql`set local jit = off; set local max_parallel_workers_per_gather = 0`.execute(tx);
      await sql`set local work_mem = '256MB'`.execute(tx);
      if (source === 'open_items') {
        groups = (
          await packed(sql`
            select customer_id, currency,
              ${groupSums(sql.ref('open_minor'), sql.ref(dateCol), sql.ref('open_minor'))}
            from items
            where tenant_id = ${tenantId} and open_minor <> 0 ${entityId ? sql`and entity_id = ${entityId}` : sql``}
              ${ofCollector(sql.ref('customer_id'))}
            group by customer_id, currency`).execute(tx)
        ).rows[0];
        unappliedRows = (
          await sql<{ customer_id: string | null; currency: string; unapplied: bigint }>`
            select customer_id, currency, -sum(unapplied_minor)::bigint as unapplied
            from receipts
            where tenant_id = ${tenantId} and unapplied_minor > 0 ${entityId ? sql`and entity_id = ${entityId}` : sql``}
              ${ofCollector(sql.ref('customer_id'))}
            group by customer_id, currency`.execute(tx)
        ).rows;
      } else {
        // Lines carrying an item are AR control lines; the item gives the dates and the side.
        groups = (
          await packed(sql`
            select i.customer_id, l.currency,
              ${groupSums(sql.ref('l.amount_minor'), sql.ref(`i.${dateCol}`), sql.ref('i.amount_minor'))}
            from journal_lines l
            join items i on i.tenant_id = l.tenant_id and i.id = l.item_id
            where l.tenant_id = ${tenantId} and l.item_id is not null and l.entry_date <= ${asOf}::date
              ${entityId ? sql`and l.entity_id = ${entityId}` : sql``}
              ${ofCollector(sql.ref('i.customer_id'))}
            group by i.customer_id, l.currency`).execute(tx)
        ).rows[0];
        unappliedRows = (
          await sql<{ customer_id: string | null; currency: string; unapplied: bigint }>`
            select l.customer_id, l.currency, sum(l.amount_minor)::bigint as unapplied
            from journal_lines l
            join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id and a.role = 'unapplied_cash'
            -- Every unapplied-cash line names its receipt (\`arbor check\`: subledger_lines_tagged),
            -- so the receipts' lines are all there is to read, by their index, not every line.
            where l.tenant_id = ${tenantId} and l.receipt_id is not null and l.entry_date <= ${asOf}::date
              ${entityId ? sql`and l.entity_id = ${entityId}` : sql``}
              ${ofCollector(sql.ref('l.customer_id'))}
            group by l.customer_id, l.currency
            having sum(l.amount_minor) <> 0`.execute(tx)
        ).rows;
      }
      return { groups, unappliedRows, source };
    });
  const rows = new Map<string, MutableRow>();
  const customerIds = new Set<string>();
  const rowFor = (customerId: string, currency: CurrencyCode): MutableRow => {
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
  if (groups && groups.n > 0) decodeGroups(groups, buckets.length, customers, rowFor);
  const unidentified = new Map<CurrencyCode, bigint>();
  for (const u of unappliedRows) {
    const currency = u.currency as CurrencyCode;
    if (u.customer_id === null) unidentified.set(currency, (unidentified.get(currency) ?? 0n) + u.unapplied);
    else rowFor(u.customer_id, currency).unapplied = u.unapplied;
  }
  await loadMissingCustomers(ex, tenantId, customers, customerIds, by === 'parent');
  // Rows are built here, so they are named and balanced in place rather than copied.
  let result: AgingRow[] = [];
  for (const row of rows.values()) {
    const c = row.customerId ? customers.get(row.customerId) : undefined;
    const parent = c?.parentId ? customers.get(c.parentId) : undefined;
    let balance = row.credits;
    for (const b of row.buckets) balance += b;
    row.accountNumber = c?.accountNumber ?? '?';
    row.name = c?.name ?? '?';
    row.parentAccountNumber = parent?.accountNumber ?? null;
    row.balance = balance;
    row.net = balance + row.unapplied;
    result.push(row);
  }
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

type MutableRow = { -readonly [K in keyof AgingRow]: AgingRow[K] };

/**
 * Reads the packed groups into rows and names. A plain loop: it runs once per group, and closures or
 * intermediate objects here cost more than the parsing (50,000 groups in the benchmark).
 */
function decodeGroups(
  groups: PackedGroups,
  bucketCount: number,
  customers: Map<string, CustomerName>,
  rowFor: (customerId: string, currency: CurrencyCode) => MutableRow,
): void {
  const ids = (groups.ids ?? '').split(',');
  const currencyText = groups.currencies ?? '';
  const accounts = JSON.parse(groups.accounts ?? '[]') as string[];
  const names = JSON.parse(groups.names ?? '[]') as string[];
  const parents = JSON.parse(groups.parents ?? '[]') as (string | null)[];
  if (ids.length !== groups.n || currencyText.length !== 3 * groups.n)
    throw new Error(`aging: ${groups.n} groups but ${ids.length} ids, ${currencyText.length / 3} currencies`);
  const amounts = createAmountReader(groups.amounts ?? '');
  for (let g = 0; g < groups.n; g++) {
    const customerId = ids[g] as string;
    customers.set(customerId, {
      accountNumber: accounts[g] as string,
      name: names[g] as string,
      parentId: parents[g] ?? null,
    });
    const row = rowFor(customerId, currencyText.slice(3 * g, 3 * g + 3) as CurrencyCode);
    for (let i = 0; i < bucketCount; i++) row.buckets[i] = amounts.next();
    row.credits = amounts.next();
  }
  amounts.end();
}

function emptyRow(
  customerId: string | null,
  accountNumber: string,
  currency: CurrencyCode,
  bucketCount: number,
  customers: number,
): MutableRow {
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
