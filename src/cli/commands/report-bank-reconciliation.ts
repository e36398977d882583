import type { CurrencyCode } from '../../core/currency.ts';
import { AppError } from '../../core/errors.ts';
import { formatAmount, formatMoneyForDisplay } from '../../core/money.ts';
import {
  BANK_RECONCILIATION_LABELS,
  type BankReconciliation,
  buildBankReconciliation,
  type ReconciliationGroup,
  type ReconcilingItem,
} from '../../modules/banking/index.ts';
import { formatTextTable, writeXlsx } from '../../modules/tabular/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, type TabularColumn, withOutput, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';
import { parseDateOption } from './report.ts';

export const bankReconciliationCommand: Command = {
  words: ['report', 'bank-reconciliation'],
  usage:
    'arbor report bank-reconciliation [--as-of DATE] [--entity CODE] [--account ACCOUNT] [--window DAYS] [--format table|csv|json|xlsx] [--output FILE]',
  summary: 'bank to book: the statement balance, reconciling items and the proof, per entity and currency',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        'as-of': { type: 'string' },
        entity: { type: 'string' },
        account: { type: 'string' },
        window: { type: 'string' },
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
    let windowDays: number | undefined;
    if (typeof values.window === 'string') {
      if (!/^\d{1,3}$/.test(values.window))
        throw new AppError(
          'cli.invalid_arguments',
          'invalid',
          `--window must be a whole number of days, not "${values.window}"`,
        );
      windowDays = Number(values.window);
    }
    const { ctx, close } = await openContext(global, input.io);
    try {
      const report = await buildBankReconciliation(ctx, {
        ...(asOf ? { asOf } : {}),
        ...(typeof values.entity === 'string' ? { entity: values.entity } : {}),
        ...(typeof values.account === 'string' ? { bankAccount: values.account } : {}),
        ...(windowDays === undefined ? {} : { windowDays }),
      });
      await withOutput(
        input.io.stdout,
        values.output as string | undefined,
        format === 'xlsx',
        async (out) => {
          if (format === 'json') {
            out.write(`${JSON.stringify(reconciliationToJson(report), null, 2)}\n`);
            return;
          }
          if (format === 'xlsx') {
            await writeXlsx(out, [
              {
                name: 'Proof',
                columns: xlsxColumns(PROOF_COLUMNS),
                rows: report.groups.flatMap((g) => proofRows(g, false, report.asOf)),
              },
              {
                name: 'Items',
                columns: xlsxColumns(ITEM_COLUMNS),
                rows: report.groups.flatMap((g) => itemRows(g, false)),
              },
              {
                name: 'Notes',
                columns: [{ name: 'entity' }, { name: 'currency' }, { name: 'note', width: 120 }],
                rows: report.groups.flatMap((g) =>
                  [g.explanation, ...g.notes].map((n) => [g.entity, g.currency, n]),
                ),
              },
            ]);
            return;
          }
          if (format === 'csv') {
            // One table: the proof lines, the items, then the notes, each row naming its section.
            await writeTabular('csv', out, {
              name: 'Bank reconciliation',
              columns: CSV_COLUMNS,
              rows: report.groups.flatMap((g) => [
                ...proofRows(g, false, report.asOf).map(
                  ([, , line = '', side = '', description = '', count = '', amount = '', effect = '']) => [
                    g.entity,
                    g.currency,
                    'proof',
                    line,
                    side,
                    '',
                    '',
                    '',
                    description,
                    '',
                    count,
                    amount,
                    effect,
                    '',
                  ],
                ),
                ...itemRows(g, false).map((r) => [g.entity, g.currency, 'item', ...r.slice(2)]),
                ...[g.explanation, ...g.notes].map((n) => [
                  g.entity,
                  g.currency,
                  'note',
                  '',
                  '',
                  '',
                  '',
                  '',
                  n,
                  '',
                  '',
                  '',
                  '',
                  '',
                ]),
              ]),
            });
            return;
          }
          writeTable(out, report);
        },
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

const PROOF_COLUMNS: readonly TabularColumn[] = [
  { name: 'entity' },
  { name: 'currency' },
  { name: 'line' },
  { name: 'side' },
  { name: 'description' },
  { name: 'items', type: 'integer' },
  { name: 'amount', type: 'amount' },
  { name: 'effect', type: 'amount' },
];

const ITEM_COLUMNS: readonly TabularColumn[] = [
  { name: 'entity' },
  { name: 'currency' },
  { name: 'line' },
  { name: 'side' },
  { name: 'date', type: 'date' },
  { name: 'reference' },
  { name: 'bank_account' },
  { name: 'description' },
  { name: 'age_days', type: 'integer' },
  { name: 'items', type: 'integer' },
  { name: 'amount', type: 'amount' },
  { name: 'effect', type: 'amount' },
  { name: 'note' },
];

const CSV_COLUMNS: readonly TabularColumn[] = [
  { name: 'entity' },
  { name: 'currency' },
  { name: 'section' },
  ...ITEM_COLUMNS.slice(2),
];

const xlsxColumns = (columns: readonly TabularColumn[]) =>
  columns.map((c) => ({
    name: c.name,
    type: c.type ?? 'text',
    ...(c.name === 'description' || c.name === 'note' ? { width: 60 } : {}),
  }));

const money = (people: boolean, currency: CurrencyCode) => (v: bigint | null) =>
  v === null ? '' : people ? formatMoneyForDisplay(v, currency) : formatAmount(v, currency);

/** The proof, top to bottom: the book balance, each category's effect, the reconciled and the bank balance, the difference. */
function proofRows(g: ReconciliationGroup, people: boolean, asOf: string): string[][] {
  const f = money(people, g.currency);
  const p = g.proof;
  const row = (
    line: string,
    side: string,
    description: string,
    count: string,
    amount: string,
    effect: string,
  ) => [g.entity, g.currency, line, side, description, count, amount, effect];
  return [
    row(
      'book_balance',
      'book',
      `book balance: cash account ${g.cashAccount ?? '(none)'} on ${asOf}${g.otherAccountsMinor !== 0n ? ` less ${f(g.otherAccountsMinor)} booked from other bank accounts` : ''}`,
      '',
      f(p.bookBalanceMinor),
      f(p.bookBalanceMinor),
    ),
    ...p.lines.map((l) =>
      row(
        l.category,
        l.side,
        BANK_RECONCILIATION_LABELS[l.category],
        String(l.count),
        f(l.totalMinor),
        f(l.effectMinor),
      ),
    ),
    row(
      'reconciled_bank_balance',
      '',
      'reconciled bank balance',
      '',
      f(p.reconciledMinor),
      f(p.reconciledMinor),
    ),
    row(
      'bank_balance',
      'bank',
      `bank balance per statements${g.statementsTo ? ` to ${g.statementsTo}` : ''}`,
      '',
      f(p.bankBalanceMinor),
      '',
    ),
    row(
      'unexplained_difference',
      '',
      p.status === 'bank_balance_unknown' ? 'bank balance unknown' : 'unexplained difference',
      '',
      f(p.differenceMinor),
      '',
    ),
  ];
}

function itemRows(g: ReconciliationGroup, people: boolean): string[][] {
  const f = money(people, g.currency);
  return g.items.map((i: ReconcilingItem) => [
    g.entity,
    g.currency,
    i.category,
    i.side,
    i.date ?? '',
    i.reference ?? '',
    i.bankAccount ?? '',
    i.description,
    i.ageDays === null ? '' : String(i.ageDays),
    String(i.count),
    f(i.amountMinor),
    f(i.side === 'bank' ? i.amountMinor : -i.amountMinor),
    i.note ?? '',
  ]);
}

function writeTable(out: NodeJS.WritableStream, report: BankReconciliation): void {
  out.write(`Bank reconciliation as of ${report.asOf} (proposed matches within ${report.windowDays} days)\n`);
  out.write('book balance + bank items not in the books − book items not on the bank = bank balance\n');
  if (report.groups.length === 0) out.write('\nno bank account and no cash posting to reconcile\n');
  for (const g of report.groups) {
    const f = money(true, g.currency);
    out.write(`\n== ${g.entity} ${g.currency} ==\n`);
    const proof = proofRows(g, true, report.asOf).filter(
      (r, i, all) => i === 0 || i >= all.length - 3 || r[5] !== '0',
    );
    out.write(
      renderTable(
        [{ name: 'Line' }, { name: 'Items', align: 'right' }, { name: 'Effect', type: 'amount' }],
        proof.map((r) => [
          capitalize(r[4] ?? ''),
          r[5] ?? '',
          r[2] === 'bank_balance' || r[2] === 'unexplained_difference' ? (r[6] ?? '') : (r[7] ?? ''),
        ]),
      ),
    );
    out.write(`\n${g.explanation}\n`);
    out.write(
      `${g.matched.count} bank transaction(s) matched to their bookings (${f(g.matched.amountMinor)} net)\n`,
    );
    const listed = g.items.filter((i) => i.category !== 'opening_balance');
    if (listed.length > 0) {
      out.write('\nReconciling items\n');
      out.write(
        renderTable(
          [
            { name: 'Date' },
            { name: 'Line' },
            { name: 'Reference' },
            { name: 'Description' },
            { name: 'Amount', type: 'amount' },
            { name: 'Age', align: 'right' },
            { name: 'Note' },
          ],
          listed.map((i) => [
            i.date ?? '',
            i.category.replaceAll('_', ' '),
            i.reference ?? '',
            i.description.length > 48 ? `${i.description.slice(0, 47)}…` : i.description,
            f(i.amountMinor),
            i.ageDays === null ? '' : String(i.ageDays),
            i.note ?? '',
          ]),
        ),
      );
    }
    out.write('\nNotes\n');
    for (const n of g.notes) out.write(`- ${n}\n`);
  }
}

function renderTable(columns: readonly TabularColumn[], rows: readonly (readonly string[])[]): string {
  return formatTextTable(
    columns.map((c) => ({ name: c.name, align: c.align ?? (c.type === 'amount' ? 'right' : 'left') })),
    rows,
  );
}

function capitalize(s: string): string {
  return s.length === 0 ? s : `${s[0]?.toUpperCase()}${s.slice(1)}`;
}

function reconciliationToJson(report: BankReconciliation) {
  return {
    as_of: report.asOf,
    window_days: report.windowDays,
    groups: report.groups.map((g) => {
      const f = (v: bigint | null) => (v === null ? null : formatAmount(v, g.currency));
      const item = (i: ReconcilingItem) => ({
        category: i.category,
        side: i.side,
        date: i.date,
        reference: i.reference,
        bank_account: i.bankAccount,
        description: i.description,
        count: i.count,
        amount: f(i.amountMinor),
        age_days: i.ageDays,
        source_id: i.sourceId,
        note: i.note,
      });
      return {
        entity: g.entity,
        currency: g.currency,
        status: g.proof.status,
        explanation: g.explanation,
        cash_account: g.cashAccount,
        cash_balance: f(g.cashBalanceMinor),
        other_accounts: f(g.otherAccountsMinor),
        book_balance: f(g.bookBalanceMinor),
        bank_balance: f(g.bankBalanceMinor),
        statements_from: g.statementsFrom,
        statements_to: g.statementsTo,
        bank_accounts: g.accounts.map((a) => ({
          account: a.account,
          name: a.name,
          balance: f(a.chain.balanceMinor),
          balance_basis: a.chain.balanceBasis,
          statement: a.chain.last
            ? {
                id: a.chain.last.id,
                format: a.chain.last.format,
                first_date: a.chain.last.firstDate,
                last_date: a.chain.last.lastDate,
                opening: f(a.chain.last.openingMinor),
                closing: f(a.chain.last.closingMinor),
              }
            : null,
          derived_from: a.chain.derivedFrom
            ? { statement_id: a.chain.derivedFrom.statementId, which: a.chain.derivedFrom.which }
            : null,
          opening: f(a.chain.openingMinor),
          opening_basis: a.chain.openingBasis,
          statements_used: a.chain.statements.length,
          breaks: a.chain.breaks.map((b) => ({
            statement_id: b.statementId,
            kind: b.kind,
            expected: f(b.expectedMinor),
            stated: f(b.statedMinor),
            difference: f(b.differenceMinor),
          })),
        })),
        matched: { count: g.matched.count, amount: f(g.matched.amountMinor) },
        proof: {
          book_balance: f(g.proof.bookBalanceMinor),
          lines: g.proof.lines.map((l) => ({
            category: l.category,
            label: BANK_RECONCILIATION_LABELS[l.category],
            side: l.side,
            count: l.count,
            total: f(l.totalMinor),
            effect: f(l.effectMinor),
          })),
          reconciled_bank_balance: f(g.proof.reconciledMinor),
          bank_balance: f(g.proof.bankBalanceMinor),
          difference: f(g.proof.differenceMinor),
        },
        items: g.items.map(item),
        proposals: g.proposals.map((p) => ({
          kind: p.kind,
          days_apart: p.daysApart,
          book: item(p.book),
          bank: item(p.bank),
        })),
        notes: g.notes,
      };
    }),
  };
}
