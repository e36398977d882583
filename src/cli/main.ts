import { AppError, formatIssue, isAppError } from '../core/errors.ts';
import type { Command } from './command.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { type Io, resolveDbTarget } from './runtime.ts';

/**
 * The commands, by module, in the order `arbor --help` lists them. A module is loaded only when the
 * command line starts with one of its first words (or for the whole list): each brings its services
 * and their modules with it. Loading all of them took about 0.7 s of `arbor`'s 0.9 s start-up, the
 * import commands' alone about 0.38 s (measured through tsx's loader). A test checks that each
 * module's commands start with the words declared here.
 */
export const COMMAND_MODULES: readonly {
  readonly first: readonly string[];
  load(): Promise<readonly Command[]>;
}[] = [
  { first: ['init'], load: async () => [(await import('./commands/init.ts')).initCommand] },
  { first: ['import'], load: async () => (await import('./commands/import.ts')).importCommands },
  {
    first: ['import', 'bank-account', 'bank-mapping'],
    load: async () => {
      const m = await import('./commands/bank.ts');
      return [
        m.importBankCommand,
        m.bankAccountAddCommand,
        m.bankAccountListCommand,
        m.bankMappingSaveCommand,
        m.bankMappingListCommand,
      ];
    },
  },
  {
    first: ['import'],
    load: async () => [(await import('./commands/remittance.ts')).importRemittanceCommand],
  },
  {
    first: ['report'],
    load: async () => {
      const m = await import('./commands/report.ts');
      return [m.agingCommand, m.statementCommand];
    },
  },
  {
    first: ['report'],
    load: async () => [(await import('./commands/report-bank-reconciliation.ts')).bankReconciliationCommand],
  },
  { first: ['report'], load: async () => (await import('./commands/report-kpis.ts')).kpiCommands },
  { first: ['report'], load: async () => (await import('./commands/report-forecast.ts')).forecastCommands },
  { first: ['cash'], load: async () => [(await import('./commands/cash.ts')).cashApplyCommand] },
  { first: ['cash'], load: async () => (await import('./commands/cash-workbench.ts')).cashWorkbenchCommands },
  { first: ['export'], load: async () => [(await import('./commands/export.ts')).exportApplicationsCommand] },
  { first: ['parse'], load: async () => [(await import('./commands/parse.ts')).parseCommand] },
  { first: ['check'], load: async () => [(await import('./commands/check.ts')).checkCommand] },
  { first: ['audit'], load: async () => (await import('./commands/audit.ts')).auditCommands },
  { first: ['period'], load: async () => (await import('./commands/period.ts')).periodCommands },
  { first: ['demo'], load: async () => [(await import('./commands/demo.ts')).demoCommand] },
  {
    first: ['activity', 'task', 'promise', 'plan', 'settle', 'dispute', 'hold', 'collections'],
    load: async () => (await import('./commands/collections.ts')).collectionsCommands,
  },
  {
    first: ['reinstate', 'adjustment'],
    load: async () => (await import('./commands/adjustment.ts')).adjustmentCommands,
  },
  {
    first: ['dunning', 'jobs', 'document', 'statement', 'outbox'],
    load: async () => (await import('./commands/dunning.ts')).dunningCommands,
  },
  { first: ['user'], load: async () => (await import('./commands/user.ts')).userCommands },
  { first: ['token'], load: async () => (await import('./commands/token.ts')).tokenCommands },
  { first: ['serve'], load: async () => [(await import('./commands/serve.ts')).serveCommand] },
  { first: ['worklist'], load: async () => (await import('./commands/worklist.ts')).worklistCommands },
  { first: ['agency'], load: async () => (await import('./commands/agency.ts')).agencyCommands },
  { first: ['experiment'], load: async () => (await import('./commands/experiment.ts')).experimentCommands },
];

/** The commands of the modules that declare `firstWord`, or every command (none does, or no word). */
export async function loadCommands(firstWord?: string): Promise<readonly Command[]> {
  const some = COMMAND_MODULES.filter((m) => firstWord !== undefined && m.first.includes(firstWord));
  const modules = some.length > 0 ? some : COMMAND_MODULES;
  return (await Promise.all(modules.map((m) => m.load()))).flat();
}

const VERSION = '0.1.0';

async function usage(): Promise<string> {
  const commands = await loadCommands();
  const width = Math.max(...commands.map((c) => c.words.join(' ').length));
  return [
    'usage: arbor [--db TARGET] [--tenant SLUG] COMMAND [ARGS]',
    '',
    'TARGET is a directory (embedded PostgreSQL, created on first use) or a postgres:// URL.',
    'Without --db: $ARBOR_DB, else ./arbor-data.',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'exit codes: 0 done, 1 unexpected, 2 invalid input, 3 not found, 4 conflict, 5 check failed',
  ].join('\n');
}

/** Runs the command line; returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const args = [...argv];
  let db: string | undefined;
  let tenant = io.env.ARBOR_TENANT ?? 'default';
  // Global options come before the command (INTERCHANGE.md §1); commands accept them after too.
  while (args[0]?.startsWith('-')) {
    const flag = args.shift() as string;
    const [name, inline] = flag.split('=', 2) as [string, string | undefined];
    if (name === '--help' || name === '-h') {
      io.stdout.write(`${await usage()}\n`);
      return EXIT.ok;
    }
    if (name === '--version') {
      io.stdout.write(`arbor ${VERSION}\n`);
      return EXIT.ok;
    }
    if (name === '--db' || name === '--tenant') {
      const value = inline ?? args.shift();
      if (value === undefined)
        return fail(io, new AppError('cli.invalid_arguments', 'invalid', `${name} needs a value`));
      if (name === '--db') db = value;
      else tenant = value;
      continue;
    }
    return fail(
      io,
      new AppError('cli.invalid_arguments', 'invalid', `unknown option ${name}\n${await usage()}`),
    );
  }
  if (args.length === 0) {
    io.stderr.write(`${await usage()}\n`);
    return EXIT.invalid;
  }
  const commands = await loadCommands(args[0]);
  const command = commands
    .filter((c) => c.words.every((w, i) => args[i] === w))
    .sort((a, b) => b.words.length - a.words.length)[0];
  if (!command) {
    const known = commands.filter((c) => c.words[0] === args[0]).map((c) => c.words.join(' '));
    const hint = known.length > 0 ? `; did you mean: ${known.join(', ')}` : '';
    return fail(
      io,
      new AppError(
        'cli.unknown_command',
        'invalid',
        `unknown command "${args.join(' ')}"${hint}\n${await usage()}`,
      ),
    );
  }
  const rest = args.slice(command.words.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`usage: ${command.usage}\n${command.summary}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run({ global: { db: resolveDbTarget(db, io.env), tenant }, io, argv: rest });
  } catch (e) {
    return fail(io, e);
  }
}

/** Maps an error to its exit code once, printing located input problems as `FILE:LINE: column: message`. */
function fail(io: Io, e: unknown): number {
  if (isAppError(e)) {
    for (const issue of e.issues) io.stderr.write(`${formatIssue(issue)}\n`);
    io.stderr.write(`arbor: ${e.message}\n`);
    return exitCodeFor(e.kind);
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`arbor: unexpected error: ${err.message}\n`);
  if (io.env.ARBOR_DEBUG) io.stderr.write(`${err.stack ?? ''}\n`);
  else io.stderr.write('arbor: set ARBOR_DEBUG=1 for the full trace\n');
  return EXIT.unexpected;
}
