/**
 * One error type for the whole application. Each module owns a set of namespaced codes
 * (`ledger.unbalanced_entry`), and every code has a kind that each boundary maps exactly once:
 * the CLI to an exit code, the API to an HTTP status, jobs to retry-or-fail.
 */
export type ErrorKind =
  | 'invalid'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'unavailable'
  /** No valid credentials (HTTP 401). */
  | 'unauthenticated'
  /** Too many attempts; try again later (HTTP 429). */
  | 'rate_limited';

/** A problem located in an input file: `FILE:LINE: column: message`. */
export interface InputIssue {
  file?: string;
  line?: number;
  column?: string;
  message: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: Readonly<Record<string, unknown>>;
  readonly issues: readonly InputIssue[];

  constructor(
    code: string,
    kind: ErrorKind,
    message: string,
    options: { details?: Record<string, unknown>; issues?: readonly InputIssue[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.kind = kind;
    this.details = options.details ?? {};
    this.issues = options.issues ?? [];
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/**
 * Builds a module's error factory from an exhaustive code → kind record, so that a module cannot
 * throw a code it has not declared.
 */
export function defineErrors<const C extends Record<string, ErrorKind>>(codes: C) {
  return function moduleError(
    code: keyof C & string,
    message: string,
    options?: { details?: Record<string, unknown>; issues?: readonly InputIssue[]; cause?: unknown },
  ): AppError {
    const kind = codes[code];
    if (kind === undefined) throw new Error(`undeclared error code ${code}`);
    return new AppError(code, kind, message, options);
  };
}

/** Formats one input issue the way the command line prints it. */
export function formatIssue(issue: InputIssue): string {
  const where = [issue.file, issue.line === undefined ? undefined : String(issue.line)]
    .filter((x) => x !== undefined && x !== '')
    .join(':');
  const column = issue.column ? `${issue.column}: ` : '';
  return where ? `${where}: ${column}${issue.message}` : `${column}${issue.message}`;
}

/** Core errors (money, dates, ids): always input problems. */
export const coreError = defineErrors({
  'core.invalid_amount': 'invalid',
  'core.invalid_currency': 'invalid',
  'core.currency_mismatch': 'invalid',
  'core.invalid_date': 'invalid',
  'core.invalid_rate': 'invalid',
  'core.invalid_terms': 'invalid',
  'core.invalid_id': 'invalid',
});
