/**
 * Formats a number as JavaScript's shortest round-trip decimal (`String(n)`), but never in
 * exponent notation: 1e21 → "1000000000000000000000", 1.5e-7 → "0.00000015". A spreadsheet's
 * numbers are doubles, so this is the most exact text a cell can give; money parsers downstream
 * then see the digits the user typed (0.1 + 0.2 stays "0.30000000000000004", not a rounded "0.3").
 * Not finite values have no decimal form: they return "#ERROR".
 */
export function formatPlainNumber(n: number): string {
  if (!Number.isFinite(n)) return '#ERROR';
  if (n === 0) return '0'; // also -0
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;

  const negative = s.charCodeAt(0) === 45; // '-'
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // Position of the decimal point relative to the start of `digits`.
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  let body: string;
  if (point <= 0) body = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) body = digits + '0'.repeat(point - digits.length);
  else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${body}` : body;
}
