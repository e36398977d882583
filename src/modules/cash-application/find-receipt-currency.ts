import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';

/**
 * The currency of the receipt named by its id or bank reference, so that a caller (the HTTP API) can
 * read the amounts an analyst typed, field by field, before calling a workbench use case. Null when no
 * receipt bears the name, or when several of different currencies do: the workbench then refuses
 * the name with its own message (not found, ambiguous).
 */
export async function findReceiptCurrency(ctx: ServiceContext, name: string): Promise<CurrencyCode | null> {
  const text = name.trim();
  if (text === '') return null;
  const rows = await ctx.database.db
    .selectFrom('receipts')
    .select(['id', 'currency'])
    .where('tenant_id', '=', ctx.tenantId)
    .where((eb) => eb.or([eb('id', '=', text), eb('reference', '=', text)]))
    .execute();
  const byId = rows.find((r) => r.id === text);
  if (byId) return byId.currency as CurrencyCode;
  const currencies = new Set(rows.map((r) => r.currency));
  const [only] = currencies;
  return currencies.size === 1 && only !== undefined ? (only as CurrencyCode) : null;
}
