import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CurrencyCode, isCurrencyCode } from '../../../core/currency.ts';
import { isAppError } from '../../../core/errors.ts';
import {
  addDays,
  addMonths,
  endOfMonth,
  fromDayNumber,
  isLocalDate,
  type LocalDate,
  toDayNumber,
} from '../../../core/local-date.ts';
import { applyRate, formatAmount, parseAmount, percentRate } from '../../../core/money.ts';
import { isValidAbaRoutingNumber, isValidIban } from './bank-accounts.ts';
import { type DemoPortfolio, generateDemoPortfolio } from './generate-portfolio.ts';

// The columns of the interchange spec (sections 2.6, 2.1, 2.2, 2.3, 2.4), written out here again so that
// the test does not trust the generator's own list.
const COLUMNS = {
  entities: ['code', 'name', 'currency', 'country'],
  customers: [
    'account_number',
    'name',
    'parent_account_number',
    'entity',
    'currency',
    'terms',
    'credit_limit',
    'customer_type',
    'segment',
    'collector',
    'email',
    'phone',
    'address_line1',
    'address_line2',
    'city',
    'region',
    'postal_code',
    'country',
    'bank_accounts',
  ],
  parties: [
    'party_id',
    'party_name',
    'party_kind',
    'account_number',
    'roles',
    'email',
    'phone',
    'bank_accounts',
  ],
  invoices: [
    'invoice_number',
    'account_number',
    'type',
    'issue_date',
    'due_date',
    'currency',
    'amount',
    'terms',
    'po_number',
    'reference',
    'description',
    'entity',
    'bill_to_party_id',
    'applies_to',
  ],
  history: [
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
  ],
} as const;

/** A file's records typed by the spec's columns (the checker verifies that they are exactly those). */
function rowsOf<F extends keyof typeof COLUMNS>(
  p: DemoPortfolio,
  file: F,
): Record<(typeof COLUMNS)[F][number], string>[] {
  return p[file] as Record<(typeof COLUMNS)[F][number], string>[];
}

const TERMS = new Set(['NET30', 'NET45', 'NET15', '2/10NET30', 'NET30EOM', 'DUE']);
const METHODS = new Set(['ach', 'wire', 'sepa', 'check', 'card', 'lockbox', 'other']);
const NEGATIVE_KINDS = new Set(['credit_memo', 'discount', 'deduction', 'bank_fee', 'write_off']);
const POSITIVE_KINDS = new Set(['invoice', 'on_account']);
const ROLES = new Set(['payer', 'notice', 'statement', 'dispute_contact']);
const PARTY_KINDS = new Set(['broker', 'tpa', 'captive', 'consultant', 'parent', 'bill_to', 'other']);
const BUCKETS = ['current', '1_30', '31_60', '61_90', '91_120', 'over_120'] as const;
type Bucket = (typeof BUCKETS)[number];

const TODAY = '2026-11-30' as LocalDate;

/** Due date the way the importer derives it from terms (spec 2.3 and DOMAIN.md, payment terms). */
function derivedDue(issue: LocalDate, terms: string): LocalDate {
  if (terms === 'DUE') return issue;
  const eom = /^NET(\d+)EOM$/.exec(terms);
  if (eom) return addDays(endOfMonth(issue), Number(eom[1]));
  const net = /^(?:\d+\/\d+)?NET(\d+)$/.exec(terms);
  if (net) return addDays(issue, Number(net[1]));
  throw new Error(`unknown terms ${terms}`);
}

function bucketOf(daysPastDue: number): Bucket {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return '1_30';
  if (daysPastDue <= 60) return '31_60';
  if (daysPastDue <= 90) return '61_90';
  if (daysPastDue <= 120) return '91_120';
  return 'over_120';
}

function isWeekend(date: LocalDate): boolean {
  const w = (((toDayNumber(date) + 4) % 7) + 7) % 7;
  return w === 0 || w === 6;
}

interface CheckedInvoice {
  number: string;
  account: string;
  type: string;
  issue: LocalDate;
  due: LocalDate;
  currency: CurrencyCode;
  amount: bigint;
  terms: string;
  appliesTo: string;
  creditedByMemos: bigint;
  settled: bigint;
  netted: bigint;
  lastPayment: LocalDate | null;
}

interface CurrencyTotals {
  billed: bigint;
  credited: bigint;
  received: bigint;
  appliedToItems: bigint;
  creditMemosNetted: bigint;
  discounts: bigint;
  deductions: bigint;
  bankFees: bigint;
  onAccount: bigint;
  unapplied: bigint;
  openItems: bigint;
  openCredits: bigint;
  aging: Record<Bucket, bigint>;
}

interface Check {
  problems: string[];
  invoices: Map<string, CheckedInvoice>;
  totals: Map<string, CurrencyTotals>;
  receipts: Map<
    string,
    { date: LocalDate; amount: bigint; applied: bigint; accounts: Set<string>; invoiceRows: number }
  >;
  kinds: Map<string, number>;
  reasons: Set<string>;
  segmentOf: Map<string, string>;
}

/**
 * An independent checker of the generated files: it reads only the string records, as the importers
 * would, and recomputes every balance from invoices, credit memos and history.
 */
