import { sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { addDays, diffDays, type LocalDate } from '../../core/local-date.ts';
import { allocate } from '../../core/money.ts';
import { analyticsError } from './analytics.errors.ts';
import {
  type CommitmentRow,
  type ForecastCustomerRow,
  findCommitmentsAt,
  findForecastCustomers,
  findOpenItemsAt,
  findPaymentObservations,
  type ObservationRow,
  type OpenItemRow,
} from './forecast.repo.ts';
import { applyCommitments, type Commitment } from './logic/apply-commitments.ts';
import { naivePaymentDate } from './logic/naive-payment-date.ts';
import {
  blendSurvival,
  buildSurvivalCurve,
  type CurveLevel,
  type SurvivalCurve,
  type SurvivalObservation,
} from './logic/survival-curve.ts';
import { medianPaymentDay, shareWeights, weeklyShares, weekOf } from './logic/weekly-shares.ts';

/**
 * `survival`: each customer's money-weighted Kaplan–Meier curve of days from due date to payment,
 * shrunk towards its paying party's, its segment's and everyone's, conditioned on the item's age
 * (docs/kpis.md, cash forecast). `naive`: due date + the customer's average days late.
 */
export type ForecastModel = 'survival' | 'naive';

export interface ForecastOptions {
  readonly asOf?: LocalDate;
  /** Weeks after the as-of date (default 13). */
  readonly weeks?: number;
  readonly model?: ForecastModel;
  /** Only this collector's customers' items (a portfolio-scoped analyst); history still pools everyone. */
  readonly collector?: string;
  /** Include one line per open item (its predicted date and expected cash in the horizon). */
  readonly items?: boolean;
  /** Forecast deduction items too (default true). */
  readonly includeDeductions?: boolean;
}

export interface ForecastWeek {
  readonly week: number;
  readonly from: LocalDate;
  readonly to: LocalDate;
  readonly expected: bigint;
  readonly fromItems: bigint;
  readonly fromPromises: bigint;
  readonly fromPlans: bigint;
}

export interface ForecastCurrency {
  readonly currency: CurrencyCode;
  /** Open at the as-of date (the items forecast). */
  readonly open: bigint;
  readonly weeks: readonly ForecastWeek[];
  /** Open money not expected within the horizon: later, or never. */
  readonly beyond: bigint;
}

export interface ForecastItem {
  readonly itemId: string;
  readonly number: string;
  readonly type: string;
  readonly customerId: string;
  readonly accountNumber: string;
  readonly currency: CurrencyCode;
  readonly dueDate: LocalDate;
  readonly open: bigint;
  /** Covered by a promise or plan (dated by it, not by the model). */
  readonly committed: bigint;
  /** Median payment date of the rest by the model (null: less than half expected within a year). */
  readonly predictedDate: LocalDate | null;
  /** Expected within the horizon, commitments included. */
  readonly expectedInHorizon: bigint;
}

export interface CashForecast {
  readonly asOf: LocalDate;
  readonly weeks: number;
  readonly model: ForecastModel;
  readonly currencies: readonly ForecastCurrency[];
  readonly items: readonly ForecastItem[] | null;
}

/** Prior strengths of the shrinkage (in observations): see blendSurvival. */
export const PRIOR_STRENGTH = { customer: 5, payer: 10, segment: 20 } as const;

/** Everything a forecast as of a date may know. */
export interface ForecastInputs {
  readonly asOf: LocalDate;
  readonly observations: readonly ObservationRow[];
  readonly openItems: readonly OpenItemRow[];
  readonly customers: ReadonlyMap<string, ForecastCustomerRow>;
  readonly commitments: readonly CommitmentRow[];
}

export async function loadForecastInputs(
  ex: Executor,
  tenantId: number,
  asOf: LocalDate,
  options: { collector?: string; includeDeductions?: boolean } = {},
): Promise<ForecastInputs> {
  return ex
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      // Whole-table aggregates: hash joins, whatever stale statistics say.
      await sql`set local enable_nestloop = off`.execute(tx);
      const observations = await findPaymentObservations(tx, tenantId, asOf);
      const openItems = await findOpenItemsAt(tx, tenantId, asOf, {
        ...(options.collector !== undefined ? { collector: options.collector } : {}),
        includeDeductions: options.includeDeductions ?? true,
      });
      const customers = new Map((await findForecastCustomers(tx, tenantId)).map((c) => [c.id, c]));
      const commitments = await findCommitmentsAt(tx, tenantId, asOf);
      return { asOf, observations, openItems, customers, commitments };
    });
}

