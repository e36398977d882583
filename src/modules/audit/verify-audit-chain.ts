import { createHash } from 'node:crypto';
import type { ServiceContext } from '../../core/context.ts';
import {
  AUDIT_LANES,
  type AuditLogRow,
  countUnchainedAuditRows,
  findAuditLanes,
  findChainHeads,
  findUnchainedAuditRows,
  readAuditRowsBySeq,
} from './audit.repo.ts';
import { GENESIS_HASH, hashAuditRow, LEGACY_HASH } from './logic/hash-audit-row.ts';

export interface AuditChainFailure {
  /** The lane concerned (ADR 0014). */
  readonly lane: number;
  /** The position concerned; null for a row that has none. */
  readonly seq: bigint | null;
  /** The row concerned; null when the row is missing. */
  readonly id: string | null;
  readonly problem: string;
}

export interface AuditLaneHead {
  readonly lane: number;
  readonly seq: bigint;
  readonly hash: string;
}

export interface AuditChainReport {
  readonly ok: boolean;
  /** Rows examined (chained, legacy and rows without a position). */
  readonly rows: number;
  /** Rows written before the chain began (sealed by count, not hashed). */
  readonly legacyRows: bigint;
  /** Positions written, all lanes together. */
  readonly headSeq: bigint;
  /**
   * The anchor to record elsewhere to detect a later rewrite of the whole trail: the head hash when
   * one lane holds rows, else the SHA-256 of every used lane's `lane:seq:hash` line (ADR 0014).
   */
  readonly headHash: string | null;
  /** Each lane's head (position and hash), lanes that hold rows only. */
  readonly lanes: readonly AuditLaneHead[];
  /** All failures found; `failures` lists the first `MAX_LISTED_FAILURES`. */
  readonly failureCount: number;
  readonly failures: readonly AuditChainFailure[];
}

export interface VerifyAuditChainOptions {
  /** Called after each page with the rows examined so far and the positions written. */
  readonly onProgress?: (progress: { rows: number; headSeq: bigint }) => void;
  /**
   * Lane heads recorded earlier, outside the database (a previous report's `lanes`): each row must
   * still be there with that hash. A rewrite of the trail together with its heads, which the chain
   * alone cannot show (ADR 0013), shows here.
   */
  readonly expect?: readonly AuditLaneHead[];
}

export const MAX_LISTED_FAILURES = 100;
const PAGE = 5000;

const range = (from: bigint, to: bigint) => (from === to ? `row ${from} is` : `rows ${from}..${to} are`);

/** The anchor of a trail from its lane heads (see `AuditChainReport.headHash`). */
export function auditAnchor(lanes: readonly AuditLaneHead[]): string | null {
  const used = lanes.filter((l) => l.seq > 0n);
  if (used.length === 0) return lanes.length > 0 ? (lanes[0]?.hash ?? null) : null;
  if (used.length === 1) return used[0]?.hash ?? null;
  return createHash('sha256')
    .update(used.map((l) => `${l.lane}:${l.seq}:${l.hash}\n`).join(''))
    .digest('hex');
}

/**
 * Walks each of the tenant's audit lanes in chain order, page by page (memory stays bounded), and
 * names every row that was changed (its content no longer gives its hash), removed (a gap in the
 * positions, or the last positions missing before the head), reordered (a row's prev_hash is not the
 * previous row's hash) or added outside `recordAudit` (no position or no hash, a position beyond the
 * head, a position used twice), and every lane head missing. Reads one snapshot, so appends running
 * meanwhile are not mistaken for tampering.
 *
 * It cannot detect a consistent rewrite of the whole trail and its heads by someone with superuser
 * rights; comparing the anchor (`headHash`) with one recorded elsewhere does (ADR 0013, 0014).
 */
