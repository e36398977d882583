/**
 * How long to wait before the next attempt after `attempt` failures (1 = the first failure):
 * exponential, ×4 per failure from `baseMs`, capped at `capMs`. Deterministic, so that the next
 * attempt recorded on a failed row is the one a test or an operator can predict: 1 min, 4 min,
 * 16 min, 64 min, 4 h 16 min, then 6 h with the defaults.
 */
export function retryDelayMs(attempt: number, options: { baseMs?: number; capMs?: number } = {}): number {
  const base = options.baseMs ?? 60_000;
  const cap = options.capMs ?? 6 * 3_600_000;
  if (!Number.isInteger(attempt) || attempt < 1) return base;
  // 4^(attempt − 1) overflows nothing before the cap is reached: stop multiplying once past it.
  let delay = base;
  for (let i = 1; i < attempt && delay < cap; i++) delay *= 4;
  return Math.min(delay, cap);
}
