import { sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { EMPTY_STATE, loadCollectionsStates } from './collections-state.ts';
import { BUILT_IN_MODEL, parseStoredModel, type RiskModel, smoothedLateShare } from './logic/risk-model.ts';
import {
  type AccountFacts,
  type CollectionsFacts,
  type ContactFact,
  DEFAULT_POLICY,
  type ScoringPolicy,
  scoreAccount,
  type TaskFact,
} from './logic/score-account.ts';
import { worklistError } from './worklist.errors.ts';
import {
  type AccountFactsRow,
  type CustomerScope,
  findAccountFacts,
  findCustomerRows,
  findDueTasks,
  findNewestRiskModel,
  findPlacingAgencies,
  findRecentCalls,
  findScopeCustomerIds,
  findUnappliedCash,
  type TaskRow,
} from './worklist.repo.ts';

export interface WorklistOptions {
  /** The day the list is for (days past due, promises and tasks due); default today. Amounts are today's. */
  readonly date?: LocalDate;
  /** One collector's accounts and tasks; absent or null: everyone's. */
  readonly collector?: string | null;
  /** Rows by score; accounts with a task due are listed whatever the limit. Default 50. */
  readonly limit?: number;
}

export interface WorklistRow {
  readonly rank: number;
  readonly customerId: string;
  readonly accountNumber: string;
  readonly name: string;
  readonly customerType: 'business' | 'consumer';
  readonly segment: string | null;
  readonly collector: string | null;
  readonly currency: CurrencyCode;
  readonly balanceMinor: bigint;
  readonly pastDueMinor: bigint;
  readonly maxDaysPastDue: number | null;
  readonly atRiskMinor: bigint;
  readonly disputedMinor: bigint;
  readonly placedMinor: bigint;
  readonly probability: number;
  readonly score: number;
  readonly callable: boolean;
  readonly callableFrom: LocalDate | null;
  readonly routed: boolean;
  readonly tasks: readonly TaskFact[];
  readonly reasons: readonly string[];
}

export interface ModelInfo {
  readonly source: 'built-in' | 'fitted';
  readonly id: string | null;
  readonly version: string;
}

export interface Worklist {
  readonly date: LocalDate;
  readonly collector: string | null;
  readonly model: ModelInfo;
  /** Accounts that made the list before the limit (score above zero, or a task due). */
  readonly candidates: number;
  readonly rows: WorklistRow[];
}

/** The tenant's newest fitted late-payment model, or the built-in one. */
export async function loadRiskModel(ex: Executor, tenantId: number): Promise<RiskModel> {
  const row = await findNewestRiskModel(ex, tenantId);
  if (!row) return BUILT_IN_MODEL;
  return parseStoredModel(row.model, row.id) ?? BUILT_IN_MODEL;
}

/** A scored account before ranking (shared with the team view). */
export interface ScoredRow extends Omit<WorklistRow, 'rank'> {
  readonly openPromisesDue: number;
  readonly openPromisesOverdue: number;
}

const NO_CONTACT: ContactFact = { callsLast7Days: 0, lastConversationOn: null, seventhLatestCallOn: null };

/**
 * Scores every account in scope: facts (balances, Σ open × p), collections state, tasks, recent
 * calls, in one repeatable-read snapshot so that the parts cannot straddle a posting.
 */
export async function scoreAccounts(
  ctx: ServiceContext,
  args: {
    day: LocalDate;
    scope: CustomerScope;
    tasksDueBy: LocalDate | null;
    taskCollector: string | null;
  },
): Promise<{ model: RiskModel; rows: ScoredRow[] }> {
  const { day, scope } = args;
  const policy: ScoringPolicy = { ...DEFAULT_POLICY, risk: BUILT_IN_MODEL.settings };
  // On a server with a pool (the command line, jobs), the collections state is read on a connection
  // of its own while the transaction below computes the balances: the two halves overlap. It is
  // read outside the snapshot, which is fine for what it is (promises, disputes, holds are not money).
  // Inside a request (already a transaction, one connection) or on the embedded engine, it is read
  // in turn, in the transaction.
  const early =
    ctx.database.kind === 'postgres' && !ctx.database.db.isTransaction
      ? findScopeCustomerIds(ctx.database.db, ctx.tenantId, scope).then(async (ids) => ({
          covered: new Set(ids),
          states: await loadCollectionsStates(ctx.database.db, ctx.tenantId, ids, day),
        }))
      : null;
  // A failure is reported where it is awaited, not as an unhandled rejection meanwhile.
  early?.catch(() => {});
  return ctx.database.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      // Per-customer aggregates over a million items sort and hash in memory rather than on disk
      // (the aging does the same); `set local` ends with this transaction. No parallel workers: on
      // the benchmark's two cores they slowed the account facts down (each worker built its own
      // hash of the applications): 50,000 accounts 3.4 → 2.8–3.1 s, one collector's 1.2 →
      // 0.6–0.9 s, in psql on the bench:worklist database.
      await sql`set local work_mem = '256MB'`.execute(tx);
      await sql`set local max_parallel_workers_per_gather = 0`.execute(tx);
      const model = await loadRiskModel(tx, ctx.tenantId);
      const facts = await findAccountFacts(tx, ctx.tenantId, { asOf: day, model, scope });
      const tasks = await findDueTasks(tx, ctx.tenantId, {
        dueBy: args.tasksDueBy,
        collector: args.taskCollector,
      });
      // Tasks on customers outside the scope (assigned to this collector on someone else's account).
      const known = new Set(facts.map((f) => f.customer_id));
      const extra = [...new Set(tasks.map((t) => t.customer_id).filter((id) => !known.has(id)))];
      if (extra.length > 0 && scope !== null) {
        facts.push(
          ...(await findAccountFacts(tx, ctx.tenantId, { asOf: day, model, scope: { customerIds: extra } })),
        );
      }
      const unapplied = await findUnappliedCash(tx, ctx.tenantId, scope);
      const calls = await findRecentCalls(tx, ctx.tenantId, { day, scope });
      const placedCustomers = facts.filter((f) => f.placed > 0n).map((f) => f.customer_id);
      const agencies = await findPlacingAgencies(tx, ctx.tenantId, placedCustomers);

      const unappliedOf = new Map(unapplied.map((u) => [`${u.customer_id}|${u.currency}`, u.unapplied]));
      const contactOf = new Map(
        calls.map((c) => [
          c.customer_id,
          {
            callsLast7Days: c.calls,
            lastConversationOn: c.last_conversation,
            seventhLatestCallOn: c.seventh_latest,
          } satisfies ContactFact,
        ]),
      );
      const tasksOf = new Map<string, TaskRow[]>();
      for (const t of tasks) {
        const list = tasksOf.get(t.customer_id);
        if (list) list.push(t);
        else tasksOf.set(t.customer_id, [t]);
      }

      // Customers with a task but no open items get a row of their own, in their own currency.
      const withFacts = new Set(facts.map((f) => f.customer_id));
      const bare = [...tasksOf.keys()].filter((id) => !withFacts.has(id));
      for (const c of await findCustomerRows(tx, ctx.tenantId, bare)) {
        facts.push(emptyFacts(c));
      }
      const states = new Map<string, CollectionsFacts>();
      // A customer's tasks go on one of its rows: the one in its own currency, else the first.
      const taskRowKey = new Map<string, string>();
      for (const f of facts) {
        const key = `${f.customer_id}|${f.currency}`;
        if (!taskRowKey.has(f.customer_id) || f.currency === f.customer_currency)
          taskRowKey.set(f.customer_id, key);
      }

      const scoreRow = (f: AccountFactsRow, state: CollectionsFacts): ScoredRow => {
        const key = `${f.customer_id}|${f.currency}`;
        const primary = taskRowKey.get(f.customer_id) === key;
        const taskRows = primary ? (tasksOf.get(f.customer_id) ?? []) : [];
        const accountFacts = toAccountFacts(f, unappliedOf.get(key) ?? 0n, model);
        const taskFacts: TaskFact[] = taskRows.map((t) => ({
          id: t.id,
          dueDate: t.due_date,
          notes: t.notes,
          assignedTo: t.assigned_to,
        }));
        const scored = scoreAccount(
          accountFacts,
          {
            ...state,
            tasks: taskFacts.filter((t) => t.dueDate <= day),
            contact: contactOf.get(f.customer_id) ?? NO_CONTACT,
            agencies: agencies.get(f.customer_id) ?? [],
          },
          day,
          policy,
        );
        // Someone else's account, here only for a task assigned to this collector: the call's value
        // counts on its own collector's list, not twice.
        const foreign = args.taskCollector !== null && f.collector !== args.taskCollector;
        return {
          customerId: f.customer_id,
          accountNumber: f.account_number,
          name: f.name,
          customerType: f.customer_type,
          segment: f.segment,
          collector: f.collector,
          currency: f.currency as CurrencyCode,
          balanceMinor: f.debits,
          pastDueMinor: f.past_due,
          maxDaysPastDue: f.max_dpd,
          atRiskMinor: scored.atRiskMinor,
          disputedMinor: scored.disputedMinor,
          placedMinor: f.placed,
          probability: scored.probability,
          score: foreign ? 0 : scored.score,
          callable: scored.callable,
          callableFrom: scored.callableFrom,
          routed: scored.routed,
          tasks: taskFacts,
          reasons: foreign
            ? [
                `${f.collector ?? 'no one'}'s account, listed for the task assigned to ${args.taskCollector}`,
                ...scored.reasons,
              ]
            : scored.reasons,
          // Promise counts are the customer's, whatever the currency: on its primary row only.
          openPromisesDue: primary ? state.promises.dueWithin7Days : 0,
          openPromisesOverdue: primary && state.promises.nextPromisedDate === null ? state.promises.count : 0,
        };
      };

      const load = async (ids: readonly string[]) => {
        for (const [id, st] of await loadCollectionsStates(tx, ctx.tenantId, ids, day)) states.set(id, st);
      };
      const read = early ? await early : null;
      if (read) for (const [id, st] of read.states) states.set(id, st);
      await load(facts.map((f) => f.customer_id).filter((id) => !read?.covered.has(id)));
      return { model, rows: facts.map((f) => scoreRow(f, states.get(f.customer_id) ?? EMPTY_STATE)) };
    });
}

