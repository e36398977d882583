/**
 * Spreads what an agency recovered over the placed items it can settle: oldest due date first (then
 * item number), each up to its open amount. Agencies collect the oldest debt first and so does the
 * FIFO convention of most agency contracts; a remittance that names items is not part of the file
 * format (docs/worklist.md, agencies).
 */
export interface PlacedItemOpen {
  readonly itemId: string;
  readonly number: string;
  readonly dueDate: string;
  readonly openMinor: bigint;
}

export interface RecoveryAllocation {
  readonly parts: { itemId: string; number: string; amountMinor: bigint }[];
  /** What could not be placed on any item (0 when it all fits). */
  readonly excessMinor: bigint;
}

export function allocateRecovery(
  recoveredMinor: bigint,
  items: readonly PlacedItemOpen[],
): RecoveryAllocation {
  if (recoveredMinor <= 0n) throw new RangeError('a recovery must be positive');
  const ordered = items
    .filter((i) => i.openMinor > 0n)
    .sort((a, b) =>
      a.dueDate !== b.dueDate
        ? a.dueDate < b.dueDate
          ? -1
          : 1
        : a.number < b.number
          ? -1
          : a.number > b.number
            ? 1
            : 0,
    );
  let left = recoveredMinor;
  const parts: RecoveryAllocation['parts'] = [];
  for (const item of ordered) {
    if (left === 0n) break;
    const take = item.openMinor < left ? item.openMinor : left;
    parts.push({ itemId: item.itemId, number: item.number, amountMinor: take });
    left -= take;
  }
  return { parts, excessMinor: left };
}
