import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { evaluatePromise } from './evaluate-promise.ts';

const d = (s: string) => s as LocalDate;
const promise = { amountMinor: 50_000n, promisedDate: d('2026-07-10'), graceDays: 3 };

describe('evaluatePromise', () => {
  it('stays open before the deadline while short', () => {
    const r = evaluatePromise({
      ...promise,
      payments: [{ date: d('2026-07-05'), amountMinor: 20_000n }],
      asOf: d('2026-07-12'),
    });
    expect(r).toEqual({ status: 'open', paidMinor: 20_000n, resolvedOn: null, deadline: '2026-07-13' });
  });

  it('is kept the day the cash reaches the amount, even before the promised date', () => {
    const r = evaluatePromise({
      ...promise,
      payments: [
        { date: d('2026-07-02'), amountMinor: 20_000n },
        { date: d('2026-07-06'), amountMinor: 30_000n },
      ],
      asOf: d('2026-07-07'),
    });
    expect(r).toMatchObject({ status: 'kept', paidMinor: 50_000n, resolvedOn: '2026-07-06' });
  });

  it('is kept by cash on the last day of grace, broken by cash a day later', () => {
    const onTime = evaluatePromise({
      ...promise,
      payments: [{ date: d('2026-07-13'), amountMinor: 50_000n }],
      asOf: d('2026-07-20'),
    });
    expect(onTime).toMatchObject({ status: 'kept', resolvedOn: '2026-07-13' });
    const late = evaluatePromise({
      ...promise,
      payments: [{ date: d('2026-07-14'), amountMinor: 50_000n }],
      asOf: d('2026-07-20'),
    });
    expect(late).toEqual({
      status: 'broken',
      paidMinor: 0n,
      resolvedOn: '2026-07-14',
      deadline: '2026-07-13',
    });
  });

  it('is broken the day after the deadline when short, whenever it is evaluated', () => {
    const payments = [{ date: d('2026-07-09'), amountMinor: 49_999n }];
    expect(evaluatePromise({ ...promise, payments, asOf: d('2026-07-13') }).status).toBe('open');
    expect(evaluatePromise({ ...promise, payments, asOf: d('2026-07-14') })).toMatchObject({
      status: 'broken',
      paidMinor: 49_999n,
      resolvedOn: '2026-07-14',
    });
    expect(evaluatePromise({ ...promise, payments, asOf: d('2026-12-31') }).resolvedOn).toBe('2026-07-14');
  });

  it('does not count a payment that was returned before the deadline', () => {
    const r = evaluatePromise({
      ...promise,
      payments: [
        { date: d('2026-07-08'), amountMinor: 50_000n },
        { date: d('2026-07-09'), amountMinor: -50_000n },
      ],
      asOf: d('2026-07-20'),
    });
    expect(r).toMatchObject({ status: 'broken', paidMinor: 0n });
  });

  it('with no grace, the deadline is the promised date', () => {
    const r = evaluatePromise({ ...promise, graceDays: 0, payments: [], asOf: d('2026-07-11') });
    expect(r).toMatchObject({ status: 'broken', resolvedOn: '2026-07-11', deadline: '2026-07-10' });
  });
});
