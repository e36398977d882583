/**
 * Scores an applications export (INTERCHANGE.md §3 rows) against the benchmark's ground truth. Pure:
 * no files, no database; the runner reads the export and the truth and calls these functions.
 *
 * Definitions (per receipt of the truth; receipts of the export that are not in the truth, such as
 * history, are left out):
 * - exactly right: the multiset of (kind, target, account, amount) of its rows that are not
 *   `suggested` equals the truth's (an `unapplied` row included: a receipt rightly left alone is
 *   exactly right);
 * - auto-applied: it has at least one `auto` row; precision = exactly right among auto-applied;
 * - (receipt, document, amount) triples: from `invoice` and `credit_memo` rows (not suggested) against
 *   the truth's, as multisets; precision and recall, by count and by value (absolute amounts);
 * - suggestion hit: among receipts that are not auto-applied and that the truth applies (receipts that
 *   are not customer payments are right when left alone, so they are not counted), the rank-1
 *   suggestion's rows equal the truth; a receipt without a suggestion is a miss;
 * - at a precision target (99.5 %): the auto-applied receipts whose confidence is at least a threshold;
 *   `thresholdForPrecision` picks, on tuning seeds, the lowest threshold whose precision meets the
 *   target, and the report seeds are then scored at that threshold (tune on some seeds, report on
 *   others).
 */
import { parseCurrency } from '../../src/core/currency.ts';
import { parseAmount } from '../../src/core/money.ts';
import { SCENARIOS, type Scenario, type TruthReceipt, type TruthRow } from './generate.ts';

/** One row of `arbor export applications --format json` (§3): every value a string. */
export interface ExportRow {
  readonly receipt_reference: string;
  readonly receipt_date: string;
  readonly receipt_amount: string;
  readonly currency: string;
  readonly account_number: string;
  readonly target: string;
  readonly kind: string;
  readonly amount: string;
  readonly reason_code: string;
  readonly status: string;
  readonly confidence: string;
  readonly explanation: string;
}

export interface ReceiptOutcome {
  readonly reference: string;
  readonly scenario: Scenario;
  readonly amountMinor: bigint;
  /** The export has rows for it. */
  readonly present: boolean;
  readonly auto: boolean;
  readonly exact: boolean;
  /** Exactly right and every reason code as in the truth. */
  readonly exactWithReasons: boolean;
  /** The truth has a reason code (deductions). */
  readonly hasReason: boolean;
  /** The engine's confidence on its auto rows; null when not auto-applied or not given. */
  readonly confidence: number | null;
  readonly suggested: boolean;
  readonly suggestionExact: boolean;
  /** The truth applies money (every scenario but `non_ar`). */
  readonly applies: boolean;
}

export interface TripleCounts {
  readonly predicted: number;
  readonly truth: number;
  readonly matched: number;
  readonly predictedValue: bigint;
  readonly truthValue: bigint;
  readonly matchedValue: bigint;
}

export interface Evaluation {
  readonly receipts: readonly ReceiptOutcome[];
  readonly triples: TripleCounts;
  /** Receipts in the export, not history, that the truth does not know (a reference mismatch). */
  readonly unknownReceipts: number;
}

/** A share: numerator over denominator, null when there is nothing to divide by. */
export interface Share {
  readonly count: number;
  readonly of: number;
  readonly rate: number | null;
}

export interface ValueShare {
  readonly value: bigint;
  readonly of: bigint;
  readonly rate: number | null;
}

export interface ScenarioSummary {
  readonly scenario: Scenario;
  readonly receipts: number;
  readonly value: bigint;
  readonly auto: Share;
  readonly precision: Share;
  readonly exact: Share;
  readonly suggestionHits: Share;
}

export interface Summary {
  readonly receipts: number;
  readonly value: bigint;
  readonly missing: number;
  readonly unknownReceipts: number;
  /** The confidence threshold applied (null: every auto-applied receipt counts). */
  readonly threshold: number | null;
  readonly autoByCount: Share;
  readonly autoByValue: ValueShare;
  readonly precisionByCount: Share;
  readonly precisionByValue: ValueShare;
  readonly exactByCount: Share;
  readonly exactByValue: ValueShare;
  readonly triplePrecision: { readonly byCount: Share; readonly byValue: ValueShare };
  readonly tripleRecall: { readonly byCount: Share; readonly byValue: ValueShare };
  readonly suggestionHits: Share;
  /** Of the receipts not auto-applied that have a suggestion, those whose suggestion is right. */
  readonly suggestionPrecision: Share;
  readonly exactReference: { readonly auto: Share; readonly precision: Share };
  /** Receipts that are not customer payments and were left unapplied with no account. */
  readonly nonArLeftAlone: Share;
  /** Of the exactly right receipts whose truth has a reason code, those with the right codes. */
  readonly reasonCodes: Share;
  readonly scenarios: readonly ScenarioSummary[];
}

function share(count: number, of: number): Share {
  return { count, of, rate: of === 0 ? null : count / of };
}

