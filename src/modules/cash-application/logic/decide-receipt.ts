import { addDays } from '../../../core/local-date.ts';
import { applyRate, percentRate } from '../../../core/money.ts';
import { editDistance, extractReferences, referenceKeys } from './references.ts';
import { subsetSums } from './subset-sum.ts';
import type {
  AdviceLine,
  Allocation,
  AllocationRow,
  EngineDecision,
  EngineItem,
  EngineReceipt,
  EngineSettings,
} from './types.ts';

/** The matching engine's version, stored with every application and suggestion it makes. */
export const ENGINE_VERSION = 'arbor-match-1';

/** Where the engine looks things up; built once per run from the database (load-knowledge.ts). */
export interface EngineKnowledge {
  /** Every item of the customer (open and settled), any currency. */
  itemsOfCustomer(customerId: string): readonly EngineItem[];
  itemsByFullKey(full: string): readonly EngineItem[];
  itemsByCoreKey(core: string): readonly EngineItem[];
  /** Customers whose known bank accounts include the account. */
  customersByAccount(account: string): readonly string[];
  /** Customers a party that uses the account pays for (`payer` role). */
  payerCustomersByAccount(account: string): readonly string[];
  /** Customers and paying parties whose names resemble the payer's; each with its customers and similarity. */
  byName(name: string): readonly { customers: readonly string[]; similarity: number; label: string }[];
  /** Customers the payer (by account or name key) has paid for before, with weights. */
  learned(payerAccount: string | null, payerName: string | null): ReadonlyMap<string, number>;
  /** The customer, its parent and its parent's other children: a family pays for each other. */
  familyOf(customerId: string): readonly string[];
  accountNumberOf(customerId: string): string;
  customerIdByNumber(accountNumber: string): string | null;
  /** A payer's deduction code or text mapped to the tenant's canonical reason code. */
  reasonCode(raw: string | null): string;
  /** How many remittance advices of this currency and amount no receipt has claimed. */
  unlinkedAdvices(currency: string, amount: bigint): number;
}

const NON_AR =
  /\b(INTEREST|INT PMT|VENDOR REFUND|REFUND FROM|REBATE|TAX REFUND|IRS|SWEEP|INTERNAL TRANSFER|TRANSFER FROM|DIVIDEND|RETURN OF FUNDS|MISDIRECTED|CHARGEBACK CREDIT|LOAN PROCEEDS)\b/;

type Strength = { p: number; why: string };

interface Context {
  r: EngineReceipt;
  k: EngineKnowledge;
  s: EngineSettings;
}

