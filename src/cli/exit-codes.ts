import type { ErrorKind } from '../core/errors.ts';

/** Exit codes of INTERCHANGE.md §1, plus 5 for `arbor check` finding a broken invariant. */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  invalid: 2,
  notFound: 3,
  conflict: 4,
  checkFailed: 5,
} as const;

export function exitCodeFor(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid':
      return EXIT.invalid;
    case 'not_found':
      return EXIT.notFound;
    case 'conflict':
      return EXIT.conflict;
    case 'forbidden':
    case 'unauthenticated':
    case 'rate_limited':
      return EXIT.invalid;
    case 'unavailable':
      return EXIT.unexpected;
  }
}
