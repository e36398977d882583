import { sql } from 'kysely';
import type { CurrencyCode } from '../../core/currency.ts';
import { newId } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { anyText, type BulkColumn, insertMany } from '../../db/bulk.ts';
import type { ImportHandlerArgs, ImportOutcome, ImportSpec } from '../imports/index.ts';
import { type CustomerRef, findCustomersByNumbers, normalizeBankAccount } from '../parties/index.ts';
import {
  type ApplicationBatchDraft,
  type ApplicationRowDraft,
  type BatchProblem,
  createReceivablesService,
  lockItems,
  type ReceiptDraft,
  type ReceiptState,
} from '../receivables/index.ts';
import { getDefaultEntity } from '../tenancy/index.ts';
import { type HistoryRow, parseHistoryRow } from './logic/parse-history-row.ts';

export const HISTORY_SPEC: ImportSpec = {
  kind: 'history',
  required: ['receipt_reference', 'receipt_date', 'receipt_amount', 'currency', 'applied_amount'],
  optional: [
    'payer_name',
    'payer_bank_account',
    'method',
    'memo',
    'account_number',
    'invoice_number',
    'kind',
    'reason_code',
  ],
};

const STAGE_COLUMNS: readonly BulkColumn[] = [
  { name: 'line', type: 'integer' },
  { name: 'reference', type: 'text' },
  { name: 'receipt_date', type: 'date' },
  { name: 'receipt_amount', type: 'bigint' },
  { name: 'currency', type: 'text' },
  { name: 'payer_name', type: 'text' },
  { name: 'payer_bank_account', type: 'text' },
  { name: 'method', type: 'text' },
  { name: 'memo', type: 'text' },
  { name: 'account_number', type: 'text' },
  { name: 'invoice_number', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'applied', type: 'bigint' },
  { name: 'reason_code', type: 'text' },
];

const PAGE = 5000;

interface StageRow {
  line: number;
  reference: string;
  receipt_date: string;
  receipt_amount: bigint;
  currency: string;
  payer_name: string | null;
  payer_bank_account: string | null;
  method: string;
  memo: string | null;
  account_number: string | null;
  invoice_number: string | null;
  kind: string;
  applied: bigint;
  reason_code: string | null;
}

/**
 * `arbor import history` (INTERCHANGE.md §2.4): historical receipts and how they were applied. Rows
 * of one receipt may be anywhere in the file, so rows are first staged in a temporary table (memory
 * stays bounded), then read back receipt by receipt. Each receipt is booked on its date, and its rows
 * applied on that date with status `history`; a shortfall stays unapplied on the receipt.
 */
export async function importHistory(args: ImportHandlerArgs): Promise<ImportOutcome> {
  const { tx, columns, issues } = args;
  await sql`create temporary table arbor_history_stage (
    line integer primary key, reference text not null, receipt_date date not null, receipt_amount bigint not null,
    currency text not null, payer_name text, payer_bank_account text, method text not null, memo text,
    account_number text, invoice_number text, kind text not null, applied bigint not null, reason_code text
  ) on commit drop`.execute(tx);
  // Read back receipt by receipt (keyset pagination on reference, line).
  await sql`create index on arbor_history_stage (reference, line)`.execute(tx);

  let rows = 0;
  let buffer: HistoryRow[] = [];
  const stage = async () => {
    await insertMany(
      tx,
      'arbor_history_stage',
      STAGE_COLUMNS,
      buffer.map((r) => [
        r.line,
        r.reference,
        r.receiptDate,
        r.receiptAmountMinor,
        r.currency,
        r.payerName,
        r.payerBankAccount,
        r.method,
        r.memo,
        r.accountNumber,
        r.invoiceNumber,
        r.kind,
        r.appliedMinor,
        r.reasonCode,
      ]),
    );
    buffer = [];
  };
  for await (const { line, fields } of args.rows) {
    rows++;
    const parsed = parseHistoryRow(line, (c) => columns.get(fields, c));
    if (!parsed.ok) {
      for (const p of parsed.problems) issues.add(line, p.column, p.message);
      continue;
    }
    buffer.push(parsed.value);
    if (buffer.length >= PAGE) await stage();
  }
  if (buffer.length > 0) await stage();
  // Rows that could not be read are reported already; the rest are still checked receipt by receipt
  // (in a transaction that will not commit) so that one run reports every problem.

  const poster = createPoster(args);
  let last: { reference: string; line: number } | null = null;
  let carry: StageRow[] = [];
  for (;;) {
    const page: StageRow[] = (
      await sql<StageRow>`select * from arbor_history_stage
        ${last ? sql`where (reference, line) > (${last.reference}, ${last.line})` : sql``}
        order by reference, line limit ${PAGE}`.execute(tx)
    ).rows;
    const done = page.length < PAGE;
    const all = carry.concat(page);
    const tail = page.at(-1);
    if (tail) last = { reference: tail.reference, line: tail.line };
    // The last receipt of a full page may continue on the next page.
    const cut = done ? all.length : lastGroupStart(all);
    carry = all.slice(cut);
    await poster.post(all.slice(0, cut));
    if (done) break;
  }
  return { rows, summary: poster.summary() };
}

