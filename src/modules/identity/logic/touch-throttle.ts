/**
 * Remembers, per process, when a session or token was last marked as used, so that of the many
 * requests arriving together when the interval runs out only the first writes (the others would
 * queue on the same row lock, one commit each — measured under load, docs/benchmarks.md bench:api).
 */
export class TouchThrottle {
  readonly #last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  /** True when `key` was not touched in this process within the interval; records the touch. */
  claim(key: string, nowMs: number): boolean {
    const last = this.#last.get(key);
    if (last !== undefined && nowMs - last < this.intervalMs) return false;
    if (this.#last.size >= this.maxEntries) this.#last.clear();
    this.#last.set(key, nowMs);
    return true;
  }
}
