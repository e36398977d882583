import type { AppError } from '../../core/errors.ts';
import { tabularError } from './tabular.errors.ts';

/** Maps a file system error on opening `path` to the module's error vocabulary. */
export function fileOpenError(path: string, e: unknown): AppError {
  const code = (e as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return tabularError('tabular.file_not_found', `${path}: no such file`, { cause: e });
    case 'EISDIR':
      return tabularError('tabular.file_not_found', `${path}: is a directory, not a file`, { cause: e });
    case 'EACCES':
    case 'EPERM':
      return tabularError('tabular.file_unreadable', `${path}: permission denied`, { cause: e });
    default:
      return tabularError(
        'tabular.file_unreadable',
        `${path}: cannot be read (${e instanceof Error ? e.message : String(e)})`,
        { cause: e },
      );
  }
}
