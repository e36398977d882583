import { type TrueTypeFont, tableChecksum } from './truetype.ts';

/**
 * A subset of a TrueType font for embedding in a PDF as a CIDFontType2 with CIDToGIDMap /Identity:
 * glyph ids stay what they are in the full font (so CID = GID), every glyph that is not used (nor a
 * component of a used composite glyph) is left empty, and the font ends at the highest glyph used.
 * Only the tables a PDF reader needs to draw the glyphs are kept (ISO 32000-1, 9.9): head, hhea, maxp,
 * hmtx, loca, glyf, and the hinting programs cvt, fpgm and prep, which the glyphs' instructions call;
 * plus a short name table with the font's copyright notice, names and licence URL (the full licence
 * text, name 13, is left out: 9.5 kB). The outlines are copied byte for byte. No cmap: a reader picks
 * glyphs by CID, and text extraction reads the PDF font's ToUnicode CMap.
 */
export interface FontSubset {
  readonly bytes: Buffer;
  /** The glyphs kept: those asked for, their components, and glyph 0 (.notdef). */
  readonly glyphs: ReadonlySet<number>;
}

const KEPT_TABLES = ['cvt ', 'fpgm', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp', 'name', 'prep'];

/** Copyright, family, subfamily, full name, version, PostScript name, licence URL. */
const KEPT_NAMES = new Set([0, 1, 2, 4, 5, 6, 14]);

/** The glyphs asked for plus glyph 0 and, recursively, the components of composite glyphs. */
export function glyphClosure(font: TrueTypeFont, glyphIds: Iterable<number>): Set<number> {
  const kept = new Set<number>();
  const todo = [0, ...glyphIds];
  for (let g = todo.pop(); g !== undefined; g = todo.pop()) {
    if (kept.has(g)) continue;
    kept.add(g);
    todo.push(...font.components(g));
  }
  return kept;
}

export function subsetTrueType(font: TrueTypeFont, glyphIds: Iterable<number>): FontSubset {
  const glyphs = glyphClosure(font, glyphIds);
  const numGlyphs = Math.max(...glyphs) + 1;

  // glyf and loca. Short offsets (offset / 2) when every glyph is an even number of bytes and the
  // table is small enough: the loca table of a subset is mostly repeats, half the bytes either way.
  let glyfLength = 0;
  let allEven = true;
  for (const g of glyphs) {
    const length = font.glyph(g).length;
    glyfLength += length;
    if (length % 2 !== 0) allEven = false;
  }
  const short = allEven && glyfLength <= 0x1fffe;
  const glyf = Buffer.alloc(glyfLength);
  const loca = Buffer.alloc((numGlyphs + 1) * (short ? 2 : 4));
  const writeLoca = (i: number, offset: number) => {
    if (short) loca.writeUInt16BE(offset / 2, i * 2);
    else loca.writeUInt32BE(offset, i * 4);
  };
  let at = 0;
  for (let g = 0; g < numGlyphs; g++) {
    writeLoca(g, at);
    if (glyphs.has(g)) at += font.glyph(g).copy(glyf, at);
  }
  writeLoca(numGlyphs, at);

  // hmtx: a full metric per glyph; unused glyphs get zeros (they compress to nothing).
  const hmtx = Buffer.alloc(numGlyphs * 4);
  for (const g of glyphs) {
    hmtx.writeUInt16BE(font.advance(g), g * 4);
    hmtx.writeInt16BE(font.leftSideBearing(g), g * 4 + 2);
  }

  const head = Buffer.from(required(font, 'head'));
  head.writeUInt32BE(0, 8); // checkSumAdjustment, set below once the whole file is known
  head.writeInt16BE(short ? 0 : 1, 50); // indexToLocFormat
  const hhea = Buffer.from(required(font, 'hhea'));
  hhea.writeUInt16BE(numGlyphs, 34); // numberOfHMetrics
  const maxp = Buffer.from(required(font, 'maxp'));
  maxp.writeUInt16BE(numGlyphs, 4);

  const data = new Map<string, Buffer>([
    ['glyf', glyf],
    ['head', head],
    ['hhea', hhea],
    ['hmtx', hmtx],
    ['loca', loca],
    ['maxp', maxp],
  ]);
  const name = font.table('name');
  if (name) data.set('name', shortNameTable(name));
  for (const tag of ['cvt ', 'fpgm', 'prep']) {
    const t = font.table(tag);
    if (t) data.set(tag, t);
  }
  const tags = KEPT_TABLES.filter((t) => data.has(t)); // sorted by tag, as the directory must be
  const bytes = writeFont(tags.map((tag) => ({ tag, data: data.get(tag) as Buffer })));
  // head.checkSumAdjustment makes the whole file sum to 0xB1B0AFBA.
  const headAt = bytes.readUInt32BE(12 + tags.indexOf('head') * 16 + 8);
  bytes.writeUInt32BE((0xb1b0afba - tableChecksum(bytes)) >>> 0, headAt + 8);
  return { bytes, glyphs };
}

function required(font: TrueTypeFont, tag: string): Buffer {
  const t = font.table(tag);
  if (!t) throw new Error(`the font has no ${tag} table`);
  return t;
}

/** A name table (format 0) with the Windows Unicode records of KEPT_NAMES only. */
function shortNameTable(name: Buffer): Buffer {
  const count = name.readUInt16BE(2);
  const strings = name.readUInt16BE(4);
  const records: { header: Buffer; text: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const at = 6 + i * 12;
    const platform = name.readUInt16BE(at);
    const encoding = name.readUInt16BE(at + 2);
    if (platform !== 3 || encoding !== 1 || !KEPT_NAMES.has(name.readUInt16BE(at + 6))) continue;
    const length = name.readUInt16BE(at + 8);
    const offset = strings + name.readUInt16BE(at + 10);
    records.push({ header: name.subarray(at, at + 12), text: name.subarray(offset, offset + length) });
  }
  const head = Buffer.alloc(6 + records.length * 12);
  head.writeUInt16BE(records.length, 2);
  head.writeUInt16BE(head.length, 4);
  let offset = 0;
  records.forEach((r, i) => {
    r.header.copy(head, 6 + i * 12);
    head.writeUInt16BE(offset, 6 + i * 12 + 10);
    offset += r.text.length;
  });
  return Buffer.concat([head, ...records.map((r) => r.text)]);
}

/** An sfnt file: the offset table, the table directory, then each table padded to 4 bytes. */
function writeFont(tables: readonly { tag: string; data: Buffer }[]): Buffer {
  const n = tables.length;
  const entrySelector = Math.floor(Math.log2(n));
  const searchRange = 2 ** entrySelector * 16;
  const header = Buffer.alloc(12 + n * 16);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(n, 4);
  header.writeUInt16BE(searchRange, 6);
  header.writeUInt16BE(entrySelector, 8);
  header.writeUInt16BE(n * 16 - searchRange, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  tables.forEach(({ tag, data }, i) => {
    const at = 12 + i * 16;
    header.write(tag, at, 4, 'latin1');
    header.writeUInt32BE(tableChecksum(data), at + 4);
    header.writeUInt32BE(offset, at + 8);
    header.writeUInt32BE(data.length, at + 12);
    const padded = Buffer.alloc(Math.ceil(data.length / 4) * 4);
    data.copy(padded);
    parts.push(padded);
    offset += padded.length;
  });
  return Buffer.concat(parts);
}