/** A ratio of two money sums as a rate (not money): scaled integer division, then to a number. */
function valueShare(value: bigint, of: bigint): ValueShare {
  return { value, of, rate: of === 0n ? null : Number((value * 1_000_000_000n) / of) / 1_000_000_000 };
}

const ITEM_KINDS = new Set(['invoice', 'credit_memo']);

function minorOf(amount: string, currency: string): bigint | null {
  try {
    return parseAmount(amount, parseCurrency(currency));
  } catch {
    return null;
  }
}

/** The comparison key of a row: kind, target, account and amount (in minor units). */
function keyOf(
  r: { kind: string; target: string; account: string; amount: string; reason?: string },
  currency: string,
  withReason: boolean,
): string {
  const minor = minorOf(r.amount, currency);
  const amount = minor === null ? `?${r.amount}` : minor.toString();
  return `${r.kind}\u0000${r.target}\u0000${r.account}\u0000${amount}${withReason ? `\u0000${r.reason ?? ''}` : ''}`;
}

function multiset(keys: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const m = multiset(a);
  for (const k of b) {
    const n = m.get(k) ?? 0;
    if (n === 0) return false;
    m.set(k, n - 1);
  }
  return true;
}

function truthKeys(rows: readonly TruthRow[], currency: string, withReason: boolean): string[] {
  return rows.map((r) => keyOf({ ...r, reason: r.reason_code }, currency, withReason));
}

function exportKeys(rows: readonly ExportRow[], currency: string, withReason: boolean): string[] {
  return rows.map((r) =>
    keyOf(
      { kind: r.kind, target: r.target, account: r.account_number, amount: r.amount, reason: r.reason_code },
      currency,
      withReason,
    ),
  );
}

/** Scores one seed's export against its truth. */
export function evaluate(truth: readonly TruthReceipt[], rows: readonly ExportRow[]): Evaluation {
  const byReceipt = new Map<string, ExportRow[]>();
  const known = new Set(truth.map((t) => t.reference));
  const unknown = new Set<string>();
  for (const r of rows) {
    if (!known.has(r.receipt_reference)) {
      if (r.status !== 'history') unknown.add(r.receipt_reference);
      continue;
    }
    const list = byReceipt.get(r.receipt_reference);
    if (list) list.push(r);
    else byReceipt.set(r.receipt_reference, [r]);
  }
  let predicted = 0;
  let truthCount = 0;
  let matched = 0;
  let predictedValue = 0n;
  let truthValue = 0n;
  let matchedValue = 0n;
  const receipts: ReceiptOutcome[] = truth.map((t) => {
    const currency = t.currency;
    const own = byReceipt.get(t.reference) ?? [];
    const booked = own.filter((r) => r.status !== 'suggested');
    const suggested = own.filter((r) => r.status === 'suggested');
    const autoRows = booked.filter((r) => r.status === 'auto');
    const exact =
      booked.length > 0 &&
      sameMultiset(exportKeys(booked, currency, false), truthKeys(t.rows, currency, false));
    const exactWithReasons =
      exact && sameMultiset(exportKeys(booked, currency, true), truthKeys(t.rows, currency, true));
    const confidences = autoRows
      .filter((r) => r.confidence.trim() !== '')
      .map((r) => Number(r.confidence))
      .filter((c) => Number.isFinite(c));
    // Triples: (receipt, document, amount) as multisets; value = absolute amount.
    const got = booked.filter((r) => ITEM_KINDS.has(r.kind));
    const want = t.rows.filter((r) => ITEM_KINDS.has(r.kind));
    const wantLeft = multiset(want.map((r) => `${r.target}\u0000${minorOf(r.amount, currency)}`));
    for (const w of want) {
      const v = minorOf(w.amount, currency) ?? 0n;
      truthCount++;
      truthValue += v < 0n ? -v : v;
    }
    for (const g of got) {
      const v = minorOf(g.amount, currency);
      const abs = v === null ? 0n : v < 0n ? -v : v;
      predicted++;
      predictedValue += abs;
      const key = `${g.target}\u0000${v}`;
      const n = wantLeft.get(key) ?? 0;
      if (n > 0) {
        wantLeft.set(key, n - 1);
        matched++;
        matchedValue += abs;
      }
    }
    return {
      reference: t.reference,
      scenario: t.scenario,
      amountMinor: minorOf(t.receipt_amount, currency) ?? 0n,
      present: own.length > 0,
      auto: autoRows.length > 0,
      exact,
      exactWithReasons,
      hasReason: t.rows.some((r) => r.reason_code !== ''),
      confidence: confidences.length > 0 ? Math.min(...confidences) : null,
      suggested: suggested.length > 0,
      suggestionExact:
        suggested.length > 0 &&
        sameMultiset(exportKeys(suggested, currency, false), truthKeys(t.rows, currency, false)),
      applies: t.rows.some((r) => r.kind !== 'unapplied'),
    };
  });
  return {
    receipts,
    triples: { predicted, truth: truthCount, matched, predictedValue, truthValue, matchedValue },
    unknownReceipts: unknown.size,
  };
}

