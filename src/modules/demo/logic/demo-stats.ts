import { parseCurrency } from '../../../core/currency.ts';
import { formatAmount } from '../../../core/money.ts';
import type { Calendar, DateStrings } from './demo-calendar.ts';
import { type Customer, type Item, openOf, type Party, type Receipt } from './demo-model.ts';
import type { DemoRecord } from './demo-records.ts';

/** Counts and totals for the printed summary of `arbor demo` and for tying the portfolio to the ledger. */

/** Totals of one currency; amounts are decimal strings in that currency. */
export interface DemoCurrencyStats {
  customers: number;
  /** Invoices plus debit memos. */
  billed: string;
  invoiced: string;
  debitMemos: string;
  /** All credit memos, applied to an invoice or standalone. */
  credited: string;
  /** Sum of receipt amounts. */
  received: string;
  /** `invoice` rows: gross amounts by which items' open balances fell. */
  appliedToItems: string;
  /** Credit memos consumed inside payments (`credit_memo` rows, as a positive number). */
  creditMemosNetted: string;
  discounts: string;
  /** Deductions taken (short payments and unearned discounts); each opens a deduction item (spec 3). */
  deductions: string;
  bankFees: string;
  onAccount: string;
  unapplied: string;
  /** Open amount of invoices and debit memos after credit memos and history. */
  openItems: string;
  /** Open amount of credit memos (standalone credits not netted, as a positive number). */
  openCredits: string;
  /**
   * openItems − openCredits = billed − credited − (appliedToItems − creditMemosNetted). Deduction items
   * and on-account or unapplied cash come on top of this, as the fields above.
   */
  expectedOpenAr: string;
  /**
   * What an aging report with credits shows as the customers' net balance: open items, plus the
   * deduction items that short payments open (spec 3), less open credit memos and on-account credits.
   * Unapplied cash is not attributed to any customer and stays apart (`unapplied`).
   */
  netArBalance: string;
  /** Open items by days past due at `today` (due-date basis). */
  aging: Record<AgingBucket, string>;
}

export type AgingBucket = 'current' | '1_30' | '31_60' | '61_90' | '91_120' | 'over_120';

export const AGING_BUCKETS: readonly AgingBucket[] = [
  'current',
  '1_30',
  '31_60',
  '61_90',
  '91_120',
  'over_120',
];

export interface DemoStats {
  seed: number;
  today: string;
  firstIssueDate: string;
  lastIssueDate: string;
  customers: number;
  parents: number;
  children: number;
  consumers: number;
  customersByEntity: Record<string, number>;
  customersBySegment: Record<string, number>;
  /** Distinct parties by kind. */
  parties: Record<string, number>;
  partyRelationships: number;
  invoices: number;
  creditMemos: number;
  creditMemosApplied: number;
  creditMemosStandalone: number;
  debitMemos: number;
  receipts: number;
  historyRows: number;
  historyRowsByKind: Record<string, number>;
  openItems: number;
  byCurrency: Record<string, DemoCurrencyStats>;
}

interface Totals {
  customers: number;
  invoiced: bigint;
  debitMemos: bigint;
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
  aging: Record<AgingBucket, bigint>;
}

