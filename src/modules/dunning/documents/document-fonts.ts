import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { HELVETICA_BOLD_WIDTHS, HELVETICA_WIDTHS, WIN_ANSI_EXTRAS } from './helvetica-metrics.ts';
import { subsetTrueType } from './subset-truetype.ts';
import { TrueTypeFont } from './truetype.ts';

/**
 * The fonts of one document: how its text is measured and how it is written into the content
 * streams and the file. Two kinds:
 *
 * - `StandardFonts`: Helvetica and Helvetica-Bold in WinAnsiEncoding, nothing embedded (every PDF
 *   reader has them). Almost every document; a character outside WinAnsi prints as `?`, and the set
 *   remembers it (`needsEmbedding`) so that the document can be drawn again with:
 * - `EmbeddedFonts`: DejaVu Sans and DejaVu Sans Bold (`fonts/`, Bitstream Vera licence), embedded
 *   as Type0 fonts (CIDFontType2, Identity-H, CID = glyph id) with only the glyphs the document uses,
 *   a /W array of their widths and a /ToUnicode CMap so that copying and searching give the text back.
 *
 * A document is measured with the fonts it is written in, so wrapping and right alignment stay
 * right in either.
 */

export type PdfFont = 'regular' | 'bold';

/** A font dictionary and the objects it refers to, numbered by `add` (which returns the id). */
export interface FontResource {
  /** The resource name the content streams use: F1 regular, F2 bold. */
  readonly key: string;
  readonly dictionary: (add: (body: string | Buffer) => number) => string;
}

export interface FontSet {
  /** Width of `text` in points. */
  width(text: string, font: PdfFont, size: number): number;
  /** The string operand of `Tj` that shows `text`. */
  show(text: string, font: PdfFont): string;
  /** The fonts to write into the file, in resource order. */
  resources(): FontResource[];
}

const KEY: Record<PdfFont, string> = { regular: 'F1', bold: 'F2' };

/** The WinAnsiEncoding code of a character, or `?` (63) when it has none. */
export function winAnsiCode(codePoint: number): number {
  if (codePoint >= 32 && codePoint <= 126) return codePoint;
  if (codePoint >= 160 && codePoint <= 255) return codePoint;
  return WIN_ANSI_EXTRAS.get(codePoint) ?? 63;
}

/** A PDF literal string of WinAnsi bytes, with `(`, `)`, `\` and non-ASCII bytes escaped. */
export function winAnsiLiteral(text: string, missing?: Set<number>): string {
  let out = '(';
  for (const ch of text) {
    const codePoint = ch.codePointAt(0) ?? 63;
    const code = winAnsiCode(codePoint);
    if (code === 63 && codePoint !== 63) missing?.add(codePoint);
    if (code === 40 || code === 41 || code === 92) out += `\\${String.fromCharCode(code)}`;
    else if (code > 126) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(code);
  }
  return `${out})`;
}

/** A PDF text string for the document information (title): WinAnsi when it can, else UTF-16BE. */
export function textString(text: string): string {
  for (const ch of text) {
    const codePoint = ch.codePointAt(0) ?? 63;
    if (winAnsiCode(codePoint) === 63 && codePoint !== 63) {
      return `<FEFF${Buffer.from(text, 'utf16le').swap16().toString('hex').toUpperCase()}>`;
    }
  }
  return winAnsiLiteral(text);
}

const HELVETICA: Record<PdfFont, readonly number[]> = {
  regular: HELVETICA_WIDTHS,
  bold: HELVETICA_BOLD_WIDTHS,
};

/** Width in points of text in Helvetica (regular or bold), WinAnsi-encoded. */
export function helveticaWidth(text: string, font: PdfFont, size: number): number {
  const widths = HELVETICA[font];
  let units = 0;
  for (const ch of text) {
    const code = winAnsiCode(ch.codePointAt(0) ?? 63);
    units += widths[code - 32] ?? 556;
  }
  return (units * size) / 1000;
}

