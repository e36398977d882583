import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Executor } from '../core/context.ts';
import { inOneSnapshot } from './snapshot.ts';

const onServer = !!inject('pgTemplateUrl');

const probes = async (ex: Executor) =>
  (await sql<{ n: number }>`select count(*)::int as n from snapshot_probe`.execute(ex)).rows[0]?.n;

describe('inOneSnapshot (server only: the embedded engine has one connection)', () => {
  it.skipIf(!onServer)(
    'gives connections of their own that read one moment of the database and write nothing',
    async () => {
      const t = await createTestDatabase();
      try {
        const db = t.database.db;
        await sql`create table snapshot_probe (id integer)`.execute(db);
        await sql`insert into snapshot_probe values (1)`.execute(db);
        const seen = await inOneSnapshot(db, 2, async (executors) => {
          // Committed after both transactions began: neither sees it, though the second has not read
          // anything yet (on its own it would take its snapshot at its first query, after this).
          await sql`insert into snapshot_probe values (2)`.execute(db);
          const pids = await Promise.all(
            executors.map(
              async (ex) =>
                (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(ex)).rows[0]?.pid,
            ),
          );
          const counts = [await probes(executors[1] as Executor), await probes(executors[0] as Executor)];
          const readOnly = await Promise.all(
            executors.map(
              async (ex) =>
                (await sql<{ r: string }>`select current_setting('transaction_read_only') as r`.execute(ex))
                  .rows[0]?.r,
            ),
          );
          return { pids, counts, readOnly };
        });
        expect(new Set(seen.pids).size).toBe(2);
        expect(seen.counts).toEqual([1, 1]);
        expect(seen.readOnly).toEqual(['on', 'on']);
        expect(await probes(db)).toBe(2);
      } finally {
        await t.close();
      }
    },
    30_000,
  );
});
