import type { Executor, ServiceContext } from '../../core/context.ts';
import { withDbErrors } from '../../db/db-errors.ts';
import type { Principal } from '../identity/index.ts';
import { approvalsError } from './approvals.errors.ts';
import type { Refusal } from './logic/approval-rules.ts';

/** Runs `fn` in one transaction, database errors translated. */
export function inTransaction<T>(ctx: ServiceContext, fn: (tx: Executor) => Promise<T>): Promise<T> {
  return ctx.database.db.transaction().execute((tx) => withDbErrors(() => fn(tx)));
}

/**
 * The context as the principal: journal entries, application rows and audit records name the user
 * who acted (the requester for an adjustment made at once, the approver for one made on approval).
 */
export function actingAs(ctx: ServiceContext, principal: Principal): ServiceContext {
  return { ...ctx, actor: principal.username };
}

export function throwRefusal(refusal: Refusal | null): void {
  if (refusal) throw approvalsError(refusal.code, refusal.message);
}
