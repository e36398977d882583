import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runArbor, startServeProcess } from '../support/serve-process.ts';
import { type SmtpSink, startSmtpSink, waitFor } from '../support/smtp-sink-process.ts';

/**
 * `arbor serve --jobs`: one process serves the API and runs the job worker on the embedded database
 * (which only one process can open): the daily dunning run is made and run, its email delivered to
 * a real SMTP server, requests answered meanwhile, and SIGTERM stops both cleanly.
 */
let dir: string;
let dbDir: string;
let sink: SmtpSink;
const TODAY = '2026-07-01';

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
  const code = await main(['--db', dbDir, ...args], {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: { ARBOR_TODAY: TODAY, ARBOR_USER: 'e2e' },
  });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-serve-jobs-'));
  dbDir = join(dir, 'db');
  sink = await startSmtpSink();
  await writeFile(
    join(dir, 'customers.csv'),
    'account_number,name,terms,email\nM1,Mike Medical,NET30,ap@mike.example\n',
  );
  await writeFile(
    join(dir, 'invoices.csv'),
    'invoice_number,account_number,issue_date,due_date,amount\nM-1,M1,2026-05-31,2026-06-30,150.00\n',
  );
  for (const kind of ['customers', 'invoices']) {
    const r = await arbor(['import', kind, join(dir, `${kind}.csv`)]);
    expect(r.code, r.err).toBe(0);
  }
  expect((await arbor(['dunning', 'schedule', '--daily'])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await sink?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('arbor serve --jobs', () => {
  it('runs the daily dunning and sends its email from the serving process, then stops on SIGTERM', async () => {
    const server = await startServeProcess(
      dbDir,
      { ARBOR_TODAY: TODAY, ARBOR_ADMIN_PASSWORD: 'a long enough admin password 42' },
      { args: ['--jobs', '--interval', '1', '--smtp', sink.url, '--from', 'ar@arbor.example'] },
    );
    try {
      await waitFor(() => sink.messages.length === 1, 60_000);
      expect(sink.messages.map((m) => [m.to.join(','), m.subject])).toEqual([
        ['ap@mike.example', 'Payment reminder – account M1'],
      ]);
      expect(sink.messages[0]?.envelope.from).toBe('ar@arbor.example');
      // The API answers while the worker runs beside it.
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      const exit = await server.stop();
      expect(exit.code).toBe(0);
    }
    expect(server.events).toContain('worker.started');
    expect(server.events).toContain('job.done');
    // The worker stops (finishing its step) before the database is closed and the process exits.
    expect(server.events.slice(-2)).toEqual(['worker.stopped', 'stopped']);
    expect(server.events.indexOf('stopping')).toBeGreaterThan(server.events.indexOf('job.done'));
    expect(server.errors).toEqual([]);

    // The database was closed cleanly: another process opens it and sees the job done, the email sent once.
    const jobs = await arbor(['jobs', 'list', '--format', 'json']);
    expect(jobs.code, jobs.err).toBe(0);
    expect(
      (JSON.parse(jobs.out) as { kind: string; run_date: string; status: string }[]).map(
        (j) => `${j.kind} ${j.run_date} ${j.status}`,
      ),
    ).toEqual(['dunning.run 2026-07-01 done']);
    const outbox = await arbor(['outbox', 'list', '--format', 'json']);
    expect(JSON.parse(outbox.out)).toMatchObject([{ status: 'sent', attempts: '1', to: 'ap@mike.example' }]);
  }, 120_000);

  it('refuses worker options without --jobs', async () => {
    const r = await runArbor(dbDir, ['serve', '--port', '0', '--smtp', 'smtp://127.0.0.1:25'], {
      ARBOR_TODAY: TODAY,
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain('add --jobs');
  });
});
