import { type Algorithm, hash, type Options, verify } from '@node-rs/argon2';
import { MAX_PASSWORD_LENGTH, normalizePassword } from './logic/password-policy.ts';
import { newPassword } from './logic/secrets.ts';

// `Algorithm` is an ambient const enum, which isolatedModules cannot read: 2 is its Argon2id member.
const ARGON2ID: Algorithm = 2;

/**
 * Argon2id with OWASP's first recommended configuration (Password Storage Cheat Sheet): 19 MiB of
 * memory, 2 passes, 1 lane. The PHC string stores the parameters, so raising them later leaves old
 * hashes verifiable.
 */
const ARGON2_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), ARGON2_OPTIONS);
}

/** False for a wrong password and for a stored value that is not an argon2 hash; never throws. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH * 4) return false;
  try {
    return await verify(storedHash, normalizePassword(password));
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | null = null;

/**
 * Spends the time of one verification when there is no user (or no password) to verify against, so
 * that how long a refusal takes does not tell whether the username exists.
 */
export async function verifyNothing(password: string): Promise<void> {
  dummyHash ??= hashPassword(newPassword());
  await verifyPassword(await dummyHash, password);
}
