/**
 * A small streaming XML reader for the bank-file parsers (camt.052/053/054). It is non-validating and
 * knows only what those files need (XML 1.0, https://www.w3.org/TR/xml/):
 *
 * - start and end elements, reported with their local names (a namespace prefix is stripped; the
 *   `xmlns` attributes are passed on, so a caller can read the namespace it cares about);
 * - attributes, as `[qualified name, value, …]`, values with entities decoded and white space
 *   normalized (section 3.3.3);
 * - the text of an element that has no child elements (a leaf), with the five predefined entities and
 *   numeric character references decoded, CDATA sections kept verbatim, and line ends normalized to
 *   `\n` (section 2.11). Text beside child elements (mixed content) is dropped: camt has none;
 * - comments, processing instructions (the XML declaration too) and a document type declaration are
 *   skipped. Entities a DTD would declare are not expanded (an unknown entity is an error), which
 *   also keeps entity-expansion attacks out;
 * - a byte-order mark at the start is tolerated; lines are counted from 1 on `\n` (a lone `\r`, the
 *   line end of classic Mac OS, is not counted).
 *
 * Memory stays bounded: the reader holds the path of open elements, the current leaf text and at most
 * one unfinished piece of markup between pushes. Malformed input throws `XmlSyntaxError` with the
 * line, which a format parser turns into its own error.
 */

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

export interface XmlHandler {
  /** An element begins; `attributes` alternates qualified names and values (shared empty array when none). */
  startElement(name: string, attributes: readonly string[], line: number): void;
  /** An element ends; `text` is its character data when it has no child elements, else `''`. */
  endElement(name: string, text: string, line: number): void;
}

/** Deeper nesting than this is not a bank file; it also caps the path the reader keeps. */
export const MAX_DEPTH = 256;
/** The longest single piece of markup (a tag, comment, CDATA section, declaration) held between pushes. */
export const MAX_MARKUP = 4 * 1024 * 1024;

const NO_ATTRIBUTES: readonly string[] = Object.freeze([]);

interface Name {
  qname: string;
  local: string;
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const QUESTION = 63;
const BANG = 33;
const EQ = 61;
const NL = 10;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** Characters that end a name in a tag (white space, `/`, `>`, `=`, quotes, `<`). */
function endsName(c: number): boolean {
  return (
    c === 32 ||
    c === 10 ||
    c === 9 ||
    c === 13 ||
    c === SLASH ||
    c === GT ||
    c === EQ ||
    c === 34 ||
    c === 39 ||
    c === LT
  );
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58 || c >= 0xc0;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  let i = s.indexOf('\n', from);
  while (i !== -1 && i < to) {
    n++;
    i = s.indexOf('\n', i + 1);
  }
  return n;
}

function snippet(s: string): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return t.length > 24 ? `${t.slice(0, 24)}…` : t;
}