function checkPortfolio(p: DemoPortfolio, today: LocalDate): Check {
  const problems: string[] = [];
  const fail = (msg: string): void => {
    if (problems.length < 50) problems.push(msg);
  };

  for (const [file, columns] of Object.entries(COLUMNS)) {
    const expected = [...columns].sort().join(',');
    for (const record of p[file as keyof typeof COLUMNS]) {
      const keys = Object.keys(record).sort().join(',');
      if (keys !== expected) fail(`${file}: columns ${keys}`);
      for (const v of Object.values(record)) if (typeof v !== 'string') fail(`${file}: non-string value`);
    }
  }

  const entityCurrency = new Map<string, string>([['MAIN', 'USD']]);
  for (const e of p.entities) {
    if (entityCurrency.has(e.code ?? '')) fail(`entity ${e.code} twice`);
    if (!isCurrencyCode(e.currency ?? '')) fail(`entity ${e.code} currency ${e.currency}`);
    entityCurrency.set(e.code ?? '', e.currency ?? '');
  }

  const customers = new Map<string, Record<string, string>>();
  const segmentOf = new Map<string, string>();
  for (const c of p.customers) {
    const account = c.account_number ?? '';
    if (!/^C\d{6}$/.test(account)) fail(`customer number ${account}`);
    if (customers.has(account)) fail(`customer ${account} twice`);
    customers.set(account, c);
    segmentOf.set(account, c.segment ?? '');
  }
  for (const c of p.customers) {
    const account = c.account_number ?? '';
    const parent = c.parent_account_number ?? '';
    if (parent !== '') {
      const pc = customers.get(parent);
      if (pc === undefined) fail(`customer ${account}: parent ${parent} missing`);
      else if (parent === account || (pc.parent_account_number ?? '') !== '')
        fail(`customer ${account}: bad parent`);
    }
    const entity = c.entity ?? '';
    if (!entityCurrency.has(entity)) fail(`customer ${account}: entity ${entity}`);
    if (entityCurrency.get(entity) !== c.currency)
      fail(`customer ${account}: currency ${c.currency} in ${entity}`);
    if (!TERMS.has(c.terms ?? '')) fail(`customer ${account}: terms ${c.terms}`);
    if (!['business', 'consumer'].includes(c.customer_type ?? '')) fail(`customer ${account}: type`);
    if (!(c.name ?? '').trim()) fail(`customer ${account}: no name`);
    try {
      if (parseAmount(c.credit_limit ?? '', c.currency as CurrencyCode) <= 0n)
        fail(`customer ${account}: limit`);
    } catch {
      fail(`customer ${account}: credit limit ${c.credit_limit}`);
    }
    if (!/^[a-z0-9.]+@([a-z0-9-]+\.)?example\.com$/.test(c.email ?? ''))
      fail(`customer ${account}: email ${c.email}`);
    if (!/^\d{3}-555-01\d{2}$/.test(c.phone ?? '')) fail(`customer ${account}: phone ${c.phone}`);
    for (const acct of (c.bank_accounts ?? '').split(';').filter((x) => x !== '')) {
      if (!isValidBankAccount(acct)) fail(`customer ${account}: bank account ${acct}`);
    }
  }

  const partyIds = new Map<string, string>();
  const relationships = new Set<string>();
  for (const r of p.parties) {
    const id = r.party_id ?? '';
    const identity = `${r.party_name}|${r.party_kind}|${r.bank_accounts}`;
    if (partyIds.has(id) && partyIds.get(id) !== identity) fail(`party ${id}: inconsistent rows`);
    partyIds.set(id, identity);
    if (!PARTY_KINDS.has(r.party_kind ?? '')) fail(`party ${id}: kind ${r.party_kind}`);
    if (!customers.has(r.account_number ?? '')) fail(`party ${id}: customer ${r.account_number} missing`);
    const key = `${id}|${r.account_number}`;
    if (relationships.has(key)) fail(`party relationship ${key} twice`);
    relationships.add(key);
    for (const role of (r.roles ?? '').split(';')) if (!ROLES.has(role)) fail(`party ${id}: role ${role}`);
    for (const acct of (r.bank_accounts ?? '').split(';').filter((x) => x !== '')) {
      if (!isValidBankAccount(acct)) fail(`party ${id}: bank account ${acct}`);
    }
  }

  const totals = new Map<string, CurrencyTotals>();
  const totalsOf = (currency: string): CurrencyTotals => {
    let t = totals.get(currency);
    if (t === undefined) {
      t = {
        billed: 0n,
        credited: 0n,
        received: 0n,
        appliedToItems: 0n,
        creditMemosNetted: 0n,
        discounts: 0n,
        deductions: 0n,
        bankFees: 0n,
        onAccount: 0n,
        unapplied: 0n,
        openItems: 0n,
        openCredits: 0n,
        aging: { current: 0n, '1_30': 0n, '31_60': 0n, '61_90': 0n, '91_120': 0n, over_120: 0n },
      };
      totals.set(currency, t);
    }
    return t;
  };
  // The stats name every currency that has customers, even one with no activity yet.
  for (const c of p.customers) totalsOf(c.currency ?? '');

  const invoices = new Map<string, CheckedInvoice>();
  for (const r of p.invoices) {
    const number = r.invoice_number ?? '';
    if (invoices.has(number)) fail(`invoice ${number} twice`);
    const customer = customers.get(r.account_number ?? '');
    if (customer === undefined) {
      fail(`invoice ${number}: customer ${r.account_number} missing`);
      continue;
    }
    const issue = r.issue_date ?? '';
    if (!isLocalDate(issue) || issue > today) {
      fail(`invoice ${number}: issue date ${issue}`);
      continue;
    }
    const type = r.type ?? '';
    if (!['invoice', 'credit_memo', 'debit_memo'].includes(type)) fail(`invoice ${number}: type ${type}`);
    const prefix = type === 'invoice' ? 'INV' : type === 'credit_memo' ? 'CM' : 'DM';
    if (!new RegExp(`^${prefix}-${issue.slice(0, 4)}-\\d{6}$`).test(number)) fail(`invoice number ${number}`);
    const currency = r.currency ?? '';
    if (currency !== customer.currency || !isCurrencyCode(currency))
      fail(`invoice ${number}: currency ${currency}`);
    let amount = 0n;
    try {
      amount = parseAmount(r.amount ?? '', currency as CurrencyCode);
    } catch {
      fail(`invoice ${number}: amount ${r.amount}`);
    }
    if (amount <= 0n) fail(`invoice ${number}: amount not positive`);
    const terms = (r.terms ?? '') === '' ? (customer.terms ?? '') : (r.terms ?? '');
    if (!TERMS.has(terms)) fail(`invoice ${number}: terms ${terms}`);
    const explicitDue = r.due_date ?? '';
    if (explicitDue !== '' && (!isLocalDate(explicitDue) || explicitDue < issue))
      fail(`invoice ${number}: due ${explicitDue}`);
    const due = explicitDue !== '' && isLocalDate(explicitDue) ? explicitDue : derivedDue(issue, terms);
    const billTo = r.bill_to_party_id ?? '';
    if (billTo !== '' && !partyIds.has(billTo)) fail(`invoice ${number}: bill-to party ${billTo} missing`);
    if ((r.entity ?? '') !== '' && r.entity !== customer.entity) fail(`invoice ${number}: entity`);
    invoices.set(number, {
      number,
      account: r.account_number ?? '',
      type,
      issue,
      due,
      currency: currency as CurrencyCode,
      amount,
      terms,
      appliesTo: r.applies_to ?? '',
      creditedByMemos: 0n,
      settled: 0n,
      netted: 0n,
      lastPayment: null,
    });
    const t = totalsOf(currency);
    if (type === 'credit_memo') t.credited += amount;
    else t.billed += amount;
  }

  // Credit memos with applies_to are applied at import, after all invoices and before history.
  for (const memo of invoices.values()) {
    if (memo.appliesTo === '') continue;
    if (memo.type !== 'credit_memo') {
      fail(`${memo.number}: applies_to on a ${memo.type}`);
      continue;
    }
    const target = invoices.get(memo.appliesTo);
    if (target === undefined || target.type !== 'invoice') {
      fail(`${memo.number}: applies_to ${memo.appliesTo} is not an invoice`);
      continue;
    }
    if (target.account !== memo.account) fail(`${memo.number}: applies to another customer's invoice`);
    if (target.issue > memo.issue) fail(`${memo.number}: issued before the invoice it credits`);
    target.creditedByMemos += memo.amount;
    if (target.creditedByMemos > target.amount) fail(`${target.number}: credit memos exceed its amount`);
  }

  const receipts: Check['receipts'] = new Map();
  const headers = new Map<string, string>();
  const kinds = new Map<string, number>();
  const reasons = new Set<string>();
  const discountTerms = /^(\d+)\/(\d+)NET\d+$/;
  // Per receipt and invoice, the invoice row seen so far, to check that a discount goes with a full payment.
  const invoiceRowInReceipt = new Map<string, bigint>();
  let previousRef = '';
  for (const r of p.history) {
    const ref = r.receipt_reference ?? '';
    // A receipt's rows are together: a reference that comes back later is a reused reference.
    if (ref !== previousRef && receipts.has(ref))
      fail(`receipt ${ref}: rows not together or reference reused`);
    previousRef = ref;
    const header = [
      r.receipt_date,
      r.receipt_amount,
      r.currency,
      r.payer_name,
      r.payer_bank_account,
      r.method,
      r.memo,
    ].join('|');
    if (headers.has(ref) && headers.get(ref) !== header) fail(`receipt ${ref}: rows disagree on the receipt`);
    headers.set(ref, header);
    const date = r.receipt_date ?? '';
    if (!isLocalDate(date) || date > today || isWeekend(date)) fail(`receipt ${ref}: date ${date}`);
    const currency = r.currency ?? '';
    if (!isCurrencyCode(currency)) {
      fail(`receipt ${ref}: currency ${currency}`);
      continue;
    }
    if (!METHODS.has(r.method ?? '')) fail(`receipt ${ref}: method ${r.method}`);
    let amount = 0n;
    let applied = 0n;
    try {
      amount = parseAmount(r.receipt_amount ?? '', currency);
      applied = parseAmount(r.applied_amount ?? '', currency);
    } catch {
      fail(`receipt ${ref}: malformed amount`);
    }
    let receipt = receipts.get(ref);
    if (receipt === undefined) {
      receipt = { date: date as LocalDate, amount, applied: 0n, accounts: new Set(), invoiceRows: 0 };
      receipts.set(ref, receipt);
      totalsOf(currency).received += amount;
    }
    receipt.applied += applied;
    const account = r.account_number ?? '';
    receipt.accounts.add(account);
    const customer = customers.get(account);
    if (customer === undefined) fail(`receipt ${ref}: customer ${account} missing`);
    else if (customer.currency !== currency)
      fail(`receipt ${ref}: ${currency} for a ${customer.currency} customer`);
    const kind = r.kind ?? '';
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (NEGATIVE_KINDS.has(kind) ? applied >= 0n : POSITIVE_KINDS.has(kind) ? applied <= 0n : true) {
      fail(`receipt ${ref}: ${kind} row of ${r.applied_amount}`);
    }
    const reason = r.reason_code ?? '';
    if ((kind === 'deduction') !== (reason !== ''))
      fail(`receipt ${ref}: reason code "${reason}" on ${kind}`);
    if (reason !== '') reasons.add(reason);
    const number = r.invoice_number ?? '';
    const t = totalsOf(currency);
    if (kind === 'on_account') {
      t.onAccount += applied;
      continue;
    }
    const item = invoices.get(number);
    if (item === undefined) {
      fail(`receipt ${ref}: ${kind} row for unknown item "${number}"`);
      continue;
    }
    if (item.account !== account)
      fail(`receipt ${ref}: ${number} belongs to ${item.account}, row says ${account}`);
    if (item.currency !== currency) fail(`receipt ${ref}: ${number} is in ${item.currency}`);
    if (item.issue > date) fail(`receipt ${ref}: ${number} issued ${item.issue} after the receipt ${date}`);
    if (kind === 'credit_memo') {
      if (item.type !== 'credit_memo' || item.appliesTo !== '')
        fail(`receipt ${ref}: netted ${number} is not a standalone memo`);
      item.netted -= applied;
      t.creditMemosNetted -= applied;
      continue;
    }
    if (item.type === 'credit_memo') {
      fail(`receipt ${ref}: ${kind} row against credit memo ${number}`);
      continue;
    }
    const rowKey = `${ref}|${number}`;
    if (kind === 'invoice') {
      receipt.invoiceRows++;
      item.settled += applied;
      t.appliedToItems += applied;
      if (item.lastPayment === null || date > item.lastPayment) item.lastPayment = date as LocalDate;
      invoiceRowInReceipt.set(rowKey, (invoiceRowInReceipt.get(rowKey) ?? 0n) + applied);
    } else if (kind === 'discount' || (kind === 'deduction' && reason === 'unearned_discount')) {
      const m = discountTerms.exec(item.terms);
      if (m === null) {
        fail(`receipt ${ref}: discount on ${number} with terms ${item.terms}`);
        continue;
      }
      const expected = -applyRate(item.amount, percentRate(m[1] ?? '0'), 'half_up');
      if (applied !== expected)
        fail(`receipt ${ref}: discount ${applied} on ${number}, expected ${expected}`);
      const lastDay = addDays(item.issue, Number(m[2]));
      if (kind === 'discount' && date > lastDay)
        fail(`receipt ${ref}: discount on ${number} after its window`);
      if (kind === 'deduction' && date <= lastDay)
        fail(`receipt ${ref}: unearned discount on ${number} within its window`);
      if (invoiceRowInReceipt.get(rowKey) !== item.amount || item.creditedByMemos !== 0n) {
        fail(`receipt ${ref}: discount on ${number} without a full, first payment`);
      }
      if (kind === 'discount') t.discounts -= applied;
      else t.deductions -= applied;
    } else if (kind === 'deduction') {
      if (invoiceRowInReceipt.get(rowKey) === undefined)
        fail(`receipt ${ref}: deduction on ${number} it does not pay`);
      t.deductions -= applied;
    } else if (kind === 'bank_fee') {
      if (applied < -5000n) fail(`receipt ${ref}: bank fee ${r.applied_amount} above 50.00`);
      if (r.method !== 'wire') fail(`receipt ${ref}: bank fee on a ${r.method} receipt`);
      t.bankFees -= applied;
    } else {
      fail(`receipt ${ref}: unexpected kind ${kind}`);
    }
  }

  for (const [ref, r] of receipts) {
    if (r.amount <= 0n) fail(`receipt ${ref}: amount not positive`);
    if (r.applied > r.amount) fail(`receipt ${ref}: rows ${r.applied} exceed the amount ${r.amount}`);
  }
  for (const [ref, r] of receipts) {
    const currency = (headers.get(ref) ?? '').split('|')[2] ?? '';
    totalsOf(currency).unapplied += r.amount - r.applied;
  }

  for (const item of invoices.values()) {
    const t = totalsOf(item.currency);
    if (item.type === 'credit_memo') {
      if (item.netted > item.amount) fail(`${item.number}: netted ${item.netted} beyond its amount`);
      if (item.appliesTo === '') t.openCredits += item.amount - item.netted;
      continue;
    }
    const open = item.amount - item.creditedByMemos - item.settled;
    if (open < 0n) fail(`${item.number}: settled beyond its amount (open ${open})`);
    if (open > 0n) {
      t.openItems += open;
      t.aging[bucketOf(toDayNumber(today) - toDayNumber(item.due))] += open;
    }
  }

  return { problems, invoices, totals, receipts, kinds, reasons, segmentOf };
}

