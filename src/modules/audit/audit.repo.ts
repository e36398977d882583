import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import { columnArray, type PreparedInsert, preparedStatement, type SqlArrayType } from '../../db/bulk.ts';

/** The head of one of a tenant's lanes: the last position written, its hash, the sealed legacy prefix. */
export interface ChainHead {
  readonly lane: number;
  readonly seq: bigint;
  readonly hash: string;
  readonly legacyRows: bigint;
}

/**
 * How many lanes a tenant's audit trail has (ADR 0014): audited transactions of one tenant committing
 * at the same time take different lanes, up to this many at once; more wait for one. Fixed: the
 * verifier expects lanes 0..AUDIT_LANES-1 once the tenant has audited with more than one.
 */
export const AUDIT_LANES = 16;

/** One audit row as stored; `before`/`after` as the driver parses jsonb. */
export interface AuditLogRow {
  readonly lane: number;
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

const toHead = (r: { lane: number; seq: bigint; hash: string; legacy_rows: bigint }): ChainHead => ({
  lane: r.lane,
  seq: r.seq,
  hash: r.hash,
  legacyRows: r.legacy_rows,
});

/**
 * Locks the head of one of the tenant's lanes until the transaction ends and returns it: the first
 * lane no other transaction holds (`for update skip locked`), creating the tenant's lanes at `genesis`
 * (seq 0) on first use; when every lane is held, it waits for one. The lock is what makes the
 * transactions appending to one lane do so one after another: a second one waits here and then reads
 * the head the first one left (ADR 0013, 0014).
 */
export async function lockChainHead(
  tx: Executor,
  tenantId: number,
  genesis: string,
  /** A lane this transaction already holds: appended to again rather than taking a second lane. */
  held?: number,
): Promise<ChainHead> {
  if (held !== undefined) {
    const own = await tx
      .selectFrom('audit_chain')
      .select(['lane', 'seq', 'hash', 'legacy_rows'])
      .where('tenant_id', '=', tenantId)
      .where('lane', '=', held)
      .forUpdate()
      .executeTakeFirst();
    if (own) return toHead(own);
  }
  const free = () =>
    tx
      .selectFrom('audit_chain')
      .select(['lane', 'seq', 'hash', 'legacy_rows'])
      .where('tenant_id', '=', tenantId)
      .orderBy('lane')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
  let head = await free();
  if (head) return toHead(head);
  const lanes = await tx
    .selectFrom('audit_chain')
    .select((e) => e.fn.countAll<bigint>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  if (Number(lanes.n) < AUDIT_LANES) {
    // The tenant's first audit, or a chain from before lanes (lane 0 only): create the missing lanes.
    // A concurrent creator's uncommitted lanes make this wait for it, then insert nothing.
    await sql`insert into audit_chain (tenant_id, lane, seq, hash)
      select ${tenantId}::integer, g, 0, ${genesis} from generate_series(0, ${AUDIT_LANES - 1}::integer) g
      on conflict (tenant_id, lane) do nothing`.execute(tx);
    head = await free();
    if (head) return toHead(head);
  }
  // Every lane is held: wait for one, chosen at random so that waiters spread out.
  const lane = Math.floor(Math.random() * AUDIT_LANES);
  head = await tx
    .selectFrom('audit_chain')
    .select(['lane', 'seq', 'hash', 'legacy_rows'])
    .where('tenant_id', '=', tenantId)
    .where('lane', '=', lane)
    .forUpdate()
    .executeTakeFirst();
  if (!head) throw new Error(`audit chain lane ${lane} of tenant ${tenantId} could not be locked`);
  return toHead(head);
}

/** The heads of the tenant's lanes in lane order, without locking them; empty when it never audited. */
export async function findChainHeads(ex: Executor, tenantId: number): Promise<ChainHead[]> {
  const rows = await ex
    .selectFrom('audit_chain')
    .select(['lane', 'seq', 'hash', 'legacy_rows'])
    .where('tenant_id', '=', tenantId)
    .orderBy('lane')
    .execute();
  return rows.map(toHead);
}

/** The lanes that hold rows, in order (a lane with rows but no head is a finding of its own). */
export async function findAuditLanes(ex: Executor, tenantId: number): Promise<number[]> {
  const rows = await sql<{ lane: number }>`
    with recursive l as (
      (select lane from audit_log where tenant_id = ${tenantId} order by lane limit 1)
      union all
      select (select a.lane from audit_log a where a.tenant_id = ${tenantId} and a.lane > l.lane order by a.lane limit 1)
      from l where l.lane is not null
    )
    select lane from l where lane is not null`.execute(ex);
  return rows.rows.map((r) => r.lane);
}

export function prepareChainHead(
  tenantId: number,
  head: { lane: number; seq: bigint; hash: string },
): PreparedInsert {
  return preparedStatement(
    'audit_chain',
    sql`update audit_chain set seq = ${head.seq}, hash = ${head.hash}
      where tenant_id = ${tenantId} and lane = ${head.lane}`,
  );
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
export function prepareAuditRows(
  tenantId: number,
  lane: number,
  rows: readonly NewAuditRow[],
): PreparedInsert {
  const arrays = INSERT_COLUMNS.map((c) => {
    const array = columnArray(rows.map(c.value), c.type);
    return c.cast ? sql`${array}::${sql.raw(c.cast)}[]` : array;
  });
  return preparedStatement(
    'audit_log',
    sql`insert into audit_log (tenant_id, lane, ${sql.join(INSERT_COLUMNS.map((c) => sql.ref(c.name)))})
      select ${tenantId}::integer, ${lane}::smallint, * from unnest(${sql.join(arrays)})`,
    rows.length,
  );
}

const ROW_COLUMNS = [
  'lane',
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
 * The rows of one of the tenant's lanes that have a position, in (seq, id) order, a window of `pageSize` positions at a
 * time: `seq > a and seq <= a + pageSize`. Positions are dense, so a window holds about a page; and
 * because each query names both bounds, it reads only its window even when the planner misjudges
 * (on a table just filled by an import, before its statistics caught up, a `seq > a … limit n`
 * query sorted the whole rest of the chain for every page). A window holds every row of its positions, so rows sharing a position (possible only if
 * someone dropped the unique index) are all read; an empty window jumps to the next position used.
 */
export async function* readAuditRowsBySeq(
  ex: Executor,
  tenantId: number,
  lane: number,
  pageSize: number,
  range: AtRange = {},
): AsyncGenerator<AuditLogRow[], void, undefined> {
  const nextSeq = async (after: bigint | null) => {
    let q = ex
      .selectFrom('audit_log')
      .select((e) => e.fn.min('seq').as('seq'))
      .where('tenant_id', '=', tenantId)
      .where('lane', '=', lane);
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
      .where('lane', '=', lane)
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
