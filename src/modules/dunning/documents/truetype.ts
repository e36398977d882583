/**
 * A reader for the parts of a TrueType font (the `glyf` flavour of OpenType) that embedding it in a
 * PDF needs: the table directory, Unicode → glyph id (cmap formats 4 and 12), advance widths (hmtx),
 * the glyph outlines (loca/glyf, with the components of composite glyphs), and the numbers of the
 * PDF font descriptor (head, hhea, OS/2, post). Offsets and layouts follow the OpenType spec,
 * https://learn.microsoft.com/typography/opentype/spec/. Everything is big-endian.
 */

export interface TableRecord {
  readonly tag: string;
  readonly checksum: number;
  readonly offset: number;
  readonly length: number;
}

/** Composite glyph component flags (glyf table). */
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** The checksum of a table: the sum of its big-endian uint32 words, zero-padded to a multiple of 4. */
export function tableChecksum(bytes: Uint8Array): number {
  const words = Buffer.alloc(Math.ceil(bytes.length / 4) * 4);
  words.set(bytes);
  let sum = 0;
  for (let i = 0; i < words.length; i += 4) sum = (sum + words.readUInt32BE(i)) >>> 0;
  return sum;
}

export class TrueTypeFont {
  readonly bytes: Buffer;
  readonly tables: ReadonlyMap<string, TableRecord>;
  readonly unitsPerEm: number;
  readonly numGlyphs: number;
  /** head.indexToLocFormat: 0 = short (offset / 2 as uint16), 1 = long (uint32). */
  readonly indexToLocFormat: number;
  /** head: xMin, yMin, xMax, yMax in font units. */
  readonly bbox: readonly [number, number, number, number];
  readonly ascender: number;
  readonly descender: number;
  readonly capHeight: number;
  readonly italicAngle: number;
  readonly isFixedPitch: boolean;
  /** OS/2 usWeightClass: 400 regular, 700 bold. */
  readonly weightClass: number;
  readonly numberOfHMetrics: number;
  readonly #cmap: Map<number, number>;
  readonly #loca: Uint32Array;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
    const version = bytes.readUInt32BE(0);
    if (version !== 0x00010000 && version !== 0x74727565)
      throw new Error('not a TrueType font (glyf outlines)');
    const numTables = bytes.readUInt16BE(4);
    const tables = new Map<string, TableRecord>();
    for (let i = 0; i < numTables; i++) {
      const at = 12 + i * 16;
      const tag = bytes.toString('latin1', at, at + 4);
      tables.set(tag, {
        tag,
        checksum: bytes.readUInt32BE(at + 4),
        offset: bytes.readUInt32BE(at + 8),
        length: bytes.readUInt32BE(at + 12),
      });
    }
    this.tables = tables;
    const head = this.#table('head');
    this.unitsPerEm = bytes.readUInt16BE(head + 18);
    this.bbox = [
      bytes.readInt16BE(head + 36),
      bytes.readInt16BE(head + 38),
      bytes.readInt16BE(head + 40),
      bytes.readInt16BE(head + 42),
    ];
    this.indexToLocFormat = bytes.readInt16BE(head + 50);
    this.numGlyphs = bytes.readUInt16BE(this.#table('maxp') + 4);
    const hhea = this.#table('hhea');
    this.ascender = bytes.readInt16BE(hhea + 4);
    this.descender = bytes.readInt16BE(hhea + 6);
    this.numberOfHMetrics = bytes.readUInt16BE(hhea + 34);
    const os2 = this.tables.get('OS/2');
    this.weightClass = os2 ? bytes.readUInt16BE(os2.offset + 4) : 400;
    const post = this.tables.get('post');
    this.italicAngle = post ? bytes.readInt32BE(post.offset + 4) / 65536 : 0;
    this.isFixedPitch = post ? bytes.readUInt32BE(post.offset + 12) !== 0 : false;
    this.#loca = this.#readLoca();
    this.#cmap = this.tables.has('cmap') ? this.#readCmap() : new Map();
    // OS/2 sCapHeight exists from version 2; else the top of the H.
    const H = this.glyph(this.glyphId(0x48));
    this.capHeight =
      os2 && bytes.readUInt16BE(os2.offset) >= 2 && os2.length >= 90
        ? bytes.readInt16BE(os2.offset + 88)
        : H.length >= 10
          ? H.readInt16BE(8)
          : this.ascender;
  }

  /** The raw bytes of a table, or undefined when the font has none. */
  table(tag: string): Buffer | undefined {
    const t = this.tables.get(tag);
    return t ? this.bytes.subarray(t.offset, t.offset + t.length) : undefined;
  }

  /** The glyph of a Unicode code point, 0 (.notdef) when the font has none. */
  glyphId(codePoint: number): number {
    return this.#cmap.get(codePoint) ?? 0;
  }

  hasGlyph(codePoint: number): boolean {
    return this.#cmap.has(codePoint);
  }

  /** Advance width in font units. Glyphs past numberOfHMetrics share the last advance. */
  advance(glyphId: number): number {
    const hmtx = this.#table('hmtx');
    const i = Math.min(glyphId, this.numberOfHMetrics - 1);
    return this.bytes.readUInt16BE(hmtx + i * 4);
  }