function lastGroupStart(rows: StageRow[]): number {
  const ref = rows.at(-1)?.reference;
  let i = rows.length;
  while (i > 0 && rows[i - 1]?.reference === ref) i--;
  return i;
}

function createPoster(args: ImportHandlerArgs) {
  const { tx, ctx, issues, importId } = args;
  const tenantId = ctx.tenantId;
  const receivables = createReceivablesService(ctx);
  const customers = new Map<string, CustomerRef | null>();
  let receiptCount = 0;
  let applicationRows = 0;
  const received = new Map<string, bigint>();
  let defaultEntityId: string | null = null;

  async function post(rows: StageRow[]): Promise<void> {
    if (rows.length === 0) return;
    const groups = new Map<string, StageRow[]>();
    for (const r of rows) groups.set(r.reference, [...(groups.get(r.reference) ?? []), r]);

    const accountNumbers = rows.flatMap((r) =>
      r.account_number && !customers.has(r.account_number) ? [r.account_number] : [],
    );
    if (accountNumbers.length > 0) {
      const found = await findCustomersByNumbers(tx, tenantId, accountNumbers);
      for (const n of accountNumbers) customers.set(n, found.get(n) ?? null);
    }
    const numbers = [...new Set(rows.flatMap((r) => (r.invoice_number ? [r.invoice_number] : [])))];
    const itemIdByNumber = new Map<string, string>();
    for (let i = 0; i < numbers.length; i += 5000) {
      const found = await tx
        .selectFrom('items')
        .select(['id', 'number'])
        .where('tenant_id', '=', tenantId)
        .where('number', '=', anyText(numbers.slice(i, i + 5000)))
        .execute();
      for (const f of found) itemIdByNumber.set(f.number, f.id);
    }
    const items = await lockItems(tx, tenantId, [...itemIdByNumber.values()]);
    const existing = new Set(
      (
        await tx
          .selectFrom('receipts')
          .select('reference')
          .where('tenant_id', '=', tenantId)
          .where('reference', '=', anyText([...groups.keys()]))
          .execute()
      ).map((r) => r.reference),
    );
    defaultEntityId ??= (await getDefaultEntity(tx, tenantId)).id;

    const receiptDrafts: ReceiptDraft[] = [];
    const states = new Map<string, ReceiptState>();
    const batches: ApplicationBatchDraft[] = [];
    for (const [reference, group] of groups) {
      const head = group[0];
      if (!head) continue;
      if (existing.has(reference)) {
        issues.add(
          head.line,
          'receipt_reference',
          `receipt "${reference}" already exists; it was imported before`,
        );
        continue;
      }
      let bad = false;
      for (const r of group.slice(1)) {
        for (const [col, a, b] of [
          ['receipt_date', r.receipt_date, head.receipt_date],
          ['receipt_amount', r.receipt_amount, head.receipt_amount],
          ['currency', r.currency, head.currency],
        ] as const) {
          if (a !== b) {
            issues.add(
              r.line,
              col,
              `rows of receipt "${reference}" disagree: line ${head.line} says ${String(b)}`,
            );
            bad = true;
          }
        }
      }
      const drafts: ApplicationRowDraft[] = [];
      const customerIds = new Set<string>();
      let entityId: string | null = null;
      for (const r of group) {
        const customer = r.account_number ? customers.get(r.account_number) : null;
        if (r.account_number && !customer) {
          issues.add(r.line, 'account_number', `unknown customer "${r.account_number}"`);
          bad = true;
          continue;
        }
        const itemId = r.invoice_number ? itemIdByNumber.get(r.invoice_number) : undefined;
        if (r.invoice_number && !itemId) {
          issues.add(r.line, 'invoice_number', `unknown item "${r.invoice_number}"; import invoices first`);
          bad = true;
          continue;
        }
        const item = itemId ? items.get(itemId) : undefined;
        if (item && customer && item.customerId !== customer.id) {
          issues.add(
            r.line,
            'invoice_number',
            `${r.invoice_number} belongs to another customer than ${r.account_number}`,
          );
          bad = true;
          continue;
        }
        const customerId = customer?.id ?? item?.customerId ?? null;
        if (customerId) customerIds.add(customerId);
        entityId ??= item?.entityId ?? customer?.entityId ?? null;
        drafts.push({
          kind: r.kind as ApplicationRowDraft['kind'],
          amountMinor: r.applied,
          itemId: itemId ?? null,
          customerId,
          reasonCode: r.reason_code,
        });
      }
      if (bad) continue;
      const receiptId = newId('receipt');
      const currency = head.currency as CurrencyCode;
      const payerName = group.find((r) => r.payer_name)?.payer_name ?? null;
      const payerAccount = group.find((r) => r.payer_bank_account)?.payer_bank_account ?? null;
      const draft: ReceiptDraft = {
        id: receiptId,
        entityId: entityId ?? (defaultEntityId as string),
        reference,
        receiptDate: head.receipt_date as LocalDate,
        currency,
        amountMinor: head.receipt_amount,
        payerName,
        payerAccount: payerAccount ? normalizeBankAccount(payerAccount) : null,
        method: group.find((r) => r.method !== 'other')?.method ?? 'other',
        memo: group.find((r) => r.memo)?.memo ?? null,
        remittanceText: null,
        customerId: customerIds.size === 1 ? ([...customerIds][0] ?? null) : null,
        source: 'history',
        importId,
      };
      receiptDrafts.push(draft);
      states.set(receiptId, {
        id: receiptId,
        reference,
        entityId: draft.entityId,
        currency,
        receiptDate: draft.receiptDate,
        amountMinor: draft.amountMinor,
        unappliedMinor: draft.amountMinor,
        customerId: draft.customerId,
      });
      received.set(currency, (received.get(currency) ?? 0n) + draft.amountMinor);
      if (drafts.length > 0) {
        batches.push({
          entityId: draft.entityId,
          currency,
          appliedDate: draft.receiptDate,
          receiptId,
          status: 'history',
          rows: drafts,
          sourceLine: head.line,
          importId,
        });
      }
    }
    await receivables.postReceipts(tx, receiptDrafts);
    const problems: BatchProblem[] = [];
    await receivables.applyBatches(tx, batches, { collectProblems: problems, receipts: states, items });
    for (const p of problems) {
      const ref = batches[p.index]?.receiptId
        ? states.get(batches[p.index]?.receiptId ?? '')?.reference
        : undefined;
      issues.add(p.sourceLine, undefined, `receipt "${ref ?? '?'}": ${p.problems.join('; ')}`);
    }
    receiptCount += receiptDrafts.length;
    applicationRows += batches.reduce((n, b) => n + b.rows.length, 0);
  }

  return {
    post,
    summary: () => ({
      receipts: receiptCount,
      application_rows: applicationRows,
      received: Object.fromEntries([...received].map(([c, v]) => [c, v.toString()])),
    }),
  };
}
