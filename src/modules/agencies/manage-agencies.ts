import type { Executor, ServiceContext } from '../../core/context.ts';
import { ulid } from '../../core/ids.ts';
import { formatRate } from '../../core/money.ts';
import { recordAudit } from '../audit/index.ts';
import { agenciesError } from './agencies.errors.ts';
import { type AgencyRow, findAgencies, findAgencyByCode } from './agencies.repo.ts';
import { parseCommissionRate } from './logic/commission.ts';

export interface Agency {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  /** A decimal fraction as text: "0.25" is 25 %. */
  readonly commissionRate: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly active: boolean;
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

export const toAgency = (r: AgencyRow): Agency => ({
  id: r.id,
  code: r.code,
  name: r.name,
  commissionRate: formatRate(parseCommissionRate(r.commission_rate) ?? { units: 0n, scale: 0 }),
  email: r.email,
  phone: r.phone,
  active: r.active,
});

function rateOrThrow(text: string): string {
  const rate = parseCommissionRate(text);
  if (!rate)
    throw agenciesError(
      'agencies.invalid_request',
      `the commission rate must be a fraction from 0 to below 1 with at most 6 decimals (0.25 for 25 %), not "${text}"`,
    );
  return formatRate(rate);
}

export async function getAgencyOrThrow(ex: Executor, tenantId: number, code: string): Promise<AgencyRow> {
  const a = await findAgencyByCode(ex, tenantId, code);
  if (!a) throw agenciesError('agencies.agency_not_found', `no agency ${code}`);
  return a;
}

/** Adds a collection agency (code, name, commission rate). */
export async function createAgency(
  ctx: ServiceContext,
  input: { code: string; name: string; commissionRate: string; email?: string | null; phone?: string | null },
): Promise<Agency> {
  if (!CODE.test(input.code))
    throw agenciesError(
      'agencies.invalid_request',
      `an agency code is 1 to 32 letters, digits, ".", "_" or "-", not "${input.code}"`,
    );
  const name = input.name.trim();
  if (name === '') throw agenciesError('agencies.invalid_request', 'an agency needs a name');
  const rate = rateOrThrow(input.commissionRate);
  return ctx.database.db.transaction().execute(async (tx) => {
    if (await findAgencyByCode(tx, ctx.tenantId, input.code))
      throw agenciesError('agencies.agency_exists', `agency ${input.code} exists already`);
    const id = `agy_${ulid()}`;
    await tx
      .insertInto('agencies')
      .values({
        tenant_id: ctx.tenantId,
        id,
        code: input.code,
        name,
        commission_rate: rate,
        email: input.email ?? null,
        phone: input.phone ?? null,
        created_by: ctx.actor,
      })
      .execute();
    const agency = toAgency((await findAgencyByCode(tx, ctx.tenantId, input.code)) as AgencyRow);
    await recordAudit(tx, ctx.tenantId, [
      { actor: ctx.actor, action: 'agency.created', objectType: 'agency', objectId: id, after: agency },
    ]);
    return agency;
  });
}

/** Changes an agency's name, rate (for placements made from now on), contact or active flag. */
export async function updateAgency(
  ctx: ServiceContext,
  code: string,
  change: {
    name?: string;
    commissionRate?: string;
    email?: string | null;
    phone?: string | null;
    active?: boolean;
  },
): Promise<Agency> {
  const rate = change.commissionRate === undefined ? undefined : rateOrThrow(change.commissionRate);
  if (change.name !== undefined && change.name.trim() === '')
    throw agenciesError('agencies.invalid_request', 'an agency needs a name');
  return ctx.database.db.transaction().execute(async (tx) => {
    const before = toAgency(await getAgencyOrThrow(tx, ctx.tenantId, code));
    await tx
      .updateTable('agencies')
      .set({
        ...(change.name !== undefined ? { name: change.name.trim() } : {}),
        ...(rate !== undefined ? { commission_rate: rate } : {}),
        ...(change.email !== undefined ? { email: change.email } : {}),
        ...(change.phone !== undefined ? { phone: change.phone } : {}),
        ...(change.active !== undefined ? { active: change.active } : {}),
        updated_at: new Date(),
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', before.id)
      .execute();
    const after = toAgency(await getAgencyOrThrow(tx, ctx.tenantId, code));
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'agency.updated',
        objectType: 'agency',
        objectId: before.id,
        before,
        after,
      },
    ]);
    return after;
  });
}

export async function listAgencies(ex: Executor, tenantId: number): Promise<Agency[]> {
  return (await findAgencies(ex, tenantId)).map(toAgency);
}
