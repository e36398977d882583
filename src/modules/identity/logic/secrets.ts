import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits: a session secret, a CSRF token or an API token secret, as 43 base64url characters. */
export const SECRET_BYTES = 32;
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * A one-time password: 18 random bytes (144 bits), 24 base64url characters; well above the
 * 12-character minimum and typeable.
 */
export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** What is stored for a secret: its SHA-256, hex. A secret has 256 bits of entropy, so no salt or stretching. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Compares two SHA-256 hex digests in constant time; anything not a digest is unequal. */
export function digestsEqual(a: string, b: string): boolean {
  if (!HEX_SHA256.test(a) || !HEX_SHA256.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/** True when `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  return digestsEqual(hashSecret(secret), storedHash);
}
