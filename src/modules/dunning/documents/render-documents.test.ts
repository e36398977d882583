import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { extractPdfText, extractPdfTextRuns } from '../../../../test/support/pdf-text.ts';
import { labelsFor } from '../logic/labels.ts';
import { CONTENT_WIDTH, MARGIN } from './layout.ts';
import { renderNotice } from './render-notice.ts';
import { renderStatement } from './render-statement.ts';
import {
  CYRILLIC_SAMPLE,
  CZECH_POLISH_SAMPLE,
  GREEK_SAMPLE,
  LATIN_SAMPLE,
  type SampleText,
  sampleNotice,
  sampleStatement,
} from './sample-content.test-support.ts';

const notice = (t: SampleText) => renderNotice(sampleNotice(t));
const statement = (t: SampleText) =>
  renderStatement({
    company: t.company,
    statement: sampleStatement(t),
    address: t.address,
    intro: 'Your statement — thank you.',
    labels: labelsFor(t.language ?? 'en'),
  });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const latin1 = (b: Buffer) => b.toString('latin1');

const NON_LATIN: readonly [string, SampleText][] = [
  ['Czech and Polish', CZECH_POLISH_SAMPLE],
  ['Greek', GREEK_SAMPLE],
  ['Cyrillic', CYRILLIC_SAMPLE],
];

/** The edges right-aligned text ends at: table columns of the letter and statement, totals, aging. */
const RIGHT_EDGES = [
  MARGIN + 104 + 70 + 70 + 70 - 4, // letter: days past due
  MARGIN + 104 + 70 + 70 + 70 + 90 - 4, // letter: amount
  MARGIN + 70 + 120 + 130 + 90 - 4, // statement: amount
  MARGIN + CONTENT_WIDTH - 4, // last column, totals
  MARGIN + CONTENT_WIDTH, // date, page numbers
  // Aging buckets: a currency column and five buckets (the letter's) or six (the statement's).
  ...[6, 7].flatMap((columns) =>
    Array.from({ length: columns - 1 }, (_, k) => MARGIN + (CONTENT_WIDTH / columns) * (k + 2) - 4),
  ),
];
const AMOUNT = /^-?\d{1,3}(,\d{3})*\.\d{2}( [A-Z]{3})?$/;

