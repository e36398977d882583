import { isLocalDate, type LocalDate } from '../../../core/local-date.ts';
import { formatAmount } from '../../../core/money.ts';
import { demoError } from '../demo.errors.ts';
import { assembleReceipts } from './assemble-demo-receipts.ts';
import { buildItems, numberItems } from './build-demo-billing.ts';
import { buildBankPool, buildCustomers } from './build-demo-customers.ts';
import { buildParties } from './build-demo-parties.ts';
import { buildCalendar, DateStrings } from './demo-calendar.ts';
import {
  customerRecord,
  type DemoRecord,
  historyRecord,
  invoiceRecord,
  partyRecords,
} from './demo-records.ts';
import { buildStats, type DemoStats } from './demo-stats.ts';
import { planPayments } from './plan-demo-payments.ts';
import { createPrng } from './prng.ts';

export type { DemoRecord } from './demo-records.ts';
export type { AgingBucket, DemoCurrencyStats, DemoStats } from './demo-stats.ts';
export { AGING_BUCKETS } from './demo-stats.ts';

/**
 * A realistic demo portfolio for a pharmacy-benefit manager's AR team: employer groups billed monthly
 * admin fees and weekly or semi-monthly pharmacy-claims invoices, their brokers, TPAs, captives and
 * consultants, and 18 months of receipts with the everyday untidiness of cash application (batched TPA
 * payments, partial and short payments, discounts earned and unearned, wire fees, netted credits,
 * overpayments, unapplied remainders, delinquent accounts).
 *
 * Pure and deterministic: the output depends only on the options (seed, today, size), never on the
 * clock or `Math.random`, so the same options give byte-identical files. Every record carries exactly
 * the columns of the interchange spec (sections 2.1, 2.2, 2.3, 2.4, 2.6), all as strings.
 *
 * The importers reject inconsistent history, so the consistency rules hold by construction: credit
 * memos are planned before payments, each item's settled total is tracked while payments are planned,
 * and a receipt's rows never sum to more than its amount.
 */

export interface DemoOptions {
  seed: number;
  today: LocalDate;
  /** Number of customer accounts (default 2,000). */
  customers?: number;
  /** Months of billing history, the current month included (default 18). */
  months?: number;
}

export const DEMO_DEFAULTS = { customers: 2000, months: 18 } as const;

export interface DemoPortfolio {
  entities: DemoRecord[];
  customers: DemoRecord[];
  parties: DemoRecord[];
  invoices: DemoRecord[];
  history: DemoRecord[];
  stats: DemoStats;
}

export function generateDemoPortfolio(options: DemoOptions): DemoPortfolio {
  const customersWanted = options.customers ?? DEMO_DEFAULTS.customers;
  const months = options.months ?? DEMO_DEFAULTS.months;
  if (!Number.isSafeInteger(options.seed)) {
    throw demoError('demo.invalid_options', `seed must be an integer, got ${options.seed}`);
  }
  if (!isLocalDate(options.today)) {
    throw demoError('demo.invalid_options', `today must be a YYYY-MM-DD date, got "${options.today}"`);
  }
  if (!Number.isInteger(customersWanted) || customersWanted < 1 || customersWanted > 100_000) {
    throw demoError(
      'demo.invalid_options',
      `customers must be an integer from 1 to 100000, got ${customersWanted}`,
    );
  }
  if (!Number.isInteger(months) || months < 1 || months > 120) {
    throw demoError('demo.invalid_options', `months must be an integer from 1 to 120, got ${months}`);
  }

  const calendar = buildCalendar(options.today, months);
  const seed = options.seed;
  const dates = new DateStrings();
  const banks = buildBankPool(createPrng(seed, 'banks'));
  const customers = buildCustomers(createPrng(seed, 'customers'), customersWanted, calendar, banks);
  const parties = buildParties(createPrng(seed, 'parties'), customers, banks);
  const items = buildItems(createPrng(seed, 'billing'), customers, calendar, dates);
  // Numbering order is also the file's order: by issue date, type, then number.
  const ordered = numberItems(items, dates);
  const drafts = planPayments(createPrng(seed, 'payments'), customers, calendar);
  const receipts = assembleReceipts(createPrng(seed, 'receipts'), drafts, dates);

  const invoiceRows = ordered.map((item) => invoiceRecord(item, dates));
  const historyRows: DemoRecord[] = [];
  for (const receipt of receipts) {
    const amountText = formatAmount(receipt.amount, receipt.currency);
    for (const row of receipt.rows) historyRows.push(historyRecord(receipt, amountText, row, dates));
  }
  const hasCad = customers.some((c) => c.entity === 'CAN');
  return {
    entities: hasCad
      ? [{ code: 'CAN', name: 'Arbor Rx Benefits Canada ULC', currency: 'CAD', country: 'CA' }]
      : [],
    customers: customers.map(customerRecord),
    parties: partyRecords(parties),
    invoices: invoiceRows,
    history: historyRows,
    stats: buildStats(
      seed,
      calendar,
      customers,
      parties,
      items,
      receipts,
      invoiceRows,
      historyRows.length,
      dates,
    ),
  };
}
