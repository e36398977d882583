import { systemClock } from '../../core/clock.ts';
import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { addDays, type LocalDate } from '../../core/local-date.ts';
import { type Money, money } from '../../core/money.ts';
import { loadSettings } from './collections.lookup.ts';
import { findHoldsInForce, findInstalments, findPromises } from './collections.repo.ts';
import type { CollectionsState } from './contract.ts';
import { loadPauseFacts } from './find-paused-customers.ts';
import { pauseReasonOf } from './logic/pause-reason.ts';

function groupBy<R extends { customer_id: string }>(rows: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const list = out.get(r.customer_id);
    if (list) list.push(r);
    else out.set(r.customer_id, [r]);
  }
  return out;
}

function sumByCurrency(rows: readonly { currency: string; amount_minor: bigint }[]): Money[] {
  const sums = new Map<string, bigint>();
  for (const r of rows) sums.set(r.currency, (sums.get(r.currency) ?? 0n) + r.amount_minor);
  return [...sums].map(([c, v]) => money(v, c as CurrencyCode));
}

/**
 * Each customer's collections picture for the worklist, as of `asOf`: open disputes (count, amount
 * per currency), open promises (count, amount, how many fall due from the as-of day to 7 days after
 * it, the next promised date), promises broken in the 90 days up to the as-of day, the active
 * payment plan (its next unpaid instalment), the credit hold, and findPausedCustomers' reason. Every
 * id asked for gets an entry. Pass the clock's today as `asOf`; without it, the UTC date.
 */
export async function findCollectionsState(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
  asOf: LocalDate = systemClock().today(),
): Promise<Map<string, CollectionsState>> {
  const out = new Map<string, CollectionsState>();
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return out;
  const settings = await loadSettings(ex, tenantId);
  const { facts, disputes, promises, plans } = await loadPauseFacts(ex, tenantId, ids);
  const broken = (await findPromises(ex, tenantId, { customerIds: ids, status: 'broken' })).filter(
    (p) => p.resolved_on !== null && p.resolved_on <= asOf && p.resolved_on > addDays(asOf, -90),
  );
  const instalments = await findInstalments(
    ex,
    tenantId,
    plans.map((p) => p.id),
  );
  const holds = new Map(
    (await findHoldsInForce(ex, tenantId, { customerIds: ids })).map((h) => [h.customer_id, h]),
  );
  const soon = addDays(asOf, 7);
  const disputesOf = groupBy(disputes);
  const promisesOf = groupBy(promises);
  const brokenOf = groupBy(broken);
  const planOf = new Map(plans.map((p) => [p.customer_id, p]));
  for (const id of ids) {
    const myDisputes = disputesOf.get(id) ?? [];
    const myPromises = promisesOf.get(id) ?? [];
    const plan = planOf.get(id) ?? null;
    const next = plan
      ? (instalments.get(plan.id) ?? []).find((i) => i.paid_minor < i.amount_minor)
      : undefined;
    const hold = holds.get(id);
    const f = facts.get(id);
    const dates = myPromises.map((p) => p.promised_date).sort();
    out.set(id, {
      openDisputes: { count: myDisputes.length, amounts: sumByCurrency(myDisputes) },
      openPromises: {
        count: myPromises.length,
        amounts: sumByCurrency(myPromises),
        dueWithin7Days: myPromises.filter((p) => p.promised_date >= asOf && p.promised_date <= soon).length,
        nextPromisedDate: (dates.find((d) => d >= asOf) ?? null) as LocalDate | null,
      },
      brokenPromises90Days: brokenOf.get(id)?.length ?? 0,
      activePlan: plan
        ? {
            id: plan.id,
            total: money(plan.total_minor, plan.currency as CurrencyCode),
            nextDueDate: (next?.due_date ?? null) as LocalDate | null,
            nextDueMinor: next ? next.amount_minor - next.paid_minor : null,
          }
        : null,
      onHold: hold !== undefined,
      holdReason: hold?.reason ?? null,
      paused: f ? pauseReasonOf(f, asOf, settings.promiseGraceDays) : null,
    });
  }
  return out;
}
