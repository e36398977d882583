import { addMonths, fromDayNumber, toDayNumber } from '../../../core/local-date.ts';
import {
  type Calendar,
  type DateStrings,
  dueDay,
  monthStart,
  nextBusinessDay,
  nextWeekdayOnOrAfter,
} from './demo-calendar.ts';
import type { Customer, Item, ItemType } from './demo-model.ts';
import type { Prng } from './prng.ts';

/**
 * What each customer was billed: monthly admin fees, weekly or semi-monthly pharmacy-claims invoices,
 * COBRA premiums for individuals, a few debit memos, credit memos against invoices (planned here, before
 * any payment, because the importer applies them before history) and standalone credits.
 */

/** Claims volume by calendar month, per mille: refills peak in December and January. */
const CLAIMS_SEASON = [1040, 985, 1010, 990, 1000, 975, 980, 995, 1000, 1015, 1010, 1065] as const;

function newItem(seq: number, type: ItemType, customer: Customer, issue: number, amount: bigint): Item {
  return {
    seq,
    number: '',
    type,
    customer,
    issue,
    due: dueDay(issue, customer.terms),
    amount,
    termsOverride: '',
    explicitDue: false,
    po: '',
    reference: '',
    description: '',
    appliesTo: null,
    credited: 0n,
    memoDay: -1,
    settled: 0n,
    netted: 0n,
    unpaid: false,
  };
}

