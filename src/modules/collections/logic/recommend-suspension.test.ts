import { describe, expect, it } from 'vitest';
import { recommendSuspension } from './recommend-suspension.ts';

describe('recommendSuspension', () => {
  it('recommends only when on hold and more than the threshold past due', () => {
    expect(recommendSuspension({ onHold: true, daysPastDue: 61, thresholdDays: 60 })).toMatchObject({
      recommended: true,
    });
    expect(recommendSuspension({ onHold: true, daysPastDue: 60, thresholdDays: 60 })).toMatchObject({
      recommended: false,
    });
    expect(recommendSuspension({ onHold: false, daysPastDue: 400, thresholdDays: 60 })).toEqual({
      recommended: false,
      reason: 'not on credit hold',
    });
    expect(recommendSuspension({ onHold: true, daysPastDue: null, thresholdDays: 60 }).recommended).toBe(
      false,
    );
  });

  it('says why', () => {
    expect(recommendSuspension({ onHold: true, daysPastDue: 75, thresholdDays: 60 }).reason).toBe(
      'on hold and 75 days past due (more than 60): recommend suspending service',
    );
  });
});
