import type { Executor } from '../../core/context.ts';

export interface VariantAssignment {
  readonly experimentId: string;
  readonly experimentCode: string;
  readonly subject: string;
  readonly variant: string;
  readonly variantName: string;
  /** The champion: dunning may simply do what it does by default. */
  readonly control: boolean;
  /** The variant's configuration (e.g. `{ "strategy": "dst_…" }`). */
  readonly config: unknown;
}

/**
 * The variant a customer is assigned to in a running experiment (by id or code), or null when the
 * experiment is not running or the customer is not in it. For dunning: a strategy per variant.
 */
export async function findVariant(
  ex: Executor,
  tenantId: number,
  experimentId: string,
  customerId: string,
): Promise<VariantAssignment | null> {
  const row = await ex
    .selectFrom('experiment_assignments as a')
    .innerJoin('experiments as e', (j) =>
      j.onRef('e.tenant_id', '=', 'a.tenant_id').onRef('e.id', '=', 'a.experiment_id'),
    )
    .innerJoin('experiment_variants as v', (j) =>
      j
        .onRef('v.tenant_id', '=', 'a.tenant_id')
        .onRef('v.experiment_id', '=', 'a.experiment_id')
        .onRef('v.key', '=', 'a.variant_key'),
    )
    .select(['e.id', 'e.code', 'e.subject', 'a.variant_key', 'v.name', 'v.is_control', 'v.config'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.customer_id', '=', customerId)
    .where('e.status', '=', 'running')
    .where((eb) => eb.or([eb('e.id', '=', experimentId), eb('e.code', '=', experimentId)]))
    .executeTakeFirst();
  if (!row) return null;
  return {
    experimentId: row.id,
    experimentCode: row.code,
    subject: row.subject,
    variant: row.variant_key,
    variantName: row.name,
    control: row.is_control,
    config: row.config,
  };
}

/** Every running experiment's variant for a customer (for a module that does not know the experiment ids). */
export async function findVariantsOf(
  ex: Executor,
  tenantId: number,
  customerId: string,
  subject?: string,
): Promise<VariantAssignment[]> {
  let q = ex
    .selectFrom('experiment_assignments as a')
    .innerJoin('experiments as e', (j) =>
      j.onRef('e.tenant_id', '=', 'a.tenant_id').onRef('e.id', '=', 'a.experiment_id'),
    )
    .innerJoin('experiment_variants as v', (j) =>
      j
        .onRef('v.tenant_id', '=', 'a.tenant_id')
        .onRef('v.experiment_id', '=', 'a.experiment_id')
        .onRef('v.key', '=', 'a.variant_key'),
    )
    .select(['e.id', 'e.code', 'e.subject', 'a.variant_key', 'v.name', 'v.is_control', 'v.config'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.customer_id', '=', customerId)
    .where('e.status', '=', 'running');
  if (subject !== undefined) q = q.where('e.subject', '=', subject);
  const rows = await q.orderBy('e.id').execute();
  return rows.map((row) => ({
    experimentId: row.id,
    experimentCode: row.code,
    subject: row.subject,
    variant: row.variant_key,
    variantName: row.name,
    control: row.is_control,
    config: row.config,
  }));
}
