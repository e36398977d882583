/**
 * Sign-in attempts per source address, in memory: a sliding window of the last minute. One process
 * holds its own counts (several API processes each allow the limit); the per-user lockout in the
 * database is the bound that holds across processes.
 */
export class LoginRateLimiter {
  readonly #perMinute: number;
  readonly #attempts = new Map<string, number[]>();
  #sweepAt = 1024;

  constructor(opts: { perMinute?: number } = {}) {
    const perMinute = opts.perMinute ?? 10;
    if (!Number.isInteger(perMinute) || perMinute < 1)
      throw new RangeError('perMinute must be a positive integer');
    this.#perMinute = perMinute;
  }

  /**
   * Records an attempt from `source` at `now` (milliseconds) and says whether to allow it: false means
   * refuse. Refused attempts are not counted, so a source that keeps trying is let through again as
   * soon as its oldest counted attempt leaves the window.
   */
  check(source: string, now: number): boolean {
    const since = now - 60_000;
    const recent = (this.#attempts.get(source) ?? []).filter((t) => t > since);
    if (recent.length >= this.#perMinute) {
      this.#attempts.set(source, recent);
      return false;
    }
    recent.push(now);
    this.#attempts.set(source, recent);
    if (this.#attempts.size > this.#sweepAt) this.#sweep(since);
    return true;
  }

  /** Forgets sources with no attempt in the window, so that memory follows the active sources only. */
  #sweep(since: number): void {
    for (const [source, times] of this.#attempts) {
      if (!times.some((t) => t > since)) this.#attempts.delete(source);
    }
    this.#sweepAt = Math.max(1024, this.#attempts.size * 2);
  }

  /** Sources currently tracked (for tests and metrics). */
  get size(): number {
    return this.#attempts.size;
  }
}