const fmt = (v: bigint) => {
  const neg = v < 0n;
  const d = (neg ? -v : v).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${d.slice(0, -2)}.${d.slice(-2)}`;
};

/** An item's reference keys, computed once per run (the fuzzy and truncated look-ups ask often). */
const itemKeys = new WeakMap<EngineItem, ReturnType<typeof referenceKeys>>();
function keysOf(item: EngineItem): ReturnType<typeof referenceKeys> {
  let k = itemKeys.get(item);
  if (k === undefined) {
    k = referenceKeys(item.number);
    itemKeys.set(item, k);
  }
  return k;
}

function eligible(item: EngineItem, r: EngineReceipt): boolean {
  return item.currency === r.currency && item.entityId === r.entityId && item.issueDate <= r.date;
}

/** The earned-discount amount (negative) of an untouched item paid within its window, else 0. */
function earnedDiscount(item: EngineItem, ctx: Context): bigint {
  if (item.type !== 'invoice' || item.discountPercent === null || item.discountUntil === null) return 0n;
  if (item.touched || item.open !== item.amount) return 0n;
  if (ctx.r.date > addDays(item.discountUntil, ctx.s.discountGraceDays)) return 0n;
  return -applyRate(item.amount, percentRate(item.discountPercent), 'half_up');
}

/** The discount the terms offer on the item, whether or not it is earned on this date. */
function offeredDiscount(item: EngineItem): bigint {
  if (item.type !== 'invoice' || item.discountPercent === null || item.touched || item.open !== item.amount)
    return 0n;
  return -applyRate(item.amount, percentRate(item.discountPercent), 'half_up');
}

function discountWindowPassed(item: EngineItem, ctx: Context): boolean {
  return item.discountUntil !== null && ctx.r.date > addDays(item.discountUntil, ctx.s.discountGraceDays);
}

/** Resolves a reference as a payer wrote it to one item, when unique; with how sure. */
function resolveReference(
  raw: string,
  ctx: Context,
  scope: ReadonlySet<string> | null,
): { item: EngineItem; p: number; how: string } | null {
  const keys = referenceKeys(raw);
  if (keys === null) return null;
  const inScope = (items: readonly EngineItem[]) =>
    items.filter(
      (i) =>
        i.currency === ctx.r.currency &&
        i.entityId === ctx.r.entityId &&
        (scope === null || scope.has(i.customerId)),
    );
  const full = ctx.k
    .itemsByFullKey(keys.full)
    .filter((i) => i.currency === ctx.r.currency && i.entityId === ctx.r.entityId);
  if (full.length === 1) return { item: full[0] as EngineItem, p: 0.9995, how: 'exact' };
  if (full.length > 1) {
    const scoped = inScope(full);
    if (scoped.length === 1) return { item: scoped[0] as EngineItem, p: 0.999, how: 'exact within payer' };
    return null;
  }
  if (keys.core !== null) {
    const core = ctx.k
      .itemsByCoreKey(keys.core)
      .filter((i) => i.currency === ctx.r.currency && i.entityId === ctx.r.entityId);
    if (core.length === 1)
      return { item: core[0] as EngineItem, p: keys.core.length >= 5 ? 0.998 : 0.99, how: 'number' };
    const scoped = inScope(core);
    if (scoped.length === 1) return { item: scoped[0] as EngineItem, p: 0.997, how: 'number within payer' };
    if (core.length > 1) return null;
  }
  // Fuzzy: one edit away, only among the payer's own items, and only when unique.
  if (scope !== null && keys.full.length >= 5) {
    let found: EngineItem | null = null;
    let count = 0;
    for (const customerId of scope) {
      for (const item of ctx.k.itemsOfCustomer(customerId)) {
        if (!eligible(item, ctx.r)) continue;
        const ik = keysOf(item);
        if (ik === null) continue;
        const d = Math.min(
          editDistance(ik.full, keys.full, 1),
          ik.core !== null && keys.core !== null ? editDistance(ik.core, keys.core, 1) : 2,
        );
        if (d <= 1) {
          if (found?.id !== item.id) count++;
          found = item;
        }
      }
    }
    if (count === 1 && found !== null) return { item: found, p: 0.97, how: 'one edit away' };
  }
  // Truncated: the digits written are the start of one of the payer's documents (`INV-006350` for
  // `INV-0063500`: a field cut short), at most two digits missing, only when unique.
  const written = keys.core ?? /^[A-Z]*(\d{4,})$/.exec(keys.full)?.[1] ?? null;
  if (scope !== null && written !== null && written.length >= 4) {
    let found: EngineItem | null = null;
    let count = 0;
    for (const customerId of scope) {
      for (const item of ctx.k.itemsOfCustomer(customerId)) {
        if (!eligible(item, ctx.r)) continue;
        const core = keysOf(item)?.core;
        if (core == null || core.length <= written.length || core.length - written.length > 2) continue;
        if (core.startsWith(written)) {
          count++;
          found = item;
        }
      }
    }
    if (count === 1 && found !== null) return { item: found, p: 0.97, how: 'truncated' };
  }
  return null;
}

/** The customers the payer may be, each with the strongest evidence found. */
function payerCandidates(ctx: Context): Map<string, Strength> {
  const out = new Map<string, Strength>();
  const add = (ids: readonly string[], p: number, why: string) => {
    for (const id of ids) {
      const prev = out.get(id);
      if (prev === undefined || prev.p < p) out.set(id, { p, why });
    }
  };
  const { r, k } = ctx;
  if (r.customerId !== null) add([r.customerId], 0.999, 'receipt customer');
  if (r.payerAccount) {
    const direct = k.customersByAccount(r.payerAccount);
    if (direct.length > 0) {
      add(direct, direct.length === 1 ? 0.999 : 0.995, `payer account ${r.payerAccount}`);
      for (const c of direct)
        add(
          k.familyOf(c).filter((f) => f !== c),
          0.995,
          `family of ${k.accountNumberOf(c)}`,
        );
    }
    const viaParty = k.payerCustomersByAccount(r.payerAccount);
    if (viaParty.length > 0) add(viaParty, 0.998, `paying party's account ${r.payerAccount}`);
  }
  const learned = k.learned(r.payerAccount, r.payerName ?? r.advice?.payer ?? null);
  if (learned.size > 0) {
    const total = [...learned.values()].reduce((a, b) => a + b, 0);
    // One customer paid for again and again by this payer is as good as a known account.
    for (const [id, w] of learned)
      add(
        [id],
        learned.size === 1 && w >= 2 ? 0.998 : Math.min(0.99, 0.9 + (0.09 * w) / total),
        'paid for before',
      );
  }
  const name = r.payerName ?? r.advice?.payer ?? null;
  if (name) {
    const hits = k.byName(name);
    const best = hits[0];
    if (best !== undefined && best.similarity >= 0.75) {
      const second = hits[1];
      const clear = second === undefined || second.similarity < best.similarity - 0.2;
      if (clear) add(best.customers, best.similarity >= 0.999 ? 0.98 : 0.93, `name ${best.label}`);
    }
  }
  return out;
}

