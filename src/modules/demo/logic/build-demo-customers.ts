import { makeAbaRoutingNumber, makeCanadianAccount, makeIban, makeUsAccount } from './bank-accounts.ts';
import { type Calendar, monthStart } from './demo-calendar.ts';
import {
  type BusinessSegment,
  CAD,
  type Customer,
  type DiscountHabit,
  type Method,
  type Payer,
  type Segment,
  type Terms,
  USD,
} from './demo-model.ts';
import { businessName, NameBook, phoneNumber, slugOf } from './demo-names.ts';
import {
  AP_MAILBOXES,
  CA_CITIES,
  FIRST_NAMES,
  LAST_NAMES,
  NAME_PREFIXES,
  PARENT_WORDS,
  STREET_NAMES,
  US_CITIES,
} from './demo-vocabulary.ts';
import type { Prng } from './prng.ts';

/**
 * Employer groups (and a handful of individual members) with the traits that drive their billing and
 * payment behaviour: segment, size, prices, terms, credit limit, collector, lateness, corporate family.
 */

interface SegmentProfile {
  members: readonly [number, number];
  adminPmpmCents: readonly [number, number];
  claimsPmpmCents: readonly [number, number];
  terms: readonly (readonly [Terms, number])[];
  /** Credit limit as a multiple of estimated monthly billing, in tenths. */
  creditLimitTenths: number;
  /** Range of the customer's mean days paid after the due date, and the spread per invoice. */
  lateMean: readonly [number, number];
  lateSd: number;
  methods: readonly (readonly [Method, number])[];
  chronicShare: number;
}

const PROFILES: Record<Segment, SegmentProfile> = {
  large_group: {
    members: [5000, 40000],
    adminPmpmCents: [350, 600],
    claimsPmpmCents: [9000, 13500],
    terms: [
      ['NET30', 60],
      ['NET45', 20],
      ['2/10NET30', 15],
      ['NET30EOM', 5],
    ],
    creditLimitTenths: 20,
    lateMean: [-2, 4],
    lateSd: 3,
    methods: [
      ['ach', 55],
      ['wire', 45],
    ],
    chronicShare: 0.02,
  },
  mid_market: {
    members: [800, 5000],
    adminPmpmCents: [450, 750],
    claimsPmpmCents: [8500, 13000],
    terms: [
      ['NET30', 70],
      ['2/10NET30', 12],
      ['NET45', 8],
      ['NET30EOM', 6],
      ['NET15', 4],
    ],
    creditLimitTenths: 15,
    lateMean: [0, 9],
    lateSd: 6,
    methods: [
      ['ach', 70],
      ['wire', 10],
      ['check', 8],
      ['lockbox', 12],
    ],
    chronicShare: 0.07,
  },
  small_group: {
    members: [40, 800],
    adminPmpmCents: [550, 950],
    claimsPmpmCents: [7500, 12500],
    terms: [
      ['NET30', 60],
      ['NET15', 15],
      ['2/10NET30', 10],
      ['DUE', 10],
      ['NET30EOM', 5],
    ],
    creditLimitTenths: 13,
    lateMean: [-3, 20],
    lateSd: 12,
    methods: [
      ['ach', 40],
      ['check', 20],
      ['lockbox', 35],
      ['wire', 5],
    ],
    chronicShare: 0.1,
  },
  public_sector: {
    members: [1500, 30000],
    adminPmpmCents: [300, 550],
    claimsPmpmCents: [9500, 15000],
    terms: [
      ['NET45', 45],
      ['NET30', 35],
      ['NET30EOM', 20],
    ],
    creditLimitTenths: 25,
    lateMean: [20, 40],
    lateSd: 6,
    methods: [
      ['ach', 40],
      ['check', 25],
      ['lockbox', 35],
    ],
    chronicShare: 0.05,
  },
  taft_hartley: {
    members: [400, 8000],
    adminPmpmCents: [400, 700],
    claimsPmpmCents: [10500, 16000],
    terms: [
      ['NET30', 75],
      ['NET45', 15],
      ['NET15', 10],
    ],
    creditLimitTenths: 15,
    lateMean: [5, 18],
    lateSd: 8,
    methods: [
      ['ach', 40],
      ['check', 30],
      ['lockbox', 30],
    ],
    chronicShare: 0.05,
  },
  individual: {
    members: [1, 1],
    adminPmpmCents: [0, 0],
    claimsPmpmCents: [0, 0],
    terms: [
      ['DUE', 60],
      ['NET15', 40],
    ],
    creditLimitTenths: 0,
    lateMean: [0, 15],
    lateSd: 10,
    methods: [
      ['check', 40],
      ['lockbox', 30],
      ['ach', 30],
    ],
    chronicShare: 0.05,
  },
};

