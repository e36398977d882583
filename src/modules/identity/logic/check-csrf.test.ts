import { describe, expect, it } from 'vitest';
import { checkCsrf } from './check-csrf.ts';
import { digestsEqual, hashSecret, newSecret, secretMatches } from './secrets.ts';

describe('checkCsrf', () => {
  const token = newSecret();
  const stored = hashSecret(token);

  it('accepts the token whose hash is stored', () => {
    expect(checkCsrf(stored, token)).toBe(true);
  });

  it('refuses a missing, different, altered or malformed token', () => {
    expect(checkCsrf(stored, undefined)).toBe(false);
    expect(checkCsrf(stored, '')).toBe(false);
    expect(checkCsrf(stored, newSecret())).toBe(false);
    const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    expect(checkCsrf(stored, flipped)).toBe(false);
    expect(checkCsrf(stored, `${token} `)).toBe(false);
    // The hash itself is not the token.
    expect(checkCsrf(stored, stored)).toBe(false);
  });

  it('refuses against a stored value that is not a SHA-256 digest', () => {
    expect(checkCsrf('', token)).toBe(false);
    expect(checkCsrf(stored.slice(2), token)).toBe(false);
    expect(checkCsrf(stored.toUpperCase(), token)).toBe(false);
  });
});

describe('secrets', () => {
  it('are 43 base64url characters (256 bits) and differ each time', () => {
    const a = newSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(a);
  });

  it('hash to lower-case SHA-256 hex, compared only as digests', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(secretMatches('abc', hashSecret('abc'))).toBe(true);
    expect(secretMatches('abd', hashSecret('abc'))).toBe(false);
    expect(digestsEqual('ab', 'ab')).toBe(false);
  });
});
