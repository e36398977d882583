import { applyRate, parseRate, type Rate } from '../../../core/money.ts';

/**
 * A commission rate is a decimal fraction of what the agency recovers: "0.25" is 25 %. Rates are
 * kept exactly (numeric(7,6) in the database, a Rate here), never as floats.
 */
export function parseCommissionRate(text: string): Rate | null {
  if (!/^(0(\.\d{1,6})?|\.\d{1,6})$/.test(text.trim())) return null;
  const rate = parseRate(text.trim().startsWith('.') ? `0${text.trim()}` : text.trim());
  return rate;
}

/**
 * The agency's commission on a recovery when its remittance does not state it: recovered × the
 * placement's rate, rounded half-even to the minor unit (the default of STYLE.md; agency contracts
 * rarely say more).
 */
export function commissionOn(recoveredMinor: bigint, rate: Rate): bigint {
  return applyRate(recoveredMinor, rate, 'half_even');
}
