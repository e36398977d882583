import type { BusinessSegment } from './demo-model.ts';
import {
  COMPANY_SUFFIXES,
  FUND_FORMS,
  INDUSTRIES,
  LAST_NAMES,
  NAME_PREFIXES,
  PLACE_ROOTS,
  PLACE_SUFFIXES,
  PUBLIC_SECTOR_FORMS,
  TRADES,
} from './demo-vocabulary.ts';
import type { Prng } from './prng.ts';

export class NameBook {
  private readonly used = new Set<string>();
  /** Draws names until an unused one comes up; after a few tries, disambiguates with a numeral. */
  unique(make: () => string): string {
    for (let attempt = 0; attempt < 12; attempt++) {
      const name = make();
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
    const base = make();
    for (let n = 2; ; n++) {
      const name = `${base} ${n}`;
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
  }
}

export function placeName(rng: Prng): string {
  return `${rng.pick(PLACE_ROOTS)}${rng.pick(PLACE_SUFFIXES)}`;
}

export function businessName(rng: Prng, segment: BusinessSegment, prefix?: string): string {
  if (segment === 'public_sector') return rng.pick(PUBLIC_SECTOR_FORMS).replace('{place}', placeName(rng));
  if (segment === 'taft_hartley') {
    return rng
      .pick(FUND_FORMS)
      .replace('{trade}', rng.pick(TRADES))
      .replace('{local}', String(rng.int(3, 999)))
      .replace('{region}', rng.chance(0.5) ? `Greater ${placeName(rng)}` : `${placeName(rng)} Area`);
  }
  return `${prefix ?? rng.pick(NAME_PREFIXES)} ${rng.pick(INDUSTRIES)} ${rng.pick(COMPANY_SUFFIXES)}`;
}

export function partyName(rng: Prng, forms: readonly string[]): string {
  return rng
    .pick(forms)
    .replace('{prefix}', rng.pick(NAME_PREFIXES))
    .replace('{last}', rng.pick(LAST_NAMES))
    .replace('{last2}', rng.pick(LAST_NAMES));
}

export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' ')
    .replace(/[^a-z0-9 ]/g, '')
    .split(/\s+/)
    .filter((w) => w.length > 0 && !['of', 'the', 'and', 'inc', 'llc', 'corp', 'co', 'ltd'].includes(w))
    .slice(0, 3)
    .join('-');
}

export function phoneNumber(rng: Prng, areaCode: string): string {
  // 555-0100 to 555-0199 are reserved for fiction in the North American Numbering Plan.
  return `${areaCode}-555-01${rng.digits(2)}`;
}
