/**
 * Splits pushed text into physical lines, keeping 1-based line numbers, for the line-oriented parsers
 * (BAI2, MT940, NACHA, lockbox, CSV). Accepts `\n`, `\r\n` and a lone `\r`. Holds at most one partial
 * line between pushes, so memory stays bounded by the longest line. Line ends are found with
 * `indexOf` (native) rather than a loop over characters: the parsers' hottest path.
 */
export class LineSplitter {
  /** The current partial line, in the pieces it came in (joined once, when its end arrives). */
  private parts: string[] = [];
  /** Characters held in `parts`. */
  private held = 0;
  private lineNumber = 0;
  private pendingCr = false;

  /**
   * With `maxLength`, a line that grows past it calls `onTooLong` with its line number as soon as it
   * does (the parser throws), instead of being held whole: memory stays bounded even for a file that
   * has no line breaks at all.
   */
  constructor(
    private readonly onLine: (text: string, line: number) => void,
    private readonly limit: { maxLength: number; onTooLong: (line: number) => never } | null = null,
  ) {}

  push(input: string): void {
    let chunk = input;
    if (this.pendingCr && chunk !== '') {
      // The CR that ended the last chunk and an LF that starts this one are one line break.
      this.pendingCr = false;
      if (chunk.charCodeAt(0) === 10) chunk = chunk.slice(1);
    }
    if (chunk === '') return;
    let lf = chunk.indexOf('\n');
    let cr = chunk.indexOf('\r');
    if (lf === -1 && cr === -1) {
      // No line end: keep the piece; joining only when the line ends keeps a very long line linear.
      this.parts.push(chunk);
      this.held += chunk.length;
      if (this.limit !== null && this.held > this.limit.maxLength) this.limit.onTooLong(this.lineNumber + 1);
      return;
    }
    let text = chunk;
    if (this.parts.length > 0) {
      const head = this.parts.join('');
      this.parts = [];
      this.held = 0;
      text = head + chunk;
      lf = lf === -1 ? -1 : lf + head.length;
      cr = cr === -1 ? -1 : cr + head.length;
    }
    const n = text.length;
    let start = 0;
    for (;;) {
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      const end = lf === -1 ? cr : cr === -1 || lf < cr ? lf : cr;
      if (end === -1) break;
      this.onLine(text.slice(start, end), ++this.lineNumber);
      if (end === cr) {
        if (end + 1 < n) start = text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
        else {
          this.pendingCr = true;
          start = end + 1;
        }
      } else start = end + 1;
    }
    if (start < n) {
      this.parts.push(text.slice(start));
      this.held = n - start;
    }
  }

  /** Emits the last line when the file does not end with a line break. */
  end(): void {
    if (this.parts.length > 0) this.onLine(this.parts.join(''), ++this.lineNumber);
    this.parts = [];
    this.held = 0;
  }

  /** The number of lines emitted so far. */
  get lines(): number {
    return this.lineNumber;
  }
}