function describeItems(items: readonly EngineItem[]): string {
  const numbers = items.map((i) => i.number);
  return numbers.length <= 4
    ? numbers.join(', ')
    : `${numbers.slice(0, 3).join(', ')} and ${numbers.length - 3} more`;
}

/** Rows settling `items` in full, with earned discounts when `withDiscounts`. */
function settleRows(
  items: readonly EngineItem[],
  ctx: Context,
  discounts: 'earned' | 'unearned' | 'none',
): AllocationRow[] {
  const rows: AllocationRow[] = [];
  for (const item of items) {
    const credit = item.type === 'credit_memo' || item.type === 'on_account';
    rows.push({
      kind: credit ? 'credit_memo' : 'invoice',
      itemId: item.id,
      itemNumber: item.number,
      customerId: item.customerId,
      amount: item.open,
      reasonCode: null,
    });
    if (discounts === 'earned') {
      const d = earnedDiscount(item, ctx);
      if (d !== 0n)
        rows.push({
          kind: 'discount',
          itemId: item.id,
          itemNumber: item.number,
          customerId: item.customerId,
          amount: d,
          reasonCode: null,
        });
    } else if (discounts === 'unearned') {
      const d = offeredDiscount(item);
      if (d !== 0n && discountWindowPassed(item, ctx))
        rows.push({
          kind: 'deduction',
          itemId: item.id,
          itemNumber: item.number,
          customerId: item.customerId,
          amount: d,
          reasonCode: 'unearned_discount',
        });
    }
  }
  return rows;
}

const sum = (rows: readonly AllocationRow[]) => rows.reduce((a, r) => a + r.amount, 0n);

/**
 * Completes rows that settle items to exactly the receipt's amount: the rest becomes a bank fee (an
 * incoming wire short by no more than the tolerance), or on account of the customer (money beyond the
 * items). Returns null when the rows cannot be completed by the rules.
 */