const CAD_METHODS: readonly (readonly [Method, number])[] = [
  ['ach', 50],
  ['wire', 50],
];

const CHECK_METHODS: readonly (readonly [Method, number])[] = [
  ['check', 50],
  ['lockbox', 50],
];

const STANDALONE_SEGMENTS: readonly (readonly [BusinessSegment, number])[] = [
  ['large_group', 8],
  ['mid_market', 28],
  ['small_group', 44],
  ['public_sector', 11],
  ['taft_hartley', 9],
];

export interface BankPool {
  us: string[];
}

export function buildBankPool(rng: Prng): BankPool {
  const us: string[] = [];
  for (let i = 0; i < 30; i++) us.push(makeAbaRoutingNumber(rng));
  return { us };
}

function blankCustomer(ord: number, name: string, segment: Segment): Customer {
  return {
    ord,
    account: '',
    name,
    segment,
    consumer: segment === 'individual',
    entity: 'MAIN',
    currency: USD,
    terms: 'NET30',
    parent: null,
    children: [],
    centralAp: false,
    members: 1,
    adminPmpm: 0n,
    claimsPmpm: 0n,
    premium: 0n,
    weeklyClaims: false,
    startMonth: 0,
    endMonth: 0,
    lateMean: 0,
    lateSd: 1,
    chronic: false,
    delinquentFrom: null,
    unpaidTail: 0,
    disputeProne: false,
    netsCredits: false,
    discountHabit: 'never',
    rebatePassThrough: false,
    poStyle: 'none',
    groupNumber: '',
    creditLimit: 0n,
    collector: '',
    email: '',
    phone: '',
    address1: '',
    address2: '',
    city: '',
    region: '',
    postalCode: '',
    country: 'US',
    bankAccounts: [],
    self: null,
    payerParty: null,
    billToParty: '',
    items: [],
    credits: [],
  };
}

function setAddress(rng: Prng, c: Customer, banks: BankPool): string {
  if (c.entity === 'CAN') {
    const [city, province, fsa, area] = rng.pick(CA_CITIES);
    c.city = city;
    c.region = province;
    c.postalCode = `${fsa} ${rng.int(0, 9)}${String.fromCharCode(65 + rng.int(0, 25))}${rng.int(0, 9)}`;
    c.country = 'CA';
    c.phone = phoneNumber(rng, area);
    c.address1 = `${rng.int(10, 2999)} ${rng.pick(STREET_NAMES)}`;
    c.address2 = rng.chance(0.4) ? `Suite ${rng.int(100, 2400)}` : '';
    c.bankAccounts = [makeCanadianAccount(rng)];
    if (rng.chance(0.25)) c.bankAccounts.push(makeIban(rng));
    return 'canada';
  }
  const [city, state, zip3, area, region] = rng.pick(US_CITIES);
  c.city = city;
  c.region = state;
  c.postalCode = `${zip3}${rng.digits(2)}`;
  c.country = 'US';
  c.phone = phoneNumber(rng, area);
  c.address1 = `${rng.int(100, 9899)} ${rng.pick(STREET_NAMES)}`;
  c.address2 = c.consumer
    ? rng.chance(0.3)
      ? `Apt ${rng.int(1, 40)}${String.fromCharCode(65 + rng.int(0, 5))}`
      : ''
    : rng.chance(0.35)
      ? rng.chance(0.7)
        ? `Suite ${rng.int(100, 2400)}`
        : `Floor ${rng.int(2, 30)}`
      : '';
  const r = rng.next();
  const count = c.consumer ? (r < 0.6 ? 1 : 0) : r < 0.04 ? 0 : r < 0.9 ? 1 : 2;
  c.bankAccounts = [];
  for (let i = 0; i < count; i++) c.bankAccounts.push(makeUsAccount(rng, rng.pick(banks.us)));
  return region;
}

function collectorFor(segment: Segment, region: string): string {
  if (region === 'canada') return 'lgagnon';
  switch (segment) {
    case 'large_group':
      return region === 'east' ? 'asmith' : 'bjones';
    case 'mid_market':
      return region === 'east' ? 'clee' : region === 'central' ? 'dpatel' : 'emartinez';
    case 'small_group':
      return region === 'east' ? 'fnguyen' : region === 'central' ? 'gkim' : 'hwilson';
    case 'public_sector':
      return 'iobrien';
    case 'taft_hartley':
      return 'jthompson';
    case 'individual':
      return 'kwhite';
  }
}

