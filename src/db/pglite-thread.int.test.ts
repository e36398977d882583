import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './database.ts';
import { translateDbError } from './db-errors.ts';

describe('the embedded engine on a thread of its own', () => {
  let dir: string;
  let database: Database;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arbor-thread-'));
    database = await openDatabase(join(dir, 'db'), { thread: true });
    await database.exec(`
      create table t (id int primary key, amount bigint not null, on_day date, rate numeric);
      insert into t values (1, 9007199254740993, '2026-02-28', 1.50);`);
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers with the same types as the engine in the main thread', async () => {
    const r = await sql<{
      id: number;
      amount: bigint;
      on_day: string;
      rate: string;
    }>`select * from t`.execute(database.db);
    // int8 beyond 2^53 as an exact BigInt, a date and a numeric as the text PostgreSQL wrote.
    expect(r.rows).toEqual([{ id: 1, amount: 9007199254740993n, on_day: '2026-02-28', rate: '1.50' }]);
  });

  it('commits a transaction, and rolls one back when it fails', async () => {
    await database.db.transaction().execute(async (tx) => {
      await sql`insert into t (id, amount) values (2, 20)`.execute(tx);
    });
    await expect(
      database.db.transaction().execute(async (tx) => {
        await sql`insert into t (id, amount) values (3, 30)`.execute(tx);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const ids = await sql<{ id: number }>`select id from t order by id`.execute(database.db);
    expect(ids.rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it("passes PostgreSQL's error fields across, so errors map as they do in the main thread", async () => {
    const failure = await sql`insert into t (id, amount) values (1, 1)`.execute(database.db).catch((e) => e);
    expect(failure).toMatchObject({ code: '23505', constraint: 't_pkey' });
    expect(translateDbError(failure)).toMatchObject({ code: 'db.duplicate' });
    // A failed statement inside a transaction fails the transaction, and nothing of it stays.
    await expect(
      database.db.transaction().execute(async (tx) => {
        await sql`insert into t (id, amount) values (4, 40)`.execute(tx);
        await sql`insert into t (id, amount) values (4, 41)`.execute(tx);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const ids = await sql<{ id: number }>`select id from t order by id`.execute(database.db);
    expect(ids.rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('keeps what it committed after it is closed and opened again (in the main thread)', async () => {
    await database.close();
    await expect(sql`select 1`.execute(database.db)).rejects.toThrow();
    const again = await openDatabase(join(dir, 'db'));
    try {
      const n = await sql<{ n: number }>`select count(*)::int as n from t`.execute(again.db);
      expect(n.rows[0]?.n).toBe(2);
    } finally {
      await again.close();
    }
    database = await openDatabase(join(dir, 'db'), { thread: true });
  }, 60_000);
});
