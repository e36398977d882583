import type { ServiceContext } from '../../core/context.ts';
import { withDbErrors } from '../../db/db-errors.ts';
import { recordAudit } from '../audit/index.ts';
import { type BankCsvMapping, ZBankCsvMapping } from '../bank-files/index.ts';
import { bankingError } from './banking.errors.ts';

/**
 * Bank CSV column mappings saved by name, so that a bank's export is read the same way every day
 * (`arbor bank-mapping save NAME FILE`, then `arbor import bank FILE --mapping NAME`). Saving the same
 * name again replaces the mapping (audited, with the one it replaced).
 */
export async function saveBankCsvMapping(
  ctx: ServiceContext,
  name: string,
  mapping: BankCsvMapping,
): Promise<boolean> {
  const trimmed = name.trim();
  if (trimmed === '') throw bankingError('banking.invalid_entry', 'a mapping needs a name');
  return ctx.database.db.transaction().execute((tx) =>
    withDbErrors(async () => {
      const before = await tx
        .selectFrom('bank_csv_mappings')
        .select('mapping')
        .where('tenant_id', '=', ctx.tenantId)
        .where('name', '=', trimmed)
        .executeTakeFirst();
      const json = JSON.stringify({ ...mapping, name: trimmed });
      if (before)
        await tx
          .updateTable('bank_csv_mappings')
          .set({ mapping: json })
          .where('tenant_id', '=', ctx.tenantId)
          .where('name', '=', trimmed)
          .execute();
      else
        await tx
          .insertInto('bank_csv_mappings')
          .values({ tenant_id: ctx.tenantId, name: trimmed, mapping: json, created_by: ctx.actor })
          .execute();
      await recordAudit(tx, ctx.tenantId, [
        {
          actor: ctx.actor,
          action: before ? 'bank_csv_mapping.replace' : 'bank_csv_mapping.create',
          objectType: 'bank_csv_mapping',
          objectId: trimmed,
          before: before?.mapping,
          after: JSON.parse(json),
        },
      ]);
      return before === undefined;
    }),
  );
}

/** A saved mapping by name, checked again (it may predate a change of the mapping's rules). */
export async function findBankCsvMapping(ctx: ServiceContext, name: string): Promise<BankCsvMapping | null> {
  const row = await ctx.database.db
    .selectFrom('bank_csv_mappings')
    .select('mapping')
    .where('tenant_id', '=', ctx.tenantId)
    .where('name', '=', name.trim())
    .executeTakeFirst();
  if (!row) return null;
  const parsed = ZBankCsvMapping.safeParse(row.mapping);
  if (!parsed.success)
    throw bankingError(
      'banking.invalid_entry',
      `saved mapping ${name} is no longer valid: ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

export async function listBankCsvMappings(ctx: ServiceContext) {
  return ctx.database.db
    .selectFrom('bank_csv_mappings')
    .select(['name', 'created_at', 'created_by'])
    .where('tenant_id', '=', ctx.tenantId)
    .orderBy('name')
    .execute();
}