function complete(
  rows: AllocationRow[],
  ctx: Context,
  customerId: string | null,
): { rows: AllocationRow[]; note: string } | null {
  const diff = ctx.r.amount - sum(rows);
  if (diff === 0n) return { rows, note: 'amount exact' };
  if (diff < 0n) {
    const short = -diff;
    if (ctx.r.method === 'wire' && short <= ctx.s.wireFeeToleranceMinor && customerId !== null)
      return {
        rows: [
          ...rows,
          { kind: 'bank_fee', itemId: null, itemNumber: null, customerId, amount: diff, reasonCode: null },
        ],
        note: `wire short ${fmt(short)}: bank fee`,
      };
    return null;
  }
  if (customerId === null) return null;
  return {
    rows: [
      ...rows,
      { kind: 'on_account', itemId: null, itemNumber: null, customerId, amount: diff, reasonCode: null },
    ],
    note: `${fmt(diff)} beyond the items: on account`,
  };
}

function singleCustomer(items: readonly EngineItem[]): string | null {
  const ids = new Set(items.map((i) => i.customerId));
  return ids.size === 1 ? (items[0]?.customerId ?? null) : null;
}

/** Allocation from a linked remittance advice: the payer's own lines. */
function fromAdvice(ctx: Context, scope: ReadonlySet<string> | null): Allocation | null {
  const advice = ctx.r.advice;
  if (advice === null || advice.lines.length === 0) return null;
  const rows: AllocationRow[] = [];
  let p = 0.999;
  const notes: string[] = [];
  for (const line of advice.lines) {
    const found = resolveReference(line.invoiceNumber, ctx, scope);
    if (found === null) return null;
    const item = found.item;
    p = Math.min(p, found.p);
    const credit = item.type === 'credit_memo' || item.type === 'on_account';
    if (credit) {
      const amount = line.paid < 0n ? line.paid : -line.paid;
      if (item.open > amount) return null; // credit has less left than the advice nets
      rows.push({
        kind: 'credit_memo',
        itemId: item.id,
        itemNumber: item.number,
        customerId: item.customerId,
        amount,
        reasonCode: null,
      });
      continue;
    }
    let discount = line.discount ?? 0n;
    const deduction = line.deduction ?? 0n;
    const gross = line.gross ?? line.paid + discount + deduction;
    // A gross above what is paid, discounted and deducted: when the gap is the discount the terms
    // offer, the payer took it without saying so.
    const gap = gross - line.paid - discount - deduction;
    if (gap > 0n && discount === 0n && gap === -offeredDiscount(item)) discount = gap;
    const settle = gross > item.open ? item.open : gross;
    if (settle <= 0n) return null;
    rows.push({
      kind: 'invoice',
      itemId: item.id,
      itemNumber: item.number,
      customerId: item.customerId,
      amount: settle,
      reasonCode: null,
    });
    if (discount !== 0n) {
      const earned = earnedDiscount(item, ctx);
      if (earned === -discount)
        rows.push({
          kind: 'discount',
          itemId: item.id,
          itemNumber: item.number,
          customerId: item.customerId,
          amount: earned,
          reasonCode: null,
        });
      else
        rows.push({
          kind: 'deduction',
          itemId: item.id,
          itemNumber: item.number,
          customerId: item.customerId,
          amount: -discount,
          reasonCode:
            earned === 0n && discountWindowPassed(item, ctx)
              ? 'unearned_discount'
              : ctx.k.reasonCode('discount_not_per_terms'),
        });
    }
    if (deduction !== 0n)
      rows.push({
        kind: 'deduction',
        itemId: item.id,
        itemNumber: item.number,
        customerId: item.customerId,
        amount: -deduction,
        reasonCode: ctx.k.reasonCode(line.deductionReason),
      });
    if (found.how !== 'exact') notes.push(`${line.invoiceNumber} → ${item.number} (${found.how})`);
  }
  const ids = new Set(rows.flatMap((row) => (row.customerId ? [row.customerId] : [])));
  const customerId = ids.size === 1 ? ([...ids][0] as string) : null;
  const done = complete(rows, ctx, customerId);
  if (done === null) return null;
  // The payer's own lines that explain the amount exactly make a loosely read number sure.
  if (done.note === 'amount exact' && p < 0.99) p = 0.996;
  if (done.note !== 'amount exact') p = Math.min(p, 0.998);
  return {
    rows: done.rows,
    confidence: p,
    explanation: `remittance advice ${advice.lines.length} line(s)${notes.length ? `; ${notes.join('; ')}` : ''}; ${done.note}`,
  };
}

