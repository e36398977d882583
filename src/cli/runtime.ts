import { userInfo } from 'node:os';
import { type Clock, fixedClock, systemClock } from '../core/clock.ts';
import type { ServiceContext } from '../core/context.ts';
import { AppError } from '../core/errors.ts';
import { isLocalDate } from '../core/local-date.ts';
import { type Database, type OpenDatabaseOptions, openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { DEFAULT_TENANT, getTenantId, initTenant } from '../modules/tenancy/index.ts';

export interface GlobalOptions {
  /** `--db`, else `$ARBOR_DB`, else `./arbor-data`. */
  readonly db: string;
  readonly tenant: string;
}

export interface Io {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

export function resolveDbTarget(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env.ARBOR_DB ?? './arbor-data';
}

/** The clock: the system's, or a fixed day from `ARBOR_TODAY` (reproducible runs and tests). */
export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const today = env.ARBOR_TODAY;
  if (today) {
    if (!isLocalDate(today))
      throw new AppError('cli.invalid_today', 'invalid', `ARBOR_TODAY must be YYYY-MM-DD, not "${today}"`);
    return fixedClock(today);
  }
  return systemClock(env.ARBOR_TIMEZONE ?? 'UTC');
}

export function actorFromEnv(env: NodeJS.ProcessEnv): string {
  if (env.ARBOR_USER) return env.ARBOR_USER;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** Opens the database and brings its schema up to date (every command does, INTERCHANGE.md §1). */
export async function openMigrated(target: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const database = await openDatabase(target, options);
  try {
    await migrateToLatest(database);
  } catch (e) {
    await database.close();
    throw e;
  }
  return database;
}

/**
 * A service context for the tenant. A database never initialized gets the default tenant and entity
 * (as `arbor init` would, in USD) so that any command works on a fresh directory; a note says so.
 */
export async function openContext(
  options: GlobalOptions,
  io: Io,
  open: OpenDatabaseOptions = {},
): Promise<{ ctx: ServiceContext; close: () => Promise<void> }> {
  const database = await openMigrated(options.db, open);
  const clock = clockFromEnv(io.env);
  const actor = actorFromEnv(io.env);
  try {
    let tenantId: number;
    try {
      tenantId = await getTenantId(database, options.tenant);
    } catch (e) {
      if (
        !(e instanceof AppError) ||
        e.code !== 'tenancy.not_initialized' ||
        options.tenant !== DEFAULT_TENANT
      )
        throw e;
      const init = await initTenant(database, clock, { slug: options.tenant, currency: null, actor });
      io.stderr.write(
        `arbor: initialized ${database.target} (tenant ${options.tenant}, entity MAIN in ${init.entity.currency})\n`,
      );
      tenantId = init.tenantId;
    }
    return { ctx: { database, clock, tenantId, actor }, close: () => database.close() };
  } catch (e) {
    await database.close();
    throw e;
  }
}
