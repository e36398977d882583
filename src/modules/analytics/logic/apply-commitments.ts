import type { LocalDate } from '../../../core/local-date.ts';

export interface CommittedItem {
  readonly id: string;
  readonly customerId: string;
  readonly currency: string;
  readonly dueDate: LocalDate;
  readonly open: bigint;
}

/** A promise to pay or a payment plan: dated amounts over some of a customer's items (none: the account). */
export interface Commitment {
  readonly kind: 'promise' | 'plan';
  readonly id: string;
  readonly customerId: string;
  readonly currency: string;
  readonly itemIds: readonly string[];
  readonly flows: readonly { readonly date: LocalDate; readonly amount: bigint }[];
}

/** Part of a commitment's dated amount, taken from one item. */
export interface CommittedFlow {
  readonly kind: 'promise' | 'plan';
  readonly commitmentId: string;
  readonly itemId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly date: LocalDate;
  readonly amount: bigint;
}

/**
 * Dated commitments win over the behavioural model: a payment plan's instalments and an open
 * promise's promised date say when money comes. Each flow dated after the as-of date is taken from
 * the open amounts of the items it covers (oldest due first), never beyond them; what is left of those
 * items goes to the model. A flow dated on or before the as-of date (a promise already overdue) is
 * not believed: its items stay with the model. Plans are applied before promises, each in id order.
 */
export function applyCommitments(
  items: readonly CommittedItem[],
  commitments: readonly Commitment[],
  asOf: LocalDate,
): { remaining: Map<string, bigint>; flows: CommittedFlow[] } {
  const remaining = new Map(items.map((i) => [i.id, i.open]));
  const byCustomer = new Map<string, CommittedItem[]>();
  for (const i of items) byCustomer.set(i.customerId, [...(byCustomer.get(i.customerId) ?? []), i]);
  const flows: CommittedFlow[] = [];
  const ordered = [...commitments].sort((a, b) =>
    a.kind !== b.kind ? (a.kind === 'plan' ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  for (const c of ordered) {
    const wanted = new Set(c.itemIds);
    const covered = (byCustomer.get(c.customerId) ?? [])
      .filter((i) => i.currency === c.currency && (wanted.size === 0 || wanted.has(i.id)))
      .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.id < b.id ? -1 : 1));
    const dated = [...c.flows].filter((f) => f.date > asOf).sort((a, b) => (a.date < b.date ? -1 : 1));
    for (const f of dated) {
      let take = f.amount;
      for (const i of covered) {
        if (take <= 0n) break;
        const left = remaining.get(i.id) ?? 0n;
        if (left <= 0n) continue;
        const part = left < take ? left : take;
        remaining.set(i.id, left - part);
        take -= part;
        flows.push({
          kind: c.kind,
          commitmentId: c.id,
          itemId: i.id,
          customerId: c.customerId,
          currency: c.currency,
          date: f.date,
          amount: part,
        });
      }
    }
  }
  return { remaining, flows };
}
