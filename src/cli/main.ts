import { AppError, formatIssue, isAppError } from '../core/errors.ts';
import type { Command } from './command.ts';
import { adjustmentCommands } from './commands/adjustment.ts';
import { agencyCommands } from './commands/agency.ts';
import { auditCommands } from './commands/audit.ts';
import {
  bankAccountAddCommand,
  bankAccountListCommand,
  bankMappingListCommand,
  bankMappingSaveCommand,
  importBankCommand,
} from './commands/bank.ts';
import { cashApplyCommand } from './commands/cash.ts';
import { cashWorkbenchCommands } from './commands/cash-workbench.ts';
import { checkCommand } from './commands/check.ts';
import { collectionsCommands } from './commands/collections.ts';
import { demoCommand } from './commands/demo.ts';
import { dunningCommands } from './commands/dunning.ts';
import { experimentCommands } from './commands/experiment.ts';
import { exportApplicationsCommand } from './commands/export.ts';
import { importCommands } from './commands/import.ts';
import { initCommand } from './commands/init.ts';
import { parseCommand } from './commands/parse.ts';
import { periodCommands } from './commands/period.ts';
import { importRemittanceCommand } from './commands/remittance.ts';
import { agingCommand, statementCommand } from './commands/report.ts';
import { bankReconciliationCommand } from './commands/report-bank-reconciliation.ts';
import { forecastCommands } from './commands/report-forecast.ts';
import { kpiCommands } from './commands/report-kpis.ts';
import { serveCommand } from './commands/serve.ts';
import { tokenCommands } from './commands/token.ts';
import { userCommands } from './commands/user.ts';
import { worklistCommands } from './commands/worklist.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { type Io, resolveDbTarget } from './runtime.ts';

export const COMMANDS: readonly Command[] = [
  initCommand,
  ...importCommands,
  importBankCommand,
  importRemittanceCommand,
  bankAccountAddCommand,
  bankAccountListCommand,
  bankMappingSaveCommand,
  bankMappingListCommand,
  agingCommand,
  statementCommand,
  bankReconciliationCommand,
  ...kpiCommands,
  ...forecastCommands,
  cashApplyCommand,
  ...cashWorkbenchCommands,
  exportApplicationsCommand,
  parseCommand,
  checkCommand,
  ...auditCommands,
  ...periodCommands,
  demoCommand,
  ...collectionsCommands,
  ...adjustmentCommands,
  ...dunningCommands,
  ...userCommands,
  ...tokenCommands,
  serveCommand,
  ...worklistCommands,
  ...agencyCommands,
  ...experimentCommands,
];

const VERSION = '0.1.0';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.words.join(' ').length));
  return [
    'usage: arbor [--db TARGET] [--tenant SLUG] COMMAND [ARGS]',
    '',
    'TARGET is a directory (embedded PostgreSQL, created on first use) or a postgres:// URL.',
    'Without --db: $ARBOR_DB, else ./arbor-data.',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
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
      io.stdout.write(`${usage()}\n`);
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
    return fail(io, new AppError('cli.invalid_arguments', 'invalid', `unknown option ${name}\n${usage()}`));
  }
  if (args.length === 0) {
    io.stderr.write(`${usage()}\n`);
    return EXIT.invalid;
  }
  const command = COMMANDS.filter((c) => c.words.every((w, i) => args[i] === w)).sort(
    (a, b) => b.words.length - a.words.length,
  )[0];
  if (!command) {
    const known = COMMANDS.filter((c) => c.words[0] === args[0]).map((c) => c.words.join(' '));
    const hint = known.length > 0 ? `; did you mean: ${known.join(', ')}` : '';
    return fail(
      io,
      new AppError(
        'cli.unknown_command',
        'invalid',
        `unknown command "${args.join(' ')}"${hint}\n${usage()}`,
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
