import { randomFillSync } from 'node:crypto';

/**
 * Prefixed, time-sortable ids: `inv_01JD8X3Q6W9K2M4N7P5R8T0V2Y`. The body is a ULID (48-bit
 * millisecond timestamp, 80 random bits, Crockford base32), monotonic within a process so that ids
 * made in the same millisecond still sort in creation order. The prefix names the object's type.
 */
export const ID_PREFIXES = {
  tenant: 'ten',
  entity: 'ent',
  account: 'gla',
  customer: 'cus',
  contact: 'con',
  party: 'pty',
  relationship: 'rel',
  item: 'itm',
  receipt: 'rct',
  application: 'app',
  journalEntry: 'je',
  import: 'imp',
  audit: 'aud',
  period: 'per',
  bankAccount: 'bka',
  bankStatement: 'bks',
  bankTransaction: 'btx',
  remittance: 'rma',
  cashRun: 'crn',
  suggestion: 'sug',
  user: 'usr',
  session: 'ses',
  apiToken: 'tok',
  approval: 'apr',
  request: 'req',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
const lastRandom = new Uint8Array(10);
const pool = new Uint8Array(10 * 256);
let poolOffset = pool.length;

function nextRandom(out: Uint8Array): void {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  out.set(pool.subarray(poolOffset, poolOffset + 10));
  poolOffset += 10;
}

/** Increments the 80-bit random part; on overflow (practically never) waits for the next millisecond. */
function incrementRandom(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const v = bytes[i] ?? 0;
    if (v < 255) {
      bytes[i] = v + 1;
      return true;
    }
    bytes[i] = 0;
  }
  return false;
}

/** A 26-character ULID body. */
export function ulid(now: number = Date.now()): string {
  let time = now;
  if (time <= lastTime) {
    time = lastTime;
    if (!incrementRandom(lastRandom)) {
      time = lastTime + 1;
      nextRandom(lastRandom);
    }
  } else {
    nextRandom(lastRandom);
  }
  lastTime = time;
  let out = '';
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  // 80 random bits → 16 base32 characters, 5 bits at a time.
  let acc = 0;
  let bits = 0;
  for (const byte of lastRandom) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${ulid()}`;
}

const ID_PATTERN = /^([a-z]{2,4})_([0-9A-HJKMNP-TV-Z]{26})$/;

/** True when `id` is a well-formed id of the given kind. */
export function isId(id: string, kind: IdKind): boolean {
  const m = ID_PATTERN.exec(id);
  return m !== null && m[1] === ID_PREFIXES[kind];
}
