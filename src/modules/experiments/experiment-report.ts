import type { Executor } from '../../core/context.ts';
import { type CurrencyCode, parseCurrency } from '../../core/currency.ts';
import { addDays, type LocalDate, minDate } from '../../core/local-date.ts';
import { parseAmount } from '../../core/money.ts';
import { experimentsError } from './experiments.errors.ts';
import { findAssignmentsOf, findCashCollected, findCohortItems, findContacts } from './experiments.repo.ts';
import {
  type Comparison,
  compareVariants,
  computeOutcomes,
  type VariantOutcome,
} from './logic/experiment-outcomes.ts';
import { type Experiment, getExperiment } from './manage-experiments.ts';

export interface ExperimentReport {
  readonly experiment: Experiment;
  readonly start: LocalDate;
  readonly end: LocalDate;
  /** Where roll rates are read: 30 days after the start, or the end if sooner. */
  readonly checkpoint: LocalDate;
  readonly paidWithinDays: number;
  /** False when the window is shorter than N days: "paid within N" is then "paid so far". */
  readonly horizonReached: boolean;
  readonly champion: string;
  readonly costCurrency: CurrencyCode;
  readonly variants: VariantOutcome[];
  readonly comparisons: Comparison[];
}

const CHANNELS = ['call', 'email', 'letter'];

/** Outcomes per variant and the tests of each challenger against the champion (logic/experiment-outcomes.ts). */
export async function buildExperimentReport(
  ex: Executor,
  tenantId: number,
  idOrCode: string,
  options: { asOf: LocalDate },
): Promise<ExperimentReport> {
  const experiment = await getExperiment(ex, tenantId, idOrCode);
  if (experiment.startedOn === null)
    throw experimentsError('experiments.wrong_status', `experiment ${experiment.code} has not started`);
  const start = experiment.startedOn;
  const end = experiment.stoppedOn ? minDate(experiment.stoppedOn, options.asOf) : options.asOf;
  if (end < start)
    throw experimentsError(
      'experiments.invalid_request',
      `the report date ${end} is before the start (${start})`,
    );
  const checkpoint = minDate(addDays(start, 30), end);
  const settings = experiment.settings;
  const costCurrency = parseCurrency(settings.costCurrency);
  const costs: Record<string, bigint> = {};
  for (const [channel, cost] of Object.entries(settings.costs))
    costs[channel] = parseAmount(cost, costCurrency);
  const [assignments, items, collected, contacts] = [
    await findAssignmentsOf(ex, tenantId, experiment.id),
    await findCohortItems(ex, tenantId, { experimentId: experiment.id, start, checkpoint, end }),
    await findCashCollected(ex, tenantId, { experimentId: experiment.id, start, end }),
    await findContacts(ex, tenantId, {
      experimentId: experiment.id,
      start,
      end,
      kinds: [...new Set([...CHANNELS, ...Object.keys(costs)])],
    }),
  ];
  const champion = experiment.variants.find((v) => v.control)?.key ?? experiment.variants[0]?.key ?? '';
  const variants = computeOutcomes(
    {
      start,
      end,
      checkpoint,
      paidWithinDays: settings.paidWithinDays,
      assignments: assignments.map((a) => ({ customerId: a.customer_id, variant: a.variant_key })),
      items: items.map((i) => ({
        customerId: i.customer_id,
        variant: i.variant_key,
        currency: i.currency,
        dueDate: i.due_date,
        openAtStart: i.open_s,
        openAtCheckpoint: i.open_c,
        openAtEnd: i.open_e,
        firstPaidOn: i.first_e,
        lastPaidOn: i.last_e,
      })),
      collected: collected.map((c) => ({
        customerId: c.customer_id,
        currency: c.currency,
        amountMinor: c.collected,
      })),
      contacts: contacts.map((c) => ({ customerId: c.customer_id, kind: c.kind, count: c.n })),
      costPerContactMinor: costs,
    },
    experiment.variants.map((v) => v.key),
  );
  return {
    experiment,
    start,
    end,
    checkpoint,
    paidWithinDays: settings.paidWithinDays,
    horizonReached: addDays(start, settings.paidWithinDays) <= end,
    champion,
    costCurrency,
    variants,
    comparisons: compareVariants(variants, champion),
  };
}
