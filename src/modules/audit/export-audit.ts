import type { ServiceContext } from '../../core/context.ts';
import { addDays, compareDates, type LocalDate } from '../../core/local-date.ts';
import { auditError } from './audit.errors.ts';
import {
  type AuditLogRow,
  findAuditLanes,
  findUnchainedAuditRows,
  readAuditRowsBySeq,
} from './audit.repo.ts';

export type AuditExportRow = AuditLogRow;

export interface ExportAuditOptions {
  /** First day included (UTC). */
  readonly from?: LocalDate;
  /** Last day included (UTC). */
  readonly to?: LocalDate;
}

const PAGE = 5000;

/**
 * The tenant's audit rows in chain order, lane after lane (ADR 0014), with their lanes, positions
 * and hashes, for auditors: streamed page by page. Days are UTC days of `at` (an instant; a tenant's time zone would shift the edges of
 * a day, not the rows' order). Rows that have no position (written outside the chain; `arbor audit
 * verify` names them) come last, so that nothing in the table is left out of the export.
 */
export async function* exportAudit(
  ctx: ServiceContext,
  opts: ExportAuditOptions = {},
): AsyncGenerator<AuditExportRow, void, undefined> {
  if (opts.from && opts.to && compareDates(opts.from, opts.to) > 0)
    throw auditError('audit.invalid_range', `the period ends (${opts.to}) before it starts (${opts.from})`);
  const range = {
    ...(opts.from ? { from: new Date(`${opts.from}T00:00:00Z`) } : {}),
    ...(opts.to ? { to: new Date(`${addDays(opts.to, 1)}T00:00:00Z`) } : {}),
  };
  const db = ctx.database.db;
  for (const lane of await findAuditLanes(db, ctx.tenantId))
    for await (const page of readAuditRowsBySeq(db, ctx.tenantId, lane, PAGE, range)) yield* page;
  let afterId: string | null = null;
  for (;;) {
    const page = await findUnchainedAuditRows(db, ctx.tenantId, afterId, PAGE, range);
    yield* page;
    const last = page[page.length - 1];
    if (page.length < PAGE || !last) break;
    afterId = last.id;
  }
}
