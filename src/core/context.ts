import type { Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import type { Clock } from './clock.ts';

/**
 * What every service needs, passed explicitly: the database, the clock, whose data (tenant) and who
 * is acting (for the audit trail). No globals, no container.
 */
export interface ServiceContext {
  readonly database: Database;
  readonly clock: Clock;
  readonly tenantId: number;
  readonly actor: string;
}

/** A Kysely handle that may be a transaction; functions that take it run inside the caller's unit of work. */
export type Executor = Kysely<DB>;
