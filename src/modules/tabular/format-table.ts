export interface TextTableColumn {
  name: string;
  /** Default `left`; amounts read best right-aligned. */
  align?: 'left' | 'right';
}

const GAP = '  ';

/**
 * A plain-text table for a terminal: the header, a rule, the rows, and optionally a rule and a
 * footer row (totals). Columns are as wide as their widest cell, measured in terminal cells (East
 * Asian wide characters count two, combining marks none). Line breaks and tabs inside a cell become
 * spaces so that a row stays on one line. Each line ends with "\n" and has no trailing spaces.
 */
export function formatTextTable(
  columns: readonly TextTableColumn[],
  rows: readonly (readonly string[])[],
  options: { footer?: readonly string[] } = {},
): string {
  if (columns.length === 0) return '';
  const clean = (cells: readonly string[]) => columns.map((_, i) => oneLine(cells[i] ?? ''));
  const header = columns.map((c) => oneLine(c.name));
  const body = rows.map(clean);
  const footer = options.footer === undefined ? undefined : clean(options.footer);

  const widths = header.map(displayWidth);
  for (const cells of footer === undefined ? body : [...body, footer]) {
    cells.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell));
    });
  }

  const render = (cells: readonly string[]) =>
    cells
      .map((cell, i) => pad(cell, widths[i] ?? 0, columns[i]?.align ?? 'left'))
      .join(GAP)
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join(GAP);

  const lines = [render(header), rule, ...body.map(render)];
  if (footer !== undefined) lines.push(rule, render(footer));
  return `${lines.join('\n')}\n`;
}

function pad(cell: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(cell)));
  return align === 'right' ? fill + cell : cell + fill;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it replaces
const CONTROL = /[\u0000-\u001f\u007f]/g;

function oneLine(cell: string): string {
  return cell.replace(/\r\n/g, ' ').replace(CONTROL, ' ');
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const WIDE =
  /^(?:[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]|\p{Extended_Pictographic})$/u;

/** The number of terminal cells `s` takes (an approximation of Unicode East Asian Width). */
export function displayWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  let width = 0;
  for (const ch of s) {
    if (ZERO_WIDTH.test(ch)) continue;
    width += WIDE.test(ch) ? 2 : 1;
  }
  return width;
}
