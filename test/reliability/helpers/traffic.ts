// Steady concurrent traffic against a running service: each worker loops one request shape and
// every answer is recorded with its time, so a test can look at what happened in each phase.

export interface TrafficSample<T> {
  /** ms since the traffic started, when the request was sent. */
  at: number;
  tookMs: number;
  /** What `request` returned, or the error it threw (a failed request). */
  value?: T;
  error?: unknown;
}

export interface Traffic<T> {
  samples: Array<TrafficSample<T>>;
  /** ms since the traffic started. */
  elapsed(): number;
  /** Marks a moment (e.g. "killed") to split samples into phases later. */
  mark(name: string): number;
  marks: Map<string, number>;
  stop(): Promise<void>;
}

export function startTraffic<T>(workers: number, request: (worker: number, iteration: number) => Promise<T>, pauseMs = 5): Traffic<T> {
  const started = performance.now();
  let running = true;
  const samples: Array<TrafficSample<T>> = [];
  const marks = new Map<string, number>();
  const elapsed = () => performance.now() - started;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let iteration = 0; running; iteration += 1) {
      const at = elapsed();
      try {
        const value = await request(worker, iteration);
        samples.push({ at, tookMs: elapsed() - at, value });
      } catch (error) {
        samples.push({ at, tookMs: elapsed() - at, error });
      }
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  });
  return {
    samples,
    elapsed,
    marks,
    mark(name) {
      const at = elapsed();
      marks.set(name, at);
      return at;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 25): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await condition()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await pause(everyMs);
  }
}
