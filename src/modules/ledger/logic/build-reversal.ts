import type { LocalDate } from '../../../core/local-date.ts';
import type { EntryDraft, PostingLine } from './journal-entry.ts';

/**
 * The entry that undoes `original`: the same lines with the signs flipped, dated `date` (a reversal
 * is posted when it happens, not back-dated into a period that may be closed).
 */
export function buildReversal(
  original: {
    id: string;
    entityId: string;
    sourceType: string;
    sourceId: string | null;
    lines: readonly PostingLine[];
  },
  reversal: { id: string; date: LocalDate; reason: string },
): EntryDraft {
  return {
    id: reversal.id,
    entityId: original.entityId,
    entryDate: reversal.date,
    sourceType: original.sourceType,
    sourceId: original.sourceId,
    description: `Reversal of ${original.id}: ${reversal.reason}`,
    reversalOf: original.id,
    lines: original.lines.map((l) => ({ ...l, amountMinor: -l.amountMinor })),
  };
}
