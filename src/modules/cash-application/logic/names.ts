/**
 * Payer names as banks carry them (`ACME HEALTH PLAN INC`, `Acme Health Plan, Inc.`, truncated to
 * 22 characters in ACH) reduced to comparable tokens: upper case, accents and punctuation removed,
 * legal-form words dropped.
 */
const LEGAL = new Set([
  'INC',
  'INCORPORATED',
  'LLC',
  'LLP',
  'LP',
  'LTD',
  'LIMITED',
  'CORP',
  'CORPORATION',
  'CO',
  'COMPANY',
  'PLC',
  'GMBH',
  'AG',
  'SA',
  'SAS',
  'SARL',
  'BV',
  'NV',
  'PC',
  'PA',
  'THE',
  'OF',
  'AND',
  '&',
]);

export function nameTokens(name: string | null | undefined): string[] {
  if (!name) return [];
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter((t) => t !== '' && !LEGAL.has(t));
}

export function nameKey(name: string | null | undefined): string {
  return nameTokens(name).join(' ');
}

/**
 * How alike two names are, 0 to 1: the share of the shorter name's tokens found in the longer one,
 * a token matching when equal or when one is a prefix of the other of at least 4 characters (a bank
 * truncates `PHARMACEUTICALS` to `PHARMAC`).
 */
export function nameSimilarity(a: string | null | undefined, b: string | null | undefined): number {
  return tokenSimilarity(nameTokens(a), nameTokens(b));
}

/** nameSimilarity on names already reduced to tokens (callers that compare one name with many). */
export function tokenSimilarity(ta: readonly string[], tb: readonly string[]): number {
  if (ta.length === 0 || tb.length === 0) return 0;
  const [short, long] = ta.length <= tb.length ? [ta, tb] : [tb, ta];
  const pool = [...long];
  let hits = 0;
  for (const t of short) {
    const i = pool.findIndex(
      (u) => u === t || (Math.min(t.length, u.length) >= 4 && (u.startsWith(t) || t.startsWith(u))),
    );
    if (i >= 0) {
      hits++;
      pool.splice(i, 1);
    }
  }
  return hits / short.length;
}
