import { openSync, closeSync, read } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RedisTimeoutError, withDeadline } from '../../../../src/shared-state/redis-link.js';

/** Blocks the event loop, as a CPU-saturated server does. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* busy */
  }
}

describe('withDeadline', () => {
  it('rejects a command that never answers once the deadline has passed', async () => {
    const started = performance.now();
    await expect(withDeadline(new Promise<never>(() => undefined), 30)).rejects.toBeInstanceOf(RedisTimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('does not call a reply late that arrived while the event loop was stalled past the deadline', async () => {
    // An fs read completes on the thread pool during the stall, like a Redis reply reaching the
    // socket. Stalling in the check phase means the next turn runs timers before it polls I/O.
    const fd = openSync(new URL(import.meta.url), 'r');
    try {
      const outcome = await new Promise<string>((resolve) => {
        setImmediate(() => {
          const reply = new Promise<number>((done, fail) => {
            read(fd, Buffer.alloc(16), 0, 16, 0, (error, bytes) => (error ? fail(error) : done(bytes)));
          });
          const bounded = withDeadline(reply, 20);
          stall(120);
          bounded.then(
            (bytes) => resolve(`answered ${bytes}`),
            (error: unknown) => resolve(`failed: ${(error as Error).name}`),
          );
        });
      });
      expect(outcome).toBe('answered 16');
    } finally {
      closeSync(fd);
    }
  });
});