/** Builds each item's survival function from the history: customer → payer → segment → everyone. */
function survivalModel(
  inputs: ForecastInputs,
): (customerId: string, deduction: boolean) => (x: number) => number {
  const groups = new Map<string, { obs: SurvivalObservation[]; evidence: number }>();
  const keysOf = (customerId: string, deduction: boolean): string[] => {
    const cls = deduction ? 'd' : 'i';
    const c = inputs.customers.get(customerId);
    return [
      `c|${customerId}|${cls}`,
      c?.payer_id ? `p|${c.payer_id}|${cls}` : '',
      `s|${c?.segment ?? ''}|${cls}`,
      `a|${cls}`,
    ];
  };
  for (const o of inputs.observations) {
    const obs: SurvivalObservation = { x: o.x, kind: o.kind, weight: Number(o.weight) };
    for (const key of keysOf(o.customer_id, o.deduction)) {
      if (key === '') continue;
      let g = groups.get(key);
      if (!g) {
        g = { obs: [], evidence: 0 };
        groups.set(key, g);
      }
      g.obs.push(obs);
      g.evidence += o.n;
    }
  }
  const curves = new Map<string, SurvivalCurve>();
  const curve = (key: string): SurvivalCurve | undefined => {
    if (key === '') return undefined;
    let c = curves.get(key);
    if (!c) {
      const g = groups.get(key);
      if (!g) return undefined;
      c = buildSurvivalCurve(g.obs, g.evidence);
      curves.set(key, c);
    }
    return c;
  };
  const blended = new Map<string, (x: number) => number>();
  return (customerId, deduction) => {
    const key = `${customerId}|${deduction}`;
    let s = blended.get(key);
    if (!s) {
      const [ck, pk, sk, ak] = keysOf(customerId, deduction) as [string, string, string, string];
      const levels: CurveLevel[] = [
        { curve: curve(ck), strength: PRIOR_STRENGTH.customer },
        { curve: curve(pk), strength: PRIOR_STRENGTH.payer },
        { curve: curve(sk), strength: PRIOR_STRENGTH.segment },
        { curve: curve(ak), strength: 0 },
      ];
      s = blendSurvival(levels);
      blended.set(key, s);
    }
    return s;
  };
}

/** The customer's amount-weighted average days late over its paid invoices (0 without any). */
function averageDaysLate(inputs: ForecastInputs): Map<string, number> {
  const sums = new Map<string, { wx: number; w: number }>();
  for (const o of inputs.observations) {
    if (o.kind !== 'paid' || o.deduction) continue;
    const s = sums.get(o.customer_id) ?? { wx: 0, w: 0 };
    const w = Number(o.weight);
    s.wx += w * o.x;
    s.w += w;
    sums.set(o.customer_id, s);
  }
  return new Map([...sums].map(([c, s]) => [c, s.w > 0 ? s.wx / s.w : 0]));
}

