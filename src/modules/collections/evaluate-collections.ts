import type { ServiceContext } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { inTransaction, joinedContext } from './collections.context.ts';
import type { EvaluationResult } from './contract.ts';
import { evaluatePaymentPlans } from './evaluate-payment-plans.ts';
import { evaluatePromises } from './evaluate-promises.ts';
import { syncDisputeApprovals } from './sync-dispute-approvals.ts';

/**
 * Everything that follows from cash and decisions since the last run, as of a day, in one
 * transaction: promises kept or broken, payment plans completed or broken, disputes resolved by an
 * approved credit memo or write-off (or reopened when it was rejected). Idempotent. What
 * `arbor collections evaluate` and `POST /api/collections/evaluate` run; cash application may call it
 * for the customers it just applied money to.
 */
export async function evaluateCollections(
  ctx: ServiceContext,
  asOf: LocalDate,
  options: { readonly customerIds?: readonly string[] } = {},
): Promise<EvaluationResult> {
  return inTransaction(ctx, async (tx) => {
    const joined = joinedContext(ctx, tx);
    const promises = await evaluatePromises(joined, asOf, options);
    const plans = await evaluatePaymentPlans(joined, asOf, options);
    const disputes = await syncDisputeApprovals(joined, asOf);
    return {
      asOf,
      promises: promises.promises,
      plans: plans.plans,
      disputes: disputes.disputes,
      changes: [...promises.changes, ...plans.changes, ...disputes.changes],
    };
  });
}
