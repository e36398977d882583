/** The spreadsheet letter of a 1-based column number: 1 → A, 26 → Z, 27 → AA. */
export function columnLetter(column: number): string {
  let n = column;
  let letters = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    letters = String.fromCharCode(65 + r) + letters;
    n = (n - 1 - r) / 26;
  }
  return letters;
}
