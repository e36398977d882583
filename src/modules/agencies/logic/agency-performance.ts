import type { LocalDate } from '../../../core/local-date.ts';
import { diffDays } from '../../../core/local-date.ts';

/**
 * Agency performance from its placements and recoveries (pure): per agency and currency, what was
 * placed, recovered, paid in commission and kept net, the recovery rates, and how long money took to
 * come back.
 *
 * - recovery rate = recovered (gross) / placed; net recovery rate = (recovered − commission) / placed;
 * - cost of recovery = commission / recovered;
 * - days to first recovery: per placement with a recovery, its first recovery date − the placement
 *   date; the report gives the mean and the median over those placements;
 * - days to recover (amount-weighted): Σ recovered × (recovery date − placement date) / Σ recovered.
 */
export interface PlacementFact {
  readonly id: string;
  readonly agencyCode: string;
  readonly agencyName: string;
  readonly currency: string;
  readonly placedOn: LocalDate;
  readonly placedMinor: bigint;
  readonly status: 'placed' | 'recalled' | 'closed';
  /** Open amount today of the items placed (still with the agency or not). */
  readonly openMinor: bigint;
}

export interface RecoveryFact {
  readonly placementId: string;
  readonly recoveredOn: LocalDate;
  readonly recoveredMinor: bigint;
  readonly commissionMinor: bigint;
}

export interface AgencyPerformanceRow {
  readonly agencyCode: string;
  readonly agencyName: string;
  readonly currency: string;
  readonly placements: number;
  readonly active: number;
  readonly recalled: number;
  readonly closed: number;
  readonly placedMinor: bigint;
  readonly recoveredMinor: bigint;
  readonly commissionMinor: bigint;
  readonly netMinor: bigint;
  /** Open today on the placed items (placed − everything collected on them, by anyone). */
  readonly openMinor: bigint;
  readonly recoveryRate: number | null;
  readonly netRecoveryRate: number | null;
  readonly costOfRecovery: number | null;
  readonly placementsWithRecovery: number;
  readonly meanDaysToFirstRecovery: number | null;
  readonly medianDaysToFirstRecovery: number | null;
  readonly amountWeightedDaysToRecover: number | null;
}

const ratio = (a: bigint, b: bigint) => (b === 0n ? null : Number(a) / Number(b));

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function summarizeAgencyPerformance(
  placements: readonly PlacementFact[],
  recoveries: readonly RecoveryFact[],
): AgencyPerformanceRow[] {
  const byPlacement = new Map<string, RecoveryFact[]>();
  for (const r of recoveries) {
    const list = byPlacement.get(r.placementId);
    if (list) list.push(r);
    else byPlacement.set(r.placementId, [r]);
  }
  const groups = new Map<string, PlacementFact[]>();
  for (const p of placements) {
    const key = `${p.agencyCode}|${p.currency}`;
    {
      const list = groups.get(key);
      if (list) list.push(p);
      else groups.set(key, [p]);
    }
  }
  const rows: AgencyPerformanceRow[] = [];
  for (const list of groups.values()) {
    const first = list[0] as PlacementFact;
    let placed = 0n;
    let recovered = 0n;
    let commission = 0n;
    let open = 0n;
    let weightedDays = 0;
    const firstDays: number[] = [];
    for (const p of list) {
      placed += p.placedMinor;
      open += p.openMinor;
      const rs = byPlacement.get(p.id) ?? [];
      if (rs.length > 0) {
        const earliest = rs.reduce(
          (m, r) => (r.recoveredOn < m ? r.recoveredOn : m),
          rs[0]?.recoveredOn as LocalDate,
        );
        firstDays.push(diffDays(earliest, p.placedOn));
      }
      for (const r of rs) {
        recovered += r.recoveredMinor;
        commission += r.commissionMinor;
        weightedDays += Number(r.recoveredMinor) * diffDays(r.recoveredOn, p.placedOn);
      }
    }
    rows.push({
      agencyCode: first.agencyCode,
      agencyName: first.agencyName,
      currency: first.currency,
      placements: list.length,
      active: list.filter((p) => p.status === 'placed').length,
      recalled: list.filter((p) => p.status === 'recalled').length,
      closed: list.filter((p) => p.status === 'closed').length,
      placedMinor: placed,
      recoveredMinor: recovered,
      commissionMinor: commission,
      netMinor: recovered - commission,
      openMinor: open,
      recoveryRate: ratio(recovered, placed),
      netRecoveryRate: ratio(recovered - commission, placed),
      costOfRecovery: ratio(commission, recovered),
      placementsWithRecovery: firstDays.length,
      meanDaysToFirstRecovery:
        firstDays.length === 0 ? null : firstDays.reduce((a, b) => a + b, 0) / firstDays.length,
      medianDaysToFirstRecovery: median(firstDays),
      amountWeightedDaysToRecover: recovered === 0n ? null : weightedDays / Number(recovered),
    });
  }
  return rows.sort((a, b) =>
    a.agencyCode !== b.agencyCode ? (a.agencyCode < b.agencyCode ? -1 : 1) : a.currency < b.currency ? -1 : 1,
  );
}
