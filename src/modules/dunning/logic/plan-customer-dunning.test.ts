import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { type CustomerPlanInput, type PlanStep, planCustomerDunning } from './plan-customer-dunning.ts';

const STEPS: PlanStep[] = [
  { id: 's-5', dayOffset: -5, channel: 'email', recommendation: null },
  { id: 's1', dayOffset: 1, channel: 'email', recommendation: null },
  { id: 's15', dayOffset: 15, channel: 'email', recommendation: null },
  { id: 's30', dayOffset: 30, channel: 'call_task', recommendation: null },
  { id: 's45', dayOffset: 45, channel: 'letter', recommendation: null },
  { id: 's60', dayOffset: 60, channel: 'letter', recommendation: 'credit_hold' },
  { id: 's90', dayOffset: 90, channel: 'call_task', recommendation: 'agency_placement' },
];

const d = (s: string) => s as LocalDate;
const plan = (over: Partial<CustomerPlanInput>) =>
  planCustomerDunning({
    runDate: d('2026-06-30'),
    steps: STEPS,
    items: [],
    levels: new Map(),
    lastNoticeOn: null,
    minDaysBetweenNotices: 0,
    ...over,
  });

describe('planCustomerDunning', () => {
  it('takes, per item, the highest step whose day has come — once', () => {
    const p = plan({
      items: [
        { id: 'due-in-5', dueDate: d('2026-07-05') },
        { id: 'due-in-6', dueDate: d('2026-07-06') },
        { id: 'one-day-late', dueDate: d('2026-06-29') },
      ],
    });
    expect(p.taken.map((t) => [t.itemId, t.step.id])).toEqual([
      ['due-in-5', 's-5'],
      ['one-day-late', 's1'],
    ]);
    expect(p.notice?.step.id).toBe('s1');
    expect(p.notice?.itemIds).toEqual(['due-in-5', 'one-day-late']);
    const again = plan({
      items: [{ id: 'one-day-late', dueDate: d('2026-06-29') }],
      levels: new Map([['one-day-late', 1]]),
    });
    expect(again.taken).toEqual([]);
    expect(again.notice).toBeNull();
  });

  it('sends one step, not every step missed while paused or between runs', () => {
    // 61 days late, last dunned at day 15: the demand letter (45) and the call (30) passed unseen.
    const p = plan({ items: [{ id: 'x', dueDate: d('2026-04-30') }], levels: new Map([['x', 15]]) });
    expect(p.taken.map((t) => t.step.id)).toEqual(['s60']);
    expect(p.notice?.step.id).toBe('s60');
    expect(p.callTask).toBeNull();
    expect(p.recommendations.map((r) => r.kind)).toEqual(['credit_hold']);
  });

  it('makes one notice at the highest notice step and one call task, with the recommendations taken', () => {
    const p = plan({
      items: [
        { id: 'a', dueDate: d('2026-06-29') }, // day 1: email
        { id: 'b', dueDate: d('2026-05-31') }, // day 30: call
        { id: 'c', dueDate: d('2026-05-01') }, // day 60: letter + credit hold
        { id: 'd', dueDate: d('2026-03-01') }, // day 121: call + agency
      ],
    });
    expect(p.notice).toEqual({ step: STEPS[5], itemIds: ['a', 'c'] });
    expect(p.callTask).toEqual({ step: STEPS[6], itemIds: ['b', 'd'] });
    expect(p.recommendations.map((r) => r.kind).sort()).toEqual(['agency_placement', 'credit_hold']);
    expect(p.taken).toHaveLength(4);
  });

  it('holds a notice back within the minimum gap, keeping its items for later, but not the call task', () => {
    const input = {
      items: [
        { id: 'a', dueDate: d('2026-06-29') },
        { id: 'b', dueDate: d('2026-05-31') },
      ],
      lastNoticeOn: d('2026-06-25'),
      minDaysBetweenNotices: 7,
    };
    const p = plan(input);
    expect(p.notice).toBeNull();
    expect(p.deferredNotice?.until).toBe('2026-07-02');
    expect(p.deferredNotice?.itemIds).toEqual(['a']);
    expect(p.taken.map((t) => t.itemId)).toEqual(['b']);
    expect(p.callTask?.itemIds).toEqual(['b']);
    expect(plan({ ...input, lastNoticeOn: d('2026-06-23') }).notice?.itemIds).toEqual(['a']);
  });

  it('never makes a second notice or call task on the same run date', () => {
    const p = plan({
      items: [
        { id: 'a', dueDate: d('2026-06-29') },
        { id: 'b', dueDate: d('2026-05-31') },
      ],
      lastNoticeOn: d('2026-06-30'),
      lastCallTaskOn: d('2026-06-30'),
    });
    expect(p.notice).toBeNull();
    expect(p.callTask).toBeNull();
    expect(p.taken).toEqual([]);
    expect(p.deferredNotice?.until).toBe('2026-07-01');
  });

  it('does nothing for items not yet within the first step', () => {
    expect(plan({ items: [{ id: 'far', dueDate: d('2026-09-01') }] }).taken).toEqual([]);
    expect(plan({ steps: [], items: [{ id: 'x', dueDate: d('2026-01-01') }] }).taken).toEqual([]);
  });
});
