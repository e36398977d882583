import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/support/test-database.ts';

describe('the server connection pool', () => {
  it.skipIf(!inject('pgTemplateUrl'))(
    'survives an idle connection ended by the server, and opens another (server only)',
    async () => {
      const t = await createTestDatabase();
      try {
        const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(t.database.db))
          .rows[0]?.pid;
        expect(pid).toBeTypeOf('number');
        // The connection is idle in the pool now; end it from another session, as an administrator or
        // a server restart would. Without a listener on the pool this error would end the process.
        const other = await createTestDatabase();
        try {
          await sql`select pg_terminate_backend(${pid})`.execute(other.database.db);
        } finally {
          await other.close();
        }
        await new Promise((r) => setTimeout(r, 200));
        const again = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(t.database.db))
          .rows[0]?.pid;
        expect(again).not.toBe(pid);
      } finally {
        await t.close();
      }
    },
  );
});
