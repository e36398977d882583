import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ReceivedMail {
  readonly envelope: { from: string | null; to: string[] };
  readonly messageId: string | null;
  readonly subject: string;
  readonly to: string[];
  readonly cc: string[];
  readonly text: string;
  readonly attachments: { filename: string | null; contentType: string; size: number; base64: string }[];
}

export interface SmtpSink {
  readonly url: string;
  readonly child: ChildProcess;
  /** Messages received so far, in order. */
  readonly messages: ReceivedMail[];
  /** Messages answered 451 (deferred) or recipients refused with 550, so far. */
  readonly deferred: number;
  readonly rejected: string[];
  stop(): Promise<void>;
}

/**
 * Starts test/support/smtp-sink.ts as a separate process (a real SMTP server on a free loopback
 * port) and collects what it reports.
 */
export function startSmtpSink(
  options: { failFirst?: number; reject?: readonly string[] } = {},
): Promise<SmtpSink> {
  const args = ['--import', 'tsx', join(import.meta.dirname, 'smtp-sink.ts')];
  if (options.failFirst) args.push('--fail-first', String(options.failFirst));
  for (const r of options.reject ?? []) args.push('--reject', r);
  const child = spawn(process.execPath, args, { cwd: join(import.meta.dirname, '..', '..'), stdio: 'pipe' });
  const messages: ReceivedMail[] = [];
  const rejected: string[] = [];
  let deferred = 0;
  let buffer = '';
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`smtp sink did not start: ${stderr}`)), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`smtp sink exited ${code}: ${stderr}`));
    });
    child.stdout?.on('data', (d) => {
      buffer += d;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
        if (line.trim() === '') continue;
        const event = JSON.parse(line) as { event: string; port?: number; to?: string } & ReceivedMail;
        if (event.event === 'listening') {
          clearTimeout(timer);
          const sink: SmtpSink = {
            url: `smtp://127.0.0.1:${event.port}`,
            child,
            messages,
            get deferred() {
              return deferred;
            },
            rejected,
            stop: () =>
              new Promise<void>((done) => {
                if (child.exitCode !== null) return done();
                child.once('exit', () => done());
                child.kill('SIGTERM');
              }),
          };
          resolve(sink);
        } else if (event.event === 'message') messages.push(event);
        else if (event.event === 'deferred') deferred++;
        else if (event.event === 'rejected' && event.to) rejected.push(event.to);
      }
    });
  });
}

/** Waits until `predicate` holds (messages arrive asynchronously from the sink's stdout). */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out waiting for the SMTP sink');
    await new Promise((r) => setTimeout(r, 25));
  }
}