const DEDUCTION_TEXT =
  /\b(?:DED(?:UCTION|UCTED)?|SHORT(?:\s*PA(?:ID|Y))?|LESS|DEDUCT(?:ED)?)\b\s*:?\s*(?:USD\s*)?(\d{1,3}(?:,\d{3})*|\d+)\.(\d{2})\s*([A-Za-z][A-Za-z_ -]{2,40})?/gi;

/**
 * Deductions the payer states in the text: `DED 2,304.00 short_shipment`, `SHORT PAID 50.00 PRICING`.
 * The reason is mapped to the tenant's canonical code (aliases, codes history used); unmapped, it is
 * kept as written.
 */
function statedDeductions(ctx: Context): { total: bigint; reason: string } {
  let total = 0n;
  let reason: string | null = null;
  for (const m of ctx.r.text.matchAll(DEDUCTION_TEXT)) {
    total += BigInt(`${(m[1] ?? '0').replace(/,/g, '')}${m[2] ?? '00'}`);
    const words = (m[3] ?? '').trim();
    if (reason === null && words !== '') reason = ctx.k.reasonCode(words.split(/\s+/).slice(0, 3).join(' '));
  }
  return { total, reason: reason ?? 'unspecified' };
}

/** Allocations from references found in the receipt's text. */
function fromReferences(ctx: Context, scope: ReadonlySet<string> | null): Allocation[] {
  const found = new Map<string, { item: EngineItem; p: number; how: string; raw: string }>();
  for (const raw of extractReferences(ctx.r.text)) {
    const hit = resolveReference(raw, ctx, scope);
    if (hit !== null && eligible(hit.item, ctx.r) && !found.has(hit.item.id))
      found.set(hit.item.id, { ...hit, raw });
  }
  if (found.size === 0) return [];
  const hits = [...found.values()];
  const refP = Math.min(...hits.map((h) => h.p));
  const refText = hits.map((h) => `ref ${h.item.number} ${h.how}`).join(', ');
  const items = hits
    .map((h) => h.item)
    .sort((a, b) =>
      a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : a.number < b.number ? -1 : 1,
    );
  const open = items.filter((i) => i.open !== 0n);
  const customerId = singleCustomer(items);
  const out: Allocation[] = [];
  // A payment of documents already settled: a duplicate, on account of the customer.
  if (open.length === 0) {
    const paid = items.reduce((a, i) => a + i.amount, 0n);
    if (customerId !== null && paid === ctx.r.amount)
      out.push({
        rows: [
          {
            kind: 'on_account',
            itemId: null,
            itemNumber: null,
            customerId,
            amount: ctx.r.amount,
            reasonCode: null,
          },
        ],
        confidence: refP * 0.998,
        explanation: `${refText}; already settled: duplicate payment, on account`,
      });
    return out;
  }
  // The amount exactly: the items in full, with an earned discount, or with a late one taken.
  // A reference read loosely (one edit away, truncated) that also gives the exact amount is sure.
  const exactP = Math.min(...hits.map((h) => (h.p < 0.99 ? 0.996 : h.p)));
  for (const mode of ['none', 'earned', 'unearned'] as const) {
    const rows = settleRows(open, ctx, mode);
    if (mode !== 'none' && rows.length === open.length) continue; // no discount applies in this mode
    if (sum(rows) !== ctx.r.amount) continue;
    out.push({
      rows,
      confidence: exactP,
      explanation: `${refText}; ${mode === 'earned' ? 'discount earned; ' : mode === 'unearned' ? 'discount taken late: unearned_discount deduction; ' : ''}amount exact`,
    });
    return out;
  }
  // Short by what the payer says it deducted, and why (`DED 123.45 pricing_dispute`).
  const stated = statedDeductions(ctx);
  if (stated.total > 0n) {
    const rows = settleRows(open, ctx, 'none');
    if (sum(rows) - stated.total === ctx.r.amount) {
      const target = open.find((i) => i.open > 0n) as EngineItem;
      out.push({
        rows: [
          ...rows,
          {
            kind: 'deduction',
            itemId: target.id,
            itemNumber: target.number,
            customerId: target.customerId,
            amount: -stated.total,
            reasonCode: stated.reason,
          },
        ],
        confidence: refP * 0.999,
        explanation: `${refText}; short by ${fmt(stated.total)}, the deduction the payer states (${stated.reason})`,
      });
      return out;
    }
  }
  // More than the items (on account), or a wire short by its fee.
  const done = complete(settleRows(open, ctx, 'none'), ctx, customerId);
  if (done !== null) {
    out.push({
      rows: done.rows,
      confidence: refP * (done.note.includes('bank fee') ? 0.998 : 0.999),
      explanation: `${refText}; ${done.note}`,
    });
    return out;
  }
  if (out.length > 0) return out;
  // Less than the referenced items: a part of them paid in full, or an instalment of one.
  if (open.length > 1) {
    const sub = subsetSums(
      open.map((i) => i.open),
      ctx.r.amount,
      { maxSolutions: 2 },
    );
    if (sub.solutions.length === 1 && sub.exhausted) {
      const chosen = (sub.solutions[0] as number[]).map((i) => open[i] as EngineItem);
      out.push({
        rows: settleRows(chosen, ctx, 'none'),
        confidence: refP * 0.97,
        explanation: `${refText}; ${chosen.length} of the ${open.length} referenced items sum to the amount`,
      });
      return out;
    }
  }
  if (ctx.r.amount < open.reduce((a, i) => a + (i.open > 0n ? i.open : 0n), 0n)) {
    // Partial payment (an instalment): oldest first, the last one partly.
    const rows: AllocationRow[] = [];
    let left = ctx.r.amount;
    for (const item of open) {
      if (left <= 0n || item.open <= 0n) continue;
      const take = item.open < left ? item.open : left;
      rows.push({
        kind: 'invoice',
        itemId: item.id,
        itemNumber: item.number,
        customerId: item.customerId,
        amount: take,
        reasonCode: null,
      });
      left -= take;
    }
    const single = open.length === 1;
    out.push({
      rows,
      confidence: refP * (single ? 0.996 : 0.9),
      explanation: `${refText}; pays ${fmt(ctx.r.amount)} of ${fmt(open.reduce((a, i) => a + i.open, 0n))} open: partial payment${single ? '' : ', oldest first'}`,
    });
  }
  return out;
}

