import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { evaluatePlan } from './evaluate-plan.ts';

const d = (s: string) => s as LocalDate;
// 300.00 in three instalments of 100.00, monthly from 1 July, grace 5 days.
const plan = {
  instalments: [
    { seq: 1, dueDate: d('2026-07-01'), amountMinor: 10_000n },
    { seq: 2, dueDate: d('2026-08-01'), amountMinor: 10_000n },
    { seq: 3, dueDate: d('2026-09-01'), amountMinor: 10_000n },
  ],
  graceDays: 5,
};

describe('evaluatePlan', () => {
  it('goes to instalments oldest first', () => {
    const r = evaluatePlan({
      ...plan,
      payments: [{ date: d('2026-06-28'), amountMinor: 15_000n }],
      asOf: d('2026-07-10'),
    });
    expect(r.status).toBe('active');
    expect(r.paidMinor).toBe(15_000n);
    expect(r.instalments).toEqual([
      { seq: 1, paidMinor: 10_000n, status: 'paid' },
      { seq: 2, paidMinor: 5_000n, status: 'due' },
      { seq: 3, paidMinor: 0n, status: 'due' },
    ]);
  });

  it('stays active within the grace days and breaks the day after them', () => {
    expect(evaluatePlan({ ...plan, payments: [], asOf: d('2026-07-06') }).status).toBe('active');
    const r = evaluatePlan({ ...plan, payments: [], asOf: d('2026-07-07') });
    expect(r).toMatchObject({ status: 'broken', endedOn: '2026-07-07', missedSeq: 1 });
    expect(r.instalments[0]).toEqual({ seq: 1, paidMinor: 0n, status: 'missed' });
  });

  it('breaks on a later instalment when the cash by its deadline does not cover it and those before', () => {
    const payments = [
      { date: d('2026-07-01'), amountMinor: 10_000n },
      { date: d('2026-08-03'), amountMinor: 9_999n },
    ];
    const r = evaluatePlan({ ...plan, payments, asOf: d('2026-08-07') });
    expect(r).toMatchObject({ status: 'broken', endedOn: '2026-08-07', missedSeq: 2 });
  });

  it('is not mended by catching up after it broke, however late it is evaluated', () => {
    const payments = [{ date: d('2026-07-20'), amountMinor: 30_000n }];
    const r = evaluatePlan({ ...plan, payments, asOf: d('2026-09-30') });
    expect(r).toMatchObject({ status: 'broken', endedOn: '2026-07-07', missedSeq: 1 });
  });

  it('completes the day the whole plan is paid, early or on time', () => {
    const early = evaluatePlan({
      ...plan,
      payments: [{ date: d('2026-07-03'), amountMinor: 30_000n }],
      asOf: d('2026-07-04'),
    });
    expect(early).toMatchObject({ status: 'completed', endedOn: '2026-07-03' });
    const onTime = evaluatePlan({
      ...plan,
      payments: [
        { date: d('2026-07-06'), amountMinor: 10_000n },
        { date: d('2026-08-06'), amountMinor: 10_000n },
        { date: d('2026-09-06'), amountMinor: 10_000n },
      ],
      asOf: d('2026-12-31'),
    });
    expect(onTime).toMatchObject({ status: 'completed', endedOn: '2026-09-06', missedSeq: null });
    expect(onTime.instalments.every((i) => i.status === 'paid')).toBe(true);
  });
});
