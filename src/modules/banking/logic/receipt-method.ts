import type { BankFileFormat, StatementEntry } from '../../bank-files/index.ts';

export type ReceiptMethod = 'ach' | 'wire' | 'sepa' | 'check' | 'card' | 'lockbox' | 'other';

/**
 * How the money came, from the file's format and the transaction's type code and text. The method
 * matters downstream: a short incoming wire may be a bank fee (spec section 6), a check can bounce.
 *
 * BAI2 detail codes (BAI "Cash Management Balance Reporting Specifications", version 2): 165-169 and
 * 171-175 ACH credits, 195-199 and 206-208 incoming wires / Fedwire / CHIPS / book transfers, 301
 * commercial deposit, 115 lockbox deposit. camt bank transaction codes (ISO 20022 external code set):
 * domain PMNT, family RCDT (received credit transfers; sub-family ESCT SEPA, DMCT domestic, XBCT
 * cross-border), RCHQ (received cheques), RDDT/ICDT for direct debits; CCRD cards. MT940 `:61:`
 * transaction types: N166 SEPA credit transfers (German banks), NCHK cheques, NTRF/FTRF transfers.
 */
export function receiptMethodOf(format: BankFileFormat, entry: StatementEntry): ReceiptMethod {
  if (format === 'lockbox') return 'lockbox';
  if (format === 'nacha') return 'ach';
  const code = (entry.type_code ?? '').toUpperCase();
  if (format === 'bai2') {
    const n = Number(code);
    if (n === 115) return 'lockbox';
    if ((n >= 165 && n <= 169) || (n >= 171 && n <= 175) || n === 142 || n === 143) return 'ach';
    if ((n >= 195 && n <= 199) || (n >= 206 && n <= 208) || n === 191) return 'wire';
    if (n === 301 || n === 302 || (n >= 201 && n <= 205 && entry.check_number !== null)) return 'check';
  }
  if (format.startsWith('camt')) {
    // Domain/family/sub-family, e.g. PMNT/RCDT/ESCT. ACDT is an ACH credit; ESCT a SEPA credit
    // transfer; XBCT, DMCT, VCOM and SDVA are wires (cross-border, domestic, high value).
    if (/\bRCHQ\b|\/CHQ|\bCHK\b|\/(?:CCHQ|BCHQ|CDFT)\b/.test(code)) return 'check';
    if (/\/ACDT\b|\bACH\b/.test(code)) return 'ach';
    if (/\/ESCT\b|\bSEPA/.test(code)) return 'sepa';
    if (/\bCCRD\b/.test(code)) return 'card';
    if (/\/(?:XBCT|DMCT|VCOM|SDVA|FICT)\b/.test(code)) return 'wire';
  }
  if (format === 'mt940' || format === 'mt942') {
    if (/^NCHK|^FCHK|^SCHK/.test(code)) return 'check';
    if (/^N1(5[2-9]|6\d|7\d)|SEPA/.test(code)) return 'sepa';
    if (/^[NFS]TRF/.test(code)) return 'wire';
  }
  if (entry.check_number !== null) return 'check';
  const text = `${entry.remittance_text ?? ''} ${code}`.toUpperCase();
  if (/\bACH\b|\bCCD\b|\bCTX\b|\bPPD\b/.test(text)) return 'ach';
  if (/\bWIRE\b|\bFEDWIRE\b|\bSWIFT\b|\bCHIPS\b/.test(text)) return 'wire';
  if (/\bSEPA\b/.test(text)) return 'sepa';
  return 'other';
}
