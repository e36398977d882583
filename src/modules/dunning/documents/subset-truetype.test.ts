import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dejaVu } from './document-fonts.ts';
import { glyphClosure, subsetTrueType } from './subset-truetype.ts';
import { TrueTypeFont, tableChecksum } from './truetype.ts';

const TEXT = 'Dvořák Łódź Sp. z o.o. Ελληνική Α.Ε. Иванов ή € 1,234.56';

describe('the TrueType reader', () => {
  it('reads DejaVu Sans: units, glyph count, known glyphs and widths', () => {
    const font = dejaVu('regular');
    expect(font.unitsPerEm).toBe(2048);
    expect(font.numGlyphs).toBe(6253);
    // Widths in font units from DejaVu Sans 2.37 (A 1401, И 1532); ř is a composite of r and a caron.
    expect(font.advance(font.glyphId(0x41))).toBe(1401);
    expect(font.advance(font.glyphId(0x418))).toBe(1532);
    const r = font.glyphId(0x159);
    expect(font.components(r)).toEqual([font.glyphId(0x72), expect.any(Number)]);
    expect(font.glyphId(0x5c71)).toBe(0); // 山: DejaVu Sans has no CJK
  });

  it('reads the same BMP mapping from cmap format 4 as from format 12', () => {
    for (const face of ['regular', 'bold'] as const) {
      const font = dejaVu(face);
      const f4 = font.cmapSubtable(4);
      const f12 = font.cmapSubtable(12);
      if (!f4 || !f12) throw new Error('DejaVu has both subtables');
      const bmp = new Map([...f12].filter(([c]) => c <= 0xffff));
      expect(f4.size).toBeGreaterThan(5000);
      expect(f4).toEqual(bmp);
      expect(f12.size).toBeGreaterThan(bmp.size); // and beyond the BMP (mathematical letters)
    }
  });
});

describe('subsetting a TrueType font', () => {
  for (const face of ['regular', 'bold'] as const) {
    it(`keeps the used glyphs of DejaVu Sans ${face} byte for byte and empties the rest`, () => {
      const font = dejaVu(face);
      const used = new Set([...TEXT].map((ch) => font.glyphId(ch.codePointAt(0) ?? 0)));
      const { bytes, glyphs } = subsetTrueType(font, used);
      const sub = new TrueTypeFont(bytes);

      // Components of composite glyphs come along (ř = r + caron, Α = A), and .notdef.
      const composites = [...used].filter((g) => font.components(g).length > 0);
      expect(composites.length).toBeGreaterThan(5);
      for (const g of composites) for (const c of font.components(g)) expect(glyphs.has(c)).toBe(true);
      expect(glyphs).toEqual(glyphClosure(font, used));
      expect(glyphs.has(0)).toBe(true);
      expect(glyphs.size).toBeGreaterThan(used.size);

      expect(sub.numGlyphs).toBe(Math.max(...glyphs) + 1);
      expect(sub.unitsPerEm).toBe(font.unitsPerEm);
      let empty = 0;
      for (let g = 0; g < sub.numGlyphs; g++) {
        if (glyphs.has(g)) {
          expect(Buffer.compare(sub.glyph(g), font.glyph(g)), `glyph ${g}`).toBe(0);
          expect(sub.advance(g)).toBe(font.advance(g));
          expect(sub.leftSideBearing(g)).toBe(font.leftSideBearing(g));
        } else {
          expect(sub.glyph(g).length).toBe(0);
          empty++;
        }
      }
      expect(empty).toBe(sub.numGlyphs - glyphs.size);
      expect(sub.glyph(0).length).toBeGreaterThan(0);
      for (const g of used) if (g !== font.glyphId(0x20)) expect(sub.glyph(g).length).toBeGreaterThan(0);

      expect([...sub.tables.keys()]).toEqual([
        'cvt ',
        'fpgm',
        'glyf',
        'head',
        'hhea',
        'hmtx',
        'loca',
        'maxp',
        'name',
        'prep',
      ]);
      // The copyright notice stays with the glyphs (UTF-16BE in the name table).
      const names = Buffer.from(sub.table('name') as Buffer)
        .swap16()
        .toString('utf16le');
      expect(names).toContain('Copyright (c) 2003 by Bitstream, Inc. All Rights Reserved.');
      expect(names).toContain('Copyright (c) 2006 by Tavmjong Bah. All Rights Reserved.');
      expect(names).toContain('http://dejavu.sourceforge.net/wiki/index.php/License');
      for (const tag of ['cvt ', 'fpgm', 'prep'])
        expect(Buffer.compare(sub.table(tag) as Buffer, font.table(tag) as Buffer)).toBe(0);
    });
  }

  it('writes valid checksums: every table, and the whole file through head.checkSumAdjustment', () => {
    const font = dejaVu('regular');
    const { bytes } = subsetTrueType(
      font,
      [...'Иванов'].map((ch) => font.glyphId(ch.codePointAt(0) ?? 0)),
    );
    const sub = new TrueTypeFont(bytes);
    for (const t of sub.tables.values()) {
      expect(t.offset % 4, t.tag).toBe(0);
      const data = Buffer.from(bytes.subarray(t.offset, t.offset + t.length));
      if (t.tag === 'head') data.writeUInt32BE(0, 8); // the head checksum is taken with the adjustment at 0
      expect(tableChecksum(data), t.tag).toBe(t.checksum);
    }
    expect(tableChecksum(bytes)).toBe(0xb1b0afba);
    expect(bytes.length % 4).toBe(0);
  });

  it('is a small fraction of the font', () => {
    const font = dejaVu('regular');
    const { bytes } = subsetTrueType(
      font,
      [...TEXT].map((ch) => font.glyphId(ch.codePointAt(0) ?? 0)),
    );
    expect(font.bytes.length).toBeGreaterThan(700_000);
    expect(deflateSync(bytes).length).toBeLessThan(20_000);
  });

  it('computes table checksums as big-endian word sums, the last word zero-padded', () => {
    expect(tableChecksum(Buffer.from([0, 0, 0, 1, 0, 0, 0, 2]))).toBe(3);
    expect(tableChecksum(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2]))).toBe(1);
    expect(tableChecksum(Buffer.from([1, 2]))).toBe(0x01020000);
  });
});
