import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { type ModelInfo, scoreAccounts } from './build-worklist.ts';
import { countCustomersByCollector } from './worklist.repo.ts';

export interface TeamLoadRow {
  /** null: accounts without a collector. */
  readonly collector: string | null;
  readonly currency: CurrencyCode;
  /** Customers assigned to the collector (with or without a balance). */
  readonly accounts: number;
  readonly accountsWithBalance: number;
  /** Accounts that would be on the collector's worklist today (score above zero). */
  readonly worklistAccounts: number;
  readonly balanceMinor: bigint;
  readonly pastDueMinor: bigint;
  readonly atRiskMinor: bigint;
  readonly disputedMinor: bigint;
  /** Open tasks (whatever their due date) and, of those, due on or before the day. */
  readonly openTasks: number;
  readonly tasksDue: number;
  /** Open promises falling due within 7 days, and open promises already past their date. */
  readonly promisesDue: number;
  readonly promisesOverdue: number;
}

export interface TeamLoad {
  readonly date: LocalDate;
  readonly model: ModelInfo;
  readonly rows: TeamLoadRow[];
}

/**
 * The manager's view of the team's load: per collector (and currency) how many accounts, how much
 * open, past due and at risk, how many open tasks and promises falling due. `collector` narrows it to
 * one collector (a portfolio-scoped analyst sees only their own line).
 */
export async function buildTeamLoad(
  ctx: ServiceContext,
  options: { date?: LocalDate; collector?: string | null } = {},
): Promise<TeamLoad> {
  const day = options.date ?? ctx.clock.today();
  const only = options.collector ?? null;
  const { model, rows } = await scoreAccounts(ctx, {
    day,
    scope: only === null ? null : { collector: only },
    tasksDueBy: null,
    taskCollector: only,
  });
  const counts = await countCustomersByCollector(ctx.database.db, ctx.tenantId);
  const out = new Map<string, { -readonly [K in keyof TeamLoadRow]: TeamLoadRow[K] }>();
  const rowOf = (collector: string | null, currency: CurrencyCode) => {
    const key = `${collector ?? ''}|${currency}`;
    let r = out.get(key);
    if (!r) {
      r = {
        collector,
        currency,
        accounts: 0,
        accountsWithBalance: 0,
        worklistAccounts: 0,
        balanceMinor: 0n,
        pastDueMinor: 0n,
        atRiskMinor: 0n,
        disputedMinor: 0n,
        openTasks: 0,
        tasksDue: 0,
        promisesDue: 0,
        promisesOverdue: 0,
      };
      out.set(key, r);
    }
    return r;
  };
  const currencies = new Map<string | null, Set<CurrencyCode>>();
  for (const a of rows) {
    // Tasks count for whom they are assigned to; the money for the account's collector.
    const r = rowOf(a.collector, a.currency);
    if (a.balanceMinor > 0n) r.accountsWithBalance += 1;
    if (a.score > 0) r.worklistAccounts += 1;
    r.balanceMinor += a.balanceMinor;
    r.pastDueMinor += a.pastDueMinor;
    r.atRiskMinor += a.atRiskMinor;
    r.disputedMinor += a.disputedMinor;
    r.promisesDue += a.openPromisesDue;
    r.promisesOverdue += a.openPromisesOverdue;
    for (const t of a.tasks) {
      const who = t.assignedTo ?? a.collector;
      if (only !== null && who !== only) continue;
      const tr = rowOf(who, a.currency);
      tr.openTasks += 1;
      if (t.dueDate <= day) tr.tasksDue += 1;
    }
    const set = currencies.get(a.collector) ?? new Set<CurrencyCode>();
    set.add(a.currency);
    currencies.set(a.collector, set);
  }
  // Each collector's number of accounts goes on their first currency's line.
  for (const c of counts) {
    if (only !== null && c.collector !== only) continue;
    const first = [...(currencies.get(c.collector) ?? [])].sort()[0];
    if (first === undefined) continue;
    rowOf(c.collector, first).accounts = c.customers;
  }
  const result = [...out.values()]
    .filter((r) => only === null || r.collector === only)
    .sort((a, b) => {
      const ca = a.collector ?? '\uffff';
      const cb = b.collector ?? '\uffff';
      return ca < cb ? -1 : ca > cb ? 1 : a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0;
    });
  return { date: day, model: { source: model.source, id: model.id, version: model.version }, rows: result };
}
