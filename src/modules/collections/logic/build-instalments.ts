import { addDays, type LocalDate } from '../../../core/local-date.ts';
import { allocate } from '../../../core/money.ts';
import type { PlanInstalment } from './evaluate-plan.ts';

export const MAX_INSTALMENTS = 360;

export type InstalmentsResult =
  | { readonly ok: true; readonly instalments: readonly PlanInstalment[]; readonly totalMinor: bigint }
  | { readonly ok: false; readonly issues: readonly string[] };

/**
 * `count` instalments `everyDays` apart from `firstDueDate`, splitting `totalMinor` by largest
 * remainder (core/money.ts `allocate`): the parts differ by at most one minor unit, the extra units go
 * to the earliest instalments, and they always sum to the total (100.00 in 3: 33.34, 33.33, 33.33).
 */
export function buildEqualInstalments(input: {
  readonly totalMinor: bigint;
  readonly count: number;
  readonly everyDays: number;
  readonly firstDueDate: LocalDate;
}): InstalmentsResult {
  const issues: string[] = [];
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_INSTALMENTS)
    issues.push(`the number of instalments must be 1 to ${MAX_INSTALMENTS}, not ${input.count}`);
  if (!Number.isInteger(input.everyDays) || input.everyDays < 1 || input.everyDays > 366)
    issues.push(`the days between instalments must be 1 to 366, not ${input.everyDays}`);
  if (input.totalMinor <= 0n) issues.push('the plan amount must be positive');
  else if (issues.length === 0 && input.totalMinor < BigInt(input.count))
    issues.push(`the plan amount is too small to split into ${input.count} instalments`);
  if (issues.length > 0) return { ok: false, issues };
  const parts = allocate(input.totalMinor, new Array<bigint>(input.count).fill(1n));
  return {
    ok: true,
    totalMinor: input.totalMinor,
    instalments: parts.map((amountMinor, i) => ({
      seq: i + 1,
      dueDate: addDays(input.firstDueDate, i * input.everyDays),
      amountMinor,
    })),
  };
}

/** Instalments listed one by one: positive amounts, due dates strictly increasing. */
export function checkInstalments(
  list: readonly { readonly dueDate: LocalDate; readonly amountMinor: bigint }[],
): InstalmentsResult {
  const issues: string[] = [];
  if (list.length === 0) issues.push('a plan needs at least one instalment');
  if (list.length > MAX_INSTALMENTS) issues.push(`a plan has at most ${MAX_INSTALMENTS} instalments`);
  list.forEach((x, i) => {
    if (x.amountMinor <= 0n) issues.push(`instalment ${i + 1}: the amount must be positive`);
    const prev = list[i - 1];
    if (prev && x.dueDate <= prev.dueDate)
      issues.push(`instalment ${i + 1}: due ${x.dueDate}, not after instalment ${i} (${prev.dueDate})`);
  });
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    totalMinor: list.reduce((s, x) => s + x.amountMinor, 0n),
    instalments: list.map((x, i) => ({ seq: i + 1, dueDate: x.dueDate, amountMinor: x.amountMinor })),
  };
}
