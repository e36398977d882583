/**
 * The synthetic cash-application benchmark's data (issue 4, item 7): a deterministic portfolio and
 * bank period from a seed and a parameter object, with the ground truth of every receipt.
 *
 *   portfolio   customers (some with corporate parents), third parties (brokers, TPAs, captives) that
 *               pay for several customers, bank accounts, invoices (some on 2/10NET30), credit memos
 *   history     past receipts and their applications, before the period: what each payer paid for
 *               (so that payer → customer links can be learned), instalments already paid, invoices
 *               already settled, deductions with the tenant's reason codes
 *   period      the receipts of the period, each from one scenario (SCENARIOS), written as one bank file
 *               (camt.053.001.02, BAI2 or a bank CSV export with its column mapping) and remittance
 *               advices (CSV, INTERCHANGE.md §2.5) that come with the money or separately
 *   truth       for each receipt, the allocation INTERCHANGE.md §6 asks for, as §3 export rows
 *
 * Everything is drawn from one seeded generator in a fixed order, so a seed and the parameters give
 * the same files byte for byte. `generateCashBench` builds the data in memory (the tests look at it);
 * `writeCashBench` writes the files.
 *
 * What keeps the truth unambiguous (each is a rule of §6, or a guard so that §6 has one answer):
 * - every item is the target of at most one receipt of the period, so the order in which an engine
 *   takes the receipts does not matter;
 * - a receipt without references pays an amount that no other item of the customer's family has
 *   (equal-amount receipts: the group of equal items is the only one with that amount; §6 then pays the
 *   oldest by issue date, then number); such an amount is locked, and no later item gets it;
 * - a payment of several invoices without remittance pays a subset whose sum no other subset of the
 *   customer's open items reaches (checked by a bounded subset-sum count);
 * - a truncated reference is used only when no other item it could complete to has the same amount;
 * - shortfalls that are not a wire fee never come by wire (the wire-fee tolerance would explain them),
 *   and at most one discount, deduction or fee row per customer and receipt (an engine could merge
 *   two rows of the same kind without target, which the export could not tell apart).
 */

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCurrency } from '../../src/core/currency.ts';
import { fromDayNumber, isLocalDate, type LocalDate, toDayNumber } from '../../src/core/local-date.ts';
import { applyRate, formatAmount, formatMoneyForDisplay, percentRate } from '../../src/core/money.ts';

// ---------------------------------------------------------------------------------------------------
// Parameters

/** The scenarios a receipt is drawn from; names appear in the truth and in the report. */
export const SCENARIOS = [
  'exact_reference',
  'noisy_reference',
  'multi_invoice_remittance',
  'multi_invoice_no_remittance',
  'instalment',
  'short_payment_deduction',
  'discount_earned',
  'discount_unearned',
  'overpayment',
  'wire_fee',
  'third_party_multi_customer',
  'no_reference',
  'equal_amount',
  'credit_memo_netting',
  'non_ar',
  'separate_remittance',
  'duplicate_payment',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The standard mix the targets are judged on: shares of the period's receipts (they sum to 1). */
export const STANDARD_MIX: Readonly<Record<Scenario, number>> = {
  exact_reference: 0.3,
  noisy_reference: 0.12,
  multi_invoice_remittance: 0.08,
  multi_invoice_no_remittance: 0.03,
  instalment: 0.04,
  short_payment_deduction: 0.05,
  discount_earned: 0.05,
  discount_unearned: 0.02,
  overpayment: 0.02,
  wire_fee: 0.04,
  third_party_multi_customer: 0.05,
  no_reference: 0.05,
  equal_amount: 0.03,
  credit_memo_netting: 0.03,
  non_ar: 0.03,
  separate_remittance: 0.05,
  duplicate_payment: 0.01,
};

export type BankFormat = 'camt' | 'bai2' | 'csv';
export const BANK_FORMATS: readonly BankFormat[] = ['camt', 'bai2', 'csv'];
export type Method = 'ach' | 'wire' | 'check';

/** Every other share the generator draws with; all in [0, 1]. */
export interface CashBenchShares {
  /** Customers that are children of a corporate parent (parents are customers too). */
  readonly children: number;
  /** Of the children, those whose parent pays their invoices. */
  readonly parentPays: number;
  /** Customers whose invoices a third party (broker, TPA, captive) pays. */
  readonly thirdPartyPaid: number;
  /** Of a third-party-paid customer's receipts, those the third party pays (the rest: the customer). */
  readonly thirdPartyPays: number;
  /** Of the paying relationships, those listed with the `payer` role (the rest only history shows). */
  readonly payerRoleListed: number;
  /** Customers on 2/10NET30 terms. */
  readonly discountTerms: number;
  /** Customers billed the same amount every month (equal open items everywhere). */
  readonly flatBilling: number;
  /** Open credit memos among the open items that no receipt targets. */
  readonly creditMemos: number;
  /** Payers whose bank account is in the customers or parties file (the rest: only history shows it). */
  readonly accountInFile: number;
  /** Receipts from the payer's known account (the rest: a new account, or none). */
  readonly knownAccount: number;
  /** Remittance carried in the bank file (the rest: a remittance CSV that comes with the money). */
  readonly remittanceInBank: number;
  /** Of the remittances in a camt file, those structured (`Strd`); the rest are text. */
  readonly structuredRemittance: number;
  /** Invoice numbers in remittance advices typed with noise (prefix, separator, zeros, transposition). */
  readonly typedNoise: number;
  /** Reference texts that also quote the amount, with thousands separators. */
  readonly amountInText: number;
  /** Receipts paid by wire and by check (the rest by ACH), where the scenario leaves the method free. */
  readonly wire: number;
  readonly check: number;
  /** History receipts with a deduction (reason codes the tenant knows; an open deduction item). */
  readonly historyDeductions: number;
  /** Bank debits (fees, transfers: not receipts) per receipt. */
  readonly debits: number;
}

export const DEFAULT_SHARES: CashBenchShares = {
  children: 0.1,
  parentPays: 0.5,
  thirdPartyPaid: 0.2,
  thirdPartyPays: 0.85,
  payerRoleListed: 0.7,
  discountTerms: 0.2,
  flatBilling: 0.1,
  creditMemos: 0.03,
  accountInFile: 0.85,
  knownAccount: 0.85,
  remittanceInBank: 0.5,
  structuredRemittance: 0.5,
  typedNoise: 0.1,
  amountInText: 0.4,
  wire: 0.25,
  check: 0.3,
  historyDeductions: 0.03,
  debits: 0.02,
};

export interface CashBenchParams {
  readonly seed: number;
  readonly customers: number;
  /** Open items (invoices, credit memos, deductions) at the start of the period. */
  readonly openItems: number;
  /** Receipts in the period. */
  readonly receipts: number;
  /** The last day of the period: `cash apply --as-of`. */
  readonly asOf: LocalDate;
  readonly periodDays: number;
  readonly mix: Readonly<Record<Scenario, number>>;
  readonly shares: CashBenchShares;
}

export const DEFAULT_PARAMS: Omit<CashBenchParams, 'seed'> = {
  customers: 1000,
  openItems: 20_000,
  receipts: 2000,
  asOf: '2026-11-30' as LocalDate,
  periodDays: 30,
  mix: STANDARD_MIX,
  shares: DEFAULT_SHARES,
};

export const CURRENCY = parseCurrency('USD');
/** INTERCHANGE.md §6 default wire-fee tolerance, in the receipt's currency. */
export const WIRE_FEE_TOLERANCE = 5000n;
/** The company's bank account the statement is for. */
export const COMPANY_ACCOUNT = '4830012345';

/** Fills defaults and checks every parameter; throws an Error naming each problem. */
export function resolveParams(
  partial: Partial<Omit<CashBenchParams, 'shares' | 'mix'>> & {
    seed: number;
    mix?: Partial<Record<Scenario, number>>;
    shares?: Partial<CashBenchShares>;
  },
): CashBenchParams {
  const mix = { ...(partial.mix ? zeroMix() : STANDARD_MIX), ...(partial.mix ?? {}) } as Record<
    Scenario,
    number
  >;
  const shares = { ...DEFAULT_SHARES, ...(partial.shares ?? {}) };
  const { mix: _mix, shares: _shares, ...given } = partial;
  const p: CashBenchParams = {
    ...DEFAULT_PARAMS,
    ...stripUndefined(given),
    seed: partial.seed,
    mix,
    shares,
  };
  const problems: string[] = [];
  const int = (name: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) problems.push(`${name} must be an integer ≥ ${min}, not ${v}`);
  };
  int('seed', p.seed, 0);
  int('customers', p.customers, 20);
  int('receipts', p.receipts, 1);
  int('openItems', p.openItems, 0);
  int('periodDays', p.periodDays, 7);
  if (p.periodDays > 60) problems.push(`periodDays must be at most 60, not ${p.periodDays}`);
  if (!isLocalDate(p.asOf)) problems.push(`asOf must be a date (YYYY-MM-DD), not "${p.asOf}"`);
  for (const [name, v] of Object.entries(mix)) {
    if (!(SCENARIOS as readonly string[]).includes(name)) problems.push(`mix: unknown scenario "${name}"`);
    else if (!(v >= 0)) problems.push(`mix.${name} must be ≥ 0, not ${v}`);
  }
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  if (!(total > 0)) problems.push('mix: the shares sum to 0');
  for (const [name, v] of Object.entries(shares)) {
    if (!(name in DEFAULT_SHARES)) problems.push(`shares: unknown share "${name}"`);
    else if (!(v >= 0 && v <= 1)) problems.push(`shares.${name} must be in [0, 1], not ${v}`);
  }
  if (shares.wire + shares.check > 1) problems.push('shares.wire + shares.check must be at most 1');
  if (p.customers < p.receipts / 100)
    problems.push(`customers (${p.customers}) must be at least receipts / 100 (${p.receipts / 100})`);
  if (problems.length > 0) throw new Error(`invalid benchmark parameters: ${problems.join('; ')}`);
  return p;
}

function zeroMix(): Record<Scenario, number> {
  return Object.fromEntries(SCENARIOS.map((s) => [s, 0])) as Record<Scenario, number>;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * How many receipts each scenario gets: the shares of `receipts` by largest remainder, so that the
 * counts sum to `receipts` and each is its share rounded up or down.
 */
export function scenarioCounts(
  mix: Readonly<Record<Scenario, number>>,
  receipts: number,
): Record<Scenario, number> {
  const total = SCENARIOS.reduce((a, s) => a + mix[s], 0);
  const exact = SCENARIOS.map((s) => (mix[s] / total) * receipts);
  const counts = exact.map(Math.floor);
  let left = receipts - counts.reduce((a, b) => a + b, 0);
  const order = SCENARIOS.map((_, i) => i).sort(
    (a, b) =>
      (exact[b] as number) - (counts[b] as number) - ((exact[a] as number) - (counts[a] as number)) || a - b,
  );
  for (const i of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] as number) + 1;
    left--;
  }
  return Object.fromEntries(SCENARIOS.map((s, i) => [s, counts[i] as number])) as Record<Scenario, number>;
}

// ---------------------------------------------------------------------------------------------------
// The truth (INTERCHANGE.md §3 rows)

export type TruthKind =
  | 'invoice'
  | 'credit_memo'
  | 'discount'
  | 'deduction'
  | 'bank_fee'
  | 'on_account'
  | 'unapplied';

export interface TruthRow {
  readonly kind: TruthKind;
  /** Invoice or credit-memo number for `invoice` and `credit_memo` rows; empty otherwise. */
  readonly target: string;
  /** The customer credited; empty for a receipt that is not a customer payment. */
  readonly account: string;
  /** Decimal string, signed as in §3. */
  readonly amount: string;
  readonly reason_code: string;
}

export interface TruthReceipt {
  /** The bank's reference (§5): the receipt_reference of the export. */
  readonly reference: string;
  readonly receipt_date: LocalDate;
  readonly receipt_amount: string;
  readonly currency: string;
  readonly scenario: Scenario;
  readonly method: Method;
  readonly rows: readonly TruthRow[];
}

// ---------------------------------------------------------------------------------------------------
// Random numbers

