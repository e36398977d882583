import type { InputIssue } from '../../core/errors.ts';

/**
 * Collects every problem of an import, not only the first, each located by file, line and column.
 * Messages are kept compactly; a file with a million bad rows still reports them all.
 */
export class IssueCollector {
  readonly file: string;
  readonly #issues: InputIssue[] = [];
  readonly #badLines = new Set<number>();

  constructor(file: string) {
    this.file = file;
  }

  add(line: number | undefined, column: string | undefined, message: string): void {
    const issue: InputIssue = { file: this.file, message };
    if (line !== undefined) {
      issue.line = line;
      this.#badLines.add(line);
    }
    if (column !== undefined) issue.column = column;
    this.#issues.push(issue);
  }

  /** Runs `fn`; an AppError or Error it throws becomes an issue of `line` (and `column`). */
  capture<T>(line: number, column: string | undefined, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.add(line, column, e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }

  get count(): number {
    return this.#issues.length;
  }

  get badRowCount(): number {
    return this.#badLines.size;
  }

  hasLine(line: number): boolean {
    return this.#badLines.has(line);
  }

  /** Issues in file order. */
  list(): InputIssue[] {
    return [...this.#issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  }
}
