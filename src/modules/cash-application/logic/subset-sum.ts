/**
 * Which of a customer's open items does a payment cover? Exact subset-sum over signed amounts
 * (credit memos are negative), with a bounded search that counts solutions up to `maxSolutions`,
 * because two different subsets summing to the payment mean the engine must not choose on its own.
 *
 * Depth-first over items sorted by descending absolute amount, pruned by the reachable range of the
 * remaining items; the search stops after `maxNodes` steps and says so (`exhausted: false`), which
 * callers treat as "not sure". Items are identified by index into the input.
 */
export interface SubsetSumResult {
  solutions: number[][];
  exhausted: boolean;
}

export function subsetSums(
  amounts: readonly bigint[],
  target: bigint,
  options: { maxSolutions?: number; maxNodes?: number; maxItems?: number; slack?: bigint } = {},
): SubsetSumResult {
  // With slack, a subset whose sum is in [target, target + slack] counts (a wire short by a fee).
  const slack = options.slack ?? 0n;
  const maxSolutions = options.maxSolutions ?? 3;
  const maxNodes = options.maxNodes ?? 200_000;
  const maxItems = options.maxItems ?? 60;
  if (amounts.length > maxItems) return { solutions: [], exhausted: false };
  const order = amounts
    .map((a, i) => ({ a, i }))
    .sort((x, y) => {
      const ax = x.a < 0n ? -x.a : x.a;
      const ay = y.a < 0n ? -y.a : y.a;
      return ax > ay ? -1 : ax < ay ? 1 : x.i - y.i;
    });
  const n = order.length;
  // Reachable range of the sum of any subset of items k..n-1.
  const minRest = new Array<bigint>(n + 1).fill(0n);
  const maxRest = new Array<bigint>(n + 1).fill(0n);
  for (let k = n - 1; k >= 0; k--) {
    const a = (order[k] as { a: bigint }).a;
    minRest[k] = (minRest[k + 1] as bigint) + (a < 0n ? a : 0n);
    maxRest[k] = (maxRest[k + 1] as bigint) + (a > 0n ? a : 0n);
  }
  const solutions: number[][] = [];
  const chosen: number[] = [];
  let nodes = 0;
  let complete = true;
  // Each subset is recorded once, when its last item is included; the search then goes on deeper,
  // because items that sum to zero (an invoice and a credit of the same amount) make other answers.
  const visit = (k: number, remaining: bigint): boolean => {
    if (++nodes > maxNodes) {
      complete = false;
      return false;
    }
    if (k >= n) return true;
    if (remaining + slack < (minRest[k] as bigint) || remaining > (maxRest[k] as bigint)) return true;
    chosen.push(k);
    const after = remaining - (order[k] as { a: bigint }).a;
    if (after <= 0n && after >= -slack) {
      solutions.push(chosen.map((c) => (order[c] as { i: number }).i).sort((x, y) => x - y));
      if (solutions.length >= maxSolutions) {
        chosen.pop();
        return false;
      }
    }
    const go = visit(k + 1, after);
    chosen.pop();
    if (!go) return false;
    return visit(k + 1, remaining);
  };
  visit(0, target);
  return { solutions, exhausted: complete && solutions.length < maxSolutions };
}