function isValidBankAccount(text: string): boolean {
  const us = /^(\d{9}):(\d{4,17})$/.exec(text);
  if (us) return isValidAbaRoutingNumber(us[1] ?? '') || /^0\d{8}$/.test(us[1] ?? '');
  return isValidIban(text);
}

function expectTotalsToMatchStats(check: Check, p: DemoPortfolio): void {
  const currencies = [...check.totals.keys()].sort();
  expect(Object.keys(p.stats.byCurrency).sort()).toEqual(currencies);
  for (const currency of currencies) {
    const t = check.totals.get(currency);
    const s = p.stats.byCurrency[currency];
    if (t === undefined || s === undefined) throw new Error(`no totals for ${currency}`);
    const code = currency as CurrencyCode;
    const f = (v: bigint) => formatAmount(v, code);
    expect({
      billed: s.billed,
      credited: s.credited,
      received: s.received,
      appliedToItems: s.appliedToItems,
      creditMemosNetted: s.creditMemosNetted,
      discounts: s.discounts,
      deductions: s.deductions,
      bankFees: s.bankFees,
      onAccount: s.onAccount,
      unapplied: s.unapplied,
      openItems: s.openItems,
      openCredits: s.openCredits,
      expectedOpenAr: s.expectedOpenAr,
      netArBalance: s.netArBalance,
      aging: s.aging,
    }).toEqual({
      billed: f(t.billed),
      credited: f(t.credited),
      received: f(t.received),
      appliedToItems: f(t.appliedToItems),
      creditMemosNetted: f(t.creditMemosNetted),
      discounts: f(t.discounts),
      deductions: f(t.deductions),
      bankFees: f(t.bankFees),
      onAccount: f(t.onAccount),
      unapplied: f(t.unapplied),
      openItems: f(t.openItems),
      openCredits: f(t.openCredits),
      // billed − credited − settled, where settled is the invoice rows net of netted credit memos.
      expectedOpenAr: f(t.billed - t.credited - (t.appliedToItems - t.creditMemosNetted)),
      // Deductions open items of their own (spec 3); on-account money is a credit of the customer.
      netArBalance: f(t.openItems + t.deductions - t.openCredits - t.onAccount),
      aging: Object.fromEntries(BUCKETS.map((b) => [b, f(t.aging[b])])),
    });
    // The two ways of getting open AR agree.
    expect(t.openItems - t.openCredits).toBe(
      t.billed - t.credited - (t.appliedToItems - t.creditMemosNetted),
    );
  }
}

