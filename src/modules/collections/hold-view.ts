import type { Executor } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { diffDays, type LocalDate } from '../../core/local-date.ts';
import { money } from '../../core/money.ts';
import { summaryOf } from './collections.lookup.ts';
import { type CustomerRecord, findPastDue, type HoldRow } from './collections.repo.ts';
import type { HoldView } from './contract.ts';
import type { CollectionsSettings } from './logic/collections-settings.ts';
import { recommendSuspension } from './logic/recommend-suspension.ts';

/** Hold views for customers, with how far past due each is as of a day and the suspension recommendation. */
export async function buildHoldViews(
  ex: Executor,
  tenantId: number,
  customers: readonly CustomerRecord[],
  holds: ReadonlyMap<string, HoldRow>,
  asOf: LocalDate,
  settings: CollectionsSettings,
): Promise<HoldView[]> {
  const pastDue = await findPastDue(
    ex,
    tenantId,
    customers.map((c) => c.id),
    asOf,
  );
  return customers.map((c) => {
    const hold = holds.get(c.id) ?? null;
    const due = pastDue.get(c.id);
    const daysPastDue = due ? diffDays(asOf, due.oldestDue) : null;
    return {
      customer: summaryOf(c),
      onHold: hold !== null,
      hold: hold
        ? { id: hold.id, reason: hold.reason, placedBy: hold.placed_by, placedAt: hold.placed_at }
        : null,
      daysPastDue,
      pastDue: due ? [...due.amounts].map(([cur, v]) => money(v, cur as CurrencyCode)) : [],
      suspension: recommendSuspension({
        onHold: hold !== null,
        daysPastDue,
        thresholdDays: settings.suspensionDaysPastDue,
      }),
    };
  });
}
