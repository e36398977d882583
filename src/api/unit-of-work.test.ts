import { describe, expect, it } from 'vitest';
import { Mutex } from './unit-of-work.ts';

describe('Mutex', () => {
  it('runs holders one at a time, in arrival order', async () => {
    const m = new Mutex();
    const order: string[] = [];
    let inside = 0;
    const hold = (name: string) =>
      m.run(async () => {
        inside++;
        expect(inside).toBe(1);
        order.push(name);
        await new Promise((r) => setTimeout(r, 2));
        inside--;
      });
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('lets the event loop run between holders, so that I/O waiting behind them is read', async () => {
    const m = new Mutex();
    const order: string[] = [];
    // `a` works for a while without waiting on anything; what it schedules for the event loop (a
    // socket read, here a setImmediate) comes before `b` starts, not after the whole queue.
    const a = m.run(async () => {
      order.push('a');
      setImmediate(() => order.push('event loop'));
      const until = performance.now() + 15;
      while (performance.now() < until) {
        // busy, as the embedded engine is while it answers
      }
    });
    const b = m.run(async () => {
      order.push('b');
    });
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'event loop', 'b']);
  });
});