function emptyFacts(c: {
  id: string;
  account_number: string;
  name: string;
  customer_type: 'business' | 'consumer';
  segment: string | null;
  collector: string | null;
  currency: string;
  credit_limit_minor: bigint | null;
}): AccountFactsRow {
  return {
    customer_id: c.id,
    currency: c.currency,
    customer_currency: c.currency,
    account_number: c.account_number,
    name: c.name,
    customer_type: c.customer_type,
    segment: c.segment,
    collector: c.collector,
    credit_limit_minor: c.credit_limit_minor,
    debits: 0n,
    credits: 0n,
    placed: 0n,
    past_due: 0n,
    open_items: 0,
    past_due_items: 0,
    max_dpd: null,
    expected_past_due: 0n,
    expected_current: 0n,
    observed: 0,
    late: 0,
    mean_late: 0,
    days_since_payment: null,
  };
}

function toAccountFacts(f: AccountFactsRow, unapplied: bigint, model: RiskModel): AccountFacts {
  const behaviour = {
    observed: f.observed,
    late: f.late,
    meanDaysLate: f.mean_late,
    daysSincePayment: f.days_since_payment,
  };
  return {
    customerId: f.customer_id,
    accountNumber: f.account_number,
    name: f.name,
    customerType: f.customer_type,
    segment: f.segment,
    collector: f.collector,
    currency: f.currency as CurrencyCode,
    balanceMinor: f.debits,
    creditsMinor: f.credits,
    unappliedMinor: unapplied,
    pastDueMinor: f.past_due,
    openItems: f.open_items,
    pastDueItems: f.past_due_items,
    maxDaysPastDue: f.max_dpd,
    expectedPastDueMinor: f.expected_past_due,
    expectedCurrentMinor: f.expected_current,
    placedMinor: f.placed,
    creditLimitMinor: f.credit_limit_minor,
    behaviour,
    lateShare: smoothedLateShare(behaviour, model.prior, model.settings.priorStrength),
  };
}

