import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const CSV = join(import.meta.dirname, '..', 'fixtures', 'bank-files', 'csv');
let dir: string;
async function arbor(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const code = await main(['--db', join(dir, 'db'), ...args], {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: { ARBOR_TODAY: '2026-11-30', ARBOR_USER: 'e2e' },
  });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-mapping-'));
});

describe('saved bank CSV mappings', () => {
  it('saves a mapping by name, lists it, and imports a bank export through it', async () => {
    const saved = await arbor(['bank-mapping', 'save', 'chase', join(CSV, 'chase-style.mapping.json')]);
    expect(saved).toMatchObject({ code: 0, out: 'saved mapping chase\n' });
    const again = await arbor(['bank-mapping', 'save', 'chase', join(CSV, 'chase-style.mapping.json')]);
    expect(again.out).toBe('replaced mapping chase\n');
    expect((await arbor(['bank-mapping', 'list'])).out).toMatch(/^chase\te2e$/m);
    const imported = await arbor(['import', 'bank', join(CSV, 'chase-style.csv'), '--mapping', 'chase']);
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/receipts: 2 \(3650\.50 USD\)/);
  });

  it('refuses a name that is neither a file nor a saved mapping, and a mapping that cannot work', async () => {
    const unknown = await arbor(['import', 'bank', join(CSV, 'german-split.csv'), '--mapping', 'nosuch']);
    expect(unknown.code).toBe(3);
    expect(unknown.err).toMatch(/--mapping nosuch: neither a mapping file nor a saved mapping/);
    const bad = await arbor(['bank-mapping', 'save', 'bad', join(CSV, 'chase-style.csv')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/chase-style\.csv: not JSON/);
  });
});
