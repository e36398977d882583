import { deflateSync } from 'node:zlib';
import { type FontSet, helveticaWidth, type PdfFont, StandardFonts, textString } from './document-fonts.ts';

export type { PdfFont } from './document-fonts.ts';

/**
 * A small PDF 1.4 writer for Arbor's letters and statements: pages of text in two faces (regular and
 * bold), thin rules, and flate-compressed content. Why not a general PDF library: a dunning run
 * renders tens of thousands of letters, and the general libraries spend one to five milliseconds on
 * each (parsing font metrics per document, docs/dunning.md); this writer needs a fraction of one,
 * and its output is byte-for-byte the same for the same content, so a document's SHA-256 identifies
 * what it says.
 *
 * Text is in the document's `FontSet` (document-fonts.ts): Helvetica in WinAnsiEncoding (Latin-1
 * plus typographic quotes, dashes, €) for almost every document, or embedded subsets of DejaVu Sans
 * for one whose text WinAnsi cannot encode (Czech, Polish, Greek, Cyrillic names …). Coordinates are
 * points from the top-left corner (the writer turns them into PDF's bottom-left ones).
 */

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

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** Splits text into lines no wider than `width` (words longer than a line are cut). */
export function wrapText(
  text: string,
  width: number,
  font: PdfFont,
  size: number,
  fonts: Pick<FontSet, 'width'> = { width: helveticaWidth },
): string[] {
  const textWidth = (t: string, f: PdfFont, s: number) => fonts.width(t, f, s);
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
  readonly fonts: FontSet;
  readonly #pages: string[][] = [];
  #ops: string[] = [];

  constructor(fonts: FontSet = new StandardFonts()) {
    this.fonts = fonts;
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
      const w = this.fonts.width(text, font, size);
      left = options.align === 'right' ? x + options.width - w : x + (options.width - w) / 2;
    }
    this.#ops.push(
      `BT /${font === 'bold' ? 'F2' : 'F1'} ${num(size)} Tf ${num(left)} ${num(PAGE_HEIGHT - y)} Td ${this.fonts.show(text, font)} Tj ET`,
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
    const pageCount = this.#pages.length;
    const fonts = this.fonts.resources();
    // 1 catalog, 2 page tree, 3… fonts, the info, then a page and its contents per page, then what
    // the fonts refer to (for Helvetica: nothing, so 3–4 fonts, 5 info, pages from 6).
    const infoId = 3 + fonts.length;
    const pageId = (i: number) => infoId + 1 + i * 2;
    const trailing: (string | Buffer)[] = [];
    const add = (body: string | Buffer) => {
      trailing.push(body);
      return pageId(pageCount) + trailing.length - 1;
    };
    const fontRefs = fonts.map((f, i) => `/${f.key} ${3 + i} 0 R`).join(' ');
    const objects: (string | Buffer)[] = [];
    objects.push('<< /Type /Catalog /Pages 2 0 R >>');
    objects.push(
      `<< /Type /Pages /Kids [${this.#pages.map((_, i) => `${pageId(i)} 0 R`).join(' ')}] /Count ${pageCount} >>`,
    );
    for (const f of fonts) objects.push(f.dictionary(add));
    objects.push(
      `<< /Title ${textString(info.title)}${info.subject ? ` /Subject ${textString(info.subject)}` : ''} /Producer (Arbor) >>`,
    );
    for (let i = 0; i < pageCount; i++) {
      objects.push(
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] ` +
          `/Resources << /Font << ${fontRefs} >> >> /Contents ${pageId(i) + 1} 0 R >>`,
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
    objects.push(...trailing);
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
      `<< /Size ${objects.length + 1} /Root 1 0 R /Info ${infoId} 0 R >>`,
      'startxref',
      String(offset),
      '%%EOF',
      '',
    ].join('\n');
    parts.push(Buffer.from(xref, 'latin1'));
    return Buffer.concat(parts);
  }
}
