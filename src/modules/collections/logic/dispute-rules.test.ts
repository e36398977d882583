import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { checkDisputeResolution, checkDisputeStatusChange, disputeCycleDays } from './dispute-rules.ts';

const open = { status: 'open' as const, itemId: 'itm_1', approvalPending: false };

describe('dispute rules', () => {
  it('moves between open and investigating, and may be cancelled', () => {
    expect(checkDisputeStatusChange(open, 'investigating')).toBeNull();
    expect(checkDisputeStatusChange({ ...open, status: 'investigating' }, 'open')).toBeNull();
    expect(checkDisputeStatusChange(open, 'cancelled')).toBeNull();
    expect(checkDisputeStatusChange(open, 'open')).toMatch(/already open/);
  });

  it('keeps resolved and cancelled disputes final', () => {
    expect(checkDisputeStatusChange({ ...open, status: 'resolved' }, 'open')).toMatch(/cannot change/);
    expect(checkDisputeResolution({ ...open, status: 'cancelled' }, 'collect')).toMatch(/already cancelled/);
  });

  it('waits for a pending approval before anything else happens', () => {
    expect(checkDisputeStatusChange({ ...open, approvalPending: true }, 'investigating')).toMatch(
      /waiting for approval/,
    );
    expect(checkDisputeResolution({ ...open, approvalPending: true }, 'credit_memo')).toMatch(
      /waiting for approval/,
    );
  });

  it('writes off only a disputed item', () => {
    expect(checkDisputeResolution(open, 'write_off')).toBeNull();
    expect(checkDisputeResolution({ ...open, itemId: null }, 'write_off')).toMatch(/needs the disputed item/);
    expect(checkDisputeResolution({ ...open, itemId: null }, 'credit_memo')).toBeNull();
  });

  it('measures cycle time in days', () => {
    expect(disputeCycleDays('2026-06-01' as LocalDate, '2026-06-30' as LocalDate)).toBe(29);
    expect(disputeCycleDays('2026-06-01' as LocalDate, '2026-06-01' as LocalDate)).toBe(0);
    expect(disputeCycleDays('2026-06-01' as LocalDate, null)).toBeNull();
  });
});
