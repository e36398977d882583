export {
  type AgingComparison,
  type AgingComparisonOptions,
  buildAgingComparison,
  type ComparedAccount,
} from './aging-comparison.ts';
export { analyticsError } from './analytics.errors.ts';
export {
  type AtRiskAccount,
  type AtRiskList,
  type AtRiskOptions,
  buildAtRiskList,
  DEFAULT_THRESHOLD,
} from './at-risk.ts';
export {
  buildCashForecast,
  type CashForecast,
  type ForecastCurrency,
  type ForecastItem,
  type ForecastModel,
  type ForecastOptions,
  type ForecastWeek,
} from './cash-forecast.ts';
export {
  type BacktestCurrency,
  type BacktestOptions,
  type BacktestScore,
  type ForecastBacktest,
  runForecastBacktest,
} from './forecast-backtest.ts';
export { buildKpiReport, type KpiGroup, type KpiOptions, type KpiReport } from './kpi-report.ts';
export { backtestDates } from './logic/backtest-dates.ts';
export type { AtRiskReason } from './logic/classify-at-risk.ts';
export { type Fraction, toFixedNumber, toFixedOrNull } from './logic/fraction.ts';
export { defaultKpiPeriod, type MonthDays } from './logic/kpi-period.ts';
export type { RollRate } from './logic/roll-rates.ts';
