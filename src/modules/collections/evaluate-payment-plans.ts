import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { type LocalDate, minDate } from '../../core/local-date.ts';
import { money } from '../../core/money.ts';
import { type AuditRecord, recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import { show } from './collections.lookup.ts';
import {
  findCashRows,
  findInstalments,
  findPlans,
  insertActivity,
  updateInstalment,
  updatePlan,
} from './collections.repo.ts';
import type { EvaluationResult } from './contract.ts';
import { paymentsFor } from './logic/cash-payments.ts';
import { evaluatePlan } from './logic/evaluate-plan.ts';

/**
 * Brings active payment plans up to a day: the cash paid toward each since it started goes to its
 * instalments oldest first; a plan whose instalment is unpaid past its due date plus the plan's grace
 * days is broken, one whose instalments are all paid is completed (logic/evaluate-plan.ts). Each
 * instalment's paid amount and status are kept; an ending adds a `plan` activity and an audit entry.
 * One transaction; running it again changes nothing more. Part of `evaluateCollections`.
 */
export async function evaluatePaymentPlans(
  ctx: ServiceContext,
  asOf: LocalDate,
  options: { readonly customerIds?: readonly string[] } = {},
): Promise<EvaluationResult> {
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const plans = (
      await findPlans(tx, t, { status: 'active', customerIds: options.customerIds, lock: true })
    ).filter((p) => (p.starts_on as LocalDate) <= asOf);
    const result = { evaluated: plans.length, completed: 0, broken: 0 };
    const changes: string[] = [];
    const done = (): EvaluationResult => ({
      asOf,
      promises: { evaluated: 0, kept: 0, broken: 0 },
      plans: result,
      disputes: { resolved: 0, reopened: 0 },
      changes,
    });
    if (plans.length === 0) return done();
    const instalments = await findInstalments(
      tx,
      t,
      plans.map((p) => p.id),
    );
    const since = plans.map((p) => p.starts_on as LocalDate).reduce((a, b) => minDate(a, b));
    const cash = await findCashRows(
      tx,
      t,
      plans.map((p) => p.customer_id),
      since,
      asOf,
    );
    const audits: AuditRecord[] = [];
    for (const plan of plans) {
      const rows = instalments.get(plan.id) ?? [];
      const outcome = evaluatePlan({
        instalments: rows.map((i) => ({
          seq: i.seq,
          dueDate: i.due_date as LocalDate,
          amountMinor: i.amount_minor,
        })),
        graceDays: plan.grace_days,
        payments: paymentsFor(cash, {
          customerId: plan.customer_id,
          currency: plan.currency,
          itemIds: plan.item_ids,
          since: plan.starts_on as LocalDate,
          asOf,
        }),
        asOf,
      });
      for (const i of outcome.instalments) {
        const before = rows.find((r) => r.seq === i.seq);
        if (before && (before.paid_minor !== i.paidMinor || before.status !== i.status))
          await updateInstalment(tx, t, plan.id, i.seq, { paid_minor: i.paidMinor, status: i.status });
      }
      if (outcome.status === 'active') continue;
      await updatePlan(tx, t, plan.id, { status: outcome.status, ended_on: outcome.endedOn });
      result[outcome.status]++;
      const currency = plan.currency as CurrencyCode;
      const line =
        outcome.status === 'broken'
          ? `payment plan ${plan.id} broken on ${outcome.endedOn}: instalment ${outcome.missedSeq} unpaid ${plan.grace_days} day(s) after it was due; ${show(money(outcome.paidMinor, currency))} paid of ${show(money(plan.total_minor, currency))}`
          : `payment plan ${plan.id} completed on ${outcome.endedOn}: ${show(money(plan.total_minor, currency))} paid`;
      changes.push(line);
      await insertActivity(tx, t, {
        id: newCollectionsId('activity'),
        customerId: plan.customer_id,
        kind: 'plan',
        outcomeCode: outcome.status,
        notes: line,
        occurredAt: ctx.clock.now(),
        relatedId: plan.id,
        itemIds: plan.item_ids,
        createdBy: ctx.actor,
      });
      audits.push({
        actor: ctx.actor,
        action: `collections.plan_${outcome.status}`,
        objectType: 'payment_plan',
        objectId: plan.id,
        before: { status: 'active' },
        after: {
          status: outcome.status,
          ended_on: outcome.endedOn,
          paid_minor: outcome.paidMinor,
          missed_instalment: outcome.missedSeq,
          as_of: asOf,
        },
      });
    }
    await recordAudit(tx, t, audits);
    return done();
  });
}
