import { jsonLogger } from '../../api/logger.ts';
import { startServer } from '../../api/server.ts';
import { AppError } from '../../core/errors.ts';
import { ensureAdminUser } from '../../modules/identity/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openContext } from '../runtime.ts';

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);

export const serveCommand: Command = {
  words: ['serve'],
  usage:
    'arbor [--db TARGET] serve [--port N] [--host ADDR] [--secure-cookies] [--trust-proxy] (env: ARBOR_PORT, ARBOR_HOST, ARBOR_SECURE_COOKIES, ARBOR_TRUST_PROXY, ARBOR_LOGIN_ATTEMPTS_PER_MINUTE, ARBOR_DB_POOL)',
  summary: 'run the HTTP API (and the web app) until SIGTERM or SIGINT; JSON logs on stdout',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        'secure-cookies': { type: 'boolean' },
        'trust-proxy': { type: 'boolean' },
      },
      { min: 0, max: 0 },
    );
    const env = input.io.env;
    const portText = (values.port as string | undefined) ?? env.ARBOR_PORT ?? '3000';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new AppError('cli.invalid_arguments', 'invalid', `--port must be 0..65535, not "${portText}"`);
    const host = (values.host as string | undefined) ?? env.ARBOR_HOST ?? '127.0.0.1';
    const attempts = env.ARBOR_LOGIN_ATTEMPTS_PER_MINUTE
      ? Number(env.ARBOR_LOGIN_ATTEMPTS_PER_MINUTE)
      : undefined;
    const { ctx } = await openContext(
      global,
      input.io,
      env.ARBOR_DB_POOL ? { poolSize: Number(env.ARBOR_DB_POOL) } : {},
    );
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
    const running = await startServer(
      {
        database,
        clock: ctx.clock,
        logger,
        ...(values['secure-cookies'] || truthy(env.ARBOR_SECURE_COOKIES) ? { secureCookies: true } : {}),
        trustProxy: Boolean(values['trust-proxy']) || truthy(env.ARBOR_TRUST_PROXY),
        ...(attempts !== undefined && Number.isFinite(attempts) ? { loginAttemptsPerMinute: attempts } : {}),
      },
      { port, host },
    );
    logger.info('listening', { url: running.url, database: database.target, engine: database.kind });
    input.io.stderr.write(
      `arbor: serving ${database.target} at ${running.url}, pid ${process.pid} (sign in: ${running.url}/login; API reference: ${running.url}/api/docs)\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info('stopping', { signal });
        void running.stop().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    await database.close();
    logger.info('stopped');
    return EXIT.ok;
  },
};
