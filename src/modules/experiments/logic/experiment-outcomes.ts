import { addDays, diffDays, type LocalDate, maxDate } from '../../../core/local-date.ts';
import { type ProportionResult, twoProportionZTest, type WelchResult, welchTTest } from './statistics.ts';

/**
 * Outcomes per variant of a champion/challenger experiment, and the tests of each challenger against
 * the champion (pure; experiment-report.ts feeds it). The unit of randomization is the account, so
 * every measure and test is per account. S is the start day, E the end (stop day or report day).
 *
 * - cohort: the account's invoices and debit memos open on S; its start balance is their sum;
 * - cash collected: cash applied to the account's items in (S, E], and its share of the start
 *   balance (capped at 1);
 * - paid within N days: the account made a payment on its cohort within N days of S (the response a
 *   reminder is meant to trigger);
 * - cured: every cohort item already past due on S was paid by E (the account is no longer behind on
 *   what it owed at the start; write-offs do not count as paid);
 * - days to pay: over the cohort items the account paid in full by E, the amount-weighted mean of
 *   (payment day − the later of S and the item's due date); accounts that paid none are left out;
 * - roll rate: of the start balance in an aging bucket, the share still unpaid at the checkpoint
 *   (S + 30, or E if sooner) and in a later bucket (CRF's roll rate, by amount);
 * - cost of contact: calls, emails and letters in [S, E] × the cost per channel in the settings.
 *
 * Tests: Welch's t-test on days to pay and on the share collected; the two-proportion z-test on paid
 * within N days and on cured. p-values are two-sided; the report shows differences and p and declares
 * no winner (fix the sample size and the test before looking; do not stop when p dips under 0.05).
 */

export const ROLL_BUCKETS = [
  { label: 'current', max: 0 },
  { label: '1-30', max: 30 },
  { label: '31-60', max: 60 },
  { label: '61-90', max: 90 },
  { label: '91-120', max: 120 },
  { label: 'over 120', max: Number.POSITIVE_INFINITY },
] as const;

export function bucketOf(daysPastDue: number): number {
  return ROLL_BUCKETS.findIndex((b) => daysPastDue <= b.max);
}

export interface CohortItem {
  readonly customerId: string;
  readonly variant: string;
  readonly currency: string;
  readonly dueDate: LocalDate;
  readonly openAtStart: bigint;
  readonly openAtCheckpoint: bigint;
  readonly openAtEnd: bigint;
  readonly firstPaidOn: LocalDate | null;
  readonly lastPaidOn: LocalDate | null;
}

export interface OutcomeInput {
  readonly start: LocalDate;
  readonly end: LocalDate;
  readonly checkpoint: LocalDate;
  readonly paidWithinDays: number;
  /** Every assigned account and its variant. */
  readonly assignments: readonly { customerId: string; variant: string }[];
  readonly items: readonly CohortItem[];
  readonly collected: readonly { customerId: string; currency: string; amountMinor: bigint }[];
  readonly contacts: readonly { customerId: string; kind: string; count: number }[];
  /** Cost per contact by channel, in minor units of the cost currency. */
  readonly costPerContactMinor: Readonly<Record<string, bigint>>;
}

export interface VariantOutcome {
  readonly variant: string;
  readonly accounts: number;
  readonly accountsWithBalance: number;
  readonly startBalance: Record<string, bigint>;
  readonly collected: Record<string, bigint>;
  /** Mean over accounts with a balance of min(1, collected / start balance) (face value across currencies). */
  readonly meanCollectedShare: number | null;
  readonly paidWithinN: number;
  /** paidWithinN / accountsWithBalance */
  readonly paidWithinNShare: number | null;
  /** Accounts with something past due on the start day, and of those, cured by the end. */
  readonly pastDueAccounts: number;
  readonly cured: number;
  readonly curedShare: number | null;
  /** Accounts that paid at least one cohort item in full. */
  readonly payers: number;
  readonly meanDaysToPay: number | null;
  readonly medianDaysToPay: number | null;
  /** From each bucket: start balance, rolled (unpaid and in a later bucket at the checkpoint), rate. */
  readonly rolls: { from: string; startMinor: bigint; rolledMinor: bigint; rate: number | null }[];
  readonly rollRate: number | null;
  readonly contacts: Record<string, number>;
  readonly contactCostMinor: bigint;
  /** Cost per assigned account, rounded down to the minor unit (a display figure). */
  readonly costPerAccountMinor: bigint;
  /** Per-account values behind the tests. */
  readonly daysToPay: number[];
  readonly collectedShares: number[];
}

