import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { fixedClock } from '../../src/core/clock.ts';
import type { ServiceContext } from '../../src/core/context.ts';
import type { LocalDate } from '../../src/core/local-date.ts';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { DEFAULT_TENANT, initTenant } from '../../src/modules/tenancy/index.ts';

export interface TestDatabase {
  readonly database: Database;
  /** A context for the default tenant (entity MAIN in USD), acting as `test`, today fixed. */
  readonly ctx: ServiceContext;
  close(): Promise<void>;
}

let snapshot: Blob | null = null;

/**
 * A fresh, migrated database for one test file: PGlite from the run's snapshot, or a new PostgreSQL
 * database cloned from the run's template when ARBOR_TEST_DATABASE_URL is set.
 */
export async function createTestDatabase(
  options: { today?: LocalDate; currency?: string } = {},
): Promise<TestDatabase> {
  const today = options.today ?? ('2026-06-30' as LocalDate);
  const clock = fixedClock(today);
  const templateUrl = inject('pgTemplateUrl');
  let database: Database;
  let drop: (() => Promise<void>) | null = null;
  if (templateUrl) {
    const name = `arbor_t_${randomBytes(5).toString('hex')}`;
    const template = new URL(templateUrl).pathname.slice(1);
    const admin = new pg.Client({ connectionString: templateUrl.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`create database ${name} template ${template}`);
    await admin.end();
    const url = templateUrl.replace(/\/[^/]*$/, `/${name}`);
    database = await openDatabase(url, { poolSize: 4 });
    drop = async () => {
      const a = new pg.Client({ connectionString: templateUrl.replace(/\/[^/]*$/, '/postgres') });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  } else {
    if (!snapshot) {
      const path = inject('pgliteSnapshot');
      if (!path) throw new Error('no test database snapshot: is test/support/global-setup.ts configured?');
      snapshot = new Blob([await readFile(path)]);
    }
    database = await openDatabase(':memory:', { snapshot });
  }
  const init = await initTenant(database, clock, {
    slug: DEFAULT_TENANT,
    currency: options.currency ?? 'USD',
    actor: 'test',
  });
  const ctx: ServiceContext = { database, clock, tenantId: init.tenantId, actor: 'test' };
  return {
    database,
    ctx,
    async close() {
      await database.close();
      if (drop) await drop();
    },
  };
}
