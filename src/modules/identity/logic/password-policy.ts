/**
 * NIST SP 800-63B §5.1.1.2: at least 12 characters (our floor, above NIST's 8), a generous maximum,
 * any characters, Unicode normalized (NFKC) before hashing so that the same password typed on two
 * keyboards verifies. No composition rules.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Why a new password is refused, or null when it is acceptable. The reason never quotes the password. */
export function passwordProblem(password: string, username: string): string | null {
  const normalized = normalizePassword(password);
  // Length in code points, not UTF-16 units.
  const length = [...normalized].length;
  if (length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  if (normalized.trim() === '') return 'a password cannot be only spaces';
  if (new Set(normalized).size === 1) return 'a password cannot repeat one character';
  if (normalized.toLowerCase() === username.toLowerCase()) return 'a password cannot be the username';
  return null;
}

/** The users.username check constraint, so that a bad name is an input error rather than a database one. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