export class StandardFonts implements FontSet {
  /** Characters shown that WinAnsi has no code for (printed as `?`). */
  readonly missing = new Set<number>();

  width(text: string, font: PdfFont, size: number): number {
    return helveticaWidth(text, font, size);
  }

  show(text: string): string {
    return winAnsiLiteral(text, this.missing);
  }

  /** Whether the document showed a character WinAnsi lacks and the embedded fonts have. */
  needsEmbedding(): boolean {
    if (this.missing.size === 0) return false;
    const font = dejaVu('regular');
    for (const c of this.missing) if (font.hasGlyph(c)) return true;
    return false;
  }

  resources(): FontResource[] {
    return [
      {
        key: 'F1',
        dictionary: () => '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
      },
      {
        key: 'F2',
        dictionary: () =>
          '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
      },
    ];
  }
}

const FONT_FILES: Record<PdfFont, { file: string; name: string }> = {
  regular: { file: 'DejaVuSans.ttf', name: 'DejaVuSans' },
  bold: { file: 'DejaVuSans-Bold.ttf', name: 'DejaVuSans-Bold' },
};
const loaded: Partial<Record<PdfFont, TrueTypeFont>> = {};

/**
 * The parsed DejaVu font of a face. Read once per process, on the first document that needs it
 * (fonts are constants, like the Helvetica metrics: no state shared between documents).
 */
export function dejaVu(font: PdfFont): TrueTypeFont {
  let parsed = loaded[font];
  if (!parsed) {
    parsed = new TrueTypeFont(readFileSync(new URL(`./fonts/${FONT_FILES[font].file}`, import.meta.url)));
    loaded[font] = parsed;
  }
  return parsed;
}

/** One embedded face: its glyphs' widths in thousandths of an em, and what each glyph used shows. */
class EmbeddedFace {
  readonly font: TrueTypeFont;
  readonly name: string;
  /** Glyph → the text it stands for (for /ToUnicode), in the order first shown. */
  readonly used = new Map<number, string>();
  readonly #widths = new Map<number, number>();
  readonly #question: number;

  constructor(face: PdfFont) {
    this.font = dejaVu(face);
    this.name = FONT_FILES[face].name;
    this.#question = this.font.glyphId(63);
  }

  /** The glyph that shows a character: `?` when the font has none, as in WinAnsi. */
  glyph(codePoint: number): number {
    const g = this.font.glyphId(codePoint);
    return g === 0 ? this.#question : g;
  }

  /** Advance in thousandths of an em, rounded: the figure in /W, so layout and reader agree. */
  width(glyph: number): number {
    let w = this.#widths.get(glyph);
    if (w === undefined) {
      w = Math.round((this.font.advance(glyph) * 1000) / this.font.unitsPerEm);
      this.#widths.set(glyph, w);
    }
    return w;
  }
}

export class EmbeddedFonts implements FontSet {
  readonly #faces: Partial<Record<PdfFont, EmbeddedFace>> = {};

  #face(font: PdfFont): EmbeddedFace {
    let face = this.#faces[font];
    if (!face) {
      face = new EmbeddedFace(font);
      this.#faces[font] = face;
    }
    return face;
  }

  width(text: string, font: PdfFont, size: number): number {
    const face = this.#face(font);
    let units = 0;
    for (const ch of text) units += face.width(face.glyph(ch.codePointAt(0) ?? 63));
    return (units * size) / 1000;
  }

  /** A hex string of two-byte CIDs (Identity-H), CID = glyph id. */
  show(text: string, font: PdfFont): string {
    const face = this.#face(font);
    let out = '<';
    for (const ch of text) {
      const g = face.glyph(ch.codePointAt(0) ?? 63);
      if (!face.used.has(g)) face.used.set(g, g === face.glyph(63) ? '?' : ch);
      out += g.toString(16).padStart(4, '0');
    }
    return `${out}>`;
  }

  /** Only the faces the document showed text in. */
  resources(): FontResource[] {
    const out: FontResource[] = [];
    for (const font of ['regular', 'bold'] as const) {
      const face = this.#faces[font];
      if (face && face.used.size > 0) out.push({ key: KEY[font], dictionary: (add) => type0Font(face, add) });
    }
    return out;
  }
}

