import type { CurrencyCode } from '../../core/currency.ts';
import { AppError, type InputIssue } from '../../core/errors.ts';
import { formatAmount, formatMoneyForDisplay } from '../../core/money.ts';
import {
  applyManually,
  confirmSuggestion,
  type ListStatus,
  listOpenReceipts,
  type ManualRow,
  moveApplication,
  type OpenReceipt,
  putOnAccount,
  refund,
  rejectSuggestion,
  unapply,
  type WorkbenchResult,
} from '../../modules/cash-application/index.ts';
import type { Command, CommandInput } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';

/**
 * The cash-application workbench on the command line (`arbor cash …`): list what the engine left,
 * confirm or reject its suggestions, apply by hand, unapply, move, put on account, refund. Each
 * command is one call to a use case of modules/cash-application/workbench.ts; receipts are named by
 * id or bank reference. Amounts are decimal strings in the receipt's currency, always positive: the
 * kind of row gives the sign (INTERCHANGE.md §3).
 */

const invalid = (message: string, issues: readonly InputIssue[] = []) =>
  new AppError('cli.invalid_arguments', 'invalid', message, { issues });

function parseRank(text: unknown): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!/^[1-3]$/.test(String(text)))
    throw invalid(`--rank ${String(text)}: a suggestion's rank is 1, 2 or 3`);
  return n;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];

/** Runs `fn` with a service context for the command's database, closing it afterwards. */
async function withContext(
  input: CommandInput,
  global: Parameters<typeof openContext>[0],
  fn: (ctx: Awaited<ReturnType<typeof openContext>>['ctx']) => Promise<number>,
): Promise<number> {
  const { ctx, close } = await openContext(global, input.io);
  try {
    return await fn(ctx);
  } finally {
    await close();
  }
}

/** What an action did, for people: one line per row with its application id, then what is left. */
function printResult(out: NodeJS.WritableStream, heading: string, r: WorkbenchResult): void {
  out.write(`${heading}\n`);
  const width = (f: (x: WorkbenchResult['rows'][number]) => string) =>
    Math.max(0, ...r.rows.map((x) => f(x).length));
  const idW = width((x) => x.applicationId ?? '');
  const kindW = width((x) => x.kind);
  const targetW = width((x) => x.target ?? '');
  const custW = width((x) => x.customer ?? '');
  const amounts = r.rows.map((x) => formatMoneyForDisplay(x.amountMinor, r.currency));
  const amountW = Math.max(0, ...amounts.map((a) => a.length));
  r.rows.forEach((x, i) => {
    const cells = [
      ...(idW > 0 ? [(x.applicationId ?? '').padEnd(idW)] : []),
      x.kind.padEnd(kindW),
      (x.target ?? '').padEnd(targetW),
      (x.customer ?? '').padEnd(custW),
      (amounts[i] ?? '').padStart(amountW),
      x.reasonCode ?? '',
    ];
    out.write(`  ${cells.join('  ').trimEnd()}\n`);
  });
  out.write(
    `receipt ${r.reference}: ${formatMoneyForDisplay(r.unappliedMinor, r.currency)} ${r.currency} unapplied\n`,
  );
  for (const l of r.learned)
    out.write(
      `learned: this payer ${l.source === 'rejected' ? 'does not pay' : 'pays'} for ${l.customer} (${l.source})\n`,
    );
}

const LIST_COLUMNS = [
  'receipt_id',
  'receipt_reference',
  'receipt_date',
  'receipt_amount',
  'unapplied',
  'currency',
  'payer_name',
  'payer_account',
  'account_number',
  'explanation',
  'rank',
  'confidence',
  'suggestion',
  'suggestion_explanation',
] as const;

function listJson(receipts: readonly OpenReceipt[]): string {
  const amount = (v: bigint, c: CurrencyCode) => formatAmount(v, c);
  return `${JSON.stringify(
    receipts.map((r) => ({
      receipt_id: r.id,
      receipt_reference: r.reference,
      receipt_date: r.date,
      receipt_amount: amount(r.amountMinor, r.currency),
      unapplied: amount(r.unappliedMinor, r.currency),
      currency: r.currency,
      payer_name: r.payerName,
      payer_account: r.payerAccount,
      account_number: r.customer,
      explanation: r.explanation,
      suggestions: r.suggestions.map((s) => ({
        rank: s.rank,
        confidence: s.confidence,
        summary: s.summary,
        explanation: s.explanation,
        rows: s.rows.map((x) => ({
          kind: x.kind,
          target: x.target,
          account_number: x.customer,
          amount: amount(x.amountMinor, r.currency),
          reason_code: x.reasonCode,
        })),
      })),
    })),
    null,
    2,
  )}\n`;
}