/** Size, prices, terms, credit limit, behaviour: everything that follows from the segment. */
function setProfile(rng: Prng, c: Customer, months: number): void {
  const p = PROFILES[c.segment];
  c.terms = rng.weighted(p.terms);
  c.startMonth = months > 2 && rng.chance(0.18) ? rng.int(1, months - 2) : 0;
  c.endMonth = months - 1;
  c.lateMean = p.lateMean[0] + rng.next() * (p.lateMean[1] - p.lateMean[0]);
  c.lateSd = p.lateSd;
  c.chronic = rng.chance(p.chronicShare);
  if (c.chronic) c.lateMean += rng.int(25, 55);
  c.netsCredits = rng.chance(0.85);
  c.discountHabit =
    c.terms === '2/10NET30'
      ? rng.weighted<DiscountHabit>([
          ['earns', 65],
          ['late_taker', 15],
          ['never', 20],
        ])
      : 'never';
  if (c.consumer) {
    c.members = 1;
    c.premium = BigInt(rng.int(85, 650) * 100 + rng.pick([0, 0, 50, 25, 75]));
    c.creditLimit = BigInt(rng.pick([500, 1000, 1500, 2500])) * 100n;
    c.groupNumber = `MBR-${rng.digits(9)}`;
    return;
  }
  const u = rng.next();
  // Skewed towards the small end of the range: most groups are small, a few are very large.
  c.members = Math.round(p.members[0] + (p.members[1] - p.members[0]) * u * u);
  c.adminPmpm = BigInt(rng.int(p.adminPmpmCents[0], p.adminPmpmCents[1]));
  c.claimsPmpm = BigInt(rng.int(p.claimsPmpmCents[0], p.claimsPmpmCents[1]));
  c.weeklyClaims = c.segment === 'large_group' || (c.segment === 'public_sector' && c.members > 15000);
  c.disputeProne = rng.chance(0.1);
  const rebateShare: Record<Segment, number> = {
    large_group: 0.35,
    mid_market: 0.15,
    small_group: 0.02,
    public_sector: 0.2,
    taft_hartley: 0.2,
    individual: 0,
  };
  c.rebatePassThrough = rng.chance(rebateShare[c.segment]);
  c.poStyle =
    c.segment === 'public_sector'
      ? 'fiscal'
      : c.segment !== 'small_group' && rng.chance(0.3)
        ? 'annual'
        : 'none';
  c.groupNumber = rng.chance(0.4) ? `GRP-${rng.digits(5)}` : '';
  // Credit limit: a multiple of estimated monthly billing, rounded up to 10,000.00.
  const monthly = BigInt(c.members) * (c.adminPmpm + c.claimsPmpm);
  const step = 1_000_000n;
  const raw = (monthly * BigInt(p.creditLimitTenths)) / 10n;
  c.creditLimit = ((raw + step - 1n) / step) * step;
}

function setContact(rng: Prng, c: Customer): void {
  if (c.consumer) {
    const [first = 'member', last = 'member'] = c.name.toLowerCase().split(' ');
    c.email = `${first}.${last}${rng.digits(2)}@example.com`;
    return;
  }
  c.email = `${rng.pick(AP_MAILBOXES)}@${slugOf(c.name)}.example.com`;
}

function makeSelfPayer(rng: Prng, c: Customer): Payer {
  const p = PROFILES[c.segment];
  const methods = c.bankAccounts.length === 0 ? CHECK_METHODS : c.entity === 'CAN' ? CAD_METHODS : p.methods;
  const daily =
    c.discountHabit === 'earns' || (c.segment === 'large_group' && rng.chance(0.6)) || c.entity === 'CAN';
  return {
    key: c.account,
    kind: 'customer',
    name: c.name,
    bankAccounts: c.bankAccounts,
    methods,
    primary: rng.weighted(methods),
    cadence: daily ? 'daily' : 'weekly',
    runWeekday: rng.int(1, 5),
    checkNumber: rng.int(1000, 90000),
  };
}

