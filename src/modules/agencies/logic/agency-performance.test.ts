import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { median, type PlacementFact, summarizeAgencyPerformance } from './agency-performance.ts';

const d = (s: string) => s as LocalDate;
const placement = (over: Partial<PlacementFact> & { id: string }): PlacementFact => ({
  agencyCode: 'ACME',
  agencyName: 'Acme Recovery',
  currency: 'USD',
  placedOn: d('2026-01-01'),
  placedMinor: 100_000n,
  status: 'placed',
  openMinor: 100_000n,
  ...over,
});

describe('summarizeAgencyPerformance', () => {
  it('computes recovery rates, cost and days to recover per agency and currency', () => {
    const rows = summarizeAgencyPerformance(
      [
        placement({ id: 'p1', openMinor: 40_000n }),
        placement({
          id: 'p2',
          placedOn: d('2026-02-01'),
          placedMinor: 300_000n,
          status: 'recalled',
          openMinor: 300_000n,
        }),
        placement({ id: 'p3', agencyCode: 'BETA', agencyName: 'Beta', status: 'closed', openMinor: 0n }),
        placement({ id: 'p4', currency: 'CAD' }),
      ],
      [
        {
          placementId: 'p1',
          recoveredOn: d('2026-01-31'),
          recoveredMinor: 40_000n,
          commissionMinor: 10_000n,
        },
        { placementId: 'p1', recoveredOn: d('2026-03-02'), recoveredMinor: 20_000n, commissionMinor: 5_000n },
        {
          placementId: 'p3',
          recoveredOn: d('2026-01-11'),
          recoveredMinor: 100_000n,
          commissionMinor: 30_000n,
        },
      ],
    );
    expect(rows.map((r) => `${r.agencyCode}/${r.currency}`)).toEqual(['ACME/CAD', 'ACME/USD', 'BETA/USD']);
    const acme = rows[1];
    expect(acme).toMatchObject({
      placements: 2,
      active: 1,
      recalled: 1,
      closed: 0,
      placedMinor: 400_000n,
      recoveredMinor: 60_000n,
      commissionMinor: 15_000n,
      netMinor: 45_000n,
      openMinor: 340_000n,
      placementsWithRecovery: 1,
      meanDaysToFirstRecovery: 30,
      medianDaysToFirstRecovery: 30,
    });
    expect(acme?.recoveryRate).toBeCloseTo(0.15, 12);
    expect(acme?.netRecoveryRate).toBeCloseTo(0.1125, 12);
    expect(acme?.costOfRecovery).toBeCloseTo(0.25, 12);
    // (40,000 × 30 + 20,000 × 60) / 60,000
    expect(acme?.amountWeightedDaysToRecover).toBeCloseTo(40, 12);
    expect(rows[0]).toMatchObject({
      recoveredMinor: 0n,
      recoveryRate: 0,
      costOfRecovery: null,
      meanDaysToFirstRecovery: null,
    });
    expect(rows[2]).toMatchObject({ closed: 1, recoveryRate: 1, netRecoveryRate: 0.7 });
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([5, 1, 9, 3])).toBe(4);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });
});
