import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import { columnArray, type SqlArrayType } from '../../db/bulk.ts';

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

const INSERT_COLUMNS: readonly {
  readonly name: string;
  readonly type: SqlArrayType;
  /** The column's type when the array travels as another (timestamptz as ISO text). */
  readonly cast?: string;
  readonly value: (r: NewAuditRow) => unknown;
}[] = [
  { name: 'id', type: 'text', value: (r) => r.id },
  { name: 'seq', type: 'bigint', value: (r) => r.seq },
  { name: 'at', type: 'text', cast: 'timestamptz', value: (r) => r.at.toISOString() },
  { name: 'actor', type: 'text', value: (r) => r.actor },
  { name: 'action', type: 'text', value: (r) => r.action },
  { name: 'object_type', type: 'text', value: (r) => r.objectType },
  { name: 'object_id', type: 'text', value: (r) => r.objectId },
  { name: 'before', type: 'jsonb', value: (r) => r.before },
  { name: 'after', type: 'jsonb', value: (r) => r.after },
  { name: 'request_id', type: 'text', value: (r) => r.requestId },
  { name: 'source', type: 'text', value: (r) => r.source },
  { name: 'prev_hash', type: 'text', value: (r) => r.prevHash },
  { name: 'hash', type: 'text', value: (r) => r.hash },
];

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
  const arrays = INSERT_COLUMNS.map((c) => {
    const array = columnArray(rows.map(c.value), c.type);
    return c.cast ? sql`${array}::${sql.raw(c.cast)}[]` : array;
  });
  await sql`insert into audit_log (tenant_id, ${sql.join(INSERT_COLUMNS.map((c) => sql.ref(c.name)))})
    select ${tenantId}::integer, * from unnest(${sql.join(arrays)})`.execute(tx);
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

function selectChainedRows(ex: Executor, tenantId: number, range: AtRange) {
  let q = ex.selectFrom('audit_log').select(ROW_COLUMNS).where('tenant_id', '=', tenantId);
  if (range.from) q = q.where('at', '>=', range.from);
  if (range.to) q = q.where('at', '<', range.to);
  return q;
}

/** Bounds on `at`: `from` included, `to` excluded. */
export interface AtRange {
  readonly from?: Date;
  readonly to?: Date;
}

/**
 * The tenant's rows that have a position, in (seq, id) order, a window of `pageSize` positions at a
 * time: `seq > a and seq <= a + pageSize`. Positions are dense, so a window holds about a page; and
 * because each query names both bounds, it reads only its window even when the planner misjudges
 * (on a table just filled by an import, before its statistics caught up, a `seq > a … limit n`
 * query sorted the whole rest of the chain for every page). A window holds every row of its positions, so rows sharing a position (possible only if
 * someone dropped the unique index) are all read; an empty window jumps to the next position used.
 */
export async function* readAuditRowsBySeq(
  ex: Executor,
  tenantId: number,
  pageSize: number,
  range: AtRange = {},
): AsyncGenerator<AuditLogRow[], void, undefined> {
  const nextSeq = async (after: bigint | null) => {
    let q = ex
      .selectFrom('audit_log')
      .select((e) => e.fn.min('seq').as('seq'))
      .where('tenant_id', '=', tenantId);
    q = after === null ? q.where('seq', 'is not', null) : q.where('seq', '>', after);
    const r = await q.executeTakeFirst();
    return r?.seq === null || r?.seq === undefined ? null : BigInt(r.seq as bigint);
  };
  const first = await nextSeq(null);
  if (first === null) return;
  let after = first - 1n;
  const window = BigInt(pageSize);
  for (;;) {
    const rows = (await selectChainedRows(ex, tenantId, range)
      .where('seq', '>', after)
      .where('seq', '<=', after + window)
      .orderBy('seq')
      .orderBy('id')
      .execute()) as AuditLogRow[];
    if (rows.length > 0) {
      yield rows;
      after += window;
      continue;
    }
    const next = await nextSeq(after + window);
    if (next === null) return;
    after = next - 1n;
  }
}

/** Rows without a position in the chain (never written by recordAudit), in id order after `afterId`. */
export async function findUnchainedAuditRows(
  ex: Executor,
  tenantId: number,
  afterId: string | null,
  limit: number,
  range: AtRange = {},
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
