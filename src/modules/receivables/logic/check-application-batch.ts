import { formatAmount } from '../../../core/money.ts';
import type { ApplicationBatchDraft, ApplicationRowDraft, ItemState, ReceiptState } from './types.ts';
import { isCreditItemType } from './types.ts';

/**
 * The rules every application obeys, whoever makes it (an import, the matching engine, an analyst):
 * signs by kind (INTERCHANGE.md §3); same entity and currency; never to an item issued after the
 * application date; never beyond an item's open amount; never more than the receipt's unapplied
 * money; without a receipt the rows sum to zero. Checks against the running state and, when there is
 * no problem, moves that state (open amounts, unapplied) so that the next batch sees it.
 * Returns the problems found (none when the batch is good) and whether any of them is an
 * over-application (more than an item has open, or than the receipt has unapplied): a conflict with
 * the current state rather than a malformed request.
 */
export interface BatchCheck {
  readonly problems: string[];
  readonly overApplied: boolean;
}

export function checkApplicationBatch(
  batch: ApplicationBatchDraft,
  items: ReadonlyMap<string, ItemState>,
  receipt: ReceiptState | null,
): BatchCheck {
  const problems: string[] = [];
  let overApplied = false;
  const cur = batch.currency;
  const fmt = (v: bigint) => formatAmount(v, cur);
  if (batch.rows.length === 0) problems.push('an application needs at least one row');
  if (receipt) {
    if (receipt.currency !== cur)
      problems.push(`receipt ${receipt.reference} is in ${receipt.currency}, not ${cur}`);
    if (receipt.entityId !== batch.entityId)
      problems.push(`receipt ${receipt.reference} belongs to another entity`);
    if (batch.appliedDate < receipt.receiptDate) {
      problems.push(
        `cannot apply receipt ${receipt.reference} on ${batch.appliedDate}, before it was received (${receipt.receiptDate})`,
      );
    }
  }
  const openAfter = new Map<string, bigint>();
  let total = 0n;
  for (const row of batch.rows) {
    total += row.amountMinor;
    const problem = checkRow(row, batch, items, openAfter, fmt);
    if (problem) {
      problems.push(problem.message);
      overApplied ||= problem.overApplied;
    }
  }
  if (receipt) {
    if (total < 0n)
      problems.push(`the rows sum to ${fmt(total)}; a receipt's applications cannot take money in`);
    else if (total > receipt.unappliedMinor) {
      overApplied = true;
      problems.push(
        `the rows use ${fmt(total)} but receipt ${receipt.reference} has only ${fmt(receipt.unappliedMinor)} unapplied`,
      );
    }
  } else if (total !== 0n) {
    problems.push(`without a receipt the rows must sum to zero; they sum to ${fmt(total)}`);
  }
  if (problems.length > 0) return { problems, overApplied };
  for (const [id, open] of openAfter) {
    const item = items.get(id);
    if (item) item.openMinor = open;
  }
  if (receipt) receipt.unappliedMinor -= total;
  return { problems: [], overApplied: false };
}

function checkRow(
  row: ApplicationRowDraft,
  batch: ApplicationBatchDraft,
  items: ReadonlyMap<string, ItemState>,
  openAfter: Map<string, bigint>,
  fmt: (v: bigint) => string,
): { message: string; overApplied: boolean } | null {
  const invalid = (message: string) => ({ message, overApplied: false });
  const a = row.amountMinor;
  if (a === 0n) return invalid(`a ${row.kind} row cannot be zero`);
  switch (row.kind) {
    case 'invoice':
    case 'on_account':
    case 'refund':
      if (a < 0n) return invalid(`a ${row.kind} row must be positive, not ${fmt(a)}`);
      break;
    case 'credit_memo':
    case 'discount':
    case 'deduction':
    case 'bank_fee':
    case 'write_off':
      if (a > 0n) return invalid(`a ${row.kind} row must be negative, not ${fmt(a)}`);
      break;
    case 'fx_difference':
      break;
  }
  if ((row.kind === 'deduction' || row.kind === 'on_account') && !row.customerId) {
    return invalid(`a ${row.kind} row needs the customer it is for`);
  }
  const item = row.itemId ? items.get(row.itemId) : undefined;
  if (row.itemId && !item) return invalid(`item ${row.itemId} not found`);
  if (!item) {
    return row.kind === 'invoice' || row.kind === 'credit_memo'
      ? invalid(`a ${row.kind} row needs the item it settles`)
      : null;
  }
  if (item.currency !== batch.currency)
    return invalid(`${item.number} is in ${item.currency}, not ${batch.currency}`);
  if (item.entityId !== batch.entityId) return invalid(`${item.number} belongs to another entity`);
  if (row.customerId && row.customerId !== item.customerId)
    return invalid(`${item.number} belongs to another customer`);
  if (item.issueDate > batch.appliedDate) {
    return invalid(
      `${item.number} was issued on ${item.issueDate}, after the application date ${batch.appliedDate}`,
    );
  }
  if (row.kind === 'invoice') {
    if (isCreditItemType(item.type))
      return invalid(`${item.number} is a credit; apply it with a credit_memo row`);
  } else if (row.kind === 'credit_memo') {
    if (!isCreditItemType(item.type))
      return invalid(`${item.number} is not a credit; apply it with an invoice row`);
  } else {
    return null;
  }
  const before = openAfter.get(item.id) ?? item.openMinor;
  const after = before - a;
  if (item.amountMinor > 0n ? after < 0n : after > 0n) {
    return {
      message: `${item.number} has ${fmt(before < 0n ? -before : before)} open; cannot apply ${fmt(a < 0n ? -a : a)}`,
      overApplied: true,
    };
  }
  openAfter.set(item.id, after);
  return null;
}
