import { addDays, diffDays, type LocalDate } from '../../../core/local-date.ts';
import type { DunningChannel, Recommendation } from '../../../db/schema-dunning.ts';

export interface PlanStep {
  readonly id: string;
  readonly dayOffset: number;
  readonly channel: DunningChannel;
  readonly recommendation: Recommendation | null;
}

/** An open debit item (invoice, debit memo, deduction with an open amount). */
export interface PlanItem {
  readonly id: string;
  readonly dueDate: LocalDate;
}

export interface CustomerPlanInput {
  readonly runDate: LocalDate;
  readonly steps: readonly PlanStep[];
  readonly items: readonly PlanItem[];
  /** Per item, the highest day offset already taken for it (from the dunning ledger). */
  readonly levels: ReadonlyMap<string, number>;
  /** The run date of the customer's last notice (email or letter), if any. */
  readonly lastNoticeOn: LocalDate | null;
  /** Fewer days than this since the last notice: the notice waits (at least 1: one notice a day). */
  readonly minDaysBetweenNotices: number;
  /** The run date of the customer's last call task, if any (one call task a day at most). */
  readonly lastCallTaskOn?: LocalDate | null;
}

export interface PlannedMessage<S extends PlanStep = PlanStep> {
  readonly step: S;
  readonly itemIds: readonly string[];
}

export interface CustomerPlan<S extends PlanStep = PlanStep> {
  /** The (item, step) pairs to record in the ledger: taken now, never again. */
  readonly taken: readonly { readonly itemId: string; readonly step: S }[];
  /** The one notice (email or letter) of this run: the highest step reached among notice steps. */
  readonly notice: PlannedMessage<S> | null;
  /** The one call task of this run: the highest call step reached. */
  readonly callTask: PlannedMessage<S> | null;
  /** Escalations for the collector, one per kind. */
  readonly recommendations: readonly { readonly step: S; readonly kind: Recommendation }[];
  /** A notice held back by the frequency limit; its items stay untaken and come up again. */
  readonly deferredNotice: (PlannedMessage<S> & { readonly until: LocalDate }) | null;
}

const isNotice = (channel: DunningChannel) => channel === 'email' || channel === 'letter';

/**
 * What one customer's dunning does on a run date (docs/dunning.md, "How a run decides").
 *
 * Each open item has reached the highest step whose day (due date + day offset) is on or before the
 * run date. If the ledger already holds that step or a later one for the item, nothing is due for
 * it; otherwise that step is taken for it — and only that one: steps whose days passed while the
 * customer was paused, or while runs were missed, are not sent one after another on resumption.
 * The customer then gets at most one notice (the highest notice step taken, listing every open item)
 * and at most one call task, plus the recommendations of the steps taken. A notice within
 * `minDaysBetweenNotices` of the last one (and always a second one the same day) is deferred: its
 * items are not recorded, so a later run sends whatever step they have reached by then.
 */
export function planCustomerDunning<S extends PlanStep>(
  input: CustomerPlanInput & { readonly steps: readonly S[] },
): CustomerPlan<S> {
  const steps = [...input.steps].sort((a, b) => a.dayOffset - b.dayOffset);
  const reached: { itemId: string; step: S }[] = [];
  for (const item of input.items) {
    const daysPastDue = diffDays(input.runDate, item.dueDate);
    let target: S | undefined;
    for (const s of steps) {
      if (s.dayOffset <= daysPastDue) target = s;
      else break;
    }
    if (!target) continue;
    const level = input.levels.get(item.id);
    if (level !== undefined && level >= target.dayOffset) continue;
    reached.push({ itemId: item.id, step: target });
  }
  const highest = (list: { step: S }[]) =>
    list.reduce<S | null>(
      (best, r) => (best === null || r.step.dayOffset > best.dayOffset ? r.step : best),
      null,
    );

  const noticeItems = reached.filter((r) => isNotice(r.step.channel));
  const callItems = reached.filter((r) => r.step.channel === 'call_task');
  const noticeStep = highest(noticeItems);
  let notice: PlannedMessage<S> | null =
    noticeStep === null ? null : { step: noticeStep, itemIds: noticeItems.map((r) => r.itemId) };
  let deferredNotice: CustomerPlan<S>['deferredNotice'] = null;
  const gap = Math.max(1, input.minDaysBetweenNotices);
  let takenNotices = noticeItems;
  if (notice !== null && input.lastNoticeOn !== null && diffDays(input.runDate, input.lastNoticeOn) < gap) {
    deferredNotice = { ...notice, until: addDays(input.lastNoticeOn, gap) };
    notice = null;
    takenNotices = [];
  }
  // A second call task the same day (a new item came up after the day's run) waits for tomorrow's.
  const takenCalls = input.lastCallTaskOn === input.runDate ? [] : callItems;
  const callStep = highest(takenCalls);
  const callTask = callStep === null ? null : { step: callStep, itemIds: takenCalls.map((r) => r.itemId) };
  const taken = reached.filter((r) => takenNotices.includes(r) || takenCalls.includes(r));

  const byKind = new Map<Recommendation, S>();
  for (const r of taken) {
    const kind = r.step.recommendation;
    if (kind === null) continue;
    const prior = byKind.get(kind);
    if (!prior || r.step.dayOffset > prior.dayOffset) byKind.set(kind, r.step);
  }
  return {
    taken,
    notice,
    callTask,
    recommendations: [...byKind].map(([kind, step]) => ({ kind, step })),
    deferredNotice,
  };
}
