import type { CurrencyCode } from '../../core/currency.ts';
import { AppError } from '../../core/errors.ts';
import { stringifyJson } from '../../core/json-text.ts';
import { formatAmount, formatMoneyForDisplay } from '../../core/money.ts';
import {
  buildTeamLoad,
  buildWorklist,
  type CalibrationReport,
  type CalibrationSummary,
  calibrateRiskModel,
  type ModelEvaluation,
  RISK_FEATURES,
  type TeamLoad,
  type Worklist,
} from '../../modules/worklist/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';
import { parseDateOption } from './report.ts';

const pct = (p: number) => `${(p * 100).toFixed(1)} %`;

function parseLimit(value: unknown): number {
  if (value === undefined) return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new AppError(
      'cli.invalid_arguments',
      'invalid',
      `--limit must be 1 to 100000, not "${String(value)}"`,
    );
  return n;
}

function worklistJson(w: Worklist) {
  return {
    date: w.date,
    collector: w.collector,
    model: w.model,
    candidates: w.candidates,
    rows: w.rows.map((r) => ({
      rank: r.rank,
      account_number: r.accountNumber,
      name: r.name,
      customer_type: r.customerType,
      segment: r.segment,
      collector: r.collector,
      currency: r.currency,
      balance: formatAmount(r.balanceMinor, r.currency),
      past_due: formatAmount(r.pastDueMinor, r.currency),
      oldest_days_past_due: r.maxDaysPastDue,
      late_probability: Math.round(r.probability * 10_000) / 10_000,
      at_risk: formatAmount(r.atRiskMinor, r.currency),
      disputed: formatAmount(r.disputedMinor, r.currency),
      placed: formatAmount(r.placedMinor, r.currency),
      score: r.score,
      callable: r.callable,
      callable_from: r.callableFrom,
      routed: r.routed,
      tasks: r.tasks.map((t) => ({
        id: t.id,
        due_date: t.dueDate,
        notes: t.notes,
        assigned_to: t.assignedTo,
      })),
      reasons: r.reasons,
    })),
  };
}

