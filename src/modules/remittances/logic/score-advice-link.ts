import { diffDays, type LocalDate } from '../../../core/local-date.ts';

/**
 * Which receipt a remittance advice explains (issue 4, item 3): advices arrive before, with or after
 * the money, and are tied to it by amount, date, reference, payer and the invoices they list. Two
 * pure steps: `scoreAdviceLink` weighs one advice against one receipt; `chooseAdviceLinks` decides,
 * over every scored pair in reach, which pairs are certain enough to link. Neither touches the
 * database, so the rules are tested on their own.
 */

/** What an advice says about its payment. */
export interface AdviceFacts {
  readonly id: string;
  readonly currency: string;
  /** The payment amount, or, when the advice has none, the sum of its lines' paid amounts. */
  readonly amountMinor: bigint;
  /** The payment date the payer gave; null when the advice has none. */
  readonly paymentDate: LocalDate | null;
  /** The date the window is centred on: the payment date, else the day the advice was recorded. */
  readonly anchorDate: LocalDate;
  readonly paymentReference: string | null;
  readonly payerName: string | null;
  readonly invoiceNumbers: readonly string[];
}

/** What the bank said about the money. */
export interface ReceiptFacts {
  readonly id: string;
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly returnedMinor: bigint;
  readonly receiptDate: LocalDate;
  readonly reference: string;
  readonly endToEndId: string | null;
  readonly checkNumber: string | null;
  readonly memo: string | null;
  readonly remittanceText: string | null;
  readonly payerName: string | null;
}

/**
 * How far the receipt's date may be from the advice's payment date: advices are often sent a few days
 * before the money (ACH settles in 1–2 days, a check takes the mail and the lockbox), or come after it.
 */
export interface LinkWindow {
  readonly daysBefore: number;
  readonly daysAfter: number;
}

export const DEFAULT_LINK_WINDOW: LinkWindow = { daysBefore: 7, daysAfter: 10 };

/** Kinds of evidence, in the order `linked_by` names them. */
export const EVIDENCE_ORDER = ['reference', 'amount', 'payer', 'invoices', 'date'] as const;
export type Evidence = (typeof EVIDENCE_ORDER)[number];

export interface AdviceLinkScore {
  /** Same currency, same amount, receipt date within the window, receipt not wholly returned. */
  readonly eligible: boolean;
  /** Why not eligible (for explanations and tests); null when eligible. */
  readonly ineligibleBecause: string | null;
  /** Evidence found, in `EVIDENCE_ORDER`. */
  readonly evidence: readonly Evidence[];
  /**
   * What decides between candidates: reference 4, invoices 2, payer 1, summed. Amount and date are
   * shared by every eligible candidate, so they do not tell candidates apart.
   */
  readonly strength: number;
  /** Both names known and nothing in common: amount and date alone must not link them. */
  readonly payerConflict: boolean;
  /** 0..1, the names' token overlap (Dice coefficient), 0 when either name is missing. */
  readonly payerSimilarity: number;
  readonly invoicesFound: number;
  /** Receipt date minus payment date (or anchor date), in days. */
  readonly dayOffset: number;
}

const STRENGTH = { reference: 4, invoices: 2, payer: 1 } as const;

/**
 * A name similarity at or above this is evidence that the same party paid. Above one half: two
 * two-word names that share one word (`ACME HOLDINGS`, `ACME INDUSTRIES`) are not the same payer.
 */
export const PAYER_SIMILARITY_THRESHOLD = 0.6;
/** A reference this short found inside free text is a coincidence more often than not. */
const MIN_REFERENCE_IN_TEXT = 4;
/** Shorter references (after normalizing) are not compared at all. */
const MIN_REFERENCE = 3;
/** Free text is searched for a reference split over at most this many of its words. */
const MAX_JOINED_TOKENS = 4;

/**
 * A reference as compared: case, spaces and punctuation ignored, leading zeros dropped
 * (`" pay-0042 "` and `PAY0042` and `0PAY0042` are one reference; `000123` is `123`). Null when
 * nothing is left.
 */
export function normalizeReference(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const compact = fold(text).replace(/[^A-Z0-9]+/g, '');
  const stripped = compact.replace(/^0+/, '');
  return stripped === '' ? null : stripped;
}

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase();
}

/**
 * Every normalized form a reference may take inside free text: single words and runs of up to four
 * consecutive words joined (a bank splits `PAY 2024 0315` where the payer wrote `PAY20240315`, and
 * `INV-1001` becomes the words `INV`, `1001`).
 */
export function referencesInText(text: string | null | undefined): Set<string> {
  const found = new Set<string>();
  if (!text) return found;
  const words = fold(text)
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    let joined = '';
    for (let k = i; k < Math.min(words.length, i + MAX_JOINED_TOKENS); k++) {
      joined += words[k];
      const n = joined.replace(/^0+/, '');
      if (n !== '') found.add(n);
    }
  }
  return found;
}

