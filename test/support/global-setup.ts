import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL server mode: the URL of a migrated template database. */
    pgTemplateUrl: string | null;
    /** Embedded mode: a dump of a migrated PGlite data directory. */
    pgliteSnapshot: string | null;
  }
}

/**
 * Migrates once per run; each test file then starts from that snapshot (a PGlite data-directory
 * dump, or a PostgreSQL template database when ARBOR_TEST_DATABASE_URL names a server).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.ARBOR_TEST_DATABASE_URL;
  if (url) {
    const name = `arbor_tpl_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const templateUrl = withDatabase(url, name);
    const database = await openDatabase(templateUrl, { poolSize: 1 });
    await migrateToLatest(database);
    await database.close();
    project.provide('pgTemplateUrl', templateUrl);
    project.provide('pgliteSnapshot', null);
    return async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  const database = await openDatabase(':memory:');
  await migrateToLatest(database);
  const dump = await database.pglite?.dumpDataDir('none');
  await database.close();
  if (!dump) throw new Error('could not dump the migrated PGlite database');
  const path = join(tmpdir(), `arbor-test-snapshot-${process.pid}.tar`);
  await writeFile(path, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteSnapshot', path);
  project.provide('pgTemplateUrl', null);
  return async () => {};
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
