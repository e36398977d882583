import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { formatAmount } from '../../../core/money.ts';
import type { EntryDraft, PostingLine } from '../../ledger/index.ts';
import type { ApplicationRowDraft } from './types.ts';

/** The reason code on both rows of a reinstatement, so reports can tell it from a write-off. */
export const REINSTATEMENT_REASON = 'recovery';

/** The part of one written-off item to put back on the books. */
export interface ReinstatedPart {
  readonly itemId: string;
  readonly customerId: string;
  /** Positive: by how much the item's open amount rises (and its written-off amount falls). */
  readonly amountMinor: bigint;
}

/** An item as a reinstatement sees it: what it is, has open, and has written off net of earlier recoveries. */
export interface ReinstatableItem {
  readonly number: string;
  readonly amountMinor: bigint;
  readonly openMinor: bigint;
  readonly currency: CurrencyCode;
  /** Written off less what was reinstated or reversed since (positive, or zero). */
  readonly writtenOffMinor: bigint;
}

/**
 * How much of an item to reinstate: the amount asked for, or by default all that is written off.
 * Refused (with the reason) when nothing is written off, when more is asked for than is written off,
 * or when the item would be open beyond its amount: conflicts with the item's state; a credit item or
 * an amount that is not positive is a bad request.
 */
export function planReinstatement(
  item: ReinstatableItem,
  requestedMinor?: bigint,
): { ok: true; amountMinor: bigint } | { ok: false; problem: string; conflict: boolean } {
  const fmt = (v: bigint) => formatAmount(v, item.currency);
  if (item.amountMinor <= 0n)
    return {
      ok: false,
      problem: `${item.number} is a credit: only a debit item is written off`,
      conflict: false,
    };
  if (item.writtenOffMinor <= 0n)
    return { ok: false, problem: `${item.number} has nothing written off`, conflict: true };
  const amount = requestedMinor ?? item.writtenOffMinor;
  if (amount <= 0n)
    return {
      ok: false,
      problem: `the amount to reinstate must be positive, not ${fmt(amount)}`,
      conflict: false,
    };
  if (amount > item.writtenOffMinor)
    return {
      ok: false,
      problem: `${item.number} has ${fmt(item.writtenOffMinor)} written off; cannot reinstate ${fmt(amount)}`,
      conflict: true,
    };
  if (item.openMinor + amount > item.amountMinor)
    return {
      ok: false,
      problem: `${item.number} has ${fmt(item.openMinor)} open of ${fmt(item.amountMinor)}; reinstating ${fmt(amount)} would open it beyond its amount`,
      conflict: true,
    };
  return { ok: true, amountMinor: amount };
}

/**
 * The application rows of a reinstatement: per item an `invoice` row of minus the part (the item
 * reopens by it, exactly undoing that much of the settlement its write-off made) and a `write_off` row
 * of plus the part (the write-off shrinks), both with reason code `recovery`. They sum to zero, as a
 * write-off's rows do, so the item's open amount stays its amount less its applications.
 */
export function buildReinstatementRows(parts: readonly ReinstatedPart[]): ApplicationRowDraft[] {
  return parts.flatMap((p) => [
    {
      kind: 'invoice' as const,
      amountMinor: -p.amountMinor,
      itemId: p.itemId,
      customerId: p.customerId,
      reasonCode: REINSTATEMENT_REASON,
    },
    {
      kind: 'write_off' as const,
      amountMinor: p.amountMinor,
      itemId: p.itemId,
      customerId: p.customerId,
      reasonCode: REINSTATEMENT_REASON,
    },
  ]);
}

/**
 * Recovery of a written-off amount (DOMAIN.md, journal entries): Dr Accounts receivable on each item,
 * Cr Allowance for doubtful accounts for their total — the allowance gets back what the write-off
 * charged to it (ASC 326 rollforward: "+ recoveries"), and the item is open again so that the money
 * received is then applied to it as usual (Dr unapplied cash, Cr AR). One entry for one entity,
 * currency and date; each AR line names its item and customer, so the item's open amount stays
 * derivable from the journal.
 */
export function buildReinstatementPostings(args: {
  readonly entryId: string;
  readonly entityId: string;
  readonly currency: CurrencyCode;
  readonly date: LocalDate;
  readonly parts: readonly ReinstatedPart[];
  readonly description: string;
  readonly importId?: string | null;
}): EntryDraft {
  const first = args.parts[0];
  if (!first) throw new RangeError('a reinstatement needs at least one item');
  const lines: PostingLine[] = [];
  let total = 0n;
  for (const part of args.parts) {
    if (part.amountMinor <= 0n)
      throw new RangeError(`a reinstated part must be positive, not ${part.amountMinor}`);
    total += part.amountMinor;
    lines.push({
      role: 'ar_control',
      amountMinor: part.amountMinor,
      currency: args.currency,
      customerId: part.customerId,
      itemId: part.itemId,
    });
  }
  lines.push({ role: 'allowance', amountMinor: -total, currency: args.currency });
  return {
    id: args.entryId,
    entityId: args.entityId,
    entryDate: args.date,
    sourceType: 'application',
    sourceId: first.itemId,
    description: args.description,
    importId: args.importId ?? null,
    lines,
  };
}