export const worklistCommand: Command = {
  words: ['worklist'],
  usage: 'arbor worklist [--collector NAME] [--date DATE] [--limit N] [--format table|json|csv]',
  summary: "a collector's accounts for the day, ranked by what a call is worth, with the reasons",
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        collector: { type: 'string' },
        date: { type: 'string' },
        limit: { type: 'string' },
        format: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json', 'csv'], 'table');
    const date = parseDateOption('date', values.date);
    const limit = parseLimit(values.limit);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const w = await buildWorklist(ctx, {
        ...(date ? { date } : {}),
        collector: (values.collector as string | undefined) ?? null,
        limit,
      });
      const out = input.io.stdout;
      if (format === 'json') {
        out.write(`${JSON.stringify(worklistJson(w), null, 2)}\n`);
        return EXIT.ok;
      }
      const people = format === 'table';
      const f = (v: bigint, c: CurrencyCode) => (people ? formatMoneyForDisplay(v, c) : formatAmount(v, c));
      if (people) {
        out.write(
          `Worklist for ${w.collector ?? 'all collectors'} on ${w.date}: ${w.rows.length} of ${w.candidates} accounts (model ${w.model.source}${w.model.id ? ` ${w.model.id}` : ''})\n\n`,
        );
      }
      await writeTabular(format, out, {
        name: 'Worklist',
        columns: [
          { name: people ? '#' : 'rank', align: 'right' },
          { name: people ? 'Account' : 'account_number' },
          { name: people ? 'Name' : 'name' },
          { name: people ? 'Collector' : 'collector' },
          { name: people ? 'Cur' : 'currency' },
          { name: people ? 'Balance' : 'balance', type: 'amount' },
          { name: people ? 'Past due' : 'past_due', type: 'amount' },
          { name: people ? 'Oldest' : 'oldest_days_past_due', align: 'right' },
          { name: people ? 'P(late)' : 'late_probability', align: 'right' },
          { name: people ? 'At risk' : 'at_risk', type: 'amount' },
          { name: people ? 'Score' : 'score', align: 'right' },
          { name: people ? 'Tasks' : 'tasks_due', align: 'right' },
          ...(people ? [] : [{ name: 'reasons' }]),
        ],
        rows: w.rows.map((r) => [
          String(r.rank),
          r.accountNumber,
          people && r.name.length > 30 ? `${r.name.slice(0, 29)}…` : r.name,
          r.collector ?? '',
          r.currency,
          f(r.balanceMinor, r.currency),
          f(r.pastDueMinor, r.currency),
          r.maxDaysPastDue === null ? '' : String(r.maxDaysPastDue),
          people ? pct(r.probability) : r.probability.toFixed(4),
          f(r.atRiskMinor, r.currency),
          people ? r.score.toLocaleString('en-US', { maximumFractionDigits: 0 }) : r.score.toFixed(2),
          String(r.tasks.length),
          ...(people ? [] : [r.reasons.join(' | ')]),
        ]),
      });
      if (people && w.rows.length > 0) {
        out.write('\nWhy:\n');
        for (const r of w.rows) {
          out.write(`  ${r.rank}. ${r.accountNumber} ${r.name}\n`);
          for (const reason of r.reasons) out.write(`     - ${reason}\n`);
        }
      }
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

function teamJson(t: TeamLoad) {
  return {
    date: t.date,
    model: t.model,
    rows: t.rows.map((r) => ({
      collector: r.collector,
      currency: r.currency,
      accounts: r.accounts,
      accounts_with_balance: r.accountsWithBalance,
      worklist_accounts: r.worklistAccounts,
      balance: formatAmount(r.balanceMinor, r.currency),
      past_due: formatAmount(r.pastDueMinor, r.currency),
      at_risk: formatAmount(r.atRiskMinor, r.currency),
      disputed: formatAmount(r.disputedMinor, r.currency),
      open_tasks: r.openTasks,
      tasks_due: r.tasksDue,
      promises_due: r.promisesDue,
      promises_overdue: r.promisesOverdue,
    })),
  };
}

export const worklistTeamCommand: Command = {
  words: ['worklist', 'team'],
  usage: 'arbor worklist team [--date DATE] [--format table|json|csv]',
  summary: "the team's load per collector: accounts, balance, past due, at risk, tasks, promises due",
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { date: { type: 'string' }, format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json', 'csv'], 'table');
    const date = parseDateOption('date', values.date);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const t = await buildTeamLoad(ctx, date ? { date } : {});
      const out = input.io.stdout;
      if (format === 'json') {
        out.write(`${JSON.stringify(teamJson(t), null, 2)}\n`);
        return EXIT.ok;
      }
      const people = format === 'table';
      const f = (v: bigint, c: CurrencyCode) => (people ? formatMoneyForDisplay(v, c) : formatAmount(v, c));
      if (people) out.write(`Team load on ${t.date}\n\n`);
      await writeTabular(format, out, {
        name: 'Team',
        columns: [
          { name: people ? 'Collector' : 'collector' },
          { name: people ? 'Cur' : 'currency' },
          { name: people ? 'Accounts' : 'accounts', align: 'right' },
          { name: people ? 'With balance' : 'accounts_with_balance', align: 'right' },
          { name: people ? 'To work' : 'worklist_accounts', align: 'right' },
          { name: people ? 'Balance' : 'balance', type: 'amount' },
          { name: people ? 'Past due' : 'past_due', type: 'amount' },
          { name: people ? 'At risk' : 'at_risk', type: 'amount' },
          { name: people ? 'Disputed' : 'disputed', type: 'amount' },
          { name: people ? 'Open tasks' : 'open_tasks', align: 'right' },
          { name: people ? 'Tasks due' : 'tasks_due', align: 'right' },
          { name: people ? 'Promises due' : 'promises_due', align: 'right' },
          { name: people ? 'Promises overdue' : 'promises_overdue', align: 'right' },
        ],
        rows: t.rows.map((r) => [
          r.collector ?? (people ? '(none)' : ''),
          r.currency,
          String(r.accounts),
          String(r.accountsWithBalance),
          String(r.worklistAccounts),
          f(r.balanceMinor, r.currency),
          f(r.pastDueMinor, r.currency),
          f(r.atRiskMinor, r.currency),
          f(r.disputedMinor, r.currency),
          String(r.openTasks),
          String(r.tasksDue),
          String(r.promisesDue),
          String(r.promisesOverdue),
        ]),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

function summaryLines(label: string, e: ModelEvaluation): string[] {
  const s: CalibrationSummary = e.summary;
  const m = e.model;
  return [
    `${label}: ${m.source}${m.id ? ` ${m.id}` : ''} (prior ${m.prior.toFixed(3)}; intercept ${m.intercept.toFixed(3)}; ${RISK_FEATURES.map((f) => `${f} ${m.coefficients[f].toFixed(3)}`).join(', ')})`,
    `  ${s.samples.toLocaleString('en-US')} invoices, ${pct(s.baseRate)} turned out late or unpaid; mean prediction ${pct(s.meanPredicted)}`,
    `  Brier ${s.brier.toFixed(4)} (always predicting the base rate: ${s.brierBaseline.toFixed(4)}), log loss ${s.logLoss.toFixed(4)}, calibration error (ECE) ${s.ece.toFixed(4)}, AUC ${s.auc.toFixed(3)}`,
    `  amount: expected late or unpaid ${e.expectedBadMinor.toLocaleString('en-US')} vs actual ${e.actualBadMinor.toLocaleString('en-US')} (minor units, face value)`,
  ];
}

function binRows(s: CalibrationSummary): string[][] {
  return s.bins.map((b) => [
    `${(b.from * 100).toFixed(0)}–${(b.to * 100).toFixed(0)} %`,
    b.count.toLocaleString('en-US'),
    pct(b.meanPredicted),
    pct(b.observedRate),
  ]);
}

export const worklistCalibrateCommand: Command = {
  words: ['worklist', 'calibrate'],
  usage: 'arbor worklist calibrate [--as-of DATE] [--fit [--dry-run]] [--format table|json]',
  summary: 'check the late-payment model against history (reliability table); --fit refits and stores it',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        'as-of': { type: 'string' },
        fit: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        format: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json'], 'table');
    const asOf = parseDateOption('as-of', values['as-of']);
    if (values['dry-run'] === true && values.fit !== true)
      throw new AppError('cli.invalid_arguments', 'invalid', '--dry-run goes with --fit');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const report: CalibrationReport = await calibrateRiskModel(ctx, {
        ...(asOf ? { asOf } : {}),
        fit: values.fit === true,
        store: values.fit === true && values['dry-run'] !== true,
      });
      const out = input.io.stdout;
      if (format === 'json') {
        out.write(`${stringifyJson(report, 2)}\n`);
        return EXIT.ok;
      }
      out.write(
        `Late-payment model: hold-out snapshot ${report.holdout}, outcomes known by ${report.asOf}\n`,
      );
      if (report.training.length > 0)
        out.write(
          `Fitted on ${report.trainingSamples.toLocaleString('en-US')} samples at ${report.training.join(', ')}\n`,
        );
      out.write('\n');
      for (const line of summaryLines('in use', report.current)) out.write(`${line}\n`);
      out.write('\n');
      await writeTabular('table', out, {
        name: 'Reliability',
        columns: [
          { name: 'Predicted' },
          { name: 'Invoices', align: 'right' },
          { name: 'Mean predicted', align: 'right' },
          { name: 'Observed', align: 'right' },
        ],
        rows: binRows(report.current.summary),
      });
      if (report.fitted) {
        out.write('\n');
        for (const line of summaryLines('fitted', report.fitted)) out.write(`${line}\n`);
        out.write(
          `  ${report.fitted.converged ? 'converged' : 'did NOT converge'} in ${report.fitted.iterations} iterations\n\n`,
        );
        await writeTabular('table', out, {
          name: 'Reliability',
          columns: [
            { name: 'Predicted' },
            { name: 'Invoices', align: 'right' },
            { name: 'Mean predicted', align: 'right' },
            { name: 'Observed', align: 'right' },
          ],
          rows: binRows(report.fitted.summary),
        });
        out.write(
          report.storedId
            ? `\nstored as ${report.storedId}: the worklist uses it from now on\n`
            : '\nnot stored (--dry-run)\n',
        );
      }
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const worklistCommands: readonly Command[] = [
  worklistCommand,
  worklistTeamCommand,
  worklistCalibrateCommand,
];