  /** Left side bearing in font units. */
  leftSideBearing(glyphId: number): number {
    const hmtx = this.#table('hmtx');
    if (glyphId < this.numberOfHMetrics) return this.bytes.readInt16BE(hmtx + glyphId * 4 + 2);
    return this.bytes.readInt16BE(hmtx + this.numberOfHMetrics * 4 + (glyphId - this.numberOfHMetrics) * 2);
  }

  /** A glyph's data in glyf (empty for a glyph without outline, such as the space). */
  glyph(glyphId: number): Buffer {
    if (glyphId < 0 || glyphId >= this.numGlyphs) throw new Error(`no glyph ${glyphId}`);
    const glyf = this.#table('glyf');
    return this.bytes.subarray(glyf + (this.#loca[glyphId] ?? 0), glyf + (this.#loca[glyphId + 1] ?? 0));
  }

  /** The glyphs a composite glyph is built from (directly; empty for a simple glyph). */
  components(glyphId: number): number[] {
    const data = this.glyph(glyphId);
    if (data.length < 10 || data.readInt16BE(0) >= 0) return [];
    const out: number[] = [];
    let at = 10;
    for (;;) {
      const flags = data.readUInt16BE(at);
      out.push(data.readUInt16BE(at + 2));
      at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
      if (flags & WE_HAVE_A_SCALE) at += 2;
      else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) at += 4;
      else if (flags & WE_HAVE_A_TWO_BY_TWO) at += 8;
      if (!(flags & MORE_COMPONENTS)) return out;
    }
  }

  #table(tag: string): number {
    const t = this.tables.get(tag);
    if (!t) throw new Error(`the font has no ${tag} table`);
    return t.offset;
  }

  #readLoca(): Uint32Array {
    const at = this.#table('loca');
    const loca = new Uint32Array(this.numGlyphs + 1);
    for (let i = 0; i <= this.numGlyphs; i++) {
      loca[i] =
        this.indexToLocFormat === 0
          ? this.bytes.readUInt16BE(at + i * 2) * 2
          : this.bytes.readUInt32BE(at + i * 4);
    }
    return loca;
  }

  /** Unicode → glyph from the best Unicode subtable: format 12 (full range) over format 4 (BMP). */
  #readCmap(): Map<number, number> {
    const map = this.cmapSubtable(12) ?? this.cmapSubtable(4);
    if (!map) throw new Error('the font has no Unicode cmap (format 4 or 12)');
    return map;
  }

  /** The first Unicode subtable of cmap in that format, as code point → glyph (glyph 0 left out). */
  cmapSubtable(format: 4 | 12): Map<number, number> | undefined {
    const b = this.bytes;
    const cmap = this.#table('cmap');
    const count = b.readUInt16BE(cmap + 2);
    for (let i = 0; i < count; i++) {
      const platform = b.readUInt16BE(cmap + 4 + i * 8);
      const encoding = b.readUInt16BE(cmap + 6 + i * 8);
      const sub = cmap + b.readUInt32BE(cmap + 8 + i * 8);
      const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
      if (unicode && b.readUInt16BE(sub) === format)
        return format === 12 ? this.#format12(sub) : this.#format4(sub);
    }
    return undefined;
  }

  /** Segmented coverage: groups of consecutive code points mapped to consecutive glyphs. */
  #format12(at: number): Map<number, number> {
    const b = this.bytes;
    const map = new Map<number, number>();
    const groups = b.readUInt32BE(at + 12);
    for (let g = 0; g < groups; g++) {
      const group = at + 16 + g * 12;
      const start = b.readUInt32BE(group);
      const end = b.readUInt32BE(group + 4);
      const glyph = b.readUInt32BE(group + 8);
      for (let c = start; c <= end; c++) if (glyph + (c - start) !== 0) map.set(c, glyph + (c - start));
    }
    return map;
  }

  /** Segment mapping to delta values: per segment a delta, or an offset into the glyph id array. */
  #format4(at: number): Map<number, number> {
    const b = this.bytes;
    const map = new Map<number, number>();
    const segCount = b.readUInt16BE(at + 6) / 2;
    const ends = at + 14;
    const starts = ends + segCount * 2 + 2;
    const deltas = starts + segCount * 2;
    const rangeOffsets = deltas + segCount * 2;
    for (let s = 0; s < segCount; s++) {
      const end = b.readUInt16BE(ends + s * 2);
      const start = b.readUInt16BE(starts + s * 2);
      const delta = b.readInt16BE(deltas + s * 2);
      const rangeOffsetAt = rangeOffsets + s * 2;
      const rangeOffset = b.readUInt16BE(rangeOffsetAt);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let glyph: number;
        if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
        else {
          const id = b.readUInt16BE(rangeOffsetAt + rangeOffset + (c - start) * 2);
          glyph = id === 0 ? 0 : (id + delta) & 0xffff;
        }
        if (glyph !== 0) map.set(c, glyph);
      }
    }
    return map;
  }
}
