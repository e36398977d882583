/**
 * Money-weighted Kaplan–Meier estimate of when receivables are paid, in days relative to the due date
 * (x = payment date − due date; negative: paid early). Each observation is an amount of money:
 *
 * - `paid`: paid in cash x days after the due date (an event);
 * - `open`: still unpaid x days after the due date when the history stops (right-censored: paid at
 *   some x' > x, or never);
 * - `never`: settled without cash (credit memo, write-off): it stays at risk for ever, so it lowers
 *   the chance of being paid at every age — money that is credited is money not collected (the
 *   sub-distribution of cash among competing outcomes).
 *
 * S(x) = P(still unpaid after x days) = Π over event days t ≤ x of (1 − paid at t / at risk at t),
 * where money is at risk at t when it was paid at t or later, or is known unpaid through t.
 */
export interface SurvivalObservation {
  readonly x: number;
  readonly kind: 'paid' | 'open' | 'never';
  /** Amount (minor units; a weight only, never money arithmetic). */
  readonly weight: number;
}

export interface SurvivalCurve {
  /** Event days, increasing. */
  readonly days: readonly number[];
  /** S just after each event day. */
  readonly survival: readonly number[];
  /** Observations (items, payments) behind it: the evidence for shrinkage. */
  readonly evidence: number;
}

export function buildSurvivalCurve(
  observations: readonly SurvivalObservation[],
  evidence: number,
): SurvivalCurve {
  const paidAt = new Map<number, number>();
  let atRisk = 0;
  // Money leaving the risk set after day x: paid at x, or censored at x (known unpaid through x).
  const leaving = new Map<number, number>();
  for (const o of observations) {
    if (!(o.weight > 0)) continue;
    atRisk += o.weight;
    if (o.kind === 'never') continue;
    leaving.set(o.x, (leaving.get(o.x) ?? 0) + o.weight);
    if (o.kind === 'paid') paidAt.set(o.x, (paidAt.get(o.x) ?? 0) + o.weight);
  }
  const leaveDays = [...leaving.keys()].sort((a, b) => a - b);
  const days: number[] = [];
  const survival: number[] = [];
  let s = 1;
  for (const t of leaveDays) {
    const paid = paidAt.get(t) ?? 0;
    if (paid > 0 && atRisk > 0) {
      s *= Math.max(0, 1 - paid / atRisk);
      days.push(t);
      survival.push(s);
    }
    atRisk -= leaving.get(t) ?? 0;
  }
  return { days, survival, evidence };
}

/** S(x): the share of money still unpaid x days after the due date. */
export function survivalAt(curve: SurvivalCurve, x: number): number {
  let lo = 0;
  let hi = curve.days.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((curve.days[mid] ?? 0) <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? 1 : (curve.survival[found] ?? 1);
}

/** A curve with the prior strength it is shrunk with: weight n / (n + strength) on its own evidence. */
export interface CurveLevel {
  readonly curve: SurvivalCurve | undefined;
  readonly strength: number;
}

/**
 * Empirical-Bayes style shrinkage down a hierarchy (customer → paying party → segment → everyone):
 * S = w₁·S₁ + (1 − w₁)·(w₂·S₂ + (1 − w₂)·(…)), wᵢ = nᵢ / (nᵢ + kᵢ). A customer with a long history
 * follows its own curve; one with little history leans on its payer's, then its segment's. The last
 * level present takes the remaining weight whatever its evidence.
 */
export function blendSurvival(levels: readonly CurveLevel[]): (x: number) => number {
  const present = levels.filter((l) => l.curve !== undefined && l.curve.evidence > 0);
  return (x: number) => {
    let result = 0;
    let remaining = 1;
    for (let i = 0; i < present.length; i++) {
      const l = present[i] as CurveLevel;
      const curve = l.curve as SurvivalCurve;
      const last = i === present.length - 1;
      const w = last ? 1 : curve.evidence / (curve.evidence + l.strength);
      result += remaining * w * survivalAt(curve, x);
      remaining *= 1 - w;
    }
    return present.length === 0 ? 1 : result;
  };
}
