import { AppError, isAppError } from '../../core/errors.ts';
import {
  createUser,
  disableUser,
  identityError,
  isRole,
  listUsers,
  ROLES,
  setPassword,
} from '../../modules/identity/index.ts';
import type { Command, CommandInput } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';

/** A password chosen by the operator, from the environment (never an option: it would show in `ps` and shell history). */
function passwordFromEnv(input: CommandInput): string | undefined {
  const p = input.io.env.ARBOR_NEW_PASSWORD;
  return p === undefined || p === '' ? undefined : p;
}

/** Names the variable when the password it gave is refused. */
function blameEnv(e: unknown): never {
  throw isAppError(e) && e.code === 'identity.weak_password'
    ? new AppError(e.code, e.kind, `ARBOR_NEW_PASSWORD: ${e.message}`)
    : e;
}

export const userAddCommand: Command = {
  words: ['user', 'add'],
  usage: `arbor user add NAME --role ${ROLES.join('|')} [--display-name TEXT] [--portfolio-scoped]`,
  summary: 'create a user; prints a one-time password unless ARBOR_NEW_PASSWORD gives one',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        role: { type: 'string' },
        'display-name': { type: 'string' },
        'portfolio-scoped': { type: 'boolean' },
      },
      { min: 1, max: 1 },
    );
    const username = positionals[0] as string;
    const role = values.role as string | undefined;
    if (role === undefined)
      throw new AppError('cli.invalid_arguments', 'invalid', `--role is required\nusage: ${this.usage}`);
    if (!isRole(role))
      throw identityError(
        'identity.invalid_role',
        `--role must be one of ${ROLES.join(', ')}, not "${role}"`,
      );
    const password = passwordFromEnv(input);
    const displayName = values['display-name'] as string | undefined;
    const { ctx, close } = await openContext(global, input.io);
    try {
      const r = await createUser(ctx, {
        username,
        role,
        portfolioScoped: values['portfolio-scoped'] === true,
        ...(displayName === undefined ? {} : { displayName }),
        ...(password === undefined ? {} : { password }),
      }).catch(blameEnv);
      const out = input.io.stdout;
      out.write(`created user ${username} (${r.userId}), role ${role}\n`);
      out.write(
        r.password === null
          ? 'password: from ARBOR_NEW_PASSWORD\n'
          : `password (shown once): ${r.password}\n`,
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const userPasswordCommand: Command = {
  words: ['user', 'password'],
  usage: 'arbor user password NAME',
  summary: "set a user's password (ARBOR_NEW_PASSWORD, else a printed one-time one); signs the user out",
  async run(input) {
    const { positionals, global } = parseCommandArgs(input, this, {}, { min: 1, max: 1 });
    const username = positionals[0] as string;
    const password = passwordFromEnv(input);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const r = await setPassword(ctx, username, password).catch(blameEnv);
      input.io.stdout.write(
        r.password === null
          ? `password of ${username} set from ARBOR_NEW_PASSWORD; sessions revoked\n`
          : `new password of ${username} (shown once): ${r.password}\nsessions revoked\n`,
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const userListCommand: Command = {
  words: ['user', 'list'],
  usage: 'arbor user list [--format table|csv|json]',
  summary: 'list users with role, status and lockout',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'csv', 'json'], 'table');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const users = await listUsers(ctx);
      const iso = (d: Date | null) => (d === null ? '' : d.toISOString());
      await writeTabular(format, input.io.stdout, {
        name: 'users',
        columns: [
          { name: 'username' },
          { name: 'role' },
          { name: 'status' },
          { name: 'display_name' },
          { name: 'portfolio_scoped' },
          // Minor units have no currency here: the limit applies in each item's own currency.
          { name: 'approval_limit_minor', align: 'right' },
          { name: 'locked_until' },
          { name: 'password_changed_at' },
          { name: 'id' },
        ],
        rows: users.map((u) => [
          u.username,
          u.role,
          u.status,
          u.displayName ?? '',
          u.portfolioScoped ? 'yes' : 'no',
          u.approvalLimitMinor.toString(),
          iso(u.lockedUntil),
          u.hasPassword ? iso(u.passwordChangedAt) : '(none)',
          u.id,
        ]),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const userDisableCommand: Command = {
  words: ['user', 'disable'],
  usage: 'arbor user disable NAME',
  summary: 'disable a user: sign-in refused, sessions revoked, API tokens stop working',
  async run(input) {
    const { positionals, global } = parseCommandArgs(input, this, {}, { min: 1, max: 1 });
    const username = positionals[0] as string;
    const { ctx, close } = await openContext(global, input.io);
    try {
      const r = await disableUser(ctx, username);
      input.io.stdout.write(
        r.disabled ? `disabled user ${username}\n` : `user ${username} was already disabled\n`,
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const userCommands: Command[] = [
  userAddCommand,
  userPasswordCommand,
  userListCommand,
  userDisableCommand,
];
