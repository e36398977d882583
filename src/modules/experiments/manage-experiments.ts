import { randomInt } from 'node:crypto';
import type { Executor, ServiceContext } from '../../core/context.ts';
import { parseCurrency } from '../../core/currency.ts';
import { ulid } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { parseAmount } from '../../core/money.ts';
import type { StratifyBy } from '../../db/schema-agencies.ts';
import { recordAudit } from '../audit/index.ts';
import { experimentsError } from './experiments.errors.ts';
import {
  countAssignments,
  type EligibleRow,
  type ExperimentRow,
  findEligibleCustomers,
  findExperiment,
  findExperiments,
  findVariants,
  insertAssignments,
  type Population,
  type VariantRow,
} from './experiments.repo.ts';
import { assignVariants } from './logic/assign-variants.ts';

export interface VariantInput {
  readonly key: string;
  readonly name?: string;
  readonly weight?: number;
  /** The champion (exactly one variant is). */
  readonly control?: boolean;
  /** What the variant means to the module that reads it: e.g. `{ "strategy": "dst_…" }` for dunning. */
  readonly config?: Record<string, unknown>;
}

export interface ExperimentSettings {
  /** N of "paid within N days" (default 30). */
  readonly paidWithinDays: number;
  /** Cost per contact by channel (call, email, letter), decimal strings in `costCurrency`. */
  readonly costs: Readonly<Record<string, string>>;
  readonly costCurrency: string;
}

export const DEFAULT_SETTINGS: ExperimentSettings = {
  paidWithinDays: 30,
  costs: { call: '4.00', email: '0.05', letter: '1.25' },
  costCurrency: 'USD',
};

export interface CreateExperimentInput {
  readonly code: string;
  readonly name: string;
  readonly description?: string | null;
  /** What the variants change (default `dunning`). */
  readonly subject?: string;
  /** Default: drawn at random now, and kept. */
  readonly seed?: bigint | number;
  readonly stratifyBy?: StratifyBy | null;
  readonly population?: Population;
  readonly settings?: Partial<ExperimentSettings>;
  readonly variants: readonly VariantInput[];
}

