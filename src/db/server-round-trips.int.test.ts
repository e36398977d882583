import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/support/test-database.ts';
import type { Executor } from '../core/context.ts';
import { anyText } from './bulk.ts';
import { beginAsTenant, tenantEntered } from './tenant-begin.ts';

/** The tenant the transaction acts as ('' when none). */
const tenantSetting = async (tx: Executor) =>
  (await sql<{ s: string | null }>`select current_setting('arbor.tenant_id', true) as s`.execute(tx)).rows[0]
    ?.s ?? '';

const onServer = !!inject('pgTemplateUrl');

describe('named prepared statements (server only)', () => {
  it.skipIf(!onServer)('prepares a parameterized query once per connection, by its text', async () => {
    const t = await createTestDatabase();
    try {
      const prepared = await t.database.db.connection().execute(async (conn) => {
        for (let i = 0; i < 3; i++) await sql`select ${i}::integer + 1 as probe_named`.execute(conn);
        // No parameters: nothing to gain, left unnamed.
        await sql`select 2 as probe_plain`.execute(conn);
        return (
          await sql<{ statement: string }>`select statement from pg_prepared_statements
            where statement like ${'%probe_%'} and statement not like ${'%pg_prepared_statements%'}`.execute(
            conn,
          )
        ).rows.map((r) => r.statement);
      });
      expect(prepared).toEqual(['select $1::integer + 1 as probe_named']);
    } finally {
      await t.close();
    }
  });

  it.skipIf(!onServer)(
    'leaves a call with a long list unnamed, so that its plan splits the list once',
    async () => {
      const t = await createTestDatabase();
      try {
        const ids = Array.from({ length: 2000 }, (_, i) => `cus_probe_${i}`);
        const found = await t.database.db.connection().execute(async (conn) => {
          const counts: number[] = [];
          // Seven calls: more than the five after which the server may keep a generic plan.
          for (let i = 0; i < 7; i++) {
            const r = await sql<{ n: number }>`select count(*)::integer as n
            from (select 'cus_probe_' || g as id from generate_series(0, 9999) g) probe_long
            where id = ${anyText(ids)}`.execute(conn);
            counts.push(r.rows[0]?.n ?? -1);
          }
          const namedCount = async () =>
            (
              await sql<{ n: number }>`select count(*)::integer as n from pg_prepared_statements
                where statement like ${'%probe_long%'} and statement not like ${'%pg_prepared_statements%'}`.execute(
                conn,
              )
            ).rows[0]?.n;
          const afterLong = await namedCount();
          // The same text with a short list is named as usual.
          await sql`select count(*)::integer as n
            from (select 'cus_probe_' || g as id from generate_series(0, 9999) g) probe_long
            where id = ${anyText(['cus_probe_1', 'cus_probe_2'])}`.execute(conn);
          return { counts, afterLong, afterShort: await namedCount() };
        });
        expect(found.counts).toEqual([2000, 2000, 2000, 2000, 2000, 2000, 2000]);
        expect(found.afterLong).toBe(0);
        expect(found.afterShort).toBe(1);
      } finally {
        await t.close();
      }
    },
  );

  it.skipIf(!onServer)('leaves queries unnamed in a transaction that set planner settings', async () => {
    const t = await createTestDatabase();
    try {
      const prepared = await t.database.db.transaction().execute(async (tx) => {
        await sql`set local enable_hashagg = off`.execute(tx);
        await sql`select ${1}::integer as probe_after_set`.execute(tx);
        return (
          await sql<{ n: number }>`select count(*)::integer as n from pg_prepared_statements
            where statement like ${'%probe_after_set%'} and statement not like ${'%pg_prepared_statements%'}`.execute(
            tx,
          )
        ).rows[0]?.n;
      });
      expect(prepared).toBe(0);
    } finally {
      await t.close();
    }
  });

  it.skipIf(!onServer)('recovers when a table changes under a prepared statement', async () => {
    const t = await createTestDatabase();
    try {
      await t.database.exec('create table probe_stale (n integer)');
      await t.database.db.connection().execute(async (conn) => {
        const read = () => sql<{ n: number }>`select * from probe_stale where n = ${1}`.execute(conn);
        await sql`insert into probe_stale values (${1})`.execute(conn);
        expect((await read()).rows).toEqual([{ n: 1 }]);
        await sql.raw('alter table probe_stale add column m integer').execute(conn);
        // The server refuses the stale plan once; the text then goes unnamed on this connection.
        await expect(read()).rejects.toMatchObject({ code: '0A000' });
        expect((await read()).rows).toEqual([{ n: 1, m: null }]);
      });
    } finally {
      await t.close();
    }
  });
});

describe('generic plans for a keyed unit of work (server only)', () => {
  it.skipIf(!onServer)(
    'plans once with genericPlans, per call without, and only for that transaction',
    async () => {
      const t = await createTestDatabase();
      try {
        const mode = (tx: Executor) =>
          sql<{ m: string }>`select current_setting('plan_cache_mode') as m`.execute(tx);
        const inside = await beginAsTenant(
          t.ctx.tenantId,
          () => t.database.db.transaction().execute(async (tx) => (await mode(tx)).rows[0]?.m),
          { genericPlans: true },
        );
        expect(inside).toBe('force_generic_plan');
        const plain = await beginAsTenant(t.ctx.tenantId, () =>
          t.database.db.transaction().execute(async (tx) => (await mode(tx)).rows[0]?.m),
        );
        expect(plain).toBe('auto');
        const after = await t.database.db.transaction().execute(async (tx) => (await mode(tx)).rows[0]?.m);
        expect(after).toBe('auto');
      } finally {
        await t.close();
      }
    },
  );
});

describe('beginning a transaction as a tenant', () => {
  it('acts as the tenant inside beginAsTenant (in the begin round trip on a server), as usual elsewhere', async () => {
    const t = await createTestDatabase();
    try {
      const inside = await beginAsTenant(t.ctx.tenantId, () =>
        t.database.db.transaction().execute(async (tx) => ({
          entered: tenantEntered(t.ctx.tenantId),
          setting: await tenantSetting(tx),
        })),
      );
      if (t.database.kind === 'postgres')
        expect(inside).toEqual({ entered: true, setting: String(t.ctx.tenantId) });
      // The embedded engine begins as usual; the unit of work then enters the tenant itself.
      else expect(inside.entered).toBe(false);
      // A second transaction in the same scope, and one outside it, begin as usual.
      const second = await beginAsTenant(t.ctx.tenantId, async () => {
        await t.database.db.transaction().execute(async () => {});
        return t.database.db.transaction().execute(tenantSetting);
      });
      expect(second).toBe('');
      const outside = await t.database.db.transaction().execute(tenantSetting);
      expect(outside).toBe('');
    } finally {
      await t.close();
    }
  });
});
