import { type CurrencyCode, parseCurrency } from '../../../core/currency.ts';

/**
 * The generator's internal model of the demo portfolio: customers, parties, items and the receipts that
 * settle them, with amounts as bigint minor units and dates as day numbers (days since 1970-01-01).
 * Records in the spec's string columns are made from it only at the end.
 */

export type Segment =
  | 'large_group'
  | 'mid_market'
  | 'small_group'
  | 'public_sector'
  | 'taft_hartley'
  | 'individual';

export type BusinessSegment = Exclude<Segment, 'individual'>;

export type Terms = 'NET30' | 'NET45' | 'NET15' | '2/10NET30' | 'NET30EOM' | 'DUE';

export type Method = 'ach' | 'wire' | 'check' | 'lockbox';

export type ItemType = 'invoice' | 'credit_memo' | 'debit_memo';

export type PartyKind = 'broker' | 'tpa' | 'captive' | 'consultant' | 'parent';

export type DiscountHabit = 'earns' | 'late_taker' | 'never';

export interface Payer {
  key: string;
  kind: 'customer' | PartyKind;
  name: string;
  bankAccounts: string[];
  methods: readonly (readonly [Method, number])[];
  primary: Method;
  cadence: 'daily' | 'weekly';
  /** 1 = Monday … 5 = Friday: the weekday of the payer's payment run when weekly. */
  runWeekday: number;
  checkNumber: number;
  achName?: string;
  wireName?: string;
}

export interface Customer {
  ord: number;
  account: string;
  name: string;
  segment: Segment;
  consumer: boolean;
  entity: 'MAIN' | 'CAN';
  currency: CurrencyCode;
  terms: Terms;
  parent: Customer | null;
  children: Customer[];
  /** The parent pays the whole family's invoices. */
  centralAp: boolean;
  members: number;
  adminPmpm: bigint;
  claimsPmpm: bigint;
  premium: bigint;
  weeklyClaims: boolean;
  startMonth: number;
  endMonth: number;
  lateMean: number;
  lateSd: number;
  chronic: boolean;
  delinquentFrom: number | null;
  unpaidTail: number;
  disputeProne: boolean;
  netsCredits: boolean;
  discountHabit: DiscountHabit;
  rebatePassThrough: boolean;
  poStyle: 'fiscal' | 'annual' | 'none';
  groupNumber: string;
  creditLimit: bigint;
  collector: string;
  email: string;
  phone: string;
  address1: string;
  address2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  bankAccounts: string[];
  self: Payer | null;
  /** A TPA or captive with the payer role. */
  payerParty: Party | null;
  billToParty: string;
  /** Invoices and debit memos in issue order. */
  items: Item[];
  /** Standalone credit memos in issue order. */
  credits: Item[];
}

export interface Item {
  seq: number;
  number: string;
  type: ItemType;
  customer: Customer;
  issue: number;
  due: number;
  amount: bigint;
  termsOverride: Terms | '';
  explicitDue: boolean;
  po: string;
  reference: string;
  description: string;
  appliesTo: Item | null;
  /** Credit memos applied to this invoice through `applies_to` (at import, before history). */
  credited: bigint;
  /** Issue day of the credit memo applied to it, if any. */
  memoDay: number;
  /** `invoice` rows of history against this item. */
  settled: bigint;
  /** For a standalone credit memo: the part consumed by `credit_memo` rows. */
  netted: bigint;
  unpaid: boolean;
}

export interface Party {
  id: string;
  name: string;
  kind: PartyKind;
  email: string;
  phone: string;
  bankAccounts: string[];
  payer: Payer | null;
  relations: { customer: Customer; roles: string }[];
}

export type LineKind = 'invoice' | 'discount' | 'deduction' | 'on_account' | 'credit_memo' | 'bank_fee';

/** One history row: an application of a receipt. */
export interface Line {
  kind: LineKind;
  /** The invoice concerned, or for `credit_memo` the memo netted; null for `on_account`. */
  item: Item | null;
  customer: Customer;
  /** Signed as in spec section 3. */
  amount: bigint;
  reason: string;
}

export interface Draft {
  payer: Payer;
  day: number;
  method: Method;
  currency: CurrencyCode;
  /**
   * Each payment starts with an `invoice` or `on_account` line; a discount or deduction follows the
   * invoice line it belongs to, so a batch can be split before any `invoice` or `on_account` line.
   */
  lines: Line[];
}

export interface Receipt {
  reference: string;
  day: number;
  amount: bigint;
  currency: CurrencyCode;
  payerName: string;
  payerAccount: string;
  method: Method;
  memo: string;
  rows: Line[];
}

export const USD = parseCurrency('USD');

export const CAD = parseCurrency('CAD');

export function effectiveTerms(item: Item): Terms {
  return item.termsOverride === '' ? item.customer.terms : item.termsOverride;
}

export function openOf(item: Item): bigint {
  return item.amount - item.credited - item.settled;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
