import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';

/**
 * The collections commands end to end, in process, on an embedded database directory. ARBOR_TODAY
 * stops the clock at 2026-06-30 12:00 UTC: 08:00 in New York, 05:00 in Los Angeles.
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
    env: { ARBOR_TODAY: '2026-06-30', ARBOR_USER: 'e2e', ...env },
  });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-collections-'));
  dbDir = join(dir, 'db');
  const files = {
    'customers.csv':
      'account_number,name,customer_type,collector,time_zone\nM1,Mary Patient,consumer,asmith,\nM2,Larry Patient,consumer,asmith,America/Los_Angeles\nB1,Birch Group,business,bjones,\n',
    'invoices.csv':
      'invoice_number,account_number,issue_date,due_date,amount\nM-1,M1,2026-03-01,2026-03-31,250.00\nB-1,B1,2026-03-01,2026-03-31,4000.00\n',
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  expect((await arbor(['init'])).code).toBe(0);
  for (const kind of ['customers', 'invoices']) {
    const r = await arbor(['import', kind, join(dir, `${kind}.csv`)]);
    expect(r.code, r.err).toBe(0);
  }
  const user = await arbor(['user', 'add', 'ann', '--role', 'analyst'], {
    ARBOR_NEW_PASSWORD: 'correct horse battery staple',
  });
  expect(user.code, user.err).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('arbor activity / task: the consumer contact rules', () => {
  it('refuses a call outside 08:00–21:00 local time with exit 4 and the reason', async () => {
    const r = await arbor(['activity', 'log', 'M2', '--kind', 'call', '--outcome', 'no_answer']);
    expect(r.code).toBe(4);
    expect(r.err).toContain(
      'arbor: call to M2 refused: it is 05:00 for the customer (America/Los_Angeles); consumers may be called only between 08:00 and 21:00 their time (Regulation F)',
    );
  });

  it('refuses working a call task outside the window, and the eighth attempt in seven days', async () => {
    const task = await arbor(['task', 'add', 'M2', '--due', '2026-06-30', '--notes', 'call about M-1']);
    expect(task.code, task.err).toBe(0);
    const id = /task (act_\w+)/.exec(task.out)?.[1] as string;
    const done = await arbor(['task', 'done', id, '--call', 'reached']);
    expect(done.code).toBe(4);
    expect(done.err).toMatch(/refused: it is 05:00/);
    expect((await arbor(['task', 'list', '--assignee', 'asmith'])).out).toContain(id);

    for (let i = 1; i <= 7; i++) {
      const r = await arbor(['activity', 'log', 'M1', '--kind', 'call', '--outcome', 'no_answer']);
      expect(r.code, `attempt ${i}: ${r.err}`).toBe(0);
    }
    const eighth = await arbor(['activity', 'log', 'M1', '--kind', 'call', '--outcome', 'no_answer']);
    expect(eighth.code).toBe(4);
    expect(eighth.err).toMatch(/7 call attempts in the last 7 days; this would be attempt 8/);
    const bad = await arbor(['activity', 'log', 'M1', '--kind', 'telegram']);
    expect(bad.code).toBe(2);
    const history = await arbor(['activity', 'list', 'M1', '--kind', 'call', '--format', 'json']);
    expect((JSON.parse(history.out) as unknown[]).length).toBe(7);
  });
});

describe('arbor promise / plan / dispute / hold / collections evaluate', () => {
  it('records a promise and finds it broken after its date and grace days', async () => {
    const p = await arbor(['promise', 'add', 'B1', '--amount', '100.00', '--date', '2026-07-03']);
    expect(p.code, p.err).toBe(0);
    expect(p.out).toMatch(/100.00 USD by 2026-07-03, open/);
    const ev = await arbor(['collections', 'evaluate', '--as-of', '2026-07-07']);
    expect(ev.code, ev.err).toBe(0);
    expect(ev.out).toMatch(/broken on 2026-07-07/);
    expect(ev.out).toMatch(/1 broken/);
    expect((await arbor(['promise', 'list', 'B1', '--status', 'broken'])).out).toContain('broken');
  });

  it('creates a plan of equal instalments', async () => {
    const r = await arbor([
      'plan',
      'create',
      'B1',
      '--amount',
      '1000.00',
      '--instalments',
      '3',
      '--every',
      '30',
      '--start',
      '2026-07-01',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/1000.00 USD, active/);
    expect(r.out).toMatch(/1 {2}2026-07-01 +333.34/);
    expect(r.out).toMatch(/3 {2}2026-08-30 +333.33/);
    expect((await arbor(['plan', 'create', 'B1', '--instalments', '3'])).code).toBe(2);
  });

  it('opens a dispute and resolves it by credit memo as a named user, through approvals', async () => {
    const opened = await arbor([
      'dispute',
      'open',
      '--item',
      'B-1',
      '--amount',
      '100.00',
      '--reason',
      'pricing_dispute',
    ]);
    expect(opened.code, opened.err).toBe(0);
    const id = /dispute (dsp_\w+)/.exec(opened.out)?.[1] as string;
    expect(
      (
        await arbor(['dispute', 'resolve', id, '--resolution', 'credit_memo', '--root-cause', 'rate'], {
          ARBOR_USER: 'nobody',
        })
      ).code,
    ).toBe(3);
    const r = await arbor([
      'dispute',
      'resolve',
      id,
      '--resolution',
      'credit_memo',
      '--root-cause',
      'contract rate',
      '--as',
      'ann',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/resolved, credit_memo/);
    expect((await arbor(['dispute', 'list', '--status', 'resolved'])).out).toContain(id);
  });

  it('puts an account on hold and off, once at a time', async () => {
    const on = await arbor(['hold', 'on', 'B1', '--reason', 'over 90 days']);
    expect(on.code, on.err).toBe(0);
    expect(on.out).toMatch(/B1: on credit hold since .* by e2e: over 90 days/);
    expect(on.out).toMatch(/suspension: RECOMMENDED/);
    const twice = await arbor(['hold', 'on', 'B1', '--reason', 'again']);
    expect(twice.code).toBe(4);
    expect(twice.err).toMatch(/already on credit hold/);
    expect((await arbor(['hold', 'list'])).out).toMatch(/^B1: on credit hold/);
    expect((await arbor(['hold', 'off', 'B1', '--reason', 'paid'])).out).toMatch(/B1: not on credit hold/);
    expect((await arbor(['hold', 'off', 'B1'])).code).toBe(2);
  });
});
