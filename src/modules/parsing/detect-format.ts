import type { BankFileFormat } from '../bank-files/index.ts';

/**
 * The format of a bank or remittance file from its first characters (spec section 1: "format detected
 * from content"). Returns the family the parser is chosen by; the parser then names the exact format
 * (camt.052/053/054, MT940/MT942, X12 820/835). `null` when nothing matches: a CSV export needs a
 * column mapping, and anything else is not a format Arbor reads.
 */
export type DetectedFamily = 'bai2' | 'camt' | 'mt940' | 'nacha' | 'x12' | 'lockbox' | 'ofx';

export function detectFormat(head: string): DetectedFamily | null {
  let text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  text = text.replace(/^\s+/, '');
  // OFX 1.x starts with SGML header lines; OFX 2.x is XML with an OFX processing instruction or root.
  if (/^OFXHEADER\s*:/i.test(text) || /<\?OFX\s/i.test(text.slice(0, 2000))) return 'ofx';
  if (text.startsWith('<')) {
    const start = text.slice(0, 8000);
    if (/<(?:\w+:)?OFX[\s>]/i.test(start)) return 'ofx';
    if (/camt\.05[234]|<(?:\w+:)?(?:BkToCstmrStmt|BkToCstmrAcctRpt|BkToCstmrDbtCdtNtfctn)\b/.test(start))
      return 'camt';
    return null;
  }
  // X12 interchange (ISA, 106 characters with its own delimiters) or a bare transaction set (ST).
  if (/^ISA.{2}/.test(text) || /^ST[*|~^:]8(?:20|35)\b/.test(text) || /^GS[*|]/.test(text)) return 'x12';
  // BAI2: a file header record `01,sender,receiver,...`.
  if (/^01,/.test(text)) return 'bai2';
  // SWIFT: an envelope `{1:` or the tags of a statement message.
  if (text.startsWith('{1:') || /^:20:/m.test(text.slice(0, 4000))) {
    if (/^:(?:20|25|28C?|60[FM]|61|62[FM]):/m.test(text.slice(0, 8000))) return 'mt940';
  }
  // NACHA: a file header record of 94 characters: `1`, priority code, ..., record size `094` at
  // positions 35-37, blocking factor `10`, format code `1`.
  if (text.startsWith('1') && text.slice(34, 39) === '09410') return 'nacha';
  // A NACHA file that starts at a batch header (some return files): `5`, a service class code, and
  // a standard entry class code at positions 51-53.
  if (/^5(?:200|220|225|280)/.test(text) && /^[A-Z]{3}$/.test(text.slice(50, 53))) return 'nacha';
  // BAI lockbox: header record `1`, then a service record `2` and lockbox records `5`/`6`.
  if (/^1\d\d/.test(text) && /\r?\n[25]/.test(text.slice(0, 1000))) return 'lockbox';
  return null;
}

/** The format a family reports before its parser refines it. */
export function defaultFormatOf(family: DetectedFamily | 'csv'): BankFileFormat {
  switch (family) {
    case 'camt':
      return 'camt.053';
    case 'x12':
      return 'x12-820';
    default:
      return family;
  }
}
