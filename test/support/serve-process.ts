import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';

/**
 * The real `arbor` command in a child process: one-shot commands (`runArbor`) and `arbor serve`
 * (`startServeProcess`), for end-to-end tests and the API benchmark. The server is a separate process
 * so that a test can `kill -9` it and a benchmark measures it apart from the load generator.
 */

export const ROOT = join(import.meta.dirname, '..', '..');
export const ARBOR_BIN = join(ROOT, 'bin', 'arbor.js');

export interface ArborRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
  readonly seconds: number;
}

/** Runs `arbor --db TARGET ARGS` to completion; never rejects (the caller asserts on the code). */
export function runArbor(
  target: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ArborRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [ARBOR_BIN, '--db', target, ...args], {
      env: { ...process.env, ...env },
      cwd: ROOT,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code, signal) =>
      resolve({ code, signal, out, err, seconds: (performance.now() - started) / 1000 }),
    );
  });
}

/** Like runArbor, but a non-zero exit is an error naming the command and its stderr. */
export async function arborOk(target: string, args: readonly string[], env: Record<string, string> = {}) {
  const r = await runArbor(target, args, env);
  if (r.code !== 0)
    throw new Error(
      `arbor ${args.join(' ')} exited ${r.code ?? r.signal}:\n${r.err.slice(-4000)}${r.out.slice(-2000)}`,
    );
  return r;
}

/**
 * Adds a user with the given role and an API token for it through the command line, as an operator
 * would (`arbor user add`, `arbor token create`); returns the bearer token.
 */
export async function createUserAndToken(
  target: string,
  username: string,
  role: string,
  env: Record<string, string> = {},
): Promise<string> {
  await arborOk(target, ['user', 'add', username, '--role', role], {
    ...env,
    ARBOR_NEW_PASSWORD: 'load test password, long enough 42',
  });
  const r = await arborOk(target, ['token', 'create', username, '--label', 'load'], env);
  const token = /token \(shown once\): (\S+)/.exec(r.out)?.[1];
  if (!token) throw new Error(`arbor token create printed no token:\n${r.out}`);
  return token;
}

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Log lines of level error (unhandled errors, masked 500s), as written by the server. */
  readonly errors: string[];
  /** The `event` of every log line, in order. */
  readonly events: string[];
  /** Requests logged per status code. */
  readonly statuses: Map<number, number>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (graceful) and wait for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no cleanup, no flush, in-flight transactions cut. */
  kill9(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `arbor serve` on a free loopback port and resolves once it logs `listening`. Its JSON log
 * lines are read as they come (a pipe left unread would stall the server); request lines are
 * counted by status and error lines kept.
 */
export function startServeProcess(
  target: string,
  env: Record<string, string> = {},
  options: { timeoutMs?: number; nodeArgs?: readonly string[]; args?: readonly string[] } = {},
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      ARBOR_BIN,
      '--db',
      target,
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      ...(options.args ?? []),
    ],
    {
      env: { ...process.env, ...env },
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const errors: string[] = [];
  const events: string[] = [];
  const statuses = new Map<number, number>();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-20_000);
  });
  return new Promise((resolve, reject) => {
    let pending = '';
    let listening = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`arbor serve did not start in time:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    void exited.then(({ code, signal }) => {
      if (!listening) {
        clearTimeout(timer);
        reject(new Error(`arbor serve exited (${code ?? signal}) before listening:\n${stderr}`));
      }
    });
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
        // Cheap scans first: at thousands of requests a second, parse only what matters.
        const status = /"status":(\d{3})/.exec(line);
        if (status) {
          const s = Number(status[1]);
          statuses.set(s, (statuses.get(s) ?? 0) + 1);
        }
        if (line.includes('"level":"error"')) errors.push(line);
        const event = /"event":"([^"]*)"/.exec(line)?.[1];
        if (event && event !== 'request') events.push(event);
        if (!listening && line.includes('"event":"listening"')) {
          const url = (JSON.parse(line) as { url?: string }).url;
          if (!url) continue;
          listening = true;
          clearTimeout(timer);
          const signalAndWait = (signal: NodeJS.Signals) => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          };
          resolve({
            url,
            child,
            errors,
            events,
            statuses,
            exited,
            stop: () => signalAndWait('SIGTERM'),
            kill9: () => signalAndWait('SIGKILL'),
          });
        }
      }
    });
  });
}

/** True when a PostgreSQL server answers at `url` within two seconds. */
export async function serverAnswers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** The URL with another database name. */
export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops (if there) and creates a database on the server of `adminUrl`; returns its URL. */
export async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return withDatabaseName(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