/** What may stand between `&` and `;`: a name, or a decimal or hexadecimal character reference. */
const ENTITY_REFERENCE = /^(?:[A-Za-z_][A-Za-z0-9._-]{0,30}|#[0-9]{1,8}|#x[0-9a-fA-F]{1,7})$/;

/** Decodes the predefined entities and character references in `s` (which contains `&`). */
export function decodeEntities(s: string, line: number): string {
  let out = '';
  let from = 0;
  let amp = s.indexOf('&');
  while (amp !== -1) {
    const semi = s.indexOf(';', amp + 1);
    const ref = semi === -1 ? '' : s.slice(amp + 1, semi);
    const at = line + countNewlines(s, 0, amp);
    if (!ENTITY_REFERENCE.test(ref))
      throw new XmlSyntaxError('"&" not followed by an entity reference (an ampersand is written &amp;)', at);
    let ch: string;
    switch (ref) {
      case 'lt':
        ch = '<';
        break;
      case 'gt':
        ch = '>';
        break;
      case 'amp':
        ch = '&';
        break;
      case 'quot':
        ch = '"';
        break;
      case 'apos':
        ch = "'";
        break;
      default: {
        if (!ref.startsWith('#')) throw new XmlSyntaxError(`unknown entity &${ref};`, at);
        const code = ref.startsWith('#x')
          ? Number.parseInt(ref.slice(2), 16)
          : Number.parseInt(ref.slice(1), 10);
        // XML 1.0 section 2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
        const valid =
          code === 9 ||
          code === 10 ||
          code === 13 ||
          (code >= 0x20 && code <= 0xd7ff) ||
          (code >= 0xe000 && code <= 0xfffd) ||
          (code >= 0x10000 && code <= 0x10ffff);
        if (!valid) throw new XmlSyntaxError(`invalid character reference &${ref};`, at);
        ch = String.fromCodePoint(code);
      }
    }
    out += s.slice(from, amp) + ch;
    from = semi + 1;
    amp = s.indexOf('&', from);
  }
  return out + s.slice(from);
}

/** Attribute-value normalization (XML 1.0 section 3.3.3): each white-space character becomes a space. */
function normalizeAttribute(raw: string, line: number): string {
  let v = raw;
  if (v.indexOf('\r') !== -1) v = v.replace(/\r\n?/g, ' ');
  if (v.indexOf('\n') !== -1 || v.indexOf('\t') !== -1) v = v.replace(/[\n\t]/g, ' ');
  return v.indexOf('&') === -1 ? v : decodeEntities(v, line);
}

export class XmlReader {
  private buf = '';
  private pos = 0;
  private line = 1;
  private started = false;
  private rootSeen = false;
  private rootClosed = false;
  /** Open elements: names and the lines they start on. */
  private readonly names: Name[] = [];
  private readonly lines: number[] = [];
  private depth = 0;
  /** The current element's text while it has no child element. */
  private text = '';
  private leaf = false;
  /**
   * Text of the buffer not yet copied to `text` ([lazyFrom, lazyTo) of `buf`, or -1): the white space
   * after a start tag is usually dropped when a child element starts, so it is copied only if kept.
   */
  private lazyFrom = -1;
  private lazyTo = -1;
  private readonly nameCache = new Map<string, Name>();

  constructor(private readonly handler: XmlHandler) {}

  /** The line the reader has reached (1-based). */
  get currentLine(): number {
    return this.line;
  }

  push(chunk: string): void {
    if (chunk === '') return;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.buf = this.pos < this.buf.length ? this.buf.slice(this.pos) + chunk : chunk;
    this.pos = 0;
    this.parse(false);
    if (this.buf.length - this.pos > MAX_MARKUP) throw this.tooLong(this.buf, this.pos);
  }

  end(): void {
    this.parse(true);
    if (this.depth > 0) {
      const name = this.names[this.depth - 1]?.qname ?? '';
      throw new XmlSyntaxError(
        `unexpected end of file inside <${name}> (opened at line ${this.lines[this.depth - 1]})`,
        this.line,
      );
    }
    if (!this.rootSeen) throw new XmlSyntaxError('no root element: the document is empty', this.line);
    this.buf = '';
    this.pos = 0;
  }

  private parse(final: boolean): void {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    while (pos < len) {
      if (buf.charCodeAt(pos) !== LT) {
        const lt = buf.indexOf('<', pos);
        let end = lt === -1 ? len : lt;
        if (lt === -1 && !final) {
          // Keep an entity reference that the chunk cuts in two for the next push.
          const amp = buf.lastIndexOf('&', len - 1);
          if (amp >= pos && buf.indexOf(';', amp) === -1) end = amp;
        }
        const stop = end > pos ? this.characters(buf, pos, end, lt !== -1 || final) : end;
        if (stop < end) {
          pos = stop;
          break;
        }
        pos = end;
        if (lt === -1) break;
        continue;
      }
      if (pos + 1 >= len) {
        if (final) throw new XmlSyntaxError('unexpected end of file after "<"', this.line);
        break;
      }
      const c = buf.charCodeAt(pos + 1);
      let next: number;
      if (c === SLASH) next = this.endTag(buf, pos);
      else if (c === QUESTION) next = this.skipUntil(buf, pos, '?>', 'processing instruction');
      else if (c === BANG) next = this.declaration(buf, pos, final);
      else next = this.startTag(buf, pos);
      if (next === -1) {
        if (final)
          throw new XmlSyntaxError(
            `unexpected end of file in "${snippet(buf.slice(pos, pos + 40))}"`,
            this.line,
          );
        break;
      }
      if (next - pos > MAX_MARKUP) throw this.tooLong(buf, pos);
      pos = next;
    }
    // The next push replaces the buffer: copy the text that still points into it.
    this.flushText();
    this.pos = pos;
  }

  private flushText(): void {
    if (this.lazyFrom === -1) return;
    this.text += this.buf.slice(this.lazyFrom, this.lazyTo);
    this.lazyFrom = -1;
  }

  private tooLong(buf: string, pos: number): XmlSyntaxError {
    return new XmlSyntaxError(
      `markup longer than ${MAX_MARKUP} characters: "${snippet(buf.slice(pos, pos + 20))}"`,
      this.line,
    );
  }

  /**
   * Character data in [start, end). Returns `end`, or where to resume when text outside the root needs
   * more characters for its message (`complete` is false while the text may go on in the next push).
   */
  private characters(buf: string, start: number, end: number, complete: boolean): number {
    const line = this.line;
    if (this.depth === 0) {
      for (let i = start; i < end; i++) {
        if (!isSpace(buf.charCodeAt(i))) {
          this.line += countNewlines(buf, start, i);
          // Wait for enough of the text to quote the same characters however the input is chunked.
          if (!complete && end - i < 25) return i;
          throw new XmlSyntaxError(
            `not XML: text "${snippet(buf.slice(i, Math.min(end, i + 25)))}" outside the root element`,
            this.line,
          );
        }
      }
      this.line += countNewlines(buf, start, end);
      return end;
    }
    this.line += countNewlines(buf, start, end);
    if (!this.leaf) return end;
    if (this.text === '' && this.lazyFrom === -1) {
      const amp = buf.indexOf('&', start);
      if (amp === -1 || amp >= end) {
        this.lazyFrom = start;
        this.lazyTo = end;
        return end;
      }
    }
    this.flushText();
    const raw = buf.slice(start, end);
    this.text += raw.indexOf('&') === -1 ? raw : decodeEntities(raw, line);
    if (this.text.length > MAX_MARKUP)
      throw new XmlSyntaxError(
        `the text of <${this.names[this.depth - 1]?.qname}> is longer than ${MAX_MARKUP} characters`,
        line,
      );
    return end;
  }

  private name(qname: string): Name {
    let n = this.nameCache.get(qname);
    if (n === undefined) {
      const colon = qname.indexOf(':');
      n = { qname, local: colon === -1 ? qname : qname.slice(colon + 1) };
      if (this.nameCache.size < 4096) this.nameCache.set(qname, n);
    }
    return n;
  }

  /** Returns the position after the tag, or -1 when the tag is not complete in the buffer. */
  private startTag(buf: string, pos: number): number {
    const len = buf.length;
    const line = this.line;
    let i = pos + 1;
    if (!isNameStart(buf.charCodeAt(i)))
      throw new XmlSyntaxError(`malformed tag: "<" followed by "${buf.charAt(i)}"`, line);
    while (i < len && !endsName(buf.charCodeAt(i))) i++;
    if (i >= len) return -1;
    const qname = buf.slice(pos + 1, i);
    let newlines = 0;
    let attributes: string[] | null = null;
    let selfClosing = false;
    for (;;) {
      let spaced = false;
      while (i < len && isSpace(buf.charCodeAt(i))) {
        if (buf.charCodeAt(i) === NL) newlines++;
        spaced = true;
        i++;
      }
      if (i >= len) return -1;
      const c = buf.charCodeAt(i);
      if (c === GT) {
        i++;
        break;
      }
      if (c === SLASH) {
        if (i + 1 >= len) return -1;
        if (buf.charCodeAt(i + 1) !== GT)
          throw new XmlSyntaxError(`malformed tag <${qname}>: "/" not followed by ">"`, line + newlines);
        selfClosing = true;
        i += 2;
        break;
      }
      if (!spaced)
        throw new XmlSyntaxError(`attributes of <${qname}> not separated by white space`, line + newlines);
      if (!isNameStart(c))
        throw new XmlSyntaxError(
          `malformed attribute in <${qname}>: a name cannot start with "${buf.charAt(i)}"`,
          line + newlines,
        );
      const nameStart = i;
      while (i < len && !endsName(buf.charCodeAt(i))) i++;
      if (i >= len) return -1;
      const attrName = buf.slice(nameStart, i);
      while (i < len && isSpace(buf.charCodeAt(i))) {
        if (buf.charCodeAt(i) === NL) newlines++;
        i++;
      }
      if (i >= len) return -1;
      if (buf.charCodeAt(i) !== EQ)
        throw new XmlSyntaxError(`attribute ${attrName} of <${qname}> has no value`, line + newlines);
      i++;
      while (i < len && isSpace(buf.charCodeAt(i))) {
        if (buf.charCodeAt(i) === NL) newlines++;
        i++;
      }
      if (i >= len) return -1;
      const quote = buf.charCodeAt(i);
      if (quote !== 34 && quote !== 39)
        throw new XmlSyntaxError(`attribute ${attrName} of <${qname}>: value not in quotes`, line + newlines);
      const close = buf.indexOf(quote === 34 ? '"' : "'", i + 1);
      if (close === -1) return -1;
      const raw = buf.slice(i + 1, close);
      if (raw.indexOf('<') !== -1)
        throw new XmlSyntaxError(`attribute ${attrName} of <${qname}>: "<" in its value`, line + newlines);
      const valueLine = line + newlines;
      newlines += countNewlines(raw, 0, raw.length);
      attributes ??= [];
      attributes.push(attrName, normalizeAttribute(raw, valueLine));
      i = close + 1;
    }
    this.line = line + newlines;
    this.open(this.name(qname), attributes ?? NO_ATTRIBUTES, line);
    if (selfClosing) this.close(line);
    return i;
  }

  private open(name: Name, attributes: readonly string[], line: number): void {
    if (this.depth === 0) {
      if (this.rootClosed)
        throw new XmlSyntaxError(`a second root element <${name.qname}> after the first one ended`, line);
      this.rootSeen = true;
    }
    if (this.depth >= MAX_DEPTH)
      throw new XmlSyntaxError(`elements nested deeper than ${MAX_DEPTH} levels`, line);
    this.names[this.depth] = name;
    this.lines[this.depth] = line;
    this.depth++;
    this.text = '';
    this.lazyFrom = -1;
    this.leaf = true;
    this.handler.startElement(name.local, attributes, line);
  }

  private close(line: number): void {
    this.depth--;
    const name = this.names[this.depth] as Name;
    this.flushText();
    let text = this.leaf ? this.text : '';
    if (text.indexOf('\r') !== -1) text = text.replace(/\r\n?/g, '\n');
    this.text = '';
    this.leaf = false;
    if (this.depth === 0) this.rootClosed = true;
    this.handler.endElement(name.local, text, line);
  }

  private endTag(buf: string, pos: number): number {
    const gt = buf.indexOf('>', pos + 2);
    if (gt === -1) return -1;
    const line = this.line;
    let end = gt;
    while (end > pos + 2 && isSpace(buf.charCodeAt(end - 1))) end--;
    const qname = buf.slice(pos + 2, end);
    if (this.depth === 0) throw new XmlSyntaxError(`end tag </${snippet(qname)}> without a start tag`, line);
    const open = this.names[this.depth - 1] as Name;
    if (qname !== open.qname)
      throw new XmlSyntaxError(
        `end tag </${snippet(qname)}> does not match <${open.qname}> opened at line ${this.lines[this.depth - 1]}`,
        line,
      );
    this.line += countNewlines(buf, end, gt);
    this.close(line);
    return gt + 1;
  }

  private skipUntil(buf: string, pos: number, terminator: string, what: string): number {
    const end = buf.indexOf(terminator, pos + 2);
    if (end === -1) return -1;
    if (what === 'CDATA section') {
      const line = this.line;
      if (this.depth === 0) throw new XmlSyntaxError('a CDATA section outside the root element', line);
      if (this.leaf) {
        this.flushText();
        this.text += buf.slice(pos + 9, end);
      }
    }
    this.line += countNewlines(buf, pos, end);
    return end + terminator.length;
  }

  private declaration(buf: string, pos: number, final: boolean): number {
    if (buf.startsWith('<!--', pos)) return this.skipUntil(buf, pos + 2, '-->', 'comment');
    if (buf.startsWith('<![CDATA[', pos)) return this.skipUntil(buf, pos, ']]>', 'CDATA section');
    if (buf.startsWith('<!DOCTYPE', pos)) {
      if (this.rootSeen)
        throw new XmlSyntaxError('a document type declaration after the root element', this.line);
      // Skip to the ">" that closes the declaration, past an internal subset in brackets and quotes.
      let bracket = 0;
      let quote = 0;
      for (let i = pos + 9; i < buf.length; i++) {
        const c = buf.charCodeAt(i);
        if (quote !== 0) {
          if (c === quote) quote = 0;
        } else if (c === 34 || c === 39) quote = c;
        else if (c === 91) bracket++;
        else if (c === 93) bracket--;
        else if (c === GT && bracket <= 0) {
          this.line += countNewlines(buf, pos, i);
          return i + 1;
        }
      }
      return -1;
    }
    // Not enough characters yet to tell which declaration this is (nor to quote the same ones).
    if (!final && buf.length - pos < 9) return -1;
    throw new XmlSyntaxError(`malformed markup "${buf.slice(pos, pos + 9)}"`, this.line);
  }
}
