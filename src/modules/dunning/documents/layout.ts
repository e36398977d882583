import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { formatAmount } from '../../../core/money.ts';
import type { DocumentLabels } from '../logic/labels.ts';
import {
  EmbeddedFonts,
  type FontSet,
  helveticaWidth,
  type PdfFont,
  StandardFonts,
} from './document-fonts.ts';
import { PAGE_HEIGHT, PAGE_WIDTH, PdfWriter, type TextOptions, wrapText } from './pdf-writer.ts';

export const MARGIN = 54;
const BOTTOM = PAGE_HEIGHT - 60;
export const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;

export interface Column {
  readonly heading: string;
  readonly width: number;
  readonly align?: 'left' | 'right';
}

/**
 * Money for people: thousands separators, the code when the document has several currencies. The
 * same text as core's formatMoneyForDisplay, without its regular expressions: a first dunning run
 * formats every open item of every account.
 */
export function money(amount: bigint, currency: CurrencyCode, withCode = false): string {
  const plain = formatAmount(amount, currency);
  const negative = plain.startsWith('-');
  const dot = plain.indexOf('.');
  const whole = plain.slice(negative ? 1 : 0, dot < 0 ? plain.length : dot);
  let grouped = '';
  for (let i = 0; i < whole.length; i++) {
    if (i > 0 && (whole.length - i) % 3 === 0) grouped += ',';
    grouped += whole[i];
  }
  const text = `${negative ? '-' : ''}${grouped}${dot < 0 ? '' : plain.slice(dot)}`;
  return withCode ? `${text} ${currency}` : text;
}

/** Cuts text to fit a width, ending in an ellipsis when cut; measured in the document's fonts. */
export function fitText(
  text: string,
  width: number,
  size: number,
  font: PdfFont = 'regular',
  fonts: Pick<FontSet, 'width'> = { width: helveticaWidth },
): string {
  if (fonts.width(text, font, size) <= width) return text;
  let cut = text.length;
  while (cut > 0 && fonts.width(`${text.slice(0, cut)}…`, font, size) > width) cut--;
  return `${text.slice(0, cut)}…`;
}

/**
 * Draws a document in Helvetica (WinAnsi, nothing embedded) and returns it; when its text has
 * characters WinAnsi cannot encode and DejaVu Sans can, draws it once more in embedded DejaVu Sans,
 * measured with those fonts' widths. `draw` must depend on nothing but its input (it may run twice).
 */
export function renderDocument(draw: (layout: DocumentLayout) => Buffer): Buffer {
  const standard = new StandardFonts();
  const bytes = draw(new DocumentLayout(standard));
  if (!standard.needsEmbedding()) return bytes;
  return draw(new DocumentLayout(new EmbeddedFonts()));
}

/**
 * A page of a letter or statement being written top to bottom: a cursor, page breaks that repeat a
 * table's headings, and the frame every document shares (sender, date, addressee, page numbers).
 */
export class DocumentLayout {
  readonly pdf: PdfWriter;
  readonly fonts: FontSet;
  y = MARGIN;
  #tableHeader: (() => void) | null = null;

  constructor(fonts: FontSet = new StandardFonts()) {
    this.fonts = fonts;
    this.pdf = new PdfWriter(fonts);
  }