export function buildItems(rng: Prng, customers: Customer[], cal: Calendar, dates: DateStrings): Item[] {
  const items: Item[] = [];
  const ordered = customers.slice().sort((a, b) => a.ord - b.ord);
  const poCache = new Map<string, string>();
  const poFor = (c: Customer, issue: number): string => {
    if (c.poStyle === 'none') return '';
    const year = dates.year(issue);
    // Public bodies issue a purchase order per fiscal year (July to June); companies a blanket PO per year.
    const key = c.poStyle === 'fiscal' ? `FY${dates.month(issue) >= 7 ? year + 1 : year}` : String(year);
    const cacheKey = `${c.account}|${key}`;
    let po = poCache.get(cacheKey);
    if (po === undefined) {
      po = c.poStyle === 'fiscal' ? `PO-${key}-${rng.digits(6)}` : `45${rng.digits(8)}`;
      poCache.set(cacheKey, po);
    }
    return po;
  };

  for (const c of ordered) {
    const own: Item[] = [];
    let members = c.members;
    const add = (item: Item): void => {
      if (item.issue > cal.today) return;
      own.push(item);
    };
    for (let m = c.startMonth; m <= c.endMonth; m++) {
      const start = monthStart(cal, m);
      const end = monthStart(cal, m + 1) - 1;
      const period = dates.get(start).slice(0, 7);
      if (start > cal.today) break;
      if (c.consumer) {
        const item = newItem(items.length + own.length, 'invoice', c, nextBusinessDay(start), c.premium);
        item.description = `COBRA pharmacy premium ${period}`;
        item.reference = c.groupNumber;
        add(item);
        continue;
      }
      // Enrolment drifts a little from month to month.
      members = Math.max(5, Math.round(members * (1 + rng.normal() * 0.012)));
      const admin = newItem(
        items.length + own.length,
        'invoice',
        c,
        nextBusinessDay(start),
        BigInt(members) * c.adminPmpm,
      );
      admin.description = `Administrative fees ${period} (${members} members)`;
      admin.po = poFor(c, admin.issue);
      add(admin);

      const cycles: [number, number, number][] = [];
      if (c.weeklyClaims) {
        for (let sunday = nextWeekdayOnOrAfter(start, 0); sunday <= end; sunday += 7) {
          cycles.push([sunday, sunday + 6, sunday + 8]);
        }
      } else {
        cycles.push([start, start + 14, nextBusinessDay(start + 15)]);
        cycles.push([start + 15, end, nextBusinessDay(end + 1)]);
      }
      const season = BigInt(CLAIMS_SEASON[dates.month(start) - 1] ?? 1000);
      // Small groups' claims swing more: the relative spread shrinks with the square root of size.
      const spread = 0.06 + 2.2 / Math.sqrt(members);
      for (const [from, to, issue] of cycles) {
        const factor = Math.min(2.5, Math.max(0.35, 1 + spread * rng.normal()));
        const permille = BigInt(Math.round(factor * 1000));
        const days = BigInt(to - from + 1);
        let amount = (BigInt(members) * c.claimsPmpm * days * permille * season) / 30_000_000n;
        if (members < 400 && rng.chance(0.03)) {
          // A specialty drug fill: one claim worth more than the rest of the cycle.
          amount += BigInt(rng.int(8_000, 45_000)) * 100n + BigInt(rng.int(0, 99));
        }
        if (amount < 100n) amount = 100n + BigInt(rng.int(0, 5000));
        const claims = newItem(items.length + own.length, 'invoice', c, issue, amount);
        claims.description = `Pharmacy claims ${dates.get(from)} to ${dates.get(to)}`;
        claims.reference = c.groupNumber;
        claims.po = poFor(c, issue);
        add(claims);
      }

      // Late fees for chronically late accounts, quarterly when the contract allows; rare reprocessing fees.
      if (c.chronic && m % 3 === 2 && rng.chance(0.4)) {
        const fee = newItem(
          items.length + own.length,
          'debit_memo',
          c,
          nextBusinessDay(start + rng.int(5, 12)),
          0n,
        );
        fee.amount = BigInt(rng.int(150, 2500)) * 100n;
        fee.description = 'Late payment fee per services agreement';
        add(fee);
      }
      if (rng.chance(0.0015)) {
        const fee = newItem(
          items.length + own.length,
          'debit_memo',
          c,
          nextBusinessDay(start + rng.int(3, 25)),
          0n,
        );
        fee.amount = BigInt(rng.int(250, 1500)) * 100n + BigInt(rng.pick([0, 0, 50]));
        fee.description = 'Claims reprocessing fee';
        add(fee);
      }
    }

    // Issue order (the cycles of one month interleave with fees).
    own.sort((a, b) => a.issue - b.issue || a.seq - b.seq);
    for (const item of own) {
      if (item.type === 'invoice' && rng.chance(0.004) && c.terms !== 'NET45') {
        item.termsOverride = 'NET45';
        item.due = dueDay(item.issue, 'NET45');
      } else if (item.type === 'invoice' && rng.chance(c.segment === 'public_sector' ? 0.03 : 0.005)) {
        // A due date agreed for this invoice alone (contract or approval cycle), stated explicitly.
        item.explicitDue = true;
        item.due = item.issue + rng.int(45, 75);
      }
    }
    if (c.unpaidTail > 0) {
      for (const item of own.slice(-c.unpaidTail)) item.unpaid = true;
    }
    c.items = own;
    for (const item of own) {
      item.seq = items.length;
      items.push(item);
    }

    // Credit memos against a specific invoice: pricing guarantees, eligibility corrections, reversals.
    if (!c.consumer) {
      for (const inv of own) {
        if (inv.type !== 'invoice' || !rng.chance(c.disputeProne ? 0.04 : 0.017)) continue;
        const issue = nextBusinessDay(inv.issue + rng.int(4, 40));
        if (issue > cal.today) continue;
        const kind = rng.weighted<[string, number, number]>([
          [['Pricing adjustment: discount guarantee true-up', 20, 250], 45],
          [['Eligibility correction: termed members', 30, 200], 30],
          [['Invoice reversal: billed in error', 1000, 1000], 10],
          [['Duplicate claims credit', 10, 100], 15],
        ]);
        const [description, lo, hi] = kind;
        let amount = (inv.amount * BigInt(rng.int(lo, hi))) / 1000n;
        if (amount < 1n) amount = 1n;
        if (amount > inv.amount) amount = inv.amount;
        const memo = newItem(items.length, 'credit_memo', c, issue, amount);
        memo.appliesTo = inv;
        memo.description = description;
        memo.reference = inv.reference;
        // The importer applies the memo to its invoice at import, before history: payments see the rest.
        inv.credited = amount;
        inv.memoDay = issue;
        items.push(memo);
      }

      // Standalone credits: quarterly rebate pass-through and occasional service credits.
      const windowStart = monthStart(cal, c.startMonth);
      const windowEnd = monthStart(cal, c.endMonth + 1) - 1;
      for (let m = 0; m < cal.months; m++) {
        const start = monthStart(cal, m);
        const calMonth = dates.month(start);
        if (c.rebatePassThrough && calMonth % 3 === 1 && m > 0) {
          // Rebates for the quarter that just ended, credited about 45 days after it.
          const quarterEnd = start - 1;
          const quarterStart = toDayNumber(addMonths(fromDayNumber(start), -3));
          const issue = nextBusinessDay(start + rng.int(40, 55));
          if (issue <= cal.today && quarterEnd >= windowStart && quarterStart <= windowEnd) {
            const q = Math.floor((dates.month(quarterEnd) - 1) / 3) + 1;
            const memo = newItem(
              items.length,
              'credit_memo',
              c,
              issue,
              BigInt(c.members) * BigInt(rng.int(900, 4500)),
            );
            memo.description = `Rebate pass-through Q${q} ${dates.year(quarterEnd)}`;
            c.credits.push(memo);
            items.push(memo);
          }
        }
        if (m >= c.startMonth && m <= c.endMonth && rng.chance(0.004)) {
          const issue = nextBusinessDay(start + rng.int(2, 25));
          if (issue <= cal.today) {
            const memo = newItem(items.length, 'credit_memo', c, issue, BigInt(rng.int(500, 5000)) * 100n);
            memo.description = 'Service credit: performance guarantee';
            c.credits.push(memo);
            items.push(memo);
          }
        }
      }
      c.credits.sort((a, b) => a.issue - b.issue || a.seq - b.seq);
    }
  }
  return items;
}

export function typeOrder(type: ItemType): number {
  return type === 'invoice' ? 0 : type === 'debit_memo' ? 1 : 2;
}

/** `INV-2026-000123`, `CM-…`, `DM-…`: a sequence per prefix and year, in issue order. */
export function numberItems(items: Item[], dates: DateStrings): Item[] {
  const ordered = items
    .slice()
    .sort(
      (a, b) =>
        a.issue - b.issue ||
        typeOrder(a.type) - typeOrder(b.type) ||
        a.customer.ord - b.customer.ord ||
        a.seq - b.seq,
    );
  const counters = new Map<string, number>();
  for (const item of ordered) {
    const prefix = item.type === 'invoice' ? 'INV' : item.type === 'credit_memo' ? 'CM' : 'DM';
    const key = `${prefix}-${dates.year(item.issue)}`;
    const next = (counters.get(key) ?? 0) + 1;
    counters.set(key, next);
    item.number = `${key}-${String(next).padStart(6, '0')}`;
  }
  return ordered;
}
