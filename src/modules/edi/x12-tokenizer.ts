import { unreadable } from '../bank-files/index.ts';

/**
 * A streaming X12 tokenizer: pushed text in, segments out (`CLP*123*1*…`, without terminator) with
 * the line each segment starts on; `splitSegment` gives the elements (element 0 the identifier).
 *
 * Delimiters come from the interchange header (X12.5): the ISA segment has a fixed layout in which
 * the character after `ISA` is the element separator, ISA11 (position 82) the repetition separator
 * (version 00402 and later; earlier versions carry the letter `U` there), ISA16 (position 104) the
 * component separator and the next character (position 105) the segment terminator. The tokenizer
 * counts the sixteen element separators instead of trusting the positions, so that an ISA whose
 * fixed-width fields were trimmed by some tool is still read.
 *
 * A transaction set sent without its envelope (the BCBS North Carolina sample starts at `ST`; an 820
 * carried in NACHA CTX addenda often does too) has no ISA: the element separator is the character
 * after `ST`, and the segment terminator is the first character after that which cannot
 * be part of an ST's elements (letters, digits, spaces and the separator): `~`, a newline, or the `\`
 * and `'` that CTX addenda use. The component separator is then unknown (null).
 *
 * After each terminator, CR/LF (and spaces) before the next segment are skipped. When the terminator
 * is not itself a line break, CR/LF inside a segment are dropped too: some senders wrap the stream at
 * 80 columns, and CTX addenda arrive as 80-character pieces. A line break is a LF, a CR, or a CR LF.
 *
 * A new ISA after an IEA starts a new interchange, whose delimiters may differ. Memory is bounded by
 * the longest segment; a segment longer than MAX_SEGMENT means the terminator was misread (or the
 * file is not X12), and the file is refused.
 */

export interface X12Delimiters {
  element: string;
  /** ISA16; null when the file has no ISA. */
  component: string | null;
  /** ISA11 when it is a separator (00402 and later); otherwise null. */
  repetition: string | null;
  segment: string;
}

/**
 * Receives each segment's text (without terminator, line breaks removed) and the line it starts on.
 * Split it with `delimiters.element` when its elements are needed: a reader that skips most segments
 * (DTM, NM1, AMT… in an 835) does not pay for splitting them.
 */
export type SegmentHandler = (segment: string, line: number) => void;

/** No real segment comes near this; X12 elements are at most a few hundred characters. */
export const MAX_SEGMENT = 100_000;

/** How much of a file that is not X12 the message quotes. */
const EXCERPT = 20;

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const BOM = 0xfeff;

