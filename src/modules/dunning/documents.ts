import type { ServiceContext } from '../../core/context.ts';
import { findCustomerByNumber } from '../parties/index.ts';
import { type DocumentMeta, findDocumentRow, findDocumentRows, sha256Hex } from './documents.repo.ts';
import { dunningError } from './dunning.errors.ts';
import { findEmailRows, type OutboxEmail } from './outbox.repo.ts';

export type { DocumentMeta } from './documents.repo.ts';

/**
 * A document as it was sent: its bytes exactly, and its SHA-256 checked against them, so what is
 * shown again is what went out. The caller decides who may see it (a consumer's is protected).
 */
export async function getDocument(
  ctx: ServiceContext,
  id: string,
): Promise<{ meta: DocumentMeta; content: Buffer }> {
  const found = await findDocumentRow(ctx.database.db, ctx.tenantId, id);
  if (!found) throw dunningError('dunning.document_not_found', `no document ${id}`);
  const actual = sha256Hex(found.content);
  if (actual !== found.meta.sha256)
    throw new Error(
      `document ${id} does not match its recorded SHA-256 (${found.meta.sha256}, found ${actual})`,
    );
  return found;
}

/** Documents, newest first: a customer's (by account number), or the tenant's. */
export async function findDocuments(
  ctx: ServiceContext,
  filter: { accountNumber?: string; limit: number; before?: string },
): Promise<DocumentMeta[]> {
  let customerId: string | undefined;
  if (filter.accountNumber !== undefined) {
    const c = await findCustomerByNumber(ctx.database.db, ctx.tenantId, filter.accountNumber);
    if (!c)
      throw dunningError(
        'dunning.customer_not_found',
        `no customer with account number "${filter.accountNumber}"`,
      );
    customerId = c.id;
  }
  return findDocumentRows(ctx.database.db, ctx.tenantId, {
    limit: filter.limit,
    ...(customerId === undefined ? {} : { customerId }),
    ...(filter.before === undefined ? {} : { before: filter.before }),
  });
}

/** The outbox, newest first: what was sent, what waits, what failed and why. */
export async function findOutbox(
  ctx: ServiceContext,
  filter: { status?: OutboxEmail['status'] | undefined; limit: number; before?: string },
): Promise<OutboxEmail[]> {
  return findEmailRows(ctx.database.db, ctx.tenantId, {
    status: filter.status,
    limit: filter.limit,
    ...(filter.before === undefined ? {} : { before: filter.before }),
  });
}
