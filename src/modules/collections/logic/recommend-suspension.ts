export interface SuspensionRecommendation {
  readonly recommended: boolean;
  readonly reason: string;
}

/**
 * Whether to recommend suspending service to a customer: only when its credit is already on hold
 * and its oldest open item is more than `thresholdDays` past due (tenant setting
 * `suspension_days_past_due`). A recommendation for the analyst and the order systems, never an
 * action taken by Arbor.
 */
export function recommendSuspension(input: {
  readonly onHold: boolean;
  /** Days past due of the oldest open debit item; null when nothing is past due. */
  readonly daysPastDue: number | null;
  readonly thresholdDays: number;
}): SuspensionRecommendation {
  const days = input.daysPastDue;
  if (!input.onHold) return { recommended: false, reason: 'not on credit hold' };
  if (days === null || days <= 0) return { recommended: false, reason: 'on hold, nothing past due' };
  if (days > input.thresholdDays)
    return {
      recommended: true,
      reason: `on hold and ${days} days past due (more than ${input.thresholdDays}): recommend suspending service`,
    };
  return {
    recommended: false,
    reason: `on hold, ${days} days past due (suspension is recommended after ${input.thresholdDays})`,
  };
}
