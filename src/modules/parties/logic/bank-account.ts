/**
 * Bank accounts as customers and parties pay from them, in the one form that matching compares
 * (INTERCHANGE.md §4): an IBAN, else `ROUTING:ACCOUNT`, else the account alone; spaces removed, upper
 * case. IBANs are checked with the ISO 13616 mod-97 check so that a typo is caught at import.
 */
export function normalizeBankAccount(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

const IBAN = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/;
const ROUTING_ACCOUNT = /^[0-9A-Z]{1,15}:[0-9A-Z-]{1,34}$/;
const ACCOUNT_ONLY = /^[0-9A-Z-]{4,34}$/;

export function isValidIban(iban: string): boolean {
  if (!IBAN.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

/** Validates one normalized account; returns an error message or null. */
export function bankAccountProblem(account: string): string | null {
  if (/^[A-Z]{2}[0-9]{2}/.test(account) && IBAN.test(account)) {
    return isValidIban(account) ? null : `"${account}" looks like an IBAN but its check digits are wrong`;
  }
  if (ROUTING_ACCOUNT.test(account) || ACCOUNT_ONLY.test(account)) return null;
  return `"${account}" is not a bank account: use an IBAN or ROUTING:ACCOUNT`;
}

/** Splits a `;`-separated list, normalizes each account, drops empties and duplicates. */
export function parseBankAccountList(text: string): { accounts: string[]; problems: string[] } {
  const accounts = new Set<string>();
  const problems: string[] = [];
  for (const part of text.split(';')) {
    const a = normalizeBankAccount(part);
    if (a === '') continue;
    const p = bankAccountProblem(a);
    if (p) problems.push(p);
    else accounts.add(a);
  }
  return { accounts: [...accounts], problems };
}
