import { type ParseArgsConfig, parseArgs } from 'node:util';
import { AppError } from '../core/errors.ts';
import type { GlobalOptions, Io } from './runtime.ts';

export interface CommandInput {
  readonly global: GlobalOptions;
  readonly io: Io;
  /** Arguments after the command words. */
  readonly argv: readonly string[];
}

export interface Command {
  /** The command words: `['import', 'invoices']`. */
  readonly words: readonly string[];
  readonly usage: string;
  readonly summary: string;
  run(input: CommandInput): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command also accepts after its words (INTERCHANGE.md §1 puts them first). */
const GLOBAL_OPTIONS: Options = {
  db: { type: 'string' },
  tenant: { type: 'string' },
};

/**
 * Strict option parsing for one command: unknown options and missing values are input errors
 * (exit 2), so a typo never runs a different command than the one meant.
 */
export function parseCommandArgs<O extends Options>(
  input: CommandInput,
  command: Command,
  options: O,
  positionals: { min: number; max: number },
) {
  let parsed: ReturnType<
    typeof parseArgs<{ options: O & typeof GLOBAL_OPTIONS; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({
      args: [...input.argv],
      options: { ...GLOBAL_OPTIONS, ...options } as O & typeof GLOBAL_OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new AppError(
      'cli.invalid_arguments',
      'invalid',
      `${(e as Error).message}\nusage: ${command.usage}`,
    );
  }
  if (parsed.positionals.length < positionals.min || parsed.positionals.length > positionals.max) {
    throw new AppError('cli.invalid_arguments', 'invalid', `usage: ${command.usage}`);
  }
  const values = parsed.values as Record<string, unknown>;
  const global: GlobalOptions = {
    db: typeof values.db === 'string' ? values.db : input.global.db,
    tenant: typeof values.tenant === 'string' ? values.tenant : input.global.tenant,
  };
  return { values: parsed.values, positionals: parsed.positionals, global };
}
