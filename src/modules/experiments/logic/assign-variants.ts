import { createHash } from 'node:crypto';

/**
 * Random assignment of accounts to variants: seeded, reproducible, stratified, balanced.
 *
 * Permuted-block randomization within strata (the usual design of a stratified trial): within each
 * stratum (a segment, say) the accounts are put in a random order — sorted by SHA-256(seed, account
 * id), so the order depends on nothing but the seed and the ids — and dealt out in blocks; a block
 * holds each variant `weight` times, shuffled by a generator seeded from (seed, stratum, block
 * number). Every stratum's split is therefore within one block of the weights, and the same seed and
 * population give the same assignment on any machine, in any order of input.
 */

export interface VariantWeight {
  readonly key: string;
  readonly weight: number;
}

export interface Candidate {
  readonly id: string;
  /** The stratum the account belongs to ('' when not stratified). */
  readonly stratum: string;
}

export interface Assignment {
  readonly id: string;
  readonly stratum: string;
  readonly variant: string;
}

function digest(...parts: readonly string[]): Buffer {
  return createHash('sha256').update(parts.join('\u001f')).digest();
}

/** A 32-bit seed from the SHA-256 of the parts. */
function seed32(...parts: readonly string[]): number {
  return digest(...parts).readUInt32BE(0);
}

/** mulberry32: a small generator, good enough to shuffle a block. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with the given generator. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function assignVariants(
  candidates: readonly Candidate[],
  variants: readonly VariantWeight[],
  seed: bigint | number | string,
): Assignment[] {
  if (variants.length < 2) throw new RangeError('an experiment needs at least two variants');
  for (const v of variants)
    if (!Number.isInteger(v.weight) || v.weight < 1)
      throw new RangeError(`variant ${v.key}: weight must be ≥ 1`);
  const s = String(seed);
  const block = variants.flatMap((v) => new Array<string>(v.weight).fill(v.key));
  const strata = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = strata.get(c.stratum);
    if (list) list.push(c);
    else strata.set(c.stratum, [c]);
  }
  const out: Assignment[] = [];
  for (const stratum of [...strata.keys()].sort()) {
    const members = (strata.get(stratum) ?? [])
      .map((c) => ({ c, key: digest(s, c.id).toString('hex') }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.c.id < b.c.id ? -1 : 1));
    let deck: string[] = [];
    let blockNo = 0;
    for (const { c } of members) {
      if (deck.length === 0) deck = shuffle(block, generator(seed32(s, stratum, String(blockNo++))));
      out.push({ id: c.id, stratum, variant: deck.shift() as string });
    }
  }
  return out;
}
