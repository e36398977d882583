import type { Clock } from '../../core/clock.ts';
import type { Executor, ServiceContext } from '../../core/context.ts';
import { type CurrencyCode, parseCurrency } from '../../core/currency.ts';
import { newId } from '../../core/ids.ts';
import type { Database } from '../../db/database.ts';
import { recordAudit } from '../audit/index.ts';
import { createLedgerService } from '../ledger/index.ts';
import { tenancyError } from './tenancy.errors.ts';

export const DEFAULT_TENANT = 'default';
export const DEFAULT_ENTITY = 'MAIN';

export interface Entity {
  id: string;
  code: string;
  name: string;
  currency: CurrencyCode;
  country: string | null;
}

/** Finds a tenant by slug; throws `tenancy.not_initialized` when the database has none yet. */
export async function getTenantId(database: Database, slug: string): Promise<number> {
  const row = await database.db
    .selectFrom('tenants')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!row) {
    throw tenancyError(
      'tenancy.not_initialized',
      slug === DEFAULT_TENANT
        ? `the database at ${database.target} is not initialized: run "arbor init" first`
        : `no tenant "${slug}" in ${database.target}`,
    );
  }
  return row.id;
}

/**
 * `arbor init`: creates the tenant and its default entity `MAIN` with its chart of accounts on the
 * first run; later runs change nothing (and refuse a different currency for `MAIN`).
 */
export async function initTenant(
  database: Database,
  clock: Clock,
  options: { slug: string; currency: string | null; actor: string },
): Promise<{ tenantId: number; created: boolean; entity: Entity }> {
  return database.db.transaction().execute(async (tx) => {
    let created = false;
    let tenant = await tx
      .selectFrom('tenants')
      .select('id')
      .where('slug', '=', options.slug)
      .executeTakeFirst();
    if (!tenant) {
      tenant = await tx
        .insertInto('tenants')
        .values({ slug: options.slug, name: options.slug === DEFAULT_TENANT ? 'Default' : options.slug })
        .returning('id')
        .executeTakeFirstOrThrow();
      created = true;
    }
    const ctx: ServiceContext = { database, clock, tenantId: tenant.id, actor: options.actor };
    const currency = options.currency ? parseCurrency(options.currency) : null;
    const existing = await findEntityByCode(tx, tenant.id, DEFAULT_ENTITY);
    if (existing) {
      if (currency && existing.currency !== currency) {
        throw tenancyError(
          'tenancy.currency_conflict',
          `entity ${DEFAULT_ENTITY} already exists with currency ${existing.currency}, not ${currency}`,
        );
      }
      await createLedgerService(ctx).createDefaultChart(tx, existing.id);
      return { tenantId: tenant.id, created, entity: existing };
    }
    const entity = await insertEntity(tx, ctx, {
      code: DEFAULT_ENTITY,
      name: 'Main entity',
      currency: currency ?? parseCurrency('USD'),
      country: null,
    });
    return { tenantId: tenant.id, created: true, entity };
  });
}

export async function insertEntity(
  ex: Executor,
  ctx: ServiceContext,
  e: { code: string; name: string; currency: CurrencyCode; country: string | null },
): Promise<Entity> {
  const id = newId('entity');
  await ex
    .insertInto('entities')
    .values({
      tenant_id: ctx.tenantId,
      id,
      code: e.code,
      name: e.name,
      currency: e.currency,
      country: e.country,
    })
    .execute();
  await createLedgerService(ctx).createDefaultChart(ex, id);
  await recordAudit(ex, ctx.tenantId, [
    { actor: ctx.actor, action: 'entity.created', objectType: 'entity', objectId: id, after: e },
  ]);
  return { id, ...e };
}

export async function findEntityByCode(ex: Executor, tenantId: number, code: string): Promise<Entity | null> {
  const row = await ex
    .selectFrom('entities')
    .select(['id', 'code', 'name', 'currency', 'country'])
    .where('tenant_id', '=', tenantId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row ? { ...row, currency: row.currency as CurrencyCode } : null;
}

export async function findEntities(ex: Executor, tenantId: number): Promise<Entity[]> {
  const rows = await ex
    .selectFrom('entities')
    .select(['id', 'code', 'name', 'currency', 'country'])
    .where('tenant_id', '=', tenantId)
    .orderBy('code')
    .execute();
  return rows.map((r) => ({ ...r, currency: r.currency as CurrencyCode }));
}

export async function getDefaultEntity(ex: Executor, tenantId: number): Promise<Entity> {
  const e = await findEntityByCode(ex, tenantId, DEFAULT_ENTITY);
  if (!e)
    throw tenancyError(
      'tenancy.entity_not_found',
      `default entity ${DEFAULT_ENTITY} is missing: run "arbor init"`,
    );
  return e;
}
