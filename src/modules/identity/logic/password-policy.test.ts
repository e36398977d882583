import { describe, expect, it } from 'vitest';
import { normalizePassword, passwordProblem, USERNAME_PATTERN } from './password-policy.ts';

describe('password policy', () => {
  it('asks for 12 characters, counted as code points', () => {
    expect(passwordProblem('short-pass1', 'bob')).toMatch(/at least 12/);
    expect(passwordProblem('long-enough1', 'bob')).toBeNull();
    // 12 emoji are 24 UTF-16 units but 12 characters.
    expect(passwordProblem('🔑🌲🔑🌲🔑🌲🔑🌲🔑🌲🔑🌳', 'bob')).toBeNull();
    expect(passwordProblem('🔑🌲🔑🌲🔑🌲🔑🌲🔑🌲🔑', 'bob')).toMatch(/at least 12/);
  });

  it('refuses a password that is spaces, one repeated character, or the username; never quoting it', () => {
    expect(passwordProblem('            ', 'bob')).toMatch(/spaces/);
    expect(passwordProblem('aaaaaaaaaaaaaaaa', 'bob')).toMatch(/repeat/);
    expect(passwordProblem('Alice.Smith@x', 'alice.smith@x')).toMatch(/username/);
    expect(passwordProblem('x'.repeat(1025), 'bob')).toMatch(/at most 1024/);
    expect(passwordProblem('short', 'bob')).not.toContain('short');
  });

  it('normalizes (NFKC) so that composed and decomposed forms are one password', () => {
    expect(normalizePassword('cafe\u0301-passw0rd')).toBe(normalizePassword('caf\u00e9-passw0rd'));
  });

  it('matches the username rule of the users table', () => {
    for (const ok of ['admin', 'a', 'jane.doe@example.com', 'x_1-2'])
      expect(USERNAME_PATTERN.test(ok)).toBe(true);
    for (const bad of ['', '.admin', 'a b', 'a'.repeat(65), 'ä'])
      expect(USERNAME_PATTERN.test(bad)).toBe(false);
  });
});
