/**
 * Enforces STYLE.md's module rule: code in src/modules/<a>/ reaches another module <b> only through
 * src/modules/<b>/index.ts. Biome's noRestrictedImports matches import strings, not resolved paths,
 * so it cannot tell `../types.ts` inside a module from a reach into a neighbour; this check resolves
 * every relative import and compares modules. Exit 1 with FILE:LINE for each violation.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const modulesDir = join(root, 'src', 'modules');

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

function moduleOf(path: string): string | null {
  const rel = relative(modulesDir, path);
  if (rel.startsWith('..')) return null;
  return rel.split(sep)[0] ?? null;
}

const IMPORT =
  /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const violations: string[] = [];
for (const file of walk(join(root, 'src'))) {
  const from = moduleOf(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (!spec) continue;
    const target = resolve(dirname(file), spec);
    const to = moduleOf(target);
    if (to === null || to === from) continue;
    if (target === join(modulesDir, to, 'index.ts')) continue;
    const line = text.slice(0, m.index).split('\n').length;
    violations.push(
      `${relative(root, file)}:${line}: reaches into module ${to} (${spec}); import ../${to}/index.ts instead`,
    );
  }
}
if (violations.length > 0) {
  for (const v of violations) console.error(v);
  console.error(`${violations.length} module boundary violation(s)`);
  process.exit(1);
}
console.log('module boundaries: ok');
