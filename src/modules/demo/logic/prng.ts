/**
 * A small seeded pseudo-random generator (mulberry32) for the demo data. It is deliberately not
 * `Math.random`: the same seed must give byte-identical demo files on every machine and Node version,
 * so every draw goes through this 32-bit integer state and basic IEEE arithmetic (+, -, *, /, floor),
 * which every engine computes identically. Floats drawn here are probabilities and day counts, never money; amounts are built
 * from `int()` draws as bigint minor units.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Uniform element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** Element chosen with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** Approximately standard normal (Irwin-Hall over four uniforms, scaled), for delays and volumes. */
  normal(): number;
  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[];
  /** `n` decimal digits, leading zeros allowed. */
  digits(n: number): string;
}

const SQRT_3 = 1.7320508075688772;

/** FNV-1a over a label, so that each phase of the generator draws from its own stream. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A generator for `seed` and an optional stream label. Distinct labels give independent streams, so
 * that drawing one more value in one phase (say, party names) does not shift every later value (say,
 * invoice amounts).
 */
export function createPrng(seed: number, label = ''): Prng {
  if (!Number.isFinite(seed)) throw new RangeError('seed must be a finite number');
  // Fold the whole integer seed (not only its low 32 bits) and the label into the 32-bit state.
  const whole = Math.trunc(seed);
  const low = whole >>> 0;
  const high = Math.floor(whole / 4294967296) >>> 0;
  let state = (low ^ Math.imul(high, 0x9e3779b1) ^ hashLabel(label)) >>> 0;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const int = (min: number, max: number): number => {
    if (max < min) throw new RangeError(`empty range [${min}, ${max}]`);
    return min + Math.floor(next() * (max - min + 1));
  };

  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(0, items.length - 1)];
    if (item === undefined) throw new RangeError('cannot pick from an empty list');
    return item;
  };

  const weighted = <T>(entries: readonly (readonly [T, number])[]): T => {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = next() * total;
    for (const [value, w] of entries) {
      if (r < w) return value;
      r -= w;
    }
    const last = entries[entries.length - 1];
    if (last === undefined) throw new RangeError('cannot choose from an empty list');
    return last[0];
  };

  // Irwin-Hall rather than Box-Muller: only additions and one constant product, so no Math.log or
  // Math.cos whose last bit could differ between engines and break byte-identical output. The sum of
  // four uniforms has mean 2 and variance 1/3; bounded to ±2√3, which suits delays and volumes.
  const normal = (): number => (next() + next() + next() + next() - 2) * SQRT_3;

  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = int(0, i);
      const a = items[i] as T;
      items[i] = items[j] as T;
      items[j] = a;
    }
    return items;
  };

  const digits = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += String(int(0, 9));
    return s;
  };

  return { next, int, chance: (p) => next() < p, pick, weighted, normal, shuffle, digits };
}
