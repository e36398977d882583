import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceContext } from '../../src/core/context.ts';
import { importCsv } from './import-text.ts';

export const SMALL = join(import.meta.dirname, '..', 'fixtures', 'small');

/** Loads test/fixtures/small (see its README for the expected results). */
export async function loadSmallPortfolio(ctx: ServiceContext): Promise<void> {
  for (const kind of ['customers', 'parties', 'invoices', 'history']) {
    await importCsv(ctx, kind, await readFile(join(SMALL, `${kind}.csv`), 'utf8'), `${kind}.csv`);
  }
}
