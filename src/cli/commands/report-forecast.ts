import type { CurrencyCode } from '../../core/currency.ts';
import { AppError } from '../../core/errors.ts';
import { formatAmount, formatMoneyForDisplay } from '../../core/money.ts';
import {
  type BacktestScore,
  buildCashForecast,
  type CashForecast,
  type ForecastBacktest,
  type ForecastModel,
  runForecastBacktest,
} from '../../modules/analytics/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, withOutput, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';
import { parseDateOption } from './report.ts';

const invalid = (message: string) => new AppError('cli.invalid_arguments', 'invalid', message);

function wholeOption(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < 1 || n > max)
    throw invalid(`--${name} must be a whole number from 1 to ${max}, not "${String(value)}"`);
  return n;
}

export function forecastToJson(f: CashForecast) {
  return {
    as_of: f.asOf,
    weeks: f.weeks,
    model: f.model,
    currencies: f.currencies.map((c) => {
      const m = (v: bigint) => formatAmount(v, c.currency);
      return {
        currency: c.currency,
        open: m(c.open),
        expected_in_horizon: m(c.open - c.beyond),
        beyond_horizon: m(c.beyond),
        weeks: c.weeks.map((w) => ({
          week: w.week,
          from: w.from,
          to: w.to,
          expected: m(w.expected),
          from_items: m(w.fromItems),
          from_promises: m(w.fromPromises),
          from_plans: m(w.fromPlans),
        })),
      };
    }),
    ...(f.items
      ? {
          items: f.items.map((i) => ({
            number: i.number,
            type: i.type,
            account_number: i.accountNumber,
            currency: i.currency,
            due_date: i.dueDate,
            open: formatAmount(i.open, i.currency),
            committed: formatAmount(i.committed, i.currency),
            predicted_date: i.predictedDate,
            expected_in_horizon: formatAmount(i.expectedInHorizon, i.currency),
          })),
        }
      : {}),
  };
}