function isAlphanumeric(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isLineBreak(c: number): boolean {
  return c === LF || c === CR;
}

/** Whether a character may serve as a delimiter: not a letter, digit or space. */
function canDelimit(c: number): boolean {
  return !Number.isNaN(c) && !isAlphanumeric(c) && c !== SPACE;
}

type Mode = 'detect' | 'segments';

export class X12Tokenizer {
  private buf = '';
  private pos = 0;
  private mode: Mode = 'detect';
  private delims: X12Delimiters | null = null;
  private line = 1;
  /** The last character consumed was a CR, so a LF right after it is the same line break. */
  private prevCr = false;
  private ended = false;
  private segmentsSeen = 0;
  /** Index in `buf` of the next LF / CR at or after `pos` (-1: none; -2: not looked for yet). */
  private lfAt = -2;
  private crAt = -2;

  constructor(
    private readonly onSegment: SegmentHandler,
    private readonly fileName: string,
  ) {}

  /** The delimiters in force (null before the first segment has been recognized). */
  get delimiters(): X12Delimiters | null {
    return this.delims;
  }

  /** The line the tokenizer has reached. */
  get currentLine(): number {
    return this.line;
  }

  push(chunk: string): void {
    if (this.ended) throw new Error('X12Tokenizer: push after end');
    if (this.pos > 0) {
      this.buf = this.buf.slice(this.pos) + chunk;
      this.pos = 0;
    } else {
      this.buf += chunk;
    }
    this.lfAt = -2;
    this.crAt = -2;
    this.run(false);
  }

  end(): void {
    if (this.ended) return;
    this.run(true);
    this.ended = true;
    if (this.mode === 'segments') this.skipBlanks(false);
    if (this.mode === 'detect' && this.segmentsSeen === 0) {
      throw unreadable(this.fileName, this.line, 'the file is empty: no X12 segment');
    }
    // The last segment may lack its terminator; it is taken as it is.
    const rest = this.buf.slice(this.pos);
    this.buf = '';
    this.pos = 0;
    if (rest !== '') {
      const hasBreak = rest.indexOf('\n') >= 0 || rest.indexOf('\r') >= 0;
      this.emit(rest, hasBreak);
    }
  }

  /** Splits a segment into its elements (element 0 the identifier) with the delimiters in force. */
  splitSegment(segment: string): string[] {
    return segment.split((this.delims as X12Delimiters).element);
  }

  private run(final: boolean): void {
    for (;;) {
      if (this.mode === 'detect') {
        if (!this.detect(final)) return;
        continue;
      }
      const delims = this.delims as X12Delimiters;
      const terminator = delims.segment;
      // Line breaks and blanks between segments belong to the layout, not to the segments.
      this.skipBlanks(false);
      const buf = this.buf;
      const start = this.pos;
      const idx = buf.indexOf(terminator, start);
      if (idx < 0) {
        if (buf.length - start > MAX_SEGMENT) this.tooLong(terminator);
        return;
      }
      if (idx - start > MAX_SEGMENT) this.tooLong(terminator);
      const raw = buf.slice(start, idx);
      this.pos = idx + 1;
      const isIea = this.emit(raw, this.breakBefore(start, idx, terminator));
      this.consumeTerminator(terminator);
      // A new interchange may bring new delimiters.
      if (isIea) this.mode = 'detect';
    }
  }

  /** Whether a CR or LF (other than the terminator) lies in `buf[from, to)`; positions are cached. */
  private breakBefore(from: number, to: number, terminator: string): boolean {
    if (terminator !== '\n') {
      if (this.lfAt === -2 || (this.lfAt >= 0 && this.lfAt < from)) this.lfAt = this.buf.indexOf('\n', from);
      if (this.lfAt >= 0 && this.lfAt < to) return true;
    }
    if (terminator !== '\r') {
      if (this.crAt === -2 || (this.crAt >= 0 && this.crAt < from)) this.crAt = this.buf.indexOf('\r', from);
      if (this.crAt >= 0 && this.crAt < to) return true;
    }
    return false;
  }

  /** The same refusal whether the long segment arrived in one chunk or in many. */
  private tooLong(terminator: string): never {
    throw unreadable(
      this.fileName,
      this.line,
      `no segment terminator '${printable(terminator)}' within ${MAX_SEGMENT} characters`,
    );
  }

  private consumeTerminator(terminator: string): void {
    if (terminator === '\r') {
      this.line++;
      this.prevCr = true;
    } else if (terminator === '\n') {
      if (!this.prevCr) this.line++;
      this.prevCr = false;
    } else {
      this.prevCr = false;
    }
  }

  /**
   * Skips blanks, then reads the delimiters if an ISA (or, at the start of the file, an ST)
   * begins here. Returns false when more text is needed.
   */
  private detect(final: boolean): boolean {
    this.skipBlanks(true);
    const buf = this.buf;
    const p = this.pos;
    const available = buf.length - p;
    if (available === 0) return false;
    if (available < 4 && !final) return false;
    if (buf.startsWith('ISA', p)) {
      const found = this.readIsa(final);
      if (found === null) return false;
      this.delims = found;
      this.mode = 'segments';
      return true;
    }
    if (this.delims !== null) {
      // After an IEA, anything but a new ISA keeps the delimiters in force.
      this.mode = 'segments';
      return true;
    }
    const sep = buf.charCodeAt(p + 2);
    if (buf.startsWith('ST', p) && canDelimit(sep) && !isLineBreak(sep)) {
      const terminator = this.inferTerminator(buf.charAt(p + 2), final);
      if (terminator === null) return false;
      this.delims = { element: buf.charAt(p + 2), component: null, repetition: null, segment: terminator };
      this.mode = 'segments';
      return true;
    }
    // The message quotes what was found: wait for all of it, so that chunking cannot change it.
    if (available < EXCERPT && !final) return false;
    throw unreadable(
      this.fileName,
      this.line,
      `not an X12 file: expected an ISA (or ST) segment, found '${printable(buf.slice(p, p + EXCERPT))}'`,
    );
  }

  /** Skips spaces, tabs, line breaks (counting lines) and, at the start, a byte order mark. */
  private skipBlanks(allowBom: boolean): void {
    const buf = this.buf;
    let i = this.pos;
    const n = buf.length;
    while (i < n) {
      const c = buf.charCodeAt(i);
      if (c === LF) {
        if (!this.prevCr) this.line++;
        this.prevCr = false;
      } else if (c === CR) {
        this.line++;
        this.prevCr = true;
      } else if (c === SPACE || c === TAB || (allowBom && c === BOM)) {
        this.prevCr = false;
      } else break;
      i++;
    }
    this.pos = i;
  }

  /** The ISA's delimiters, null when more text is needed; throws when the ISA is malformed. */
  private readIsa(final: boolean): X12Delimiters | null {
    const buf = this.buf;
    const p = this.pos;
    const element = buf.charAt(p + 3);
    if (element === '') return final ? this.truncatedIsa() : null;
    if (!canDelimit(element.charCodeAt(0)) || isLineBreak(element.charCodeAt(0))) {
      throw unreadable(
        this.fileName,
        this.line,
        `ISA element separator '${printable(element)}' is not usable`,
      );
    }
    // ISA has sixteen elements: find the separator before ISA16.
    let at = p + 3;
    for (let k = 1; k < 16; k++) {
      const next = buf.indexOf(element, at + 1);
      if (next < 0 || next - p > 200) {
        if (buf.length - p > 200) {
          throw unreadable(this.fileName, this.line, 'the ISA segment does not have its sixteen elements');
        }
        return final ? this.truncatedIsa() : null;
      }
      at = next;
    }
    if (at + 2 >= buf.length) return final ? this.truncatedIsa() : null;
    const component = buf.charAt(at + 1);
    const segment = buf.charAt(at + 2);
    const cc = component.charCodeAt(0);
    const sc = segment.charCodeAt(0);
    if (!canDelimit(cc) || component === element || isLineBreak(cc)) {
      throw unreadable(
        this.fileName,
        this.line,
        `ISA16 component separator '${printable(component)}' is not usable`,
      );
    }
    if (!canDelimit(sc) || segment === element || segment === component) {
      throw unreadable(
        this.fileName,
        this.line,
        `ISA segment terminator '${printable(segment)}' is not usable`,
      );
    }
    const isa11 = buf.slice(p, at).split(element)[11] ?? '';
    const repetition =
      isa11.length === 1 && canDelimit(isa11.charCodeAt(0)) && isa11 !== component && isa11 !== segment
        ? isa11
        : null;
    return { element, component, repetition, segment };
  }

  private truncatedIsa(): never {
    throw unreadable(this.fileName, this.line, 'the file ends inside its ISA segment');
  }

  /**
   * The terminator of an envelope-less file: the first character after the first element separator
   * that is neither a letter, a digit, a space nor the separator. A CR followed by a LF is a LF.
   */
  private inferTerminator(element: string, final: boolean): string | null {
    const buf = this.buf;
    const n = buf.length;
    const ec = element.charCodeAt(0);
    for (let i = this.pos + 3; i < n; i++) {
      const c = buf.charCodeAt(i);
      if (c === ec || isAlphanumeric(c) || c === SPACE) continue;
      if (c === CR) {
        if (i + 1 < n) return buf.charCodeAt(i + 1) === LF ? '\n' : '\r';
        return final ? '\r' : null;
      }
      return buf.charAt(i);
    }
    if (n - this.pos > MAX_SEGMENT) this.tooLong('~');
    // A one-segment file without terminator: `~` is as good as any.
    return final ? '~' : null;
  }

  /** Emits one segment (its leading blanks already skipped); true when it is an IEA. */
  private emit(raw: string, hasBreak: boolean): boolean {
    const line = this.line;
    let text = raw;
    if (hasBreak) text = this.dropLineBreaks(raw);
    else this.prevCr = false;
    if (text === '') return false;
    this.segmentsSeen++;
    this.onSegment(text, line);
    const element = (this.delims as X12Delimiters).element;
    return text.startsWith('IEA') && (text.length === 3 || text.startsWith(element, 3));
  }

  /** Removes CR/LF inside a segment (wrapped lines), counting them. */
  private dropLineBreaks(text: string): string {
    let out = '';
    let from = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) {
        if (c === CR) this.line++;
        else if (!this.prevCr) this.line++;
        this.prevCr = c === CR;
        out += text.slice(from, i);
        from = i + 1;
      } else {
        this.prevCr = false;
      }
    }
    out += text.slice(from);
    return out;
  }
}

/** A short text as a message can show it (control characters escaped). */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