export const cashListCommand: Command = {
  words: ['cash', 'list'],
  usage:
    'arbor [--db TARGET] cash list [--status suggested|unapplied|all] [--format table|csv|json] [--limit N]',
  summary: "receipts with money unapplied, why, and the engine's ranked suggestions",
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { status: { type: 'string' }, format: { type: 'string' }, limit: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'csv', 'json'], 'table');
    const statusText = (values.status as string | undefined)?.toLowerCase() ?? 'all';
    if (!['suggested', 'unapplied', 'all'].includes(statusText))
      throw invalid(`--status must be one of suggested, unapplied, all, not "${statusText}"`);
    const limitText = values.limit as string | undefined;
    if (limitText !== undefined && !/^[1-9]\d*$/.test(limitText))
      throw invalid(`--limit ${limitText}: a positive whole number`);
    return withContext(input, global, async (ctx) => {
      const receipts = await listOpenReceipts(ctx, {
        status: statusText as ListStatus,
        ...(limitText === undefined ? {} : { limit: Number(limitText) }),
      });
      const out = input.io.stdout;
      if (format === 'json') {
        out.write(listJson(receipts));
        return EXIT.ok;
      }
      if (format === 'csv') {
        const rows = receipts.flatMap((r) => {
          const base = [
            r.id,
            r.reference,
            r.date,
            formatAmount(r.amountMinor, r.currency),
            formatAmount(r.unappliedMinor, r.currency),
            r.currency,
            r.payerName ?? '',
            r.payerAccount ?? '',
            r.customer ?? '',
            r.explanation ?? '',
          ];
          return r.suggestions.length === 0
            ? [[...base, '', '', '', '']]
            : r.suggestions.map((s) => [...base, String(s.rank), s.confidence, s.summary, s.explanation]);
        });
        await writeTabular('csv', out, {
          name: 'receipts',
          columns: LIST_COLUMNS.map((name) => ({ name })),
          rows,
        });
        return EXIT.ok;
      }
      if (receipts.length === 0) {
        out.write(`no receipts with money unapplied${statusText === 'all' ? '' : ` (${statusText})`}\n`);
        return EXIT.ok;
      }
      // For people: a line per receipt (with why the engine left it), then its suggestions under it.
      const rows: string[][] = [];
      for (const r of receipts) {
        rows.push([
          r.reference,
          r.date,
          formatMoneyForDisplay(r.amountMinor, r.currency),
          formatMoneyForDisplay(r.unappliedMinor, r.currency),
          r.currency,
          r.payerName ?? r.payerAccount ?? '',
          '',
          '',
          r.explanation ?? '',
        ]);
        for (const s of r.suggestions)
          rows.push(['', '', '', '', '', '', String(s.rank), s.confidence, s.summary]);
      }
      await writeTabular('table', out, {
        name: 'receipts',
        columns: [
          { name: 'receipt' },
          { name: 'date' },
          { name: 'amount', type: 'amount' },
          { name: 'unapplied', type: 'amount' },
          { name: 'cur' },
          { name: 'payer' },
          { name: 'rank', align: 'right' },
          { name: 'confidence', align: 'right' },
          { name: 'suggestion / why left' },
        ],
        rows,
      });
      const totals = new Map<string, bigint>();
      for (const r of receipts) totals.set(r.currency, (totals.get(r.currency) ?? 0n) + r.unappliedMinor);
      out.write(
        `${receipts.length} receipt(s), ${receipts.filter((r) => r.suggestions.length > 0).length} with suggestions; unapplied ${[
          ...totals,
        ]
          .map(([c, v]) => `${formatMoneyForDisplay(v, c as CurrencyCode)} ${c}`)
          .join(', ')}\n`,
      );
      return EXIT.ok;
    });
  },
};

export const cashConfirmCommand: Command = {
  words: ['cash', 'confirm'],
  usage: 'arbor [--db TARGET] cash confirm RECEIPT [--rank N]',
  summary: 'apply a suggestion as the engine proposed it (rank 1 unless --rank), and learn the payer',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { rank: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const rank = parseRank(values.rank);
    return withContext(input, global, async (ctx) => {
      const r = await confirmSuggestion(ctx, { receipt: positionals[0] as string, rank });
      printResult(
        input.io.stdout,
        `confirmed suggestion ${rank} of receipt ${r.reference} (${r.receiptId}):`,
        r,
      );
      return EXIT.ok;
    });
  },
};

