import { describe, expect, it } from 'vitest';
import {
  bankAccountProblem,
  isValidIban,
  normalizeBankAccount,
  parseBankAccountList,
} from './bank-account.ts';

describe('bank accounts', () => {
  it('normalizes spaces and case', () => {
    expect(normalizeBankAccount(' de89 3704 0044 0532 0130 00 ')).toBe('DE89370400440532013000');
  });

  it('checks IBAN check digits', () => {
    expect(isValidIban('DE89370400440532013000')).toBe(true);
    expect(isValidIban('GB82WEST12345698765432')).toBe(true);
    expect(isValidIban('DE89370400440532013001')).toBe(false);
    expect(bankAccountProblem('DE89370400440532013001')).toMatch(/check digits/);
  });

  it('accepts routing:account and plain accounts, refuses junk', () => {
    expect(bankAccountProblem('021000021:123456789')).toBeNull();
    expect(bankAccountProblem('123456789')).toBeNull();
    expect(bankAccountProblem('A!')).toMatch(/not a bank account/);
  });

  it('parses ;-separated lists', () => {
    const r = parseBankAccountList('021000021:111; 021000021:111;;gb82 west 1234 5698 7654 32');
    expect(r.accounts).toEqual(['021000021:111', 'GB82WEST12345698765432']);
    expect(r.problems).toEqual([]);
  });
});