/** Legal-form words that say nothing about who the party is. */
const LEGAL_SUFFIXES = new Set([
  'INC',
  'INCORPORATED',
  'LLC',
  'CORP',
  'CORPORATION',
  'CO',
  'COMPANY',
  'LTD',
  'LIMITED',
  'GMBH',
  'PLC',
  'LLP',
  'LP',
  'THE',
]);

/**
 * A party's name as a list of words: case and punctuation ignored, runs of single letters joined
 * (`L.L.C.` → `LLC`), legal forms (INC, LLC, CORP, CO, LTD, GMBH …) dropped.
 */
export function nameTokens(name: string | null | undefined): string[] {
  if (!name) return [];
  const raw = fold(name)
    .replace(/&/g, ' AND ')
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
  const joined: string[] = [];
  let letters = '';
  for (const w of raw) {
    if (w.length === 1 && /[A-Z]/.test(w)) {
      letters += w;
      continue;
    }
    if (letters) joined.push(letters);
    letters = '';
    joined.push(w);
  }
  if (letters) joined.push(letters);
  const words = joined.filter((w) => !LEGAL_SUFFIXES.has(w));
  // A bank that cuts a name short leaves the start of its legal form (`GLOBEX CORPORATI`).
  const last = words.at(-1);
  if (
    words.length > 1 &&
    last !== undefined &&
    last.length >= 5 &&
    LONG_SUFFIXES.some((x) => x.startsWith(last))
  )
    words.pop();
  return words;
}

const LONG_SUFFIXES = ['INCORPORATED', 'CORPORATION', 'COMPANY', 'LIMITED'];

/**
 * Token overlap of two names, 0..1 (Dice: twice the shared words over all words). A word matches an
 * equal word, or one it begins when both have at least four letters: banks cut names short
 * (`GLOBEX CORPORATI`, `ACME BENEFIT`). 0 when either name is missing or only legal forms.
 */
export function payerSimilarity(a: string | null | undefined, b: string | null | undefined): number {
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (ta.length === 0 || tb.length === 0) return 0;
  const left = [...tb];
  let shared = 0;
  for (const w of ta) {
    const i = left.findIndex(
      (v) => v === w || (Math.min(v.length, w.length) >= 4 && (v.startsWith(w) || w.startsWith(v))),
    );
    if (i >= 0) {
      shared++;
      left.splice(i, 1);
    }
  }
  return (2 * shared) / (ta.length + tb.length);
}

/** Whether the advice's payment reference is the receipt's, or is written in its memo or remittance text. */
export function referenceMatches(advice: AdviceFacts, receipt: ReceiptFacts): boolean {
  const ref = normalizeReference(advice.paymentReference);
  if (ref === null || ref.length < MIN_REFERENCE) return false;
  for (const field of [receipt.reference, receipt.endToEndId, receipt.checkNumber]) {
    if (normalizeReference(field) === ref) return true;
  }
  if (ref.length < MIN_REFERENCE_IN_TEXT) return false;
  return referencesInText(receipt.memo).has(ref) || referencesInText(receipt.remittanceText).has(ref);
}

/** How many of the advice's distinct invoice numbers the receipt's remittance text or memo names. */
export function invoicesFoundIn(advice: AdviceFacts, receipt: ReceiptFacts): number {
  if (advice.invoiceNumbers.length === 0) return 0;
  const words = referencesInText(receipt.remittanceText);
  for (const w of referencesInText(receipt.memo)) words.add(w);
  if (words.size === 0) return 0;
  const numbers = new Set(
    advice.invoiceNumbers
      .map((n) => normalizeReference(n))
      .filter((n): n is string => n !== null && n.length >= MIN_REFERENCE),
  );
  let found = 0;
  for (const n of numbers) if (words.has(n)) found++;
  return found;
}

