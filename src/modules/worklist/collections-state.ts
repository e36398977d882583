import type { Executor } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { findCollectionsState } from '../collections/index.ts';
import type { CollectionsFacts } from './logic/score-account.ts';

/**
 * What the collections module knows about an account that the worklist needs — open disputes, open
 * promises (and those falling due within 7 days), promises broken in the last 90 days, the active
 * payment plan, the credit hold, why dunning is paused — read through the collections module's
 * `findCollectionsState` and mapped onto the scoring's `CollectionsFacts`.
 *
 * (Before that function existed this adapter read the collections tables itself; the worklist's
 * other files never touched them, so switching changed this file only.)
 *
 * Ids go in chunks: the collections function matches each id against every row it loaded, so a
 * chunk keeps that work proportional to the chunk, not to the whole portfolio.
 */
export const EMPTY_STATE: CollectionsFacts = {
  disputes: { count: 0, amounts: [] },
  promises: { count: 0, amounts: [], dueWithin7Days: 0, nextPromisedDate: null },
  brokenPromises: 0,
  activePlan: null,
  holdReason: null,
  paused: null,
};

const CHUNK = 5000;

export async function loadCollectionsStates(
  ex: Executor,
  tenantId: number,
  customerIds: readonly string[],
  day: LocalDate,
): Promise<Map<string, CollectionsFacts>> {
  const out = new Map<string, CollectionsFacts>();
  const ids = [...new Set(customerIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const states = await findCollectionsState(ex, tenantId, ids.slice(i, i + CHUNK), day);
    for (const [id, s] of states) {
      if (
        s.openDisputes.count === 0 &&
        s.openPromises.count === 0 &&
        s.brokenPromises90Days === 0 &&
        s.activePlan === null &&
        !s.onHold &&
        s.paused === null
      )
        continue;
      out.set(id, {
        disputes: {
          count: s.openDisputes.count,
          amounts: s.openDisputes.amounts.map((m) => ({ currency: m.currency, amountMinor: m.amountMinor })),
        },
        promises: {
          count: s.openPromises.count,
          amounts: s.openPromises.amounts.map((m) => ({ currency: m.currency, amountMinor: m.amountMinor })),
          dueWithin7Days: s.openPromises.dueWithin7Days,
          nextPromisedDate: s.openPromises.nextPromisedDate,
        },
        brokenPromises: s.brokenPromises90Days,
        activePlan: s.activePlan
          ? {
              id: s.activePlan.id,
              nextDueDate: s.activePlan.nextDueDate,
              nextDue:
                s.activePlan.nextDueMinor === null
                  ? null
                  : { currency: s.activePlan.total.currency, amountMinor: s.activePlan.nextDueMinor },
            }
          : null,
        holdReason: s.onHold ? (s.holdReason ?? 'on hold') : null,
        paused: s.paused,
      });
    }
  }
  return out;
}
