import type { ServiceContext } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { findMessages, type MessageRow } from './dunning.repo.ts';

export type DunningMessageView = MessageRow;

/** What dunning runs made (notices and call tasks), newest first: of one run date, or all. */
export async function findDunningMessages(
  ctx: ServiceContext,
  filter: { runDate?: LocalDate; customerId?: string; limit: number },
): Promise<DunningMessageView[]> {
  return findMessages(ctx.database.db, ctx.tenantId, filter);
}
