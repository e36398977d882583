import type { ServiceContext } from '../../core/context.ts';
import {
  type AuditLogRow,
  countUnchainedAuditRows,
  findChainHead,
  findUnchainedAuditRows,
  readAuditRowsBySeq,
} from './audit.repo.ts';
import { GENESIS_HASH, hashAuditRow, LEGACY_HASH } from './logic/hash-audit-row.ts';

export interface AuditChainFailure {
  /** The position concerned; null for a row that has none. */
  readonly seq: bigint | null;
  /** The row concerned; null when the row is missing. */
  readonly id: string | null;
  readonly problem: string;
}

export interface AuditChainReport {
  readonly ok: boolean;
  /** Rows examined (chained, legacy and rows without a position). */
  readonly rows: number;
  /** Rows written before the chain began (sealed by count, not hashed). */
  readonly legacyRows: bigint;
  readonly headSeq: bigint;
  /** The head's hash: record it elsewhere to detect a rewrite of the whole chain later. */
  readonly headHash: string | null;
  /** All failures found; `failures` lists the first `MAX_LISTED_FAILURES`. */
  readonly failureCount: number;
  readonly failures: readonly AuditChainFailure[];
}

export interface VerifyAuditChainOptions {
  /** Called after each page with the rows examined so far and the head's position. */
  readonly onProgress?: (progress: { rows: number; headSeq: bigint }) => void;
}

export const MAX_LISTED_FAILURES = 100;
const PAGE = 5000;

const range = (from: bigint, to: bigint) => (from === to ? `row ${from} is` : `rows ${from}..${to} are`);

/**
 * Walks the tenant's audit rows in chain order, page by page (memory stays bounded), and names every
 * row that was changed (its content no longer gives its hash), removed (a gap in the positions, or
 * the last positions missing before the head), reordered (a row's prev_hash is not the previous row's
 * hash) or added outside `recordAudit` (no position or no hash, a position beyond the head, a position
 * used twice). Reads one snapshot, so appends running meanwhile are not mistaken for tampering.
 *
 * It cannot detect a consistent rewrite of the whole chain and its head by someone with superuser
 * rights; comparing the head hash with one recorded elsewhere does (ADR 0013).
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
      const fail = (seq: bigint | null, id: string | null, problem: string) => {
        failureCount++;
        if (failures.length < MAX_LISTED_FAILURES) failures.push({ seq, id, problem });
      };

      const head = await findChainHead(tx, ctx.tenantId);
      const headSeq = head?.seq ?? 0n;
      const legacyRows = head?.legacyRows ?? 0n;
      // The hash the first chained row must link to.
      let expectedPrev = legacyRows > 0n ? LEGACY_HASH : GENESIS_HASH;
      let next = 1n;
      let rows = 0;
      let last: AuditLogRow | null = null;
      // The row just read follows a gap: its link to the missing row cannot be checked.
      let afterGap = false;

      for await (const page of readAuditRowsBySeq(tx, ctx.tenantId, PAGE)) {
        for (const row of page) {
          const seq = row.seq as bigint;
          rows++;
          if (last && seq === last.seq) {
            fail(
              seq,
              row.id,
              `position ${seq} is also held by ${last.id}: a row was inserted outside the chain`,
            );
            last = row;
            continue;
          }
          if (seq < 1n) {
            fail(seq, row.id, `position ${seq} is out of range: the row was inserted outside the chain`);
            last = row;
            continue;
          }
          afterGap = seq > next;
          if (afterGap) fail(next, null, `${range(next, seq - 1n)} missing: deleted`);
          next = seq + 1n;
          last = row;
          if (seq > headSeq) {
            fail(seq, row.id, `beyond the chain head (${headSeq}): inserted outside the chain`);
          }
          if (seq <= legacyRows) {
            if (row.hash !== null || row.prevHash !== null)
              fail(seq, row.id, 'a row from before the chain began carries a hash: it was changed');
            continue;
          }
          if (row.hash === null || row.prevHash === null) {
            fail(seq, row.id, 'no hash: the row was inserted outside the chain');
            continue;
          }
          if (!afterGap && row.prevHash !== expectedPrev) {
            fail(
              seq,
              row.id,
              `prev_hash is not the hash of row ${seq - 1n}: rows were reordered or the previous row rewritten`,
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
            fail(seq, row.id, 'content does not match its hash: the row was changed');
          // Link the next row to the stored hash, so that one changed row is reported once.
          expectedPrev = row.hash;
        }
        opts.onProgress?.({ rows, headSeq });
      }

      const lastSeq = next - 1n;
      if (!head && rows > 0) fail(null, null, 'the chain head is missing: it was deleted');
      if (lastSeq < headSeq) {
        fail(lastSeq + 1n, null, `${range(lastSeq + 1n, headSeq)} missing at the end of the chain: deleted`);
      } else if (head && lastSeq === headSeq && lastSeq > legacyRows && head.hash !== expectedPrev) {
        fail(headSeq, last?.id ?? null, 'the chain head does not hold the last row’s hash');
      }

      const unchained = await countUnchainedAuditRows(tx, ctx.tenantId);
      if (unchained > 0) {
        rows += unchained;
        const listed = Math.max(0, MAX_LISTED_FAILURES - failures.length);
        for (const row of await findUnchainedAuditRows(tx, ctx.tenantId, null, listed))
          failures.push({ seq: null, id: row.id, problem: 'no position: inserted outside the chain' });
        failureCount += unchained;
        opts.onProgress?.({ rows, headSeq });
      }

      return {
        ok: failureCount === 0,
        rows,
        legacyRows,
        headSeq,
        headHash: head?.hash ?? null,
        failureCount,
        failures,
      };
    });
}
