import { deflateSync } from 'node:zlib';
import { HELVETICA_BOLD_WIDTHS, HELVETICA_WIDTHS, WIN_ANSI_EXTRAS } from './helvetica-metrics.ts';

/**
 * A small PDF 1.4 writer for Arbor's letters and statements: pages of text in Helvetica and
 * Helvetica-Bold (two of the 14 fonts every PDF reader has, so nothing is embedded), thin rules, and
 * flate-compressed content. Why not a general PDF library: a dunning run renders tens of thousands of
 * letters, and the general libraries spend one to five milliseconds on each (parsing font metrics
 * per document, docs/dunning.md); this writer needs a fraction of one, and its output is byte-for-
 * byte the same for the same content, so a document's SHA-256 identifies what it says.
 *
 * Text is encoded in WinAnsiEncoding (Latin-1 plus typographic quotes, dashes, €): enough for English
 * and Spanish letters; a character outside it prints as `?`. Coordinates are points from the top-left
 * corner (the writer turns them into PDF's bottom-left ones).
 */

export type PdfFont = 'regular' | 'bold';

export interface TextOptions {
  readonly font?: PdfFont;
  readonly size?: number;
  /** With `width`: right edge at x + width (right), or centred in it. */
  readonly align?: 'left' | 'right' | 'center';
  readonly width?: number;
}

/** US Letter, in points. */
export const PAGE_WIDTH = 612;
export const PAGE_HEIGHT = 792;

const FONT_KEY: Record<PdfFont, string> = { regular: 'F1', bold: 'F2' };
const WIDTHS: Record<PdfFont, readonly number[]> = { regular: HELVETICA_WIDTHS, bold: HELVETICA_BOLD_WIDTHS };

/** The WinAnsiEncoding code of a character, or `?` (63) when it has none. */
export function winAnsiCode(codePoint: number): number {
  if (codePoint >= 32 && codePoint <= 126) return codePoint;
  if (codePoint >= 160 && codePoint <= 255) return codePoint;
  return WIN_ANSI_EXTRAS.get(codePoint) ?? 63;
}

/** Width of `text` in points. */
export function textWidth(text: string, font: PdfFont, size: number): number {
  const widths = WIDTHS[font];
  let units = 0;
  for (const ch of text) {
    const code = winAnsiCode(ch.codePointAt(0) ?? 63);
    units += widths[code - 32] ?? 556;
  }
  return (units * size) / 1000;
}

/** A PDF literal string: WinAnsi bytes, with `(`, `)`, `\` and non-ASCII bytes escaped. */
function literal(text: string): string {
  let out = '(';
  for (const ch of text) {
    const code = winAnsiCode(ch.codePointAt(0) ?? 63);
    if (code === 40 || code === 41 || code === 92) out += `\\${String.fromCharCode(code)}`;
    else if (code > 126) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(code);
  }
  return `${out})`;
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** Splits text into lines no wider than `width` (words longer than a line are cut). */
export function wrapText(text: string, width: number, font: PdfFont, size: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const words = paragraph.split(/\s+/).filter((w) => w !== '');
    let line = '';
    for (const word of words) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (textWidth(candidate, font, size) <= width) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line);
      let rest = word;
      while (textWidth(rest, font, size) > width && rest.length > 1) {
        let cut = rest.length - 1;
        while (cut > 1 && textWidth(rest.slice(0, cut), font, size) > width) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

export class PdfWriter {
  readonly #pages: string[][] = [];
  #ops: string[] = [];

  constructor() {
    this.addPage();
  }

  get pageCount(): number {
    return this.#pages.length;
  }

  addPage(): void {
    this.#ops = [];
    this.#pages.push(this.#ops);
  }

  /** Writes one line of text with its baseline at `y` points from the top of the page. */
  text(x: number, y: number, text: string, options: TextOptions = {}): void {
    const font = options.font ?? 'regular';
    const size = options.size ?? 10;
    let left = x;
    if (options.width !== undefined && options.align && options.align !== 'left') {
      const w = textWidth(text, font, size);
      left = options.align === 'right' ? x + options.width - w : x + (options.width - w) / 2;
    }
    this.#ops.push(
      `BT /${FONT_KEY[font]} ${num(size)} Tf ${num(left)} ${num(PAGE_HEIGHT - y)} Td ${literal(text)} Tj ET`,
    );
  }

  /** A straight rule from (x1, y1) to (x2, y2), `width` points thick. */
  line(x1: number, y1: number, x2: number, y2: number, width = 0.5): void {
    this.#ops.push(
      `${num(width)} w ${num(x1)} ${num(PAGE_HEIGHT - y1)} m ${num(x2)} ${num(PAGE_HEIGHT - y2)} l S`,
    );
  }

  /** Writes text on every page (e.g. `Page {n} of {total}`), at the end, when the count is known. */
  onEveryPage(draw: (page: number, total: number) => { x: number; y: number; text: string } & TextOptions) {
    const total = this.#pages.length;
    const keep = this.#ops;
    this.#pages.forEach((ops, i) => {
      this.#ops = ops;
      const t = draw(i + 1, total);
      this.text(t.x, t.y, t.text, t);
    });
    this.#ops = keep;
  }

  /** The finished file. The same content always gives the same bytes (no dates, no random ids). */
  toBytes(info: { title: string; subject?: string }): Buffer {
    const objects: (string | Buffer)[] = [];
    const pageCount = this.#pages.length;
    // 1 catalog, 2 page tree, 3–4 fonts, 5 info, then a page and its contents per page.
    const pageId = (i: number) => 6 + i * 2;
    objects.push('<< /Type /Catalog /Pages 2 0 R >>');
    objects.push(
      `<< /Type /Pages /Kids [${this.#pages.map((_, i) => `${pageId(i)} 0 R`).join(' ')}] /Count ${pageCount} >>`,
    );
    objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
    objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
    objects.push(
      `<< /Title ${literal(info.title)}${info.subject ? ` /Subject ${literal(info.subject)}` : ''} /Producer (Arbor) >>`,
    );
    for (let i = 0; i < pageCount; i++) {
      objects.push(
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
          `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageId(i) + 1} 0 R >>`,
      );
      // Level 1: a run compresses tens of thousands of pages; text compresses well at any level.
      const content = deflateSync(Buffer.from((this.#pages[i] ?? []).join('\n'), 'latin1'), { level: 1 });
      objects.push(
        Buffer.concat([
          Buffer.from(`<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'),
          content,
          Buffer.from('\nendstream', 'latin1'),
        ]),
      );
    }
    // A binary comment after the header tells transfer programs the file is binary (PDF 1.4, 7.5.2).
    const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
    let offset = parts[0]?.length ?? 0;
    const offsets: number[] = [];
    objects.forEach((body, i) => {
      offsets.push(offset);
      const chunk = Buffer.concat([
        Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
        typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
        Buffer.from('\nendobj\n', 'latin1'),
      ]);
      parts.push(chunk);
      offset += chunk.length;
    });
    // Cross-reference entries are exactly 20 bytes each: 10-digit offset, 5-digit generation, type, EOL.
    const xref = [
      'xref',
      `0 ${objects.length + 1}`,
      '0000000000 65535 f\r',
      ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r`),
      'trailer',
      `<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>`,
      'startxref',
      String(offset),
      '%%EOF',
      '',
    ].join('\n');
    parts.push(Buffer.from(xref, 'latin1'));
    return Buffer.concat(parts);
  }
}