const byAge = (a: EngineItem, b: EngineItem) =>
  a.issueDate < b.issueDate
    ? -1
    : a.issueDate > b.issueDate
      ? 1
      : a.number < b.number
        ? -1
        : a.number > b.number
          ? 1
          : 0;

/**
 * Allocations over the candidate customers' open items when nothing names them, in stages from the
 * plainest answer to the most contrived, stopping at the first stage that has one: one item of
 * exactly the amount (several of the same amount: the oldest, spec section 6); one item less its
 * earned discount; invoices whose sum is the amount; the same with earned discounts; with credit
 * memos netted; with late discounts deducted; a wire short by its fee. A stage with several answers
 * only suggests them.
 */
function fromAmounts(ctx: Context, candidates: Map<string, Strength>): Allocation[] {
  const out: Allocation[] = [];
  // Per customer first (most payments pay one customer), then all candidates together (a party
  // paying for several).
  const groups: { customers: string[]; p: number; why: string }[] = [];
  for (const [id, st] of candidates) groups.push({ customers: [id], p: st.p, why: st.why });
  if (candidates.size > 1 && candidates.size <= 25) {
    const ps = [...candidates.values()];
    groups.push({
      customers: [...candidates.keys()],
      p: Math.min(...ps.map((x) => x.p)),
      why: ps[0]?.why ?? '',
    });
  }
  const A = ctx.r.amount;
  for (const g of groups) {
    const items = g.customers
      .flatMap((c) => ctx.k.itemsOfCustomer(c))
      .filter((i) => eligible(i, ctx.r) && i.open !== 0n)
      .sort(byAge);
    if (items.length === 0) continue;
    const debits = items.filter((i) => i.open > 0n);
    const earned = (i: EngineItem) => earnedDiscount(i, ctx);
    const late = (i: EngineItem) => (discountWindowPassed(i, ctx) ? offeredDiscount(i) : 0n);
    type Stage = {
      pool: EngineItem[];
      value: (i: EngineItem) => bigint;
      mode: 'none' | 'earned' | 'unearned';
      slack: bigint;
      label: string;
    };
    const stages: Stage[] = [
      { pool: debits, value: (i) => i.open, mode: 'none', slack: 0n, label: '' },
      {
        pool: debits,
        value: (i) => i.open + earned(i),
        mode: 'earned',
        slack: 0n,
        label: ', discount earned',
      },
      { pool: items, value: (i) => i.open, mode: 'none', slack: 0n, label: ', credits netted' },
      {
        pool: debits,
        value: (i) => i.open + late(i),
        mode: 'unearned',
        slack: 0n,
        label: ', unearned discount deducted',
      },
    ];
    if (ctx.r.method === 'wire')
      stages.push({
        pool: debits,
        value: (i) => i.open,
        mode: 'none',
        slack: ctx.s.wireFeeToleranceMinor,
        label: '',
      });
    for (const st of stages) {
      if (st.mode === 'earned' && !st.pool.some((i) => earned(i) !== 0n)) continue;
      if (st.mode === 'unearned' && !st.pool.some((i) => late(i) !== 0n)) continue;
      if (st.pool === items && items.length === debits.length) continue;
      // One item alone first.
      const singles = st.pool.filter((i) => {
        const v = st.value(i);
        return v <= A + st.slack && v >= A;
      });
      let sols: EngineItem[][];
      let unique: boolean;
      let equal = false;
      if (singles.length > 0) {
        equal = singles.length > 1 && new Set(singles.map((i) => st.value(i))).size === 1;
        sols = equal ? [[singles[0] as EngineItem]] : singles.map((i) => [i]);
        unique = singles.length === 1 || equal;
      } else {
        const res = subsetSums(st.pool.map(st.value), A, { maxSolutions: 4, slack: st.slack, maxItems: 80 });
        if (res.solutions.length === 0) continue;
        sols = res.solutions.map((x) => x.map((i) => st.pool[i] as EngineItem));
        unique = sols.length === 1 && res.exhausted;
      }
      for (const chosen of sols.slice(0, 3)) {
        const done = complete(settleRows(chosen, ctx, st.mode), ctx, singleCustomer(chosen));
        if (done === null) continue;
        const n = chosen.length;
        let p = unique ? g.p * (n === 1 ? 0.998 : n <= 6 ? 0.997 : 0.99) : g.p * (0.6 / sols.length);
        if (equal) p *= 0.999;
        if (st.slack > 0n) p *= 0.998;
        if (st.pool === items) p *= 0.995;
        out.push({
          rows: done.rows,
          confidence: p,
          explanation: `${g.why}; ${n} open item(s) ${describeItems(chosen)} ${equal ? `of equal amount: the oldest of ${singles.length}` : unique ? (n === 1 ? 'of exactly the amount' : 'are the only ones that sum to the amount') : `sum to the amount (one of ${sols.length}+ ways)`}${st.label}; ${done.note}`,
        });
      }
      break;
    }
    if (out.some((x) => x.confidence >= ctx.s.precisionFloor)) break;
  }
  return out.sort((x, y) => y.confidence - x.confidence);
}

