import { type CurrencyCode, minorUnits, parseCurrency } from './currency.ts';
import { coreError } from './errors.ts';
import { divideRounded, type RoundingMode } from './rounding.ts';

export type { CurrencyCode } from './currency.ts';

/**
 * Money is an integer count of the currency's minor units (cents, yen, fils). Never a float, not even
 * for a moment: files carry decimal strings, PostgreSQL carries `bigint`, JavaScript carries `bigint`.
 */
export interface Money {
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
}

export function money(amountMinor: bigint, currency: CurrencyCode | string): Money {
  return { amountMinor, currency: typeof currency === 'string' ? parseCurrency(currency) : currency };
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string in major units (`"1234.56"`, `"-5"`, `"0.5"`) into minor units. Refuses
 * thousands separators, exponents, a comma as decimal mark, and more decimals than the currency has
 * (ISO 4217: JPY 0, USD 2, KWD 3) — a value that cannot be represented exactly is an input error,
 * never silently rounded.
 */
export function parseAmount(text: string, currency: CurrencyCode): bigint {
  const s = text.trim();
  const m = DECIMAL.exec(s);
  if (!m) {
    throw coreError(
      'core.invalid_amount',
      `"${text}" is not an amount: use digits with "." as decimal separator and no thousands separators`,
    );
  }
  const exponent = minorUnits(currency);
  const fraction = m[3] ?? '';
  if (fraction.length > exponent) {
    throw coreError(
      'core.invalid_amount',
      exponent === 0
        ? `"${text}" has decimals, but ${currency} has no minor unit`
        : `"${text}" has more than ${exponent} decimal places for ${currency}`,
    );
  }
  const digits = (m[2] ?? '0') + fraction.padEnd(exponent, '0');
  const value = BigInt(digits);
  return m[1] ? -value : value;
}

/** Formats minor units as a plain decimal string in major units: `123456n, USD` → `"1234.56"`. */
export function formatAmount(amountMinor: bigint, currency: CurrencyCode): string {
  const exponent = minorUnits(currency);
  const negative = amountMinor < 0n;
  const digits = (negative ? -amountMinor : amountMinor).toString();
  if (exponent === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(exponent + 1, '0');
  const whole = padded.slice(0, padded.length - exponent);
  const fraction = padded.slice(padded.length - exponent);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Formats for people: thousands separators and the currency code (`1,234.56 USD`). */
export function formatMoneyForDisplay(amountMinor: bigint, currency: CurrencyCode): string {
  const plain = formatAmount(amountMinor, currency);
  const [whole = '', fraction] = plain.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const grouped = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amountMinor: a.amountMinor + b.amountMinor, currency: a.currency };
}

export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return { amountMinor: a.amountMinor - b.amountMinor, currency: a.currency };
}

export function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw coreError('core.currency_mismatch', `cannot combine ${a.currency} and ${b.currency} amounts`);
  }
}

/**
 * Splits `total` in proportion to `weights` by the largest-remainder (Hamilton) method: each part gets
 * the floor of its exact share, and the units left over go one each to the parts with the largest
 * fractional remainders (ties to the earlier part). The parts always sum to `total` exactly, and each
 * part is within one unit of its exact share. A negative total is split as its absolute value, negated.
 */
export function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
  if (weights.length === 0) throw new RangeError('allocate needs at least one weight');
  if (weights.some((w) => w < 0n)) throw new RangeError('allocation weights must not be negative');
  if (total < 0n) return allocate(-total, weights).map((p) => -p);
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    // No basis to weigh by: split as evenly as possible.
    return allocate(
      total,
      weights.map(() => 1n),
    );
  }
  const parts = weights.map((w) => (total * w) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (total * w) % sum }));
  let left = total - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; left > 0n; k++, left--) {
    const target = remainders[k % remainders.length];
    if (target) parts[target.i] = (parts[target.i] ?? 0n) + 1n;
  }
  return parts;
}

/**
 * A rate (discount percentage, loss rate, FX rate) as an exact decimal: `units / 10^scale`. Rates are
 * their own type so that a rate is never mistaken for an amount, and applying one names its rounding.
 */
export interface Rate {
  readonly units: bigint;
  readonly scale: number;
}

const RATE = /^(-)?(\d+)(?:\.(\d+))?$/;

export function parseRate(text: string): Rate {
  const m = RATE.exec(text.trim());
  if (!m) throw coreError('core.invalid_rate', `"${text}" is not a decimal rate`);
  const fraction = m[3] ?? '';
  const units = BigInt((m[2] ?? '0') + fraction);
  return { units: m[1] ? -units : units, scale: fraction.length };
}

/** `percent` is a decimal string such as `"2"` or `"1.5"`: the rate is percent / 100. */
export function percentRate(percent: string): Rate {
  const r = parseRate(percent);
  return { units: r.units, scale: r.scale + 2 };
}

export function formatRate(rate: Rate): string {
  const negative = rate.units < 0n;
  const digits = (negative ? -rate.units : rate.units).toString().padStart(rate.scale + 1, '0');
  const whole = digits.slice(0, digits.length - rate.scale);
  const fraction = digits.slice(digits.length - rate.scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** `amountMinor × rate`, rounded to a whole minor unit by `mode`. */
export function applyRate(amountMinor: bigint, rate: Rate, mode: RoundingMode): bigint {
  return divideRounded(amountMinor * rate.units, 10n ** BigInt(rate.scale), mode);
}