export interface Experiment {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly description: string | null;
  readonly subject: string;
  readonly status: 'draft' | 'running' | 'stopped';
  readonly seed: string;
  readonly stratifyBy: StratifyBy | null;
  readonly population: Population;
  readonly settings: ExperimentSettings;
  readonly startedOn: LocalDate | null;
  readonly stoppedOn: LocalDate | null;
  readonly variants: { key: string; name: string; weight: number; control: boolean; config: unknown }[];
  /** Accounts per variant (and stratum). */
  readonly assignments: { variant: string; stratum: string; accounts: number }[];
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function readSettings(value: unknown): ExperimentSettings {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<ExperimentSettings>;
  return {
    paidWithinDays: typeof v.paidWithinDays === 'number' ? v.paidWithinDays : DEFAULT_SETTINGS.paidWithinDays,
    costs: typeof v.costs === 'object' && v.costs !== null ? v.costs : DEFAULT_SETTINGS.costs,
    costCurrency: typeof v.costCurrency === 'string' ? v.costCurrency : DEFAULT_SETTINGS.costCurrency,
  };
}

async function view(ex: Executor, tenantId: number, e: ExperimentRow): Promise<Experiment> {
  const variants: VariantRow[] = await findVariants(ex, tenantId, e.id);
  const counts = await countAssignments(ex, tenantId, e.id);
  return {
    id: e.id,
    code: e.code,
    name: e.name,
    description: e.description,
    subject: e.subject,
    status: e.status,
    seed: String(e.seed),
    stratifyBy: e.stratify_by,
    population: (e.population ?? {}) as Population,
    settings: readSettings(e.settings),
    startedOn: e.started_on,
    stoppedOn: e.stopped_on,
    variants: variants.map((v) => ({
      key: v.key,
      name: v.name,
      weight: v.weight,
      control: v.is_control,
      config: v.config,
    })),
    assignments: counts.map((c) => ({ variant: c.variant_key, stratum: c.stratum, accounts: c.n })),
  };
}

export async function getExperimentOrThrow(
  ex: Executor,
  tenantId: number,
  idOrCode: string,
  options: { forUpdate?: boolean } = {},
): Promise<ExperimentRow> {
  const e = await findExperiment(ex, tenantId, idOrCode, options);
  if (!e) throw experimentsError('experiments.not_found', `no experiment ${idOrCode}`);
  return e;
}

export async function getExperiment(ex: Executor, tenantId: number, idOrCode: string): Promise<Experiment> {
  return view(ex, tenantId, await getExperimentOrThrow(ex, tenantId, idOrCode));
}

export async function listExperiments(ex: Executor, tenantId: number): Promise<Experiment[]> {
  const out: Experiment[] = [];
  for (const e of await findExperiments(ex, tenantId)) out.push(await view(ex, tenantId, e));
  return out;
}

function checkInput(input: CreateExperimentInput): void {
  const bad = (m: string) => experimentsError('experiments.invalid_request', m);
  if (!CODE.test(input.code))
    throw bad(`an experiment code is 1 to 64 letters, digits, ".", "_" or "-", not "${input.code}"`);
  if (input.name.trim() === '') throw bad('an experiment needs a name');
  if (input.variants.length < 2)
    throw bad('an experiment needs at least two variants (a champion and a challenger)');
  const keys = new Set<string>();
  for (const v of input.variants) {
    if (!KEY.test(v.key))
      throw bad(`a variant key is 1 to 32 letters, digits, ".", "_" or "-", not "${v.key}"`);
    if (keys.has(v.key)) throw bad(`variant ${v.key} is named twice`);
    keys.add(v.key);
    if (v.weight !== undefined && (!Number.isInteger(v.weight) || v.weight < 1 || v.weight > 1000))
      throw bad(`variant ${v.key}: the weight must be a whole number from 1 to 1000`);
  }
  const controls = input.variants.filter((v) => v.control).length;
  if (controls > 1) throw bad('only one variant can be the champion (control)');
  const s = input.settings ?? {};
  if (
    s.paidWithinDays !== undefined &&
    (!Number.isInteger(s.paidWithinDays) || s.paidWithinDays < 1 || s.paidWithinDays > 365)
  )
    throw bad('paid within N days: N must be 1 to 365');
  const currency = s.costCurrency ?? DEFAULT_SETTINGS.costCurrency;
  try {
    const code = parseCurrency(currency);
    for (const [channel, cost] of Object.entries(s.costs ?? {})) {
      if (parseAmount(cost, code) < 0n) throw bad(`the cost of a ${channel} cannot be negative`);
    }
  } catch (e) {
    throw bad(`costs: ${(e as Error).message}`);
  }
  if (
    input.seed !== undefined &&
    (typeof input.seed === 'number' ? !Number.isSafeInteger(input.seed) : false)
  )
    throw bad('the seed must be a whole number');
}

/**
 * A champion/challenger experiment in draft: variants with weights (the first, or the one marked
 * control, is the champion), a seed, how to stratify, who is eligible and the report's settings.
 */
export async function createExperiment(
  ctx: ServiceContext,
  input: CreateExperimentInput,
): Promise<Experiment> {
  checkInput(input);
  // A seed drawn now is stored: the assignment stays reproducible from the record.
  const seed = input.seed !== undefined ? BigInt(input.seed) : BigInt(randomInt(0, 2 ** 48 - 1));
  const id = `exp_${ulid()}`;
  const control = input.variants.find((v) => v.control)?.key ?? input.variants[0]?.key;
  const settings = { ...DEFAULT_SETTINGS, ...(input.settings ?? {}) };
  return ctx.database.db.transaction().execute(async (tx) => {
    if (await findExperiment(tx, ctx.tenantId, input.code))
      throw experimentsError('experiments.exists', `experiment ${input.code} exists already`);
    await tx
      .insertInto('experiments')
      .values({
        tenant_id: ctx.tenantId,
        id,
        code: input.code,
        name: input.name.trim(),
        description: input.description ?? null,
        subject: input.subject ?? 'dunning',
        seed,
        stratify_by: input.stratifyBy ?? null,
        population: JSON.stringify(input.population ?? {}),
        settings: JSON.stringify(settings),
        created_by: ctx.actor,
      })
      .execute();
    await tx
      .insertInto('experiment_variants')
      .values(
        input.variants.map((v) => ({
          tenant_id: ctx.tenantId,
          experiment_id: id,
          key: v.key,
          name: v.name ?? v.key,
          weight: v.weight ?? 1,
          is_control: v.key === control,
          config: JSON.stringify(v.config ?? {}),
        })),
      )
      .execute();
    const created = await getExperiment(tx, ctx.tenantId, id);
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'experiment.created',
        objectType: 'experiment',
        objectId: id,
        after: created,
      },
    ]);
    return created;
  });
}

function stratumOf(c: EligibleRow, by: StratifyBy | null): string {
  if (by === null) return '';
  const v = by === 'segment' ? c.segment : by === 'customer_type' ? c.customer_type : c.collector;
  return v ?? '(none)';
}