/** Orders by score (then account number); keeps the top `limit` plus every account with a task due. */
export function rankRows(
  rows: readonly ScoredRow[],
  limit: number,
): { candidates: number; rows: WorklistRow[] } {
  const listed = rows.filter((r) => r.score > 0 || r.tasks.length > 0);
  listed.sort((a, b) =>
    b.score !== a.score
      ? b.score - a.score
      : a.accountNumber < b.accountNumber
        ? -1
        : a.accountNumber > b.accountNumber
          ? 1
          : a.currency < b.currency
            ? -1
            : 1,
  );
  const out: WorklistRow[] = [];
  for (const r of listed) {
    if (out.length >= limit && r.tasks.length === 0) continue;
    const { openPromisesDue: _due, openPromisesOverdue: _overdue, ...row } = r;
    out.push({ rank: out.length + 1, ...row });
  }
  return { candidates: listed.length, rows: out };
}

/**
 * A collector's worklist for a day: their accounts ranked by what a call is worth now, each with the
 * reasons behind its score, and the tasks due (docs/worklist.md).
 */
export async function buildWorklist(ctx: ServiceContext, options: WorklistOptions = {}): Promise<Worklist> {
  const day = options.date ?? ctx.clock.today();
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1)
    throw worklistError('worklist.invalid_option', `the limit must be a positive whole number, not ${limit}`);
  const collector = options.collector ?? null;
  const { model, rows } = await scoreAccounts(ctx, {
    day,
    scope: collector === null ? null : { collector },
    tasksDueBy: day,
    taskCollector: collector,
  });
  const ranked = rankRows(rows, limit);
  return {
    date: day,
    collector,
    model: { source: model.source, id: model.id, version: model.version },
    candidates: ranked.candidates,
    rows: ranked.rows,
  };
}
