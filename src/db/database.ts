import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import pg from 'pg';
import { AppError } from '../core/errors.ts';
import { ThreadedPGlite } from './pglite-thread.ts';
import { usePreparedStatements } from './prepared-statements.ts';
import type { DB } from './schema.ts';
import { TenantAwarePostgresDialect } from './tenant-begin.ts';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * An open database: the embedded PostgreSQL (PGlite, a data directory) or a PostgreSQL server (a
 * URL). Both speak the same SQL; the kind only matters for tuning and for multi-statement scripts.
 */
export interface Database {
  readonly kind: DatabaseKind;
  /** The embedded engine itself, for snapshots (tests) and engine-specific tuning. */
  readonly pglite?: PGlite;
  /** Where the data lives, for messages: a directory, or the URL without its password. */
  readonly target: string;
  readonly db: Kysely<DB>;
  /**
   * On a server, a connection of its own for short look-ups that every request makes before its
   * work (API tokens, ADR 0018), so that they never wait in the pool's queue behind that work.
   * Absent on the embedded engine (one connection): use `db`.
   */
  readonly lookups?: Kysely<DB>;
  /** Runs a multi-statement SQL script in one implicit transaction (simple query protocol). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Connections in the server pool (default 10). */
  poolSize?: number;
  /** Embedded only: start from a dumped data directory (a migrated snapshot, for tests). */
  snapshot?: Blob;
  /**
   * Embedded only, in a data directory: run the engine on a worker thread of its own
   * (db/pglite-thread.ts), so that JavaScript and the engine work at once; for bulk imports.
   */
  thread?: boolean;
  /**
   * Server only: told when an idle pooled connection fails (the server restarted, an administrator
   * ended the session, the network dropped). The pool discards that connection and opens another
   * when next needed; the default writes one line to stderr. Without a listener the error would end
   * the process.
   */
  onIdleConnectionError?: (error: Error) => void;
}

// int8 → BigInt (money is bigint minor units); date → the 'YYYY-MM-DD' string as PostgreSQL wrote it
// (a LocalDate, never a JS Date); numeric stays a decimal string.
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

export function isServerUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

export async function openDatabase(target: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  if (isServerUrl(target)) return openServer(target, options);
  const memory = target === ':memory:' || target.startsWith('memory://');
  return options.thread && !memory && !options.snapshot
    ? openThreaded(resolve(target))
    : openEmbedded(target, options.snapshot);
}

async function openThreaded(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const engine = new ThreadedPGlite(dataDir);
  try {
    await engine.waitReady;
  } catch (cause) {
    await engine.close().catch(() => {});
    throw new AppError('db.unavailable', 'unavailable', `cannot open the embedded database in ${dataDir}`, {
      cause,
    });
  }
  await engine.exec(`set work_mem = '256MB'`);
  // Kysely's dialect calls only what ThreadedPGlite has (query, transaction, close, waitReady).
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite: engine as unknown as PGlite }) });
  return {
    kind: 'pglite',
    target: dataDir,
    db,
    exec: async (script) => {
      await engine.exec(script);
    },
    close: async () => {
      await db.destroy();
      await engine.close();
    },
  };
}

async function openEmbedded(target: string, snapshot?: Blob): Promise<Database> {
  const memory = target === ':memory:' || target.startsWith('memory://');
  const dataDir = memory ? undefined : resolve(target);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const parsers = {
    [pgliteTypes.INT8]: (x: string) => BigInt(x),
    [pgliteTypes.DATE]: (x: string) => x,
    [pgliteTypes.NUMERIC]: (x: string) => x,
  };
  let pglite: PGlite;
  try {
    pglite = dataDir
      ? new PGlite(dataDir, { parsers, ...(snapshot ? { loadDataDir: snapshot } : {}) })
      : new PGlite({ parsers, ...(snapshot ? { loadDataDir: snapshot } : {}) });
    await pglite.waitReady;
  } catch (cause) {
    throw new AppError(
      'db.unavailable',
      'unavailable',
      `cannot open the embedded database in ${dataDir ?? 'memory'}`,
      {
        cause,
      },
    );
  }
  // Aggregations over a million open items need room to hash in memory.
  await pglite.exec(`set work_mem = '256MB'`);
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  return {
    kind: 'pglite',
    pglite,
    target: dataDir ?? ':memory:',
    db,
    exec: async (script) => {
      await pglite.exec(script);
    },
    close: async () => {
      await db.destroy();
    },
  };
}

async function openServer(url: string, options: OpenDatabaseOptions): Promise<Database> {
  // Asked for each column of each result: the same functions every time, not new ones.
  const asBigInt = (x: string) => BigInt(x);
  const asText = (x: string) => x;
  const typeParser = (oid: number, format?: string) => {
    if (oid === INT8) return asBigInt;
    if (oid === DATE || oid === NUMERIC) return asText;
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads are not expressible here
    return (pg.types.getTypeParser as any)(oid, format);
  };
  const newPool = (max: number) => {
    const p = new pg.Pool({
      connectionString: url,
      // Reports are short analytical queries: compiling them with JIT costs more than it saves.
      options: '-c jit=off',
      max,
      types: { getTypeParser: typeParser } as pg.CustomTypesConfig,
    });
    // Parameterized queries go as named prepared statements (db/prepared-statements.ts).
    p.on('connect', (client) => usePreparedStatements(client));
    p.on('error', (error) => {
      if (options.onIdleConnectionError) options.onIdleConnectionError(error);
      else
        process.stderr.write(
          `arbor: an idle connection to ${redactUrl(url)} failed and was discarded: ${error.message}\n`,
        );
    });
    return p;
  };
  const pool = newPool(options.poolSize ?? 10);
  // Connected on first use only (a command that never authenticates a request never opens it).
  const lookupPool = newPool(1);
  try {
    const client = await pool.connect();
    client.release();
  } catch (cause) {
    await pool.end().catch(() => {});
    throw new AppError(
      'db.unavailable',
      'unavailable',
      `cannot connect to ${redactUrl(url)}: ${String(cause)}`,
      {
        cause,
      },
    );
  }
  const db = new Kysely<DB>({ dialect: new TenantAwarePostgresDialect({ pool }) });
  const lookups = new Kysely<DB>({ dialect: new TenantAwarePostgresDialect({ pool: lookupPool }) });
  return {
    kind: 'postgres',
    target: redactUrl(url),
    db,
    lookups,
    exec: async (script) => {
      const client = await pool.connect();
      try {
        await client.query(script);
      } finally {
        client.release();
      }
    },
    close: async () => {
      await db.destroy();
      await lookups.destroy();
      // Kysely ends a pool only if it ever used it; exec() alone uses the pool directly.
      if (!pool.ended) await pool.end();
      if (!lookupPool.ended) await lookupPool.end();
    },
  };
}