async function assign(tx: Executor, ctx: ServiceContext, e: ExperimentRow, on: LocalDate, seed: string) {
  const variants = await findVariants(tx, ctx.tenantId, e.id);
  const eligible = await findEligibleCustomers(tx, ctx.tenantId, {
    experimentId: e.id,
    subject: e.subject,
    population: (e.population ?? {}) as Population,
    on,
  });
  const assigned = assignVariants(
    eligible.map((c) => ({ id: c.id, stratum: stratumOf(c, e.stratify_by) })),
    variants.map((v) => ({ key: v.key, weight: v.weight })),
    seed,
  );
  await insertAssignments(tx, ctx.tenantId, e.id, on, assigned);
  return assigned;
}

/**
 * Starts a draft: assigns every eligible account at random (assign-variants.ts) and marks it running.
 * From then on dunning reads each account's variant with `findVariant`.
 */
export async function startExperiment(
  ctx: ServiceContext,
  idOrCode: string,
  options: { date?: LocalDate } = {},
): Promise<Experiment> {
  const on = options.date ?? ctx.clock.today();
  return ctx.database.db.transaction().execute(async (tx) => {
    const e = await getExperimentOrThrow(tx, ctx.tenantId, idOrCode, { forUpdate: true });
    if (e.status !== 'draft')
      throw experimentsError(
        'experiments.wrong_status',
        `experiment ${e.code} is ${e.status}; only a draft can start`,
      );
    const assigned = await assign(tx, ctx, e, on, String(e.seed));
    if (assigned.length === 0)
      throw experimentsError(
        'experiments.empty_population',
        `no account is eligible for experiment ${e.code}`,
      );
    await tx
      .updateTable('experiments')
      .set({ status: 'running', started_on: on })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', e.id)
      .execute();
    const after = await getExperiment(tx, ctx.tenantId, e.id);
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'experiment.started',
        objectType: 'experiment',
        objectId: e.id,
        before: { status: 'draft' },
        after: { status: 'running', started_on: on, seed: String(e.seed), assignments: after.assignments },
      },
    ]);
    return after;
  });
}

/**
 * Adds accounts that became eligible after the start (new customers, newly past due) to a running
 * experiment, by the same method with the seed and the day; those already assigned keep their variant.
 */
export async function assignNewAccounts(
  ctx: ServiceContext,
  idOrCode: string,
  options: { date?: LocalDate } = {},
): Promise<{ experiment: Experiment; added: number }> {
  const on = options.date ?? ctx.clock.today();
  return ctx.database.db.transaction().execute(async (tx) => {
    const e = await getExperimentOrThrow(tx, ctx.tenantId, idOrCode, { forUpdate: true });
    if (e.status !== 'running')
      throw experimentsError('experiments.wrong_status', `experiment ${e.code} is ${e.status}, not running`);
    const assigned = await assign(tx, ctx, e, on, `${e.seed}:${on}`);
    const after = await getExperiment(tx, ctx.tenantId, e.id);
    if (assigned.length > 0)
      await recordAudit(tx, ctx.tenantId, [
        {
          actor: ctx.actor,
          action: 'experiment.assigned',
          objectType: 'experiment',
          objectId: e.id,
          after: { on, added: assigned.length, assignments: after.assignments },
        },
      ]);
    return { experiment: after, added: assigned.length };
  });
}

/** Stops a running experiment: dunning goes back to its default for these accounts; the report stays. */
export async function stopExperiment(
  ctx: ServiceContext,
  idOrCode: string,
  options: { date?: LocalDate } = {},
): Promise<Experiment> {
  const on = options.date ?? ctx.clock.today();
  return ctx.database.db.transaction().execute(async (tx) => {
    const e = await getExperimentOrThrow(tx, ctx.tenantId, idOrCode, { forUpdate: true });
    if (e.status !== 'running')
      throw experimentsError('experiments.wrong_status', `experiment ${e.code} is ${e.status}, not running`);
    if (e.started_on !== null && on < e.started_on)
      throw experimentsError(
        'experiments.invalid_request',
        `cannot stop on ${on}, before the start (${e.started_on})`,
      );
    await tx
      .updateTable('experiments')
      .set({ status: 'stopped', stopped_on: on })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', e.id)
      .execute();
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'experiment.stopped',
        objectType: 'experiment',
        objectId: e.id,
        before: { status: 'running' },
        after: { status: 'stopped', stopped_on: on },
      },
    ]);
    return getExperiment(tx, ctx.tenantId, e.id);
  });
}