export function buildCustomers(rng: Prng, n: number, cal: Calendar, banks: BankPool): Customer[] {
  const names = new NameBook();
  const all: Customer[] = [];
  const consumerCount = n >= 20 ? Math.max(2, Math.round(n * 0.006)) : n >= 8 ? 1 : 0;
  const businessCount = n - consumerCount;
  const familyTarget = businessCount >= 8 ? Math.max(1, Math.round(businessCount * 0.05)) : 0;
  let remaining = businessCount;
  const standalone: Customer[] = [];

  // Corporate families: a parent (itself a customer) and 2-6 subsidiaries sharing its name stem.
  for (let f = 0; f < familyTarget && remaining >= 3; f++) {
    const kids = Math.min(rng.int(2, 6), remaining - 1);
    remaining -= kids + 1;
    const stem = rng.pick(NAME_PREFIXES);
    const segment = rng.weighted<BusinessSegment>([
      ['large_group', 45],
      ['mid_market', 40],
      ['small_group', 15],
    ]);
    const parent = blankCustomer(
      all.length,
      names.unique(() => `${stem} ${rng.pick(PARENT_WORDS)} ${rng.pick(['Inc.', 'LLC', 'Corp.'])}`),
      segment,
    );
    all.push(parent);
    const region = setAddress(rng, parent, banks);
    setProfile(rng, parent, cal.months);
    setContact(rng, parent);
    parent.collector = collectorFor(segment, region);
    parent.centralAp = rng.chance(0.6);
    for (let k = 0; k < kids; k++) {
      const childSegment: BusinessSegment =
        segment === 'large_group' && rng.chance(0.5)
          ? 'mid_market'
          : segment === 'mid_market' && rng.chance(0.4)
            ? 'small_group'
            : segment;
      const child = blankCustomer(
        all.length,
        names.unique(() => businessName(rng, childSegment, stem)),
        childSegment,
      );
      all.push(child);
      setAddress(rng, child, banks);
      setProfile(rng, child, cal.months);
      setContact(rng, child);
      child.parent = parent;
      child.collector = parent.collector;
      child.terms = parent.terms;
      child.discountHabit = parent.discountHabit;
      child.startMonth = rng.chance(0.8) ? parent.startMonth : child.startMonth;
      if (parent.centralAp) {
        child.discountHabit = parent.discountHabit;
        child.lateMean = parent.lateMean;
        child.chronic = parent.chronic;
        if (rng.chance(0.5)) child.bankAccounts = [];
      }
      parent.children.push(child);
    }
  }

  const cadCount = Math.round(n * 0.04);
  for (let i = 0; i < remaining; i++) {
    const cad = i < cadCount;
    const segment: BusinessSegment = cad
      ? rng.weighted<BusinessSegment>([
          ['large_group', 15],
          ['mid_market', 45],
          ['small_group', 40],
        ])
      : rng.weighted(STANDALONE_SEGMENTS);
    const c = blankCustomer(
      all.length,
      names.unique(() => businessName(rng, segment)),
      segment,
    );
    if (cad) {
      c.entity = 'CAN';
      c.currency = CAD;
    }
    all.push(c);
    standalone.push(c);
    const region = setAddress(rng, c, banks);
    setProfile(rng, c, cal.months);
    setContact(rng, c);
    c.collector = collectorFor(segment, region);
  }

  for (let i = 0; i < consumerCount; i++) {
    const c = blankCustomer(
      all.length,
      names.unique(() => `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`),
      'individual',
    );
    all.push(c);
    standalone.push(c);
    setAddress(rng, c, banks);
    setProfile(rng, c, cal.months);
    setContact(rng, c);
    c.collector = collectorFor('individual', '');
    // COBRA continuation lasts 18 months at most: members join and leave throughout the window.
    c.startMonth = cal.months > 1 ? rng.int(0, cal.months - 1) : 0;
    if (rng.chance(0.4)) c.endMonth = rng.int(c.startMonth, cal.months - 1);
  }

  // Account numbers in shuffled order, so that a parent often comes after its subsidiaries.
  rng.shuffle(all);
  all.forEach((c, i) => {
    c.account = `C${100001 + i}`;
    c.ord = i;
  });

  // About 3% severely delinquent: small and mid-size payers and individuals that stop paying.
  const candidates = standalone.filter(
    (c) => c.segment === 'small_group' || c.segment === 'mid_market' || c.consumer,
  );
  rng.shuffle(candidates);
  const delinquentTarget = n >= 20 ? Math.max(1, Math.round(n * 0.03)) : 0;
  let delinquent = 0;
  for (const c of candidates) {
    if (delinquent >= delinquentTarget) break;
    const from = cal.today - rng.int(150, 330);
    const earliest = monthStart(cal, c.startMonth) + 45;
    if (from < earliest || c.endMonth < cal.months - 1) continue;
    c.delinquentFrom = from;
    delinquent++;
  }

  // About 4% of standalone groups terminated their contract; some never paid their final invoices.
  for (const c of standalone) {
    if (c.consumer || c.delinquentFrom !== null || cal.months < 8 || !rng.chance(0.04)) continue;
    if (c.startMonth + 3 > cal.months - 3) continue;
    c.endMonth = rng.int(c.startMonth + 3, cal.months - 3);
    c.unpaidTail = rng.chance(0.5) ? rng.int(1, 4) : 0;
  }

  for (const c of all) c.self = makeSelfPayer(rng, c);
  return all;
}
