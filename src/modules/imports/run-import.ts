import { sql } from 'kysely';
import type { Executor, ServiceContext } from '../../core/context.ts';
import type { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { stringifyJson } from '../../core/json-text.ts';
import { withDbErrors } from '../../db/db-errors.ts';
import { recordAudit } from '../audit/index.ts';
import {
  bindHeader,
  type ColumnBinding,
  createProgressBar,
  type TableRow,
  type TableSource,
} from '../tabular/index.ts';
import { importError } from './imports.errors.ts';
import { IssueCollector } from './issue-collector.ts';

const ANALYZE_AFTER_ROWS = 10_000;
/** One statement each: VACUUM cannot run inside a multi-statement script. */
const ANALYZE_TABLES: Record<ImportKind, readonly string[]> = {
  entities: ['analyze entities'],
  // Vacuuming customers sets the visibility map, so the checks of the items posted next find each
  // customer in its key alone, without reading the row (on the server, the check of a statement of
  // 10,000 items naming about 9,000 customers: 25.6 ms before, 18.2 ms after; EXPLAIN ANALYZE).
  customers: ['vacuum (analyze) customers', 'analyze customer_bank_accounts', 'analyze contacts'],
  parties: ['analyze parties', 'analyze party_relationships'],
  // Vacuuming items sets the visibility map, so aging can read the open-items index alone.
  invoices: [
    'vacuum (analyze) items',
    'analyze journal_entries',
    'analyze journal_lines',
    'analyze applications',
  ],
  history: [
    'vacuum (analyze) items',
    'analyze receipts',
    'analyze applications',
    'analyze journal_entries',
    'analyze journal_lines',
  ],
};

export type ImportKind = 'entities' | 'customers' | 'parties' | 'invoices' | 'history';

export interface ImportSpec {
  readonly kind: ImportKind;
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

export interface ImportHandlerArgs {
  readonly tx: Executor;
  readonly ctx: ServiceContext;
  readonly importId: string;
  readonly file: string;
  readonly columns: ColumnBinding;
  /** Data rows in file order; unreadable records are already reported as issues and skipped. */
  readonly rows: AsyncIterable<TableRow>;
  readonly issues: IssueCollector;
}

export interface ImportOutcome {
  readonly rows: number;
  readonly summary: Record<string, unknown>;
}

export interface ImportResult extends ImportOutcome {
  readonly importId: string;
  readonly kind: ImportKind;
  readonly file: string;
}

export interface RunImportOptions {
  /** Draw a progress bar on stderr when it is a terminal (default true). */
  readonly progress?: boolean;
}

/**
 * The shape every import shares: the header checked against the format, a second import of the same
 * content refused, then the rows read once, streamed, inside one transaction. Any bad row anywhere
 * fails the whole import after every row has been checked, and nothing is written.
 */
export async function runImport(
  ctx: ServiceContext,
  spec: ImportSpec,
  source: TableSource,
  handler: (args: ImportHandlerArgs) => Promise<ImportOutcome>,
  options: RunImportOptions = {},
): Promise<ImportResult> {
  try {
    return await importSource(ctx, spec, source, handler, options);
  } finally {
    await source.close();
  }
}

async function importSource(
  ctx: ServiceContext,
  spec: ImportSpec,
  source: TableSource,
  handler: (args: ImportHandlerArgs) => Promise<ImportOutcome>,
  options: RunImportOptions,
): Promise<ImportResult> {
  const bound = bindHeader(source, { required: spec.required, optional: spec.optional });
  if (!bound.ok) {
    throw importError(
      'import.invalid_header',
      `${source.file}: the header does not match the ${spec.kind} format`,
      {
        issues: bound.issues,
      },
    );
  }
  const hash = await source.contentHash();
  const prior = await findImportByHash(ctx.database.db, ctx.tenantId, spec.kind, hash);
  if (prior) throw duplicateError(source.file, spec.kind, prior);

  const importId = newId('import');
  const issues = new IssueCollector(source.file);
  const progress =
    options.progress === false
      ? null
      : createProgressBar({ label: `import ${spec.kind}`, total: source.bytesTotal, unit: 'bytes' });
  let read = 0;
  async function* rows(): AsyncGenerator<TableRow> {
    for await (const r of source.rows()) {
      read++;
      if ('error' in r) {
        issues.add(r.line, undefined, r.error);
      } else {
        yield r;
      }
      if ((read & 1023) === 0) progress?.update(source.bytesRead(), read);
    }
  }

  try {
    const outcome = await ctx.database.db.transaction().execute(async (tx) => {
      // Statement-level checks read each batch of rows from a transition table, which a server's
      // default work_mem (4 MB) spills to a temporary file for a batch of some thousand items.
      if (ctx.database.kind === 'postgres') await sql`set local work_mem = '64MB'`.execute(tx);
      const result = await withDbErrors(() =>
        handler({ tx, ctx, importId, file: source.file, columns: bound.columns, rows: rows(), issues }),
      );
      if (issues.count > 0) {
        throw importError(
          'import.invalid_rows',
          `${source.file}: ${issues.badRowCount || issues.count} bad row(s); nothing was imported`,
          { issues: issues.list() },
        );
      }
      try {
        await tx
          .insertInto('imports')
          .values({
            tenant_id: ctx.tenantId,
            id: importId,
            kind: spec.kind,
            file_name: source.file,
            content_hash: hash,
            row_count: result.rows,
            summary: stringifyJson(result.summary),
            created_by: ctx.actor,
          })
          .execute();
      } catch (e) {
        // A concurrent import of the same file won the race.
        const again = await findImportByHash(ctx.database.db, ctx.tenantId, spec.kind, hash);
        if (again) throw duplicateError(source.file, spec.kind, again);
        throw e;
      }
      await recordAudit(tx, ctx.tenantId, [
        {
          actor: ctx.actor,
          action: `import.${spec.kind}`,
          objectType: 'import',
          objectId: importId,
          after: { file: source.file, content_hash: hash, rows: result.rows, summary: result.summary },
        },
      ]);
      return result;
    });
    progress?.finish();
    // Large imports change the tables' statistics a lot; the embedded engine has no autovacuum to
    // notice, and a stale plan can turn a 300 ms aging into seconds.
    if (outcome.rows >= ANALYZE_AFTER_ROWS) {
      const [first, ...rest] = ANALYZE_TABLES[spec.kind];
      const runRest = async () => {
        for (const statement of rest) await ctx.database.exec(statement);
      };
      // A server runs the first (the largest: a vacuum) on a connection of its own beside the rest.
      if (ctx.database.kind === 'postgres' && first !== undefined)
        await Promise.all([ctx.database.exec(first), runRest()]);
      else {
        if (first !== undefined) await ctx.database.exec(first);
        await runRest();
      }
    }
    return { importId, kind: spec.kind, file: source.file, ...outcome };
  } catch (e) {
    progress?.finish();
    throw e;
  }
}

async function findImportByHash(ex: Executor, tenantId: number, kind: string, hash: string) {
  return ex
    .selectFrom('imports')
    .select(['id', 'file_name', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', kind)
    .where('content_hash', '=', hash)
    .executeTakeFirst();
}

function duplicateError(
  file: string,
  kind: string,
  prior: { id: string; file_name: string; created_at: Date },
): AppError {
  return importError(
    'import.duplicate_file',
    `${file}: this ${kind} file was already imported (${prior.id}, from ${prior.file_name}, on ${prior.created_at.toISOString()}); nothing was changed`,
    { details: { import_id: prior.id } },
  );
}
