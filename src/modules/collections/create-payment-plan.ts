import type { ServiceContext } from '../../core/context.ts';
import { isLocalDate, type LocalDate } from '../../core/local-date.ts';
import { money } from '../../core/money.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import { collectionsError } from './collections.errors.ts';
import {
  type Access,
  checkPositive,
  getCustomerOrThrow,
  invalid,
  loadSettings,
  resolveCustomerItems,
  show,
  text,
  toMoney,
} from './collections.lookup.ts';
import { findInstalments, findPlans, insertActivity, insertPlan, sumOpenDebits } from './collections.repo.ts';
import { toPlanView } from './collections.views.ts';
import type { CreatePlanInput, PlanView } from './contract.ts';
import {
  buildEqualInstalments,
  checkInstalments,
  type InstalmentsResult,
} from './logic/build-instalments.ts';

/**
 * Sets up a payment plan: the account's (or some items') open amount paid in instalments, listed
 * one by one or `count` equal ones `everyDays` apart (largest-remainder split, so they sum to the
 * total exactly). At most one active plan per customer; the total may not exceed what the items (or
 * the account's debit items) have open. Cash applied from `startsOn` (default today) counts toward
 * the instalments, oldest first; `evaluatePaymentPlans` marks the plan broken when an instalment is
 * unpaid past its due date plus the grace days, completed when all are paid.
 */
export async function createPaymentPlan(
  ctx: ServiceContext,
  input: CreatePlanInput,
  access: Access = {},
): Promise<PlanView> {
  const notes = text('notes', input.notes, 4000);
  const startsOn = input.startsOn ?? ctx.clock.today();
  if (!isLocalDate(startsOn)) throw invalid('startsOn', `"${startsOn}" is not a date (YYYY-MM-DD)`);
  if (
    input.graceDays !== undefined &&
    (!Number.isInteger(input.graceDays) || input.graceDays < 0 || input.graceDays > 365)
  )
    throw invalid('graceDays', 'must be a whole number of days from 0 to 365');
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const customer = await getCustomerOrThrow(tx, t, input.customer, access, true);
    const currency = customer.currency;
    const total = input.total === undefined ? undefined : toMoney('total', input.total, currency);
    const items = await resolveCustomerItems(tx, t, customer, input.items, currency);
    const itemIds = items.map((i) => i.id);
    const active = await findPlans(tx, t, { customerIds: [customer.id], status: 'active' });
    if (active[0])
      throw collectionsError(
        'collections.plan_active',
        `customer ${customer.accountNumber} already has an active payment plan (${active[0].id}); cancel it first`,
      );
    const open = await sumOpenDebits(tx, t, customer.id, currency, itemIds);
    let schedule: InstalmentsResult;
    if (input.schedule.kind === 'equal') {
      const planTotal = total ?? money(open, currency);
      checkPositive('total', planTotal, currency);
      if (!isLocalDate(input.schedule.firstDueDate))
        throw invalid('firstDueDate', `"${input.schedule.firstDueDate}" is not a date (YYYY-MM-DD)`);
      schedule = buildEqualInstalments({
        totalMinor: planTotal.amountMinor,
        count: input.schedule.count,
        everyDays: input.schedule.everyDays,
        firstDueDate: input.schedule.firstDueDate,
      });
    } else {
      const listed = input.schedule.instalments.map((x, i) => {
        if (!isLocalDate(x.dueDate))
          throw invalid(`instalments[${i}].dueDate`, `"${x.dueDate}" is not a date`);
        return {
          dueDate: x.dueDate,
          amountMinor: toMoney(`instalments[${i}].amount`, x.amount, currency).amountMinor,
        };
      });
      schedule = checkInstalments(listed);
      if (schedule.ok && total && total.amountMinor !== schedule.totalMinor)
        throw invalid(
          'total',
          `${show(total)} is not the sum of the instalments (${show(money(schedule.totalMinor, currency))})`,
        );
    }
    if (!schedule.ok)
      throw collectionsError(
        'collections.invalid_request',
        `the plan has problems: ${schedule.issues.join('; ')}`,
        {
          issues: schedule.issues.map((message) => ({ column: 'instalments', message })),
        },
      );
    const first = schedule.instalments[0]?.dueDate as LocalDate;
    if (startsOn > first)
      throw invalid('startsOn', `${startsOn} is after the first instalment's due date (${first})`);
    if (schedule.totalMinor > open)
      throw collectionsError(
        'collections.exceeds_open',
        `the plan's ${show(money(schedule.totalMinor, currency))} is more than the ${show(money(open, currency))} open on ${itemIds.length > 0 ? 'those items' : `account ${customer.accountNumber}`}`,
      );
    const settings = await loadSettings(tx, t);
    const graceDays = input.graceDays ?? settings.planGraceDays;
    const id = newCollectionsId('plan');
    await insertPlan(
      tx,
      t,
      {
        id,
        customer_id: customer.id,
        currency,
        total_minor: schedule.totalMinor,
        item_ids: itemIds,
        grace_days: graceDays,
        starts_on: startsOn,
        created_by: ctx.actor,
      },
      schedule.instalments.map((i) => ({ seq: i.seq, due_date: i.dueDate, amount_minor: i.amountMinor })),
    );
    const summary = `payment plan of ${show(money(schedule.totalMinor, currency))} in ${schedule.instalments.length} instalment(s) from ${first}`;
    await insertActivity(tx, t, {
      id: newCollectionsId('activity'),
      customerId: customer.id,
      kind: 'plan',
      outcomeCode: 'created',
      notes: notes ?? summary,
      occurredAt: ctx.clock.now(),
      relatedId: id,
      itemIds,
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'collections.plan_created',
        objectType: 'payment_plan',
        objectId: id,
        after: {
          customer_id: customer.id,
          total_minor: schedule.totalMinor,
          currency,
          grace_days: graceDays,
          starts_on: startsOn,
          item_ids: itemIds,
          instalments: schedule.instalments.map((i) => ({
            seq: i.seq,
            due_date: i.dueDate,
            amount_minor: i.amountMinor,
          })),
          status: 'active',
        },
      },
    ]);
    const [plan] = await findPlans(tx, t, { ids: [id] });
    if (!plan) throw new Error(`plan ${id} vanished`);
    return toPlanView(plan, (await findInstalments(tx, t, [id])).get(id) ?? [], customer);
  });
}
