/**
 * How well predicted probabilities match what happened: a reliability table (predictions in bins of
 * equal width, each bin's mean prediction against its observed rate), the Brier score (mean squared
 * error of the probabilities), the expected calibration error (ECE: the bins' |predicted − observed|
 * weighted by their share of the samples), the log loss, and the area under the ROC curve (AUC: the
 * chance that a random bad sample is ranked above a random good one; ties count half).
 */

export interface ReliabilityBin {
  /** Inclusive lower and exclusive upper bound of the predictions in the bin (the last bin includes 1). */
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

export interface CalibrationSummary {
  readonly samples: number;
  readonly positives: number;
  readonly baseRate: number;
  readonly meanPredicted: number;
  readonly brier: number;
  /** Brier score of always predicting the base rate: the bar a useful model must beat. */
  readonly brierBaseline: number;
  readonly logLoss: number;
  readonly ece: number;
  readonly auc: number;
  readonly bins: ReliabilityBin[];
}

export function summarizeCalibration(
  predicted: readonly number[],
  outcomes: readonly (0 | 1)[],
  binCount = 10,
): CalibrationSummary {
  if (predicted.length !== outcomes.length)
    throw new RangeError('summarizeCalibration: predictions and outcomes differ in length');
  const n = predicted.length;
  const counts = new Array<number>(binCount).fill(0);
  const sumP = new Array<number>(binCount).fill(0);
  const sumY = new Array<number>(binCount).fill(0);
  let brier = 0;
  let logLoss = 0;
  let positives = 0;
  let sumPredicted = 0;
  for (let i = 0; i < n; i++) {
    const p = predicted[i] as number;
    const y = outcomes[i] as number;
    positives += y;
    sumPredicted += p;
    brier += (p - y) ** 2;
    const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
    logLoss -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
    const b = Math.min(binCount - 1, Math.floor(p * binCount));
    counts[b] = (counts[b] as number) + 1;
    sumP[b] = (sumP[b] as number) + p;
    sumY[b] = (sumY[b] as number) + y;
  }
  const baseRate = n === 0 ? 0 : positives / n;
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b < binCount; b++) {
    const c = counts[b] as number;
    if (c === 0) continue;
    const meanPredicted = (sumP[b] as number) / c;
    const observedRate = (sumY[b] as number) / c;
    ece += (c / n) * Math.abs(meanPredicted - observedRate);
    bins.push({ from: b / binCount, to: (b + 1) / binCount, count: c, meanPredicted, observedRate });
  }
  return {
    samples: n,
    positives,
    baseRate,
    meanPredicted: n === 0 ? 0 : sumPredicted / n,
    brier: n === 0 ? 0 : brier / n,
    brierBaseline: baseRate * (1 - baseRate),
    logLoss: n === 0 ? 0 : logLoss / n,
    ece,
    auc: areaUnderRoc(predicted, outcomes),
    bins,
  };
}

/** AUC by the rank-sum (Mann–Whitney) statistic, ties given their average rank. */
export function areaUnderRoc(predicted: readonly number[], outcomes: readonly (0 | 1)[]): number {
  const order = predicted.map((p, i) => ({ p, y: outcomes[i] as number })).sort((a, b) => a.p - b.p);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && (order[j] as { p: number }).p === (order[i] as { p: number }).p) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) {
      if ((order[t] as { y: number }).y === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
