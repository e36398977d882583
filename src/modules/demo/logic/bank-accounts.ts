import type { Prng } from './prng.ts';

/**
 * Plausible (checksum-valid, but invented) bank account identifiers in the forms that customers' and
 * parties' `bank_accounts` use (spec 2.1, 2.2, 4): `ROUTING:ACCOUNT` for US and Canadian accounts,
 * an IBAN otherwise.
 */

/**
 * An ABA routing transit number: 9 digits whose weighted sum 3-7-1 is a multiple of 10 (the check
 * digit rule of the ABA). The first two digits are a Federal Reserve district prefix (01-12).
 */
export function makeAbaRoutingNumber(rng: Prng): string {
  const district = rng.int(1, 12);
  const digits = [Math.floor(district / 10), district % 10];
  for (let i = 2; i < 8; i++) digits.push(rng.int(0, 9));
  digits.push(abaCheckDigit(digits));
  return digits.join('');
}

/** The ninth digit for eight leading digits (weights 3, 7, 1 repeating). */
export function abaCheckDigit(first8: readonly number[]): number {
  const weights = [3, 7, 1, 3, 7, 1, 3, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (first8[i] ?? 0) * (weights[i] ?? 0);
  return (10 - (sum % 10)) % 10;
}

export function isValidAbaRoutingNumber(routing: string): boolean {
  if (!/^\d{9}$/.test(routing)) return false;
  const d = [...routing].map(Number);
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  return d.reduce((sum, x, i) => sum + x * (weights[i] ?? 0), 0) % 10 === 0;
}

/** A US account `routing:account` at one of the given banks' routing numbers. */
export function makeUsAccount(rng: Prng, routing: string): string {
  return `${routing}:${rng.int(1, 9)}${rng.digits(rng.int(7, 11))}`;
}

/**
 * Canadian institutions (Payments Canada institution numbers) for the electronic routing number
 * `0IIITTTTT`: a leading 0, the 3-digit institution number and the 5-digit branch transit number.
 */
const CANADIAN_INSTITUTIONS = ['001', '002', '003', '004', '006', '010', '815'] as const;

export function makeCanadianAccount(rng: Prng): string {
  return `0${rng.pick(CANADIAN_INSTITUTIONS)}${rng.digits(5)}:${rng.int(1, 9)}${rng.digits(6)}`;
}

/** ISO 13616 check digits: 98 − (BBAN + country + "00", letters as 10..35) mod 97. */
export function ibanCheckDigits(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`;
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 && code <= 90 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return String(98 - remainder).padStart(2, '0');
}

export function isValidIban(iban: string): boolean {
  const s = iban.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return false;
  return ibanCheckDigits(s.slice(0, 2), s.slice(4)) === s.slice(2, 4);
}

const GB_BANKS = ['NWBK', 'BARC', 'HBUK', 'LOYD', 'MIDL'] as const;
const NL_BANKS = ['ABNA', 'INGB', 'RABO'] as const;

/** An IBAN in GB, DE or NL form, as a European group treasury would pay from. */
export function makeIban(rng: Prng): string {
  const country = rng.pick(['GB', 'DE', 'NL'] as const);
  let bban: string;
  if (country === 'GB') bban = `${rng.pick(GB_BANKS)}${rng.digits(6)}${rng.digits(8)}`;
  else if (country === 'DE') bban = `${rng.int(1, 8)}${rng.digits(7)}${rng.digits(10)}`;
  else bban = `${rng.pick(NL_BANKS)}0${rng.digits(9)}`;
  return `${country}${ibanCheckDigits(country, bban)}${bban}`;
}