/** mulberry32: small, fast, and the same sequence on every platform. */
export class Random {
  private a: number;
  constructor(seed: number) {
    this.a = (seed ^ 0x9e3779b9) >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from an empty list');
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((a, [, w]) => a + w, 0);
    let x = this.next() * total;
    for (const [v, w] of entries) {
      x -= w;
      if (x < 0) return v;
    }
    return (entries.at(-1) as readonly [T, number])[0];
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
    }
    return xs;
  }
  /** A minor-unit amount in [lo, hi] (a count of cents, never a float). */
  minor(lo: bigint, hi: bigint): bigint {
    return lo + BigInt(this.int(0, Number(hi - lo)));
  }
  /**
   * An identifier of letters with single digits between them, so that nothing in it reads as a
   * document number: no letter that scanners confuse with a digit (O, I, L, S, B, G, D, Z, Q, T, U),
   * and no digit next to another.
   */
  code(groups: number): string {
    const L = 'ACEFHJKMNPRVWXY';
    let s = '';
    for (let g = 0; g < groups; g++) {
      s += L[this.int(0, L.length - 1)];
      s += String(this.int(2, 9));
      s += L[this.int(0, L.length - 1)];
    }
    return s;
  }
}

// ---------------------------------------------------------------------------------------------------
// Names and accounts

const PLACE = [
  'Acadia',
  'Alder',
  'Amber',
  'Apex',
  'Arbor',
  'Ashland',
  'Aspen',
  'Atlas',
  'Bay',
  'Beacon',
  'Birch',
  'Blue Ridge',
  'Bolton',
  'Boulder',
  'Bright',
  'Brook',
  'Canyon',
  'Cape',
  'Cardinal',
  'Cascade',
  'Cedar',
  'Central',
  'Chestnut',
  'Clear',
  'Coastal',
  'Copper',
  'Cove',
  'Crescent',
  'Crown',
  'Cypress',
  'Delta',
  'Dover',
  'Eagle',
  'East Valley',
  'Elm',
  'Emerald',
  'Evergreen',
  'Fairview',
  'Falcon',
  'Forest',
  'Frontier',
  'Garden',
  'Gateway',
  'Glen',
  'Golden',
  'Granite',
  'Great Lakes',
  'Harbor',
  'Hawthorn',
  'Heritage',
  'Highland',
  'Hillcrest',
  'Horizon',
  'Hudson',
  'Independence',
  'Iron',
  'Juniper',
  'Keystone',
  'Lake',
  'Landmark',
  'Laurel',
  'Liberty',
  'Lincoln',
  'Magnolia',
  'Maple',
  'Meadow',
  'Meridian',
  'Mesa',
  'Midland',
  'Mill Creek',
  'Monarch',
  'Mountain',
  'North Star',
  'Oak',
  'Ocean',
  'Orchard',
  'Pacific',
  'Palmetto',
  'Park',
  'Pine',
  'Pioneer',
  'Prairie',
  'Redwood',
  'Ridge',
  'River',
  'Rock',
  'Sage',
  'Sierra',
  'Silver',
  'Spring',
  'Stone',
  'Summit',
  'Sun',
  'Timber',
  'Trinity',
  'Union',
  'Valley',
  'Vista',
  'West End',
  'Willow',
];
const TRADE = [
  'Dental',
  'Family',
  'Medical',
  'Logistics',
  'Manufacturing',
  'Foods',
  'Builders',
  'Transport',
  'Software',
  'Clinic',
  'Pharmacy',
  'Packaging',
  'Plastics',
  'Electric',
  'Hospitality',
  'Schools',
  'Dairy',
  'Farms',
  'Engineering',
  'Retail',
  'Textiles',
  'Printing',
  'Motors',
  'Labs',
  'Energy',
  'Health',
  'Tools',
  'Marine',
  'Furniture',
  'Paper',
  'Steel',
  'Water',
  'Brewing',
  'Bakery',
  'Optical',
  'Imaging',
  'Therapy',
  'Auto',
  'Seeds',
  'Fitness',
];
const SUFFIX = [
  'Group',
  'Inc',
  'LLC',
  'Corp',
  'Partners',
  'Company',
  'Holdings',
  'Associates',
  'Services',
  'Co',
  'Ltd',
  'Cooperative',
  'Enterprises',
  'Industries',
  'Systems',
  'Solutions',
  'Network',
  'Alliance',
  'Works',
  'Supply',
];
const BRANCH = [
  'West',
  'East',
  'North',
  'South',
  'Central',
  'Metro',
  'Coastal',
  'Valley',
  'Downtown',
  'Uptown',
];
const PARTY_WORD = [
  'Benefit',
  'Claims',
  'Risk',
  'Employer',
  'Health Plan',
  'Insurance',
  'Coverage',
  'Assurance',
  'Pension',
  'Welfare',
];
const PARTY_TAIL: Record<'tpa' | 'broker' | 'captive', readonly string[]> = {
  tpa: ['Administrators', 'Admin Services', 'Claims Administration', 'Plan Services'],
  broker: ['Brokers', 'Brokerage', 'Insurance Agency', 'Advisors'],
  captive: ['Captive Insurance Co', 'Captive Re', 'Mutual Captive'],
};
const ROUTINGS = [
  '021000021',
  '026009593',
  '011000138',
  '121000248',
  '111000025',
  '061000052',
  '071000013',
  '091000019',
  '031000503',
  '044000037',
  '053000219',
  '063100277',
  '081000210',
  '101000187',
  '122000661',
  '031100649',
  '043000096',
  '051000017',
  '064000020',
  '075000022',
];
/** Reason codes of deductions, the tenant's canonical codes (snake_case; history uses them). */
export const REASON_CODES = [
  'pricing_dispute',
  'damaged_goods',
  'short_shipment',
  'promotional_allowance',
  'freight_charge',
  'returned_goods',
  'enrollment_dispute',
  'rate_dispute',
] as const;

/** A 10-digit account number, different for every (kind, index): a bijection of the index. */
function accountNumberFor(kind: number, index: number): string {
  const n = kind * 10_000_000 + index;
  return String(1_000_000_000 + ((n * 7_368_787 + 123_457) % 9_000_000_000));
}

function companyName(i: number, perm: readonly number[]): string {
  const k = perm[i % perm.length] as number;
  const p = PLACE[k % PLACE.length] as string;
  const t = TRADE[Math.floor(k / PLACE.length) % TRADE.length] as string;
  const s = SUFFIX[Math.floor(k / (PLACE.length * TRADE.length)) % SUFFIX.length] as string;
  const round = Math.floor(i / perm.length);
  return `${p} ${t}${round > 0 ? ` ${round + 1}` : ''} ${s}`;
}

