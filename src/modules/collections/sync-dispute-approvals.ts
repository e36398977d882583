import type { ServiceContext } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { type AuditRecord, recordAudit } from '../audit/index.ts';
import { inTransaction } from './collections.context.ts';
import { loadSettings } from './collections.lookup.ts';
import { findDisputes } from './collections.repo.ts';
import type { EvaluationResult } from './contract.ts';
import { settleDisputeApproval } from './dispute-state.ts';

/**
 * Catches every dispute waiting for the approval of its credit memo or write-off up with that
 * approval's decision (dispute-state.ts settleDisputeApproval): approved → resolved; rejected or
 * cancelled → the resolution withdrawn. Part of `evaluateCollections`.
 */
export async function syncDisputeApprovals(ctx: ServiceContext, asOf: LocalDate): Promise<EvaluationResult> {
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const settings = await loadSettings(tx, t);
    const waiting = await findDisputes(tx, t, {
      statuses: ['open', 'investigating'],
      withApproval: true,
      lock: true,
    });
    const disputes = { resolved: 0, reopened: 0 };
    const changes: string[] = [];
    const audits: AuditRecord[] = [];
    for (const row of waiting) {
      const r = await settleDisputeApproval(ctx, tx, row, settings.timeZone, audits);
      if (!r) continue;
      disputes[r.change]++;
      changes.push(r.line);
    }
    await recordAudit(tx, t, audits);
    return {
      asOf,
      promises: { evaluated: 0, kept: 0, broken: 0 },
      plans: { evaluated: 0, completed: 0, broken: 0 },
      disputes,
      changes,
    };
  });
}