export async function verifyAuditChain(
  ctx: ServiceContext,
  opts: VerifyAuditChainOptions = {},
): Promise<AuditChainReport> {
  return ctx.database.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (tx) => {
      const failures: AuditChainFailure[] = [];
      let failureCount = 0;
      const fail = (lane: number, seq: bigint | null, id: string | null, problem: string) => {
        failureCount++;
        if (failures.length < MAX_LISTED_FAILURES) failures.push({ lane, seq, id, problem });
      };

      const heads = await findChainHeads(tx, ctx.tenantId);
      const headByLane = new Map(heads.map((h) => [h.lane, h]));
      // Lanes are created together (0 alone for a chain from before lanes, else 0..AUDIT_LANES-1)
      // and their heads cannot be deleted: a missing one was removed in the database.
      const laneCount = heads.length > 1 ? AUDIT_LANES : heads.length;
      const lanesWithRows = await findAuditLanes(tx, ctx.tenantId);
      const lanes = [
        ...new Set([
          ...lanesWithRows,
          ...heads.map((h) => h.lane),
          ...(opts.expect ?? []).map((e) => e.lane),
        ]),
      ].sort((a, b) => a - b);
      for (let lane = 0; lane < laneCount; lane++)
        if (!headByLane.has(lane) && !lanesWithRows.includes(lane))
          fail(lane, null, null, `the head of lane ${lane} is missing: it was deleted`);
      // Recorded heads: lane → position → hash; each one is ticked off when its row is read.
      const expected = new Map<number, Map<bigint, string>>();
      for (const e of opts.expect ?? []) {
        if (e.seq <= 0n) continue;
        const m = expected.get(e.lane) ?? new Map<bigint, string>();
        m.set(e.seq, e.hash);
        expected.set(e.lane, m);
      }
      const legacyRows = headByLane.get(0)?.legacyRows ?? 0n;
      let headSeq = 0n;
      for (const h of heads) headSeq += h.seq;
      let rows = 0;

      for (const lane of lanes) {
        const head = headByLane.get(lane);
        const laneHead = head?.seq ?? 0n;
        const laneLegacy = head?.legacyRows ?? 0n;
        // The hash the lane's first chained row must link to.
        let expectedPrev = laneLegacy > 0n ? LEGACY_HASH : GENESIS_HASH;
        let next = 1n;
        let laneRows = 0;
        let last: AuditLogRow | null = null;
        // The row just read follows a gap: its link to the missing row cannot be checked.
        let afterGap = false;
        const at = (seq: bigint) => (lane === 0 ? `${seq}` : `${seq} of lane ${lane}`);
        const laneExpected = expected.get(lane);

        for await (const page of readAuditRowsBySeq(tx, ctx.tenantId, lane, PAGE)) {
          for (const row of page) {
            const seq = row.seq as bigint;
            rows++;
            laneRows++;
            const recorded = laneExpected?.get(seq);
            if (recorded !== undefined) {
              laneExpected?.delete(seq);
              if (row.hash !== recorded)
                fail(
                  lane,
                  seq,
                  row.id,
                  `the hash recorded earlier for this position (${recorded.slice(0, 16)}…) is not the row's: the trail was rewritten since`,
                );
            }
            if (last && seq === last.seq) {
              fail(
                lane,
                seq,
                row.id,
                `position ${at(seq)} is also held by ${last.id}: a row was inserted outside the chain`,
              );
              last = row;
              continue;
            }
            if (seq < 1n) {
              fail(
                lane,
                seq,
                row.id,
                `position ${at(seq)} is out of range: the row was inserted outside the chain`,
              );
              last = row;
              continue;
            }
            afterGap = seq > next;
            if (afterGap)
              fail(
                lane,
                next,
                null,
                `${range(next, seq - 1n)} missing${lane === 0 ? '' : ` in lane ${lane}`}: deleted`,
              );
            next = seq + 1n;
            last = row;
            if (seq > laneHead) {
              fail(lane, seq, row.id, `beyond the chain head (${at(laneHead)}): inserted outside the chain`);
            }
            if (seq <= laneLegacy) {
              if (row.hash !== null || row.prevHash !== null)
                fail(lane, seq, row.id, 'a row from before the chain began carries a hash: it was changed');
              continue;
            }
            if (row.hash === null || row.prevHash === null) {
              fail(lane, seq, row.id, 'no hash: the row was inserted outside the chain');
              continue;
            }
            if (!afterGap && row.prevHash !== expectedPrev) {
              fail(
                lane,
                seq,
                row.id,
                `prev_hash is not the hash of row ${at(seq - 1n)}: rows were reordered or the previous row rewritten`,
              );
            }
            const computed = hashAuditRow(row.prevHash, {
              tenantId: ctx.tenantId,
              seq,
              id: row.id,
              at: row.at,
              actor: row.actor,
              action: row.action,
              objectType: row.objectType,
              objectId: row.objectId,
              before: row.before,
              after: row.after,
              requestId: row.requestId,
              source: row.source,
            });
            if (computed !== row.hash)
              fail(lane, seq, row.id, 'content does not match its hash: the row was changed');
            // Link the next row to the stored hash, so that one changed row is reported once.
            expectedPrev = row.hash;
          }
          opts.onProgress?.({ rows, headSeq });
        }

        for (const [seq, hash] of laneExpected ?? [])
          fail(
            lane,
            seq,
            null,
            `row ${at(seq)}, recorded earlier with hash ${hash.slice(0, 16)}…, is gone: the trail was cut back since`,
          );
        const lastSeq = next - 1n;
        if (!head) {
          if (laneRows > 0)
            fail(
              lane,
              null,
              null,
              lane === 0
                ? 'the chain head is missing: it was deleted'
                : `the head of lane ${lane} is missing: it was deleted`,
            );
        } else if (lastSeq < laneHead) {
          fail(
            lane,
            lastSeq + 1n,
            null,
            `${range(lastSeq + 1n, laneHead)} missing at the end of ${lane === 0 ? 'the chain' : `lane ${lane}`}: deleted`,
          );
        } else if (lastSeq === laneHead && lastSeq > laneLegacy && head.hash !== expectedPrev) {
          fail(
            lane,
            laneHead,
            last?.id ?? null,
            `${lane === 0 ? 'the chain head' : `the head of lane ${lane}`} does not hold the last row’s hash`,
          );
        }
      }

      const unchained = await countUnchainedAuditRows(tx, ctx.tenantId);
      if (unchained > 0) {
        rows += unchained;
        const listed = Math.max(0, MAX_LISTED_FAILURES - failures.length);
        for (const row of await findUnchainedAuditRows(tx, ctx.tenantId, null, listed))
          failures.push({
            lane: row.lane,
            seq: null,
            id: row.id,
            problem: 'no position: inserted outside the chain',
          });
        failureCount += unchained;
        opts.onProgress?.({ rows, headSeq });
      }

      const laneHeads = heads
        .filter((h) => h.seq > 0n || h.lane === 0)
        .map(({ lane, seq, hash }) => ({ lane, seq, hash }));
      return {
        ok: failureCount === 0,
        rows,
        legacyRows,
        headSeq,
        headHash: auditAnchor(laneHeads),
        lanes: laneHeads,
        failureCount,
        failures,
      };
    });
}
