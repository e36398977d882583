/**
 * A streaming CSV parser (RFC 4180) with bounded memory: it holds the record being parsed and the
 * current chunk, never the file. Chunks may be of any size; a record, a field, a CRLF pair or a
 * multi-byte UTF-8 character may straddle two chunks.
 *
 * - Input is UTF-8; a leading byte-order mark is dropped. Bytes that are not valid UTF-8 are decoded
 *   to U+FFFD and the records that contain one are reported as errors (a CSV saved by Excel as
 *   "CSV (Windows)" is the usual cause), so a mangled name never slips into the books silently.
 * - Records end at CRLF, LF or a lone CR (classic Mac Excel); inside quotes they are kept verbatim.
 * - Zero-length lines are skipped; a line of spaces is a record with one field.
 * - `line` is the 1-based physical line on which a record starts, counting the line breaks inside
 *   quoted fields, so error messages point where an editor does.
 * - A malformed record (a quote inside an unquoted field, text after a closing quote) is reported
 *   as an error record and the parser resumes at the next line break. An unterminated quoted field
 *   runs to the end of the input and is reported there.
 *
 * The hot path scans with `charCodeAt` and takes fields as `slice`s of the chunk; strings are only
 * concatenated where a field crosses a chunk boundary or contains a doubled quote.
 */

export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string };

const LF = 10;
const CR = 13;
const QUOTE = 34;

// Parser states.
const RECORD_START = 0; // between records: skip blank lines
const FIELD_START = 1; // after a separator (or at a record's first character)
const UNQUOTED = 2; // inside an unquoted field
const QUOTED = 3; // inside a quoted field
const QUOTE_SEEN = 4; // inside a quoted field, just after a quote: doubled or closing?
const SKIP = 5; // after an error: skip to the next line break

const REPLACEMENT = '\uFFFD';

export interface CsvOptions {
  /**
   * The longest field accepted, in UTF-16 code units (default 1 MiB). A stray opening quote would
   * otherwise swallow the rest of the file into one field; past the limit the field is reported as
   * an error and parsing resumes at the next line break.
   */
  maxFieldLength?: number;
  /** The field separator, one character (default `,`; bank exports also use `;` and tab). */
  delimiter?: string;
}

const DEFAULT_MAX_FIELD_LENGTH = 1 << 20;

/** Parses CSV text or UTF-8 bytes into records, one per yielded value. */
export async function* parseCsv(
  source: AsyncIterable<string | Uint8Array>,
  options: CsvOptions = {},
): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(options);
  // ignoreBOM: true keeps the BOM in the decoded text so that string and byte sources lose it in
  // the same place (CsvParser.push).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const out: CsvRecord[] = [];
  let decoding = false;
  for await (const chunk of source) {
    let text: string;
    if (typeof chunk === 'string') {
      // A string after bytes: flush whatever partial character the decoder holds first.
      text = decoding ? decoder.decode() + chunk : chunk;
      decoding = false;
    } else {
      text = decoder.decode(chunk, { stream: true });
      decoding = true;
    }
    if (text.length === 0) continue;
    parser.push(text, out);
    if (out.length > 0) {
      for (const record of out) yield record;
      out.length = 0;
    }
  }
  if (decoding) {
    const rest = decoder.decode();
    if (rest.length > 0) parser.push(rest, out);
  }
  parser.end(out);
  for (const record of out) yield record;
}

/**
 * The synchronous state machine behind `parseCsv`: feed it text with `push`, call `end` once, and
 * collect the completed records from the arrays passed in.
 */
export class CsvParser {
  private state = RECORD_START;
  private fields: string[] = [];
  /** The part of the current field that came in earlier chunks (or before a doubled quote). */
  private pending = '';
  /** The physical line at the parser's position. */
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  /** The last character of the previous chunk was CR, so a leading LF completes a CRLF. */
  private lastWasCR = false;
  private atStart = true;
  /** Some input decoded to U+FFFD: check completed records for it. */
  private suspect = false;
  private readonly maxFieldLength: number;
  private readonly separator: number;
  /** The highest of the separator, CR, LF and quote: characters above it are plain data. */
  private readonly highestSpecial: number;

  constructor(options: CsvOptions = {}) {
    this.maxFieldLength = options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;
    const delimiter = options.delimiter ?? ',';
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
      throw new Error(
        `CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`,
      );
    this.separator = delimiter.charCodeAt(0);
    this.highestSpecial = Math.max(this.separator, QUOTE);
  }