export const cashRejectCommand: Command = {
  words: ['cash', 'reject'],
  usage: 'arbor [--db TARGET] cash reject RECEIPT [--rank N]',
  summary: 'say no to a suggestion (rank 1 unless --rank); the engine counts it against the customer',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { rank: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const rank = parseRank(values.rank);
    return withContext(input, global, async (ctx) => {
      const r = await rejectSuggestion(ctx, { receipt: positionals[0] as string, rank });
      printResult(
        input.io.stdout,
        `rejected suggestion ${rank} of receipt ${r.reference} (${r.receiptId}):`,
        r,
      );
      return EXIT.ok;
    });
  },
};

/** `NAME=VALUE` split at the first `=`; the value is absent without one. */
function splitPair(text: string): [string, string | undefined] {
  const i = text.indexOf('=');
  return i < 0 ? [text.trim(), undefined] : [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}

/**
 * The rows of `arbor cash apply-to`, every malformed argument reported at once (each named by the
 * argument as typed): `TARGET[=AMOUNT]`, `--discount ITEM=AMOUNT`, `--deduction ITEM=AMOUNT:REASON`,
 * `--on-account CUSTOMER[=AMOUNT]` (without an amount: what the other rows leave), `--refund AMOUNT`.
 */
export function parseApplyToRows(args: {
  targets: readonly string[];
  discounts: readonly string[];
  deductions: readonly string[];
  onAccount: readonly string[];
  refund: string | undefined;
}): ManualRow[] {
  const rows: ManualRow[] = [];
  const issues: InputIssue[] = [];
  for (const text of args.targets) {
    const [number, amount] = splitPair(text);
    if (number === '') issues.push({ column: text, message: 'name the item: TARGET[=AMOUNT]' });
    else if (amount === '') issues.push({ column: text, message: 'an amount after "=", or no "="' });
    else rows.push(amount === undefined ? { kind: 'item', number } : { kind: 'item', number, amount });
  }
  for (const text of args.discounts) {
    const [item, amount] = splitPair(text);
    if (item === '' || !amount)
      issues.push({ column: `--discount ${text}`, message: 'use --discount ITEM=AMOUNT' });
    else rows.push({ kind: 'discount', item, amount });
  }
  for (const text of args.deductions) {
    const [item, rest] = splitPair(text);
    const colon = rest?.indexOf(':') ?? -1;
    const amount = rest !== undefined && colon >= 0 ? rest.slice(0, colon).trim() : '';
    const reason = rest !== undefined && colon >= 0 ? rest.slice(colon + 1).trim() : '';
    if (item === '' || amount === '' || reason === '')
      issues.push({
        column: `--deduction ${text}`,
        message: 'use --deduction ITEM=AMOUNT:REASON (a reason code is required)',
      });
    else rows.push({ kind: 'deduction', item, amount, reason });
  }
  for (const text of args.onAccount) {
    const [customer, amount] = splitPair(text);
    if (customer === '' || amount === '')
      issues.push({ column: `--on-account ${text}`, message: 'use --on-account CUSTOMER[=AMOUNT]' });
    else
      rows.push(
        amount === undefined ? { kind: 'on_account', customer } : { kind: 'on_account', customer, amount },
      );
  }
  if (args.refund !== undefined) {
    if (args.refund.trim() === '') issues.push({ column: '--refund', message: 'use --refund AMOUNT' });
    else rows.push({ kind: 'refund', amount: args.refund.trim() });
  }
  if (issues.length > 0)
    throw invalid(`${issues.length} problem(s) with the arguments; nothing was applied`, issues);
  if (rows.length === 0) throw invalid('say where the money goes: at least one TARGET or option');
  return rows;
}

export const cashApplyToCommand: Command = {
  words: ['cash', 'apply-to'],
  usage:
    'arbor [--db TARGET] cash apply-to RECEIPT TARGET[=AMOUNT]... [--discount ITEM=AMOUNT]... [--deduction ITEM=AMOUNT:REASON]... [--on-account CUSTOMER[=AMOUNT]]... [--refund AMOUNT]',
  summary: 'apply a receipt by hand across invoices, credits and customers, with discounts and deductions',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        discount: { type: 'string', multiple: true },
        deduction: { type: 'string', multiple: true },
        'on-account': { type: 'string', multiple: true },
        refund: { type: 'string' },
      },
      { min: 1, max: Number.POSITIVE_INFINITY },
    );
    const rows = parseApplyToRows({
      targets: positionals.slice(1),
      discounts: strings(values.discount),
      deductions: strings(values.deduction),
      onAccount: strings(values['on-account']),
      refund: values.refund as string | undefined,
    });
    return withContext(input, global, async (ctx) => {
      const r = await applyManually(ctx, { receipt: positionals[0] as string, rows });
      printResult(input.io.stdout, `applied receipt ${r.reference} (${r.receiptId}) by hand:`, r);
      return EXIT.ok;
    });
  },
};

