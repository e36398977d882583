import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { money } from '../../core/money.ts';
import { loadSettings, show } from './collections.lookup.ts';
import {
  type DisputeRow,
  findDisputes,
  findPlans,
  findPromises,
  type PlanRow,
  type PromiseRow,
} from './collections.repo.ts';
import { type PauseFacts, pauseReasonOf } from './logic/pause-reason.ts';

/** The facts the pause rule reads, per customer. */
export async function loadPauseFacts(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
): Promise<{
  facts: Map<string, PauseFacts>;
  disputes: DisputeRow[];
  promises: PromiseRow[];
  plans: PlanRow[];
}> {
  const ids = [...new Set(customerIds)];
  const disputes = await findDisputes(ex, tenantId, {
    customerIds: ids,
    statuses: ['open', 'investigating'],
  });
  const promises = await findPromises(ex, tenantId, { customerIds: ids, status: 'open' });
  const plans = await findPlans(ex, tenantId, { customerIds: ids, status: 'active' });
  const facts = new Map<
    string,
    {
      disputes: PauseFacts['disputes'][number][];
      promises: PauseFacts['promises'][number][];
      plans: PauseFacts['plans'][number][];
    }
  >();
  const of = (id: string) => {
    let f = facts.get(id);
    if (!f) {
      f = { disputes: [], promises: [], plans: [] };
      facts.set(id, f);
    }
    return f;
  };
  for (const d of disputes)
    of(d.customer_id).disputes.push({ id: d.id, status: d.status, reasonCode: d.reason_code });
  for (const p of promises)
    of(p.customer_id).promises.push({
      id: p.id,
      status: p.status,
      promisedDate: p.promised_date as LocalDate,
      amount: show(money(p.amount_minor, p.currency as CurrencyCode)),
    });
  for (const p of plans) of(p.customer_id).plans.push({ id: p.id, status: p.status });
  return { facts, disputes, promises, plans };
}

/**
 * The customers among `customerIds` that dunning should leave alone as of `asOf`, each with the
 * reason (for the dunning run's log): a dispute open or being investigated on the customer or its
 * items; an active payment plan; an open promise to pay whose promised date plus the tenant's grace
 * days (`promise_grace_days`, default 3) is not yet past. A broken promise or plan pauses nothing.
 * Customers not paused are absent from the map. Reads only; runs in the caller's transaction.
 */
export async function findPausedCustomers(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
  asOf: LocalDate,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (customerIds.length === 0) return out;
  const settings = await loadSettings(ex, tenantId);
  const { facts } = await loadPauseFacts(ex, tenantId, customerIds);
  for (const [id, f] of facts) {
    const reason = pauseReasonOf(f, asOf, settings.promiseGraceDays);
    if (reason !== null) out.set(id, reason);
  }
  return out;
}
