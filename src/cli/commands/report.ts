import type { CurrencyCode } from '../../core/currency.ts';
import { AppError } from '../../core/errors.ts';
import { isLocalDate, type LocalDate } from '../../core/local-date.ts';
import { formatAmount, formatMoneyForDisplay } from '../../core/money.ts';
import {
  type AgingReport,
  type AgingRow,
  buildAgingReport,
  buildStatement,
  DEFAULT_BOUNDARIES,
  defaultStatementRange,
  parseBoundaries,
} from '../../modules/reporting/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, type TabularColumn, withOutput, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';

export function parseDateOption(name: string, value: unknown): LocalDate | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isLocalDate(value)) {
    throw new AppError(
      'cli.invalid_date',
      'invalid',
      `--${name} must be a date YYYY-MM-DD, not "${String(value)}"`,
    );
  }
  return value;
}

export const agingCommand: Command = {
  words: ['report', 'aging'],
  usage:
    'arbor report aging [--as-of DATE] [--basis due|issue] [--buckets 30,60,90,120] [--by customer|parent] [--entity CODE] [--collector NAME] [--from-ledger] [--format table|csv|json|xlsx] [--output FILE]',
  summary: 'aged open items per customer with totals, as of any date',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        'as-of': { type: 'string' },
        basis: { type: 'string' },
        buckets: { type: 'string' },
        by: { type: 'string' },
        entity: { type: 'string' },
        collector: { type: 'string' },
        'from-ledger': { type: 'boolean' },
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
    const basis = (values.basis as string | undefined) ?? 'due';
    if (basis !== 'due' && basis !== 'issue') {
      throw new AppError('cli.invalid_arguments', 'invalid', `--basis must be due or issue, not "${basis}"`);
    }
    const by = (values.by as string | undefined) ?? 'customer';
    if (by !== 'customer' && by !== 'parent') {
      throw new AppError('cli.invalid_arguments', 'invalid', `--by must be customer or parent, not "${by}"`);
    }
    let boundaries = DEFAULT_BOUNDARIES;
    if (typeof values.buckets === 'string') {
      try {
        boundaries = parseBoundaries(values.buckets);
      } catch (e) {
        throw new AppError('cli.invalid_arguments', 'invalid', `--buckets: ${(e as Error).message}`);
      }
    }
    const asOf = parseDateOption('as-of', values['as-of']);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const report = await buildAgingReport(ctx, {
        ...(asOf ? { asOf } : {}),
        basis,
        boundaries,
        by,
        fromLedger: values['from-ledger'] === true,
        ...(typeof values.entity === 'string' ? { entity: values.entity } : {}),
        ...(typeof values.collector === 'string' ? { collector: values.collector } : {}),
      });
      await withOutput(
        input.io.stdout,
        values.output as string | undefined,
        format === 'xlsx',
        async (out) => {
          if (format === 'json') {
            out.write(`${JSON.stringify(agingToJson(report), null, 2)}\n`);
            return;
          }
          if (format === 'table') {
            out.write(
              `Aging as of ${report.asOf} by ${report.basis} date${report.source === 'ledger' ? ' (rebuilt from the ledger)' : ''}\n\n`,
            );
          }
          await writeTabular(format, out, agingToSheet(report, format === 'table'));
        },
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

function agingColumns(report: AgingReport, forPeople: boolean): TabularColumn[] {
  return [
    { name: forPeople ? 'Account' : 'account_number' },
    { name: forPeople ? 'Name' : 'name' },
    { name: forPeople ? 'Parent' : 'parent_account_number' },
    { name: forPeople ? 'Cur' : 'currency' },
    ...report.buckets.map((b) => ({ name: forPeople ? b.label : b.key, type: 'amount' as const })),
    { name: forPeople ? 'Credits' : 'credits', type: 'amount' },
    { name: forPeople ? 'Balance' : 'balance', type: 'amount' },
    { name: forPeople ? 'Unapplied' : 'unapplied', type: 'amount' },
    { name: forPeople ? 'Net' : 'net', type: 'amount' },
  ];
}

function agingCells(row: AgingRow, forPeople: boolean): string[] {
  // People read 1,143,959,931.59; tools get the contract's plain decimal strings.
  const f = (v: bigint) =>
    forPeople ? formatMoneyForDisplay(v, row.currency) : formatAmount(v, row.currency);
  const name = forPeople && row.name.length > 36 ? `${row.name.slice(0, 35)}…` : row.name;
  return [
    row.accountNumber,
    name,
    row.parentAccountNumber ?? '',
    row.currency,
    ...row.buckets.map(f),
    f(row.credits),
    f(row.balance),
    f(row.unapplied),
    f(row.net),
  ];
}

function agingToSheet(report: AgingReport, forPeople: boolean) {
  const rows = report.rows.map((r) => agingCells(r, forPeople));
  for (const [currency, amount] of report.unidentified) {
    rows.push(
      agingCells(
        {
          customerId: null,
          accountNumber: '(unidentified)',
          name: 'receipts not tied to a customer',
          parentAccountNumber: null,
          currency,
          buckets: report.buckets.map(() => 0n),
          credits: 0n,
          balance: 0n,
          unapplied: amount,
          net: amount,
          customers: 0,
        },
        forPeople,
      ),
    );
  }
  const footer = [...report.totals.values()].map((t) =>
    agingCells({ ...t, name: `${t.customers} accounts` }, forPeople),
  );
  return { name: `Aging ${report.asOf}`, columns: agingColumns(report, forPeople), rows, footer };
}

function agingToJson(report: AgingReport) {
  const amounts = (row: AgingRow) => {
    const f = (v: bigint) => formatAmount(v, row.currency);
    return {
      currency: row.currency,
      buckets: Object.fromEntries(report.buckets.map((b, i) => [b.key, f(row.buckets[i] ?? 0n)])),
      credits: f(row.credits),
      balance: f(row.balance),
      unapplied: f(row.unapplied),
      net: f(row.net),
    };
  };
  return {
    as_of: report.asOf,
    basis: report.basis,
    by: report.by,
    source: report.source,
    buckets: report.buckets.map((b) => ({
      key: b.key,
      label: b.label,
      min_days: b.minDays,
      max_days: b.maxDays,
    })),
    rows: report.rows.map((r) => ({
      account_number: r.accountNumber,
      name: r.name,
      parent_account_number: r.parentAccountNumber,
      ...(report.by === 'parent' ? { customers: r.customers } : {}),
      ...amounts(r),
    })),
    unidentified: [...report.unidentified].map(([currency, v]) => ({
      currency,
      unapplied: formatAmount(v, currency),
    })),
    totals: [...report.totals.values()].map((t) => ({ accounts: t.customers, ...amounts(t) })),
  };
}

export const statementCommand: Command = {
  words: ['report', 'statement'],
  usage:
    'arbor report statement ACCOUNT [--from DATE] [--to DATE] [--format table|csv|json|xlsx] [--output FILE]',
  summary: "a customer's items and activity for a period, with the open items at its end",
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    const format = parseFormat(
      values.format as string | undefined,
      ['table', 'csv', 'json', 'xlsx'],
      'table',
    );
    const { ctx, close } = await openContext(global, input.io);
    try {
      const fallback = defaultStatementRange(ctx.clock.today());
      const from = parseDateOption('from', values.from) ?? fallback.from;
      const to = parseDateOption('to', values.to) ?? fallback.to;
      if (from > to)
        throw new AppError('cli.invalid_arguments', 'invalid', `--from ${from} is after --to ${to}`);
      const s = await buildStatement(ctx, positionals[0] as string, { from, to });
      const f = (v: bigint, c: CurrencyCode) => formatAmount(v, c);
      await withOutput(
        input.io.stdout,
        values.output as string | undefined,
        format === 'xlsx',
        async (out) => {
          if (format === 'json') {
            out.write(
              `${JSON.stringify(
                {
                  account_number: s.customer.accountNumber,
                  name: s.customer.name,
                  from: s.from,
                  to: s.to,
                  balances: s.currencies.map((c) => ({
                    currency: c,
                    opening: f(s.opening.get(c) ?? 0n, c),
                    closing: f(s.closing.get(c) ?? 0n, c),
                    unapplied: f(s.unapplied.get(c) ?? 0n, c),
                    aging: Object.fromEntries(
                      s.buckets.map((b, i) => [b.key, f(s.aging.get(c)?.[i] ?? 0n, c)]),
                    ),
                  })),
                  activity: s.lines.map((l) => ({
                    date: l.date,
                    type: l.type,
                    document: l.document,
                    reference: l.reference,
                    currency: l.currency,
                    amount: f(l.amount, l.currency),
                    balance: f(l.balance, l.currency),
                  })),
                  open_items: s.openItems.map((o) => ({
                    number: o.number,
                    type: o.type,
                    issue_date: o.issueDate,
                    due_date: o.dueDate,
                    currency: o.currency,
                    amount: f(o.amount, o.currency),
                    open: f(o.open, o.currency),
                    days_past_due: o.daysPastDue,
                  })),
                },
                null,
                2,
              )}\n`,
            );
            return;
          }
          const people = format === 'table';
          const activityRows: string[][] = [];
          for (const c of s.currencies) {
            activityRows.push([
              s.from,
              'Balance brought forward',
              '',
              '',
              c,
              '',
              f(s.opening.get(c) ?? 0n, c),
            ]);
          }
          for (const l of s.lines) {
            activityRows.push([
              l.date,
              l.type,
              l.document,
              l.reference ?? '',
              l.currency,
              f(l.amount, l.currency),
              f(l.balance, l.currency),
            ]);
          }
          const closing = s.currencies.map((c) => [
            s.to,
            'Closing balance',
            '',
            '',
            c,
            '',
            f(s.closing.get(c) ?? 0n, c),
          ]);
          if (people) {
            out.write(
              `Statement of account ${s.customer.accountNumber} ${s.customer.name}, ${s.from} to ${s.to}\n\n`,
            );
          }
          await writeTabular(format, out, {
            name: 'Activity',
            columns: [
              { name: people ? 'Date' : 'date', type: 'date' },
              { name: people ? 'Type' : 'type' },
              { name: people ? 'Document' : 'document' },
              { name: people ? 'Reference' : 'reference' },
              { name: people ? 'Cur' : 'currency' },
              { name: people ? 'Amount' : 'amount', type: 'amount' },
              { name: people ? 'Balance' : 'balance', type: 'amount' },
            ],
            rows: activityRows,
            footer: closing,
          });
          if (people) {
            out.write(`\nOpen items at ${s.to}\n\n`);
            await writeTabular(format, out, {
              name: 'Open items',
              columns: [
                { name: 'Number' },
                { name: 'Type' },
                { name: 'Issued' },
                { name: 'Due' },
                { name: 'Cur' },
                { name: 'Amount', type: 'amount' },
                { name: 'Open', type: 'amount' },
                { name: 'Days late', align: 'right' },
              ],
              rows: s.openItems.map((o) => [
                o.number,
                o.type.replace('_', ' '),
                o.issueDate,
                o.dueDate,
                o.currency,
                f(o.amount, o.currency),
                f(o.open, o.currency),
                String(o.daysPastDue),
              ]),
            });
            for (const c of s.currencies) {
              const aging = s.aging.get(c) ?? s.buckets.map(() => 0n);
              out.write(
                `\n${c} aging: ${s.buckets.map((b, i) => `${b.label} ${f(aging[i] ?? 0n, c)}`).join(' | ')}; unapplied ${f(s.unapplied.get(c) ?? 0n, c)}; total due ${f(s.closing.get(c) ?? 0n, c)}\n`,
              );
            }
          }
        },
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};
