import { jsonLogger } from '../../api/logger.ts';
import { startServer } from '../../api/server.ts';
import { Mutex } from '../../api/unit-of-work.ts';
import { AppError } from '../../core/errors.ts';
import { defaultWorkerName, runWorker } from '../../jobs/worker.ts';
import { createSmtpMailer, type Mailer } from '../../modules/dunning/index.ts';
import { ensureAdminUser } from '../../modules/identity/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openContext } from '../runtime.ts';
import { smtpFrom } from './dunning.ts';

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);

export const serveCommand: Command = {
  words: ['serve'],
  usage:
    'arbor [--db TARGET] serve [--port N] [--host ADDR] [--secure-cookies] [--trust-proxy] [--jobs [--interval SECONDS] [--smtp smtp://HOST:PORT] [--from ADDRESS]] (env: ARBOR_PORT, ARBOR_HOST, ARBOR_SECURE_COOKIES, ARBOR_TRUST_PROXY, ARBOR_LOGIN_ATTEMPTS_PER_MINUTE, ARBOR_DB_POOL, ARBOR_SMTP_URL, ARBOR_MAIL_FROM)',
  summary:
    'run the HTTP API (and the web app) until SIGTERM or SIGINT, with --jobs the job worker too; JSON logs on stdout',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        'secure-cookies': { type: 'boolean' },
        'trust-proxy': { type: 'boolean' },
        jobs: { type: 'boolean' },
        interval: { type: 'string' },
        smtp: { type: 'string' },
        from: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const env = input.io.env;
    const portText = (values.port as string | undefined) ?? env.ARBOR_PORT ?? '3000';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new AppError('cli.invalid_arguments', 'invalid', `--port must be 0..65535, not "${portText}"`);
    const host = (values.host as string | undefined) ?? env.ARBOR_HOST ?? '127.0.0.1';
    const jobs = Boolean(values.jobs);
    if (!jobs && (values.interval !== undefined || values.smtp !== undefined || values.from !== undefined))
      throw new AppError(
        'cli.invalid_arguments',
        'invalid',
        '--interval, --smtp and --from configure the job worker: add --jobs',
      );
    const interval = Number(values.interval ?? 60);
    if (!Number.isFinite(interval) || interval < 1)
      throw new AppError('cli.invalid_arguments', 'invalid', '--interval must be at least 1 second');
    const smtp = jobs ? smtpFrom(values, env) : null;
    const attempts = wholeNumberFrom(env, 'ARBOR_LOGIN_ATTEMPTS_PER_MINUTE');
    const poolSize = wholeNumberFrom(env, 'ARBOR_DB_POOL');
    const { ctx } = await openContext(global, input.io, poolSize !== undefined ? { poolSize } : {});
    const database = ctx.database;
    // Someone must be able to sign in: the first start creates the administrator, as `arbor init`
    // does, and shows its password once on stderr (never in the JSON log).
    const admin = await ensureAdminUser(ctx, env.ARBOR_ADMIN_PASSWORD);
    if (admin.created)
      input.io.stderr.write(
        admin.password === null
          ? 'arbor: admin user created with the password from ARBOR_ADMIN_PASSWORD\n'
          : `arbor: admin user created; its password (shown once): ${admin.password}\n`,
      );
    const logger = jsonLogger((line) => input.io.stdout.write(line));
    // With the worker in the process, requests and worker steps take turns on the embedded
    // database's one connection (a server's pool needs no turns: jobs are claimed with skip locked).
    const mutex = jobs && database.kind === 'pglite' ? new Mutex() : undefined;
    const running = await startServer(
      {
        database,
        clock: ctx.clock,
        logger,
        ...(mutex ? { mutex } : {}),
        ...(values['secure-cookies'] || truthy(env.ARBOR_SECURE_COOKIES) ? { secureCookies: true } : {}),
        trustProxy: Boolean(values['trust-proxy']) || truthy(env.ARBOR_TRUST_PROXY),
        ...(attempts !== undefined ? { loginAttemptsPerMinute: attempts } : {}),
      },
      { port, host },
    );
    logger.info('listening', { url: running.url, database: database.target, engine: database.kind });
    input.io.stderr.write(
      `arbor: serving ${database.target} at ${running.url}, pid ${process.pid} (sign in: ${running.url}/login; API reference: ${running.url}/api/docs)\n`,
    );
    const stopWorker = new AbortController();
    let mailer: Mailer | null = null;
    let worker: Promise<void> = Promise.resolve();
    if (smtp) {
      if (smtp.url) mailer = createSmtpMailer(smtp.url);
      else
        input.io.stderr.write(
          'arbor: no SMTP server (--smtp or ARBOR_SMTP_URL): emails stay in the outbox until a worker has one\n',
        );
      logger.info('worker.started', {
        interval,
        smtp: smtp.url ? smtp.url.replace(/\/\/[^@]*@/, '//***@') : null,
      });
      worker = runWorker(
        {
          database,
          clock: ctx.clock,
          mailer,
          from: smtp.from,
          worker: defaultWorkerName(),
          log: (event, fields) =>
            event === 'worker.error' || event === 'job.failed'
              ? logger.error(event, fields)
              : logger.info(event, fields),
          ...(mutex ? { exclusive: <T>(step: () => Promise<T>) => mutex.run(step) } : {}),
        },
        { intervalMs: interval * 1000, signal: stopWorker.signal },
      );
    }
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info('stopping', { signal });
        // The worker finishes the step it is in (a job, a delivery) and stops; the server finishes
        // the requests in flight. Both end before the database is closed.
        stopWorker.abort();
        void Promise.all([running.stop(), worker]).then(() => resolve());
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    if (smtp) logger.info('worker.stopped', {});
    await mailer?.close();
    await database.close();
    logger.info('stopped');
    return EXIT.ok;
  },
};

/**
 * A setting that counts something (connections, attempts), from the environment: a whole number of at
 * least 1, or undefined when unset. Anything else is refused before the server starts, rather than
 * silently replaced by the default (a login limit that did not take would go unnoticed).
 */
function wholeNumberFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new AppError(
      'cli.invalid_arguments',
      'invalid',
      `${name} must be a whole number of at least 1, not "${text}"`,
    );
  return n;
}
