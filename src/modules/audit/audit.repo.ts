import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import { columnArray } from '../../db/bulk.ts';

/** The head of a tenant's chain: the last position written, its hash, and the sealed legacy prefix. */
export interface ChainHead {
  readonly seq: bigint;
  readonly hash: string;
  readonly legacyRows: bigint;
}

/** One audit row as stored; `before`/`after` as the driver parses jsonb. */
export interface AuditLogRow {
  readonly seq: bigint | null;
  readonly id: string;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly requestId: string | null;
  readonly source: string | null;
  readonly prevHash: string | null;
  readonly hash: string | null;
}

/** A row to append, its hash already computed; `before`/`after` as JSON text. */
export interface NewAuditRow {
  readonly id: string;
  readonly seq: bigint;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string | null;
  readonly before: string | null;
  readonly after: string | null;
  readonly requestId: string | null;
  readonly source: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * Locks the tenant's chain head until the transaction ends, creating it at `genesis` (seq 0) on the
 * tenant's first audit row. The lock is what makes a tenant's audited transactions append one after
 * another: a second one waits here and then reads the head the first one left.
 */
export async function lockChainHead(tx: Executor, tenantId: number, genesis: string): Promise<ChainHead> {
  const select = () =>
    tx
      .selectFrom('audit_chain')
      .select(['seq', 'hash', 'legacy_rows'])
      .where('tenant_id', '=', tenantId)
      .forUpdate()
      .executeTakeFirst();
  let head = await select();
  if (!head) {
    // Two first writers: the second waits on the first's uncommitted key, then inserts nothing.
    await tx
      .insertInto('audit_chain')
      .values({ tenant_id: tenantId, seq: 0n, hash: genesis })
      .onConflict((oc) => oc.column('tenant_id').doNothing())
      .execute();
    head = await select();
  }
  if (!head) throw new Error(`audit chain head of tenant ${tenantId} could not be created`);
  return { seq: head.seq, hash: head.hash, legacyRows: head.legacy_rows };
}

/** The tenant's chain head without locking it; null when the tenant never wrote an audit row. */
export async function findChainHead(ex: Executor, tenantId: number): Promise<ChainHead | null> {
  const head = await ex
    .selectFrom('audit_chain')
    .select(['seq', 'hash', 'legacy_rows'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return head ? { seq: head.seq, hash: head.hash, legacyRows: head.legacy_rows } : null;
}

export async function updateChainHead(
  tx: Executor,
  tenantId: number,
  head: { seq: bigint; hash: string },
): Promise<void> {
  await tx
    .updateTable('audit_chain')
    .set({ seq: head.seq, hash: head.hash })
    .where('tenant_id', '=', tenantId)
    .execute();
}

/**
 * One `insert … select from unnest(…)` per call (the caller chunks): each column travels as one
 * delimited string that PostgreSQL splits, far cheaper than thirteen bound parameters a row.
 */
export async function insertAuditRows(
  tx: Executor,
  tenantId: number,
  rows: readonly NewAuditRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: NewAuditRow) => T) => rows.map(f);
  await sql`insert into audit_log (tenant_id, id, seq, at, actor, action, object_type, object_id,
      before, after, request_id, source, prev_hash, hash)
    select ${tenantId}::integer, * from unnest(
      ${columnArray(
        col((r) => r.id),
        'text',
      )},
      ${columnArray(
        col((r) => r.seq),
        'bigint',
      )},
      ${columnArray(
        col((r) => r.at.toISOString()),
        'text',
      )}::timestamptz[],
      ${columnArray(
        col((r) => r.actor),
        'text',
      )},
      ${columnArray(
        col((r) => r.action),
        'text',
      )},
      ${columnArray(
        col((r) => r.objectType),
        'text',
      )},
      ${columnArray(
        col((r) => r.objectId),
        'text',
      )},
      ${columnArray(
        col((r) => r.before),
        'jsonb',
      )},
      ${columnArray(
        col((r) => r.after),
        'jsonb',
      )},
      ${columnArray(
        col((r) => r.requestId),
        'text',
      )},
      ${columnArray(
        col((r) => r.source),
        'text',
      )},
      ${columnArray(
        col((r) => r.prevHash),
        'text',
      )},
      ${columnArray(
        col((r) => r.hash),
        'text',
      )})`.execute(tx);
}

const ROW_COLUMNS = [
  'seq',
  'id',
  'at',
  'actor',
  'action',
  'object_type as objectType',
  'object_id as objectId',
  'before',
  'after',
  'request_id as requestId',
  'source',
  'prev_hash as prevHash',
  'hash',
] as const;

/**
 * The tenant's rows after position (`afterSeq`, `afterId`) in (seq, id) order: keyset pagination
 * that also walks past rows sharing a seq (possible only if someone dropped the unique index).
 * `from`/`to` bound `at` (to exclusive).
 */
export async function findAuditRowsBySeq(
  ex: Executor,
  tenantId: number,
  after: { seq: bigint; id: string } | null,
  limit: number,
  range: { from?: Date; to?: Date } = {},
): Promise<AuditLogRow[]> {
  let q = ex
    .selectFrom('audit_log')
    .select(ROW_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('seq', 'is not', null);
  if (after)
    // `seq >= s` lets the (tenant_id, seq) index bound the scan; the rest skips rows already read.
    q = q
      .where('seq', '>=', after.seq)
      .where((e) => e.or([e('seq', '>', after.seq), e('id', '>', after.id)]));
  if (range.from) q = q.where('at', '>=', range.from);
  if (range.to) q = q.where('at', '<', range.to);
  const rows = await q.orderBy('seq').orderBy('id').limit(limit).execute();
  return rows as AuditLogRow[];
}

/** Rows without a position in the chain (never written by recordAudit), in id order after `afterId`. */
export async function findUnchainedAuditRows(
  ex: Executor,
  tenantId: number,
  afterId: string | null,
  limit: number,
  range: { from?: Date; to?: Date } = {},
): Promise<AuditLogRow[]> {
  let q = ex
    .selectFrom('audit_log')
    .select(ROW_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('seq', 'is', null);
  if (afterId !== null) q = q.where('id', '>', afterId);
  if (range.from) q = q.where('at', '>=', range.from);
  if (range.to) q = q.where('at', '<', range.to);
  const rows = await q.orderBy('id').limit(limit).execute();
  return rows as AuditLogRow[];
}

export async function countUnchainedAuditRows(ex: Executor, tenantId: number): Promise<number> {
  const r = await ex
    .selectFrom('audit_log')
    .select((e) => e.fn.countAll<bigint>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('seq', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