/** The payer's name as a bank shows it: upper case, punctuation gone, sometimes shortened. */
function bankName(name: string, r: Random): string {
  let n = name
    .toUpperCase()
    .replace(/[.,&']/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (r.chance(0.3)) n = n.replace(/ (INC|LLC|CORP|CO|LTD|GROUP|COMPANY)$/, '');
  if (r.chance(0.2) && n.length > 22) n = n.slice(0, 22).trim();
  return n;
}

// ---------------------------------------------------------------------------------------------------
// References and their noise

export type NoiseOp = 'prefix' | 'separator' | 'zeros' | 'ocr' | 'truncate';

const OCR: Record<string, readonly string[]> = { '0': ['O'], '1': ['I', 'l'], '5': ['S'], '8': ['B'] };

/**
 * A document number written with noise, as payers and scanners do: another prefix (`Invoice #`,
 * `INV`), another separator, leading zeros dropped, OCR confusions (O/0, I/1, S/5, B/8), the last
 * digits cut off. `INV-0012345` with `zeros` is `INV-12345`; with `ocr`, `INV-OO12345`.
 */
export function noisyNumber(number: string, ops: readonly NoiseOp[], r: Random): string {
  const m = /^([A-Z]+)-(\d+)$/.exec(number);
  if (!m) return number;
  let head = m[1] as string;
  let sep = '-';
  let digits = m[2] as string;
  for (const op of ops) {
    switch (op) {
      case 'prefix': {
        const variants: readonly (readonly [string, string])[] =
          head === 'INV'
            ? ([
                ['INV', ''],
                ['INV', ' '],
                ['INV', '#'],
                ['Invoice', ' #'],
                ['Invoice', ' '],
                ['inv', ' '],
                ['INVOICE NO', ' '],
                ['Inv.', ' '],
                ['', '#'],
                ['', ''],
              ] as const)
            : ([
                [head, ''],
                [head, ' '],
                ['Credit memo', ' '],
              ] as const);
        // Bare digits with dropped zeros could be read as a credit memo's number: keep a prefix then.
        const [h, s] = r.pick(ops.includes('zeros') ? variants.filter(([x]) => x !== '') : variants);
        head = h;
        sep = s;
        break;
      }
      case 'separator':
        sep = r.pick(['/', '_', '.', ' - ', ':']);
        break;
      case 'zeros':
        digits = digits.replace(/^0+(?=\d)/, '');
        break;
      case 'ocr': {
        const positions = [...digits].flatMap((c, i) => (c in OCR ? [i] : []));
        r.shuffle(positions);
        for (const i of positions.slice(0, r.int(1, 2))) {
          const c = digits[i] as string;
          digits = `${digits.slice(0, i)}${r.pick(OCR[c] as readonly string[])}${digits.slice(i + 1)}`;
        }
        break;
      }
      case 'truncate':
        digits = digits.slice(0, digits.length - r.int(1, 2));
        break;
    }
  }
  return `${head}${sep}${digits}`;
}

/** `1,234.56`: an amount as people write it in text. */
function textAmount(minor: bigint): string {
  return formatMoneyForDisplay(minor, CURRENCY);
}

const dec = (minor: bigint) => formatAmount(minor, CURRENCY);

// ---------------------------------------------------------------------------------------------------
// The model

interface Customer {
  index: number;
  number: string;
  name: string;
  parent: number | null;
  children: number[];
  terms: string;
  discount: boolean;
  flatAmount: bigint | null;
  segment: string;
  /** Accounts in the customers file. */
  fileAccounts: string[];
  /** An account only history shows (the customer paid from it before). */
  learnedAccount: string | null;
  profile: 'self' | 'parent' | 'party';
  party: number | null;
  weight: number;
  items: number[];
  /** Reserved for one receipt whose subset-sum must stay unique: no other receipt uses its items. */
  exclusive: boolean;
}

interface Party {
  index: number;
  id: string;
  name: string;
  kind: 'tpa' | 'broker' | 'captive';
  fileAccounts: string[];
  learnedAccount: string | null;
  /** Customers it pays for. */
  paying: number[];
  /** Of those, the ones whose relationship row carries the payer role. */
  listed: Set<number>;
  /** Relationship rows without the payer role (notices, statements; or an unlisted payer). */
  otherRows: { customer: number; roles: string }[];
}

type ItemType = 'invoice' | 'credit_memo' | 'deduction';

export interface GeneratedItem {
  readonly seq: number;
  readonly type: ItemType;
  readonly customer: number;
  /** Day number of the issue date. */
  readonly issue: number;
  readonly amount: bigint;
  /** Open at the start of the period: after history, before any receipt of the period. */
  open: bigint;
  /** Assigned once every item exists, ascending with the issue date; empty for deductions (Arbor names them). */
  number: string;
}

interface Payer {
  kind: 'customer' | 'party' | 'stranger';
  index: number;
  name: string;
  /** The account Arbor knows the payer by (customers or parties file, or history). */
  known: string | null;
}

interface Presented {
  name: string | null;
  account: string | null;
}

interface HistoryRow {
  customer: number;
  item: number | null;
  kind: 'invoice' | 'discount' | 'deduction' | 'bank_fee';
  amount: bigint;
  reason: string | null;
}

interface HistoryReceipt {
  reference: string;
  date: number;
  payer: Presented;
  method: Method;
  rows: HistoryRow[];
  memo: string;
}

/** A document a remittance speaks of, as a camt `Strd` block or a line of text. */
export interface RemittedDoc {
  number: string;
  type: 'CINV' | 'CREN';
  /** The document's amount (positive; for a credit memo the credit). */
  due: bigint;
  /** Cash paid against it (for a credit memo: null, the credit is taken whole). */
  paid: bigint | null;
  discount: bigint | null;
  deduction: { amount: bigint; reason: string } | null;
}

export interface BankEntry {
  reference: string;
  date: LocalDate;
  amount: bigint;
  direction: 'credit' | 'debit';
  method: Method | 'fee' | 'transfer';
  payerName: string | null;
  /** `ROUTING:ACCOUNT`, or null. */
  payerAccount: string | null;
  endToEnd: string | null;
  checkNumber: string | null;
  customerRef: string | null;
  /** Unstructured remittance text, in parts. */
  text: string[];
  /** Structured remittance (camt `Strd`); other formats write it as text. */
  docs: RemittedDoc[];
  /** A creditor reference (camt `Strd/CdtrRefInf/Ref`); other formats write it as text. */
  creditorRef: string | null;
}

export interface AdviceLine {
  invoice: string;
  paid: bigint;
  discount: bigint | null;
  deduction: bigint | null;
  reason: string | null;
}

export interface Advice {
  id: string;
  payerName: string;
  paymentReference: string | null;
  paymentDate: LocalDate;
  paymentAmount: bigint;
  lines: AdviceLine[];
  /** Arrives separately from the money (its own file, no reference in the bank entry to it). */
  separate: boolean;
}

interface TruthLine {
  kind: TruthKind;
  item: number | null;
  customer: number | null;
  amount: bigint;
  reason: string | null;
}

interface RenderContext {
  entry: BankEntry;
  advices: Advice[];
}

interface Plan {
  scenario: Scenario;
  date: number;
  method: Method;
  amount: bigint;
  payer: Payer;
  presented: Presented;
  lines: TruthLine[];
  render: (c: RenderContext) => void;
}

export interface CashBenchData {
  readonly params: CashBenchParams;
  readonly periodStart: LocalDate;
  readonly asOf: LocalDate;
  readonly customers: readonly {
    number: string;
    name: string;
    parent: string;
    terms: string;
    segment: string;
    bankAccounts: string;
  }[];
  readonly partyRows: readonly {
    id: string;
    name: string;
    kind: string;
    account: string;
    roles: string;
    bankAccounts: string;
  }[];
  readonly items: readonly GeneratedItem[];
  /** Account number of each customer index. */
  readonly accountOf: readonly string[];
  readonly history: readonly {
    reference: string;
    date: LocalDate;
    amount: bigint;
    payerName: string;
    payerAccount: string;
    method: Method;
    memo: string;
    rows: readonly { account: string; invoice: string; kind: string; amount: bigint; reason: string }[];
  }[];
  readonly entries: readonly BankEntry[];
  readonly advices: readonly Advice[];
  readonly truth: readonly TruthReceipt[];
  /** Receipts per scenario. */
  readonly counts: Record<Scenario, number>;
}

// ---------------------------------------------------------------------------------------------------
// Generation

const SEGMENTS = ['large_group', 'mid_market', 'small_group', 'public_sector'];
const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];

/** Items a scenario's receipt creates open at the period's start, drawn before anything is built. */
interface Shape {
  scenario: Scenario;
  sizes: number[];
}

export function generateCashBench(params: CashBenchParams): CashBenchData {
  return new Generator(params).run();
}

class Generator {
  private readonly r: Random;
  private readonly p: CashBenchParams;
  private readonly s: CashBenchShares;
  private readonly asOfDay: number;
  private readonly startDay: number;
  private readonly weekdays: number[];
  private readonly customers: Customer[] = [];
  private readonly parties: Party[] = [];
  private readonly items: GeneratedItem[] = [];
  private readonly locked = new Map<number, Set<bigint>>();
  private readonly history: HistoryReceipt[] = [];
  private readonly plans: Plan[] = [];
  private cumulative: number[] = [];
  private strangerSeq = 0;
  private historySeq = 0;
  private byNumber = new Map<string, GeneratedItem>();
  private payingParties: Party[] | null = null;

  constructor(params: CashBenchParams) {
    this.p = params;
    this.s = params.shares;
    this.r = new Random(params.seed);
    this.asOfDay = toDayNumber(params.asOf);
    this.startDay = this.asOfDay - params.periodDays + 1;
    this.weekdays = [];
    for (let d = this.startDay; d <= this.asOfDay; d++) {
      const wd = (((d % 7) + 7 + 4) % 7) as number; // 1970-01-01 was a Thursday (4)
      if (wd !== 0 && wd !== 6) this.weekdays.push(d);
    }
  }

  run(): CashBenchData {
    this.buildCustomers();
    this.buildParties();
    this.buildHistory();
    const shapes = this.drawShapes();
    const targetOpen = shapes.reduce((a, sh) => a + sh.sizes.reduce((x, y) => x + y, 0), 0);
    const existingOpen = this.items.filter((i) => i.open > 0n).length;
    this.buildBackground(Math.max(0, this.p.openItems - targetOpen - existingOpen));
    for (const shape of shapes) this.plans.push(this.plan(shape));
    this.assignNumbers();
    return this.render();
  }

  // ---- portfolio ----

  private buildCustomers(): void {
    const { r, s } = this;
    const n = this.p.customers;
    const perm = r.shuffle(Array.from({ length: PLACE.length * TRADE.length * SUFFIX.length }, (_, i) => i));
    for (let i = 0; i < n; i++) {
      const discount = r.chance(s.discountTerms);
      const flat = !discount && r.chance(s.flatBilling);
      const inFile = r.chance(s.accountInFile);
      const account = `${r.pick(ROUTINGS)}:${accountNumberFor(1, i)}`;
      const second = inFile && r.chance(0.1) ? [`${r.pick(ROUTINGS)}:${accountNumberFor(2, i)}`] : [];
      this.customers.push({
        index: i,
        number: `A${String(100000 + i)}`,
        name: companyName(i, perm),
        parent: null,
        children: [],
        terms: discount
          ? '2/10NET30'
          : r.weighted([
              ['NET30', 6],
              ['NET45', 2],
              ['NET30EOM', 1],
            ] as const),
        discount,
        flatAmount: flat ? this.invoiceAmount() : null,
        segment: r.pick(SEGMENTS),
        fileAccounts: inFile ? [account, ...second] : [],
        learnedAccount: inFile ? null : account,
        profile: 'self',
        party: null,
        weight: r.weighted([
          [1, 60],
          [4, 30],
          [20, 10],
        ] as const),
        items: [],
        exclusive: false,
      });
    }
    // Parents and their children: a parent has 2 to 6 children; children are not parents.
    const order = r.shuffle(Array.from({ length: n }, (_, i) => i));
    const childCount = Math.round(n * s.children);
    const parentCount = Math.max(childCount > 0 ? 1 : 0, Math.round(childCount / 4));
    const parents = order.slice(0, parentCount);
    const children = order.slice(parentCount, parentCount + childCount);
    for (const c of children) {
      const parent = this.customers[r.pick(parents)] as Customer;
      const child = this.customers[c] as Customer;
      child.parent = parent.index;
      child.name = `${parent.name.replace(/ \S+$/, '')} ${r.pick(BRANCH)} ${child.index}`;
      parent.children.push(c);
      if (r.chance(s.parentPays)) child.profile = 'parent';
    }
    this.cumulative = [];
    let acc = 0;
    for (const c of this.customers) {
      acc += c.weight;
      this.cumulative.push(acc);
    }
  }

  private buildParties(): void {
    const { r, s } = this;
    const n = this.p.customers;
    const served = r
      .shuffle(Array.from({ length: n }, (_, i) => i))
      .filter((i) => (this.customers[i] as Customer).profile === 'self')
      .slice(0, Math.round(n * s.thirdPartyPaid));
    const count = served.length === 0 ? 0 : Math.max(2, Math.round(served.length / 12));
    const perm = r.shuffle(Array.from({ length: PLACE.length * PARTY_WORD.length }, (_, i) => i));
    for (let j = 0; j < count; j++) {
      const kind = r.weighted([
        ['tpa', 5],
        ['broker', 3],
        ['captive', 2],
      ] as const);
      const k = perm[j % perm.length] as number;
      const round = Math.floor(j / perm.length);
      const name = `${PLACE[k % PLACE.length]} ${PARTY_WORD[Math.floor(k / PLACE.length)]}${round > 0 ? ` ${round + 1}` : ''} ${r.pick(PARTY_TAIL[kind])}`;
      const inFile = r.chance(s.accountInFile);
      const account = `${r.pick(ROUTINGS)}:${accountNumberFor(3, j)}`;
      this.parties.push({
        index: j,
        id: `P${String(1000 + j)}`,
        name,
        kind,
        fileAccounts: inFile ? [account] : [],
        learnedAccount: inFile ? null : account,
        paying: [],
        listed: new Set(),
        otherRows: [],
      });
    }
    // Parties of uneven size: each served customer goes to a party drawn with weights.
    const weights = this.parties.map((p) => [p.index, r.int(1, 6)] as const);
    for (const c of served) {
      const p = this.parties[r.weighted(weights)] as Party;
      const customer = this.customers[c] as Customer;
      customer.profile = 'party';
      customer.party = p.index;
      p.paying.push(c);
      if (r.chance(s.payerRoleListed)) p.listed.add(c);
      else if (r.chance(0.5)) p.otherRows.push({ customer: c, roles: 'notice' });
    }
    // Parties that never pay for a customer but receive its notices: a tie that must not be used.
    if (this.parties.length > 0) {
      for (const c of this.customers) {
        if (c.profile === 'party' || !r.chance(0.05)) continue;
        const p = r.pick(this.parties);
        if (p.kind === 'broker') p.otherRows.push({ customer: c.index, roles: 'notice;statement' });
      }
    }
  }

  // ---- items ----

  private invoiceAmount(): bigint {
    const { r } = this;
    const tier = r.weighted([
      [0, 35],
      [1, 45],
      [2, 20],
    ] as const);
    const [lo, hi] = (
      [
        [5_000n, 50_000n],
        [50_000n, 500_000n],
        [500_000n, 5_000_000n],
      ] as const
    )[tier];
    const a = r.minor(lo, hi);
    // Some invoices are whole dollars, which makes equal amounts more likely, as in real books.
    return r.chance(0.15) ? a - (a % 100n) + 100n : a;
  }

  private isLocked(customer: number, amount: bigint): boolean {
    return this.locked.get(customer)?.has(amount) === true;
  }

  /** A new item; a random amount is drawn again while it is locked for the customer. */
  private newItem(type: ItemType, customer: number, issue: number, amount?: bigint): GeneratedItem {
    const c = this.customers[customer] as Customer;
    let a = amount ?? (type === 'invoice' && c.flatAmount !== null ? c.flatAmount : this.invoiceAmount());
    for (let tries = 0; this.isLocked(customer, a); tries++) {
      if (amount !== undefined || tries > 100)
        throw new Error(`amount ${dec(a)} is locked for customer ${c.number}`);
      a = this.invoiceAmount();
    }
    const item: GeneratedItem = {
      seq: this.items.length,
      type,
      customer,
      issue,
      amount: a,
      open: a,
      number: '',
    };
    this.items.push(item);
    c.items.push(item.seq);
    return item;
  }

  private family(customer: number): number[] {
    const c = this.customers[customer] as Customer;
    const root = this.customers[c.parent ?? c.index] as Customer;
    return [root.index, ...root.children];
  }

  /** No open item of the family has this amount, and it is not locked for any of them. */
  private amountFree(family: readonly number[], amount: bigint): boolean {
    for (const f of family) {
      if (this.isLocked(f, amount)) return false;
      for (const seq of (this.customers[f] as Customer).items) {
        const it = this.items[seq] as GeneratedItem;
        if (it.open > 0n && it.type !== 'credit_memo' && it.open === amount) return false;
      }
    }
    return true;
  }

  private lock(family: readonly number[], amount: bigint): void {
    for (const f of family) {
      let set = this.locked.get(f);
      if (!set) {
        set = new Set();
        this.locked.set(f, set);
      }
      set.add(amount);
    }
  }

  private buildBackground(count: number): void {
    const { r } = this;
    const total = this.cumulative.at(-1) ?? 0;
    for (let i = 0; i < count; i++) {
      const x = r.next() * total;
      let lo = 0;
      let hi = this.cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((this.cumulative[mid] as number) > x) hi = mid;
        else lo = mid + 1;
      }
      const issue = this.asOfDay - r.int(0, 180);
      if (r.chance(this.s.creditMemos)) this.newItem('credit_memo', lo, issue, r.minor(2_000n, 200_000n));
      else this.newItem('invoice', lo, issue);
    }
  }

  // ---- history ----

  private payerOf(kind: 'customer' | 'party', index: number): Payer {
    if (kind === 'party') {
      const p = this.parties[index] as Party;
      return { kind, index, name: p.name, known: p.fileAccounts[0] ?? p.learnedAccount };
    }
    const c = this.customers[index] as Customer;
    return { kind, index, name: c.name, known: c.fileAccounts[0] ?? c.learnedAccount };
  }

  /** Who pays this customer's invoice this time, by its profile. */
  private payerFor(customer: number): Payer {
    const c = this.customers[customer] as Customer;
    if (c.profile === 'party' && c.party !== null && this.r.chance(this.s.thirdPartyPays))
      return this.payerOf('party', c.party);
    if (c.profile === 'parent' && c.parent !== null) return this.payerOf('customer', c.parent);
    return this.payerOf('customer', customer);
  }

  private freshAccount(): string {
    return `${this.r.pick(ROUTINGS)}:${accountNumberFor(4, this.strangerSeq++)}`;
  }

  /** How the bank shows the payer: its known account, or a new one, or none; its name as banks write it. */
  private present(payer: Payer, forceKnown: boolean): Presented {
    const { r } = this;
    let account: string | null;
    if (payer.known !== null && (forceKnown || r.chance(this.s.knownAccount))) account = payer.known;
    else account = r.chance(0.7) ? this.freshAccount() : null;
    return { name: bankName(payer.name, r), account };
  }

  private method(allowWire = true): Method {
    const { r, s } = this;
    const x = r.next();
    if (x < s.check) return 'check';
    if (x < s.check + s.wire) return allowWire ? 'wire' : 'ach';
    return 'ach';
  }

  private historyReceipt(date: number, payer: Payer, groups: { customer: number; count: number }[]): void {
    const { r } = this;
    const method = this.method();
    const rows: HistoryRow[] = [];
    let deducted = false;
    for (const g of groups) {
      const c = this.customers[g.customer] as Customer;
      let discounted = false;
      for (let k = 0; k < g.count; k++) {
        const early = c.discount && !discounted && r.chance(0.5);
        const issue = date - (early ? r.int(0, 10) : r.int(11, 60));
        const item = this.newItem('invoice', g.customer, issue);
        item.open = 0n;
        rows.push({
          customer: g.customer,
          item: item.seq,
          kind: 'invoice',
          amount: item.amount,
          reason: null,
        });
        if (early) {
          discounted = true;
          const d = applyRate(item.amount, percentRate('2'), 'half_up');
          rows.push({ customer: g.customer, item: item.seq, kind: 'discount', amount: -d, reason: null });
        } else if (!deducted && r.chance(this.s.historyDeductions) && item.amount > 20_000n) {
          deducted = true;
          const d = r.minor(2_500n, item.amount / 4n);
          const reason = r.pick(REASON_CODES);
          rows.push({ customer: g.customer, item: item.seq, kind: 'deduction', amount: -d, reason });
          // Arbor opens a deduction item for what was short-paid (INTERCHANGE.md §3).
          this.newItem('deduction', g.customer, date, d);
        }
      }
    }
    if (method === 'wire' && r.chance(0.1)) {
      const first = groups[0] as { customer: number };
      rows.push({
        customer: first.customer,
        item: null,
        kind: 'bank_fee',
        amount: -r.minor(1_000n, WIRE_FEE_TOLERANCE),
        reason: null,
      });
    }
    this.pushHistory(date, this.present(payer, true), method, rows);
  }

  private pushHistory(date: number, payer: Presented, method: Method, rows: HistoryRow[], memo = ''): void {
    this.history.push({
      reference: `HR${String(this.p.seed)}-${(this.historySeq++).toString(36).toUpperCase()}`,
      date,
      payer,
      method,
      rows,
      memo,
    });
  }

  private buildHistory(): void {
    const { r } = this;
    const latest = this.startDay - 1;
    const earliest = this.asOfDay - 330;
    const day = () => r.int(earliest, latest);
    for (const c of this.customers) {
      // A customer whose account only history shows pays from it at least once.
      const own = c.profile === 'self' ? r.int(1, 3) : c.learnedAccount !== null ? 1 : r.int(0, 1);
      for (let k = 0; k < own; k++)
        this.historyReceipt(day(), this.payerOf('customer', c.index), [
          { customer: c.index, count: r.int(1, 3) },
        ]);
      if (c.profile === 'parent' && c.parent !== null) {
        for (let k = r.int(1, 2); k > 0; k--)
          this.historyReceipt(day(), this.payerOf('customer', c.parent), [
            { customer: c.index, count: r.int(1, 2) },
          ]);
      }
    }
    // Each party pays for every customer it serves at least once, several customers in one receipt.
    for (const p of this.parties) {
      const payer = this.payerOf('party', p.index);
      for (let round = 0; round < 2; round++) {
        const order = r.shuffle([...p.paying]);
        if (round === 1) order.length = Math.floor(order.length / 2);
        for (let i = 0; i < order.length; ) {
          const size = r.int(1, 5);
          const groups = order.slice(i, i + size).map((customer) => ({ customer, count: r.int(1, 2) }));
          i += size;
          this.historyReceipt(day(), payer, groups);
        }
      }
    }
  }

  // ---- the period's receipts ----

  private drawShapes(): Shape[] {
    const { r } = this;
    const counts = scenarioCounts(this.p.mix, this.p.receipts);
    const list: Scenario[] = [];
    for (const s of SCENARIOS) for (let i = 0; i < counts[s]; i++) list.push(s);
    r.shuffle(list);
    return list.map((scenario) => {
      switch (scenario) {
        case 'multi_invoice_remittance':
          return { scenario, sizes: [r.int(2, 8)] };
        case 'multi_invoice_no_remittance':
          return { scenario, sizes: [r.int(2, 4)] };
        case 'equal_amount':
          return { scenario, sizes: [r.int(2, 3)] };
        case 'third_party_multi_customer':
          return { scenario, sizes: Array.from({ length: r.int(2, 6) }, () => r.int(1, 3)) };
        case 'credit_memo_netting':
          return { scenario, sizes: [r.int(1, 3), 1] };
        case 'separate_remittance':
          return { scenario, sizes: [r.int(1, 5)] };
        case 'non_ar':
        case 'duplicate_payment':
          return { scenario, sizes: [0] };
        default:
          return { scenario, sizes: [1] };
      }
    });
  }

  private receiptDay(): number {
    return this.r.pick(this.weekdays);
  }

  /** A customer drawn by weight that passes `ok` (and is not reserved); a scan when draws keep failing. */
  private pickCustomer(ok: (c: Customer) => boolean): Customer {
    const { r } = this;
    const total = this.cumulative.at(-1) ?? 0;
    for (let tries = 0; tries < 200; tries++) {
      const x = r.next() * total;
      let lo = 0;
      let hi = this.cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((this.cumulative[mid] as number) > x) hi = mid;
        else lo = mid + 1;
      }
      const c = this.customers[lo] as Customer;
      if (!c.exclusive && ok(c)) return c;
    }
    const start = r.int(0, this.customers.length - 1);
    for (let k = 0; k < this.customers.length; k++) {
      const c = this.customers[(start + k) % this.customers.length] as Customer;
      if (!c.exclusive && ok(c)) return c;
    }
    throw new Error('no customer fits the scenario; raise --customers');
  }

  private plan(shape: Shape): Plan {
    switch (shape.scenario) {
      case 'exact_reference':
        return this.singleInvoice(shape.scenario, { noisy: false });
      case 'noisy_reference':
        return this.singleInvoice(shape.scenario, { noisy: true });
      case 'multi_invoice_remittance':
        return this.multiInvoice(shape.sizes[0] as number);
      case 'multi_invoice_no_remittance':
        return this.statementPayment(shape.sizes[0] as number);
      case 'instalment':
        return this.instalment();
      case 'short_payment_deduction':
        return this.shortPayment();
      case 'discount_earned':
        return this.discount(true);
      case 'discount_unearned':
        return this.discount(false);
      case 'overpayment':
        return this.overpayment();
      case 'wire_fee':
        return this.wireFee();
      case 'third_party_multi_customer':
        return this.thirdParty(shape.sizes);
      case 'no_reference':
        return this.noReference();
      case 'equal_amount':
        return this.equalAmount(shape.sizes[0] as number);
      case 'credit_memo_netting':
        return this.creditMemoNetting(shape.sizes[0] as number);
      case 'non_ar':
        return this.nonAr();
      case 'separate_remittance':
        return this.separateRemittance(shape.sizes[0] as number);
      case 'duplicate_payment':
        return this.duplicate();
    }
  }

  private base(
    scenario: Scenario,
    date: number,
    method: Method,
    payer: Payer,
    forceKnown: boolean,
    lines: TruthLine[],
    render: (c: RenderContext) => void,
  ): Plan {
    const amount = lines.reduce((a, l) => a + l.amount, 0n);
    return {
      scenario,
      date,
      method,
      amount,
      payer,
      presented: this.present(payer, forceKnown),
      lines,
      render,
    };
  }

  private invoiceLine(item: GeneratedItem, amount = item.open): TruthLine {
    return { kind: 'invoice', item: item.seq, customer: item.customer, amount, reason: null };
  }

  private singleInvoice(scenario: Scenario, o: { noisy: boolean }): Plan {
    const date = this.receiptDay();
    const c = this.pickCustomer(() => true);
    const item = this.newItem('invoice', c.index, date - this.r.int(5, 75));
    const payer = this.payerFor(c.index);
    return this.base(scenario, date, this.method(), payer, false, [this.invoiceLine(item)], (x) =>
      this.placeReference(x.entry, item, o.noisy ? 'noisy' : 'exact'),
    );
  }

  private multiInvoice(k: number): Plan {
    const date = this.receiptDay();
    const c = this.pickCustomer(() => true);
    const items = Array.from({ length: k }, () => this.newItem('invoice', c.index, date - this.r.int(5, 90)));
    const payer = this.payerFor(c.index);
    return this.base(
      'multi_invoice_remittance',
      date,
      this.method(),
      payer,
      false,
      items.map((i) => this.invoiceLine(i)),
      (x) =>
        this.remit(
          x,
          payer,
          items.map((i) => ({ item: i, paid: i.open, discount: null, deduction: null })),
          date,
          [],
        ),
    );
  }

  /** Several invoices paid without a word: the sum must be reached by no other subset. */
  private statementPayment(k: number): Plan {
    const { r } = this;
    const date = this.receiptDay();
    // Open items of a customer's family (engines look at the hierarchy too), issued by `date`.
    const openOf = (c: Customer) =>
      this.family(c.index)
        .flatMap((f) => (this.customers[f] as Customer).items)
        .map((seq) => this.items[seq] as GeneratedItem)
        .filter((i) => i.open > 0n && i.type !== 'credit_memo' && i.issue <= date);
    for (let attempt = 0; ; attempt++) {
      const c = this.pickCustomer(
        (x) =>
          x.flatAmount === null &&
          x.profile === 'self' &&
          this.family(x.index).every((f) => !(this.customers[f] as Customer).exclusive) &&
          openOf(x).length <= 20,
      );
      const created = Array.from({ length: k }, () => this.newItem('invoice', c.index, date - r.int(10, 90)));
      const candidates = openOf(c).map((i) => i.open);
      const target = created.reduce((a, i) => a + i.open, 0n);
      const distinct = created.every((i) => candidates.filter((a) => a === i.open).length === 1);
      if (distinct && countSubsetSums(candidates, target) === 1) {
        for (const f of this.family(c.index)) (this.customers[f] as Customer).exclusive = true;
        const payer = this.payerOf('customer', c.index);
        return this.base(
          'multi_invoice_no_remittance',
          date,
          this.method(),
          payer,
          true,
          created.map((i) => this.invoiceLine(i)),
          (x) => {
            x.entry.text = r.chance(0.5)
              ? []
              : [r.pick(['PAYMENT', 'ACCOUNTS PAYABLE', 'AP PAYMENT', 'VENDOR PMT'])];
          },
        );
      }
      // Not unique: these invoices stay open as ordinary items; try another customer.
      if (attempt > 50) throw new Error('no customer gives a unique subset sum; raise --customers');
    }
  }

  private instalment(): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const c = this.pickCustomer((x) => !x.discount && x.flatAmount === null);
    const n = r.int(2, 4);
    const k = r.int(1, n);
    const amount = r.minor(100_000n, 5_000_000n);
    // Instalments a month apart (at least a period apart, so that earlier ones are history).
    const gap = Math.max(30, this.p.periodDays);
    const issue = date - gap * (k - 1) - r.int(5, 25);
    const item = this.newItem(
      'invoice',
      c.index,
      issue,
      this.isLocked(c.index, amount) ? amount + 1n : amount,
    );
    // Equal parts by largest remainder: the first (amount mod n) parts get one cent more.
    const base = item.amount / BigInt(n);
    const extra = Number(item.amount % BigInt(n));
    const parts = Array.from({ length: n }, (_, i) => base + (i < extra ? 1n : 0n));
    const payer = this.payerFor(c.index);
    for (let j = 1; j < k; j++) {
      const paid = parts[j - 1] as bigint;
      item.open -= paid;
      this.pushHistory(
        date - gap * (k - j),
        this.present(payer, true),
        this.method(false),
        [{ customer: c.index, item: item.seq, kind: 'invoice', amount: paid, reason: null }],
        `INSTALMENT ${j} OF ${n}`,
      );
    }
    const paid = parts[k - 1] as bigint;
    return this.base(
      'instalment',
      date,
      this.method(false),
      payer,
      false,
      [this.invoiceLine(item, paid)],
      (x) => {
        this.placeReference(x.entry, item, 'exact');
        x.entry.text.push(`INSTALMENT ${k} OF ${n}`);
      },
    );
  }

  private shortPayment(): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const c = this.pickCustomer(() => true);
    const item = this.newItem('invoice', c.index, date - r.int(5, 75), r.minor(30_000n, 3_000_000n));
    let d = r.minor((item.amount * 5n) / 100n, (item.amount * 40n) / 100n);
    if (r.chance(0.5)) d -= d % 100n;
    if (d < 2_500n) d = 2_500n;
    const reason = r.pick(REASON_CODES);
    const payer = this.payerFor(c.index);
    const lines: TruthLine[] = [
      this.invoiceLine(item),
      { kind: 'deduction', item: null, customer: c.index, amount: -d, reason },
    ];
    return this.base('short_payment_deduction', date, this.method(false), payer, false, lines, (x) => {
      const mode = r.weighted([
        ['advice', 5],
        ['bank', 3],
        ['memo', 2],
      ] as const);
      if (mode === 'memo') {
        x.entry.text.push(
          `${item.number} PAID ${textAmount(item.amount - d)} DED ${textAmount(d)} ${reason}`,
        );
      } else {
        this.remit(
          x,
          payer,
          [{ item, paid: item.amount - d, discount: null, deduction: { amount: d, reason } }],
          date,
          [],
          mode === 'bank' ? 'bank' : 'advice',
        );
      }
    });
  }

  private discount(earned: boolean): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const c = this.pickCustomer((x) => x.discount);
    const issue = earned ? date - r.int(0, 10) : date - r.int(11, 45);
    const item = this.newItem('invoice', c.index, issue);
    // §6: the terms' percentage of the item's amount, rounded half-up to the minor unit.
    const d = applyRate(item.amount, percentRate('2'), 'half_up');
    const payer = this.payerFor(c.index);
    const lines: TruthLine[] = [
      this.invoiceLine(item),
      earned
        ? { kind: 'discount', item: null, customer: c.index, amount: -d, reason: null }
        : { kind: 'deduction', item: null, customer: c.index, amount: -d, reason: 'unearned_discount' },
    ];
    return this.base(
      earned ? 'discount_earned' : 'discount_unearned',
      date,
      this.method(false),
      payer,
      false,
      lines,
      (x) => {
        this.placeReference(x.entry, item, 'exact');
        if (r.chance(0.4)) x.entry.text.push(`LESS 2% DISCOUNT ${textAmount(d)}`);
      },
    );
  }

  private overpayment(): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const c = this.pickCustomer(() => true);
    const item = this.newItem('invoice', c.index, date - r.int(5, 75));
    const cap = item.amount / 2n < 200_000n ? item.amount / 2n : 200_000n;
    let extra = r.minor(100n, cap > 100n ? cap : 100n);
    if (r.chance(0.5)) extra = extra - (extra % 100n) + 100n;
    const payer = this.payerFor(c.index);
    const lines: TruthLine[] = [
      this.invoiceLine(item),
      { kind: 'on_account', item: null, customer: c.index, amount: extra, reason: null },
    ];
    return this.base('overpayment', date, this.method(), payer, false, lines, (x) =>
      this.placeReference(x.entry, item, 'exact'),
    );
  }

  private wireFee(): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const c = this.pickCustomer(() => true);
    const item = this.newItem('invoice', c.index, date - r.int(5, 75), r.minor(50_000n, 5_000_000n));
    const fee = r.chance(0.5)
      ? BigInt(r.pick([10, 15, 20, 25, 30, 35, 40, 45, 50])) * 100n
      : r.minor(500n, WIRE_FEE_TOLERANCE);
    const payer = this.payerFor(c.index);
    const lines: TruthLine[] = [
      this.invoiceLine(item),
      { kind: 'bank_fee', item: null, customer: c.index, amount: -fee, reason: null },
    ];
    return this.base('wire_fee', date, 'wire', payer, false, lines, (x) =>
      this.placeReference(x.entry, item, 'exact'),
    );
  }

  private thirdParty(sizes: readonly number[]): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const free = (c: number) => !(this.customers[c] as Customer).exclusive;
    this.payingParties ??= this.parties.filter((p) => p.paying.length >= 2);
    if (this.payingParties.length === 0)
      throw new Error('no third party pays for two customers; raise --customers');
    let party = r.pick(this.payingParties);
    for (let tries = 0; party.paying.filter(free).length < 2; tries++) {
      if (tries > 1000) throw new Error('no third party pays for two free customers; raise --customers');
      party = r.pick(this.payingParties);
    }
    const pool = r.shuffle(party.paying.filter(free));
    const chosen = pool.slice(0, Math.min(sizes.length, pool.length));
    const items: GeneratedItem[] = [];
    chosen.forEach((c, i) => {
      for (let k = 0; k < (sizes[i] as number); k++)
        items.push(this.newItem('invoice', c, date - r.int(5, 90)));
    });
    const payer = this.payerOf('party', party.index);
    return this.base(
      'third_party_multi_customer',
      date,
      this.method(),
      payer,
      false,
      items.map((i) => this.invoiceLine(i)),
      (x) =>
        this.remit(
          x,
          payer,
          items.map((i) => ({ item: i, paid: i.open, discount: null, deduction: null })),
          date,
          [],
        ),
    );
  }

  private noReference(): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const c = this.pickCustomer((x) => x.flatAmount === null);
    const fam = this.family(c.index);
    let amount = this.invoiceAmount();
    while (!this.amountFree(fam, amount)) amount = this.invoiceAmount();
    const item = this.newItem('invoice', c.index, date - r.int(5, 75), amount);
    this.lock(fam, amount);
    const payer = this.payerOf('customer', c.index);
    return this.base('no_reference', date, this.method(), payer, true, [this.invoiceLine(item)], (x) => {
      x.entry.text = r.chance(0.5) ? [] : [r.pick(['PAYMENT', 'AP PAYMENT', 'THANK YOU', 'VENDOR PMT'])];
    });
  }

  private equalAmount(m: number): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const c = this.pickCustomer((x) => x.flatAmount === null);
    const fam = this.family(c.index);
    let amount = this.invoiceAmount();
    while (!this.amountFree(fam, amount)) amount = this.invoiceAmount();
    // Monthly bills of the same amount; sometimes two on one day, where the number decides.
    const sameDay = r.chance(0.25);
    const first = date - r.int(3, 20);
    const items = Array.from({ length: m }, (_, j) =>
      this.newItem('invoice', c.index, sameDay ? first : first - 30 * j, amount),
    );
    this.lock(fam, amount);
    const payer = this.payerOf('customer', c.index);
    // §6: the oldest by issue date, then by number (numbers ascend with issue date and creation).
    const oldest = items.reduce((a, b) =>
      b.issue < a.issue || (b.issue === a.issue && b.seq < a.seq) ? b : a,
    );
    return this.base('equal_amount', date, this.method(), payer, true, [this.invoiceLine(oldest)], (x) => {
      x.entry.text = r.chance(0.5) ? [] : [r.pick(['PAYMENT', 'MONTHLY PREMIUM', 'AP PAYMENT'])];
    });
  }

  private creditMemoNetting(k: number): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const c = this.pickCustomer(() => true);
    const items = Array.from({ length: k }, () => this.newItem('invoice', c.index, date - r.int(5, 90)));
    const gross = items.reduce((a, i) => a + i.open, 0n);
    let credit = r.minor(gross / 20n, (gross * 2n) / 5n);
    if (credit < 1_000n) credit = 1_000n;
    const memo = this.newItem('credit_memo', c.index, date - r.int(1, 40), credit);
    const payer = this.payerFor(c.index);
    const lines: TruthLine[] = [
      ...items.map((i) => this.invoiceLine(i)),
      { kind: 'credit_memo', item: memo.seq, customer: c.index, amount: -credit, reason: null },
    ];
    return this.base('credit_memo_netting', date, this.method(), payer, false, lines, (x) =>
      this.remit(
        x,
        payer,
        items.map((i) => ({ item: i, paid: i.open, discount: null, deduction: null })),
        date,
        [memo],
      ),
    );
  }

  private nonAr(): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const kind = r.pick(['interest', 'refund', 'rebate', 'error'] as const);
    const who = r.pick([
      'Northfield',
      'Redstone',
      'Lakeshore',
      'Brightwater',
      'Kestrel',
      'Oakmont',
      'Sandpiper',
    ]);
    const name =
      kind === 'interest'
        ? `${who.toUpperCase()} NATIONAL BANK`
        : kind === 'refund'
          ? `${who.toUpperCase()} OFFICE SUPPLY`
          : kind === 'rebate'
            ? `${who.toUpperCase()} PHARMA REBATES`
            : `${r.pick(['J', 'M', 'K', 'R'])} ${r.pick(['SMITH', 'GARCIA', 'NGUYEN', 'MUELLER'])}`;
    const amount =
      kind === 'interest'
        ? r.minor(100n, 90_000n)
        : kind === 'rebate'
          ? r.minor(50_000n, 2_500_000n)
          : r.minor(2_000n, 400_000n);
    const payer: Payer = { kind: 'stranger', index: 0, name, known: null };
    const plan = this.base(
      'non_ar',
      date,
      kind === 'interest' ? 'wire' : this.method(),
      payer,
      false,
      [{ kind: 'unapplied', item: null, customer: null, amount, reason: null }],
      (x) => {
        x.entry.text = [
          kind === 'interest'
            ? `INTEREST CREDIT ${MONTHS[Number(fromDayNumber(date).slice(5, 7)) - 1]}`
            : kind === 'refund'
              ? `VENDOR REFUND ${r.code(2)}`
              : kind === 'rebate'
                ? `VOLUME REBATE ${r.code(1)}`
                : `PAYMENT REF ${r.code(2)}`,
        ];
      },
    );
    plan.presented = { name, account: kind === 'interest' ? null : this.freshAccount() };
    return plan;
  }

  private separateRemittance(k: number): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const c = this.pickCustomer(() => true);
    const items = Array.from({ length: k }, () => this.newItem('invoice', c.index, date - r.int(5, 90)));
    const deducted = r.chance(0.2) ? (items[0] as GeneratedItem) : null;
    let d = 0n;
    if (deducted) {
      d = r.minor(deducted.amount / 20n, deducted.amount / 4n);
      if (d < 2_500n) d = 2_500n;
    }
    const reason = r.pick(REASON_CODES);
    const payer = this.payerFor(c.index);
    const lines: TruthLine[] = items.map((i) => this.invoiceLine(i));
    if (deducted) lines.push({ kind: 'deduction', item: null, customer: c.index, amount: -d, reason });
    return this.base('separate_remittance', date, this.method(false), payer, false, lines, (x) => {
      const id = `PMT-${r.code(3)}`;
      const inEntry = r.chance(0.6);
      if (inEntry) {
        if (x.entry.method === 'check') x.entry.text = [id];
        else x.entry.endToEnd = id;
      } else {
        x.entry.text = r.chance(0.5) ? [] : ['PAYMENT'];
      }
      x.advices.push({
        id: `RA-${r.code(3)}`,
        payerName: payer.name,
        paymentReference: inEntry ? id : x.entry.checkNumber,
        paymentDate: fromDayNumber(date - (r.chance(0.3) ? 1 : 0)),
        paymentAmount: x.entry.amount,
        lines: items.map((i) => ({
          invoice: this.typed(i),
          paid: i === deducted ? i.amount - d : i.amount,
          discount: null,
          deduction: i === deducted ? d : null,
          reason: i === deducted ? reason : null,
        })),
        separate: true,
      });
    });
  }

  private duplicate(): Plan {
    const { r } = this;
    const date = this.receiptDay();
    const c = this.pickCustomer(() => true);
    const issue = this.startDay - r.int(45, 120);
    const item = this.newItem('invoice', c.index, issue);
    item.open = 0n;
    const payer = this.payerFor(c.index);
    this.pushHistory(issue + r.int(10, 30), this.present(payer, true), this.method(), [
      { customer: c.index, item: item.seq, kind: 'invoice', amount: item.amount, reason: null },
    ]);
    // §6: a duplicate payment of an item already settled is entirely on account.
    return this.base(
      'duplicate_payment',
      date,
      this.method(),
      payer,
      false,
      [{ kind: 'on_account', item: null, customer: c.index, amount: item.amount, reason: null }],
      (x) => this.placeReference(x.entry, item, 'exact'),
    );
  }

  // ---- rendering ----

  /** An invoice number as a payer types it in an advice: mostly exact, sometimes with unambiguous noise. */
  private typed(item: GeneratedItem): string {
    const { r } = this;
    if (!r.chance(this.s.typedNoise)) return item.number;
    const op = r.pick(['prefix', 'separator', 'zeros', 'transpose'] as const);
    if (op !== 'transpose') return noisyNumber(item.number, [op], r);
    // Two adjacent different digits swapped, only when the result is no other document's number.
    const digits = item.number.slice(4);
    const i = r.int(0, digits.length - 2);
    if (digits[i] === digits[i + 1]) return item.number;
    const swapped = `INV-${digits.slice(0, i)}${digits[i + 1]}${digits[i]}${digits.slice(i + 2)}`;
    return this.byNumber.has(swapped) ? item.number : swapped;
  }

  /**
   * Puts one invoice's reference where a payer and bank put it: text, end-to-end id, BAI2 customer
   * reference, a camt creditor reference or structured document. `noisy` writes it with noise.
   */
  private placeReference(entry: BankEntry, item: GeneratedItem, mode: 'exact' | 'noisy'): void {
    const { r } = this;
    const customer = this.customers[item.customer] as Customer;
    let token = item.number;
    if (mode === 'noisy') {
      const ops: NoiseOp[] = [];
      const available: NoiseOp[] = ['prefix', 'separator'];
      if (/[0158]/.test(item.number.slice(4))) available.push('ocr');
      if (/^INV-0/.test(item.number)) available.push('zeros');
      if (this.truncationSafe(item)) available.push('truncate');
      const weight: Record<NoiseOp, number> = { prefix: 30, separator: 20, zeros: 25, ocr: 15, truncate: 10 };
      for (let count = r.int(1, 2); ops.length < count; ) {
        const op = r.weighted(available.filter((o) => !ops.includes(o)).map((o) => [o, weight[o]] as const));
        // Cut digits with dropped zeros could be read as another, shorter number: never both.
        if ((op === 'truncate' && ops.includes('zeros')) || (op === 'zeros' && ops.includes('truncate')))
          count--;
        else ops.push(op);
      }
      // Truncation is where a text is cut: the number comes last.
      ops.sort((a, b) => (a === 'truncate' ? 1 : 0) - (b === 'truncate' ? 1 : 0));
      token = noisyNumber(item.number, ops, r);
      const text = r.pick([`${token}`, `PAYMENT ${token}`, `RE ${token}`, `${customer.number} ${token}`]);
      entry.text.push(
        ops.includes('truncate') || !r.chance(this.s.amountInText)
          ? text
          : `${text} AMT ${textAmount(item.open)}`,
      );
      return;
    }
    // Where the reference travels; each writer maps these to its format (camt.053: EndToEndId,
    // Strd/CdtrRefInf, Strd/RfrdDocInf, Ustrd; BAI2: EREF tag, customer reference, text; CSV: columns).
    const channel = r.weighted([
      ['text', 45],
      ['e2e', 20],
      ['custref', 15],
      ['creditor', 10],
      ['structured', 10],
    ] as const);
    if (channel === 'e2e' && entry.method !== 'check') entry.endToEnd = token;
    else if (channel === 'custref' && entry.method !== 'check') entry.customerRef = token;
    else if (channel === 'creditor') entry.creditorRef = token;
    else if (channel === 'structured')
      entry.docs.push({
        number: token,
        type: 'CINV',
        due: item.open,
        paid: item.open,
        discount: null,
        deduction: null,
      });
    else {
      const text = r.pick([
        `${token}`,
        `PAYMENT ${token}`,
        `INVOICE ${token}`,
        `${customer.number} ${token}`,
        `RE ${token} THANK YOU`,
      ]);
      entry.text.push(r.chance(this.s.amountInText) ? `${text} AMT ${textAmount(item.open)}` : text);
    }
  }

  /**
   * A reference cut by one or two digits is resolvable only by amount: no other document it could
   * complete to (same width), nor the number it reads as with zeros put back, may have the same amount.
   */
  private truncationSafe(item: GeneratedItem): boolean {
    const digits = item.number.slice(4);
    for (const cut of [1, 2]) {
      const prefix = digits.slice(0, digits.length - cut);
      const completions = cut === 1 ? 10 : 100;
      for (let k = 0; k < completions; k++) {
        const other = this.byNumber.get(`INV-${prefix}${String(k).padStart(cut, '0')}`);
        if (other && other !== item && (other.open === item.open || other.amount === item.amount))
          return false;
      }
      const padded = this.byNumber.get(`INV-${prefix.padStart(digits.length, '0')}`);
      if (padded && padded !== item && (padded.open === item.open || padded.amount === item.amount))
        return false;
    }
    return true;
  }

  /**
   * Remittance for several documents: in the bank file (camt `Strd` blocks or text; BAI2 and CSV as
   * text) or as an advice that comes with the money and names the payment's end-to-end id or check.
   */
  private remit(
    x: RenderContext,
    payer: Payer,
    lines: {
      item: GeneratedItem;
      paid: bigint;
      discount: bigint | null;
      deduction: { amount: bigint; reason: string } | null;
    }[],
    date: number,
    credits: GeneratedItem[],
    force?: 'bank' | 'advice',
  ): void {
    const { r } = this;
    const where = force ?? (r.chance(this.s.remittanceInBank) ? 'bank' : 'advice');
    if (where === 'bank') {
      const docs: RemittedDoc[] = [
        ...lines.map((l) => ({
          number: l.item.number,
          type: 'CINV' as const,
          due: l.item.open,
          paid: l.paid,
          discount: l.discount,
          deduction: l.deduction,
        })),
        ...credits.map((c) => ({
          number: c.number,
          type: 'CREN' as const,
          due: c.open,
          paid: null,
          discount: null,
          deduction: null,
        })),
      ];
      // Structured (camt Strd; the other formats write the same as text) or text from the start.
      if (r.chance(this.s.structuredRemittance)) x.entry.docs.push(...docs);
      else x.entry.text.push(...docs.map(docText));
      return;
    }
    const id = `PMT-${r.code(3)}`;
    if (x.entry.method !== 'check') x.entry.endToEnd = id;
    else x.entry.text.push(r.chance(0.5) ? 'SEE REMITTANCE' : '');
    x.entry.text = x.entry.text.filter((t) => t !== '');
    x.advices.push({
      id: `RA-${r.code(3)}`,
      payerName: payer.name,
      paymentReference: x.entry.method === 'check' ? x.entry.checkNumber : id,
      paymentDate: fromDayNumber(date),
      paymentAmount: x.entry.amount,
      lines: [
        ...lines.map((l) => ({
          invoice: this.typed(l.item),
          paid: l.paid,
          discount: l.discount,
          deduction: l.deduction?.amount ?? null,
          reason: l.deduction?.reason ?? null,
        })),
        ...credits.map((c) => ({
          invoice: c.number,
          paid: -c.open,
          discount: null,
          deduction: null,
          reason: null,
        })),
      ],
      separate: false,
    });
  }

  private assignNumbers(): void {
    const { r } = this;
    const byDate = (a: GeneratedItem, b: GeneratedItem) => a.issue - b.issue || a.seq - b.seq;
    const invoices = this.items.filter((i) => i.type === 'invoice').sort(byDate);
    const memos = this.items.filter((i) => i.type === 'credit_memo').sort(byDate);
    const invoiceBase = 10_000 + r.int(0, 40_000);
    const memoBase = 1_000 + r.int(0, 9_000);
    invoices.forEach((it, i) => {
      it.number = `INV-${String(invoiceBase + i).padStart(7, '0')}`;
    });
    memos.forEach((it, i) => {
      it.number = `CM-${String(memoBase + i).padStart(6, '0')}`;
    });
    this.byNumber = new Map(this.items.filter((i) => i.number !== '').map((i) => [i.number, i]));
  }

  private render(): CashBenchData {
    const { r, p } = this;
    const account = (c: number) => (this.customers[c] as Customer).number;
    const numberOf = (seq: number | null) => (seq === null ? '' : (this.items[seq] as GeneratedItem).number);
    // The bank file's entries in date order; references by date and sequence.
    const order = this.plans
      .map((_, i) => i)
      .sort((a, b) => (this.plans[a] as Plan).date - (this.plans[b] as Plan).date || a - b);
    const entries: BankEntry[] = [];
    const advices: Advice[] = [];
    const truth: TruthReceipt[] = [];
    // Bank references: letters and short digit groups only, so that none reads as a document number.
    let bankSeq = 0;
    const referenceFor = () => `BK${r.code(1)}-${(bankSeq++).toString(36).toUpperCase()}`;
    for (const i of order) {
      const plan = this.plans[i] as Plan;
      const entry: BankEntry = {
        reference: referenceFor(),
        date: fromDayNumber(plan.date),
        amount: plan.amount,
        direction: 'credit',
        method: plan.method,
        payerName: plan.presented.name,
        payerAccount: plan.presented.account,
        endToEnd: null,
        checkNumber: plan.method === 'check' ? String(r.int(1001, 999_999)) : null,
        customerRef: null,
        text: [],
        docs: [],
        creditorRef: null,
      };
      plan.render({ entry, advices });
      entries.push(entry);
      truth.push({
        reference: entry.reference,
        receipt_date: entry.date,
        receipt_amount: dec(plan.amount),
        currency: CURRENCY,
        scenario: plan.scenario,
        method: plan.method,
        rows: plan.lines.map((l) => ({
          kind: l.kind,
          target: l.kind === 'invoice' || l.kind === 'credit_memo' ? numberOf(l.item) : '',
          account: l.customer === null ? '' : account(l.customer),
          amount: dec(l.amount),
          reason_code: l.reason ?? '',
        })),
      });
    }
    // Bank debits that are not receipts: fees and transfers out, for the reconciliation.
    const debits = Math.round(p.receipts * this.s.debits);
    for (let k = 0; k < debits; k++) {
      const day = this.receiptDay();
      const fee = r.chance(0.5);
      entries.push({
        reference: referenceFor(),
        date: fromDayNumber(day),
        amount: fee ? r.minor(500n, 25_000n) : r.minor(100_000n, 5_000_000n),
        direction: 'debit',
        method: fee ? 'fee' : 'transfer',
        payerName: fee ? null : 'ARBOR OPERATING ACCOUNT',
        payerAccount: null,
        endToEnd: null,
        checkNumber: null,
        customerRef: null,
        text: [fee ? 'ACCOUNT ANALYSIS FEE' : 'ZBA TRANSFER TO OPERATING'],
        docs: [],
        creditorRef: null,
      });
    }
    entries.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.reference < b.reference ? -1 : 1));

    const history = this.history
      .slice()
      .sort((a, b) => a.date - b.date)
      .map((h) => ({
        reference: h.reference,
        date: fromDayNumber(h.date),
        amount: h.rows.reduce((a, x) => a + x.amount, 0n),
        payerName: h.payer.name ?? '',
        payerAccount: h.payer.account ?? '',
        method: h.method,
        memo:
          h.memo ||
          h.rows
            .filter((x) => x.kind === 'invoice')
            .map((x) => numberOf(x.item))
            .join(' '),
        rows: h.rows.map((x) => ({
          account: account(x.customer),
          invoice: numberOf(x.item),
          kind: x.kind,
          amount: x.amount,
          reason: x.reason ?? '',
        })),
      }));

    const partyRows: CashBenchData['partyRows'][number][] = [];
    for (const party of this.parties) {
      const rows = [
        ...[...party.listed].map((c) => ({ customer: c, roles: r.chance(0.5) ? 'payer;notice' : 'payer' })),
        ...party.otherRows,
      ].sort((a, b) => a.customer - b.customer);
      for (const row of rows)
        partyRows.push({
          id: party.id,
          name: party.name,
          kind: party.kind,
          account: account(row.customer),
          roles: row.roles,
          bankAccounts: party.fileAccounts.join(';'),
        });
    }

    return {
      params: p,
      periodStart: fromDayNumber(this.startDay),
      asOf: p.asOf,
      customers: this.customers.map((c) => ({
        number: c.number,
        name: c.name,
        parent: c.parent === null ? '' : account(c.parent),
        terms: c.terms,
        segment: c.segment,
        bankAccounts: c.fileAccounts.join(';'),
      })),
      partyRows,
      items: this.items,
      accountOf: this.customers.map((c) => c.number),
      history,
      entries,
      advices,
      truth,
      counts: scenarioCounts(p.mix, p.receipts),
    };
  }
}

