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
        const ik = referenceKeys(item.number);
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
    for (const [id, w] of learned) add([id], Math.min(0.99, 0.9 + (0.09 * w) / total), 'paid for before');
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
    const discount = line.discount ?? 0n;
    const deduction = line.deduction ?? 0n;
    const gross = line.gross ?? line.paid + discount + deduction;
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
  if (done.note !== 'amount exact') p = Math.min(p, 0.99);
  return {
    rows: done.rows,
    confidence: p,
    explanation: `remittance advice ${advice.lines.length} line(s)${notes.length ? `; ${notes.join('; ')}` : ''}; ${done.note}`,
  };
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
  for (const mode of ['earned', 'none', 'unearned'] as const) {
    const rows = settleRows(open, ctx, mode);
    if (mode !== 'none' && rows.length === open.length) continue; // no discount applies in this mode
    const done = complete(rows, ctx, customerId);
    if (done === null) continue;
    const p = done.note === 'amount exact' ? refP : refP * (done.note.includes('bank fee') ? 0.997 : 0.999);
    out.push({
      rows: done.rows,
      confidence: p,
      explanation: `${refText}; ${mode === 'earned' ? 'discount earned; ' : mode === 'unearned' ? 'discount taken late: unearned_discount deduction; ' : ''}${done.note}`,
    });
    if (done.note === 'amount exact') break;
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

/** Allocations over the candidate customers' open items when nothing names them. */
function fromAmounts(ctx: Context, candidates: Map<string, Strength>): Allocation[] {
  const out: Allocation[] = [];
  // Search per customer first (most payments pay one customer), then over all candidates together
  // when a party pays for several.
  const groups: { customers: string[]; p: number; why: string }[] = [];
  for (const [id, s] of candidates) groups.push({ customers: [id], p: s.p, why: s.why });
  if (candidates.size > 1 && candidates.size <= 25) {
    const ps = [...candidates.values()];
    groups.push({
      customers: [...candidates.keys()],
      p: Math.min(...ps.map((x) => x.p)),
      why: ps[0]?.why ?? '',
    });
  }
  const seen = new Set<string>();
  for (const g of groups) {
    const items = g.customers
      .flatMap((c) => ctx.k.itemsOfCustomer(c))
      .filter((i) => eligible(i, ctx.r) && i.open !== 0n)
      .sort((a, b) =>
        a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : a.number < b.number ? -1 : 1,
      );
    if (items.length === 0) continue;
    const tries: { amounts: bigint[]; mode: 'none' | 'earned' | 'unearned'; slack: bigint }[] = [
      { amounts: items.map((i) => i.open), mode: 'none', slack: 0n },
    ];
    if (items.some((i) => earnedDiscount(i, ctx) !== 0n))
      tries.push({ amounts: items.map((i) => i.open + earnedDiscount(i, ctx)), mode: 'earned', slack: 0n });
    if (items.some((i) => offeredDiscount(i) !== 0n && discountWindowPassed(i, ctx)))
      tries.push({
        amounts: items.map((i) => i.open + (discountWindowPassed(i, ctx) ? offeredDiscount(i) : 0n)),
        mode: 'unearned',
        slack: 0n,
      });
    if (ctx.r.method === 'wire')
      tries.push({ amounts: items.map((i) => i.open), mode: 'none', slack: ctx.s.wireFeeToleranceMinor });
    for (const t of tries) {
      const res = subsetSums(t.amounts, ctx.r.amount, { maxSolutions: 4, slack: t.slack, maxItems: 80 });
      if (res.solutions.length === 0) continue;
      const sols = res.solutions.map((s) => s.map((i) => items[i] as EngineItem));
      // Equal-amount ambiguity (spec section 6): several single items of the same amount → the oldest.
      const equalSingles =
        sols.every((s) => s.length === 1) && new Set(sols.map((s) => (s[0] as EngineItem).open)).size === 1;
      const unique = sols.length === 1 && res.exhausted;
      const ordered = equalSingles
        ? [
            sols.sort((a, b) =>
              (a[0] as EngineItem).issueDate < (b[0] as EngineItem).issueDate
                ? -1
                : (a[0] as EngineItem).issueDate > (b[0] as EngineItem).issueDate
                  ? 1
                  : (a[0] as EngineItem).number < (b[0] as EngineItem).number
                    ? -1
                    : 1,
            )[0] as EngineItem[],
          ]
        : sols;
      for (const chosen of ordered.slice(0, 3)) {
        const rows = settleRows(chosen, ctx, t.mode);
        const done = complete(rows, ctx, singleCustomer(chosen));
        if (done === null) continue;
        const key = done.rows
          .map((r) => `${r.kind}:${r.itemId}:${r.amount}`)
          .sort()
          .join('|');
        if (seen.has(key)) continue;
        seen.add(key);
        const n = chosen.length;
        let p =
          unique || equalSingles
            ? g.p * (n === 1 ? 0.998 : n <= 3 ? 0.997 : 0.99)
            : g.p * (0.6 / sols.length);
        if (equalSingles && sols.length > 1) p *= 0.999;
        if (t.slack > 0n) p *= 0.995;
        out.push({
          rows: done.rows,
          confidence: p,
          explanation: `${g.why}; ${n} open item(s) ${describeItems(chosen)} ${unique ? 'are the only ones that sum to the amount' : equalSingles ? `of equal amount: the oldest of ${sols.length}` : `sum to the amount (${sols.length}${res.exhausted ? '' : '+'} ways)`}${t.mode === 'earned' ? ', discount earned' : t.mode === 'unearned' ? ', unearned discount deducted' : ''}; ${done.note}`,
        });
      }
      if (unique || equalSingles) break;
    }
    if (out.some((a) => a.confidence >= ctx.s.precisionFloor)) break;
  }
  return out.sort((a, b) => b.confidence - a.confidence);
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
  const advice = fromAdvice(ctx, scope);
  if (advice !== null) allocations.push(advice);
  allocations.push(...fromReferences(ctx, scope));
  if (allocations.every((a) => a.confidence < settings.precisionFloor) && candidates.size > 0)
    allocations.push(...fromAmounts(ctx, candidates));
  // Evidence about the payer raises or lowers confidence in a reference match: references to
  // items of a customer the payer is not known to pay for are less sure.
  for (const a of allocations) {
    const customers = new Set(a.rows.flatMap((row) => (row.customerId ? [row.customerId] : [])));
    if (scope !== null && [...customers].some((c) => !scope.has(c))) a.confidence *= 0.995;
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
