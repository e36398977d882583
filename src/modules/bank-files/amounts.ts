import { isCurrencyCode, minorUnits } from '../../core/currency.ts';

/**
 * Amount helpers shared by the parsers. Every amount leaves a parser as a canonical decimal string:
 * optional `-`, digits without leading zeros (but at least one), and a fraction of exactly the
 * currency's minor digits when the currency is known (ISO 4217), else the digits as written with
 * trailing zeros kept to at least two places.
 */

/** Minor units (as written in BAI2, NACHA, lockbox) to a decimal string: `12345, 2` → `"123.45"`. */
export function decimalFromMinor(minor: bigint, exponent: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString();
  if (exponent === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** The currency's exponent, or 2 when the currency is absent or unknown. */
export function exponentOf(currency: string | null | undefined): number {
  if (currency && isCurrencyCode(currency)) return minorUnits(currency);
  return 2;
}

const DECIMAL = /^([+-])?(\d*)(?:[.,](\d*))?$/;

/**
 * Normalizes a decimal as a file writes it (`"1234.5"`, `"1234,50"` in MT940, `"-.5"`, `"+12"`) to the
 * canonical form for the currency. Returns null when the text is not a decimal number, or when it has
 * more decimals than the currency allows and they are not all zeros.
 */
export function normalizeDecimal(text: string, currency: string | null | undefined): string | null {
  const m = DECIMAL.exec(text.trim());
  if (m === null) return null;
  const whole = m[2] ?? '';
  let fraction = m[3] ?? '';
  if (whole === '' && fraction === '') return null;
  const known = currency != null && isCurrencyCode(currency);
  const exponent = known ? minorUnits(currency) : Math.max(2, fraction.replace(/0+$/, '').length);
  if (fraction.length > exponent) {
    if (/[^0]/.test(fraction.slice(exponent))) return null;
    fraction = fraction.slice(0, exponent);
  }
  const minor = BigInt((whole || '0') + fraction.padEnd(exponent, '0'));
  return decimalFromMinor(m[1] === '-' ? -minor : minor, exponent);
}

/** Minor units of a canonical decimal string (for sums and control totals). */
export function minorFromDecimal(text: string, exponent: number): bigint {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const minor = BigInt(whole + fraction.padEnd(exponent, '0').slice(0, exponent));
  return negative ? -minor : minor;
}
