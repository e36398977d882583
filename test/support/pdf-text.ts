import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * The text of a PDF as a reader extracts it (Mozilla's pdf.js): one string per page, the text runs
 * of each line joined by single spaces and lines by newlines. Tests assert on what a person would read,
 * not on how the writer laid it out.
 */
export async function extractPdfText(bytes: Uint8Array): Promise<string[]> {
  const doc = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  try {
    const pages: string[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const lines = new Map<number, { x: number; s: string }[]>();
      for (const item of content.items) {
        if (!('str' in item) || item.str === '') continue;
        const y = Math.round(item.transform[5] as number);
        const runs = lines.get(y) ?? [];
        runs.push({ x: item.transform[4] as number, s: item.str });
        lines.set(y, runs);
      }
      pages.push(
        [...lines.entries()]
          .sort((a, b) => b[0] - a[0])
          .map(([, runs]) =>
            runs
              .sort((a, b) => a.x - b.x)
              .map((r) => r.s.trim())
              .filter((s) => s !== '')
              .join(' ')
              .replace(/\s+/g, ' '),
          )
          .join('\n'),
      );
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

export interface PdfTextRun {
  readonly str: string;
  /** Left edge and baseline, in PDF points from the bottom-left corner. */
  readonly x: number;
  readonly y: number;
  /** Advance width of the run as the reader computes it from the font's widths. */
  readonly width: number;
  readonly fontName: string;
}

/** The text runs of each page with their positions and widths (for layout assertions). */
export async function extractPdfTextRuns(bytes: Uint8Array): Promise<PdfTextRun[][]> {
  const doc = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  try {
    const pages: PdfTextRun[][] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const content = await (await doc.getPage(p)).getTextContent();
      const runs: PdfTextRun[] = [];
      for (const item of content.items) {
        if (!('str' in item) || item.str === '') continue;
        runs.push({
          str: item.str,
          x: item.transform[4] as number,
          y: item.transform[5] as number,
          width: item.width,
          fontName: item.fontName,
        });
      }
      pages.push(runs);
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}