/** The forecast itself, from what was known at the as-of date (pure apart from its inputs). */
export function computeForecast(
  inputs: ForecastInputs,
  options: { weeks: number; model: ForecastModel; items?: boolean },
): Pick<CashForecast, 'currencies' | 'items'> {
  const { asOf } = inputs;
  const W = options.weeks;
  const commitments: Commitment[] = [];
  const byCommitment = new Map<string, Commitment & { flows: { date: LocalDate; amount: bigint }[] }>();
  for (const c of inputs.commitments) {
    const key = `${c.kind}|${c.id}`;
    let m = byCommitment.get(key);
    if (!m) {
      m = {
        kind: c.kind,
        id: c.id,
        customerId: c.customer_id,
        currency: c.currency,
        itemIds: c.item_ids,
        flows: [],
      };
      byCommitment.set(key, m);
      commitments.push(m);
    }
    m.flows.push({ date: c.date as LocalDate, amount: c.amount });
  }
  const items = inputs.openItems.map((i) => ({
    id: i.id,
    customerId: i.customer_id,
    currency: i.currency,
    dueDate: i.due_date as LocalDate,
    open: i.open,
  }));
  const committed = applyCommitments(items, commitments, asOf);

  interface Acc {
    open: bigint;
    fromItems: bigint[];
    fromPromises: bigint[];
    fromPlans: bigint[];
  }
  const perCurrency = new Map<string, Acc>();
  const accFor = (currency: string): Acc => {
    let a = perCurrency.get(currency);
    if (!a) {
      a = {
        open: 0n,
        fromItems: new Array<bigint>(W).fill(0n),
        fromPromises: new Array<bigint>(W).fill(0n),
        fromPlans: new Array<bigint>(W).fill(0n),
      };
      perCurrency.set(currency, a);
    }
    return a;
  };
  const committedInHorizon = new Map<string, bigint>();
  for (const f of committed.flows) {
    const week = weekOf(diffDays(f.date, asOf));
    if (week > W) continue;
    const a = accFor(f.currency);
    const target = f.kind === 'promise' ? a.fromPromises : a.fromPlans;
    target[week - 1] = (target[week - 1] ?? 0n) + f.amount;
    committedInHorizon.set(f.itemId, (committedInHorizon.get(f.itemId) ?? 0n) + f.amount);
  }

  const survival = options.model === 'survival' ? survivalModel(inputs) : null;
  const naive = options.model === 'naive' ? averageDaysLate(inputs) : null;
  const lines: ForecastItem[] = [];
  for (const item of inputs.openItems) {
    const a = accFor(item.currency);
    a.open += item.open;
    const rest = committed.remaining.get(item.id) ?? item.open;
    const due = item.due_date as LocalDate;
    let inHorizon = 0n;
    let predicted: LocalDate | null = null;
    if (rest > 0n) {
      if (survival) {
        const s = survival(item.customer_id, item.type === 'deduction');
        const age = diffDays(asOf, due);
        const parts = allocate(rest, shareWeights(weeklyShares(s, age, W)));
        for (let h = 0; h < W; h++) {
          const p = parts[h] ?? 0n;
          a.fromItems[h] = (a.fromItems[h] ?? 0n) + p;
          inHorizon += p;
        }
        if (options.items) {
          const x = medianPaymentDay(s, age);
          predicted = x === null ? null : addDays(due, x);
        }
      } else if (naive) {
        predicted = naivePaymentDate(due, naive.get(item.customer_id) ?? 0, asOf);
        const week = weekOf(diffDays(predicted, asOf));
        if (week <= W) {
          a.fromItems[week - 1] = (a.fromItems[week - 1] ?? 0n) + rest;
          inHorizon = rest;
        }
      }
    }
    if (options.items) {
      const c = inputs.customers.get(item.customer_id);
      lines.push({
        itemId: item.id,
        number: item.number,
        type: item.type,
        customerId: item.customer_id,
        accountNumber: c?.account_number ?? '?',
        currency: item.currency as CurrencyCode,
        dueDate: due,
        open: item.open,
        committed: item.open - rest,
        predictedDate: predicted,
        expectedInHorizon: inHorizon + (committedInHorizon.get(item.id) ?? 0n),
      });
    }
  }
  const currencies = [...perCurrency.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([currency, a]): ForecastCurrency => {
      const weeks = a.fromItems.map((fromItems, h): ForecastWeek => {
        const fromPromises = a.fromPromises[h] ?? 0n;
        const fromPlans = a.fromPlans[h] ?? 0n;
        return {
          week: h + 1,
          from: addDays(asOf, 7 * h + 1),
          to: addDays(asOf, 7 * (h + 1)),
          expected: fromItems + fromPromises + fromPlans,
          fromItems,
          fromPromises,
          fromPlans,
        };
      });
      const expected = weeks.reduce((s, w) => s + w.expected, 0n);
      return { currency: currency as CurrencyCode, open: a.open, weeks, beyond: a.open - expected };
    });
  return { currencies, items: options.items ? lines : null };
}

/**
 * The weekly cash forecast (`arbor report forecast`): for each item open at the as-of date, when its
 * money is expected — a payment plan's instalments and an open promise's date first, the model for
 * the rest — summed per week and currency for the horizon.
 */
export async function buildCashForecast(
  ctx: ServiceContext,
  options: ForecastOptions = {},
): Promise<CashForecast> {
  const asOf = options.asOf ?? ctx.clock.today();
  const weeks = options.weeks ?? 13;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52)
    throw analyticsError(
      'analytics.invalid_options',
      `weeks must be a whole number from 1 to 52, not ${weeks}`,
    );
  const model = options.model ?? 'survival';
  const inputs = await loadForecastInputs(ctx.database.db, ctx.tenantId, asOf, {
    ...(options.collector !== undefined ? { collector: options.collector } : {}),
    includeDeductions: options.includeDeductions ?? true,
  });
  return { asOf, weeks, model, ...computeForecast(inputs, { weeks, model, items: options.items ?? false }) };
}
