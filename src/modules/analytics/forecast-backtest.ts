import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { addDays, type LocalDate } from '../../core/local-date.ts';
import { analyticsError } from './analytics.errors.ts';
import { computeForecast, type ForecastModel, loadForecastInputs } from './cash-forecast.ts';
import { findActualCash } from './forecast.repo.ts';
import { backtestDates } from './logic/backtest-dates.ts';
import { weightedAbsoluteError } from './logic/backtest-error.ts';

export interface BacktestOptions {
  /** The end of the history compared against (default today). */
  readonly to?: LocalDate;
  /** How far back the first as-of date is (default 6 months). */
  readonly months?: number;
  /** Weeks between as-of dates (default 4). */
  readonly everyWeeks?: number;
  /** Forecast horizon in weeks (default 13). */
  readonly weeks?: number;
  readonly includeDeductions?: boolean;
}

export interface BacktestScore {
  readonly forecast: bigint;
  readonly absoluteError: bigint;
  /** Σ |forecast − actual| / Σ actual; null when nothing was received. */
  readonly error: number | null;
}

export interface BacktestWeek {
  readonly week: number;
  /** As-of dates whose week `week` had ended by `to` (the only ones compared). */
  readonly compared: number;
  readonly actual: bigint;
  readonly scores: Readonly<Record<ForecastModel, BacktestScore>>;
}

export interface BacktestCurrency {
  readonly currency: CurrencyCode;
  readonly weeks: readonly BacktestWeek[];
  readonly overall: {
    readonly actual: bigint;
    readonly scores: Readonly<Record<ForecastModel, BacktestScore>>;
  };
  /** 1 − model error / naive error: how much lower the model's overall error is. */
  readonly improvement: number | null;
}

export interface ForecastBacktest {
  readonly to: LocalDate;
  readonly asOfDates: readonly LocalDate[];
  readonly weeks: number;
  readonly includeDeductions: boolean;
  readonly currencies: readonly BacktestCurrency[];
}

export const MODELS: readonly ForecastModel[] = ['survival', 'naive'];

/**
 * Backtest of the cash forecast: at past as-of dates, forecast with only what was known then (items
 * open then, history before then) by the model and by the naive baseline, and compare each week with
 * the cash actually received for those items. Weighted absolute error per week ahead and overall:
 * Σ |forecast − actual| / Σ actual, over the as-of dates whose week had ended by `to`.
 */
export async function runForecastBacktest(
  ctx: ServiceContext,
  options: BacktestOptions = {},
): Promise<ForecastBacktest> {
  const to = options.to ?? ctx.clock.today();
  const weeks = options.weeks ?? 13;
  const months = options.months ?? 6;
  const everyWeeks = options.everyWeeks ?? 4;
  const includeDeductions = options.includeDeductions ?? true;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52)
    throw analyticsError(
      'analytics.invalid_options',
      `weeks must be a whole number from 1 to 52, not ${weeks}`,
    );
  if (!Number.isInteger(months) || months < 1 || months > 60)
    throw analyticsError(
      'analytics.invalid_options',
      `months must be a whole number from 1 to 60, not ${months}`,
    );
  if (!Number.isInteger(everyWeeks) || everyWeeks < 1)
    throw analyticsError('analytics.invalid_options', `every must be a positive whole number of weeks`);
  const asOfDates = backtestDates(to, months, everyWeeks);
  // cells[currency][week] = pairs per as-of date, per model
  type Pair = { forecast: bigint; actual: bigint };
  const cells = new Map<
    string,
    { actual: bigint[]; pairs: Record<ForecastModel, Pair[][]>; compared: number[] }
  >();
  const cellFor = (currency: string) => {
    let c = cells.get(currency);
    if (!c) {
      c = {
        actual: new Array<bigint>(weeks).fill(0n),
        pairs: {
          survival: Array.from({ length: weeks }, () => []),
          naive: Array.from({ length: weeks }, () => []),
        },
        compared: new Array<number>(weeks).fill(0),
      };
      cells.set(currency, c);
    }
    return c;
  };
  for (const asOf of asOfDates) {
    const inputs = await loadForecastInputs(ctx.database.db, ctx.tenantId, asOf, { includeDeductions });
    const actualRows = await findActualCash(ctx.database.db, ctx.tenantId, asOf, weeks, includeDeductions);
    const forecasts = Object.fromEntries(
      MODELS.map((m) => [m, computeForecast(inputs, { weeks, model: m })]),
    ) as Record<ForecastModel, ReturnType<typeof computeForecast>>;
    const currencies = new Set([
      ...actualRows.map((r) => r.currency),
      ...forecasts.survival.currencies.map((c) => c.currency as string),
    ]);
    for (const currency of currencies) {
      const cell = cellFor(currency);
      for (let h = 1; h <= weeks; h++) {
        // Only weeks that had ended by `to` have their actuals complete.
        if (addDays(asOf, 7 * h) > to) break;
        const actual = actualRows
          .filter((r) => r.currency === currency && r.week === h)
          .reduce((s, r) => s + r.cash, 0n);
        cell.actual[h - 1] = (cell.actual[h - 1] ?? 0n) + actual;
        cell.compared[h - 1] = (cell.compared[h - 1] ?? 0) + 1;
        for (const m of MODELS) {
          const f =
            forecasts[m].currencies.find((c) => c.currency === currency)?.weeks[h - 1]?.expected ?? 0n;
          cell.pairs[m][h - 1]?.push({ forecast: f, actual });
        }
      }
    }
  }
  const score = (pairs: readonly Pair[]): BacktestScore => {
    let forecast = 0n;
    let absoluteError = 0n;
    for (const p of pairs) {
      forecast += p.forecast;
      absoluteError += p.forecast > p.actual ? p.forecast - p.actual : p.actual - p.forecast;
    }
    return { forecast, absoluteError, error: weightedAbsoluteError(pairs) };
  };
  const currencies = [...cells.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, c]): BacktestCurrency => {
      const weekRows = c.actual.map(
        (actual, h): BacktestWeek => ({
          week: h + 1,
          compared: c.compared[h] ?? 0,
          actual,
          scores: {
            survival: score(c.pairs.survival[h] ?? []),
            naive: score(c.pairs.naive[h] ?? []),
          },
        }),
      );
      const overallScores = {
        survival: score(c.pairs.survival.flat()),
        naive: score(c.pairs.naive.flat()),
      };
      const m = overallScores.survival.error;
      const n = overallScores.naive.error;
      return {
        currency: currency as CurrencyCode,
        weeks: weekRows,
        overall: { actual: c.actual.reduce((s, a) => s + a, 0n), scores: overallScores },
        improvement: m !== null && n !== null && n > 0 ? 1 - m / n : null,
      };
    });
  return { to, asOfDates, weeks, includeDeductions, currencies };
}