/** Several seeds' evaluations as one (receipts and counts added up). */
export function combine(evaluations: readonly Evaluation[]): Evaluation {
  const t = (f: (x: TripleCounts) => number) => evaluations.reduce((a, e) => a + f(e.triples), 0);
  const v = (f: (x: TripleCounts) => bigint) => evaluations.reduce((a, e) => a + f(e.triples), 0n);
  return {
    receipts: evaluations.flatMap((e) => e.receipts),
    triples: {
      predicted: t((x) => x.predicted),
      truth: t((x) => x.truth),
      matched: t((x) => x.matched),
      predictedValue: v((x) => x.predictedValue),
      truthValue: v((x) => x.truthValue),
      matchedValue: v((x) => x.matchedValue),
    },
    unknownReceipts: evaluations.reduce((a, e) => a + e.unknownReceipts, 0),
  };
}

/**
 * The lowest confidence threshold at which the auto-applied receipts with at least that confidence
 * are exactly right at `precision` or better, covering the most receipts; null when no threshold
 * reaches it. Receipts of equal confidence are taken or left together.
 */
export function thresholdForPrecision(outcomes: readonly ReceiptOutcome[], precision = 0.995): number | null {
  const auto = outcomes
    .filter((o) => o.auto)
    .map((o) => ({ c: o.confidence ?? Number.NEGATIVE_INFINITY, exact: o.exact }))
    .sort((a, b) => b.c - a.c);
  let best: number | null = null;
  let total = 0;
  let right = 0;
  for (let i = 0; i < auto.length; ) {
    const c = (auto[i] as { c: number }).c;
    while (i < auto.length && (auto[i] as { c: number }).c === c) {
      total++;
      if ((auto[i] as { exact: boolean }).exact) right++;
      i++;
    }
    if (right / total >= precision && Number.isFinite(c)) best = c;
  }
  return best;
}

/** The figures of an evaluation; with a threshold, auto-applied means auto with confidence ≥ it. */
export function summarize(evaluation: Evaluation, options: { threshold?: number | null } = {}): Summary {
  const threshold = options.threshold ?? null;
  const isAuto = (o: ReceiptOutcome) => o.auto && (threshold === null || (o.confidence ?? -1) >= threshold);
  const all = evaluation.receipts;
  const sum = (xs: readonly ReceiptOutcome[]) => xs.reduce((a, o) => a + o.amountMinor, 0n);
  const auto = all.filter(isAuto);
  const autoExact = auto.filter((o) => o.exact);
  const exact = all.filter((o) => o.exact);
  const eligible = all.filter((o) => !isAuto(o) && o.applies);
  const withSuggestion = eligible.filter((o) => o.suggested);
  const hits = eligible.filter((o) => o.suggestionExact);
  const exactRef = all.filter((o) => o.scenario === 'exact_reference');
  const exactRefAuto = exactRef.filter(isAuto);
  const nonAr = all.filter((o) => !o.applies);
  const reasoned = exact.filter((o) => o.hasReason);
  const tr = evaluation.triples;
  const scenarios: ScenarioSummary[] = SCENARIOS.flatMap((scenario) => {
    const xs = all.filter((o) => o.scenario === scenario);
    if (xs.length === 0) return [];
    const a = xs.filter(isAuto);
    const notAuto = xs.filter((o) => !isAuto(o) && o.applies);
    return [
      {
        scenario,
        receipts: xs.length,
        value: sum(xs),
        auto: share(a.length, xs.length),
        precision: share(a.filter((o) => o.exact).length, a.length),
        exact: share(xs.filter((o) => o.exact).length, xs.length),
        suggestionHits: share(notAuto.filter((o) => o.suggestionExact).length, notAuto.length),
      },
    ];
  });
  return {
    receipts: all.length,
    value: sum(all),
    missing: all.filter((o) => !o.present).length,
    unknownReceipts: evaluation.unknownReceipts,
    threshold,
    autoByCount: share(auto.length, all.length),
    autoByValue: valueShare(sum(auto), sum(all)),
    precisionByCount: share(autoExact.length, auto.length),
    precisionByValue: valueShare(sum(autoExact), sum(auto)),
    exactByCount: share(exact.length, all.length),
    exactByValue: valueShare(sum(exact), sum(all)),
    triplePrecision: {
      byCount: share(tr.matched, tr.predicted),
      byValue: valueShare(tr.matchedValue, tr.predictedValue),
    },
    tripleRecall: {
      byCount: share(tr.matched, tr.truth),
      byValue: valueShare(tr.matchedValue, tr.truthValue),
    },
    suggestionHits: share(hits.length, eligible.length),
    suggestionPrecision: share(withSuggestion.filter((o) => o.suggestionExact).length, withSuggestion.length),
    exactReference: {
      auto: share(exactRefAuto.length, exactRef.length),
      precision: share(exactRefAuto.filter((o) => o.exact).length, exactRefAuto.length),
    },
    nonArLeftAlone: share(nonAr.filter((o) => o.exact).length, nonAr.length),
    reasonCodes: share(reasoned.filter((o) => o.exactWithReasons).length, reasoned.length),
    scenarios,
  };
}
