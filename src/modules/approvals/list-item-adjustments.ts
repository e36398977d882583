import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { approvalsError } from './approvals.errors.ts';
import { findItemAdjustments } from './approvals.repo.ts';
import { SETTLEMENT_REASON } from './prepare-settlement.ts';

export type ItemAdjustmentKind = 'write_off' | 'settlement' | 'credit_memo' | 'reinstatement' | 'reversal';

export interface ItemAdjustmentView {
  /** The journal entry: what `reverseAdjustment` takes. */
  readonly entryId: string;
  readonly date: LocalDate;
  readonly kind: ItemAdjustmentKind;
  readonly currency: CurrencyCode;
  /** By how much the item's open amount fell (negative: it rose). */
  readonly closedMinor: bigint;
  readonly reasonCode: string | null;
  readonly by: string;
  /** The entry that reversed this one, if any. */
  readonly reversedBy: string | null;
}

/**
 * The adjustments made on an item without a receipt — write-offs, settlement write-offs, credit
 * memos netted, reinstatements and reversals — oldest first, each with its journal entry, so that a
 * user can name the one to reverse (`arbor adjustment reverse ENTRY`).
 */
export async function listItemAdjustments(
  ctx: ServiceContext,
  itemId: string,
): Promise<ItemAdjustmentView[]> {
  const db = ctx.database.db;
  const item = await db
    .selectFrom('items')
    .select(['id', 'currency'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', '=', itemId)
    .executeTakeFirst();
  if (!item) throw approvalsError('approvals.item_not_found', `item ${itemId} not found`);
  const rows = await findItemAdjustments(db, ctx.tenantId, item.id);
  return rows.map((r) => ({
    entryId: r.entry_id,
    date: r.applied_date,
    kind: r.is_reversal
      ? 'reversal'
      : r.write_off_minor > 0n
        ? 'reinstatement'
        : r.write_off_minor < 0n
          ? r.reason_code === SETTLEMENT_REASON
            ? 'settlement'
            : 'write_off'
          : 'credit_memo',
    currency: item.currency as CurrencyCode,
    closedMinor: r.settled_minor,
    reasonCode: r.reason_code,
    by: r.created_by,
    reversedBy: r.reversed_by,
  }));
}
