import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuditRowContent,
  canonicalAuditRow,
  canonicalJson,
  GENESIS_HASH,
  hashAuditRow,
  hashNewAuditRow,
  toAuditJson,
} from './hash-audit-row.ts';

const row: AuditRowContent = {
  tenantId: 7,
  seq: 12n,
  id: 'aud_01JD8X3Q6W9K2M4N7P5R8T0V2Y',
  at: new Date('2026-06-30T12:34:56.789Z'),
  actor: 'cli:ana',
  action: 'item.written_off',
  objectType: 'item',
  objectId: 'itm_1',
  before: { open: '100.00', status: 'open' },
  after: { status: 'closed', open: '0.00' },
  requestId: 'req_1',
  source: '10.0.0.1',
};

/** What toAuditJson must equal: JSON.stringify with bigints as strings, parsed, canonicalized. */
function reference(value: unknown): string | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return text === undefined ? null : canonicalJson(JSON.parse(text));
}

describe('toAuditJson', () => {
  it('writes bigints as decimal strings, keys sorted, and undefined as SQL null', () => {
    expect(toAuditJson({ n: [1n], amountMinor: 12345678901234567890n })).toBe(
      '{"amountMinor":"12345678901234567890","n":["1"]}',
    );
    expect(toAuditJson(undefined)).toBeNull();
    expect(toAuditJson(null)).toBe('null');
    expect(toAuditJson(() => 1)).toBeNull();
  });

  it('follows JSON.stringify: toJSON, boxed values, dropped members, non-finite numbers', () => {
    const value = {
      when: new Date('2026-06-30T00:00:00Z'),
      boxed: [Object(2), Object('s'), Object(false)],
      gone: undefined,
      fn: () => 1,
      list: [undefined, () => 1, Number.NaN, -0, Number.POSITIVE_INFINITY],
      custom: { toJSON: (key: string) => `key ${key}` },
      10: 'ten',
      9: 'nine',
    };
    expect(toAuditJson(value)).toBe(
      '{"10":"ten","9":"nine","boxed":[2,"s",false],"custom":"key custom","list":[null,null,null,0,null],"when":"2026-06-30T00:00:00.000Z"}',
    );
    expect(toAuditJson(value)).toBe(reference(value));
    expect(() => toAuditJson({ x: Object(1n) })).toThrow(TypeError);
  });

  it('equals the JSON round trip, canonicalized, for any value (property)', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withDate: true,
          withBoxedValues: true,
          withNullPrototype: true,
          withSparseArray: true,
          withMap: true,
          withSet: true,
          withObjectString: true,
        }),
        (v) => {
          let expected: string | null;
          try {
            expected = reference(v);
          } catch {
            // JSON.stringify refuses it (a boxed bigint): so must toAuditJson.
            expect(() => toAuditJson(v)).toThrow();
            return;
          }
          const text = toAuditJson(v);
          expect(text).toBe(expected);
          // Already canonical: what the verifier rebuilds from the stored value is the same text.
          if (text !== null) expect(canonicalJson(JSON.parse(text))).toBe(text);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no white space', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: true }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1}',
    );
  });

  it('is the same for any key order and for the text jsonb gives back', () => {
    const written = toAuditJson({ z: 1.5, a: 'é\n"', m: [1e21, -0, 0.1] }) as string;
    // jsonb's own rendering: keys reordered (shorter first), spaces after separators, numbers in full.
    const fromJsonb = '{"a": "é\\n\\"", "m": [1000000000000000000000, 0, 0.1], "z": 1.5}';
    expect(canonicalJson(JSON.parse(fromJsonb))).toBe(canonicalJson(JSON.parse(written)));
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/not a JSON value/);
    expect(() => canonicalJson(undefined)).toThrow(/not a JSON value/);
    expect(() => canonicalJson(1n)).toThrow(/not a JSON value/);
  });

  it('gives equal text exactly for equal JSON values (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const parsed = JSON.parse(JSON.stringify(v));
        const reordered = JSON.parse(JSON.stringify(parsed, (_k, x) => reverseKeys(x)));
        expect(canonicalJson(reordered)).toBe(canonicalJson(parsed));
        expect(JSON.parse(canonicalJson(parsed))).toEqual(parsed);
      }),
    );
  });
});

function reverseKeys(x: unknown): unknown {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return x;
  return Object.fromEntries(Object.entries(x).reverse());
}

describe('hashAuditRow', () => {
  it('hashes the previous hash and every field in a fixed, quoted order', () => {
    expect(canonicalAuditRow(GENESIS_HASH, row)).toBe(
      `["${GENESIS_HASH}",7,"12","aud_01JD8X3Q6W9K2M4N7P5R8T0V2Y","2026-06-30T12:34:56.789Z","cli:ana",` +
        '"item.written_off","item","itm_1",{"open":"100.00","status":"open"},{"open":"0.00","status":"closed"},' +
        '"req_1","10.0.0.1"]',
    );
    // Plain SHA-256 of that text, so an auditor can recompute it with any tool.
    expect(hashAuditRow(GENESIS_HASH, row)).toBe(
      createHash('sha256').update(canonicalAuditRow(GENESIS_HASH, row), 'utf8').digest('hex'),
    );
  });

  it('changes when any field or the previous hash changes', () => {
    const base = hashAuditRow(GENESIS_HASH, row);
    const variants: AuditRowContent[] = [
      { ...row, tenantId: 8 },
      { ...row, seq: 13n },
      { ...row, id: 'aud_2' },
      { ...row, at: new Date(row.at.getTime() + 1) },
      { ...row, actor: 'cli:bob' },
      { ...row, action: 'item.reopened' },
      { ...row, objectType: 'receipt' },
      { ...row, objectId: null },
      { ...row, before: null },
      { ...row, after: { status: 'closed', open: '0.01' } },
      { ...row, requestId: null },
      { ...row, source: '10.0.0.2' },
    ];
    const hashes = new Set(variants.map((v) => hashAuditRow(GENESIS_HASH, v)));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(base)).toBe(false);
    expect(hashAuditRow('f'.repeat(64), row)).not.toBe(base);
  });

  it('cannot be forged by moving text between fields', () => {
    const a = { ...row, actor: 'a","b', action: 'c' };
    const b = { ...row, actor: 'a', action: 'b","c' };
    expect(hashAuditRow(GENESIS_HASH, a)).not.toBe(hashAuditRow(GENESIS_HASH, b));
  });

  it('gives the same hash for a new row (from its JSON text) as for the row read back', () => {
    const written = { ...row, before: toAuditJson({ status: 'open', open: 10_000n }), after: null };
    const readBack = { ...row, before: JSON.parse(written.before as string), after: null };
    expect(written.before).toBe('{"open":"10000","status":"open"}');
    expect(hashNewAuditRow(GENESIS_HASH, written)).toBe(hashAuditRow(GENESIS_HASH, readBack));
    // The instant is formatted once per call; another instant is not mistaken for it.
    const later = { ...readBack, at: new Date(row.at.getTime() + 1) };
    expect(hashNewAuditRow(GENESIS_HASH, { ...written, at: later.at })).toBe(
      hashAuditRow(GENESIS_HASH, later),
    );
  });

  it('treats a JSON null and an absent value alike (the driver reads both as null)', () => {
    expect(hashAuditRow(GENESIS_HASH, { ...row, before: undefined })).toBe(
      hashAuditRow(GENESIS_HASH, { ...row, before: null }),
    );
  });
});
