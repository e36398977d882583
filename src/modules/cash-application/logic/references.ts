/**
 * Document references as payers write them, reduced to keys that compare equal when they mean the
 * same document. Payers drop prefixes (`1043` for `INV-001043`), add their own (`Invoice #1043`),
 * change separators (`INV 1043`, `INV/1043`), drop leading zeros, and bank OCR and re-keying confuse
 * letters with digits (`1O43`, `1S00`). Two keys per reference:
 *
 * - `full`: the letters before the first digit, then the rest with OCR confusions mapped to digits
 *   and separators and leading zeros removed (`INV-001043` → `INV1043`);
 * - `core`: the digits alone (`1043`), when there are at least 3 of them; a look-up by core counts
 *   only when it is unique among the documents considered.
 */
export interface ReferenceKeys {
  full: string;
  core: string | null;
}

// After the first digit, letters that OCR and keying confuse with digits.
const OCR: Record<string, string> = {
  O: '0',
  Q: '0',
  D: '0',
  I: '1',
  L: '1',
  S: '5',
  B: '8',
  Z: '2',
  G: '6',
};

export function referenceKeys(text: string): ReferenceKeys | null {
  const s = text.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const first = s.search(/[0-9]/);
  if (first < 0) return null;
  const prefix = s.slice(0, first);
  let rest = '';
  for (let i = first; i < s.length; i++) {
    const c = s[i] as string;
    rest += c >= '0' && c <= '9' ? c : (OCR[c] ?? c);
  }
  // Letters that are not confusions stay; a suffix like `1043A` is part of the number.
  const digits = rest.replace(/^0+(?=\d)/, '');
  const full = `${prefix}${digits}`;
  const onlyDigits = /^\d+$/.test(digits) ? digits : null;
  return { full, core: onlyDigits !== null && onlyDigits.length >= 3 ? onlyDigits : null };
}

const AMOUNT = /(?<![\w.])-?\d{1,3}(?:[,.' ]\d{3})*[.,]\d{2}(?![\w.])/g;
const DATE = /\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g;
const SEPARATORS = /[\s,;|()[\]{}<>:#"'*+=]+/;
const PREFIX_WORD = /^[A-Z]{1,6}\.?$/;

/**
 * Candidate references in free text (memo, remittance text, addenda): tokens with at least one digit,
 * and a short word followed by a number joined to it (`INV 1043` → `INV1043`). Amounts and dates are
 * removed first so that `1,234.56` or `2026-11-02` do not pose as document numbers.
 */
export function extractReferences(text: string | null | undefined): string[] {
  if (!text) return [];
  const cleaned = text.toUpperCase().replace(AMOUNT, ' ').replace(DATE, ' ');
  const tokens = cleaned.split(SEPARATORS).filter((t) => t !== '');
  const out = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    const hasDigit = /\d/.test(t);
    if (hasDigit && t.replace(/[^A-Z0-9]/g, '').length >= 3) out.add(t);
    const next = tokens[i + 1];
    if (!hasDigit && PREFIX_WORD.test(t) && next !== undefined && /^\d/.test(next)) out.add(`${t}${next}`);
    // `INV-1043/1044`: several numbers after one prefix.
    if (t.includes('/') || t.includes('-')) {
      for (const part of t.split(/[/-]/)) if (/\d{3,}/.test(part)) out.add(part);
    }
  }
  return [...out];
}

/** Damerau-Levenshtein distance (optimal string alignment), stopping early beyond `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m] as number;
}