function emptyTotals(): Totals {
  return {
    customers: 0,
    invoiced: 0n,
    debitMemos: 0n,
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
}

export function agingBucket(daysPastDue: number): AgingBucket {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return '1_30';
  if (daysPastDue <= 60) return '31_60';
  if (daysPastDue <= 90) return '61_90';
  if (daysPastDue <= 120) return '91_120';
  return 'over_120';
}

export function buildStats(
  seed: number,
  cal: Calendar,
  customers: Customer[],
  parties: Party[],
  items: Item[],
  receipts: Receipt[],
  invoiceRows: DemoRecord[],
  historyRowCount: number,
  dates: DateStrings,
): DemoStats {
  const totals = new Map<string, Totals>();
  const totalsOf = (currency: string): Totals => {
    let t = totals.get(currency);
    if (t === undefined) {
      t = emptyTotals();
      totals.set(currency, t);
    }
    return t;
  };
  const byEntity: Record<string, number> = {};
  const bySegment: Record<string, number> = {};
  for (const c of customers) {
    totalsOf(c.currency).customers++;
    byEntity[c.entity] = (byEntity[c.entity] ?? 0) + 1;
    bySegment[c.segment] = (bySegment[c.segment] ?? 0) + 1;
  }

  let openCount = 0;
  let creditMemosApplied = 0;
  let invoices = 0;
  let debitMemos = 0;
  for (const item of items) {
    const t = totalsOf(item.customer.currency);
    if (item.type === 'credit_memo') {
      t.credited += item.amount;
      if (item.appliesTo !== null) creditMemosApplied++;
      else t.openCredits += item.amount - item.netted;
      continue;
    }
    if (item.type === 'invoice') {
      invoices++;
      t.invoiced += item.amount;
    } else {
      debitMemos++;
      t.debitMemos += item.amount;
    }
    const open = openOf(item);
    if (open > 0n) {
      openCount++;
      t.openItems += open;
      const bucket = agingBucket(cal.today - item.due);
      t.aging[bucket] += open;
    }
  }

  const rowsByKind: Record<string, number> = {};
  for (const r of receipts) {
    const t = totalsOf(r.currency);
    t.received += r.amount;
    let applied = 0n;
    for (const row of r.rows) {
      rowsByKind[row.kind] = (rowsByKind[row.kind] ?? 0) + 1;
      applied += row.amount;
      switch (row.kind) {
        case 'invoice':
          t.appliedToItems += row.amount;
          break;
        case 'credit_memo':
          t.creditMemosNetted -= row.amount;
          break;
        case 'discount':
          t.discounts -= row.amount;
          break;
        case 'deduction':
          t.deductions -= row.amount;
          break;
        case 'bank_fee':
          t.bankFees -= row.amount;
          break;
        case 'on_account':
          t.onAccount += row.amount;
          break;
      }
    }
    t.unapplied += r.amount - applied;
  }

  const byCurrency: Record<string, DemoCurrencyStats> = {};
  for (const currency of [...totals.keys()].sort()) {
    const t = totalsOf(currency);
    const code = parseCurrency(currency);
    const f = (v: bigint): string => formatAmount(v, code);
    const billed = t.invoiced + t.debitMemos;
    byCurrency[currency] = {
      customers: t.customers,
      billed: f(billed),
      invoiced: f(t.invoiced),
      debitMemos: f(t.debitMemos),
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
      expectedOpenAr: f(billed - t.credited - (t.appliedToItems - t.creditMemosNetted)),
      netArBalance: f(t.openItems + t.deductions - t.openCredits - t.onAccount),
      aging: {
        current: f(t.aging.current),
        '1_30': f(t.aging['1_30']),
        '31_60': f(t.aging['31_60']),
        '61_90': f(t.aging['61_90']),
        '91_120': f(t.aging['91_120']),
        over_120: f(t.aging.over_120),
      },
    };
  }

  const partyCounts: Record<string, number> = {};
  let relationships = 0;
  for (const p of parties) {
    if (p.relations.length === 0) continue;
    partyCounts[p.kind] = (partyCounts[p.kind] ?? 0) + 1;
    relationships += p.relations.length;
  }

  const creditMemos = items.length - invoices - debitMemos;
  let first = '';
  let last = '';
  for (const row of invoiceRows) {
    const d = row.issue_date ?? '';
    if (first === '' || d < first) first = d;
    if (d > last) last = d;
  }
  return {
    seed,
    today: dates.get(cal.today),
    firstIssueDate: first,
    lastIssueDate: last,
    customers: customers.length,
    parents: customers.filter((c) => c.children.length > 0).length,
    children: customers.filter((c) => c.parent !== null).length,
    consumers: customers.filter((c) => c.consumer).length,
    customersByEntity: sortRecord(byEntity),
    customersBySegment: sortRecord(bySegment),
    parties: sortRecord(partyCounts),
    partyRelationships: relationships,
    invoices,
    creditMemos,
    creditMemosApplied,
    creditMemosStandalone: creditMemos - creditMemosApplied,
    debitMemos,
    receipts: receipts.length,
    historyRows: historyRowCount,
    historyRowsByKind: sortRecord(rowsByKind),
    openItems: openCount,
    byCurrency,
  };
}

function sortRecord(record: Record<string, number>): Record<string, number> {
  const sorted: Record<string, number> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key] ?? 0;
  return sorted;
}
