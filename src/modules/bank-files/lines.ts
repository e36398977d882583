/**
 * Splits pushed text into physical lines, keeping 1-based line numbers, for the line-oriented parsers
 * (BAI2, MT940, NACHA, lockbox, CSV). Accepts `\n`, `\r\n` and a lone `\r`. Holds at most one partial
 * line between pushes, so memory stays bounded by the longest line. Line ends are found with
 * `indexOf` (native) rather than a loop over characters: the parsers' hottest path.
 */
export class LineSplitter {
  private rest = '';
  private lineNumber = 0;
  private pendingCr = false;

  constructor(private readonly onLine: (text: string, line: number) => void) {}

  push(chunk: string): void {
    if (chunk === '') return;
    const text = this.rest + chunk;
    this.rest = '';
    let start = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.charCodeAt(0) === 10) start = 1;
    }
    const n = text.length;
    let cr = text.indexOf('\r', start);
    for (;;) {
      const lf = text.indexOf('\n', start);
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
    this.rest = text.slice(start);
  }

  end(): void {
    if (this.rest !== '') this.onLine(this.rest, ++this.lineNumber);
    this.rest = '';
  }

  get lines(): number {
    return this.lineNumber;
  }
}