export const cashUnapplyCommand: Command = {
  words: ['cash', 'unapply'],
  usage: 'arbor [--db TARGET] cash unapply RECEIPT [--application ID|ITEM]...',
  summary: "reverse a receipt's applications (all, or those named by id or item number), dated today",
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { application: { type: 'string', multiple: true } },
      { min: 1, max: 1 },
    );
    const named = strings(values.application).map((s) => s.trim());
    // Application ids look like `app_<ULID>`; anything else names an item.
    const applicationIds = named.filter((s) => /^app_[0-9A-Z]{26}$/.test(s));
    const items = named.filter((s) => !applicationIds.includes(s));
    return withContext(input, global, async (ctx) => {
      const r = await unapply(ctx, { receipt: positionals[0] as string, applicationIds, items });
      printResult(input.io.stdout, `unapplied from receipt ${r.reference} (${r.receiptId}):`, r);
      return EXIT.ok;
    });
  },
};

export const cashMoveCommand: Command = {
  words: ['cash', 'move'],
  usage: 'arbor [--db TARGET] cash move RECEIPT --from ITEM --to ITEM',
  summary: 'move what a receipt applied to one item onto another, in one step dated today',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { from: { type: 'string' }, to: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const from = values.from as string | undefined;
    const to = values.to as string | undefined;
    if (!from || !to) throw invalid(`both --from ITEM and --to ITEM are needed\nusage: ${this.usage}`);
    return withContext(input, global, async (ctx) => {
      const r = await moveApplication(ctx, { receipt: positionals[0] as string, from, to });
      printResult(input.io.stdout, `moved receipt ${r.reference} (${r.receiptId}) from ${from} to ${to}:`, r);
      return EXIT.ok;
    });
  },
};

export const cashOnAccountCommand: Command = {
  words: ['cash', 'on-account'],
  usage: 'arbor [--db TARGET] cash on-account RECEIPT CUSTOMER [AMOUNT]',
  summary: "leave a receipt's money (all unapplied, or AMOUNT) as a credit on the customer's account",
  async run(input) {
    const { positionals, global } = parseCommandArgs(input, this, {}, { min: 2, max: 3 });
    const amount = positionals[2];
    return withContext(input, global, async (ctx) => {
      const r = await putOnAccount(ctx, {
        receipt: positionals[0] as string,
        customer: positionals[1] as string,
        ...(amount === undefined ? {} : { amount }),
      });
      printResult(input.io.stdout, `put receipt ${r.reference} (${r.receiptId}) on account:`, r);
      return EXIT.ok;
    });
  },
};

export const cashRefundCommand: Command = {
  words: ['cash', 'refund'],
  usage: 'arbor [--db TARGET] cash refund RECEIPT [AMOUNT]',
  summary: "pay a receipt's money back (all unapplied, or AMOUNT), dated today",
  async run(input) {
    const { positionals, global } = parseCommandArgs(input, this, {}, { min: 1, max: 2 });
    const amount = positionals[1];
    return withContext(input, global, async (ctx) => {
      const r = await refund(ctx, {
        receipt: positionals[0] as string,
        ...(amount === undefined ? {} : { amount }),
      });
      printResult(input.io.stdout, `refunded from receipt ${r.reference} (${r.receiptId}):`, r);
      return EXIT.ok;
    });
  },
};

/** Every workbench command, for src/cli/main.ts's COMMANDS. */
export const cashWorkbenchCommands: readonly Command[] = [
  cashListCommand,
  cashConfirmCommand,
  cashRejectCommand,
  cashApplyToCommand,
  cashUnapplyCommand,
  cashMoveCommand,
  cashOnAccountCommand,
  cashRefundCommand,
];
