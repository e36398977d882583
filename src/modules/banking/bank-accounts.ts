import type { ServiceContext } from '../../core/context.ts';
import { isCurrencyCode } from '../../core/currency.ts';
import { newId } from '../../core/ids.ts';
import { withDbErrors } from '../../db/db-errors.ts';
import { recordAudit } from '../audit/index.ts';
import { normalizeBankAccount } from '../parties/index.ts';
import { findEntityByCode } from '../tenancy/index.ts';
import { bankingError } from './banking.errors.ts';
import { findBankAccount, listBankAccounts } from './banking.repo.ts';

/** Registers one of the company's bank accounts under an entity (audited); idempotent for the same entity. */
export async function addBankAccount(
  ctx: ServiceContext,
  input: { account: string; currency: string; entityCode: string; name?: string | null },
): Promise<{ id: string; created: boolean }> {
  const account = normalizeBankAccount(input.account);
  const currency = input.currency.toUpperCase();
  if (account === '') throw bankingError('banking.invalid_entry', 'the bank account is empty');
  if (!isCurrencyCode(currency))
    throw bankingError('banking.invalid_entry', `unknown currency ${input.currency}`);
  return ctx.database.db.transaction().execute((tx) =>
    withDbErrors(async () => {
      const entity = await findEntityByCode(tx, ctx.tenantId, input.entityCode);
      if (!entity) throw bankingError('banking.invalid_entry', `no entity ${input.entityCode}`);
      const known = await findBankAccount(tx, ctx.tenantId, account, currency);
      if (known) {
        if (known.entity_id !== entity.id)
          throw bankingError(
            'banking.invalid_entry',
            `bank account ${account} (${currency}) already belongs to another entity`,
          );
        return { id: known.id, created: false };
      }
      const id = newId('bankAccount');
      await tx
        .insertInto('bank_accounts')
        .values({
          tenant_id: ctx.tenantId,
          id,
          entity_id: entity.id,
          account,
          currency,
          name: input.name ?? null,
        })
        .execute();
      await recordAudit(tx, ctx.tenantId, [
        {
          actor: ctx.actor,
          action: 'bank_account.create',
          objectType: 'bank_account',
          objectId: id,
          after: { account, currency, entity: entity.code, name: input.name ?? null },
        },
      ]);
      return { id, created: true };
    }),
  );
}

export async function findBankAccounts(ctx: ServiceContext) {
  return listBankAccounts(ctx.database.db, ctx.tenantId);
}
