import { identityError } from '../identity.errors.ts';
import { passwordProblem, USERNAME_PATTERN } from './password-policy.ts';

export function checkUsername(username: string): string {
  if (typeof username !== 'string' || !USERNAME_PATTERN.test(username))
    throw identityError(
      'identity.invalid_input',
      'a username has 1 to 64 characters: letters, digits and . _ @ -, starting with a letter or digit',
    );
  return username;
}

/** Throws `identity.weak_password` with the reason; the message never quotes the password. */
export function checkNewPassword(password: string, username: string): void {
  if (typeof password !== 'string') throw identityError('identity.weak_password', 'a password must be text');
  const problem = passwordProblem(password, username);
  if (problem !== null) throw identityError('identity.weak_password', problem);
}