export interface Comparison {
  readonly challenger: string;
  readonly champion: string;
  readonly daysToPay: WelchResult | null;
  readonly paidWithinN: ProportionResult | null;
  readonly cured: ProportionResult | null;
  readonly collectedShare: WelchResult | null;
}

interface Account {
  readonly start: Map<string, bigint>;
  readonly collected: Map<string, bigint>;
  firstPaid: LocalDate | null;
  pastDue: boolean;
  behind: boolean;
  weightedDays: number;
  paidWeight: number;
}

export function computeOutcomes(input: OutcomeInput, variants: readonly string[]): VariantOutcome[] {
  const variantOf = new Map(input.assignments.map((a) => [a.customerId, a.variant]));
  const accounts = new Map<string, Account>();
  const accountOf = (id: string) => {
    let a = accounts.get(id);
    if (!a) {
      a = {
        start: new Map(),
        collected: new Map(),
        firstPaid: null,
        pastDue: false,
        behind: false,
        weightedDays: 0,
        paidWeight: 0,
      };
      accounts.set(id, a);
    }
    return a;
  };
  const rolls = new Map<string, { start: bigint[]; rolled: bigint[] }>();
  const rollOf = (v: string) => {
    let r = rolls.get(v);
    if (!r) {
      r = { start: ROLL_BUCKETS.map(() => 0n), rolled: ROLL_BUCKETS.map(() => 0n) };
      rolls.set(v, r);
    }
    return r;
  };
  for (const item of input.items) {
    const a = accountOf(item.customerId);
    a.start.set(item.currency, (a.start.get(item.currency) ?? 0n) + item.openAtStart);
    if (item.firstPaidOn && (a.firstPaid === null || item.firstPaidOn < a.firstPaid))
      a.firstPaid = item.firstPaidOn;
    if (item.dueDate < input.start) {
      a.pastDue = true;
      if (item.openAtEnd > 0n) a.behind = true;
    }
    if (item.openAtEnd === 0n && item.lastPaidOn !== null) {
      const w = Number(item.openAtStart);
      a.weightedDays += w * diffDays(item.lastPaidOn, maxDate(input.start, item.dueDate));
      a.paidWeight += w;
    }
    const from = bucketOf(diffDays(input.start, item.dueDate));
    const r = rollOf(item.variant);
    r.start[from] = (r.start[from] ?? 0n) + item.openAtStart;
    if (item.openAtCheckpoint > 0n && bucketOf(diffDays(input.checkpoint, item.dueDate)) > from)
      r.rolled[from] = (r.rolled[from] ?? 0n) + item.openAtCheckpoint;
  }
  for (const c of input.collected) {
    const a = accountOf(c.customerId);
    a.collected.set(c.currency, (a.collected.get(c.currency) ?? 0n) + c.amountMinor);
  }
  const contactsOf = new Map<string, Record<string, number>>();
  const costOf = new Map<string, bigint>();
  for (const c of input.contacts) {
    const v = variantOf.get(c.customerId);
    if (v === undefined) continue;
    const rec = contactsOf.get(v) ?? {};
    rec[c.kind] = (rec[c.kind] ?? 0) + c.count;
    contactsOf.set(v, rec);
    costOf.set(v, (costOf.get(v) ?? 0n) + BigInt(c.count) * (input.costPerContactMinor[c.kind] ?? 0n));
  }
  const byWhen = addDays(input.start, input.paidWithinDays);
  const share = (x: number, n: number) => (n === 0 ? null : x / n);

  return variants.map((variant) => {
    const members = input.assignments.filter((a) => a.variant === variant);
    const startBalance: Record<string, bigint> = {};
    const collected: Record<string, bigint> = {};
    const daysToPay: number[] = [];
    const collectedShares: number[] = [];
    let withBalance = 0;
    let paidWithinN = 0;
    let pastDue = 0;
    let cured = 0;
    for (const m of members) {
      const a = accounts.get(m.customerId);
      if (!a) continue;
      for (const [cur, v] of a.collected) collected[cur] = (collected[cur] ?? 0n) + v;
      if (a.start.size === 0) continue;
      withBalance++;
      let got = 0;
      let owed = 0;
      for (const [cur, v] of a.start) {
        startBalance[cur] = (startBalance[cur] ?? 0n) + v;
        owed += Number(v);
        got += Number(a.collected.get(cur) ?? 0n);
      }
      collectedShares.push(owed > 0 ? Math.min(1, got / owed) : 0);
      if (a.firstPaid !== null && a.firstPaid <= byWhen) paidWithinN++;
      if (a.pastDue) {
        pastDue++;
        if (!a.behind) cured++;
      }
      if (a.paidWeight > 0) daysToPay.push(a.weightedDays / a.paidWeight);
    }
    const r = rollOf(variant);
    const rollRows = ROLL_BUCKETS.slice(0, -1).map((b, i) => ({
      from: b.label,
      startMinor: r.start[i] ?? 0n,
      rolledMinor: r.rolled[i] ?? 0n,
      rate: (r.start[i] ?? 0n) === 0n ? null : Number(r.rolled[i] ?? 0n) / Number(r.start[i] ?? 0n),
    }));
    const rollStart = rollRows.reduce((s, x) => s + x.startMinor, 0n);
    const rolled = rollRows.reduce((s, x) => s + x.rolledMinor, 0n);
    const sorted = [...daysToPay].sort((x, y) => x - y);
    const mid = Math.floor(sorted.length / 2);
    const cost = costOf.get(variant) ?? 0n;
    return {
      variant,
      accounts: members.length,
      accountsWithBalance: withBalance,
      startBalance,
      collected,
      meanCollectedShare:
        collectedShares.length === 0
          ? null
          : collectedShares.reduce((s, x) => s + x, 0) / collectedShares.length,
      paidWithinN,
      paidWithinNShare: share(paidWithinN, withBalance),
      pastDueAccounts: pastDue,
      cured,
      curedShare: share(cured, pastDue),
      payers: daysToPay.length,
      meanDaysToPay: daysToPay.length === 0 ? null : daysToPay.reduce((s, x) => s + x, 0) / daysToPay.length,
      medianDaysToPay:
        sorted.length === 0
          ? null
          : sorted.length % 2 === 1
            ? (sorted[mid] as number)
            : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2,
      rolls: rollRows,
      rollRate: rollStart === 0n ? null : Number(rolled) / Number(rollStart),
      contacts: contactsOf.get(variant) ?? {},
      contactCostMinor: cost,
      costPerAccountMinor: members.length === 0 ? 0n : cost / BigInt(members.length),
      daysToPay,
      collectedShares,
    };
  });
}

/** Each challenger against the champion. */
export function compareVariants(outcomes: readonly VariantOutcome[], champion: string): Comparison[] {
  const base = outcomes.find((o) => o.variant === champion);
  if (!base) return [];
  return outcomes
    .filter((o) => o.variant !== champion)
    .map((o) => ({
      challenger: o.variant,
      champion,
      daysToPay: welchTTest(o.daysToPay, base.daysToPay),
      paidWithinN: twoProportionZTest(
        o.paidWithinN,
        o.accountsWithBalance,
        base.paidWithinN,
        base.accountsWithBalance,
      ),
      cured: twoProportionZTest(o.cured, o.pastDueAccounts, base.cured, base.pastDueAccounts),
      collectedShare: welchTTest(o.collectedShares, base.collectedShares),
    }));
}
