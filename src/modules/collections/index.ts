/**
 * Collections (issue 6): what analysts do with an account — calls (under the consumer contact rules),
 * emails, notes, escalations and tasks; promises to pay; payment plans; settlements; disputes and
 * deductions; credit holds — and the state other modules read.
 *
 * Stable entry points for other modules (keep these signatures):
 *
 *   findPausedCustomers(ex: Executor, tenantId: number, customerIds: readonly string[], asOf: LocalDate)
 *     : Promise<Map<string, string>>
 *     Dunning: customer id → why it is paused (an open or investigating dispute on the customer or its
 *     items; an active payment plan; an open promise whose promised date + grace days is not past).
 *     Customers not paused are absent. Reads only, in the caller's transaction.
 *
 *   findCollectionsState(ex: Executor, tenantId: number, customerIds: readonly string[], asOf?: LocalDate)
 *     : Promise<Map<string, CollectionsState>>
 *     Worklist: per customer (every id asked for), open disputes (count, amounts), open promises
 *     (count, amounts, falling due within 7 days, next date), promises broken in the last 90 days,
 *     the active plan (next instalment), the credit hold, and the pause reason. Pass the clock's today.
 *
 *   evaluateCollections(ctx: ServiceContext, asOf: LocalDate, options?: { customerIds?: readonly string[] })
 *     : Promise<EvaluationResult>
 *     Cash application (after applying), `arbor collections evaluate`, a daily job: promises kept or
 *     broken, plans completed or broken, disputes resolved by approved credit memos. Idempotent; one
 *     transaction. Inside your own transaction, pass `{ ...ctx, database: { ...ctx.database, db: tx } }`
 *     so it runs there and sees your uncommitted applications. evaluatePromises and
 *     evaluatePaymentPlans (same signature) do one part each.
 *
 *   checkConsumerContact({ now: Date, timeZone: string, recentCalls: readonly RecentCall[] }): ContactCheck
 *     Regulation F, pure: { allowed: true } | { allowed: false, code, reason }.
 */

export { cancelPaymentPlan } from './cancel-payment-plan.ts';
export { cancelPromise } from './cancel-promise.ts';
export { cancelTask } from './cancel-task.ts';
export { changeDisputeStatus } from './change-dispute-status.ts';
export { checkContact } from './check-contact.ts';
export { type CollectionsErrorCode, collectionsError } from './collections.errors.ts';
export type { Access } from './collections.lookup.ts';
export { completeTask } from './complete-task.ts';
export type {
  ActivityKind,
  ActivityView,
  CollectionsState,
  ContactCheckView,
  CreatePlanInput,
  CreateTaskInput,
  CustomerKey,
  CustomerSummary,
  DisputeFilter,
  DisputeResolution,
  DisputeStatus,
  DisputeView,
  EvaluationResult,
  HoldView,
  InstalmentSpec,
  InstalmentStatus,
  InstalmentView,
  LogActivityInput,
  LogCallInput,
  LoggedKind,
  MakePromiseInput,
  OpenDisputeInput,
  PlanStatus,
  PlanView,
  PromiseFilter,
  PromiseStatus,
  PromiseView,
  ResolveDisputeInput,
  ResolveDisputeResult,
  SettleInput,
  SettleResult,
  TaskFilter,
  TaskStatus,
} from './contract.ts';
export { LOGGED_KINDS } from './contract.ts';
export { createPaymentPlan } from './create-payment-plan.ts';
export { createTask } from './create-task.ts';
export { evaluateCollections } from './evaluate-collections.ts';
export { evaluatePaymentPlans } from './evaluate-payment-plans.ts';
export { evaluatePromises } from './evaluate-promises.ts';
export { findCollectionsState } from './find-collections-state.ts';
export { findPausedCustomers } from './find-paused-customers.ts';
export { getCollectionsCustomer } from './get-collections-customer.ts';
export { getCreditHold } from './get-credit-hold.ts';
export { getDispute } from './get-dispute.ts';
export { getPaymentPlan } from './get-payment-plan.ts';
export { listActivities } from './list-activities.ts';
export { listCreditHolds } from './list-credit-holds.ts';
export { listDisputes } from './list-disputes.ts';
export { listPaymentPlans } from './list-payment-plans.ts';
export { listPromises } from './list-promises.ts';
export { listTasks } from './list-tasks.ts';
export { logActivity } from './log-activity.ts';
export { logCall } from './log-call.ts';
export {
  type ContactCheck,
  checkConsumerContact,
  type RecentCall,
} from './logic/check-consumer-contact.ts';
export {
  type CollectionsSettings,
  collectionsSettingsOf,
  DEFAULT_COLLECTIONS_SETTINGS,
} from './logic/collections-settings.ts';
export { DISPUTE_RESOLUTIONS } from './logic/dispute-rules.ts';
export { makePromise } from './make-promise.ts';
export { openDispute } from './open-dispute.ts';
export { placeCreditHold } from './place-credit-hold.ts';
export { releaseCreditHold } from './release-credit-hold.ts';
export { resolveDispute } from './resolve-dispute.ts';
export { settleAccount } from './settle-account.ts';
export { syncDisputeApprovals } from './sync-dispute-approvals.ts';