  push(input: string, out: CsvRecord[]): void {
    let text = input;
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const len = text.length;
    if (len === 0) return;
    if (!this.suspect && text.includes(REPLACEMENT)) this.suspect = true;

    let state = this.state;
    let line = this.line;
    const separator = this.separator;
    const highestSpecial = this.highestSpecial;
    let i = 0;
    // Start of the current field's text within this chunk.
    let segStart = 0;

    while (i < len) {
      switch (state) {
        case RECORD_START: {
          const c = text.charCodeAt(i);
          if (c === LF) {
            // The LF of a CRLF whose CR already ended the previous line is not a line of its own.
            if (!(i > 0 ? text.charCodeAt(i - 1) === CR : this.lastWasCR)) line++;
            i++;
          } else if (c === CR) {
            line++;
            i++;
          } else {
            this.recordLine = line;
            state = FIELD_START;
          }
          break;
        }

        case FIELD_START: {
          if (text.charCodeAt(i) === QUOTE) {
            this.quoteLine = line;
            state = QUOTED;
            i++;
            segStart = i;
          } else {
            state = UNQUOTED;
            segStart = i;
          }
          break;
        }

        case UNQUOTED: {
          let j = i;
          let c = 0;
          for (; j < len; j++) {
            c = text.charCodeAt(j);
            // Every special character is at most highestSpecial (',' = 44 by default); most data
            // characters are above it.
            if (c <= highestSpecial && (c === separator || c === LF || c === CR || c === QUOTE)) break;
          }
          if (j === len) {
            this.pending += text.slice(segStart, len);
            i = len;
            if (this.pending.length > this.maxFieldLength) {
              this.fail(
                out,
                `field ${this.fields.length + 1}: longer than ${this.maxFieldLength} characters`,
              );
              state = SKIP;
            }
            break;
          }
          if (c === QUOTE) {
            this.fail(
              out,
              `field ${this.fields.length + 1}: a quote (") inside an unquoted field; a field that contains quotes must be enclosed in quotes, with each quote doubled ("")`,
            );
            state = SKIP;
            i = j;
            break;
          }
          const value = text.slice(segStart, j);
          this.fields.push(this.pending === '' ? value : this.pending + value);
          this.pending = '';
          i = j + 1;
          if (c === separator) {
            state = FIELD_START;
          } else {
            line++;
            this.emit(out);
            state = RECORD_START;
          }
          break;
        }

        case QUOTED: {
          let j = i;
          for (; j < len; j++) {
            const c = text.charCodeAt(j);
            if (c > QUOTE) continue;
            if (c === QUOTE) break;
            if (c === CR) line++;
            else if (c === LF && !(j > 0 ? text.charCodeAt(j - 1) === CR : this.lastWasCR)) line++;
          }
          this.pending += text.slice(segStart, j);
          if (this.pending.length > this.maxFieldLength) {
            this.fail(
              out,
              `field ${this.fields.length + 1}: the quoted field opened on line ${this.quoteLine} is longer than ${this.maxFieldLength} characters; a closing quote is probably missing`,
            );
            state = SKIP;
            i = j;
          } else if (j === len) {
            i = len;
          } else {
            state = QUOTE_SEEN;
            i = j + 1;
          }
          break;
        }

        case QUOTE_SEEN: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            // A doubled quote stands for one.
            this.pending += '"';
            state = QUOTED;
            i++;
            segStart = i;
          } else if (c === separator) {
            this.fields.push(this.pending);
            this.pending = '';
            state = FIELD_START;
            i++;
          } else if (c === LF || c === CR) {
            this.fields.push(this.pending);
            this.pending = '';
            line++;
            this.emit(out);
            state = RECORD_START;
            i++;
          } else {
            this.fail(
              out,
              `field ${this.fields.length + 1}: text after the closing quote; a quoted field must be followed by a comma or the end of the line (write a quote inside a quoted field as "")`,
            );
            state = SKIP;
          }
          break;
        }

        default: {
          // SKIP: resynchronise at the next line break.
          let j = i;
          for (; j < len; j++) {
            const c = text.charCodeAt(j);
            if (c === LF || c === CR) break;
          }
          if (j === len) {
            i = len;
          } else {
            line++;
            state = RECORD_START;
            i = j + 1;
          }
          break;
        }
      }
    }

    this.state = state;
    this.line = line;
    this.lastWasCR = text.charCodeAt(len - 1) === CR;
  }

  /** Completes the input: the last record may lack a line break. */
  end(out: CsvRecord[]): void {
    switch (this.state) {
      case FIELD_START:
      case UNQUOTED:
      case QUOTE_SEEN:
        this.fields.push(this.pending);
        this.emit(out);
        break;
      case QUOTED:
        this.fail(
          out,
          `field ${this.fields.length + 1}: the quoted field opened on line ${this.quoteLine} is never closed (a quote is missing)`,
        );
        break;
      default:
        break;
    }
    this.pending = '';
    this.state = RECORD_START;
  }

  private emit(out: CsvRecord[]): void {
    const fields = this.fields;
    this.fields = [];
    if (this.suspect && fields.some((f) => f.includes(REPLACEMENT))) {
      out.push({
        line: this.recordLine,
        error: 'the line contains bytes that are not valid UTF-8; save the file as "CSV UTF-8"',
      });
      return;
    }
    out.push({ line: this.recordLine, fields });
  }

  private fail(out: CsvRecord[], error: string): void {
    out.push({ line: this.recordLine, error });
    this.fields = [];
    this.pending = '';
  }
}