/**
 * Decides one receipt: apply (above the precision floor), suggest (up to three complete allocations,
 * ranked), or leave unapplied (with why). Pure: reads `knowledge`, changes nothing; the caller moves
 * the items' open amounts when it applies.
 */
export function decideReceipt(
  r: EngineReceipt,
  knowledge: EngineKnowledge,
  settings: EngineSettings,
): EngineDecision {
  const ctx: Context = { r, k: knowledge, s: settings };
  if (r.amount <= 0n) return { kind: 'leave', explanation: 'nothing left to apply' };
  const candidates = payerCandidates(ctx);
  const scope = candidates.size > 0 ? new Set(candidates.keys()) : null;
  const upper = `${r.text} ${r.payerName ?? ''}`.toUpperCase();
  const allocations: Allocation[] = [];
  // The payer's own advice, when it explains the whole amount, speaks for itself: references in the
  // text are the same documents, read less reliably.
  const advice = fromAdvice(ctx, scope);
  if (advice !== null) allocations.push(advice);
  if (advice === null || advice.confidence < settings.precisionFloor)
    allocations.push(...fromReferences(ctx, scope));
  if (allocations.every((a) => a.confidence < settings.precisionFloor) && candidates.size > 0) {
    const byAmount = fromAmounts(ctx, candidates);
    // An advice of this amount that no receipt has claimed yet may name the documents; the amount
    // alone must not decide before it does.
    if (knowledge.unlinkedAdvices(r.currency, r.amount) > 0)
      for (const a of byAmount) {
        a.confidence = Math.min(a.confidence, 0.99);
        a.explanation += '; an unlinked remittance advice of this amount may name the documents';
      }
    allocations.push(...byAmount);
  }
  // Evidence about the payer raises or lowers confidence in a reference match: references to
  // items of a customer the payer is not known to pay for are less sure.
  for (const a of allocations) {
    const customers = new Set(a.rows.flatMap((row) => (row.customerId ? [row.customerId] : [])));
    if (scope !== null && [...customers].some((c) => !scope.has(c))) a.confidence *= 0.998;
  }
  const ranked = dedupe(allocations).sort((a, b) => b.confidence - a.confidence);
  const best = ranked[0];
  if (best === undefined) {
    if (NON_AR.test(upper) && candidates.size === 0)
      return {
        kind: 'leave',
        explanation: `not a customer payment: ${NON_AR.exec(upper)?.[1]?.toLowerCase()}`,
      };
    return {
      kind: 'leave',
      explanation:
        candidates.size === 0
          ? 'payer not identified and no reference found'
          : `payer may be ${[...candidates.keys()]
              .map((c) => knowledge.accountNumberOf(c))
              .slice(0, 3)
              .join(', ')}; no open items match the amount`,
    };
  }
  const second = ranked[1];
  // Two allocations both credible: not sure which, whatever each one's own confidence.
  if (second !== undefined && second.confidence > 0.5 * best.confidence && !sameTargets(best, second)) {
    best.confidence = Math.min(best.confidence, 0.9);
  }
  if (best.confidence >= settings.precisionFloor) return { kind: 'apply', allocation: best, suggestions: [] };
  return { kind: 'suggest', suggestions: ranked.slice(0, 3), explanation: best.explanation };
}

function sameTargets(a: Allocation, b: Allocation): boolean {
  const key = (x: Allocation) =>
    x.rows
      .map((r) => `${r.kind}:${r.itemId}:${r.amount}`)
      .sort()
      .join('|');
  return key(a) === key(b);
}

function dedupe(list: Allocation[]): Allocation[] {
  const best = new Map<string, Allocation>();
  for (const a of list) {
    const key = a.rows
      .map((r) => `${r.kind}:${r.itemId}:${r.amount}`)
      .sort()
      .join('|');
    const prev = best.get(key);
    if (prev === undefined || prev.confidence < a.confidence) best.set(key, a);
  }
  return [...best.values()];
}

export type { AdviceLine };