describe('generateDemoPortfolio at the default size', () => {
  let portfolio: DemoPortfolio;
  let check: Check;

  beforeAll(() => {
    portfolio = generateDemoPortfolio({ seed: 42, today: TODAY });
    check = checkPortfolio(portfolio, TODAY);
  });

  it('breaks none of the importers’ rules', () => {
    expect(check.problems).toEqual([]);
  });

  it('has the requested customers, with families, consumers and a Canadian entity', () => {
    const { stats } = portfolio;
    const customers = rowsOf(portfolio, 'customers');
    expect(customers).toHaveLength(2000);
    expect(stats.customers).toBe(2000);
    const parents = new Set(customers.map((c) => c.parent_account_number).filter((a) => a !== ''));
    expect(parents.size).toBe(stats.parents);
    expect(stats.parents).toBeGreaterThan(60);
    expect(stats.parents).toBeLessThan(140);
    // Parents may come after their subsidiaries in the file.
    const position = new Map(customers.map((c, i) => [c.account_number, i]));
    expect(
      customers.some(
        (c) => (position.get(c.parent_account_number) ?? -1) > (position.get(c.account_number) ?? 0),
      ),
    ).toBe(true);
    const consumers = customers.filter((c) => c.customer_type === 'consumer');
    expect(consumers.length).toBeGreaterThanOrEqual(3);
    expect(consumers.length).toBeLessThan(40);
    const cad = customers.filter((c) => c.currency === 'CAD');
    expect(cad.length).toBeGreaterThan(20);
    expect(cad.length).toBeLessThan(200);
    expect(cad.every((c) => c.entity === 'CAN')).toBe(true);
    expect(portfolio.entities).toEqual([
      { code: 'CAN', name: expect.any(String), currency: 'CAD', country: 'CA' },
    ]);
    const segments = new Set(customers.map((c) => c.segment));
    for (const s of ['large_group', 'mid_market', 'small_group', 'public_sector', 'taft_hartley'])
      expect(segments).toContain(s);
    const terms = new Set(customers.map((c) => c.terms));
    for (const t of TERMS) expect(terms).toContain(t);
    expect(customers.filter((c) => c.terms === 'NET30').length).toBeGreaterThan(1000);
    expect(new Set(customers.map((c) => c.name)).size).toBe(2000);
    expect(customers.filter((c) => c.bank_accounts.includes(';')).length).toBeGreaterThan(50);
    expect(customers.some((c) => /;?[A-Z]{2}\d{2}/.test(c.bank_accounts))).toBe(true);
  });

  it('has brokers, TPAs, captives and consultants serving many customers', () => {
    const { stats } = portfolio;
    const parties = rowsOf(portfolio, 'parties');
    expect(stats.parties).toMatchObject({ broker: 30, tpa: 12, captive: 6, consultant: 10 });
    const tpaRows = parties.filter((r) => r.party_kind === 'tpa');
    expect(tpaRows.length).toBeGreaterThan(12 * 10);
    expect(
      tpaRows.filter((r) => r.roles.split(';').includes('payer')).length / tpaRows.length,
    ).toBeGreaterThan(0.8);
    expect(parties.filter((r) => r.party_kind === 'broker').every((r) => r.roles.includes('notice'))).toBe(
      true,
    );
    expect(
      parties.filter((r) => r.party_kind === 'consultant').every((r) => r.roles.startsWith('notice')),
    ).toBe(true);
    expect(stats.partyRelationships).toBe(parties.length);
    // A customer whose TPA or captive has the payer role is mostly paid by it: in receipts under the
    // party's name, often together with other customers.
    const paidByParty = new Set(
      parties
        .filter(
          (r) =>
            (r.party_kind === 'tpa' || r.party_kind === 'captive') && r.roles.split(';').includes('payer'),
        )
        .map((r) => r.account_number),
    );
    const names = new Map(rowsOf(portfolio, 'customers').map((c) => [c.account_number, c.name]));
    const rows = rowsOf(portfolio, 'history').filter(
      (r) => r.kind === 'invoice' && paidByParty.has(r.account_number),
    );
    const plain = (name: string) =>
      name
        .toUpperCase()
        .replace(/[^A-Z0-9& ]/g, '')
        .trim();
    const byCustomer = rows.filter((r) =>
      plain(names.get(r.account_number) ?? '').startsWith(plain(r.payer_name)),
    );
    expect(rows.length).toBeGreaterThan(1000);
    expect(byCustomer.length / rows.length).toBeLessThan(0.2);
    expect(byCustomer.length).toBeGreaterThan(0);
  });

  it('covers about 18 months of billing up to today', () => {
    const dates = rowsOf(portfolio, 'invoices')
      .map((r) => r.issue_date)
      .sort();
    const first = dates[0] ?? '';
    const last = dates[dates.length - 1] ?? '';
    expect(first >= addMonths(TODAY, -18)).toBe(true);
    expect(first <= addMonths(TODAY, -17)).toBe(true);
    expect(last <= TODAY).toBe(true);
    expect(last >= addDays(TODAY, -7)).toBe(true);
    const months = new Set(dates.map((d) => d.slice(0, 7)));
    expect(months.size).toBe(18);
    expect(portfolio.stats.firstIssueDate).toBe(first);
    const receiptDates = rowsOf(portfolio, 'history')
      .map((r) => r.receipt_date)
      .sort();
    expect((receiptDates[0] ?? '') >= first).toBe(true);
    expect((receiptDates[receiptDates.length - 1] ?? '') <= TODAY).toBe(true);
  });

  it('bills invoices, credit memos and debit memos in realistic proportions', () => {
    const { stats } = portfolio;
    const invoices = rowsOf(portfolio, 'invoices');
    expect(stats.invoices).toBeGreaterThan(60_000);
    expect(stats.invoices + stats.creditMemos + stats.debitMemos).toBe(invoices.length);
    expect(stats.creditMemos / stats.invoices).toBeGreaterThan(0.02);
    expect(stats.creditMemos / stats.invoices).toBeLessThan(0.06);
    expect(stats.creditMemosApplied).toBeGreaterThan(500);
    expect(stats.creditMemosStandalone).toBeGreaterThan(200);
    expect(stats.debitMemos).toBeGreaterThan(20);
    expect(stats.debitMemos / stats.invoices).toBeLessThan(0.01);
    const explicitDue = invoices.filter((r) => r.due_date !== '').length;
    expect(explicitDue).toBeGreaterThan(0);
    expect(explicitDue / invoices.length).toBeLessThan(0.05);
    expect(invoices.some((r) => r.po_number !== '')).toBe(true);
    expect(invoices.some((r) => r.reference !== '')).toBe(true);
    // Claims invoices are much larger than admin-fee invoices (compared in minor units, no floats).
    const sumOf = (prefix: string) => {
      const rows = invoices.filter((r) => r.currency === 'USD' && r.description.startsWith(prefix));
      return {
        n: BigInt(rows.length),
        sum: rows.reduce((s, r) => s + parseAmount(r.amount, 'USD' as CurrencyCode), 0n),
      };
    };
    const claims = sumOf('Pharmacy claims');
    const admin = sumOf('Administrative fees');
    expect(claims.sum * admin.n).toBeGreaterThan(3n * admin.sum * claims.n);
  });

  it('shows every cash-application situation in history', () => {
    const { kinds, receipts, reasons, invoices } = check;
    for (const kind of ['invoice', 'credit_memo', 'discount', 'deduction', 'bank_fee', 'on_account']) {
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(20);
    }
    for (const reason of [
      'unearned_discount',
      'pricing_dispute',
      'eligibility_dispute',
      'duplicate_billing',
      'rebate_offset',
    ]) {
      expect(reasons).toContain(reason);
    }
    const list = [...receipts.values()];
    expect(list.filter((r) => r.invoiceRows >= 2).length).toBeGreaterThan(1000);
    expect(list.filter((r) => r.accounts.size >= 3).length).toBeGreaterThan(100);
    expect(list.filter((r) => r.applied < r.amount).length).toBeGreaterThan(20);
    const methods = new Set(portfolio.history.map((r) => r.method));
    expect([...methods].sort()).toEqual(['ach', 'check', 'lockbox', 'wire']);
    // Partial payments: items paid in part and left open, and items paid in two or more receipts.
    const items = [...invoices.values()].filter((i) => i.type !== 'credit_memo');
    expect(
      items.filter((i) => i.settled > 0n && i.settled + i.creditedByMemos < i.amount).length,
    ).toBeGreaterThan(50);
    const rowsPerItem = new Map<string, number>();
    for (const r of rowsOf(portfolio, 'history')) {
      if (r.kind === 'invoice')
        rowsPerItem.set(r.invoice_number, (rowsPerItem.get(r.invoice_number) ?? 0) + 1);
    }
    expect([...rowsPerItem.values()].filter((n) => n >= 2).length).toBeGreaterThan(50);
    expect(new Set(portfolio.history.map((r) => r.receipt_reference)).size).toBe(portfolio.stats.receipts);
  });

  it('ages open items over every bucket, mostly current and 1-30', () => {
    const usd = check.totals.get('USD');
    if (usd === undefined) throw new Error('no USD');
    for (const b of BUCKETS) expect(usd.aging[b], b).toBeGreaterThan(0n);
    expect((usd.aging.current + usd.aging['1_30']) * 100n).toBeGreaterThan(usd.openItems * 65n);
    expect(usd.aging.over_120 * 100n).toBeLessThan(usd.openItems * 15n);
    // Recent invoices are mostly open, old ones mostly paid.
    const items = [...check.invoices.values()].filter((i) => i.type === 'invoice');
    const openShare = (from: LocalDate, to: LocalDate) => {
      const group = items.filter((i) => i.issue >= from && i.issue <= to);
      return group.filter((i) => i.settled + i.creditedByMemos < i.amount).length / group.length;
    };
    expect(openShare(addDays(TODAY, -20), TODAY)).toBeGreaterThan(0.7);
    expect(openShare(addMonths(TODAY, -12), addMonths(TODAY, -6))).toBeLessThan(0.1);
  });

  it('pays later in the public sector than in large groups, and more variably in small groups', () => {
    const bySegment = new Map<string, number[]>();
    for (const item of check.invoices.values()) {
      if (
        item.type !== 'invoice' ||
        item.lastPayment === null ||
        item.settled + item.creditedByMemos !== item.amount
      )
        continue;
      const segment = check.segmentOf.get(item.account) ?? '';
      const days = toDayNumber(item.lastPayment) - toDayNumber(item.issue);
      let list = bySegment.get(segment);
      if (list === undefined) {
        list = [];
        bySegment.set(segment, list);
      }
      list.push(days);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = (xs: number[]) => {
      const m = mean(xs);
      return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
    };
    const days = (s: string) => bySegment.get(s) ?? [];
    expect(mean(days('public_sector'))).toBeGreaterThan(mean(days('large_group')) + 15);
    expect(mean(days('public_sector'))).toBeGreaterThan(mean(days('mid_market')));
    expect(sd(days('small_group'))).toBeGreaterThan(sd(days('large_group')));
  });

  it('reports stats that tie to a recomputation from the records', () => {
    expectTotalsToMatchStats(check, portfolio);
    const { stats } = portfolio;
    expect(stats.receipts).toBe(check.receipts.size);
    expect(stats.historyRows).toBe(portfolio.history.length);
    expect(stats.historyRowsByKind).toEqual(Object.fromEntries([...check.kinds.entries()].sort()));
    expect(stats.invoices).toBe(portfolio.invoices.filter((r) => r.type === 'invoice').length);
    expect(stats.debitMemos).toBe(portfolio.invoices.filter((r) => r.type === 'debit_memo').length);
    expect(stats.consumers).toBe(portfolio.customers.filter((r) => r.customer_type === 'consumer').length);
    const open = [...check.invoices.values()].filter(
      (i) => i.type !== 'credit_memo' && i.amount - i.creditedByMemos - i.settled > 0n,
    ).length;
    expect(stats.openItems).toBe(open);
  });

  it('gives byte-identical output for the same seed and different output for another', () => {
    const again = generateDemoPortfolio({ seed: 42, today: TODAY, customers: 2000, months: 18 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(portfolio));
    const other = generateDemoPortfolio({ seed: 43, today: TODAY });
    expect(JSON.stringify(other.customers)).not.toBe(JSON.stringify(portfolio.customers));
    expect(JSON.stringify(other.history)).not.toBe(JSON.stringify(portfolio.history));
    // Two whole portfolios generated and serialized: about 4 s on a quiet two-core machine, 10 s and
    // more on a busy one.
  }, 60_000);
});

describe('generateDemoPortfolio at other sizes and dates', () => {
  it('is deterministic for a small portfolio too', () => {
    const options = { seed: 7, today: '2025-03-15' as LocalDate, customers: 60, months: 6 };
    expect(generateDemoPortfolio(options)).toEqual(generateDemoPortfolio(options));
    expect(generateDemoPortfolio({ ...options, seed: 8 })).not.toEqual(generateDemoPortfolio(options));
  });

  it('has a checker that catches each kind of violation', () => {
    const today = '2026-05-20' as LocalDate;
    const base = generateDemoPortfolio({ seed: 11, today, customers: 80, months: 8 });
    expect(checkPortfolio(base, today).problems).toEqual([]);
    const mutate = (change: (p: DemoPortfolio) => void): string[] => {
      const copy = structuredClone(base);
      change(copy);
      return checkPortfolio(copy, today).problems;
    };
    const rowOf = (p: DemoPortfolio, kind: string) => {
      const row = rowsOf(p, 'history').find((r) => r.kind === kind);
      if (row === undefined) throw new Error(`no ${kind} row`);
      return row;
    };
    const setReceiptAmount = (p: DemoPortfolio, ref: string, amount: string) => {
      for (const r of p.history) if (r.receipt_reference === ref) r.receipt_amount = amount;
    };
    // An invoice paid beyond its amount (the receipt grown to match, so only that rule breaks).
    expect(
      mutate((p) => {
        const row = rowOf(p, 'invoice');
        const inv = p.invoices.find((r) => r.invoice_number === row.invoice_number);
        const extra = parseAmount(inv?.amount ?? '0', 'USD' as CurrencyCode);
        row.applied_amount = formatAmount(
          parseAmount(row.applied_amount, 'USD' as CurrencyCode) + extra,
          'USD' as CurrencyCode,
        );
        setReceiptAmount(
          p,
          row.receipt_reference,
          formatAmount(parseAmount(row.receipt_amount, 'USD' as CurrencyCode) + extra, 'USD' as CurrencyCode),
        );
      }).some((m) => m.includes('settled beyond')),
    ).toBe(true);
    // Rows summing to more than the receipt.
    expect(
      mutate((p) => {
        const row = rowOf(p, 'invoice');
        setReceiptAmount(p, row.receipt_reference, '0.01');
      }).some((m) => m.includes('exceed the amount')),
    ).toBe(true);
    // A payment dated before the invoice was issued.
    expect(
      mutate((p) => {
        const row = rowOf(p, 'invoice');
        const inv = p.invoices.find((r) => r.invoice_number === row.invoice_number);
        if (inv) inv.issue_date = today;
      }).some((m) => m.includes('after the receipt')),
    ).toBe(true);
    // A row on another customer's invoice.
    expect(
      mutate((p) => {
        const row = rowOf(p, 'invoice');
        row.account_number =
          p.customers.find((c) => c.account_number !== row.account_number && c.currency === row.currency)
            ?.account_number ?? '';
      }).some((m) => m.includes('belongs to')),
    ).toBe(true);
    // A netted credit memo that was already applied to an invoice.
    expect(
      mutate((p) => {
        const memo = p.invoices.find((r) => r.type === 'credit_memo' && r.applies_to === '');
        if (memo)
          memo.applies_to =
            p.invoices.find((r) => r.type === 'invoice' && r.account_number === memo.account_number)
              ?.invoice_number ?? '';
        const row = p.history.find(
          (r) => r.kind === 'credit_memo' && r.invoice_number === memo?.invoice_number,
        );
        if (row === undefined) throw new Error('memo not netted');
      }).some((m) => m.includes('not a standalone memo')),
    ).toBe(true);
    // A receipt on a Saturday, a discount of the wrong amount, a bank fee above 50.00, a stray column.
    const saturday = mutate((p) => {
      rowOf(p, 'invoice').receipt_date = '2026-05-16';
    });
    expect(saturday.some((m) => m.includes('date 2026-05-16'))).toBe(true);
    const discount = mutate((p) => {
      rowOf(p, 'discount').applied_amount = '-0.01';
    });
    expect(discount.some((m) => m.includes('expected'))).toBe(true);
    const fee = mutate((p) => {
      rowOf(p, 'bank_fee').applied_amount = '-50.01';
    });
    expect(fee.some((m) => m.includes('above 50.00'))).toBe(true);
    const column = mutate((p) => {
      const first = p.customers[0];
      if (first) first.note = 'x';
    });
    expect(column.some((m) => m.includes('columns'))).toBe(true);
  });

  it('holds every rule for any seed, size, window and today', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }),
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({
          min: toDayNumber('2019-01-01' as LocalDate),
          max: toDayNumber('2031-12-31' as LocalDate),
        }),
        (seed, customers, months, todayDay) => {
          const today = fromDayNumber(todayDay);
          const p = generateDemoPortfolio({ seed, today, customers, months });
          const check = checkPortfolio(p, today);
          expect(check.problems).toEqual([]);
          expect(p.customers).toHaveLength(customers);
          expectTotalsToMatchStats(check, p);
          const first = rowsOf(p, 'invoices')
            .map((r) => r.issue_date)
            .sort()[0];
          if (first !== undefined) expect(first >= addMonths(today, -months)).toBe(true);
        },
      ),
      { numRuns: Number(process.env.ARBOR_PROPERTY_RUNS ?? 40) },
    );
  });

  it('refuses options it cannot honour', () => {
    const today = TODAY;
    for (const bad of [
      { seed: 1.5, today },
      { seed: 1, today: '2026-02-30' as LocalDate },
      { seed: 1, today, customers: 0 },
      { seed: 1, today, months: 0 },
      { seed: 1, today, months: 2.5 },
    ]) {
      let error: unknown;
      try {
        generateDemoPortfolio(bad);
      } catch (e) {
        error = e;
      }
      expect(isAppError(error) && error.code === 'demo.invalid_options', JSON.stringify(bad)).toBe(true);
    }
  });
});
