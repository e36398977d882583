import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The shared corpus of real bank and remittance files (../shared/corpora, or $ARBOR_CORPORA). It is
 * read in place at test time and never copied into the repository. Returns null when it is absent;
 * tests that need it use `describeCorpus`, which skips and says so.
 */
export function corporaDir(): string | null {
  const dir =
    process.env.ARBOR_CORPORA ?? resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpora');
  return existsSync(join(dir, 'MANIFEST.md')) ? dir : null;
}

export const CORPORA_ABSENT_REASON =
  'the shared corpus (../shared/corpora or $ARBOR_CORPORA) is absent, so corpus tests are skipped';

/** A corpus file's absolute path from its path relative to the corpus folder. */
export function corpusFile(path: string): string {
  const dir = corporaDir();
  if (dir === null) throw new Error(CORPORA_ABSENT_REASON);
  return join(dir, path);
}

/** Every file under a corpus folder (relative to the corpus root), sorted, optionally filtered. */
export function corpusFiles(folder: string, filter: (path: string) => boolean = () => true): string[] {
  const dir = corporaDir();
  if (dir === null) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const rel = relative(dir, p);
        if (filter(rel)) out.push(rel);
      }
    }
  };
  const root = join(dir, folder);
  if (existsSync(root)) walk(root);
  return out.sort();
}