function docText(d: RemittedDoc): string {
  if (d.type === 'CREN') return `${d.number} -${textAmount(d.due)}`;
  let s = `${d.number} ${textAmount(d.paid ?? d.due)}`;
  if (d.discount !== null) s += ` DISC ${textAmount(d.discount)}`;
  if (d.deduction !== null) s += ` DED ${textAmount(d.deduction.amount)} ${d.deduction.reason}`;
  return s;
}

/**
 * How many subsets of `amounts` (positive; others ignored) sum to `target`: 0, 1, or 2 meaning "two
 * or more"; null when the search takes more than `budget` steps (too many items to be sure). A
 * depth-first count over the amounts in descending order, cut where the rest cannot reach the target.
 */
export function countSubsetSums(
  amounts: readonly bigint[],
  target: bigint,
  budget = 2_000_000,
): 0 | 1 | 2 | null {
  const a = amounts.filter((x) => x > 0n).sort((x, y) => (x > y ? -1 : x < y ? 1 : 0));
  const suffix: bigint[] = new Array<bigint>(a.length + 1).fill(0n);
  for (let i = a.length - 1; i >= 0; i--) suffix[i] = (suffix[i + 1] as bigint) + (a[i] as bigint);
  let found = 0;
  let steps = 0;
  const search = (i: number, rest: bigint): boolean => {
    if (++steps > budget) return true;
    if (rest === 0n) return ++found >= 2;
    if (i === a.length || (suffix[i] as bigint) < rest) return false;
    const x = a[i] as bigint;
    if (x <= rest && search(i + 1, rest - x)) return true;
    return search(i + 1, rest);
  };
  search(0, target);
  if (steps > budget) return null;
  return found >= 2 ? 2 : (found as 0 | 1);
}

