import { sql } from 'kysely';
import type { Executor } from '../core/context.ts';

/** The transaction's snapshot, for another connection to read the same data (`set transaction snapshot`). */
export async function exportSnapshot(ex: Executor): Promise<string> {
  const r = await sql<{ snapshot: string }>`select pg_export_snapshot() as snapshot`.execute(ex);
  const snapshot = r.rows[0]?.snapshot ?? '';
  // It goes into a statement as text (the command takes no parameter): hex digits and dashes only.
  if (!/^[0-9A-F]+(-[0-9A-F]+)+$/i.test(snapshot)) throw new Error(`unexpected snapshot id "${snapshot}"`);
  return snapshot;
}

/** Makes a repeatable-read transaction, before its first query, read the exported snapshot. */
export async function joinSnapshot(tx: Executor, snapshot: string): Promise<void> {
  await sql.raw(`set transaction snapshot '${snapshot}'`).execute(tx);
}

/**
 * Runs `work` with `connections` executors of a PostgreSQL server's pool, each a read-only
 * repeatable-read transaction reading one snapshot (exported by the first, as pg_dump does for its
 * parallel workers): what they read together is the database at one moment, and each keeps a core
 * of the server busy. Not for the embedded engine, which runs one statement at a time.
 */
export async function inOneSnapshot<T>(
  db: Executor,
  connections: number,
  work: (executors: Executor[]) => Promise<T>,
): Promise<T> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (first) => {
      const executors: Executor[] = [first];
      if (connections <= 1) return work(executors);
      const snapshot = await exportSnapshot(first);
      const more = async (): Promise<T> => {
        if (executors.length >= connections) return work(executors);
        return db.connection().execute((conn) =>
          conn
            .transaction()
            .setIsolationLevel('repeatable read')
            .setAccessMode('read only')
            .execute(async (tx) => {
              await joinSnapshot(tx, snapshot);
              executors.push(tx);
              return more();
            }),
        );
      };
      return more();
    });
}
