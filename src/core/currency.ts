import { coreError } from './errors.ts';

/** An ISO 4217 alphabetic code known to Arbor. */
export type CurrencyCode = string & { readonly __brand: 'CurrencyCode' };

/**
 * Minor-unit exponents from ISO 4217 (list one, as published by SIX). Codes not listed here have two
 * minor units. Funds codes and precious metals (no minor unit defined) are not currencies for AR.
 */
const EXPONENT_0 = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const EXPONENT_3 = 'BHD IQD JOD KWD LYD OMR TND';
const EXPONENT_4 = 'CLF UYW';
const EXPONENT_2 = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
 CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
 GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK
 MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR
 SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS
 VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL`;

const EXPONENTS: ReadonlyMap<string, number> = new Map([
  ...EXPONENT_0.split(/\s+/).map((c) => [c, 0] as const),
  ...EXPONENT_2.split(/\s+/).map((c) => [c, 2] as const),
  ...EXPONENT_3.split(/\s+/).map((c) => [c, 3] as const),
  ...EXPONENT_4.split(/\s+/).map((c) => [c, 4] as const),
]);

export function isCurrencyCode(s: string): s is CurrencyCode {
  return EXPONENTS.has(s);
}

/** Parses an ISO 4217 code (upper-cased); throws `core.invalid_currency` for unknown codes. */
export function parseCurrency(s: string): CurrencyCode {
  const code = s.trim().toUpperCase();
  if (!isCurrencyCode(code))
    throw coreError('core.invalid_currency', `unknown currency code "${s}" (ISO 4217)`);
  return code;
}

/** Number of minor-unit digits: USD 2, JPY 0, KWD 3. */
export function minorUnits(currency: CurrencyCode): number {
  const e = EXPONENTS.get(currency);
  if (e === undefined) throw coreError('core.invalid_currency', `unknown currency code "${currency}"`);
  return e;
}
