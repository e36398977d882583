import type { Executor, ServiceContext } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { recordAudit } from '../audit/index.ts';
import {
  type AdviceFacts,
  type ChosenLink,
  chooseAdviceLinks,
  DEFAULT_LINK_WINDOW,
  type LinkWindow,
  type ReceiptFacts,
  type ScoredPair,
  scoreAdviceLink,
} from './logic/score-advice-link.ts';
import {
  type CandidateRow,
  findCandidatePairs,
  findInvoiceNumbers,
  findTenantSettings,
  lockReceiptsForLink,
  setAdviceLinks,
} from './remittances.repo.ts';

export interface LinkAdvicesArgs {
  /** Link these advices (those still unlinked). */
  readonly adviceIds?: readonly string[];
  /** Find the advices of these receipts (those without one). */
  readonly receiptIds?: readonly string[];
  /** Overrides the tenant's window (settings `remittance_link_window`) and the default 7 before / 10 after. */
  readonly window?: LinkWindow;
}

export interface LinkAdvicesResult {
  readonly links: readonly ChosenLink[];
  /** Advices in reach that had a candidate receipt but were left for an analyst, with the reason. */
  readonly undecided: ReadonlyMap<string, string>;
}

/**
 * Ties remittance advices to the receipts they explain, whichever came first: called after an advice
 * file is imported (`adviceIds`), and after money arrives (`receiptIds`); with neither, every
 * unlinked advice is tried. Candidates are found in SQL (currency, amount, date window, not returned,
 * no advice yet); the decision is the pure `chooseAdviceLinks` over every pair in reach, including
 * other advices and receipts of the same amount that compete for them, so an ambiguous match is left
 * unlinked rather than guessed. Each link is audited.
 */
export async function linkAdvices(
  tx: Executor,
  ctx: ServiceContext,
  args: LinkAdvicesArgs = {},
): Promise<LinkAdvicesResult> {
  const { tenantId } = ctx;
  const window = args.window ?? windowFromSettings(await findTenantSettings(tx, tenantId));
  const scope: { adviceIds?: readonly string[]; receiptIds?: readonly string[] } = {};
  if (args.adviceIds) scope.adviceIds = args.adviceIds;
  if (args.receiptIds) scope.receiptIds = args.receiptIds;
  const first = await findCandidatePairs(tx, tenantId, window, scope);
  if (first.length === 0) return { links: [], undecided: new Map() };

  // Everything that competes with the first pairs: the other receipts their advices could be, the
  // other advices their receipts could belong to.
  const advices = unique(first.map((p) => p.advice_id));
  const receipts = unique(first.map((p) => p.receipt_id));
  const rows = new Map<string, CandidateRow>();
  for (const r of [
    ...first,
    ...(await findCandidatePairs(tx, tenantId, window, { adviceIds: advices })),
    ...(await findCandidatePairs(tx, tenantId, window, { receiptIds: receipts })),
  ]) {
    rows.set(`${r.advice_id}|${r.receipt_id}`, r);
  }
  const invoices = await findInvoiceNumbers(tx, tenantId, unique([...rows.values()].map((r) => r.advice_id)));
  const pairs: ScoredPair[] = [...rows.values()].map((r) => ({
    adviceId: r.advice_id,
    receiptId: r.receipt_id,
    score: scoreAdviceLink(adviceFacts(r, invoices.get(r.advice_id) ?? []), receiptFacts(r), window),
  }));
  const decision = chooseAdviceLinks(pairs);
  // Only the advices asked about are linked; the rest of the neighbourhood was read to judge them.
  const askedAdvices = args.adviceIds ? new Set(args.adviceIds) : null;
  const askedReceipts = args.receiptIds ? new Set(args.receiptIds) : null;
  const wanted = decision.links.filter(
    (l) =>
      (askedAdvices === null || askedAdvices.has(l.adviceId)) &&
      (askedReceipts === null || askedReceipts.has(l.receiptId)),
  );
  if (wanted.length === 0) return { links: [], undecided: decision.undecided };

  // Locked, then checked again: another transaction may have linked one of these receipts meanwhile.
  const locked = await lockReceiptsForLink(
    tx,
    tenantId,
    wanted.map((l) => l.receiptId),
  );
  const free = new Set(locked.filter((r) => r.linked_advice === null).map((r) => r.id));
  const reference = new Map(locked.map((r) => [r.id, r.reference]));
  const applied = await setAdviceLinks(
    tx,
    tenantId,
    wanted.filter((l) => free.has(l.receiptId)),
  );
  const links = wanted.filter((l) => applied.has(l.adviceId));
  await recordAudit(
    tx,
    tenantId,
    links.map((l) => ({
      actor: ctx.actor,
      action: 'remittance.link',
      objectType: 'remittance_advice',
      objectId: l.adviceId,
      before: { receipt_id: null },
      after: {
        receipt_id: l.receiptId,
        receipt_reference: reference.get(l.receiptId),
        linked_by: l.linkedBy,
      },
    })),
  );
  return { links, undecided: decision.undecided };
}

/** The tenant's `remittance_link_window: { days_before, days_after }`, else the default. */
export function windowFromSettings(settings: Record<string, unknown>): LinkWindow {
  const w = settings.remittance_link_window;
  if (typeof w !== 'object' || w === null) return DEFAULT_LINK_WINDOW;
  const { days_before: before, days_after: after } = w as Record<string, unknown>;
  const days = (v: unknown, fallback: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 366 ? v : fallback;
  return {
    daysBefore: days(before, DEFAULT_LINK_WINDOW.daysBefore),
    daysAfter: days(after, DEFAULT_LINK_WINDOW.daysAfter),
  };
}

function adviceFacts(r: CandidateRow, invoiceNumbers: readonly string[]): AdviceFacts {
  return {
    id: r.advice_id,
    currency: r.advice_currency.trim(),
    amountMinor: r.advice_amount_minor,
    paymentDate: r.payment_date,
    anchorDate: r.anchor_date,
    paymentReference: r.payment_reference,
    payerName: r.advice_payer,
    invoiceNumbers,
  };
}

function receiptFacts(r: CandidateRow): ReceiptFacts {
  return {
    id: r.receipt_id,
    currency: r.receipt_currency.trim(),
    amountMinor: r.receipt_amount_minor,
    returnedMinor: r.returned_minor,
    receiptDate: r.receipt_date as LocalDate,
    reference: r.reference,
    endToEndId: r.end_to_end_id,
    checkNumber: r.check_number,
    memo: r.memo,
    remittanceText: r.remittance_text,
    payerName: r.receipt_payer,
  };
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
