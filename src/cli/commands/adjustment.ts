import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { AppError } from '../../core/errors.ts';
import { formatAmount, money, parseAmount } from '../../core/money.ts';
import {
  approvalsError,
  listItemAdjustments,
  reinstateWriteOff,
  reverseAdjustment,
} from '../../modules/approvals/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';
import { principalOf } from './collections.ts';

/**
 * Corrections of adjustments on the command line: `arbor reinstate` (recovery of a written-off
 * amount) and `arbor adjustment reverse` (undo a write-off, settlement, credit-memo netting or
 * reinstatement by reversing its entry). Both act as the user named by `--as` (else `ARBOR_USER`),
 * who must be allowed to request adjustments, as over the API.
 */

const invalid = (message: string) => new AppError('cli.invalid_arguments', 'invalid', message);

async function findItem(
  ctx: ServiceContext,
  key: string,
): Promise<{ id: string; number: string; currency: CurrencyCode }> {
  const row = await ctx.database.db
    .selectFrom('items')
    .select(['id', 'number', 'currency'])
    .where('tenant_id', '=', ctx.tenantId)
    .where((eb) => eb.or([eb('number', '=', key), eb('id', '=', key)]))
    .executeTakeFirst();
  if (!row) throw approvalsError('approvals.item_not_found', `no item ${key}`);
  return { id: row.id, number: row.number, currency: row.currency as CurrencyCode };
}

export const reinstateCommand: Command = {
  words: ['reinstate'],
  usage: 'arbor reinstate ITEM [--amount AMOUNT] --reason TEXT [--as USER]',
  summary:
    'recovery of a written-off amount: reopen the item (Dr AR, Cr allowance) so the money can be applied',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { amount: { type: 'string' }, reason: { type: 'string' }, as: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const reason = values.reason as string | undefined;
    if (reason === undefined || reason.trim() === '')
      throw invalid(`--reason is required\nusage: ${this.usage}`);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const principal = await principalOf(ctx, input, values.as as string | undefined);
      const item = await findItem(ctx, positionals[0] as string);
      const amountText = values.amount as string | undefined;
      const r = await reinstateWriteOff({ ...ctx, actor: principal.username }, principal, {
        itemId: item.id,
        reason,
        ...(amountText !== undefined
          ? { amount: money(parseAmount(amountText, item.currency), item.currency) }
          : {}),
      });
      const fmt = (v: bigint) => `${formatAmount(v, r.amount.currency)} ${r.amount.currency}`;
      input.io.stdout.write(
        `reinstated ${fmt(r.amount.amountMinor)} of ${r.itemNumber}: open ${fmt(r.openAfterMinor)}, still written off ${fmt(r.writtenOffAfterMinor)} (entry ${r.entryId})\n`,
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const adjustmentReverseCommand: Command = {
  words: ['adjustment', 'reverse'],
  usage: 'arbor adjustment reverse ENTRY|APPROVAL --reason TEXT [--as USER]',
  summary: 'reverse a write-off, settlement, credit-memo netting or reinstatement; the items reopen',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { reason: { type: 'string' }, as: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const reason = values.reason as string | undefined;
    if (reason === undefined || reason.trim() === '')
      throw invalid(`--reason is required\nusage: ${this.usage}`);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const principal = await principalOf(ctx, input, values.as as string | undefined);
      const r = await reverseAdjustment({ ...ctx, actor: principal.username }, principal, {
        id: positionals[0] as string,
        reason,
      });
      input.io.stdout.write(
        `reversed ${r.entryId}${r.approvalId ? ` (request ${r.approvalId})` : ''} by ${r.reversalEntryId}\n`,
      );
      for (const i of r.items)
        input.io.stdout.write(
          `  ${i.itemNumber}: open ${formatAmount(i.openBeforeMinor, i.currency)} -> ${formatAmount(i.openAfterMinor, i.currency)} ${i.currency}\n`,
        );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const adjustmentListCommand: Command = {
  words: ['adjustment', 'list'],
  usage: 'arbor adjustment list ITEM [--format table|csv|json]',
  summary:
    "an item's write-offs, settlements, credit memos netted, reinstatements and reversals, with their entries",
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { format: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'csv', 'json'], 'table');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const item = await findItem(ctx, positionals[0] as string);
      const rows = await listItemAdjustments(ctx, item.id);
      if (format === 'table' && rows.length === 0) {
        input.io.stdout.write(`${item.number} has no adjustments\n`);
        return EXIT.ok;
      }
      await writeTabular(format, input.io.stdout, {
        name: 'adjustments',
        columns: [
          { name: 'entry' },
          { name: 'date' },
          { name: 'kind' },
          { name: 'closed', align: 'right' },
          { name: 'currency' },
          { name: 'reason' },
          { name: 'by' },
          { name: 'reversed_by' },
        ],
        rows: rows.map((r) => [
          r.entryId,
          r.date,
          r.kind,
          formatAmount(r.closedMinor, r.currency),
          r.currency,
          r.reasonCode ?? '',
          r.by,
          r.reversedBy ?? '',
        ]),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const adjustmentCommands: readonly Command[] = [
  reinstateCommand,
  adjustmentListCommand,
  adjustmentReverseCommand,
];
