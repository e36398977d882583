import type { Executor } from '../../core/context.ts';
import { newId } from '../../core/ids.ts';
import { type PreparedInsert, runInserts } from '../../db/bulk.ts';
import { lockChainHead, type NewAuditRow, prepareAuditRows, prepareChainHead } from './audit.repo.ts';
import { currentAuditContext, type DeferredAudit } from './audit-context.ts';
import { GENESIS_HASH, hashNewAuditRow, toAuditJson } from './logic/hash-audit-row.ts';

export interface AuditRecord {
  readonly actor: string;
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
  /** Default: the request id of the surrounding `withAuditContext`. */
  readonly requestId?: string | null;
  /** Default: the source address of the surrounding `withAuditContext`. */
  readonly source?: string | null;
}

// Rows per insert statement: each column travels as one array, so this bounds the statement's size
// and the memory a call holds, not a parameter count (an import that links ten thousand advices
// audits each link).
const AUDIT_CHUNK = 2000;

/**
 * Appends audit records (who, when, what, before, after, request, source) to the tenant's hash
 * chain, inside the caller's transaction (or one of its own when `ex` is not a transaction). The table
 * is append-only in the database; `verifyAuditChain` detects rows changed, removed or added outside.
 *
 * The head of one of the tenant's lanes is locked until the caller's transaction ends, so the
 * transactions appending to a lane commit their rows one after another, while up to AUDIT_LANES
 * audited transactions of one tenant proceed at once (ADR 0013, 0014). One lock and one head update
 * per call, however many records (a call's records stay together in one lane).
 */
export async function recordAudit(
  ex: Executor,
  tenantId: number,
  records: readonly AuditRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const context = currentAuditContext();
  if (context?.deferred && ex.isTransaction) {
    // The request's unit of work writes them just before it commits (flushDeferredAudit); the
    // request id and source are taken now, while they are known.
    context.deferred.records.push({
      tenantId,
      records: records.map((r) => ({
        ...r,
        requestId: r.requestId ?? context.requestId ?? null,
        source: r.source ?? context.source ?? null,
      })),
    });
    return;
  }
  // Outside a transaction the head's row lock would end with its own statement.
  if (!ex.isTransaction) {
    await ex.transaction().execute((tx) => appendAudit(tx, tenantId, records));
    return;
  }
  await appendAudit(ex, tenantId, records);
}

/**
 * Writes the records a unit of work held back (see `AuditContext.deferred`), in the order they were
 * recorded, inside its transaction `tx`, one chain append per tenant. `companions` are statements
 * the unit of work has to run at this point anyway (its idempotency record): they go in the same
 * round trip as the audit rows.
 */
export async function flushDeferredAudit(
  tx: Executor,
  deferred: DeferredAudit,
  companions: readonly PreparedInsert[] = [],
): Promise<void> {
  const byTenant = new Map<number, AuditRecord[]>();
  for (const batch of deferred.records) {
    const list = byTenant.get(batch.tenantId) ?? [];
    list.push(...(batch.records as AuditRecord[]));
    byTenant.set(batch.tenantId, list);
  }
  deferred.records.length = 0;
  let pending = companions;
  for (const [tenantId, records] of byTenant) {
    await appendAudit(tx, tenantId, records, pending);
    pending = [];
  }
  if (pending.length > 0) await runInserts(tx, pending);
}

/**
 * The lane each open transaction holds, per tenant, so that a transaction auditing twice appends to
 * the lane it already locked instead of taking (and holding) a second one.
 */
const heldLanes = new WeakMap<object, Map<number, number>>();

async function appendAudit(
  tx: Executor,
  tenantId: number,
  records: readonly AuditRecord[],
  companions: readonly PreparedInsert[] = [],
): Promise<void> {
  const held = heldLanes.get(tx);
  const head = await lockChainHead(tx, tenantId, GENESIS_HASH, held?.get(tenantId));
  if (held) held.set(tenantId, head.lane);
  else heldLanes.set(tx, new Map([[tenantId, head.lane]]));
  const context = currentAuditContext();
  // Wall-clock time, not the service clock: the audit trail says when a change really happened, even
  // when "today" is fixed (ARBOR_TODAY). Taken once the lock is held, so it follows the previous
  // writer's; milliseconds, which timestamptz keeps exactly, so the hashed instant is the stored one.
  const at = new Date();
  let seq = head.seq;
  let prevHash = head.hash;
  // The rows, the new head and the companions: written together (one round trip, see runInserts).
  const writes: PreparedInsert[] = [...companions];
  for (let start = 0; start < records.length; start += AUDIT_CHUNK) {
    const chunk = records.slice(start, start + AUDIT_CHUNK);
    const rows = new Array<NewAuditRow>(chunk.length);
    for (let i = 0; i < chunk.length; i++) {
      const r = chunk[i] as AuditRecord;
      seq += 1n;
      const row = {
        tenantId,
        id: newId('audit'),
        seq,
        at,
        actor: r.actor,
        action: r.action,
        objectType: r.objectType,
        objectId: r.objectId,
        // Canonical JSON text: stored as it is, and hashed as it is (the verifier rebuilds the same
        // text from the jsonb it reads back).
        before: toAuditJson(r.before),
        after: toAuditJson(r.after),
        requestId: r.requestId ?? context?.requestId ?? null,
        source: r.source ?? context?.source ?? null,
        prevHash,
        hash: '',
      };
      row.hash = hashNewAuditRow(prevHash, row);
      rows[i] = row;
      prevHash = row.hash;
    }
    writes.push(prepareAuditRows(tenantId, head.lane, rows));
    // A long run of records goes a chunk at a time, so that one statement holds one chunk's text.
    if (start + AUDIT_CHUNK < records.length) {
      await runInserts(tx, writes);
      writes.length = 0;
    }
  }
  writes.push(prepareChainHead(tenantId, { lane: head.lane, seq, hash: prevHash }));
  await runInserts(tx, writes);
}
