/**
 * Splits pushed text into physical lines, keeping 1-based line numbers, for the line-oriented parsers
 * (BAI2, MT940, NACHA, lockbox, CSV). Accepts `\n`, `\r\n` and a lone `\r`. Holds at most one partial
 * line between pushes, so memory stays bounded by the longest line.
 */
export class LineSplitter {
  private rest = '';
  private lineNumber = 0;
  private pendingCr = false;

  constructor(private readonly onLine: (text: string, line: number) => void) {}

  push(chunk: string): void {
    if (chunk === '') return;
    let text = this.rest + chunk;
    this.rest = '';
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    let start = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        this.onLine(text.slice(start, i), ++this.lineNumber);
        if (c === 13) {
          if (i + 1 < n) {
            if (text.charCodeAt(i + 1) === 10) i++;
          } else {
            this.pendingCr = true;
          }
        }
        start = i + 1;
      }
    }
    this.rest = text.slice(start);
  }

  /** Emits the last line when the file does not end with a newline. */
  end(): void {
    if (this.rest !== '') this.onLine(this.rest, ++this.lineNumber);
    this.rest = '';
  }

  /** The number of lines emitted so far. */
  get lines(): number {
    return this.lineNumber;
  }
}
