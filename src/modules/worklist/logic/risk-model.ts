/**
 * The late-payment model: the probability that an open item is paid late or not at all, from the
 * account's own payment behaviour and the item's days past due (docs/worklist.md).
 *
 * The event ("bad"): the item is still not paid in full `horizonDays` after the later of today and
 * its due date, or it is written off by then. For an item not yet due that is "paid more than 30 days
 * late or never"; for an item already past due it is "still unpaid 30 days from now".
 *
 * Features, all known on the day of the prediction:
 * - the account's share of invoices paid late, smoothed toward the portfolio's share (a Beta prior of
 *   `priorStrength` invoices), on the logit scale. An invoice counts as late when it was settled more
 *   than `lateAfterDays` after its due date, written off, or is still open more than that many days
 *   past due; invoices settled on time count as on time; invoices open and not yet that late are not
 *   counted (their outcome is unknown);
 * - the average days late of the invoices it settled (0 for early payment), as ln(1 + days);
 * - whether the account has fewer than 3 counted invoices (thin history);
 * - the days since the account's last payment, as ln(1 + days), capped at 365 (never paid: 365): an
 *   account that has stopped paying is riskier than its long history says;
 * - the item's months past due (0 to 12) and ln(1 + days past due) — the two together let the risk
 *   rise fast over the first weeks and slowly after — and its months until due (0 to 2).
 *
 * p = 1 / (1 + e^−z), z = intercept + Σ coefficient × feature: a logistic regression, fitted on the
 * tenant's own history (fit-logistic.ts, `arbor worklist calibrate --fit`) and checked on a later
 * hold-out snapshot (calibration.ts). Without a fitted model the built-in coefficients below apply;
 * they were fitted on the demo portfolio (seed 42) and are documented with their calibration table in
 * docs/worklist.md.
 */

export interface RiskSettings {
  /** An invoice settled more than this many days after its due date counts as paid late. */
  readonly lateAfterDays: number;
  /** The prediction window: days after the later of the day and the due date. */
  readonly horizonDays: number;
  /** Weight of the portfolio prior, in invoices, when smoothing an account's late share. */
  readonly priorStrength: number;
}

export const DEFAULT_RISK_SETTINGS: RiskSettings = { lateAfterDays: 30, horizonDays: 30, priorStrength: 5 };

/** Feature order of the coefficient vector (after the intercept). */
export const RISK_FEATURES = [
  'late_share_logit',
  'log_mean_days_late',
  'thin_history',
  'log_days_since_payment',
  'months_past_due',
  'log_days_past_due',
  'months_to_due',
] as const;

/** How many of RISK_FEATURES describe the account (the rest describe the item). */
export const ACCOUNT_FEATURE_COUNT = 4;

export type RiskFeature = (typeof RISK_FEATURES)[number];

export interface RiskModel {
  readonly version: string;
  /** `built-in` (the shipped coefficients) or `fitted` (the tenant's own, from risk_models). */
  readonly source: 'built-in' | 'fitted';
  readonly id: string | null;
  readonly settings: RiskSettings;
  /** The portfolio's late share the account shares are smoothed toward. */
  readonly prior: number;
  readonly intercept: number;
  readonly coefficients: Readonly<Record<RiskFeature, number>>;
}

/** An account's payment behaviour, as counted on the day of the prediction. */
export interface Behaviour {
  /** Invoices with a known outcome: settled, written off, or open beyond `lateAfterDays`. */
  readonly observed: number;
  /** Of those, paid late, written off or still open beyond `lateAfterDays`. */
  readonly late: number;
  /** Average days late of the invoices settled (early counts as 0), capped at 365. */
  readonly meanDaysLate: number;
  /** Days since the account last paid anything (null: never). */
  readonly daysSincePayment: number | null;
}

/**
 * Fitted on the demo portfolio (`arbor demo --seed 42`, 2,000 customers, 18 months, as of
 * 2026-11-30) with `arbor worklist calibrate --fit`; see docs/worklist.md for the hold-out check.
 */
export const BUILT_IN_MODEL: RiskModel = {
  version: 'late-payment-v1',
  source: 'built-in',
  id: null,
  settings: DEFAULT_RISK_SETTINGS,
  prior: 0.208,
  intercept: -0.084,
  coefficients: {
    late_share_logit: 0.65,
    log_mean_days_late: -0.177,
    thin_history: -1.107,
    log_days_since_payment: 0.262,
    months_past_due: 1.099,
    log_days_past_due: -0.445,
    months_to_due: -0.199,
  },
};

/** The late share smoothed toward the prior: (late + m·prior) / (observed + m). */
export function smoothedLateShare(b: Behaviour, prior: number, strength: number): number {
  return (b.late + strength * prior) / (b.observed + strength);
}

