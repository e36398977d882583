import type { Executor } from '../../core/context.ts';
import { newId } from '../../core/ids.ts';

export interface AuditRecord {
  readonly actor: string;
  readonly action: string;
  readonly objectType: string;
  readonly objectId: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly requestId?: string | null;
  readonly source?: string | null;
}

const AUDIT_CHUNK = 2000;

const json = (v: unknown) =>
  v === undefined ? null : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

/** Appends audit records (who, what, before, after). The table is append-only in the database. */
export async function recordAudit(
  ex: Executor,
  tenantId: number,
  records: readonly AuditRecord[],
): Promise<void> {
  // Ten parameters a row: chunks of 2,000 stay far below PostgreSQL's 65,535 per statement (an
  // import that links ten thousand advices audits each link).
  for (let start = 0; start < records.length; start += AUDIT_CHUNK) {
    await ex
      .insertInto('audit_log')
      .values(
        records.slice(start, start + AUDIT_CHUNK).map((r) => ({
          tenant_id: tenantId,
          id: newId('audit'),
          actor: r.actor,
          action: r.action,
          object_type: r.objectType,
          object_id: r.objectId,
          before: json(r.before),
          after: json(r.after),
          request_id: r.requestId ?? null,
          source: r.source ?? null,
        })),
      )
      .execute();
  }
}
