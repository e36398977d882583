import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { type PauseFacts, pauseReasonOf } from './pause-reason.ts';

const d = (s: string) => s as LocalDate;
const none: PauseFacts = { disputes: [], promises: [], plans: [] };
const promise = (status: 'open' | 'broken', promisedDate: string) => ({
  id: 'ptp_1',
  status,
  promisedDate: d(promisedDate),
  amount: '500.00 USD',
});

describe('pauseReasonOf', () => {
  it('pauses nothing without commitments', () => {
    expect(pauseReasonOf(none, d('2026-06-30'), 3)).toBeNull();
  });

  it('pauses while a dispute is open or investigated, not once resolved', () => {
    const facts = (status: 'open' | 'investigating' | 'resolved') => ({
      ...none,
      disputes: [{ id: 'dsp_1', status, reasonCode: 'pricing_dispute' }],
    });
    expect(pauseReasonOf(facts('open'), d('2026-06-30'), 3)).toBe('dispute dsp_1 open (pricing_dispute)');
    expect(pauseReasonOf(facts('investigating'), d('2026-06-30'), 3)).toMatch(/investigating/);
    expect(pauseReasonOf(facts('resolved'), d('2026-06-30'), 3)).toBeNull();
  });

  it('pauses while a plan is active, not once broken', () => {
    expect(pauseReasonOf({ ...none, plans: [{ id: 'pln_1', status: 'active' }] }, d('2026-06-30'), 3)).toBe(
      'payment plan pln_1 active',
    );
    expect(
      pauseReasonOf({ ...none, plans: [{ id: 'pln_1', status: 'broken' }] }, d('2026-06-30'), 3),
    ).toBeNull();
  });

  it('pauses for an open promise until its date plus grace, and never for a broken one', () => {
    const open = { ...none, promises: [promise('open', '2026-06-27')] };
    expect(pauseReasonOf(open, d('2026-06-30'), 3)).toBe('promise ptp_1 to pay 500.00 USD by 2026-06-27');
    expect(pauseReasonOf(open, d('2026-07-01'), 3)).toBeNull();
    expect(
      pauseReasonOf({ ...none, promises: [promise('broken', '2026-07-10')] }, d('2026-06-30'), 3),
    ).toBeNull();
  });
});
