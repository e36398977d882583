import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import type { ApplicationBatchDraft, ApplicationRowDraft, ApplicationStatus } from './types.ts';

/** The part of one item to write off. */
export interface WriteOffPart {
  readonly itemId: string;
  readonly customerId: string;
  /** Positive: by how much the item's open amount falls. */
  readonly amountMinor: bigint;
}

/**
 * A write-off as an application batch without a receipt (ADR 0007, INTERCHANGE.md §3): for each
 * item an `invoice` row settling the part written off (+amount) and a `write_off` row (−amount)
 * with the reason code. The rows sum to zero, so checkApplicationBatch takes the batch without a
 * receipt, and buildApplicationPostings turns it into one entry: credit AR on each item, debit the
 * allowance for doubtful accounts (DOMAIN.md: write-off). Because the item is settled by an
 * application row, its open amount stays equal to its amount less its applications, which is what
 * `arbor check` verifies, and the write-off is undone like any application (reverseApplications).
 */
export function buildWriteOffBatch(args: {
  readonly entityId: string;
  readonly currency: CurrencyCode;
  readonly date: LocalDate;
  readonly parts: readonly WriteOffPart[];
  readonly reasonCode: string;
  readonly status?: ApplicationStatus;
  readonly explanation?: string | null;
}): ApplicationBatchDraft {
  if (args.parts.length === 0) throw new RangeError('a write-off needs at least one item');
  const rows: ApplicationRowDraft[] = [];
  for (const part of args.parts) {
    if (part.amountMinor <= 0n)
      throw new RangeError(`a write-off part must be positive, not ${part.amountMinor}`);
    rows.push(
      { kind: 'invoice', amountMinor: part.amountMinor, itemId: part.itemId, customerId: part.customerId },
      {
        kind: 'write_off',
        amountMinor: -part.amountMinor,
        itemId: part.itemId,
        customerId: part.customerId,
        reasonCode: args.reasonCode,
      },
    );
  }
  return {
    entityId: args.entityId,
    currency: args.currency,
    appliedDate: args.date,
    receiptId: null,
    status: args.status ?? 'manual',
    rows,
    explanation: args.explanation ?? null,
  };
}
