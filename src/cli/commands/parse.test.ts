import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../main.ts';

const CSV = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'bank-files', 'csv');

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
  const db = join(await mkdtemp(join(tmpdir(), 'arbor-parse-')), 'db');
  const code = await main(['--db', db, ...args], {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: {},
  });
  return { code, out, err, dbCreated: existsSync(db) };
}

describe('arbor parse', () => {
  it('prints the spec-section-4 document with --json and touches no database', async () => {
    const r = await arbor([
      'parse',
      join(CSV, 'chase-style.csv'),
      '--json',
      '--mapping',
      join(CSV, 'chase-style.mapping.json'),
    ]);
    expect(r.code).toBe(0);
    expect(r.dbCreated).toBe(false);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual(['format', 'version', 'statements', 'warnings']);
    expect(doc.format).toBe('csv');
    expect(doc.statements[0].entries).toHaveLength(3);
    expect(doc.statements[0].entries[1]).toMatchObject({ amount: '15.00', direction: 'debit' });
  });

  it('prints a summary without --json, warnings on stderr with FILE:LINE', async () => {
    const r = await arbor([
      'parse',
      join(CSV, 'german-split.csv'),
      '--mapping',
      join(CSV, 'german-split.mapping.json'),
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/account DE89370400440532013000 EUR: 2 entries, credits 1234\.56, debits 7\.50/);
    expect(r.err).toMatch(/^german-split\.csv:4: warning: Valuta/m);
  });

  it('exits 2 for content it cannot read, 3 for a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arbor-parse-'));
    const junk = join(dir, 'junk.txt');
    await writeFile(junk, 'hello world\n');
    const unknown = await arbor(['parse', junk]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/junk\.txt: not a format Arbor reads/);
    const csvWithoutMapping = await arbor(['parse', join(CSV, 'chase-style.csv'), '--format', 'csv']);
    expect(csvWithoutMapping.code).toBe(2);
    expect(csvWithoutMapping.err).toMatch(/needs a column mapping/);
    const missing = await arbor(['parse', join(dir, 'nope.bai')]);
    expect(missing.code).toBe(3);
    const badFormat = await arbor(['parse', junk, '--format', 'pdf']);
    expect(badFormat.code).toBe(2);
  });
});
