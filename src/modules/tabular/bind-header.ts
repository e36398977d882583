import type { InputIssue } from '../../core/errors.ts';
import { columnLetter } from './column-letter.ts';

export interface HeaderSpec<R extends string = string, O extends string = string> {
  /** Canonical (lower-case) names of the columns a file must have. */
  required: readonly R[];
  /** Canonical names of the columns a file may have. */
  optional: readonly O[];
}

export type BindHeaderResult<N extends string> =
  | { ok: true; columns: ColumnBinding<N> }
  | { ok: false; issues: InputIssue[] };

/**
 * Where each of a spec's columns sits in a file's rows. Reading a field is an array lookup: the
 * name's position is found once, when the header is bound.
 */
export class ColumnBinding<N extends string = string> {
  readonly #position: ReadonlyMap<string, number>;

  constructor(position: ReadonlyMap<N, number>) {
    this.#position = position;
  }

  /** The field of column `name`, trimmed; "" when the file has no such column or the row is short. */
  get(fields: readonly string[], name: N): string {
    const i = this.#position.get(name);
    if (i === undefined) return '';
    const value = fields[i];
    return value === undefined ? '' : value.trim();
  }

  /** Whether the file has column `name` (an optional column may be absent). */
  has(name: N): boolean {
    return this.#position.has(name);
  }

  /** The 0-based position of column `name` in the file's rows, or -1. */
  indexOf(name: N): number {
    return this.#position.get(name) ?? -1;
  }
}

/**
 * Matches a file's header against the columns a format takes. Names are compared trimmed and
 * case-insensitively. Refused, each with the file and header line: a column the format does not
 * take, a required column that is missing, a column named twice, a column without a name. Every
 * problem is reported, not only the first.
 */
export function bindHeader<const R extends string, const O extends string>(
  source: { file: string; header: readonly string[]; headerLine: number; format?: string },
  spec: HeaderSpec<R, O>,
): BindHeaderResult<R | O> {
  const canonical = new Map<string, R | O>();
  for (const name of [...spec.required, ...spec.optional]) canonical.set(name.trim().toLowerCase(), name);
  const columnName = (i: number) => (source.format === 'xlsx' ? columnLetter(i + 1) : String(i + 1));

  const issues: InputIssue[] = [];
  const issue = (message: string) => issues.push({ file: source.file, line: source.headerLine, message });
  const seen = new Map<R | O, number[]>();

  source.header.forEach((raw, i) => {
    const written = raw.trim();
    if (written === '') {
      issue(`column ${columnName(i)} has no name in the header; name it or remove the column`);
      return;
    }
    const name = canonical.get(written.toLowerCase());
    if (name === undefined) {
      const takes = [...spec.required, ...spec.optional].join(', ');
      issue(`unknown column "${written}"; this file takes: ${takes}`);
      return;
    }
    const at = seen.get(name);
    if (at === undefined) seen.set(name, [i]);
    else at.push(i);
  });

  for (const [name, at] of seen) {
    if (at.length > 1) {
      const where = at.map(columnName);
      issue(
        `column "${name}" appears ${at.length} times (columns ${where.slice(0, -1).join(', ')} and ${where.at(-1)}); keep one`,
      );
    }
  }
  for (const name of spec.required) {
    if (!seen.has(name)) issue(`missing required column "${name}"`);
  }

  if (issues.length > 0) return { ok: false, issues };
  const position = new Map<R | O, number>();
  for (const [name, at] of seen) position.set(name, at[0] ?? -1);
  return { ok: true, columns: new ColumnBinding(position) };
}
