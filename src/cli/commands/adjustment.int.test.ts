import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';

/**
 * `arbor reinstate`, `arbor adjustment list` and `arbor adjustment reverse` end to end, in process,
 * on an embedded database directory; the write-off comes from `arbor settle` within the manager's limit.
 */
let dir: string;
let dbDir: string;

async function arbor(args: string[], env: Record<string, string> = {}) {
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
  const code = await main(['--db', dbDir, ...args], {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: { ARBOR_TODAY: '2026-06-30', ARBOR_USER: 'mia', ...env },
  });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-adjustment-'));
  dbDir = join(dir, 'db');
  await writeFile(join(dir, 'customers.csv'), 'account_number,name\nB1,Birch Group\n');
  await writeFile(
    join(dir, 'invoices.csv'),
    'invoice_number,account_number,issue_date,due_date,amount\nB-1,B1,2026-03-01,2026-03-31,400.00\n',
  );
  expect((await arbor(['init'])).code).toBe(0);
  for (const kind of ['customers', 'invoices']) {
    const r = await arbor(['import', kind, join(dir, `${kind}.csv`)]);
    expect(r.code, r.err).toBe(0);
  }
  for (const [name, role] of [
    ['mia', 'manager'],
    ['aud', 'auditor'],
  ] as const) {
    const r = await arbor(['user', 'add', name, '--role', role], {
      ARBOR_NEW_PASSWORD: 'correct horse battery staple',
    });
    expect(r.code, r.err).toBe(0);
  }
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('arbor reinstate / adjustment list / adjustment reverse', () => {
  it('reinstates part of a settlement write-off, lists it, reverses the write-off only while possible', async () => {
    const settle = await arbor(['settle', 'B1', '--items', 'B-1', '--agreed', '100.00']);
    expect(settle.code, settle.err).toBe(0);
    expect(settle.out).toContain('300.00 USD written off');

    const refused = await arbor(['reinstate', 'B-1', '--amount', '300.01', '--reason', 'paid']);
    expect(refused.code).toBe(4);
    expect(refused.err).toContain('has 300.00 written off; cannot reinstate 300.01');
    expect((await arbor(['reinstate', 'B-1', '--reason', 'x', '--as', 'aud'])).code).toBe(2);
    expect((await arbor(['reinstate', 'B-1', '--amount', '1.00'])).code).toBe(2); // no --reason

    const r = await arbor(['reinstate', 'B-1', '--amount', '50.00', '--reason', 'customer found the money']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /reinstated 50\.00 USD of B-1: open 150\.00 USD, still written off 250\.00 USD \(entry je_\w+\)/,
    );

    const list = await arbor(['adjustment', 'list', 'B-1', '--format', 'json']);
    expect(list.code, list.err).toBe(0);
    const rows = JSON.parse(list.out) as { entry: string; kind: string; closed: string; by: string }[];
    expect(rows.map((x) => [x.kind, x.closed, x.by])).toEqual([
      ['settlement', '300.00', 'mia'],
      ['reinstatement', '-50.00', 'mia'],
    ]);
    const settlementEntry = rows[0]?.entry as string;

    // Half of the write-off was recovered: reversing all of it would write off less than nothing.
    const blocked = await arbor(['adjustment', 'reverse', settlementEntry, '--reason', 'wrong']);
    expect(blocked.code).toBe(4);
    expect(blocked.err).toContain('of this write-off recovered since');

    // Undo the reinstatement, then the settlement's write-off can go.
    const undo = await arbor(['adjustment', 'reverse', rows[1]?.entry as string, '--reason', 'bounced']);
    expect(undo.code, undo.err).toBe(0);
    expect(undo.out).toContain('B-1: open 150.00 -> 100.00 USD');
    const rev = await arbor(['adjustment', 'reverse', settlementEntry, '--reason', 'settlement withdrawn']);
    expect(rev.code, rev.err).toBe(0);
    expect(rev.out).toContain('B-1: open 100.00 -> 400.00 USD');
    const twice = await arbor(['adjustment', 'reverse', settlementEntry, '--reason', 'again']);
    expect(twice.code).toBe(4);
    expect(twice.err).toContain('already reversed');

    const check = await arbor(['check']);
    expect(check.code, check.out + check.err).toBe(0);
    const after = JSON.parse((await arbor(['adjustment', 'list', 'B-1', '--format', 'json'])).out) as {
      entry: string;
      kind: string;
      reversed_by: string;
    }[];
    expect(after.map((x) => x.kind)).toEqual(['settlement', 'reinstatement', 'reversal', 'reversal']);
    expect(after[0]?.reversed_by).toBe(/by (je_\w+)/.exec(rev.out)?.[1]);
    expect(after[1]?.reversed_by).toBe(/by (je_\w+)/.exec(undo.out)?.[1]);
  });
});