/** Weighs one advice against one receipt. */
export function scoreAdviceLink(
  advice: AdviceFacts,
  receipt: ReceiptFacts,
  window: LinkWindow = DEFAULT_LINK_WINDOW,
): AdviceLinkScore {
  const dayOffset = diffDays(receipt.receiptDate, advice.anchorDate);
  const similarity = payerSimilarity(advice.payerName, receipt.payerName);
  const payerConflict =
    nameTokens(advice.payerName).length > 0 && nameTokens(receipt.payerName).length > 0 && similarity === 0;
  const ineligibleBecause =
    advice.currency !== receipt.currency
      ? `currency ${advice.currency} is not the receipt's ${receipt.currency}`
      : advice.amountMinor !== receipt.amountMinor
        ? 'the amounts differ'
        : receipt.returnedMinor >= receipt.amountMinor
          ? 'the receipt was returned'
          : dayOffset < -window.daysBefore || dayOffset > window.daysAfter
            ? `the receipt is dated ${Math.abs(dayOffset)} day(s) ${dayOffset < 0 ? 'before' : 'after'} the payment date, outside the window (${window.daysBefore} before to ${window.daysAfter} after)`
            : null;
  const found = invoicesFoundIn(advice, receipt);
  const present = new Set<Evidence>();
  if (referenceMatches(advice, receipt)) present.add('reference');
  if (advice.amountMinor === receipt.amountMinor && advice.currency === receipt.currency)
    present.add('amount');
  if (similarity >= PAYER_SIMILARITY_THRESHOLD) present.add('payer');
  if (found > 0) present.add('invoices');
  // A date is evidence only when the payer gave one; the recording day merely bounds the search.
  if (advice.paymentDate !== null && dayOffset >= -window.daysBefore && dayOffset <= window.daysAfter) {
    present.add('date');
  }
  const evidence = EVIDENCE_ORDER.filter((e) => present.has(e));
  const strength =
    (present.has('reference') ? STRENGTH.reference : 0) +
    (present.has('invoices') ? STRENGTH.invoices : 0) +
    (present.has('payer') ? STRENGTH.payer : 0);
  return {
    eligible: ineligibleBecause === null,
    ineligibleBecause,
    evidence,
    strength,
    payerConflict,
    payerSimilarity: similarity,
    invoicesFound: found,
    dayOffset,
  };
}

export interface ScoredPair {
  readonly adviceId: string;
  readonly receiptId: string;
  readonly score: AdviceLinkScore;
}

export interface ChosenLink {
  readonly adviceId: string;
  readonly receiptId: string;
  /** The evidence, as stored in `remittance_advices.linked_by`: `reference+amount+date`. */
  readonly linkedBy: string;
}

export interface LinkDecision {
  readonly links: ChosenLink[];
  /** Advices with at least one eligible receipt that were left unlinked, with the reason. */
  readonly undecided: ReadonlyMap<string, string>;
}

/**
 * Decides which advice explains which receipt, given every eligible pair in reach (the advices to
 * link, their candidate receipts, and every other unlinked advice those receipts could belong to).
 * A pair is linked only when
 *
 * - it is the advice's unique strongest candidate and the receipt's unique strongest candidate (so
 *   one advice per receipt, and no link depends on the order pairs are considered);
 * - and its evidence is sufficient: a reference, invoice numbers or a similar payer name; amount and
 *   payment date alone suffice only when neither side has any other candidate (no other receipt or
 *   advice of that amount in the window) and the payer names, when both known, do not contradict.
 *
 * Anything else stays unlinked for an analyst: a wrong link would send the cash to the wrong invoices.
 */
export function chooseAdviceLinks(pairs: readonly ScoredPair[]): LinkDecision {
  const eligible = pairs.filter((p) => p.score.eligible);
  const byAdvice = groupBy(eligible, (p) => p.adviceId);
  const byReceipt = groupBy(eligible, (p) => p.receiptId);
  const links: ChosenLink[] = [];
  const undecided = new Map<string, string>();

  for (const [adviceId, candidates] of byAdvice) {
    const best = uniqueStrongest(candidates);
    if (best === null) {
      undecided.set(adviceId, `${candidates.length} receipts fit equally well`);
      continue;
    }
    const rivals = byReceipt.get(best.receiptId) ?? [];
    if (uniqueStrongest(rivals) !== best) {
      undecided.set(adviceId, 'another advice fits its receipt as well or better');
      continue;
    }
    if (best.score.strength === 0) {
      const alone = candidates.length === 1 && rivals.length === 1;
      if (!alone) {
        undecided.set(
          adviceId,
          'amount and date alone, with another receipt or advice of that amount in the window',
        );
        continue;
      }
      if (!best.score.evidence.includes('date')) {
        undecided.set(
          adviceId,
          'amount alone: the advice has no payment date, reference or invoice the receipt shows',
        );
        continue;
      }
      if (best.score.payerConflict) {
        undecided.set(adviceId, 'amount and date agree but the payer names differ');
        continue;
      }
    }
    links.push({ adviceId, receiptId: best.receiptId, linkedBy: best.score.evidence.join('+') });
  }
  return { links, undecided };
}

/** The candidate strictly stronger than every other, or null when the strongest is shared. */
function uniqueStrongest(candidates: readonly ScoredPair[]): ScoredPair | null {
  let best: ScoredPair | null = null;
  let tied = false;
  for (const c of candidates) {
    if (best === null || c.score.strength > best.score.strength) {
      best = c;
      tied = false;
    } else if (c.score.strength === best.score.strength) {
      tied = true;
    }
  }
  return tied ? null : best;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
