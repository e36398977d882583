import { type RawBuilder, sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { anyText } from '../../db/bulk.ts';
import { exportSnapshot, joinSnapshot } from '../../db/snapshot.ts';
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
import { ExactSums } from './logic/exact-sums.ts';

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
  // `range` limits the customers (by id) to those of one part of the report.
  type Range = (customerCol: RawBuilder<unknown>) => RawBuilder<unknown>;
  const everyone: Range = () => sql``;
  const packed = (aggregate: RawBuilder<unknown>, range: Range = everyone) => sql<PackedGroups>`
    select count(*)::int as n,
      string_agg(${packedAmounts}, ' ') as amounts,
      string_agg(a.customer_id, ',') as ids,
      string_agg(a.currency, '') as currencies,
      json_agg(c.account_number)::text as accounts,
      json_agg(c.name)::text as names,
      json_agg(c.parent_id)::text as parents
    from (${aggregate}) a join customers c on c.tenant_id = ${tenantId} and c.id = a.customer_id ${range(sql.ref('c.id'))}`;
  type UnappliedRow = { customer_id: string | null; currency: string; unapplied: bigint };
  const itemGroups = (ex: Executor, range: Range = everyone) =>
    packed(
      sql`
      select customer_id, currency,
        ${groupSums(sql.ref('open_minor'), sql.ref(dateCol), sql.ref('open_minor'))}
      from items
      where tenant_id = ${tenantId} and open_minor <> 0 ${entityId ? sql`and entity_id = ${entityId}` : sql``}
        ${ofCollector(sql.ref('customer_id'))} ${range(sql.ref('customer_id'))}
      group by customer_id, currency`,
      range,
    ).execute(ex);
  // Open items come in index order (customer, currency, due date): grouping them as they stream
  // beats hashing a million text keys on both engines (docs/benchmarks.md). Compiling the plan with
  // JIT cost the server as much CPU as it saved on the bench's million rows of simple comparisons,
  // and the embedded engine has no JIT. Parallel workers within one query gained less than the two
  // queries below (their leader merges as many partial groups as there are customers).
  const tuneForItems = async (ex: Executor) => {
    await sql`set local enable_hashagg = off`.execute(ex);
    if (ctx.database.kind === 'postgres')
      await sql`set local jit = off; set local max_parallel_workers_per_gather = 0`.execute(ex);
  };
  const rows: MutableRow[] = [];
  const customers = new Map<string, CustomerName>();
  // Unapplied cash per customer, matched to the customer's rows as they are decoded; what is left
  // belongs to customers with no open items.
  const unappliedOf = new Map<string, UnappliedRow[]>();
  const unidentified = new Map<CurrencyCode, bigint>();
  const takeUnapplied = (unappliedRows: readonly UnappliedRow[]) => {
    for (const u of unappliedRows) {
      const currency = u.currency as CurrencyCode;
      if (u.customer_id === null)
        unidentified.set(currency, (unidentified.get(currency) ?? 0n) + u.unapplied);
      else {
        const list = unappliedOf.get(u.customer_id);
        if (list) list.push(u);
        else unappliedOf.set(u.customer_id, [u]);
      }
    }
  };
  // The totals' money, per currency, summed as the rows are decoded (the unapplied cash as well):
  // rows the report leaves out are all zeros, so summing before the filter gives the same totals.
  const sums = new Map<string, ExactSums>();
  const decode = (groups: PackedGroups | undefined) => {
    if (groups && groups.n > 0) decodeGroups(groups, buckets.length, customers, unappliedOf, sums, rows);
  };
  // Lines carrying an item are AR control lines; the item gives the dates and the side.
  const ledgerGroups = (ex: Executor, range: Range = everyone) =>
    packed(
      sql`
      select i.customer_id, l.currency,
        ${groupSums(sql.ref('l.amount_minor'), sql.ref(`i.${dateCol}`), sql.ref('i.amount_minor'))}
      from journal_lines l
      join items i on i.tenant_id = l.tenant_id and i.id = l.item_id
      where l.tenant_id = ${tenantId} and l.item_id is not null and l.entry_date <= ${asOf}::date
        ${entityId ? sql`and l.entity_id = ${entityId}` : sql``}
        ${ofCollector(sql.ref('i.customer_id'))} ${range(sql.ref('i.customer_id'))}
      group by i.customer_id, l.currency`,
      range,
    ).execute(ex);
  const receiptsCash = (ex: Executor) =>
    sql<UnappliedRow>`
    select customer_id, currency, -sum(unapplied_minor)::bigint as unapplied
    from receipts
    where tenant_id = ${tenantId} and unapplied_minor > 0 ${entityId ? sql`and entity_id = ${entityId}` : sql``}
      ${ofCollector(sql.ref('customer_id'))}
    group by customer_id, currency`.execute(ex);
  const ledgerCash = (ex: Executor) =>
    sql<UnappliedRow>`
    select l.customer_id, l.currency, sum(l.amount_minor)::bigint as unapplied
    from journal_lines l
    join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id and a.role = 'unapplied_cash'
    -- Every unapplied-cash line names its receipt (\`arbor check\`: subledger_lines_tagged),
    -- so the receipts' lines are all there is to read, by their index, not every line.
    where l.tenant_id = ${tenantId} and l.receipt_id is not null and l.entry_date <= ${asOf}::date
      ${entityId ? sql`and l.entity_id = ${entityId}` : sql``}
      ${ofCollector(sql.ref('l.customer_id'))}
    group by l.customer_id, l.currency
    having sum(l.amount_minor) <> 0`.execute(ex);
  // One snapshot for the item and cash queries, so they cannot straddle a posting.
  const source = await ex
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const latest = await createLedgerService(ctx).latestEntryDate(tx);
      const source: AgingReport['source'] =
        !options.fromLedger && (latest === null || asOf >= latest) ? 'open_items' : 'ledger';
      const tune = async (on: Executor) => {
        await sql`set local work_mem = '256MB'`.execute(on);
        if (source === 'open_items') await tuneForItems(on);
      };
      const groupsOf = source === 'open_items' ? itemGroups : ledgerGroups;
      // The open items, on a server with a pool (the command line, jobs; not a request, which is one
      // transaction on one connection): the customers are split in two by id and each half is
      // aggregated on a connection of its own, both in this transaction's snapshot (exported, as
      // pg_dump does for its parallel workers), so that the two cores work at once. Each half joins
      // only its own customers. Four parts, two per connection, so that two are decoded here while
      // the server aggregates the other two, were slower on the bench's million items (each quarter
      // took more than half a half's time). Not the rebuild from the ledger: its plan already runs
      // in parallel workers, and each half would read every line.
      if (source !== 'open_items' || ctx.database.kind !== 'postgres' || ex.isTransaction) {
        // The cash first: each group takes its customer's as it is decoded.
        takeUnapplied((await (source === 'open_items' ? receiptsCash : ledgerCash)(tx)).rows);
        await tune(tx);
        decode((await groupsOf(tx)).rows[0]);
        return source;
      }
      await ex.connection().execute(async (conn) => {
        // Where the halves split, read on the second connection while this one reads the cash: any
        // split gives the same report (the parts cover every id), so it need not see the snapshot.
        const [cash, splits] = await Promise.all([receiptsCash(tx), customerSplits(conn, tenantId, 2)]);
        takeUnapplied(cash.rows);
        await tune(tx);
        if (splits.length === 0) {
          decode((await groupsOf(tx)).rows[0]);
          return;
        }
        const snapshot = await exportSnapshot(tx);
        await conn
          .transaction()
          .setIsolationLevel('repeatable read')
          .execute(async (other) => {
            await joinSnapshot(other, snapshot);
            await tune(other);
            const ranges: Range[] = [...splits, null].map((upper, i) => {
              const lower = i === 0 ? null : splits[i - 1];
              return (col) =>
                sql`${lower == null ? sql`` : sql`and ${col} >= ${lower}`} ${upper === null ? sql`` : sql`and ${col} < ${upper}`}`;
            });
            await Promise.all(
              ranges.map((range, i) =>
                itemGroups(i % 2 === 0 ? tx : other, range).then((r) => decode(r.rows[0])),
              ),
            );
          });
      });
      return source;
    });
  // Cash of customers with no open items: rows of their own, named once their customers are read.
  const cashOnly: MutableRow[] = [];
  for (const [customerId, list] of unappliedOf) {
    for (const u of list) {
      const row = emptyRow(customerId, '?', u.currency as CurrencyCode, buckets.length, 1);
      row.unapplied = u.unapplied;
      cashOnly.push(row);
    }
  }
  await loadMissingCustomers(ex, tenantId, customers, unappliedOf.keys(), by === 'parent');
  for (const row of cashOnly) {
    const c = customers.get(row.customerId as string);
    row.accountNumber = c?.accountNumber ?? '?';
    row.name = c?.name ?? '?';
    sumsOf(sums, row.currency, buckets.length).addBig(buckets.length + 1, row.unapplied);
    rows.push(row);
  }
  // Rows were named and balanced as they were decoded; what is left: the parents' account numbers
  // and the net.
  let result: AgingRow[] = rows;
  for (const row of rows) {
    const parentId = customers.get(row.customerId as string)?.parentId;
    if (parentId) row.parentAccountNumber = customers.get(parentId)?.accountNumber ?? null;
    row.net = row.unapplied === 0n ? row.balance : row.balance + row.unapplied;
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

  // A total per currency that has a row: its money from the sums, its count of customers here.
  const totals = new Map<CurrencyCode, AgingRow>();
  for (const r of result) {
    let t = totals.get(r.currency);
    if (!t) {
      t = emptyRow(null, 'TOTAL', r.currency, buckets.length, 0);
      const s = sums.get(r.currency);
      if (s) {
        for (let i = 0; i < buckets.length; i++) t.buckets[i] = s.value(i);
        t.credits = s.value(buckets.length);
        t.balance = t.buckets.reduce((a, b) => a + b, t.credits);
        t.unapplied = s.value(buckets.length + 1);
        t.net = t.balance + t.unapplied;
      }
      totals.set(r.currency, t);
    }
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
 * Reads the packed groups into named, balanced rows, each with the unapplied cash of its customer in
 * its currency (taken from `unappliedOf`, so what is left there has no row). A plain loop: it runs
 * once per group, and closures, keys built per group or intermediate objects here cost more than the
 * parsing (50,000 groups in the benchmark).
 */
function decodeGroups(
  groups: PackedGroups,
  bucketCount: number,
  customers: Map<string, CustomerName>,
  unappliedOf: Map<string, { currency: string; unapplied: bigint }[]>,
  sums: Map<string, ExactSums>,
  out: MutableRow[],
): void {
  const ids = (groups.ids ?? '').split(',');
  const currencyText = groups.currencies ?? '';
  const accounts = JSON.parse(groups.accounts ?? '[]') as string[];
  const names = JSON.parse(groups.names ?? '[]') as string[];
  const parents = JSON.parse(groups.parents ?? '[]') as (string | null)[];
  if (ids.length !== groups.n || currencyText.length !== 3 * groups.n)
    throw new Error(`aging: ${groups.n} groups but ${ids.length} ids, ${currencyText.length / 3} currencies`);
  const amounts = createAmountReader(groups.amounts ?? '');
  const withCash = unappliedOf.size > 0;
  let sumsCurrency = '';
  let into: ExactSums | undefined;
  for (let g = 0; g < groups.n; g++) {
    const customerId = ids[g] as string;
    const accountNumber = accounts[g] as string;
    const name = names[g] as string;
    customers.set(customerId, { accountNumber, name, parentId: parents[g] ?? null });
    const currency = currencyText.slice(3 * g, 3 * g + 3) as CurrencyCode;
    if (currency !== sumsCurrency || into === undefined) {
      sumsCurrency = currency;
      into = sumsOf(sums, currency, bucketCount);
    }
    // The balance is summed as a double while every amount is one (each below 10^15 < 2^50; the
    // double part moves into the bigint past 2^52, so no addition rounds, however many buckets),
    // and the long ones as bigints.
    const bucketAmounts = new Array<bigint>(bucketCount);
    let credits = 0n;
    let small = 0;
    let big = 0n;
    for (let i = 0; i <= bucketCount; i++) {
      const amount = amounts.next();
      if (i < bucketCount) bucketAmounts[i] = amount;
      else credits = amount;
      const exact = amounts.last;
      if (!Number.isNaN(exact)) {
        small += exact;
        if (small > 2 ** 52 || small < -(2 ** 52)) {
          big += BigInt(small);
          small = 0;
        }
        into.add(i, exact);
      } else {
        big += amount;
        into.addBig(i, amount);
      }
    }
    const balance = big === 0n ? BigInt(small) : big + BigInt(small);
    let unapplied = 0n;
    if (withCash) {
      const cash = unappliedOf.get(customerId);
      const at = cash ? cash.findIndex((u) => u.currency === currency) : -1;
      if (cash && at >= 0) {
        unapplied = (cash[at] as { unapplied: bigint }).unapplied;
        into.addBig(bucketCount + 1, unapplied);
        cash.splice(at, 1);
        if (cash.length === 0) unappliedOf.delete(customerId);
      }
    }
    out.push({
      customerId,
      accountNumber,
      name,
      parentAccountNumber: null,
      currency,
      buckets: bucketAmounts,
      credits,
      balance,
      unapplied,
      net: 0n,
      customers: 1,
    });
  }
  amounts.end();
}

/** The sums of a currency's totals: one lane per bucket, then the credits, then the unapplied cash. */
function sumsOf(sums: Map<string, ExactSums>, currency: string, bucketCount: number): ExactSums {
  let s = sums.get(currency);
  if (!s) {
    s = new ExactSums(bucketCount + 2);
    sums.set(currency, s);
  }
  return s;
}

/**
 * The customer ids that split the tenant's customers into `parts` parts of about the same size, in id
 * order (a part takes the ids from one split, inclusive, to the next); none when there are too few
 * customers to split.
 */
async function customerSplits(ex: Executor, tenantId: number, parts: number): Promise<string[]> {
  const r = await sql<{ id: string | null }>`
    select (select id from customers where tenant_id = ${tenantId} order by id offset n.n * k / ${parts} limit 1) as id
    from (select count(*) as n from customers where tenant_id = ${tenantId}) n, generate_series(1, ${parts - 1}) k
    where n.n >= ${parts} order by k`.execute(ex);
  const ids = r.rows.map((row) => row.id).filter((id): id is string => id !== null);
  // Distinct and rising, or no split at all.
  return ids.every((id, i) => i === 0 || id > (ids[i - 1] as string)) ? ids : [];
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
  rowIds: Iterable<string>,
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
