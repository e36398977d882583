import { sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { formatAmount } from '../../core/money.ts';
import { inOneSnapshot } from '../../db/snapshot.ts';

export interface CheckResult {
  readonly name: string;
  readonly description: string;
  readonly ok: boolean;
  /** What was examined, for the report (e.g. "1,000,000 items"). */
  readonly examined: string;
  /** Up to a few examples of each failure, each naming the object and the numbers that disagree. */
  readonly failures: readonly string[];
  readonly failureCount: number;
}

const EXAMPLES = 20;

interface Check {
  readonly name: string;
  readonly description: string;
  readonly examined: (ex: Executor) => Promise<string>;
  readonly failures: (ex: Executor) => Promise<{ count: number; examples: string[] }>;
  /** Reads and groups a row per item or line: started first when checks share connections. */
  readonly heavy: boolean;
}

/**
 * Connections the checks share on a PostgreSQL server. Each check is one or two statements that read
 * whole tables on one core; two at a time keep both of the bench machine's cores busy (a 1M-invoice
 * ledger: docs/benchmarks.md).
 */
const CHECK_CONNECTIONS = 2;
const fmt = (v: bigint, c: string) => formatAmount(v, c as CurrencyCode);

/**
 * `arbor check`: every invariant a finance user will test (DOMAIN.md): entries balance; the AR
 * control account equals the open items per entity and currency; unapplied cash equals the receipts'
 * unapplied amounts; every item's and receipt's materialized balance equals both its journal lines and
 * its applications; nothing is applied beyond an item's amount or a receipt's money. On a server the
 * checks read one snapshot of the database, two at a time (runChecks).
 */
export async function checkLedger(ctx: ServiceContext): Promise<CheckResult[]> {
  const t = ctx.tenantId;
  const checks: Check[] = [];
  const add = (
    name: string,
    description: string,
    examined: Check['examined'],
    failures: Check['failures'],
    heavy = false,
  ) => {
    checks.push({ name, description, examined, failures, heavy });
  };
  // Several checks name the same table's size: each is counted once (a count reads every row of the
  // tenant's table), on whichever connection asks first.
  const counted = new Map<string, Promise<string>>();
  const count = (ex: Executor, table: string): Promise<string> => {
    let n = counted.get(table);
    if (!n) {
      n = sql<{ n: bigint }>`select count(*)::bigint as n from ${sql.table(table)} where tenant_id = ${t}`
        .execute(ex)
        .then((r) => (r.rows[0]?.n ?? 0n).toLocaleString('en-US'));
      counted.set(table, n);
    }
    return n;
  };

  add(
    'entries_balance',
    'every journal entry has lines and balances in each currency',
    async (ex) => `${await count(ex, 'journal_entries')} entries, ${await count(ex, 'journal_lines')} lines`,
    (ex) =>
      collect(
        ex,
        sql<{ msg: string }>`
          select 'entry ' || e.id || coalesce(' in ' || b.currency || ' is off by ' || b.off::text || ' minor units', ' has no lines') as msg
          from journal_entries e
          left join (select entry_id, currency, sum(amount_minor) as off from journal_lines where tenant_id = ${t}
                     group by entry_id, currency) b on b.entry_id = e.id
          where e.tenant_id = ${t} and (b.entry_id is null or b.off <> 0)`,
      ),
  );

  add(
    'lines_match_entries',
    "every line carries its entry's entity and date",
    async (ex) => `${await count(ex, 'journal_lines')} lines`,
    (ex) =>
      collect(
        ex,
        sql<{ msg: string }>`
          select 'line ' || l.entry_id || '/' || l.line_no || ' says ' || l.entity_id || ' ' || l.entry_date::text ||
                 ', its entry ' || e.entity_id || ' ' || e.entry_date::text as msg
          from journal_lines l join journal_entries e on e.tenant_id = l.tenant_id and e.id = l.entry_id
          where l.tenant_id = ${t} and (l.entity_id <> e.entity_id or l.entry_date <> e.entry_date)`,
      ),
  );

  /**
   * A control account against its subledger, per entity and currency. `sign` turns the account's
   * debit-positive balance into the subledger's sign (unapplied cash is a credit balance).
   */
  const tie = async (
    ex: Executor,
    role: string,
    sign: 1n | -1n,
    subledger: 'items' | 'receipts',
    labels: [string, string],
  ) => {
    const column = subledger === 'items' ? sql.ref('open_minor') : sql.ref('unapplied_minor');
    const rows = (
      await sql<{ entity: string; currency: string; gl: bigint; sub: bigint }>`
        with gl as (
          select l.entity_id, l.currency, ${sign} * sum(l.amount_minor) as amount from journal_lines l
          join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id and a.role = ${role}
          where l.tenant_id = ${t} group by 1, 2),
        sub as (select entity_id, currency, sum(${column}) as amount from ${sql.table(subledger)}
                where tenant_id = ${t} group by 1, 2)
        select coalesce(gl.entity_id, sub.entity_id) as entity, coalesce(gl.currency, sub.currency) as currency,
          coalesce(gl.amount, 0)::bigint as gl, coalesce(sub.amount, 0)::bigint as sub
        from gl full join sub on gl.entity_id = sub.entity_id and gl.currency = sub.currency
        where coalesce(gl.amount, 0) <> coalesce(sub.amount, 0)`.execute(ex)
    ).rows;
    return {
      count: rows.length,
      examples: rows.map(
        (r) =>
          `entity ${r.entity} ${r.currency}: ${labels[0]} ${fmt(r.gl, r.currency)}, ${labels[1]} ${fmt(r.sub, r.currency)}`,
      ),
    };
  };

  add(
    'ar_control_ties',
    'AR control equals the sum of open items, per entity and currency',
    async (ex) => `${await count(ex, 'entities')} entities`,
    (ex) => tie(ex, 'ar_control', 1n, 'items', ['AR control', 'open items']),
  );

  add(
    'unapplied_ties',
    "unapplied cash equals the receipts' unapplied amounts, per entity and currency",
    async (ex) => `${await count(ex, 'receipts')} receipts`,
    (ex) => tie(ex, 'unapplied_cash', -1n, 'receipts', ['unapplied cash', 'receipts']),
  );

  add(
    'items_match_journal',
    "each item's open amount equals its AR lines in the journal",
    async (ex) => `${await count(ex, 'items')} items`,
    (ex) =>
      collect(
        ex,
        sql<{ msg: string }>`
          with lines as (select item_id, sum(amount_minor) as amount from journal_lines
                         where tenant_id = ${t} and item_id is not null group by item_id)
          select 'item ' || coalesce(i.number, lines.item_id) || ': open ' || coalesce(i.open_minor, 0)::text ||
                 ', journal ' || coalesce(lines.amount, 0)::text || ' (minor units)' as msg
          from (select id, number, open_minor from items where tenant_id = ${t}) i
          full join lines on lines.item_id = i.id
          where coalesce(i.open_minor, 0) <> coalesce(lines.amount, 0)`,
      ),
    true,
  );

  add(
    'items_match_applications',
    "each item's open amount equals its amount less what was applied to it",
    async (ex) => `${await count(ex, 'applications')} application rows`,
    (ex) =>
      collect(
        ex,
        sql<{ msg: string }>`
          with settled as (
            select item_id, sum(amount_minor) as amount from applications
            where tenant_id = ${t} and item_id is not null and kind in ('invoice', 'credit_memo') group by item_id),
          undone as (
            select a.created_item_id as item_id from applications a
            where a.tenant_id = ${t} and a.created_item_id is not null and a.reversal_of is not null)
          select 'item ' || i.number || ': open ' || i.open_minor::text || ', amount ' || i.amount_minor::text ||
                 ' less applied ' || coalesce(s.amount, 0)::text ||
                 case when u.item_id is not null then ' less its reversed creation' else '' end as msg
          from items i
          left join settled s on s.item_id = i.id
          left join undone u on u.item_id = i.id
          where i.tenant_id = ${t}
            and i.open_minor <> i.amount_minor - coalesce(s.amount, 0) - case when u.item_id is not null then i.amount_minor else 0 end`,
      ),
  );

  add(
    'items_within_amount',
    'no item is applied beyond its amount, and no credit beyond its credit',
    async (ex) => `${await count(ex, 'items')} items`,
    (ex) =>
      collect(
        ex,
        sql<{ msg: string }>`
          select 'item ' || number || ': open ' || open_minor::text || ' outside 0..' || amount_minor::text as msg
          from items where tenant_id = ${t}
            and not ((amount_minor > 0 and open_minor between 0 and amount_minor)
                  or (amount_minor < 0 and open_minor between amount_minor and 0))`,
      ),
  );

  add(
    'receipts_match_applications',
    "each receipt's unapplied amount equals its amount less its applications and returns, never below zero",
    async (ex) => `${await count(ex, 'receipts')} receipts`,
    (ex) =>
      collect(
        ex,
        sql<{ msg: string }>`
          with used as (select receipt_id, sum(amount_minor) as amount from applications
                        where tenant_id = ${t} and receipt_id is not null group by receipt_id)
          select 'receipt ' || r.reference || ': unapplied ' || r.unapplied_minor::text || ', amount ' || r.amount_minor::text ||
                 ' less applied ' || coalesce(u.amount, 0)::text || ' less returned ' || r.returned_minor::text as msg
          from receipts r left join used u on u.receipt_id = r.id
          where r.tenant_id = ${t}
            and (r.unapplied_minor <> r.amount_minor - r.returned_minor - coalesce(u.amount, 0)
                 or r.unapplied_minor < 0 or r.unapplied_minor > r.amount_minor - r.returned_minor)`,
      ),
  );

  add(
    'receipts_match_journal',
    "each receipt's unapplied amount equals its unapplied-cash lines in the journal",
    async (ex) => `${await count(ex, 'receipts')} receipts`,
    (ex) =>
      collect(
        ex,
        sql<{ msg: string }>`
          with lines as (
            select l.receipt_id, -sum(l.amount_minor) as amount from journal_lines l
            join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id and a.role = 'unapplied_cash'
            where l.tenant_id = ${t} and l.receipt_id is not null group by l.receipt_id)
          select 'receipt ' || coalesce(r.reference, lines.receipt_id) || ': unapplied ' || coalesce(r.unapplied_minor, 0)::text ||
                 ', journal ' || coalesce(lines.amount, 0)::text as msg
          from (select id, reference, unapplied_minor from receipts where tenant_id = ${t}) r
          full join lines on lines.receipt_id = r.id
          where coalesce(r.unapplied_minor, 0) <> coalesce(lines.amount, 0)`,
      ),
  );

  add(
    'subledger_lines_tagged',
    'every AR control line names its item, every unapplied-cash line its receipt',
    async (ex) => `${await count(ex, 'journal_lines')} lines`,
    (ex) =>
      collect(
        ex,
        sql<{ msg: string }>`
          select 'line ' || l.entry_id || '/' || l.line_no || ' on ' || a.role || ' has no ' ||
                 case when a.role = 'ar_control' then 'item' else 'receipt' end as msg
          from journal_lines l join gl_accounts a on a.tenant_id = l.tenant_id and a.id = l.account_id
          where l.tenant_id = ${t} and ((a.role = 'ar_control' and l.item_id is null)
                                     or (a.role = 'unapplied_cash' and l.receipt_id is null))`,
      ),
  );

  add(
    'reversals_mirror',
    'every reversing application negates the row it reverses',
    async (ex) => `${await count(ex, 'applications')} application rows`,
    (ex) =>
      collect(
        ex,
        sql<{ msg: string }>`
          select 'application ' || r.id || ' reverses ' || o.id || ' but does not mirror it' as msg
          from applications r join applications o on o.tenant_id = r.tenant_id and o.id = r.reversal_of
          where r.tenant_id = ${t} and (r.amount_minor <> -o.amount_minor or r.kind <> o.kind
            or r.item_id is distinct from o.item_id or r.receipt_id is distinct from o.receipt_id)`,
      ),
  );
  return runChecks(ctx, checks);
}

/**
 * Runs the checks and returns their results in the order given. On a PostgreSQL server (not inside a
 * caller's transaction) they go on CHECK_CONNECTIONS connections in one snapshot, each connection
 * taking the next check when it is done with one; elsewhere one after another.
 */
async function runChecks(ctx: ServiceContext, checks: readonly Check[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  // The heavy ones first, so that no connection is left with one of them when the rest are done.
  const order = [...checks.keys()].sort((a, b) => Number(checks[b]?.heavy) - Number(checks[a]?.heavy));
  let next = 0;
  let failed = false;
  const worker = async (ex: Executor) => {
    for (let at = next++; at < order.length && !failed; at = next++) {
      const i = order[at] as number;
      const check = checks[i] as Check;
      const f = await check.failures(ex);
      results[i] = {
        name: check.name,
        description: check.description,
        ok: f.count === 0,
        examined: await check.examined(ex),
        failures: f.examples,
        failureCount: f.count,
      };
    }
  };
  const db = ctx.database.db;
  if (ctx.database.kind !== 'postgres' || db.isTransaction) await worker(db);
  else
    await inOneSnapshot(db, CHECK_CONNECTIONS, async (executors) => {
      // Every connection's work ends before any transaction does, even when one fails.
      const ended = await Promise.allSettled(
        executors.map((ex) =>
          worker(ex).catch((e: unknown) => {
            failed = true;
            throw e;
          }),
        ),
      );
      for (const e of ended) if (e.status === 'rejected') throw e.reason;
    });
  return results;
}

async function collect(
  ex: Executor,
  query: { execute(ex: Executor): Promise<{ rows: { msg: string }[] }> },
): Promise<{ count: number; examples: string[] }> {
  const rows = (await query.execute(ex)).rows;
  return { count: rows.length, examples: rows.slice(0, EXAMPLES).map((r) => r.msg) };
}
