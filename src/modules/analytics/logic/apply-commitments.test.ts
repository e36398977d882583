import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { applyCommitments, type CommittedItem } from './apply-commitments.ts';

const d = (s: string) => s as LocalDate;
const items: CommittedItem[] = [
  { id: 'i2', customerId: 'c1', currency: 'USD', dueDate: d('2026-06-10'), open: 300n },
  { id: 'i1', customerId: 'c1', currency: 'USD', dueDate: d('2026-05-10'), open: 500n },
  { id: 'i3', customerId: 'c2', currency: 'USD', dueDate: d('2026-05-01'), open: 100n },
];

describe('commitments', () => {
  it('take a promise for the account from the oldest items first, never beyond what is open', () => {
    const r = applyCommitments(
      items,
      [
        {
          kind: 'promise',
          id: 'p1',
          customerId: 'c1',
          currency: 'USD',
          itemIds: [],
          flows: [{ date: d('2026-07-03'), amount: 1_000n }],
        },
      ],
      d('2026-06-30'),
    );
    expect([...r.remaining]).toEqual([
      ['i2', 0n],
      ['i1', 0n],
      ['i3', 100n],
    ]);
    expect(r.flows.map((f) => [f.itemId, f.amount, f.date])).toEqual([
      ['i1', 500n, '2026-07-03'],
      ['i2', 300n, '2026-07-03'],
    ]);
  });

  it('apply plans before promises, only to the items named, and ignore dates already past', () => {
    const r = applyCommitments(
      items,
      [
        {
          kind: 'promise',
          id: 'p1',
          customerId: 'c1',
          currency: 'USD',
          itemIds: ['i2'],
          flows: [{ date: d('2026-07-02'), amount: 250n }],
        },
        {
          kind: 'plan',
          id: 'pl1',
          customerId: 'c1',
          currency: 'USD',
          itemIds: ['i2'],
          flows: [
            { date: d('2026-06-15'), amount: 100n },
            { date: d('2026-07-10'), amount: 100n },
          ],
        },
        {
          kind: 'promise',
          id: 'p2',
          customerId: 'c2',
          currency: 'USD',
          itemIds: [],
          flows: [{ date: d('2026-06-20'), amount: 100n }],
        },
      ],
      d('2026-06-30'),
    );
    expect(r.remaining.get('i2')).toBe(0n);
    expect(r.remaining.get('i1')).toBe(500n);
    expect(r.remaining.get('i3')).toBe(100n);
    expect(r.flows.map((f) => [f.kind, f.itemId, f.amount])).toEqual([
      ['plan', 'i2', 100n],
      ['promise', 'i2', 200n],
    ]);
  });
});