export const forecastCommand: Command = {
  words: ['report', 'forecast'],
  usage:
    'arbor report forecast [--as-of DATE] [--weeks 13] [--model survival|naive] [--items] [--exclude-deductions] [--format table|csv|json|xlsx] [--output FILE]',
  summary: 'weekly cash forecast of the open items: promises and plans first, payment behaviour for the rest',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        'as-of': { type: 'string' },
        weeks: { type: 'string' },
        model: { type: 'string' },
        items: { type: 'boolean' },
        'exclude-deductions': { type: 'boolean' },
        format: { type: 'string' },
        output: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const format = parseFormat(
      values.format as string | undefined,
      ['table', 'csv', 'json', 'xlsx'],
      'table',
    );
    const asOf = parseDateOption('as-of', values['as-of']);
    const weeks = wholeOption('weeks', values.weeks, 13, 52);
    const model = (values.model as string | undefined) ?? 'survival';
    if (model !== 'survival' && model !== 'naive')
      throw invalid(`--model must be survival or naive, not "${model}"`);
    const items = values.items === true;
    const { ctx, close } = await openContext(global, input.io);
    try {
      const f = await buildCashForecast(ctx, {
        ...(asOf ? { asOf } : {}),
        weeks,
        model,
        items,
        includeDeductions: values['exclude-deductions'] !== true,
      });
      await withOutput(
        input.io.stdout,
        values.output as string | undefined,
        format === 'xlsx',
        async (out) => {
          if (format === 'json') {
            out.write(`${JSON.stringify(forecastToJson(f), null, 2)}\n`);
            return;
          }
          const people = format === 'table';
          const money = (v: bigint, c: CurrencyCode) =>
            people ? formatMoneyForDisplay(v, c) : formatAmount(v, c);
          if (items && f.items) {
            await writeTabular(format, out, {
              name: `Forecast items ${f.asOf}`,
              columns: [
                { name: people ? 'Number' : 'number' },
                { name: people ? 'Account' : 'account_number' },
                { name: people ? 'Cur' : 'currency' },
                { name: people ? 'Due' : 'due_date', type: 'date' },
                { name: people ? 'Open' : 'open', type: 'amount' },
                { name: people ? 'Committed' : 'committed', type: 'amount' },
                { name: people ? 'Predicted' : 'predicted_date', type: 'date' },
                { name: people ? `In ${f.weeks} weeks` : 'expected_in_horizon', type: 'amount' },
              ],
              rows: f.items.map((i) => [
                i.number,
                i.accountNumber,
                i.currency,
                i.dueDate,
                money(i.open, i.currency),
                money(i.committed, i.currency),
                i.predictedDate ?? '',
                money(i.expectedInHorizon, i.currency),
              ]),
            });
            return;
          }
          if (people)
            out.write(
              `Cash forecast as of ${f.asOf}, ${f.weeks} weeks (${f.model === 'survival' ? 'payment-behaviour model' : 'naive: due date + average days late'})\n\n`,
            );
          await writeTabular(format, out, {
            name: `Forecast ${f.asOf}`,
            columns: [
              { name: people ? 'Cur' : 'currency' },
              { name: people ? 'Week' : 'week', align: 'right' },
              { name: people ? 'From' : 'from', type: 'date' },
              { name: people ? 'To' : 'to', type: 'date' },
              { name: people ? 'Expected' : 'expected', type: 'amount' },
              { name: people ? 'Open items' : 'from_items', type: 'amount' },
              { name: people ? 'Promises' : 'from_promises', type: 'amount' },
              { name: people ? 'Plans' : 'from_plans', type: 'amount' },
            ],
            rows: f.currencies.flatMap((c) =>
              c.weeks.map((w) => [
                c.currency,
                String(w.week),
                w.from,
                w.to,
                money(w.expected, c.currency),
                money(w.fromItems, c.currency),
                money(w.fromPromises, c.currency),
                money(w.fromPlans, c.currency),
              ]),
            ),
            footer: f.currencies.map((c) => [
              c.currency,
              people ? 'later' : 'beyond',
              '',
              '',
              money(c.beyond, c.currency),
              '',
              '',
              '',
            ]),
          });
        },
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

const errorText = (e: number | null) => (e === null ? '' : (e * 100).toFixed(2));

export function backtestToJson(b: ForecastBacktest) {
  const score = (s: BacktestScore, currency: CurrencyCode) => ({
    forecast: formatAmount(s.forecast, currency),
    absolute_error: formatAmount(s.absoluteError, currency),
    error_pct: s.error === null ? null : Number((s.error * 100).toFixed(2)),
  });
  const models = (scores: Readonly<Record<ForecastModel, BacktestScore>>, currency: CurrencyCode) => ({
    model: score(scores.survival, currency),
    naive: score(scores.naive, currency),
  });
  return {
    to: b.to,
    as_of_dates: b.asOfDates,
    weeks: b.weeks,
    include_deductions: b.includeDeductions,
    currencies: b.currencies.map((c) => ({
      currency: c.currency,
      overall: {
        actual: formatAmount(c.overall.actual, c.currency),
        ...models(c.overall.scores, c.currency),
      },
      improvement_pct: c.improvement === null ? null : Number((c.improvement * 100).toFixed(2)),
      weeks: c.weeks.map((w) => ({
        week: w.week,
        compared: w.compared,
        actual: formatAmount(w.actual, c.currency),
        ...models(w.scores, c.currency),
      })),
    })),
  };
}

export const forecastBacktestCommand: Command = {
  words: ['report', 'forecast-backtest'],
  usage:
    'arbor report forecast-backtest [--to DATE] [--months 6] [--every 4] [--weeks 13] [--exclude-deductions] [--format table|csv|json|xlsx] [--output FILE]',
  summary: 'backtest the cash forecast at past dates against the cash received: model versus naive, per week',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        to: { type: 'string' },
        months: { type: 'string' },
        every: { type: 'string' },
        weeks: { type: 'string' },
        'exclude-deductions': { type: 'boolean' },
        format: { type: 'string' },
        output: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const format = parseFormat(
      values.format as string | undefined,
      ['table', 'csv', 'json', 'xlsx'],
      'table',
    );
    const to = parseDateOption('to', values.to);
    const months = wholeOption('months', values.months, 6, 60);
    const every = wholeOption('every', values.every, 4, 52);
    const weeks = wholeOption('weeks', values.weeks, 13, 52);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const b = await runForecastBacktest(ctx, {
        ...(to ? { to } : {}),
        months,
        everyWeeks: every,
        weeks,
        includeDeductions: values['exclude-deductions'] !== true,
      });
      await withOutput(
        input.io.stdout,
        values.output as string | undefined,
        format === 'xlsx',
        async (out) => {
          if (format === 'json') {
            out.write(`${JSON.stringify(backtestToJson(b), null, 2)}\n`);
            return;
          }
          const people = format === 'table';
          const money = (v: bigint, c: CurrencyCode) =>
            people ? formatMoneyForDisplay(v, c) : formatAmount(v, c);
          if (people)
            out.write(
              `Forecast backtest: as of ${b.asOfDates.join(', ')}; weighted absolute error Σ|forecast − actual| / Σ actual, in %\n\n`,
            );
          await writeTabular(format, out, {
            name: `Backtest to ${b.to}`,
            columns: [
              { name: people ? 'Cur' : 'currency' },
              { name: people ? 'Week' : 'week', align: 'right' },
              { name: people ? 'Dates' : 'compared', align: 'right' },
              { name: people ? 'Actual' : 'actual', type: 'amount' },
              { name: people ? 'Model' : 'model_forecast', type: 'amount' },
              { name: people ? 'Model err %' : 'model_error_pct', align: 'right' },
              { name: people ? 'Naive' : 'naive_forecast', type: 'amount' },
              { name: people ? 'Naive err %' : 'naive_error_pct', align: 'right' },
            ],
            rows: b.currencies.flatMap((c) =>
              c.weeks.map((w) => [
                c.currency,
                String(w.week),
                String(w.compared),
                money(w.actual, c.currency),
                money(w.scores.survival.forecast, c.currency),
                errorText(w.scores.survival.error),
                money(w.scores.naive.forecast, c.currency),
                errorText(w.scores.naive.error),
              ]),
            ),
            footer: b.currencies.map((c) => [
              c.currency,
              people ? 'all' : 'overall',
              '',
              money(c.overall.actual, c.currency),
              money(c.overall.scores.survival.forecast, c.currency),
              errorText(c.overall.scores.survival.error),
              money(c.overall.scores.naive.forecast, c.currency),
              errorText(c.overall.scores.naive.error),
            ]),
          });
          if (people)
            for (const c of b.currencies)
              out.write(
                `\n${c.currency}: the model's overall error is ${c.improvement === null ? 'not comparable' : `${(c.improvement * 100).toFixed(1)} % lower than the naive forecast's`}\n`,
              );
        },
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const forecastCommands: readonly Command[] = [forecastCommand, forecastBacktestCommand];
