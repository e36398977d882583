export interface ProgressBarOptions {
  label: string;
  /** The amount that means done, in `unit`s; null when unknown (no percentage is shown). */
  total: number | null;
  /** Default stderr. Nothing is drawn unless it is a terminal. */
  stream?: NodeJS.WriteStream;
  /** What `update`'s `done` counts; default rows. */
  unit?: 'bytes' | 'rows';
  /** Milliseconds clock; for tests. */
  now?: () => number;
}

export interface ProgressBar {
  /** `done` in the bar's unit; `rowsDone` the rows so far when the unit is bytes. */
  update(done: number, rowsDone?: number): void;
  /** Clears the line, then prints `message` on it if given. */
  finish(message?: string): void;
}

const REDRAW_MS = 100;
const BAR_CELLS = 20;
const CLEAR_LINE = '\r\x1b[2K';

const NOOP: ProgressBar = { update() {}, finish() {} };

/**
 * One self-updating status line for long imports and exports. It draws only on a terminal, so
 * piped runs, logs and tests see no output, and redraws at most ten times a second.
 */
export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY !== true) return NOOP;
  const now = options.now ?? Date.now;
  const unit = options.unit ?? 'rows';
  const total = options.total !== null && options.total > 0 ? options.total : null;
  const started = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let drawn = false;

  const describe = (done: number, rows: number | undefined): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const parts = [options.label];
    if (total !== null) {
      const fraction = Math.min(Math.max(done / total, 0), 1);
      const filled = Math.round(fraction * BAR_CELLS);
      parts.push(
        `[${'#'.repeat(filled)}${'.'.repeat(BAR_CELLS - filled)}]`,
        `${Math.floor(fraction * 100)}%`,
      );
    }
    const count = unit === 'rows' ? done : rows;
    if (count !== undefined)
      parts.push(`${count.toLocaleString('en-US')} rows`, `${rate(count / seconds)} rows/s`);
    else parts.push(`${formatBytes(done)}`, `${formatBytes(done / seconds)}/s`);
    return parts.join('  ');
  };

  return {
    update(done, rowsDone) {
      const t = now();
      if (t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      let line = describe(done, rowsDone);
      const width = stream.columns;
      if (width !== undefined && width > 1 && line.length >= width) line = line.slice(0, width - 1);
      stream.write(CLEAR_LINE + line);
      drawn = true;
    },
    finish(message) {
      if (drawn) stream.write(CLEAR_LINE);
      if (message !== undefined && message !== '') stream.write(`${message}\n`);
      drawn = false;
    },
  };
}

function rate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}
