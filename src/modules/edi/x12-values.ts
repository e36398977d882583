import { isCurrencyCode, minorUnits } from '../../core/currency.ts';
import { isLocalDate } from '../../core/local-date.ts';
import { decimalFromMinor, unreadable } from '../bank-files/index.ts';

/**
 * Reading X12 element values: decimals (data element type R), dates (type DT, CCYYMMDD) and sums of
 * decimals for the control checks. Money never passes through a float: amounts stay decimal strings
 * and sums are bigints at the largest scale seen.
 */

/** The exponent the amounts of `currency` are written with (null: unknown, as written but >= 2). */
let lastCurrency: string | null = null;
let lastExponent: number | null = null;
function exponentFor(currency: string | null): number | null {
  if (currency !== lastCurrency) {
    lastCurrency = currency;
    lastExponent = currency !== null && isCurrencyCode(currency) ? minorUnits(currency) : null;
  }
  return lastExponent;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * An X12 decimal (X12.6 data element type R: an optional sign, digits, at most one decimal point, at
 * least one digit) as the canonical decimal string of `currency`, or null when it is not one, or has
 * more places than the currency allows. The result is exactly `normalizeDecimal`'s (a property test
 * holds them together); this reads the characters once, as the parsers do it for every amount, and
 * refuses what is not X12 (`1,000.00`, `1e3`), which `normalizeDecimal` would read for MT940.
 */
export function x12Amount(text: string, currency: string | null): string | null {
  const t = text.trim();
  const n = t.length;
  let i = 0;
  const first = t.charCodeAt(0);
  const negative = first === 45; /* - */
  if (negative || first === 43 /* + */) i = 1;
  const wholeStart = i;
  while (i < n && isDigit(t.charCodeAt(i))) i++;
  const wholeEnd = i;
  let fractionStart = i;
  let fractionEnd = i;
  if (i < n && t.charCodeAt(i) === 46 /* . */) {
    fractionStart = ++i;
    while (i < n && isDigit(t.charCodeAt(i))) i++;
    fractionEnd = i;
  }
  if (i !== n || (wholeEnd === wholeStart && fractionEnd === fractionStart)) return null;
  let w = wholeStart;
  while (w < wholeEnd - 1 && t.charCodeAt(w) === 48) w++;
  const whole = w < wholeEnd ? t.slice(w, wholeEnd) : '0';
  // Significant places: trailing zeros of the fraction do not count.
  let significant = fractionEnd;
  while (significant > fractionStart && t.charCodeAt(significant - 1) === 48) significant--;
  const exponent = exponentFor(currency) ?? Math.max(2, significant - fractionStart);
  if (significant - fractionStart > exponent) return null;
  const written = fractionEnd - fractionStart;
  const fraction =
    written >= exponent
      ? t.slice(fractionStart, fractionStart + exponent)
      : t.slice(fractionStart, fractionEnd) + '0'.repeat(exponent - written);
  // Digits beyond the exponent are zeros (checked above), so the fraction is zero when none is significant.
  const zero = whole === '0' && significant === fractionStart;
  return `${negative && !zero ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

/**
 * A required amount: missing or not a decimal makes the file unreadable (money is never guessed).
 * `element` names it in the message, `CLP04 (claim payment amount)`.
 */
export function requiredAmount(
  text: string | undefined,
  currency: string | null,
  fileName: string,
  line: number,
  element: string,
): string {
  const amount = x12Amount(text ?? '', currency);
  if (amount !== null) return amount;
  const t = (text ?? '').trim();
  if (t === '') throw unreadable(fileName, line, `${element} is missing`);
  const reason =
    x12Amount(t, null) === null ? 'is not an amount' : `has more decimal places than ${currency} allows`;
  throw unreadable(fileName, line, `${element} '${t}' ${reason}`);
}

/** An optional amount: empty is null; present but not a decimal makes the file unreadable. */
export function optionalAmount(
  text: string | undefined,
  currency: string | null,
  fileName: string,
  line: number,
  element: string,
): string | null {
  if (text === undefined || text === '' || text.trim() === '') return null;
  return requiredAmount(text, currency, fileName, line, element);
}

/** An X12 date (CCYYMMDD) as `YYYY-MM-DD`, or null when it is not a valid calendar date. */
export function x12Date(text: string | undefined): string | null {
  const t = (text ?? '').trim();
  if (t.length !== 8) return null;
  const date = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
  return isLocalDate(date) ? date : null;
}

/** The negation of a canonical decimal string (`"-0.00"` never appears). */
export function negateDecimal(amount: string): string {
  if (amount.startsWith('-')) return amount.slice(1);
  return /^[0.]*$/.test(amount) ? amount : `-${amount}`;
}

/** Whether a canonical decimal string is below zero. */
export function isNegative(amount: string): boolean {
  return amount.startsWith('-') && /[1-9]/.test(amount);
}

/**
 * A running sum of canonical decimal strings, exact at the largest number of places seen (X12
 * decimals may carry more places than the currency when no currency is stated). Minor units are
 * summed as a JavaScript integer while they stay below 2^53 (every real remittance), exactly as
 * integers, and as a bigint beyond: the result is exact either way.
 */
export class DecimalSum {
  private small = 0;
  private big = 0n;
  /** Places of the minor units; two to start with, as almost every amount has. */
  private scale = 2;

  add(amount: string): this {
    return this.accumulate(amount, false);
  }

  subtract(amount: string): this {
    return this.accumulate(amount, true);
  }

  private accumulate(amount: string, minus: boolean): this {
    const signed = amount.charCodeAt(0) === 45; /* - */
    const start = signed ? 1 : 0;
    const point = amount.indexOf('.', start);
    const places = point < 0 ? 0 : amount.length - point - 1;
    if (places > this.scale) this.rescale(places);
    const digits = point < 0 ? amount.slice(start) : amount.slice(start, point) + amount.slice(point + 1);
    const shift = this.scale - places;
    let value = digits.length <= 15 && shift <= 15 ? Number(digits) * 10 ** shift : Number.NaN;
    if (signed !== minus) value = -value;
    const next = this.small + value;
    if (Number.isSafeInteger(value) && Number.isSafeInteger(next)) {
      this.small = next;
    } else {
      const big = BigInt(digits) * 10n ** BigInt(shift);
      this.big += signed !== minus ? -big : big;
    }
    return this;
  }

  private rescale(places: number): void {
    const factor = places - this.scale;
    this.big *= 10n ** BigInt(factor);
    const small = this.small * 10 ** factor;
    if (Number.isSafeInteger(small)) this.small = small;
    else {
      this.big += BigInt(this.small) * 10n ** BigInt(factor);
      this.small = 0;
    }
    this.scale = places;
  }

  /** The sum in minor units at `scale` places (at least this sum's own). */
  private minorAt(scale: number): bigint {
    return (this.big + BigInt(this.small)) * 10n ** BigInt(scale - this.scale);
  }

  isZero(): boolean {
    return this.small === 0 ? this.big === 0n : this.big + BigInt(this.small) === 0n;
  }

  /** Whether two sums are the same amount, compared at the larger of their scales. */
  equals(other: DecimalSum): boolean {
    const scale = Math.max(this.scale, other.scale);
    return this.minorAt(scale) === other.minorAt(scale);
  }

  /** The sum with at least two places, as the parsers write amounts. */
  toString(places = 2): string {
    const scale = Math.max(places, this.scale);
    return decimalFromMinor(this.minorAt(scale), scale);
  }
}
