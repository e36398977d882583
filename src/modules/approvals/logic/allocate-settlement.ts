import { allocate } from '../../../core/money.ts';

export interface SettlementPart {
  readonly itemId: string;
  /** What is written off the item now (zero for an item too small to get a unit). */
  readonly writeOffMinor: bigint;
  /** What stays open on it: its share of the agreed amount. */
  readonly openAfterMinor: bigint;
}

export type SettlementAllocation =
  | {
      readonly ok: true;
      readonly openMinor: bigint;
      readonly remainderMinor: bigint;
      readonly parts: SettlementPart[];
    }
  | { readonly ok: false; readonly problem: string };

/**
 * A settlement: the customer pays `agreedMinor` for items whose open amounts sum to more; the
 * remainder is written off now, split over the items in proportion to their open amounts by
 * largest-remainder allocation (STYLE.md), so the parts sum to the remainder exactly and each part is
 * within one minor unit of its exact share. No part exceeds its item's open amount (each exact share
 * is below it when the agreed amount is positive, and equal to it when it is zero), so every item
 * stays open for its share of the agreed amount and the shares sum to it.
 */
export function allocateSettlement(
  items: readonly { readonly itemId: string; readonly openMinor: bigint }[],
  agreedMinor: bigint,
): SettlementAllocation {
  if (items.length === 0) return { ok: false, problem: 'a settlement needs at least one item' };
  const bad = items.find((i) => i.openMinor <= 0n);
  if (bad) return { ok: false, problem: `item ${bad.itemId} has nothing open` };
  if (agreedMinor < 0n) return { ok: false, problem: 'the agreed amount cannot be negative' };
  const openMinor = items.reduce((s, i) => s + i.openMinor, 0n);
  if (agreedMinor >= openMinor)
    return {
      ok: false,
      problem: 'the agreed amount must be less than the items’ open total; otherwise nothing is written off',
    };
  const remainderMinor = openMinor - agreedMinor;
  const shares = allocate(
    remainderMinor,
    items.map((i) => i.openMinor),
  );
  const parts = items.map((item, k) => {
    const writeOffMinor = shares[k] ?? 0n;
    return { itemId: item.itemId, writeOffMinor, openAfterMinor: item.openMinor - writeOffMinor };
  });
  return { ok: true, openMinor, remainderMinor, parts };
}