const logit = (p: number) => Math.log(p / (1 - p));
const clampProbability = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));

/** The account's features, in RISK_FEATURES order (the first ACCOUNT_FEATURE_COUNT). */
export function accountFeatures(b: Behaviour, model: Pick<RiskModel, 'prior' | 'settings'>): number[] {
  const share = clampProbability(smoothedLateShare(b, model.prior, model.settings.priorStrength));
  const sincePayment = b.daysSincePayment === null ? 365 : Math.min(365, Math.max(0, b.daysSincePayment));
  return [
    logit(share),
    Math.log1p(Math.min(365, Math.max(0, b.meanDaysLate))),
    b.observed < 3 ? 1 : 0,
    Math.log1p(sincePayment),
  ];
}

/** The item's features, in RISK_FEATURES order (the rest), from its days past due (negative: not due). */
export function itemFeatures(daysPastDue: number): number[] {
  const late = Math.max(0, daysPastDue);
  return [Math.min(360, late) / 30, Math.log1p(late), Math.min(60, Math.max(0, -daysPastDue)) / 30];
}

/** The full feature vector of one prediction, in RISK_FEATURES order. */
export function riskFeatures(
  b: Behaviour,
  daysPastDue: number,
  model: Pick<RiskModel, 'prior' | 'settings'>,
): number[] {
  return [...accountFeatures(b, model), ...itemFeatures(daysPastDue)];
}

export function coefficientVector(model: RiskModel): number[] {
  return RISK_FEATURES.map((f) => model.coefficients[f]);
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** The probability that the item is paid late (beyond the horizon) or never. */
export function predictLateProbability(model: RiskModel, b: Behaviour, daysPastDue: number): number {
  const x = riskFeatures(b, daysPastDue, model);
  const w = coefficientVector(model);
  let z = model.intercept;
  for (let i = 0; i < x.length; i++) z += (w[i] ?? 0) * (x[i] ?? 0);
  return sigmoid(z);
}

/**
 * The account's part of z (intercept plus the account features' terms): the database adds the item's
 * terms per item (worklist.repo.ts computes this same expression in SQL).
 */
export function accountLogit(model: RiskModel, b: Behaviour): number {
  const x = accountFeatures(b, model);
  let z = model.intercept;
  for (let i = 0; i < ACCOUNT_FEATURE_COUNT; i++)
    z += model.coefficients[RISK_FEATURES[i] as RiskFeature] * (x[i] ?? 0);
  return z;
}

/** Builds a model from a fitted coefficient vector [intercept, ...RISK_FEATURES]. */
export function modelFromVector(
  vector: readonly number[],
  base: { prior: number; settings: RiskSettings; id?: string | null; source?: RiskModel['source'] },
): RiskModel {
  const coefficients = Object.fromEntries(RISK_FEATURES.map((f, i) => [f, vector[i + 1] ?? 0])) as Record<
    RiskFeature,
    number
  >;
  return {
    version: BUILT_IN_MODEL.version,
    source: base.source ?? 'fitted',
    id: base.id ?? null,
    settings: base.settings,
    prior: base.prior,
    intercept: vector[0] ?? 0,
    coefficients,
  };
}

/** Reads a stored model (risk_models.model), refusing anything that is not one. */
export function parseStoredModel(value: unknown, id: string): RiskModel | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const settings = v.settings as Record<string, unknown> | undefined;
  const coefficients = v.coefficients as Record<string, unknown> | undefined;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  if (!settings || !coefficients) return null;
  const lateAfterDays = num(settings.lateAfterDays);
  const horizonDays = num(settings.horizonDays);
  const priorStrength = num(settings.priorStrength);
  const prior = num(v.prior);
  const intercept = num(v.intercept);
  if (lateAfterDays === null || horizonDays === null || priorStrength === null) return null;
  if (prior === null || prior <= 0 || prior >= 1 || intercept === null) return null;
  const c: Partial<Record<RiskFeature, number>> = {};
  for (const f of RISK_FEATURES) {
    const x = num(coefficients[f]);
    if (x === null) return null;
    c[f] = x;
  }
  return {
    version: typeof v.version === 'string' ? v.version : BUILT_IN_MODEL.version,
    source: 'fitted',
    id,
    settings: { lateAfterDays, horizonDays, priorStrength },
    prior,
    intercept,
    coefficients: c as Record<RiskFeature, number>,
  };
}

/** The JSON stored in risk_models.model. */
export function storedModel(model: RiskModel): Record<string, unknown> {
  return {
    version: model.version,
    settings: model.settings,
    prior: model.prior,
    intercept: model.intercept,
    coefficients: model.coefficients,
  };
}
