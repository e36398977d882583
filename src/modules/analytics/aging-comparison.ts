import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { addDays, type LocalDate } from '../../core/local-date.ts';
import { type AgingBucket, type AgingRow, buildAgingReport, DEFAULT_BOUNDARIES } from '../reporting/index.ts';
import { analyticsError } from './analytics.errors.ts';

export interface AgingComparisonOptions {
  readonly asOf?: LocalDate;
  /** Compare with the aging this many weeks earlier (default 1). */
  readonly weeks?: number;
  readonly boundaries?: readonly number[];
  /** Only this collector's customers (a portfolio-scoped analyst). */
  readonly collector?: string;
}

export interface ComparedAccount {
  readonly customerId: string;
  readonly accountNumber: string;
  readonly name: string;
  readonly customerType: 'business' | 'consumer';
  readonly segment: string | null;
  readonly collector: string | null;
  readonly creditLimit: bigint | null;
  /** The customer's own currency (the one its credit limit is in). */
  readonly customerCurrency: CurrencyCode;
  readonly currency: CurrencyCode;
  readonly bucketsNow: readonly bigint[];
  readonly bucketsBefore: readonly bigint[];
  /** Open credits (zero or negative); balance = Σ buckets + credits. */
  readonly creditsNow: bigint;
  readonly creditsBefore: bigint;
  readonly balanceNow: bigint;
  readonly balanceBefore: bigint;
}

export interface AgingComparison {
  readonly asOf: LocalDate;
  readonly before: LocalDate;
  readonly weeks: number;
  readonly buckets: readonly AgingBucket[];
  readonly accounts: readonly ComparedAccount[];
  /** Per currency: the buckets and balance at both dates. */
  readonly totals: readonly {
    currency: CurrencyCode;
    bucketsNow: bigint[];
    bucketsBefore: bigint[];
    creditsNow: bigint;
    creditsBefore: bigint;
    balanceNow: bigint;
    balanceBefore: bigint;
  }[];
}

/**
 * This week's aging against an earlier week's (both by due date, the earlier one rebuilt from the
 * journal as it stood then): per customer and currency, each bucket at both dates. The deltas are
 * now − before. Accounts with nothing open at either date are left out.
 */
export async function buildAgingComparison(
  ctx: ServiceContext,
  options: AgingComparisonOptions = {},
): Promise<AgingComparison> {
  const asOf = options.asOf ?? ctx.clock.today();
  const weeks = options.weeks ?? 1;
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 104)
    throw analyticsError(
      'analytics.invalid_options',
      `weeks must be a whole number from 1 to 104, not ${weeks}`,
    );
  const before = addDays(asOf, -7 * weeks);
  const boundaries = options.boundaries ?? DEFAULT_BOUNDARIES;
  const now = await buildAgingReport(ctx, { asOf, basis: 'due', boundaries });
  const then = await buildAgingReport(ctx, { asOf: before, basis: 'due', boundaries, fromLedger: true });
  const key = (r: AgingRow) => `${r.customerId}|${r.currency}`;
  const rows = new Map<string, { now?: AgingRow; earlier?: AgingRow }>();
  for (const r of now.rows) if (r.customerId) rows.set(key(r), { now: r });
  for (const r of then.rows) {
    if (!r.customerId) continue;
    const entry = rows.get(key(r)) ?? {};
    entry.earlier = r;
    rows.set(key(r), entry);
  }
  const ids = [...new Set([...rows.values()].map((e) => (e.now ?? e.earlier)?.customerId as string))];
  const profiles = new Map<
    string,
    {
      type: 'business' | 'consumer';
      segment: string | null;
      collector: string | null;
      limit: bigint | null;
      currency: string;
    }
  >();
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    if (chunk.length === 0) continue;
    const found = await ctx.database.db
      .selectFrom('customers')
      .select(['id', 'customer_type', 'segment', 'collector', 'credit_limit_minor', 'currency'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', 'in', chunk)
      .execute();
    for (const c of found)
      profiles.set(c.id, {
        type: c.customer_type,
        segment: c.segment,
        collector: c.collector,
        limit: c.credit_limit_minor,
        currency: c.currency,
      });
  }
  const zero = now.buckets.map(() => 0n);
  const accounts: ComparedAccount[] = [];
  for (const e of rows.values()) {
    const r = (e.now ?? e.earlier) as AgingRow;
    const p = profiles.get(r.customerId as string);
    if (options.collector !== undefined && p?.collector !== options.collector) continue;
    const bucketsNow = e.now ? [...e.now.buckets] : zero;
    const bucketsBefore = e.earlier ? [...e.earlier.buckets] : zero;
    const balanceNow = e.now?.balance ?? 0n;
    const balanceBefore = e.earlier?.balance ?? 0n;
    if (balanceNow === 0n && balanceBefore === 0n && [...bucketsNow, ...bucketsBefore].every((b) => b === 0n))
      continue;
    accounts.push({
      customerId: r.customerId as string,
      accountNumber: r.accountNumber,
      name: r.name,
      customerType: p?.type ?? 'business',
      segment: p?.segment ?? null,
      collector: p?.collector ?? null,
      creditLimit: p?.limit ?? null,
      customerCurrency: (p?.currency ?? r.currency) as CurrencyCode,
      currency: r.currency,
      bucketsNow,
      bucketsBefore,
      creditsNow: e.now?.credits ?? 0n,
      creditsBefore: e.earlier?.credits ?? 0n,
      balanceNow,
      balanceBefore,
    });
  }
  accounts.sort((a, b) =>
    a.accountNumber < b.accountNumber
      ? -1
      : a.accountNumber > b.accountNumber
        ? 1
        : a.currency < b.currency
          ? -1
          : a.currency > b.currency
            ? 1
            : 0,
  );
  const totals = new Map<CurrencyCode, AgingComparison['totals'][number]>();
  for (const a of accounts) {
    let t = totals.get(a.currency);
    if (!t) {
      t = {
        currency: a.currency,
        bucketsNow: [...zero],
        bucketsBefore: [...zero],
        creditsNow: 0n,
        creditsBefore: 0n,
        balanceNow: 0n,
        balanceBefore: 0n,
      };
      totals.set(a.currency, t);
    }
    const tt = t;
    a.bucketsNow.forEach((b, i) => {
      tt.bucketsNow[i] = (tt.bucketsNow[i] ?? 0n) + b;
    });
    a.bucketsBefore.forEach((b, i) => {
      tt.bucketsBefore[i] = (tt.bucketsBefore[i] ?? 0n) + b;
    });
    tt.creditsNow += a.creditsNow;
    tt.creditsBefore += a.creditsBefore;
    tt.balanceNow += a.balanceNow;
    tt.balanceBefore += a.balanceBefore;
  }
  return { asOf, before, weeks, buckets: now.buckets, accounts, totals: [...totals.values()] };
}
