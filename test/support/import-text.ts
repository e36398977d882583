import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceContext } from '../../src/core/context.ts';
import { IMPORTERS } from '../../src/modules/importers/index.ts';
import { type ImportResult, runImport } from '../../src/modules/imports/index.ts';
import { openTableFile } from '../../src/modules/tabular/index.ts';

let dir: string | null = null;
let counter = 0;

/** Writes `csv` to a temporary file and imports it as `kind`, as `arbor import KIND FILE` would. */
export async function importCsv(
  ctx: ServiceContext,
  kind: string,
  csv: string,
  name?: string,
): Promise<ImportResult> {
  dir ??= await mkdtemp(join(tmpdir(), 'arbor-test-'));
  counter++;
  const path = join(dir, name ?? `${kind}-${counter}.csv`);
  await writeFile(path, csv);
  const importer = IMPORTERS[kind as keyof typeof IMPORTERS];
  if (!importer) throw new Error(`no importer ${kind}`);
  return runImport(ctx, importer.spec, await openTableFile(path), importer.handler, { progress: false });
}

/** Builds CSV text from a header line and rows (already comma-separated). */
export function csv(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}