describe('letters and statements in scripts WinAnsi cannot encode', () => {
  for (const [script, sample] of NON_LATIN) {
    it(`${script}: the letter reads back with the exact names, paragraphs and items`, async () => {
      const pdf = notice(sample);
      const text = (await extractPdfText(pdf)).join('\n');
      expect(text).toContain(sample.name);
      for (const line of sample.address) expect(text).toContain(line);
      expect(text).toContain(sample.title);
      for (const number of sample.documents.slice(0, 3)) expect(text).toContain(number);
      // The body's first words and a word from its last sentence (the paragraph is wrapped).
      const words = sample.body.split(/\s+/).filter((w) => !w.includes('{{'));
      expect(text).toContain(words[0]);
      expect(text).toContain(words.at(-1));
      expect(text).not.toContain('?');
      expect(text).toContain('ACME-001 · Page 1 of 1');
    });

    it(`${script}: the statement reads back with the exact name and item descriptions`, async () => {
      const pdf = statement(sample);
      const text = (await extractPdfText(pdf)).join('\n');
      expect(text).toContain(sample.name);
      for (const type of sample.types) expect(text).toContain(type);
      for (const document of sample.documents.slice(0, 3)) expect(text).toContain(document);
      expect(text).not.toContain('?');
    });

    it(`${script}: embeds subsets of DejaVu Sans as Type0 fonts, nothing of Helvetica`, () => {
      const pdf = latin1(notice(sample));
      expect(pdf).not.toContain('/Helvetica');
      expect(
        pdf.match(/\/Subtype \/Type0 \/BaseFont \/[A-Z]{6}\+DejaVuSans(-Bold)? \/Encoding \/Identity-H/g),
      ).toHaveLength(2);
      expect(pdf.match(/\/Subtype \/CIDFontType2 /g)).toHaveLength(2);
      expect(pdf.match(/\/FontFile2 \d+ 0 R/g)).toHaveLength(2);
      expect(pdf.match(/\/ToUnicode \d+ 0 R/g)).toHaveLength(2);
      expect(pdf).toContain('/CIDToGIDMap /Identity');
      // Subset: a letter is tens of kilobytes, not the 700 kB font (24 kB measured for the Polish one).
      expect(pdf.length).toBeLessThan(45_000);
    });

    it(`${script}: right-aligned amounts and wrapped lines are measured in the embedded font`, async () => {
      for (const pdf of [notice(sample), statement(sample)]) {
        const runs = (await extractPdfTextRuns(pdf)).flat();
        const amounts = runs.filter((r) => AMOUNT.test(r.str));
        expect(amounts.length).toBeGreaterThan(10);
        for (const r of amounts) {
          const edge = r.x + r.width;
          const nearest = RIGHT_EDGES.reduce((a, b) => (Math.abs(b - edge) < Math.abs(a - edge) ? b : a));
          expect(Math.abs(edge - nearest), `${r.str} ends at ${edge}`).toBeLessThan(0.05);
        }
        for (const r of runs) expect(r.x + r.width, r.str).toBeLessThanOrEqual(MARGIN + CONTENT_WIDTH + 0.05);
      }
    });
  }

  it('wraps a paragraph to the width of the embedded font, not of Helvetica', async () => {
    // DejaVu Sans is wider than Helvetica: measured with Helvetica, these lines would run past the margin.
    const runs = (await extractPdfTextRuns(notice(CYRILLIC_SAMPLE))).flat();
    const body = runs.filter((r) => r.str.includes(' ') && r.x === MARGIN && r.width > CONTENT_WIDTH * 0.8);
    expect(body.length).toBeGreaterThanOrEqual(2);
    for (const r of body) expect(r.width).toBeLessThanOrEqual(CONTENT_WIDTH);
  });

  it('maps each glyph shown back to its character (ToUnicode)', () => {
    const pdf = notice(CYRILLIC_SAMPLE);
    const cmaps = [...latin1(pdf).matchAll(/\/ToUnicode (\d+) 0 R/g)].map((m) => {
      const at = latin1(pdf).indexOf(`\n${m[1]} 0 obj\n`);
      const start = latin1(pdf).indexOf('stream\n', at) + 7;
      const end = latin1(pdf).indexOf('\nendstream', start);
      return inflateSync(pdf.subarray(start, end)).toString('latin1');
    });
    const all = cmaps.join('\n');
    expect(all).toContain('/CMapName /Adobe-Identity-UCS def');
    // И is U+0418, glyph 941 (0x03AD) in DejaVu Sans; the bold face uses it too (glyph 941 there as well).
    expect(all).toContain('<03AD> <0418>');
  });

  it('gives the same bytes for the same content', () => {
    expect(sha256(notice(GREEK_SAMPLE))).toBe(sha256(notice(GREEK_SAMPLE)));
    expect(sha256(statement(CZECH_POLISH_SAMPLE))).toBe(sha256(statement(CZECH_POLISH_SAMPLE)));
  });

  it('writes a title WinAnsi cannot encode as UTF-16 in the document information', () => {
    const pdf = latin1(notice(CYRILLIC_SAMPLE));
    const utf16 = Buffer.from(CYRILLIC_SAMPLE.title, 'utf16le').swap16().toString('hex').toUpperCase();
    expect(pdf).toContain(`/Title <FEFF${utf16}>`);
  });

  it('keeps Helvetica for text DejaVu Sans cannot show either, with ? as before', async () => {
    const cjk = notice({ ...LATIN_SAMPLE, name: '山田商事株式会社' });
    expect(latin1(cjk)).toContain('/BaseFont /Helvetica ');
    expect(latin1(cjk)).not.toContain('FontFile2');
    expect((await extractPdfText(cjk)).join('\n')).toContain('????????');
    // Mixed with Polish: embedded, and the CJK characters still print as ?.
    const mixed = notice({ ...LATIN_SAMPLE, name: 'Łódź 山田' });
    expect(latin1(mixed)).toContain('FontFile2');
    expect((await extractPdfText(mixed)).join('\n')).toContain('Łódź ??');
  });
});

