import type { ServiceContext } from '../../core/context.ts';
import { ulid } from '../../core/ids.ts';
import { addDays, type LocalDate } from '../../core/local-date.ts';
import { recordAudit } from '../audit/index.ts';
import { loadRiskModel } from './build-worklist.ts';
import { type CalibrationSummary, summarizeCalibration } from './logic/calibration.ts';
import { fitLogistic } from './logic/fit-logistic.ts';
import {
  type Behaviour,
  BUILT_IN_MODEL,
  modelFromVector,
  predictLateProbability,
  type RiskModel,
  riskFeatures,
  storedModel,
} from './logic/risk-model.ts';
import { worklistError } from './worklist.errors.ts';
import { type BacktestRow, findBacktestSamples, insertRiskModel } from './worklist.repo.ts';

export interface CalibrationOptions {
  /** The day whose history is used; default today. */
  readonly asOf?: LocalDate;
  /** Fit new coefficients on the training snapshots (and, with `store`, keep them for the worklist). */
  readonly fit?: boolean;
  readonly store?: boolean;
  /** Training snapshots before the hold-out, 30 days apart (default 6). */
  readonly trainingSnapshots?: number;
  /** Fewer samples than this refuse to fit (default 500). */
  readonly minSamples?: number;
}

export interface ModelEvaluation {
  readonly model: RiskModel;
  readonly summary: CalibrationSummary;
  /** Σ open × p against Σ open of the items that turned out bad (face value, all currencies). */
  readonly expectedBadMinor: bigint;
  readonly actualBadMinor: bigint;
}

export interface CalibrationReport {
  readonly asOf: LocalDate;
  /** The hold-out snapshot: predictions made with facts up to it, outcomes observed by `asOf`. */
  readonly holdout: LocalDate;
  readonly training: readonly LocalDate[];
  readonly trainingSamples: number;
  /** The model in use before this run (the tenant's newest, or the built-in one), on the hold-out. */
  readonly current: ModelEvaluation;
  /** The model fitted by this run, on the same hold-out. */
  readonly fitted: (ModelEvaluation & { iterations: number; converged: boolean }) | null;
  /** The id it was stored under, when stored. */
  readonly storedId: string | null;
}

const behaviourOf = (r: BacktestRow): Behaviour => ({
  observed: r.observed,
  late: r.late,
  meanDaysLate: r.mean_late,
  daysSincePayment: r.days_since_payment,
});

function evaluate(model: RiskModel, samples: readonly BacktestRow[]): ModelEvaluation {
  const predicted = samples.map((s) => predictLateProbability(model, behaviourOf(s), s.dpd));
  const outcomes = samples.map((s) => (s.bad ? 1 : 0) as 0 | 1);
  let expected = 0;
  let actual = 0n;
  samples.forEach((s, i) => {
    expected += Number(s.open_minor) * (predicted[i] as number);
    if (s.bad) actual += s.open_minor;
  });
  return {
    model,
    summary: summarizeCalibration(predicted, outcomes),
    expectedBadMinor: BigInt(Math.round(expected)),
    actualBadMinor: actual,
  };
}

/** The portfolio's late share at a snapshot: Σ late / Σ observed over its accounts. */
function portfolioPrior(samples: readonly BacktestRow[]): number {
  const seen = new Map<string, BacktestRow>();
  for (const s of samples) seen.set(s.customer_id, s);
  let late = 0;
  let observed = 0;
  for (const s of seen.values()) {
    late += s.late;
    observed += s.observed;
  }
  return observed === 0 ? BUILT_IN_MODEL.prior : Math.min(0.95, Math.max(0.01, late / observed));
}

/**
 * Checks the late-payment model against the tenant's own history, and optionally refits it.
 *
 * Backtest: at a hold-out snapshot (the day minus the horizon and 15 days) every invoice then open
 * whose outcome is known by the day is predicted from the facts dated up to the snapshot only, and
 * compared with what happened (calibration.ts). Fitting uses earlier snapshots, 30 days apart,
 * whose outcomes were all known by the hold-out snapshot, so nothing the check looks at is seen by
 * the fit. Stored models are used by the worklist from then on (newest first).
 */
export async function calibrateRiskModel(
  ctx: ServiceContext,
  options: CalibrationOptions = {},
): Promise<CalibrationReport> {
  const asOf = options.asOf ?? ctx.clock.today();
  const ex = ctx.database.db;
  const current = await loadRiskModel(ex, ctx.tenantId);
  const settings = current.settings;
  const holdout = addDays(asOf, -(settings.horizonDays + 15));
  const holdoutSamples = await findBacktestSamples(ex, ctx.tenantId, {
    t: holdout,
    observedBy: asOf,
    settings,
  });
  const minSamples = options.minSamples ?? 500;
  if (holdoutSamples.length < Math.min(minSamples, 50)) {
    throw worklistError(
      'worklist.not_enough_history',
      `only ${holdoutSamples.length} invoices were open on ${holdout} with a known outcome by ${asOf}; the model cannot be checked on so little history`,
    );
  }
  const training: LocalDate[] = [];
  let fitted: CalibrationReport['fitted'] = null;
  let storedId: string | null = null;
  let trainingSamples = 0;
  if (options.fit) {
    const snapshots = options.trainingSnapshots ?? 6;
    const rows: number[][] = [];
    const y: number[] = [];
    let prior = BUILT_IN_MODEL.prior;
    for (let k = 1; k <= snapshots; k++) {
      const t = addDays(holdout, -30 * k);
      training.push(t);
      const samples = await findBacktestSamples(ex, ctx.tenantId, { t, observedBy: holdout, settings });
      if (k === 1) prior = portfolioPrior(samples);
      for (const s of samples) {
        rows.push(riskFeatures(behaviourOf(s), s.dpd, { prior, settings }));
        y.push(s.bad ? 1 : 0);
      }
    }
    trainingSamples = rows.length;
    if (rows.length < minSamples) {
      throw worklistError(
        'worklist.not_enough_history',
        `only ${rows.length} training samples before ${holdout} (at least ${minSamples} are needed to fit the model)`,
      );
    }
    // The prior the features were built with must be the model's (features depend on it).
    const fit = fitLogistic(rows, y, { ridge: 1 });
    const model = modelFromVector(fit.coefficients, { prior, settings, source: 'fitted' });
    fitted = { ...evaluate(model, holdoutSamples), iterations: fit.iterations, converged: fit.converged };
    if (options.store) {
      storedId = `rsk_${ulid()}`;
      const calibration = {
        holdout,
        training,
        trainingSamples,
        summary: fitted.summary,
        expectedBadMinor: fitted.expectedBadMinor.toString(),
        actualBadMinor: fitted.actualBadMinor.toString(),
      };
      await ex.transaction().execute(async (tx) => {
        await insertRiskModel(tx, ctx.tenantId, {
          id: storedId as string,
          asOf,
          version: model.version,
          model: storedModel(model),
          calibration,
          createdBy: ctx.actor,
        });
        await recordAudit(tx, ctx.tenantId, [
          {
            actor: ctx.actor,
            action: 'risk_model.fitted',
            objectType: 'risk_model',
            objectId: storedId,
            before: current.id === null ? { source: 'built-in' } : { id: current.id },
            after: {
              asOf,
              model: storedModel(model),
              brier: fitted?.summary.brier,
              ece: fitted?.summary.ece,
            },
          },
        ]);
      });
      fitted = { ...fitted, model: { ...model, id: storedId } };
    }
  }
  return {
    asOf,
    holdout,
    training,
    trainingSamples,
    current: evaluate(current, holdoutSamples),
    fitted,
    storedId,
  };
}
