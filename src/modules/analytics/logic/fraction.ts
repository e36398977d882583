/**
 * An exact ratio of two integers. KPIs are quotients of money amounts (bigint minor units) and whole
 * days; keeping them as fractions until they are shown means no JavaScript float ever touches an
 * amount, and the rounding happens once, at the end, in a named direction.
 */
export interface Fraction {
  readonly num: bigint;
  /** Always positive. */
  readonly den: bigint;
}

/** `num / den`, or null when `den` is zero (the KPI is undefined: no sales, no paid invoices, …). */
export function fraction(num: bigint, den: bigint): Fraction | null {
  if (den === 0n) return null;
  return den < 0n ? { num: -num, den: -den } : { num, den };
}

export function addFractions(a: Fraction, b: Fraction): Fraction {
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den };
}

export function subtractFractions(a: Fraction, b: Fraction): Fraction {
  return { num: a.num * b.den - b.num * a.den, den: a.den * b.den };
}

export function scaleFraction(f: Fraction, factor: bigint): Fraction {
  return { num: f.num * factor, den: f.den };
}

/**
 * The fraction as a number with `decimals` decimal places, rounded half away from zero (45.005 days
 * → 45.01; −0.125 → −0.13), computed in integers so the result is the correctly rounded decimal.
 */
export function toFixedNumber(f: Fraction, decimals = 2): number {
  const scale = 10n ** BigInt(decimals);
  const negative = f.num < 0n;
  const n = (negative ? -f.num : f.num) * scale;
  let q = n / f.den;
  if ((n % f.den) * 2n >= f.den) q += 1n;
  const whole = q / scale;
  const part = q % scale;
  const text = `${negative && q !== 0n ? '-' : ''}${whole}${decimals > 0 ? `.${part.toString().padStart(decimals, '0')}` : ''}`;
  return Number(text);
}

/** As `toFixedNumber`, null staying null. */
export function toFixedOrNull(f: Fraction | null, decimals = 2): number | null {
  return f === null ? null : toFixedNumber(f, decimals);
}