describe('letters and statements in WinAnsi text', () => {
  it('are byte for byte what the Helvetica writer produced before fonts could be embedded', () => {
    // SHA-256 of these two documents rendered by the writer before embedding existed.
    const n = notice(LATIN_SAMPLE);
    const s = statement(LATIN_SAMPLE);
    expect(sha256(n)).toBe('0160c421f40b0ffffac16712589ad71b4497abc3367933cee3321ccafcd8e36a');
    expect(n.length).toBe(1940);
    expect(sha256(s)).toBe('f98c2703ed9787589428f645898eedd27ff03554f8a460806207ebba048d785c');
    expect(s.length).toBe(1916);
    for (const pdf of [latin1(n), latin1(s)]) {
      expect(pdf).toContain('/BaseFont /Helvetica /Encoding /WinAnsiEncoding');
      expect(pdf).toContain('/BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding');
      expect(pdf).not.toContain('FontFile2');
      expect(pdf).not.toContain('Type0');
    }
  });

  it('read back with their accents, dashes and quotes', async () => {
    const text = (await extractPdfText(notice(LATIN_SAMPLE))).join('\n');
    expect(text).toContain('Müller & Söhne GmbH');
    expect(text).toContain('Königstraße 12');
    expect(text).toContain('“Please”');
    expect(text).not.toContain('?');
  });
});

function installed(name: string, versionFlag: string): boolean {
  return spawnSync(name, [versionFlag], { stdio: 'ignore' }).status === 0;
}
const hasQpdf = installed('qpdf', '--version');
const hasPoppler = installed('pdffonts', '-v') && installed('pdftotext', '-v');

describe('structure, checked by other PDF tools when installed', () => {
  const documents = () => [
    { name: 'latin-notice', pdf: notice(LATIN_SAMPLE) },
    ...NON_LATIN.flatMap(([script, sample]) => [
      { name: `${script}-notice`, pdf: notice(sample) },
      { name: `${script}-statement`, pdf: statement(sample) },
    ]),
  ];
  const withFiles = (check: (path: string, pdf: Buffer) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'arbor-pdf-'));
    try {
      for (const { name, pdf } of documents()) {
        const path = join(dir, `${name.replace(/\W+/g, '-')}.pdf`);
        writeFileSync(path, pdf);
        check(path, pdf);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it.skipIf(!hasQpdf)(
    `qpdf --check finds no errors${hasQpdf ? '' : ' (skipped: qpdf is not installed)'}`,
    () => {
      withFiles((path) => {
        const r = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
        expect(r.stdout + r.stderr, path).toContain('No syntax or stream encoding errors found');
        expect(r.status, r.stdout + r.stderr).toBe(0);
      });
    },
  );

  it.skipIf(!hasPoppler)(
    `poppler sees embedded subset CID TrueType fonts with ToUnicode, and extracts the names${hasPoppler ? '' : ' (skipped: pdffonts/pdftotext are not installed)'}`,
    () => {
      withFiles((path, pdf) => {
        const fonts = spawnSync('pdffonts', [path], { encoding: 'utf8' });
        expect(fonts.status, fonts.stderr).toBe(0);
        if (basename(path).startsWith('latin')) {
          expect(fonts.stdout).toMatch(/Helvetica\s+Type 1\s+WinAnsi\s+no\s+no\s+no/);
          return;
        }
        const rows = fonts.stdout.split('\n').filter((l) => l.includes('DejaVuSans'));
        expect(rows).toHaveLength(2);
        for (const row of rows) expect(row).toMatch(/CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
        const text = spawnSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
        expect(text.status, text.stderr).toBe(0);
        const sample = NON_LATIN.find(([script]) => path.includes(script.replace(/\W+/g, '-')))?.[1];
        expect(text.stdout).toContain(sample?.name ?? 'no sample');
        expect(pdf.length).toBeGreaterThan(0);
      });
    },
  );
});
