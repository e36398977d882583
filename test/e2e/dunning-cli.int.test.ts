import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { extractPdfText } from '../support/pdf-text.ts';
import { arborOk } from '../support/serve-process.ts';
import { type SmtpSink, startSmtpSink, waitFor } from '../support/smtp-sink-process.ts';

/**
 * The dunning commands as an operator uses them: `arbor dunning run`, the worker as its own process
 * (`arbor jobs work --once`, as cron would start it) delivering to a real SMTP server, `arbor document
 * show ID --output FILE`, statement schedules and the daily schedule.
 */
let dir: string;
let dbDir: string;
let sink: SmtpSink;

async function arbor(args: string[], today = '2026-07-01') {
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
    env: { ARBOR_TODAY: today, ARBOR_USER: 'e2e' },
  });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-dunning-e2e-'));
  dbDir = join(dir, 'db');
  sink = await startSmtpSink();
  await writeFile(
    join(dir, 'customers.csv'),
    'account_number,name,terms,email\nM1,Mike Medical,NET30,ap@mike.example\nN1,November Labs,NET30,\n',
  );
  await writeFile(
    join(dir, 'invoices.csv'),
    'invoice_number,account_number,issue_date,due_date,amount\n' +
      'M-1,M1,2026-05-31,2026-06-30,150.00\nN-1,N1,2026-04-01,2026-05-01,2400.00\n',
  );
  for (const kind of ['customers', 'invoices']) {
    const r = await arbor(['import', kind, join(dir, `${kind}.csv`)]);
    expect(r.code, r.err).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await sink?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('arbor dunning', () => {
  it('runs once per date and leaves email to the worker process, which sends each once', async () => {
    const run = await arbor(['dunning', 'run']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/dunning of 2026-07-01 \(job job_\w+\), covering 2026-07-01 to 2026-07-01/);
    expect(run.out).toMatch(/notices: 2 \(emails queued 1, to print 1\)/);
    const again = await arbor(['dunning', 'run', '--date', '2026-07-01']);
    expect(again.out).toMatch(/already ran/);
    expect((await arbor(['dunning', 'run', '--date', '2026-07-09'])).code).toBe(2);

    const env = { ARBOR_TODAY: '2026-07-01', ARBOR_USER: 'worker' };
    const work = await arborOk(
      dbDir,
      ['jobs', 'work', '--once', '--smtp', sink.url, '--from', 'ar@arbor.example'],
      env,
    );
    expect(work.err).toMatch(/emails sent 1/);
    await waitFor(() => sink.messages.length === 1);
    await arborOk(dbDir, ['jobs', 'work', '--once', '--smtp', sink.url], env);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.messages.map((m) => [m.to.join(','), m.subject])).toEqual([
      ['ap@mike.example', 'Payment reminder – account M1'],
    ]);
    expect(sink.messages[0]?.envelope.from).toBe('ar@arbor.example');
    const outbox = await arbor(['outbox', 'list', '--format', 'json']);
    expect(JSON.parse(outbox.out)).toMatchObject([{ status: 'sent', attempts: '1', to: 'ap@mike.example' }]);
  }, 120_000);

  it('shows a document again exactly as it was sent', async () => {
    const list = await arbor(['document', 'list', 'N1', '--format', 'json']);
    const [doc] = JSON.parse(list.out) as { id: string; kind: string }[];
    expect(doc?.kind).toBe('final_notice');
    const file = join(dir, 'letter.pdf');
    const show = await arbor(['document', 'show', doc?.id ?? '', '--output', file]);
    expect(show.code, show.err).toBe(0);
    const bytes = await readFile(file);
    const sha = /sha256 ([0-9a-f]{64})/.exec(show.err)?.[1];
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
    const text = (await extractPdfText(bytes)).join('\n');
    expect(text).toContain('November Labs');
    expect(text).toMatch(/N-1 .*2,400\.00/);
    expect(text).toContain('Total due 2,400.00 USD');
    expect((await arbor(['document', 'show', 'doc_01JD8X3Q6W9K2M4N7P5R8T0V2Y', '--output', file])).code).toBe(
      3,
    );
  });

  it('schedules statements and daily runs that the worker then makes', async () => {
    const s = await arbor(['statement', 'schedule', 'M1', '--weekly', '--day', '4']);
    expect(s.out).toBe('statements for M1: weekly on day 4, next on 2026-07-02\n');
    expect((await arbor(['statement', 'schedule', 'ZZ', '--monthly'])).code).toBe(3);
    expect((await arbor(['dunning', 'schedule', '--daily'])).code).toBe(0);
    const work = await arbor(['jobs', 'work', '--once'], '2026-07-02');
    expect(work.code, work.err + work.out).toBe(0);
    const jobs = JSON.parse((await arbor(['jobs', 'list', '--format', 'json'], '2026-07-02')).out) as {
      kind: string;
      run_date: string;
      status: string;
    }[];
    expect(jobs.map((j) => `${j.kind} ${j.run_date} ${j.status}`).sort()).toEqual([
      'dunning.run 2026-07-01 done',
      'dunning.run 2026-07-02 done',
      'statements.run 2026-07-02 done',
    ]);
    const docs = JSON.parse((await arbor(['document', 'list', 'M1', '--format', 'json'])).out) as {
      kind: string;
    }[];
    expect(docs.map((d) => d.kind)).toEqual(['statement']);
  });
});
