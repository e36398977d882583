import { sql } from 'kysely';
import type { Database } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';

/** Arbitrary constant for pg_advisory_xact_lock: one migrator at a time per database. */
const MIGRATION_LOCK = 727_001;

async function appliedNames(database: Database): Promise<Set<string>> {
  const rows = await sql<{ name: string }>`select name from arbor_migrations`.execute(database.db);
  return new Set(rows.rows.map((r) => r.name));
}

/**
 * Brings the schema up to date. Each migration runs as one script together with its bookkeeping row,
 * in one transaction, so it is applied entirely or not at all. When two processes migrate at once,
 * the advisory lock makes the second wait; its attempt then fails on the existing objects, and it
 * finds the migration recorded and carries on. Returns the names applied by this call.
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  await database.exec(`create table if not exists arbor_migrations (
    name text primary key, applied_at timestamptz not null default now())`);
  let applied = await appliedNames(database);
  const done: string[] = [];
  for (const m of MIGRATIONS) {
    if (applied.has(m.name)) continue;
    try {
      await database.exec(
        `select pg_advisory_xact_lock(${MIGRATION_LOCK});\n${m.sql};\n` +
          `insert into arbor_migrations (name) values ('${m.name.replace(/'/g, "''")}');`,
      );
      done.push(m.name);
    } catch (e) {
      applied = await appliedNames(database);
      if (!applied.has(m.name)) throw e;
    }
  }
  return done;
}