  #fit(text: string, width: number, size: number, font: PdfFont = 'regular'): string {
    return fitText(text, width, size, font, this.fonts);
  }

  /** Starts a new page when `height` more points would not fit. */
  ensure(height: number): void {
    if (this.y + height <= BOTTOM) return;
    this.pdf.addPage();
    this.y = MARGIN + 10;
    this.#tableHeader?.();
  }

  text(x: number, text: string, options: TextOptions = {}): void {
    this.pdf.text(x, this.y, text, options);
  }

  /** Wrapped paragraph across the content width. */
  paragraph(text: string, options: { size?: number; font?: 'regular' | 'bold'; gap?: number } = {}): void {
    const size = options.size ?? 10;
    const font = options.font ?? 'regular';
    const leading = size * 1.3;
    for (const line of wrapText(text, CONTENT_WIDTH, font, size, this.fonts)) {
      this.ensure(leading);
      this.y += leading;
      this.pdf.text(MARGIN, this.y, line, { font, size });
    }
    this.y += options.gap ?? 6;
  }

  /** Sender, date and addressee at the top of the first page. */
  header(input: {
    company: string;
    dateLabel: string;
    date: LocalDate;
    addressee: readonly string[];
    accountLabel: string;
    accountNumber: string;
  }): void {
    this.pdf.text(MARGIN, this.y + 14, this.#fit(input.company, 330, 14, 'bold'), { font: 'bold', size: 14 });
    this.pdf.text(MARGIN, this.y + 14, `${input.dateLabel}: ${input.date}`, {
      size: 10,
      align: 'right',
      width: CONTENT_WIDTH,
    });
    this.y += 60;
    input.addressee.forEach((line, i) => {
      // Measured in the regular face even for the bold first line, as always: measuring it in bold
      // would change the bytes of existing Latin letters with long names; 300 of 504 points leaves room.
      this.pdf.text(MARGIN, this.y, this.#fit(line, 300, 11), {
        size: 11,
        font: i === 0 ? 'bold' : 'regular',
      });
      this.y += 14;
    });
    this.pdf.text(MARGIN, this.y, `${input.accountLabel}: ${input.accountNumber}`, { size: 10 });
    this.y += 24;
  }

  /** A table: headings (repeated after a page break), rows, a rule under the headings. */
  table(columns: readonly Column[], rows: readonly (readonly string[])[], size = 9): void {
    const leading = size * 1.45;
    const drawHeader = () => {
      let x = MARGIN;
      this.y += leading;
      for (const c of columns) {
        this.pdf.text(x, this.y, c.heading, {
          font: 'bold',
          size,
          align: c.align ?? 'left',
          width: c.width - 4,
        });
        x += c.width;
      }
      this.pdf.line(MARGIN, this.y + 4, MARGIN + CONTENT_WIDTH, this.y + 4);
      this.y += 4;
    };
    this.ensure(leading * 3);
    drawHeader();
    this.#tableHeader = drawHeader;
    for (const row of rows) {
      this.ensure(leading);
      this.y += leading;
      let x = MARGIN;
      columns.forEach((c, i) => {
        // Measured once: cut to fit if need be, then placed (right-aligned cells from their width).
        let cell = row[i] ?? '';
        let w = this.fonts.width(cell, 'regular', size);
        if (w > c.width - 6) {
          cell = this.#fit(cell, c.width - 6, size);
          w = this.fonts.width(cell, 'regular', size);
        }
        this.pdf.text(c.align === 'right' ? x + c.width - 4 - w : x, this.y, cell, { size });
        x += c.width;
      });
    }
    this.#tableHeader = null;
    this.y += 8;
  }

  /** A label and an amount on one line, the amount right-aligned (totals). */
  total(label: string, value: string, options: { bold?: boolean; size?: number } = {}): void {
    const size = options.size ?? 10;
    const font = options.bold ? 'bold' : 'regular';
    this.ensure(size * 1.5);
    this.y += size * 1.5;
    this.pdf.text(MARGIN + CONTENT_WIDTH - 300, this.y, label, { font, size });
    this.pdf.text(MARGIN, this.y, value, { font, size, align: 'right', width: CONTENT_WIDTH - 4 });
  }

  /** The aging summary: one row per currency under the bucket headings. */
  aging(
    labels: DocumentLabels,
    bucketHeadings: readonly string[],
    rows: readonly { currency: CurrencyCode; buckets: readonly bigint[] }[],
  ): void {
    if (rows.length === 0) return;
    this.ensure(60);
    this.y += 16;
    this.pdf.text(MARGIN, this.y, labels.agingSummary, { font: 'bold', size: 10 });
    const width = CONTENT_WIDTH / (bucketHeadings.length + 1);
    this.table(
      [
        { heading: '', width },
        ...bucketHeadings.map((h) => ({ heading: h, width, align: 'right' as const })),
      ],
      rows.map((r) => [r.currency, ...r.buckets.map((b) => money(b, r.currency))]),
    );
  }

  /** Page numbers and the account on every page; then the file. */
  finish(labels: DocumentLabels, accountNumber: string, title: string): Buffer {
    this.pdf.onEveryPage((page, total) => ({
      x: MARGIN,
      y: PAGE_HEIGHT - 30,
      text: `${accountNumber} · ${labels.page} ${page} ${labels.of} ${total}`,
      size: 8,
      align: 'right',
      width: CONTENT_WIDTH,
    }));
    return this.pdf.toBytes({ title });
  }
}
