import { AppError, isAppError } from '../core/errors.ts';

interface PgLikeError {
  code?: string;
  hint?: string;
  message?: string;
  detail?: string;
  constraint?: string;
}

function asPgError(e: unknown): PgLikeError | null {
  return typeof e === 'object' && e !== null && 'message' in e ? (e as PgLikeError) : null;
}

/**
 * Maps database errors that carry a business meaning to AppErrors: the ledger's own triggers
 * (hint `arbor.*`), unique and check violations. Anything else passes through unchanged, to be
 * logged in full and shown masked by the boundary.
 */
export function translateDbError(e: unknown): unknown {
  if (isAppError(e)) return e;
  const pgErr = asPgError(e);
  if (!pgErr) return e;
  const message = (pgErr.message ?? '').replace(/^arbor: /, '');
  switch (pgErr.hint) {
    case 'arbor.period_locked':
      return new AppError('ledger.period_locked', 'conflict', message, { cause: e });
    case 'arbor.unbalanced_entry':
      return new AppError('ledger.unbalanced_entry', 'invalid', message, { cause: e });
    case 'arbor.append_only':
      return new AppError('ledger.append_only', 'forbidden', message, { cause: e });
  }
  if (pgErr.code === '23505') {
    return new AppError(
      'db.duplicate',
      'conflict',
      `already exists (${pgErr.constraint ?? 'unique key'}): ${pgErr.detail ?? message}`,
      {
        cause: e,
      },
    );
  }
  if (pgErr.code === '23514' || pgErr.code === '23503') {
    return new AppError(
      'db.constraint',
      'conflict',
      `${message}${pgErr.detail ? ` (${pgErr.detail})` : ''}`,
      { cause: e },
    );
  }
  if (pgErr.code === '40001' || pgErr.code === '40P01') {
    return new AppError('db.retry', 'unavailable', 'the database asked to retry a concurrent transaction', {
      cause: e,
    });
  }
  return e;
}

/** Runs `fn`, rethrowing database errors translated. */
export async function withDbErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw translateDbError(e);
  }
}
