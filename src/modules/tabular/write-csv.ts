/**
 * CSV output (RFC 4180): fields quoted only when they must be, quotes doubled, records ended by
 * CRLF (RFC 4180 §2.1) unless the caller asks for LF.
 */

// A comma, quote or line break anywhere, or white space (including a BOM) at either end, which
// a reader that trims would lose.
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV record, without its line ending. */
export function toCsvLine(values: readonly string[]): string {
  // A record of one empty field would be a blank line, which readers skip.
  if (values.length === 1 && values[0] === '') return '""';
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? '';
    const field = NEEDS_QUOTES.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
    line = i === 0 ? field : `${line},${field}`;
  }
  return line;
}

export interface WriteCsvOptions {
  /** Default CRLF, as RFC 4180 says; LF suits Unix tools. */
  lineEnding?: '\r\n' | '\n';
}

/** Lines are gathered into writes of about this many characters. */
const BATCH_CHARS = 1 << 16;

/**
 * Writes a header and rows to `out`, waiting for `drain` whenever the stream's buffer is full, so a
 * long export never piles up in memory. The stream is not ended: it may be stdout.
 */
export async function writeCsv(
  columns: readonly string[],
  rows: Iterable<readonly string[]> | AsyncIterable<readonly string[]>,
  out: NodeJS.WritableStream,
  options: WriteCsvOptions = {},
): Promise<void> {
  const eol = options.lineEnding ?? '\r\n';
  // Listen for errors for the whole export: one may come after a write that returned true.
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const onError = (error: unknown) => {
    failure ??= { error };
    wake?.();
  };
  const onClose = () => {
    failure ??= { error: new Error('the output stream closed before the CSV was written') };
    wake?.();
  };
  const check = () => {
    if (failure !== undefined) throw failure.error;
  };
  const write = async (text: string): Promise<void> => {
    check();
    if (!out.write(text)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          out.removeListener('drain', done);
          wake = undefined;
          resolve();
        };
        wake = done;
        out.on('drain', done);
      });
    }
    check();
  };

  out.on('error', onError);
  out.on('close', onClose);
  try {
    let batch = toCsvLine(columns) + eol;
    for await (const row of rows) {
      batch += toCsvLine(row) + eol;
      if (batch.length >= BATCH_CHARS) {
        await write(batch);
        batch = '';
      }
    }
    if (batch.length > 0) await write(batch);
  } finally {
    out.removeListener('error', onError);
    out.removeListener('close', onClose);
  }
}