function stream(data: Buffer, extra = ''): Buffer {
  const compressed = deflateSync(data);
  return Buffer.concat([
    Buffer.from(`<< /Length ${compressed.length} /Filter /FlateDecode${extra} >>\nstream\n`, 'latin1'),
    compressed,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

/** The Type0 font of a face, with its CIDFont, descriptor, subset font program and ToUnicode CMap. */
function type0Font(face: EmbeddedFace, add: (body: string | Buffer) => number): string {
  const { font } = face;
  const glyphs = [...face.used.keys()].sort((a, b) => a - b);
  const subset = subsetTrueType(font, glyphs);
  // A subset's name starts with six capital letters naming the subset (ISO 32000-1, 9.6.4); from
  // the glyphs, so the same text gives the same bytes.
  const digest = createHash('sha256').update(glyphs.join(',')).digest();
  const tag = [...digest.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
  const baseFont = `${tag}+${face.name}`;
  const scale = (v: number) => Math.round((v * 1000) / font.unitsPerEm);
  const fontFile = add(stream(subset.bytes, ` /Length1 ${subset.bytes.length}`));
  const flags = 4 | (font.isFixedPitch ? 1 : 0) | (font.italicAngle !== 0 ? 64 : 0); // symbolic: glyphs by id
  const stemV = Math.round(50 + (font.weightClass / 65) ** 2);
  const descriptor = add(
    `<< /Type /FontDescriptor /FontName /${baseFont} /Flags ${flags} ` +
      `/FontBBox [${font.bbox.map(scale).join(' ')}] /ItalicAngle ${font.italicAngle} ` +
      `/Ascent ${scale(font.ascender)} /Descent ${scale(font.descender)} /CapHeight ${scale(font.capHeight)} ` +
      `/StemV ${stemV} /FontFile2 ${fontFile} 0 R >>`,
  );
  // /W: runs of consecutive glyph ids, `first [w1 w2 …]`.
  const w: string[] = [];
  for (let i = 0; i < glyphs.length; ) {
    let j = i;
    while (j + 1 < glyphs.length && glyphs[j + 1] === (glyphs[j] as number) + 1) j++;
    const run = glyphs.slice(i, j + 1).map((g) => face.width(g));
    w.push(`${glyphs[i]} [${run.join(' ')}]`);
    i = j + 1;
  }
  const cidFont = add(
    `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /${baseFont} ` +
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> ' +
      `/FontDescriptor ${descriptor} 0 R /W [${w.join(' ')}] /CIDToGIDMap /Identity >>`,
  );
  const toUnicode = add(stream(Buffer.from(toUnicodeCMap(face.used), 'latin1')));
  return (
    `<< /Type /Font /Subtype /Type0 /BaseFont /${baseFont} /Encoding /Identity-H ` +
    `/DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>`
  );
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0').toUpperCase();

/** A ToUnicode CMap (Adobe technical note 5411): each two-byte CID to the UTF-16BE text it shows. */
export function toUnicodeCMap(used: ReadonlyMap<number, string>): string {
  const entries = [...used.entries()].sort((a, b) => a[0] - b[0]);
  const blocks: string[] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    blocks.push(
      `${chunk.length} beginbfchar\n` +
        chunk
          .map(
            ([g, text]) =>
              `<${hex4(g)}> <${Buffer.from(text, 'utf16le').swap16().toString('hex').toUpperCase()}>`,
          )
          .join('\n') +
        '\nendbfchar',
    );
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}