// ---------------------------------------------------------------------------------------------------
// Files

export interface CashBenchFiles {
  readonly dir: string;
  readonly customers: string;
  readonly parties: string;
  readonly invoices: string;
  readonly history: string;
  readonly bank: string;
  /** The bank CSV export's column mapping (`import bank --mapping`), for the csv format. */
  readonly mapping: string | null;
  /** Advices that come with the money; null when there are none. */
  readonly remittance: string | null;
  /** Advices that arrive separately; null when there are none. */
  readonly remittanceSeparate: string | null;
  readonly truth: string;
  readonly manifest: string;
}

/** Buffers text and writes it in large chunks, waiting when the stream asks to. */
class TextSink {
  private buffer = '';
  private readonly out: WriteStream;
  constructor(path: string) {
    this.out = createWriteStream(path);
  }
  async write(s: string): Promise<void> {
    this.buffer += s;
    if (this.buffer.length > 1 << 20) {
      const chunk = this.buffer;
      this.buffer = '';
      if (!this.out.write(chunk)) await once(this.out, 'drain');
    }
  }
  async close(): Promise<void> {
    this.out.end(this.buffer);
    this.buffer = '';
    await once(this.out, 'finish');
  }
}

function csvField(v: string): string {
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

/** Writes the data set into `dir` with the bank file in `format`; returns the paths. */
export async function writeCashBench(
  dir: string,
  data: CashBenchData,
  format: BankFormat,
): Promise<CashBenchFiles> {
  await mkdir(dir, { recursive: true });
  const path = (name: string) => join(dir, name);
  const files = {
    dir,
    customers: path('customers.csv'),
    parties: path('parties.csv'),
    invoices: path('invoices.csv'),
    history: path('history.csv'),
    bank: path(format === 'camt' ? 'statement.xml' : format === 'bai2' ? 'statement.bai' : 'statement.csv'),
    mapping: format === 'csv' ? path('bank-mapping.json') : null,
    remittance: data.advices.some((a) => !a.separate) ? path('remittance.csv') : null,
    remittanceSeparate: data.advices.some((a) => a.separate) ? path('remittance-separate.csv') : null,
    truth: path('truth.jsonl'),
    manifest: path('manifest.json'),
  } satisfies CashBenchFiles;

  let out = new TextSink(files.customers);
  await out.write(
    csvLine(['account_number', 'name', 'parent_account_number', 'terms', 'segment', 'bank_accounts']),
  );
  for (const c of data.customers)
    await out.write(csvLine([c.number, c.name, c.parent, c.terms, c.segment, c.bankAccounts]));
  await out.close();

  out = new TextSink(files.parties);
  await out.write(
    csvLine(['party_id', 'party_name', 'party_kind', 'account_number', 'roles', 'bank_accounts']),
  );
  for (const p of data.partyRows)
    await out.write(csvLine([p.id, p.name, p.kind, p.account, p.roles, p.bankAccounts]));
  await out.close();

  out = new TextSink(files.invoices);
  await out.write(csvLine(['invoice_number', 'account_number', 'type', 'issue_date', 'amount']));
  const documents = data.items
    .filter((i) => i.type !== 'deduction')
    .sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
  for (const i of documents)
    await out.write(
      csvLine([
        i.number,
        data.accountOf[i.customer] as string,
        i.type,
        fromDayNumber(i.issue),
        dec(i.amount),
      ]),
    );
  await out.close();

  out = new TextSink(files.history);
  await out.write(
    csvLine([
      'receipt_reference',
      'receipt_date',
      'receipt_amount',
      'currency',
      'payer_name',
      'payer_bank_account',
      'method',
      'memo',
      'account_number',
      'invoice_number',
      'kind',
      'applied_amount',
      'reason_code',
    ]),
  );
  for (const h of data.history)
    for (const row of h.rows)
      await out.write(
        csvLine([
          h.reference,
          h.date,
          dec(h.amount),
          CURRENCY,
          h.payerName,
          h.payerAccount,
          h.method,
          h.memo,
          row.account,
          row.invoice,
          row.kind,
          dec(row.amount),
          row.reason,
        ]),
      );
  await out.close();

  if (format === 'camt') await writeCamt(files.bank, data);
  else if (format === 'bai2') await writeBai2(files.bank, data);
  else {
    await writeBankCsv(files.bank, data);
    await writeFile(files.mapping as string, `${JSON.stringify(BANK_CSV_MAPPING, null, 2)}\n`);
  }

  for (const [file, separate] of [
    [files.remittance, false],
    [files.remittanceSeparate, true],
  ] as const) {
    if (file === null) continue;
    out = new TextSink(file);
    await out.write(
      csvLine([
        'remittance_id',
        'payer_name',
        'payment_reference',
        'payment_date',
        'payment_amount',
        'currency',
        'invoice_number',
        'paid_amount',
        'discount_amount',
        'deduction_amount',
        'deduction_reason',
      ]),
    );
    for (const a of data.advices.filter((x) => x.separate === separate))
      for (const l of a.lines)
        await out.write(
          csvLine([
            a.id,
            a.payerName,
            a.paymentReference ?? '',
            a.paymentDate,
            dec(a.paymentAmount),
            CURRENCY,
            l.invoice,
            dec(l.paid),
            l.discount === null ? '' : dec(l.discount),
            l.deduction === null ? '' : dec(l.deduction),
            l.reason ?? '',
          ]),
        );
    await out.close();
  }

  out = new TextSink(files.truth);
  for (const t of data.truth) await out.write(`${JSON.stringify(t)}\n`);
  await out.close();

  const openItems = data.items.filter((i) => i.open > 0n).length;
  const manifest = {
    generator: 'bench/cash/generate.ts',
    seed: data.params.seed,
    format,
    period: { from: data.periodStart, to: data.asOf },
    params: {
      customers: data.params.customers,
      openItems: data.params.openItems,
      receipts: data.params.receipts,
      periodDays: data.params.periodDays,
      mix: data.params.mix,
      shares: data.params.shares,
    },
    sizes: {
      customers: data.customers.length,
      partyRelationships: data.partyRows.length,
      documents: documents.length,
      openItems,
      historyReceipts: data.history.length,
      receipts: data.truth.length,
      bankDebits: data.entries.filter((e) => e.direction === 'debit').length,
      advicesWithPayment: data.advices.filter((a) => !a.separate).length,
      advicesSeparate: data.advices.filter((a) => a.separate).length,
    },
    scenarios: data.counts,
    files,
  };
  await writeFile(files.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  return files;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Text parts of an entry as one list, structured parts written out (formats without structure). */
function flatText(e: BankEntry, withCustomerRef: boolean): string[] {
  return [
    ...(withCustomerRef && e.customerRef !== null ? [e.customerRef] : []),
    ...(e.creditorRef !== null ? [e.creditorRef] : []),
    ...e.text,
    ...e.docs.map(docText),
  ].filter((t) => t !== '');
}

/** Splits text at spaces into pieces of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (word === '') continue;
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = '';
    }
    line = line === '' ? word : `${line} ${word}`;
    while (line.length > width) {
      out.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  if (line !== '') out.push(line);
  return out;
}

function byDay(entries: readonly BankEntry[]): [LocalDate, BankEntry[]][] {
  const days = new Map<LocalDate, BankEntry[]>();
  for (const e of entries) {
    const list = days.get(e.date);
    if (list) list.push(e);
    else days.set(e.date, [e]);
  }
  return [...days].sort(([a], [b]) => (a < b ? -1 : 1));
}

const OPENING_BALANCE = 250_000_000n;

/** ISO 20022 bank transaction codes (domain/family/sub-family) by how the money moved. */
const CAMT_CODES: Record<BankEntry['method'], readonly [string, string, string]> = {
  ach: ['PMNT', 'RCDT', 'ACDT'],
  wire: ['PMNT', 'RCDT', 'DMCT'],
  check: ['PMNT', 'RCHQ', 'CCHQ'],
  fee: ['ACMT', 'MDOP', 'CHRG'],
  transfer: ['PMNT', 'ICDT', 'DMCT'],
};

/**
 * camt.053.001.02 (ISO 20022 BankToCustomerStatementV02): one statement per booking day with its
 * opening and closing booked balances and transaction summary; one entry per receipt with one
 * transaction detail (spec §5: the receipt's reference is `TxDtls/Refs/AcctSvcrRef`).
 */
async function writeCamt(path: string, data: CashBenchData): Promise<void> {
  const out = new TextSink(path);
  const seed = data.params.seed;
  const amt = (minor: bigint) => `<Amt Ccy="${CURRENCY}">${dec(minor)}</Amt>`;
  const money = (tag: string, minor: bigint) => `<${tag} Ccy="${CURRENCY}">${dec(minor)}</${tag}>`;
  await out.write(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n<BkToCstmrStmt>\n<GrpHdr><MsgId>ARBOR-BENCH-${seed}-${data.asOf.replace(/-/g, '')}</MsgId><CreDtTm>${data.asOf}T23:30:00</CreDtTm></GrpHdr>\n`,
  );
  let balance = OPENING_BALANCE;
  let sequence = 0;
  const balanceXml = (code: string, value: bigint, day: LocalDate) =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>${amt(value < 0n ? -value : value)}<CdtDbtInd>${value < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>\n`;
  for (const [day, entries] of byDay(data.entries)) {
    const credits = entries.filter((e) => e.direction === 'credit');
    const debits = entries.filter((e) => e.direction === 'debit');
    const sum = (xs: BankEntry[]) => xs.reduce((a, e) => a + e.amount, 0n);
    const net = sum(credits) - sum(debits);
    const opening = balance;
    balance += net;
    await out.write(
      `<Stmt>\n<Id>ARB-${seed}-${day.replace(/-/g, '')}</Id><ElctrncSeqNb>${++sequence}</ElctrncSeqNb><CreDtTm>${day}T23:30:00</CreDtTm>` +
        `<FrToDt><FrDtTm>${day}T00:00:00</FrDtTm><ToDtTm>${day}T23:59:59</ToDtTm></FrToDt>\n` +
        `<Acct><Id><Othr><Id>${COMPANY_ACCOUNT}</Id></Othr></Id><Ccy>${CURRENCY}</Ccy></Acct>\n` +
        balanceXml('OPBD', opening, day) +
        balanceXml('CLBD', balance, day) +
        `<TxsSummry><TtlNtries><NbOfNtries>${entries.length}</NbOfNtries><Sum>${dec(sum(entries))}</Sum><TtlNetNtryAmt>${dec(net < 0n ? -net : net)}</TtlNetNtryAmt><CdtDbtInd>${net < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd></TtlNtries>` +
        `<TtlCdtNtries><NbOfNtries>${credits.length}</NbOfNtries><Sum>${dec(sum(credits))}</Sum></TtlCdtNtries>` +
        `<TtlDbtNtries><NbOfNtries>${debits.length}</NbOfNtries><Sum>${dec(sum(debits))}</Sum></TtlDbtNtries></TxsSummry>\n`,
    );
    for (const e of entries) {
      const credit = e.direction === 'credit';
      const [domain, family, sub] = CAMT_CODES[e.method];
      const refs =
        `<AcctSvcrRef>${xml(e.reference)}</AcctSvcrRef>` +
        (e.endToEnd !== null ? `<EndToEndId>${xml(e.endToEnd)}</EndToEndId>` : '') +
        (e.checkNumber !== null ? `<ChqNb>${xml(e.checkNumber)}</ChqNb>` : '');
      const [routing, account] = e.payerAccount === null ? [null, null] : splitAccount(e.payerAccount);
      const party =
        e.payerName === null && account === null
          ? ''
          : credit
            ? `<RltdPties>${e.payerName === null ? '' : `<Dbtr><Nm>${xml(e.payerName)}</Nm></Dbtr>`}${account === null ? '' : `<DbtrAcct><Id><Othr><Id>${xml(account)}</Id></Othr></Id></DbtrAcct>`}</RltdPties>`
            : `<RltdPties>${e.payerName === null ? '' : `<Cdtr><Nm>${xml(e.payerName)}</Nm></Cdtr>`}</RltdPties>`;
      const agent =
        credit && routing !== null
          ? `<RltdAgts><DbtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>USABA</Cd></ClrSysId><MmbId>${routing}</MmbId></ClrSysMmbId></FinInstnId></DbtrAgt></RltdAgts>`
          : '';
      // Unstructured parts (Max140Text each), then structured blocks.
      const texts = [...(e.customerRef !== null ? [e.customerRef] : []), ...e.text].flatMap((t) =>
        wrap(t, 140),
      );
      const structured = [
        ...(e.creditorRef !== null
          ? [`<Strd><CdtrRefInf><Ref>${xml(e.creditorRef)}</Ref></CdtrRefInf></Strd>`]
          : []),
        ...e.docs.map((d) => {
          const amounts =
            d.type === 'CREN'
              ? money('CdtNoteAmt', d.due)
              : money('DuePyblAmt', d.due) +
                (d.discount === null ? '' : money('DscntApldAmt', d.discount)) +
                (d.deduction === null
                  ? ''
                  : `<AdjstmntAmtAndRsn>${amt(d.deduction.amount)}<CdtDbtInd>DBIT</CdtDbtInd><AddtlInf>${xml(d.deduction.reason)}</AddtlInf></AdjstmntAmtAndRsn>`) +
                money('RmtdAmt', d.paid ?? d.due);
          return `<Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>${d.type}</Cd></CdOrPrtry></Tp><Nb>${xml(d.number)}</Nb></RfrdDocInf><RfrdDocAmt>${amounts}</RfrdDocAmt></Strd>`;
        }),
      ];
      const remittance =
        texts.length === 0 && structured.length === 0
          ? ''
          : `<RmtInf>${texts.map((t) => `<Ustrd>${xml(t)}</Ustrd>`).join('')}${structured.join('')}</RmtInf>`;
      await out.write(
        `<Ntry>${amt(e.amount)}<CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${e.date}</Dt></BookgDt><ValDt><Dt>${e.date}</Dt></ValDt>` +
          `<AcctSvcrRef>${xml(e.reference)}</AcctSvcrRef><BkTxCd><Domn><Cd>${domain}</Cd><Fmly><Cd>${family}</Cd><SubFmlyCd>${sub}</SubFmlyCd></Fmly></Domn></BkTxCd>\n` +
          `<NtryDtls><TxDtls><Refs>${refs}</Refs><AmtDtls><TxAmt>${amt(e.amount)}</TxAmt></AmtDtls>${party}${agent}${remittance}</TxDtls></NtryDtls></Ntry>\n`,
      );
    }
    await out.write('</Stmt>\n');
  }
  await out.write('</BkToCstmrStmt>\n</Document>\n');
  await out.close();
}

function splitAccount(a: string): [string | null, string] {
  const i = a.indexOf(':');
  return i < 0 ? [null, a] : [a.slice(0, i), a.slice(i + 1)];
}

/** BAI2 detail type codes (BAI2 Appendix A) by how the money moved. */
const BAI2_CODES: Record<BankEntry['method'], string> = {
  ach: '165', // preauthorized ACH credit
  wire: '195', // incoming money transfer
  check: '116', // item in lockbox deposit (one check; its serial number in the customer reference)
  fee: '698', // miscellaneous fees
  transfer: '495', // outgoing money transfer
};

/**
 * BAI2 (BAI Cash Management Balance Reporting Specifications, version 2): one group per booking day
 * (the group's as-of date is the booking date), one account per group with opening and closing ledger
 * and total credits and debits; each receipt a 16 record (bank reference = the receipt's reference,
 * customer reference = the check number for checks), the payer in `DBNM`/`DACT`/`DABA` and the
 * end-to-end id in `EREF` tags on 88 records, remittance text on further 88 records. Trailers carry
 * the control totals and record counts the specification defines.
 */
async function writeBai2(path: string, data: CashBenchData): Promise<void> {
  const out = new TextSink(path);
  const yymmdd = (d: LocalDate) => d.replace(/-/g, '').slice(2);
  const clean = (s: string) =>
    s
      .replace(/[/\r\n]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  const lines: string[] = [`01,ARBORBANK,ARBORCO,${yymmdd(data.asOf)},2330,B${data.params.seed},,,2/`];
  const groups: string[][] = [];
  let fileTotal = 0n;
  let balance = OPENING_BALANCE;
  for (const [day, entries] of byDay(data.entries)) {
    const credits = entries.filter((e) => e.direction === 'credit');
    const debits = entries.filter((e) => e.direction === 'debit');
    const sum = (xs: BankEntry[]) => xs.reduce((a, e) => a + e.amount, 0n);
    const opening = balance;
    balance += sum(credits) - sum(debits);
    const account: string[] = [
      `03,${COMPANY_ACCOUNT},${CURRENCY},010,${opening},,,015,${balance},,,100,${sum(credits)},${credits.length},,400,${sum(debits)},${debits.length},/`,
    ];
    let total = opening + balance + sum(credits) + sum(debits);
    for (const e of entries) {
      total += e.amount;
      const customerRef = e.checkNumber ?? e.customerRef ?? '';
      const text = flatText(e, e.checkNumber !== null).map(clean);
      const chunks = wrap(text.join(' '), 70);
      account.push(
        `16,${BAI2_CODES[e.method]},${e.amount},0,${e.reference},${clean(customerRef)},${chunks[0] ?? ''}/`,
      );
      const [routing, acct] = e.payerAccount === null ? [null, null] : splitAccount(e.payerAccount);
      if (e.payerName !== null)
        account.push(`88,${e.direction === 'credit' ? 'DBNM' : 'CRNM'}: ${clean(e.payerName)}/`);
      if (acct !== null) account.push(`88,DACT: ${acct}/`);
      if (routing !== null) account.push(`88,DABA: ${routing}/`);
      if (e.endToEnd !== null) account.push(`88,EREF: ${clean(e.endToEnd)}/`);
      for (const chunk of chunks.slice(1)) account.push(`88,${chunk}/`);
    }
    account.push(`49,${total},${account.length + 1}/`);
    groups.push([
      `02,ARBORCO,ARBORBANK,1,${yymmdd(day)},2359,${CURRENCY},2/`,
      ...account,
      `98,${total},1,${account.length + 2}/`,
    ]);
    fileTotal += total;
  }
  const records = 2 + groups.reduce((a, g) => a + g.length, 0);
  for (const line of lines) await out.write(`${line}\n`);
  for (const g of groups) for (const line of g) await out.write(`${line}\n`);
  await out.write(`99,${fileTotal},${groups.length},${records}/\n`);
  await out.close();
}

/** The column mapping of the bank CSV export (`arbor import bank FILE --mapping bank-mapping.json`). */
export const BANK_CSV_MAPPING = {
  name: 'arbor-bench-cash',
  delimiter: ',',
  decimal_mark: '.',
  date_format: 'YYYY-MM-DD',
  account: COMPANY_ACCOUNT,
  currency: 'USD',
  columns: {
    booking_date: 'Date',
    reference: 'Bank Reference',
    type_code: 'Type',
    amount: 'Amount',
    counterparty_name: 'Payer',
    counterparty_account: 'Payer Account',
    end_to_end_id: 'End To End Id',
    check_number: 'Check Number',
    customer_reference: 'Customer Reference',
    remittance_text: 'Details',
  },
} as const;

const CSV_TYPES: Record<BankEntry['method'], string> = {
  ach: 'ACH CREDIT',
  wire: 'INCOMING WIRE',
  check: 'CHECK DEPOSIT',
  fee: 'SERVICE FEE',
  transfer: 'OUTGOING TRANSFER',
};

/** A bank's CSV export: one row per transaction, signed amounts (debits negative). */
async function writeBankCsv(path: string, data: CashBenchData): Promise<void> {
  const out = new TextSink(path);
  await out.write(
    csvLine([
      'Date',
      'Bank Reference',
      'Type',
      'Amount',
      'Payer',
      'Payer Account',
      'End To End Id',
      'Check Number',
      'Customer Reference',
      'Details',
    ]),
  );
  for (const e of data.entries)
    await out.write(
      csvLine([
        e.date,
        e.reference,
        CSV_TYPES[e.method],
        dec(e.direction === 'credit' ? e.amount : -e.amount),
        e.payerName ?? '',
        e.payerAccount ?? '',
        e.endToEnd ?? '',
        e.checkNumber ?? '',
        e.customerRef ?? '',
        flatText(e, false).join(' '),
      ]),
    );
  await out.close();
}
