import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { type LocalDate, minDate } from '../../core/local-date.ts';
import { money } from '../../core/money.ts';
import { type AuditRecord, recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import { loadSettings, show } from './collections.lookup.ts';
import { findCashRows, findPromises, insertActivity, updatePromise } from './collections.repo.ts';
import type { EvaluationResult } from './contract.ts';
import { paymentsFor } from './logic/cash-payments.ts';
import { evaluatePromise } from './logic/evaluate-promise.ts';

/**
 * Decides open promises as of a day: kept once the cash paid toward one reaches its amount by the
 * promised date plus the tenant's grace days (`promise_grace_days`, default 3), broken once that
 * deadline has passed without it (logic/evaluate-promise.ts; the cash counted: logic/cash-payments.ts).
 * Each change updates the promise (status, paid, resolved on), adds a `promise` activity to the
 * account's history and an audit entry, in one transaction. Running it again changes nothing more.
 *
 * For cash application to call after it applies money (all customers, or `customerIds`), for the
 * `arbor collections evaluate` command and for a daily job. Promises made after `asOf` are left alone.
 */
export async function evaluatePromises(
  ctx: ServiceContext,
  asOf: LocalDate,
  options: { readonly customerIds?: readonly string[] } = {},
): Promise<EvaluationResult> {
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const settings = await loadSettings(tx, t);
    const open = await findPromises(tx, t, {
      status: 'open',
      customerIds: options.customerIds,
      madeOnOrBefore: asOf,
      lock: true,
    });
    const result = { evaluated: open.length, kept: 0, broken: 0 };
    const changes: string[] = [];
    if (open.length === 0) return promisesResult(asOf, result, changes);
    const since = open.map((p) => p.made_on as LocalDate).reduce((a, b) => minDate(a, b));
    const cash = await findCashRows(
      tx,
      t,
      open.map((p) => p.customer_id),
      since,
      asOf,
    );
    const audits: AuditRecord[] = [];
    for (const p of open) {
      const payments = paymentsFor(cash, {
        customerId: p.customer_id,
        currency: p.currency,
        itemIds: p.item_ids,
        since: p.made_on as LocalDate,
        asOf,
      });
      const outcome = evaluatePromise({
        amountMinor: p.amount_minor,
        promisedDate: p.promised_date as LocalDate,
        graceDays: settings.promiseGraceDays,
        payments,
        asOf,
      });
      if (outcome.status === 'open' && outcome.paidMinor === p.paid_minor) continue;
      await updatePromise(tx, t, p.id, {
        status: outcome.status,
        paid_minor: outcome.paidMinor,
        resolved_on: outcome.resolvedOn,
      });
      if (outcome.status === 'open') continue;
      result[outcome.status]++;
      const amount = show(money(p.amount_minor, p.currency as CurrencyCode));
      const paid = show(money(outcome.paidMinor, p.currency as CurrencyCode));
      const line = `promise ${p.id} ${outcome.status} on ${outcome.resolvedOn}: ${paid} paid of ${amount} promised by ${p.promised_date} (deadline ${outcome.deadline})`;
      changes.push(line);
      await insertActivity(tx, t, {
        id: newCollectionsId('activity'),
        customerId: p.customer_id,
        kind: 'promise',
        outcomeCode: outcome.status,
        notes: line,
        occurredAt: ctx.clock.now(),
        relatedId: p.id,
        itemIds: p.item_ids,
        createdBy: ctx.actor,
      });
      audits.push({
        actor: ctx.actor,
        action: `collections.promise_${outcome.status}`,
        objectType: 'promise',
        objectId: p.id,
        before: { status: 'open', paid_minor: p.paid_minor },
        after: {
          status: outcome.status,
          paid_minor: outcome.paidMinor,
          resolved_on: outcome.resolvedOn,
          as_of: asOf,
          grace_days: settings.promiseGraceDays,
        },
      });
    }
    await recordAudit(tx, t, audits);
    return promisesResult(asOf, result, changes);
  });
}

function promisesResult(
  asOf: LocalDate,
  promises: EvaluationResult['promises'],
  changes: readonly string[],
): EvaluationResult {
  return {
    asOf,
    promises,
    plans: { evaluated: 0, completed: 0, broken: 0 },
    disputes: { resolved: 0, reopened: 0 },
    changes,
  };
}
